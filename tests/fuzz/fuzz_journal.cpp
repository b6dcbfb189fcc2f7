// Fuzz target: the certify journal. The input is a journal file as --resume finds it; it must
// resume (torn last line dropped) or be refused naming the file. Every record it accepted must
// also survive the way a worker answer takes: to one line and back, unchanged.
#include <fstream>

#include "harness/journal.h"
#include "tests/fuzz/fuzz_support.h"

namespace {
// The plan digest the journal's header names, so that fuzzed records reach the record reader.
std::string header_digest(std::string_view text) {
  constexpr std::string_view magic = "aicert-journal 1 plan ";
  if (text.substr(0, magic.size()) != magic) return "0";
  const std::size_t end = text.find('\n');
  return std::string(text.substr(magic.size(), end == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : end - magic.size()));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aicert;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Journal::resume appends to the file, so it gets a real one, rewritten for every input.
  const std::string path = (fuzz::scratch_folder() / "journal").string();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(text.data(), text.size());
  fuzz::accepted(path, [&] {
    const Journal journal = Journal::resume(path, header_digest(text));
    for (const auto& [id, result] : journal.finished()) {
      const std::string line = case_result_to_line(result);
      const CaseResult again = case_result_from_line(line, "journal record", 1);
      if (case_result_to_line(again) != line) {
        fuzz::contract_broken("record of " + id + " changes on its way through one line");
      }
    }
  });
  return 0;
}
