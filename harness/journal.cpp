// The append-only, flushed-per-case journal of a certification run; see journal.h.
#include "harness/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/exit_codes.h"
#include "reports/report_xml.h"
#include "workloads/memory_need.h"

namespace aicert {

namespace {

constexpr std::string_view kHeaderMagic = "aicert-journal 1 plan ";

std::runtime_error io_error(const std::string& path, const char* step) {
  return std::runtime_error(path + ": " + step + ": " + std::strerror(errno));
}

}  // namespace

Journal Journal::create(const std::string& path, const std::string& plan_digest) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST) {
    throw UsageError{path + ": a certification run is already recorded here; add --resume to "
                            "finish it, or choose another --out"};
  }
  if (fd < 0) throw io_error(path, "cannot create");
  Journal j(path, fd);
  j.write_all(std::string(kHeaderMagic) + plan_digest + "\n");
  return j;
}

Journal Journal::resume(const std::string& path, const std::string& plan_digest) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError{path + ": no journal to resume (run without --resume first)"};
  if (std::error_code ec; std::filesystem::file_size(path, ec) > kMaxReportBytes && !ec) {
    throw ReportParseError(path + ": larger than the " + memory_text(kMaxReportBytes) +
                           " a journal may be (the largest report aicert reads)");
  }
  std::stringstream whole;
  whole << in.rdbuf();
  const std::string text = whole.str();

  // Only complete lines count: a record cut by a kill has no line break yet.
  const std::size_t complete = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  const std::string header = std::string(kHeaderMagic) + plan_digest + "\n";
  if (text.find('\n') == std::string::npos && header.compare(0, text.size(), text) == 0) {
    // Killed while the header was being written: nothing ran yet, start the journal afresh.
    const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) throw io_error(path, "cannot reopen");
    Journal j(path, fd);
    j.write_all(header);
    return j;
  }
  const std::size_t header_end = text.find('\n');
  if (header_end == std::string::npos || text.compare(0, kHeaderMagic.size(), kHeaderMagic) != 0) {
    throw ReportParseError(path + ":1: not an aicert journal (header line missing or torn)");
  }
  if (text.substr(kHeaderMagic.size(), header_end - kHeaderMagic.size()) != plan_digest) {
    throw UsageError{path + ": this journal records a different plan (profile, options or the "
                            "backends present changed); it cannot be resumed with these"};
  }
  std::map<std::string, CaseResult> finished;
  int line_no = 1;
  for (std::size_t begin = header_end + 1; begin < complete;) {
    const std::size_t end = text.find('\n', begin);
    ++line_no;
    CaseResult c = case_result_from_line(std::string_view(text).substr(begin, end - begin), path,
                                         line_no);
    const std::string id = c.id;
    if (!finished.emplace(id, std::move(c)).second) {
      throw ReportParseError(path + ":" + std::to_string(line_no) + ": case \"" + id +
                             "\" is recorded twice");
    }
    begin = end + 1;
  }

  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) throw io_error(path, "cannot open for append");
  Journal j(path, fd);
  if (complete < text.size() && ::ftruncate(fd, static_cast<off_t>(complete)) != 0) {
    throw io_error(path, "cannot drop the torn last record");
  }
  j.finished_ = std::move(finished);
  return j;
}

Journal::Journal(Journal&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), finished_(std::move(other.finished_)) {
  other.fd_ = -1;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::write_all(const std::string& bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw io_error(path_, "cannot append");
    done += static_cast<std::size_t>(n);
  }
  if (::fdatasync(fd_) != 0) throw io_error(path_, "cannot flush to disk");
}

void Journal::append(const CaseResult& result) {
  write_all(case_result_to_line(result) + "\n");
  finished_[result.id] = result;
}

}  // namespace aicert
