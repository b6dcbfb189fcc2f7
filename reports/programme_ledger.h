// The ledger of a certification programme (DIR/ledger): a hash chain of records, one line each,
// one record per act of the programme (init, add-profile, add-key, accept, withdraw).
//
//   seq=3<TAB>time=2026-12-07T07:00:00Z<TAB>action=accept<TAB>vendor=...<TAB>...<TAB>
//   prev=<sha256 of record 2's line><TAB>sha256=<sha256 of this line up to "<TAB>sha256=">
//
// Values are percent-escaped (%, TAB, CR, LF), so a record is exactly one line and its bytes are
// what is hashed: `head -n 3 ledger | tail -1` and sha256sum are enough to check it by hand.
// The first record's prev is 64 zeros. The file is only ever replaced whole (write to a
// temporary file, fsync, rename), so a process killed at any moment leaves the old ledger or
// the new one, never a torn record.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aicert {

struct LedgerRecord {
  int seq = 0;              // 1, 2, ... in file order
  std::string time;         // ISO 8601 UTC
  std::string action;       // init, add-profile, add-key, accept, withdraw
  std::vector<std::pair<std::string, std::string>> fields;  // in order, action-specific
  std::string prev;         // sha256 of the previous record's line
  std::string sha256;       // of this record's line up to "\tsha256="
  int line = 0;             // where it was read from

  // The value of field `key`, or "" when absent.
  const std::string& get(const std::string& key) const;
  void set(const std::string& key, const std::string& value);
};

inline constexpr const char* kLedgerGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// A ledger as read: every record, and the first place where the chain does not hold.
struct LedgerContents {
  std::vector<LedgerRecord> records;
  // Empty when every record's hash and link verify; else "record N (line L): what is wrong",
  // about the first broken record (records after it are still listed, unverified).
  std::string broken;
};

// Reads `path`. A file that is not a ledger at all (a line without seq/time/action/prev/sha256,
// a bad escape) throws ReportParseError "path:line: what"; a well-formed line whose hash or link
// does not verify is reported in `broken` instead (that is what audit is for).
LedgerContents read_ledger(const std::string& path);

// The line of a record (without '\n'), with its sha256 computed over it; fills record.sha256.
std::string ledger_line(LedgerRecord& record);

// Appends `record` (its seq, prev and sha256 are set here) to the ledger at `path`, which must
// verify: a broken ledger is never extended (throws ReportParseError naming the break). The
// new file replaces the old atomically. Returns the record as written.
LedgerRecord append_ledger_record(const std::string& path, LedgerRecord record);

}  // namespace aicert
