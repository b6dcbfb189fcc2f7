// What every fuzz target shares: the input as a file the parsers open by path (a memfd, so no
// disk is touched), a scratch folder for what a target writes back, and the contract a parser
// must keep on bad input: a ReportParseError or UsageError that names the input. Any other
// exception escapes to libFuzzer (or the replay driver) and is reported as a finding.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "harness/exit_codes.h"
#include "reports/report_xml.h"

namespace aicert::fuzz {

// A finding that is no crash: a parser broke its own contract (a message without the file's
// name, a value it accepted but cannot write back).
[[noreturn]] inline void contract_broken(const std::string& what) {
  throw std::logic_error("fuzz contract broken: " + what);
}

// The input bytes as /proc/self/fd/N.
class MemoryFile {
 public:
  MemoryFile(const std::uint8_t* data, std::size_t size) : fd_(::memfd_create("fuzz-input", 0)) {
    if (fd_ < 0) throw std::runtime_error("memfd_create failed");
    for (std::size_t done = 0; done < size;) {
      const ssize_t n = ::write(fd_, data + done, size - done);
      if (n <= 0) throw std::runtime_error("write to memfd failed");
      done += static_cast<std::size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

// One folder per process under $TMPDIR (or /tmp) for the files a target writes, removed when it
// ends (libFuzzer ends with exit(), which runs the destructors of static objects).
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string templ = (std::filesystem::temp_directory_path() / "aicert-fuzz-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~ScratchFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline const std::filesystem::path& scratch_folder() {
  static const ScratchFolder folder;
  return folder.path();
}

// Runs `parse`; true when it accepted the input, false when it refused it the way bad input
// must be refused (ReportParseError or UsageError whose message begins with `name`).
template <class Parse>
bool accepted(std::string_view name, Parse&& parse) {
  auto check_named = [&](std::string_view message) {
    if (message.substr(0, name.size()) != name) {
      contract_broken("message does not begin with '" + std::string(name) + "': " +
                      std::string(message));
    }
  };
  try {
    parse();
    return true;
  } catch (const ReportParseError& e) {
    check_named(e.what());
  } catch (const UsageError& e) {
    check_named(e.message);
  }
  return false;
}

}  // namespace aicert::fuzz
