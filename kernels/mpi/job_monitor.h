// Rank 0's watch over the other ranks of an MPI job, on a channel of its own beside MPI: every
// rank keeps one TCP connection to rank 0 and sends a heartbeat with the count of MPI calls it
// has entered. So when a host dies mid-run (its processes killed, its network cut), rank 0
// knows which rank on which host went (EOF without a goodbye, or no heartbeat for the timeout)
// within a heartbeat, and when a collective times out it can say who has not reached it. Why
// not MPI itself: after a peer dies MPI's behaviour is undefined and the launcher kills the
// survivors within a second (Open MPI: SIGTERM, then SIGKILL 1 s later), so rank 0 must learn it
// from outside MPI and write its report before then. Rank 0 also turns the launcher's SIGTERM
// into a failure of the job, so the report is written then too.
//
// A failure calls the handler once, on the monitor's thread (the harness writes rank 0's report
// with the case in flight as crash/timeout), then aborts the job (MPI_Abort): also when the
// handler throws, and within kHandlerDeadline when it blocks.
//
// A rank has finished when its monitor is destroyed (it says goodbye); a rank whose process ends
// without that, killed or crashed, is reported to rank 0 as lost at once. Also a rank an
// exception unwinds says goodbye: that is how every rank leaves when they all refuse alike (bad
// options, plans that differ), and taking it for a loss made rank 0 abort the job before it
// could say why. A case's own errors are caught per case and never unwind a rank mid-run.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <mpi.h>

#include "kernels/backend_api.h"

namespace aicert::mpi {

class JobMonitor {
 public:
  // Collective over MPI_COMM_WORLD (every rank constructs it at the same point).
  // host_of_rank: every rank's host name; silence_s: a rank not heard from for this long is lost.
  JobMonitor(int rank, int size, std::vector<std::string> host_of_rank, double silence_s);
  ~JobMonitor();  // ranks > 0 say goodbye
  JobMonitor(const JobMonitor&) = delete;
  JobMonitor& operator=(const JobMonitor&) = delete;

  // "every rank", or which ranks could not reach rank 0 and why (rank 0's view).
  const std::string& coverage() const { return coverage_; }

  // Rank 0: who handles a failure (the harness's report writer); null prints it only.
  void set_handler(JobFailureHandler handler);
  // Counted right before each MPI call of a kernel; sent with the heartbeat.
  void entered_call() { calls_.fetch_add(1, std::memory_order_relaxed); }
  // Rank 0, when a call of its own timed out: which ranks are behind it or silent.
  std::string diagnosis();
  // Calls the handler (rank 0; once per job) and aborts the job. Never returns.
  [[noreturn]] void fail(const JobFailure& failure);

 private:
  struct Peer {
    int fd = -1;
    bool connected = false;  // it reached rank 0 at the start (a rank that did not is unwatched)
    std::string pending;  // bytes of a partial record
    std::uint64_t calls = 0;
    std::chrono::steady_clock::time_point heard;
    bool said_goodbye = false;
  };
  void connect_to_root(const std::string& where);
  // Rank 0: takes the ranks' connections while the gather of who connected completes (so a job
  // larger than the listen backlog is not refused), then until every connected rank is in.
  void accept_peers(int listener, std::uint64_t token, MPI_Request gathered,
                    const std::vector<int>& connected);
  void stop_thread();
  void root_loop();
  void peer_loop();
  std::string name_of(int rank) const;
  // Reads what peer r sent; returns a loss text when it is gone without a goodbye.
  std::string read_peer(int r);

  int rank_, size_;
  std::vector<std::string> host_of_rank_;
  double silence_s_;
  std::string coverage_ = "every rank";
  std::atomic<std::uint64_t> calls_{0};
  std::atomic<bool> stopping_{false};
  int wake_[2] = {-1, -1};  // self-pipe: stop ('S') and the launcher's SIGTERM ('T')
  int root_fd_ = -1;        // ranks > 0: the connection to rank 0
  std::mutex mutex_;         // peers_
  std::vector<Peer> peers_;  // rank 0: by rank
  // Held while the handler runs, so set_handler(nullptr) returns only once it is not running
  // (the harness destroys what the handler writes to after that).
  std::mutex handler_mutex_;
  JobFailureHandler handler_;
  std::atomic<bool> failing_{false};
  std::thread thread_;
};

}  // namespace aicert::mpi
