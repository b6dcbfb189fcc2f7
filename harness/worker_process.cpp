// Spawning, feeding and watching a certify worker process; see worker_process.h.
#include "harness/worker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace aicert {

namespace {

constexpr std::size_t kStderrTailBytes = 4096;

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("worker: pipe2: ") + std::strerror(errno));
  }
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    std::string s = "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    if (sig == SIGKILL) s += ", e.g. by the out-of-memory killer";
    return s;
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended with wait status " + std::to_string(status);
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

}  // namespace

std::string case_timeout_problem(double seconds) {
  if (seconds > 0 && seconds <= kMaxCaseTimeoutS) return "";
  return "a case timeout must be more than 0 and at most " + seconds_text(kMaxCaseTimeoutS) +
         " seconds, not " + seconds_text(seconds);
}

WorkerProcess::WorkerProcess(const std::string& backend) {
  // A worker that dies while we write to it must be an EPIPE here, not a SIGPIPE that ends
  // the whole certification.
  ::signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  make_pipe(in);
  make_pipe(out);
  make_pipe(err);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  std::string exe = "/proc/self/exe";
  // The worker ends with us, even when we are killed (cmd_worker.cpp: PR_SET_PDEATHSIG).
  std::vector<std::string> args{"aicert", "worker", "--backend", backend, "--parent",
                                std::to_string(::getpid())};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  in_fd_ = in[1];
  out_fd_ = out[0];
  err_fd_ = err[0];
  if (rc != 0) {
    ::close(in_fd_);
    ::close(out_fd_);
    ::close(err_fd_);
    throw std::runtime_error("worker: cannot start " + exe + ": " + std::strerror(rc));
  }
}

WorkerProcess::~WorkerProcess() {
  if (in_fd_ >= 0) ::close(in_fd_);
  if (pid_ > 0) {
    int status = 0;
    for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) ::usleep(10000);
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

void WorkerProcess::read_stderr_available() {
  char chunk[4096];
  const ssize_t n = ::read(err_fd_, chunk, sizeof chunk);
  if (n <= 0) {
    if (n == 0 || errno != EINTR) {
      ::close(err_fd_);
      err_fd_ = -1;
    }
    return;
  }
  err_tail_.append(chunk, static_cast<std::size_t>(n));
  if (err_tail_.size() > kStderrTailBytes) err_tail_.erase(0, err_tail_.size() - kStderrTailBytes);
}

std::string WorkerProcess::ended(const std::string& how) {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  // The worker is gone: what it wrote to stderr is all there, up to its end.
  while (err_fd_ >= 0) {
    pollfd p{err_fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) break;
    read_stderr_available();
  }
  std::string detail = how.empty() ? "worker " + describe_status(status) : how;
  while (!err_tail_.empty() && (err_tail_.back() == '\n' || err_tail_.back() == ' ')) {
    err_tail_.pop_back();
  }
  if (!err_tail_.empty()) detail += "; its stderr ends: " + err_tail_;
  return detail;
}

WorkerProcess::Answer WorkerProcess::ask(const std::string& request_line, double timeout_s) {
  Answer a;
  const std::string message = request_line + "\n";
  for (std::size_t sent = 0; sent < message.size();) {
    const ssize_t n = ::write(in_fd_, message.data() + sent, message.size() - sent);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      a.detail = ended("");
      return a;
    }
    sent += static_cast<std::size_t>(n);
  }
  if (const std::string why = case_timeout_problem(timeout_s); !why.empty()) {
    throw std::invalid_argument("worker: " + why);
  }
  using Clock = std::chrono::steady_clock;
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  for (;;) {
    if (const auto nl = out_buffer_.find('\n'); nl != std::string::npos) {
      a.outcome = Outcome::answered;
      a.line = out_buffer_.substr(0, nl);
      out_buffer_.erase(0, nl + 1);
      err_tail_.clear();  // a finished case's stderr says nothing about the next one
      return a;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      ::kill(pid_, SIGKILL);
      a.outcome = Outcome::timed_out;
      a.detail = ended("no result within the " + seconds_text(timeout_s) +
                       " s watchdog; the worker was killed");
      return a;
    }
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, err_fd_ >= 0 ? 2 : 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) throw std::runtime_error("worker: poll failed");
    if (ready <= 0) continue;
    if (err_fd_ >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) read_stderr_available();
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      char chunk[65536];
      const ssize_t n = ::read(out_fd_, chunk, sizeof chunk);
      if (n > 0) {
        out_buffer_.append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        a.detail = ended("");
        return a;
      }
    }
  }
}

}  // namespace aicert
