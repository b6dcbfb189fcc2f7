// Atomic file replacement: temporary file in the same folder, fsync, rename().
#include "reports/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace aicert {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& step, int err) {
  throw std::runtime_error("cannot write " + path + ": " + step + ": " + std::strerror(err));
}

// Creates a new file next to `path` (same folder, so rename() cannot cross file systems).
int create_temporary(const std::string& path, std::string* tmp_path) {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    *tmp_path = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    // 0666 so that the umask, not this code, decides who may read the report.
    const int fd = ::open(tmp_path->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    if (errno != EEXIST) fail(path, "creating temporary file " + *tmp_path, errno);
  }
  fail(path, "creating a temporary file", EEXIST);
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content) {
  std::string tmp_path;
  int fd = create_temporary(path, &tmp_path);
  const auto abandon = [&](const std::string& step) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(tmp_path.c_str());
    fail(path, step, err);
  };
  for (std::size_t done = 0; done < content.size();) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      abandon("writing " + tmp_path);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) abandon("flushing " + tmp_path);
  const int rc = ::close(fd);
  fd = -1;
  if (rc != 0) abandon("closing " + tmp_path);
  if (::rename(tmp_path.c_str(), path.c_str()) != 0) abandon("renaming " + tmp_path + " over it");
  // The rename is durable only once the folder is on disk too (power loss, not just a kill).
  const std::size_t slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {  // best effort: some file systems refuse fsync on a folder
    (void)::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace aicert
