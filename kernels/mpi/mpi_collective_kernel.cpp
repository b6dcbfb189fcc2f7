// mpi:native kernel; see mpi_collective_kernel.h.
#include "kernels/mpi/mpi_collective_kernel.h"

#include <chrono>
#include <cstring>
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

MpiCollectiveKernel::MpiCollectiveKernel(const CollectiveSpec& spec, int rank, double timeout_s)
    : spec_(spec), rank_(rank), elem_(dtype_size(spec.dtype)), watchdog_(rank, timeout_s) {
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
  }
  pending_s_ += MPI_Wtime() - start;
  watchdog_.disarm();
}

double MpiCollectiveKernel::elapsed_ms_since_last_sync() {
  double slowest = 0;
  watchdog_.arm("MPI_Allreduce of the timings");
  AICERT_MPI_CHECK(MPI_Allreduce(&pending_s_, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD));
  watchdog_.disarm();
  pending_s_ = 0;
  return slowest * 1e3;
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
  AICERT_MPI_CHECK(MPI_Allgatherv(recv_.data(), static_cast<int>(recv_.size()), MPI_BYTE, y.data(),
                                  counts.data(), displs.data(), MPI_BYTE, MPI_COMM_WORLD));
  watchdog_.disarm();
}

}  // namespace aicert::mpi
