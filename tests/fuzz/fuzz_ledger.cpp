// Fuzz target: a programme's ledger (aicert programme audit / submit read it). The input is a
// ledger file; it must be read or refused naming the file. A ledger whose chain verifies must
// re-encode to the same bytes record by record, and take one more record and still verify.
#include <fstream>
#include <sstream>

#include "reports/programme_ledger.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aicert;
  const fuzz::MemoryFile input(data, size);
  LedgerContents ledger;
  if (!fuzz::accepted(input.path(), [&] { ledger = read_ledger(input.path()); })) return 0;
  if (!ledger.broken.empty()) return 0;

  std::string again;
  for (LedgerRecord r : ledger.records) again += ledger_line(r) + "\n";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A verified ledger may lack only the final newline.
  if (again != text && again != std::string(text) + "\n") {
    fuzz::contract_broken("a verified ledger does not re-encode to its own bytes");
  }
  const std::string copy = (fuzz::scratch_folder() / "ledger").string();
  std::ofstream(copy, std::ios::binary | std::ios::trunc) << again;
  LedgerRecord extra;
  extra.time = "2026-12-07T00:00:00Z";
  extra.action = "withdraw";
  extra.set("reason", "fuzz");
  append_ledger_record(copy, extra);
  const LedgerContents after = read_ledger(copy);
  if (!after.broken.empty() || after.records.size() != ledger.records.size() + 1) {
    fuzz::contract_broken("a verified ledger with one more record does not verify: " + after.broken);
  }
  return 0;
}
