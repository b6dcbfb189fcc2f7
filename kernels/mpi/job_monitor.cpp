// Rank 0's watch over the ranks of an MPI job; see job_monitor.h.
#include "kernels/mpi/job_monitor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <mpi.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <set>
#include <sstream>

namespace aicert::mpi {

namespace {

using Clock = std::chrono::steady_clock;

// One record of the channel, in the hosts' own byte order (a job's hosts share an ABI).
struct Record {
  std::uint32_t kind;  // kHello, kBeat, kGoodbye
  std::uint32_t rank;
  std::uint64_t value;  // hello: the job's token; beat: calls entered
};
constexpr std::uint32_t kHello = 1, kBeat = 2, kGoodbye = 3;
constexpr auto kBeatEvery = std::chrono::milliseconds(250);
// After the launcher's SIGTERM, how long rank 0 waits for the lost rank's EOF to name it
// (Open MPI sends SIGKILL 1 s after SIGTERM).
constexpr auto kTermWait = std::chrono::milliseconds(300);
constexpr int kConnectTimeoutMs = 2000;
// Once rank 0 knows who connected, how long it waits for their hellos to arrive.
constexpr auto kHelloWait = std::chrono::seconds(5);
// A send to rank 0 that cannot go out within this (its host is gone and the socket's buffer is
// full) is given up: the rank stops beating instead of stalling at exit.
constexpr int kSendTimeoutMs = 2000;
constexpr int kAnnounceBytes = 2048;  // "token port addr addr ..." broadcast by rank 0
// A rank whose heartbeats stopped for this many periods counts as silent in a diagnosis.
constexpr auto kSilentAfter = 8 * kBeatEvery;
// How long the failure handler (rank 0 writing its report) may take before the job is aborted
// regardless; a second failing thread waits as long, then aborts too.
constexpr auto kHandlerDeadline = std::chrono::seconds(60);

// Rank 0's self-pipe, written by the SIGTERM handler (which must leave errno as it found it).
volatile std::sig_atomic_t g_sigterm_fd = -1;
void on_sigterm(int) {
  const int saved = errno;
  const int fd = g_sigterm_fd;
  if (fd >= 0) {
    const char t = 'T';
    [[maybe_unused]] const ssize_t n = write(fd, &t, 1);
  }
  errno = saved;
}

[[noreturn]] void abort_job() {
  std::fflush(stdout);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 3);
  std::_Exit(3);
}

bool send_all(int fd, const void* data, std::size_t bytes) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = send(fd, p, bytes, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
  return true;
}

// This host's IPv4 addresses: others first, loopback last.
std::vector<std::string> local_addresses() {
  std::vector<std::string> out, loopback;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    if ((a->ifa_flags & IFF_UP) == 0) continue;
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
    ((a->ifa_flags & IFF_LOOPBACK) ? loopback : out).push_back(text);
  }
  freeifaddrs(list);
  out.insert(out.end(), loopback.begin(), loopback.end());
  return out;
}

