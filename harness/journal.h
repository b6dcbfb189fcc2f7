// The certify journal, DIR/journal: one header line naming the plan, then one line per
// finished case (case_result_to_line), each written and flushed to disk before the next case
// starts. A run killed at any moment loses at most the case it was running; `--resume` reads
// the journal back, drops a torn last line, and runs only the cases it lacks.
#pragma once

#include <map>
#include <string>

#include "reports/case_result.h"

namespace aicert {

class Journal {
 public:
  // Starts a new journal at `path` for the plan named by `plan_digest`. Throws UsageError when
  // a journal is already there (a run to --resume, never to overwrite).
  static Journal create(const std::string& path, const std::string& plan_digest);
  // Opens an existing journal for the same plan. Throws UsageError when there is none or it
  // belongs to another plan, ReportParseError ("journal:line: what") on a corrupt record.
  static Journal resume(const std::string& path, const std::string& plan_digest);

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  ~Journal();

  // Cases already finished, by id (from a resumed journal).
  const std::map<std::string, CaseResult>& finished() const { return finished_; }

  // Appends one case and flushes it to disk (fdatasync) before returning.
  void append(const CaseResult& result);

 private:
  Journal(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  void write_all(const std::string& bytes);

  std::string path_;
  int fd_ = -1;
  std::map<std::string, CaseResult> finished_;
};

}  // namespace aicert
