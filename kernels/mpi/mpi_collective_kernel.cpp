// mpi:native kernel; see mpi_collective_kernel.h.
#include "kernels/mpi/mpi_collective_kernel.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <thread>

#include "kernels/collective_fault.h"
#include "workloads/collective_layout.h"

namespace aicert::mpi {

namespace {
void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw std::runtime_error(std::string(call) +
                           " failed: " + std::string(text, static_cast<std::size_t>(len)));
}
#define AICERT_MPI_CHECK(call) check((call), #call)
}  // namespace

namespace {
// Rank 0's report names the ranks at fault and ends the job; the other ranks give it time to
// (their own deadline passes at about the same moment) before the watchdog aborts the job.
constexpr std::chrono::seconds kRootReportGrace{10};

std::function<void(const std::string&)> expiry_hook(int rank, JobMonitor* monitor) {
  if (monitor == nullptr) return {};
  if (rank == 0) {
    return [monitor](const std::string& line) {
      monitor->fail(JobFailure{true, line + ": " + monitor->diagnosis()});
    };
  }
  return [](const std::string&) { std::this_thread::sleep_for(kRootReportGrace); };
}
}  // namespace

MpiCollectiveKernel::MpiCollectiveKernel(const CollectiveSpec& spec, int rank, double timeout_s,
                                         JobMonitor* monitor)
    : spec_(spec),
      rank_(rank),
      elem_(dtype_size(spec.dtype)),
      monitor_(monitor),
      watchdog_(rank, timeout_s, expiry_hook(rank, monitor)) {
  if (collective_reduces(spec.op)) type_ = spec.dtype == DType::int32 ? MPI_INT32_T : MPI_FLOAT;
  const int n = spec.ranks;
  counts_.resize(static_cast<std::size_t>(n));
  displs_.resize(static_cast<std::size_t>(n));
  counts2_.resize(static_cast<std::size_t>(n));
  displs2_.resize(static_cast<std::size_t>(n));
  const auto e = static_cast<std::int64_t>(elem_);
  const std::int64_t mine = block_count(spec.count, n, rank);
  for (int j = 0; j < n; ++j) {
    const auto u = static_cast<std::size_t>(j);
    if (spec.op == CollectiveOp::reducescatter) {  // in elements of type_
      counts_[u] = static_cast<int>(block_count(spec.count, n, j));
    } else {
      counts_[u] = static_cast<int>(block_count(spec.count, n, j) * e);
      displs_[u] = static_cast<int>(block_offset(spec.count, n, j) * e);
      counts2_[u] = static_cast<int>(mine * e);
      displs2_[u] = static_cast<int>(j * mine * e);
    }
  }
  // AICERT_MPI_COLLECTIVE_FAULT=hang:R makes rank R hang in run() (tests of the watchdog).
  const auto fault = collective_fault_from_env("AICERT_MPI_COLLECTIVE_FAULT", {FaultKind::hang});
  hang_ = fault && fault->rank == rank;
  if (spec.op == CollectiveOp::pairs) {
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) links_.emplace_back(i, j);
    }
    link_pending_s_.assign(links_.size(), 0.0);
    link_samples_s_.resize(links_.size());
  }
  what_ =
      std::string("MPI ") + spec.op_string() + " of " + std::to_string(spec.count * e) + " bytes";
}

void MpiCollectiveKernel::upload(const HostTensors& tensors) {
  const Tensor& x = tensors.at("X");
  const ElementSpan in = collective_input_span(spec_, rank_);
  const ElementSpan out = collective_output_span(spec_, rank_);
  send_.resize(static_cast<std::size_t>(in.count) * elem_);
  if (!send_.empty()) {  // an empty vector's data() may be null, which memcpy must not get
    std::memcpy(
        send_.data(),
        static_cast<const std::byte*>(x.data()) + in.offset * static_cast<std::int64_t>(elem_),
        send_.size());
  }
  recv_.assign(static_cast<std::size_t>(out.count) * elem_, std::byte{0});
  // Broadcast is in place on the root: its output is its input.
  if (spec_.op == CollectiveOp::broadcast && rank_ == spec_.root) recv_ = send_;
  uploaded_ = true;
}