// A connected socket to address:port within the timeout, or -1 with *why.
int connect_within(const std::string& address, int port, std::string* why) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, address.c_str(), &to.sin_addr) != 1) {
    *why = address + ": not an address";
    return -1;
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    *why = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = poll(&p, 1, kConnectTimeoutMs);
    int error = 0;
    socklen_t len = sizeof error;
    if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0) {
      rc = 0;
    } else {
      errno = rc == 0 ? ETIMEDOUT : error;
      rc = -1;
    }
  }
  if (rc != 0) {
    *why = address + ":" + std::to_string(port) + ": " + std::strerror(errno);
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const timeval send_timeout{kSendTimeoutMs / 1000, (kSendTimeoutMs % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  return fd;
}

}  // namespace

JobMonitor::JobMonitor(int rank, int size, std::vector<std::string> host_of_rank,
                       double silence_s)
    : rank_(rank), size_(size), host_of_rank_(std::move(host_of_rank)), silence_s_(silence_s) {
  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
  // Rank 0 listens on every address and announces them with a token of this job.
  std::vector<char> announce(kAnnounceBytes, '\0');
  int listener = -1;
  std::uint64_t token = 0;
  if (rank_ == 0) {
    std::string text;
    listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    socklen_t len = sizeof any;
    if (wake_[0] < 0) {
      text = std::string("none: pipe: ") + std::strerror(errno);
    } else if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 ||
               listen(listener, SOMAXCONN) != 0 ||
               getsockname(listener, reinterpret_cast<sockaddr*>(&any), &len) != 0) {
      text = std::string("none: cannot listen: ") + std::strerror(errno);
    } else {
      token = std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32);
      text = std::to_string(token) + " " + std::to_string(ntohs(any.sin_port));
      for (const std::string& a : local_addresses()) {
        if (text.size() + a.size() + 2 < announce.size()) text += " " + a;
      }
    }
    text.copy(announce.data(), announce.size() - 1);
  }
  MPI_Bcast(announce.data(), kAnnounceBytes, MPI_CHAR, 0, MPI_COMM_WORLD);
  const std::string where(announce.data());
  const bool listening = where.rfind("none", 0) != 0;
  int connected = 0;
  if (rank_ != 0 && listening) {
    connect_to_root(where);
    connected = root_fd_ >= 0;
  }
  // Who connected, gathered while rank 0 already accepts (a rank that could not connect is not
  // waited for).
  std::vector<int> ok(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
  MPI_Request gathered = MPI_REQUEST_NULL;
  MPI_Igather(&connected, 1, MPI_INT, ok.data(), 1, MPI_INT, 0, MPI_COMM_WORLD, &gathered);
  if (rank_ == 0 && listening) {
    peers_.resize(static_cast<std::size_t>(size_));
    accept_peers(listener, token, gathered, ok);
  } else {
    MPI_Wait(&gathered, MPI_STATUS_IGNORE);
  }
  if (rank_ == 0) {
    if (!listening) {
      coverage_ = where;
    } else {
      std::string missing;
      for (int r = 1; r < size_; ++r) {
        if (!peers_[static_cast<std::size_t>(r)].connected) {
          missing += (missing.empty() ? "" : ", ") + name_of(r);
        }
      }
      if (!missing.empty()) coverage_ = "every rank but " + missing + " (no connection to rank 0)";
      if (size_ > 1) {
        g_sigterm_fd = static_cast<std::sig_atomic_t>(wake_[1]);
        struct sigaction action{};
        action.sa_handler = on_sigterm;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGTERM, &action, nullptr);
        thread_ = std::thread([this] { root_loop(); });
      }
    }
  } else if (root_fd_ >= 0) {
    thread_ = std::thread([this] { peer_loop(); });
  }
  if (listener >= 0) close(listener);
}

void JobMonitor::stop_thread() {
  stopping_ = true;
  if (wake_[1] >= 0) {
    const char s = 'S';
    [[maybe_unused]] const ssize_t n = write(wake_[1], &s, 1);
  }
  if (thread_.joinable()) thread_.join();
  if (rank_ == 0 && g_sigterm_fd == wake_[1] && wake_[1] >= 0) {
    signal(SIGTERM, SIG_DFL);
    g_sigterm_fd = -1;
  }
}

JobMonitor::~JobMonitor() {
  stop_thread();
  // Bounded by the socket's send timeout when rank 0's host is gone.
  if (root_fd_ >= 0) {
    const Record bye{kGoodbye, static_cast<std::uint32_t>(rank_), calls_.load()};
    send_all(root_fd_, &bye, sizeof bye);
  }
  if (root_fd_ >= 0) close(root_fd_);
  for (Peer& p : peers_) {
    if (p.fd >= 0) close(p.fd);
  }
  for (int fd : wake_) {
    if (fd >= 0) close(fd);
  }
}

void JobMonitor::accept_peers(int listener, std::uint64_t token, MPI_Request gathered,
                              const std::vector<int>& connected) {
  struct Incoming {
    int fd;
    std::string bytes;
  };
  std::vector<Incoming> incoming;  // accepted, hello not yet read
  int expected = -1;               // known once the gather is done
  int joined = 0;
  Clock::time_point deadline{};
  for (;;) {
    if (expected < 0) {
      int done = 0;
      MPI_Test(&gathered, &done, MPI_STATUS_IGNORE);
      if (done) {
        expected = static_cast<int>(std::count(connected.begin() + 1, connected.end(), 1));
        deadline = Clock::now() + kHelloWait;
      }
    }
    if (expected >= 0 && (joined >= expected || Clock::now() > deadline)) break;
    std::vector<pollfd> fds{{listener, POLLIN, 0}};
    for (const Incoming& in : incoming) fds.push_back({in.fd, POLLIN, 0});
    poll(fds.data(), fds.size(), 20);  // short: the gather progresses only in MPI_Test
    if (fds[0].revents & POLLIN) {
      for (int fd; (fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0;) {
        incoming.push_back({fd, {}});
      }
    }
    for (std::size_t i = 0; i < incoming.size();) {
      Incoming& in = incoming[i];
      char buf[256];
      const ssize_t n = recv(in.fd, buf, sizeof buf, MSG_DONTWAIT);
      const bool waiting = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
      if (n > 0) in.bytes.append(buf, static_cast<std::size_t>(n));
      if (waiting || (n > 0 && in.bytes.size() < sizeof(Record))) {  // the hello is not all in
        ++i;
        continue;
      }
      Record hello{};
      if (n > 0) std::memcpy(&hello, in.bytes.data(), sizeof hello);
      if (n > 0 && hello.kind == kHello && hello.value == token && hello.rank != 0 &&
          hello.rank < static_cast<std::uint32_t>(size_) && peers_[hello.rank].fd < 0) {
        Peer& peer = peers_[hello.rank];
        peer.fd = in.fd;
        peer.connected = true;
        peer.heard = Clock::now();
        peer.pending = in.bytes.substr(sizeof hello);  // a heartbeat may follow at once
        ++joined;
      } else {
        close(in.fd);  // closed early, or not a rank of this job
      }
      incoming.erase(incoming.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  for (const Incoming& in : incoming) close(in.fd);
}

void JobMonitor::connect_to_root(const std::string& where) {
  std::istringstream in(where);
  std::uint64_t token = 0;
  int port = 0;
  in >> token >> port;
  // Another host's address that this host has too (docker0's 172.17.0.1, say) would reach
  // this host itself: skipped unless rank 0 runs on this host.
  const bool same_host = host_of_rank_.at(0) == host_of_rank_.at(static_cast<std::size_t>(rank_));
  const std::vector<std::string> mine = local_addresses();
  const std::set<std::string> own(mine.begin(), mine.end());
  std::string tried;
  for (std::string address; in >> address;) {
    if (!same_host && own.count(address)) continue;
    std::string why;
    const int fd = connect_within(address, port, &why);
    if (fd < 0) {
      tried += (tried.empty() ? "" : "; ") + why;
      continue;
    }
    const Record hello{kHello, static_cast<std::uint32_t>(rank_), token};
    if (send_all(fd, &hello, sizeof hello)) {
      root_fd_ = fd;
      return;
    }
    close(fd);
  }
  std::fprintf(stderr,
               "aicert: mpi rank %d: cannot reach rank 0's job monitor (%s): rank 0 will not "
               "notice at once if this rank is lost\n",
               rank_, tried.empty() ? "no address to try" : tried.c_str());
}

void JobMonitor::set_handler(JobFailureHandler handler) {
  std::lock_guard<std::mutex> lock(handler_mutex_);
  handler_ = std::move(handler);
}

std::string JobMonitor::name_of(int rank) const {
  const auto r = static_cast<std::size_t>(rank);
  return "rank " + std::to_string(rank) +
         (r < host_of_rank_.size() ? " (host " + host_of_rank_[r] + ")" : std::string());
}

std::string JobMonitor::read_peer(int r) {
  Peer& peer = peers_[static_cast<std::size_t>(r)];
  char buf[4096];
  const ssize_t n = recv(peer.fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return {};
  if (n > 0) {
    peer.pending.append(buf, static_cast<std::size_t>(n));
    std::size_t at = 0;
    for (; at + sizeof(Record) <= peer.pending.size(); at += sizeof(Record)) {
      Record rec{};
      std::memcpy(&rec, peer.pending.data() + at, sizeof rec);
      if (rec.kind == kBeat) peer.calls = rec.value;
      if (rec.kind == kGoodbye) peer.said_goodbye = true;
    }
    peer.pending.erase(0, at);
    peer.heard = Clock::now();
    return {};
  }
  const std::string error = n == 0 ? std::string() : std::string(": ") + std::strerror(errno);
  close(peer.fd);
  peer.fd = -1;
  if (peer.said_goodbye) return {};
  return name_of(r) + " left the job without finishing" + error +
         ": its process ended (killed or crashed) or its host went down";
}

void JobMonitor::root_loop() {
  std::optional<Clock::time_point> terminated;  // when the launcher's SIGTERM came
  while (!stopping_) {
    std::vector<pollfd> fds{{wake_[0], POLLIN, 0}};
    std::vector<int> rank_of{-1};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (int r = 1; r < size_; ++r) {
        if (peers_[static_cast<std::size_t>(r)].fd < 0) continue;
        fds.push_back({peers_[static_cast<std::size_t>(r)].fd, POLLIN, 0});
        rank_of.push_back(r);
      }
    }
    poll(fds.data(), fds.size(), static_cast<int>(kBeatEvery.count()));
    if (fds[0].revents & POLLIN) {
      char c[16];
      const ssize_t n = read(wake_[0], c, sizeof c);
      for (ssize_t i = 0; i < n; ++i) {
        if (c[i] == 'S') return;
        if (c[i] == 'T' && !terminated) terminated = Clock::now();
      }
    }
    const std::string ending =
        terminated ? "; the launcher is ending the job (SIGTERM to rank 0)" : "";
    std::string lost;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (std::size_t i = 1; i < fds.size() && lost.empty(); ++i) {
        if (fds[i].revents != 0) lost = read_peer(rank_of[i]);
      }
      const auto now = Clock::now();
      for (int r = 1; r < size_ && lost.empty(); ++r) {
        const Peer& p = peers_[static_cast<std::size_t>(r)];
        const double silent = std::chrono::duration<double>(now - p.heard).count();
        if (p.fd >= 0 && !p.said_goodbye && silent > silence_s_) {
          char text[96];
          std::snprintf(text, sizeof text, " has not been heard from for %.0f s", silent);
          lost = name_of(r) + text + " (its host stopped or its network is down)";
        }
      }
    }
    if (!lost.empty()) fail(JobFailure{false, lost + ending});
    if (terminated && Clock::now() - *terminated > kTermWait) {
      const std::string behind = diagnosis();
      fail(JobFailure{false, "the launcher ended the job (SIGTERM to rank 0) before it finished" +
                                 (behind.empty() ? std::string() : ": " + behind)});
    }
  }
}

void JobMonitor::peer_loop() {
  while (!stopping_) {
    pollfd p{wake_[0], POLLIN, 0};
    poll(&p, 1, static_cast<int>(kBeatEvery.count()));
    if (stopping_) return;
    const Record beat{kBeat, static_cast<std::uint32_t>(rank_), calls_.load()};
    if (!send_all(root_fd_, &beat, sizeof beat)) return;  // rank 0 is gone: nobody to tell
  }
}

std::string JobMonitor::diagnosis() {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::uint64_t mine = calls_.load();
  const auto now = Clock::now();
  std::string out;
  for (int r = 1; r < static_cast<int>(peers_.size()); ++r) {
    const Peer& p = peers_[static_cast<std::size_t>(r)];
    std::string what;
    const double silent = std::chrono::duration<double>(now - p.heard).count();
    if (!p.connected) {
      what = " is not watched (it could not connect to rank 0 at the start)";
    } else if (p.fd < 0 && !p.said_goodbye) {
      what = " has left the job";
    } else if (p.fd >= 0 && silent > std::chrono::duration<double>(kSilentAfter).count()) {
      char text[64];
      std::snprintf(text, sizeof text, " has been silent for %.0f s", silent);
      what = text;
    } else if (p.fd >= 0 && p.calls < mine) {
      what = " has not reached this call (" + std::to_string(mine - p.calls) +
             " call(s) behind: hung or slow before it)";
    }
    if (!what.empty()) out += (out.empty() ? "" : "; ") + name_of(r) + what;
  }
  std::uint64_t ahead = 0;  // the most calls any rank is ahead of this one
  for (std::size_t r = 1; r < peers_.size(); ++r) {
    if (peers_[r].calls > mine) ahead = std::max(ahead, peers_[r].calls - mine);
  }
  if (out.empty() && ahead > 0) {
    out = name_of(0) + " itself has not reached the call (" + std::to_string(ahead) +
          " call(s) behind the others: hung or slow before it)";
  }
  if (out.empty() && !peers_.empty()) {
    out = "every rank reached the call and is alive: the communication itself is stuck "
          "(network or MPI)";
  }
  return out;
}

void JobMonitor::fail(const JobFailure& failure) {
  if (failing_.exchange(true)) {
    // Another thread is ending the job; should it never get there, this one does.
    std::this_thread::sleep_for(kHandlerDeadline + std::chrono::seconds(1));
    abort_job();
  }
  std::fprintf(stderr, "aicert: mpi rank %d: %s; ending the job\n", rank_, failure.why.c_str());
  std::fflush(stderr);
  // A handler that blocks (a hung file system) must not keep the job alive.
  std::thread([rank = rank_] {
    std::this_thread::sleep_for(kHandlerDeadline);
    std::fprintf(stderr, "aicert: mpi rank %d: the report was not written within %lld s; "
                 "aborting the job without it\n", rank,
                 static_cast<long long>(kHandlerDeadline.count()));
    abort_job();
  }).detach();
  {
    std::lock_guard<std::mutex> lock(handler_mutex_);
    try {
      if (handler_) handler_(failure);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "aicert: mpi rank %d: writing the report failed: %s\n", rank_, e.what());
    } catch (...) {
      std::fprintf(stderr, "aicert: mpi rank %d: writing the report failed\n", rank_);
    }
  }
  abort_job();
}

}  // namespace aicert::mpi