void MpiCollectiveKernel::run() {
  if (!uploaded_) throw std::logic_error("mpi:native: run() before upload()");
  const MPI_Op op = spec_.reduce == ReduceOp::max ? MPI_MAX : MPI_SUM;
  const int count = static_cast<int>(spec_.count);
  watchdog_.arm(what_);
  if (hang_) {  // fault injection: this rank never calls the collective
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  entering_call();
  const double start = MPI_Wtime();
  switch (spec_.op) {
    case CollectiveOp::allreduce:
      AICERT_MPI_CHECK(MPI_Allreduce(send_.data(), recv_.data(), count, type_, op, MPI_COMM_WORLD));
      break;
    case CollectiveOp::reducescatter:
      AICERT_MPI_CHECK(MPI_Reduce_scatter(send_.data(), recv_.data(), counts_.data(), type_, op,
                                          MPI_COMM_WORLD));
      break;
    case CollectiveOp::allgather:
      AICERT_MPI_CHECK(MPI_Allgatherv(send_.data(), static_cast<int>(send_.size()), MPI_BYTE,
                                      recv_.data(), counts_.data(), displs_.data(), MPI_BYTE,
                                      MPI_COMM_WORLD));
      break;
    case CollectiveOp::broadcast: {
      std::byte* buffer = rank_ == spec_.root ? send_.data() : recv_.data();
      AICERT_MPI_CHECK(
          MPI_Bcast(buffer, static_cast<int>(recv_.size()), MPI_BYTE, spec_.root, MPI_COMM_WORLD));
      break;
    }
    case CollectiveOp::alltoall:
      AICERT_MPI_CHECK(MPI_Alltoallv(send_.data(), counts_.data(), displs_.data(), MPI_BYTE,
                                     recv_.data(), counts2_.data(), displs2_.data(), MPI_BYTE,
                                     MPI_COMM_WORLD));
      break;
    case CollectiveOp::pairs:
      run_pairs();
      break;
  }
  ++runs_since_sync_;
  pending_s_ += MPI_Wtime() - start;
  watchdog_.disarm();
}

void MpiCollectiveKernel::run_pairs() {
  const std::size_t bytes = send_.size();
  // The own message is a copy; each link then in turn, alone.
  if (bytes > 0) std::memcpy(recv_.data() + static_cast<std::size_t>(rank_) * bytes, send_.data(), bytes);
  for (std::size_t l = 0; l < links_.size(); ++l) {
    const auto [a, b] = links_[l];
    // A deadline per link: the sweep's n(n-1)/2 exchanges together may take longer than one
    // collective's timeout in a large healthy job. Every rank enters every barrier, so the
    // monitor's call counts stay comparable.
    watchdog_.arm(what_ + ", link " + std::to_string(a) + "-" + std::to_string(b));
    entering_call();
    AICERT_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
    if (rank_ != a && rank_ != b) continue;
    const int peer = rank_ == a ? b : a;
    const double t0 = MPI_Wtime();
    AICERT_MPI_CHECK(MPI_Sendrecv(send_.data(), static_cast<int>(bytes), MPI_BYTE, peer, 7,
                                  recv_.data() + static_cast<std::size_t>(peer) * bytes,
                                  static_cast<int>(bytes), MPI_BYTE, peer, 7, MPI_COMM_WORLD,
                                  MPI_STATUS_IGNORE));
    link_pending_s_[l] += MPI_Wtime() - t0;
  }
}

double MpiCollectiveKernel::elapsed_ms_since_last_sync() {
  // The slowest rank's time, and for pairs each link's slower end, in one reduction.
  std::vector<double> mine{pending_s_};
  mine.insert(mine.end(), link_pending_s_.begin(), link_pending_s_.end());
  std::vector<double> slowest(mine.size(), 0.0);
  watchdog_.arm("MPI_Allreduce of the timings");
  entering_call();
  AICERT_MPI_CHECK(MPI_Allreduce(mine.data(), slowest.data(), static_cast<int>(mine.size()),
                                 MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD));
  watchdog_.disarm();
  if (runs_since_sync_ > 0) {
    for (std::size_t l = 0; l < links_.size(); ++l) {
      link_samples_s_[l].push_back(slowest[l + 1] / runs_since_sync_);
    }
  }
  pending_s_ = 0;
  link_pending_s_.assign(links_.size(), 0.0);
  runs_since_sync_ = 0;
  return slowest[0] * 1e3;
}

std::vector<LinkTiming> MpiCollectiveKernel::link_timings() const {
  std::vector<LinkTiming> out;
  for (std::size_t l = 0; l < links_.size(); ++l) {
    std::vector<double> s = link_samples_s_[l];
    if (s.empty()) continue;
    std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(s.size() / 2), s.end());
    const double median = s[s.size() / 2];
    LinkTiming t;
    t.a = links_[l].first;
    t.b = links_[l].second;
    t.median_ms = median * 1e3;
    t.gbps = median > 0 ? static_cast<double>(send_.size()) / median / 1e9 : 0;
    out.push_back(t);
  }
  return out;
}

void MpiCollectiveKernel::download(HostTensors& tensors) {
  Tensor& y = tensors.at("Y");
  const int n = spec_.ranks;
  std::vector<int> counts(static_cast<std::size_t>(n)), displs(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    const ElementSpan s = collective_output_span(spec_, j);
    counts[static_cast<std::size_t>(j)] =
        static_cast<int>(s.count * static_cast<std::int64_t>(elem_));
    displs[static_cast<std::size_t>(j)] =
        static_cast<int>(s.offset * static_cast<std::int64_t>(elem_));
  }
  watchdog_.arm("MPI_Allgatherv of the outputs");
  entering_call();
  AICERT_MPI_CHECK(MPI_Allgatherv(recv_.data(), static_cast<int>(recv_.size()), MPI_BYTE, y.data(),
                                  counts.data(), displs.data(), MPI_BYTE, MPI_COMM_WORLD));
  watchdog_.disarm();
}

}  // namespace aicert::mpi
