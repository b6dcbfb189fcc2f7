// cuda:nccl kernel; see nccl_collective_kernel.h.
#include "kernels/cuda/nccl_collective_kernel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "kernels/collective_fault.h"
#include "kernels/cuda/cuda_check.h"
#include "workloads/collective_layout.h"

namespace aicert::cuda {

namespace {

ncclDataType_t nccl_type(DType t) {
  switch (t) {
    case DType::fp32:
      return ncclFloat32;
    case DType::fp16:
      return ncclFloat16;
    case DType::bf16:
      return ncclBfloat16;
    case DType::int32:
      return ncclInt32;
    case DType::fp8e4m3:  // refused by validate_collective_spec
      break;
  }
  throw std::invalid_argument("cuda:nccl: unknown dtype");
}

// The "hang" fault: a host function on the rank's stream that blocks it until released (by
// the abort after the timeout, or the kernel's end), so that the stream stands like a hung
// collective. Process-wide: a released hang must never block again.
std::atomic<bool> g_hang_released{true};

void CUDART_CB block_stream(void*) {
  while (!g_hang_released.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

std::string seconds_text(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", s);
  return text;
}

}  // namespace

NcclCollectiveKernel::DeviceMemory::~DeviceMemory() {
  if (ptr != nullptr) {
    cudaSetDevice(device);
    cudaFree(ptr);
  }
}

void NcclCollectiveKernel::DeviceMemory::allocate(int dev, std::size_t n,
                                                  const std::string& where) {
  if (ptr != nullptr) {
    AICERT_CUDA(where, cudaSetDevice(device));
    AICERT_CUDA(where, cudaFree(ptr));
    ptr = nullptr;
  }
  device = dev;
  bytes = n;
  AICERT_CUDA(where, cudaSetDevice(device));
  // A rank with nothing to hold still gets a valid (unused) pointer for NCCL's argument checks.
  AICERT_CUDA(where, cudaMalloc(&ptr, std::max<std::size_t>(n, 16)));
}

NcclCollectiveKernel::NcclCollectiveKernel(const NcclLibrary& lib, const CollectiveSpec& spec,
                                           const std::vector<int>& devices,
                                           std::shared_ptr<mpi::MpiBootstrap> mpi, double timeout_s)
    : lib_(lib),
      spec_(spec),
      mpi_(std::move(mpi)),
      timeout_s_(timeout_s),
      elem_(dtype_size(spec.dtype)),
      type_(nccl_type(spec.dtype)),
      ranks_(devices.size()) {
  what_ = "cuda:nccl " + spec.op_string() + " of " +
          std::to_string(spec.count * static_cast<std::int64_t>(elem_)) + " bytes over " +
          std::to_string(spec.ranks) + " ranks";
  if (const auto fault = collective_fault_from_env("AICERT_NCCL_COLLECTIVE_FAULT",
                                                   {FaultKind::corrupt, FaultKind::hang})) {
    if (fault->kind == FaultKind::corrupt) corrupt_rank_ = fault->rank;
    if (fault->kind == FaultKind::hang) hang_rank_ = fault->rank;
  }
  for (std::size_t i = 0; i < devices.size(); ++i) {
    Rank& k = ranks_[i];
    k.id = mpi_ ? mpi_->rank() : static_cast<int>(i);
    k.stream =
        std::make_unique<DeviceStream>(devices[i], "cuda device " + std::to_string(devices[i]) +
                                                       " (nccl rank " + std::to_string(k.id) + ")");
  }
  ncclUniqueId id{};
  if (!mpi_ || mpi_->rank() == 0) AICERT_NCCL(lib_, nullptr, what_, GetUniqueId(&id));
  if (mpi_) mpi_->broadcast(&id, sizeof id, 0);
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  config.blocking = 0;  // every wait below is polled against the deadline
  AICERT_NCCL(lib_, nullptr, what_, GroupStart());
  try {
    for (Rank& k : ranks_) {
      k.stream->activate();
      AICERT_NCCL(lib_, nullptr, k.stream->label(),
                  CommInitRankConfig(&k.comm, spec_.ranks, id, k.id, &config));
    }
  } catch (...) {
    lib_.GroupEnd();
    throw;
  }
  group_end("communicator initialization for " + what_);
}

void NcclCollectiveKernel::group_end(const std::string& what) {
  if (const ncclResult_t rc = lib_.GroupEnd(); rc != ncclSuccess && rc != ncclInProgress) {
    const char* last = lib_.GetLastError(nullptr);
    abort_and_throw("ncclGroupEnd() failed for " + what + ": " + lib_.GetErrorString(rc) +
                    (last != nullptr && *last != '\0' ? std::string(": ") + last : ""));
  }
  wait(false, what);
}

NcclCollectiveKernel::~NcclCollectiveKernel() {
  // Abort is local (no peer needs to take part) and never blocks on a hung peer; every result
  // was waited for before download, so nothing of value is in flight here.
  g_hang_released = true;
  for (Rank& k : ranks_) {
    if (k.comm != nullptr) lib_.CommAbort(k.comm);
    k.comm = nullptr;
  }
}

void NcclCollectiveKernel::abort_and_throw(const std::string& what) {
  g_hang_released = true;
  for (Rank& k : ranks_) {
    if (k.comm != nullptr) lib_.CommAbort(k.comm);
    k.comm = nullptr;
  }
  aborted_ = true;
  throw CudaError(what + " (communicators aborted)");
}

void NcclCollectiveKernel::wait(bool streams, const std::string& what) {
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(timeout_s_));
  for (;;) {
    std::string busy;
    for (Rank& k : ranks_) {
      ncclResult_t state = ncclSuccess;
      const ncclResult_t rc = lib_.CommGetAsyncError(k.comm, &state);
      if (rc != ncclSuccess) state = rc;
      if (state != ncclSuccess && state != ncclInProgress) {
        const char* last = lib_.GetLastError(k.comm);
        abort_and_throw(what + " failed on " + k.stream->label() + ": " +
                        lib_.GetErrorString(state) +
                        (last != nullptr && *last != '\0' ? std::string(": ") + last : ""));
      }
      bool idle = state == ncclSuccess;
      if (idle && streams) {
        k.stream->activate();
        const cudaError_t e = cudaStreamQuery(k.stream->get());
        if (e != cudaSuccess && e != cudaErrorNotReady) {
          abort_and_throw(what + " failed on " + k.stream->label() + ": " + cuda_error_text(e));
        }
        idle = e == cudaSuccess;
      }
      if (!idle) busy += (busy.empty() ? "" : ", ") + std::to_string(k.id);
    }
    if (busy.empty()) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      abort_and_throw(what + " timed out after " + seconds_text(timeout_s_) +
                      " s (AICERT_COLLECTIVE_TIMEOUT_S) waiting for rank(s) " + busy);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
}

void NcclCollectiveKernel::upload(const HostTensors& tensors) {
  if (aborted_) throw CudaError(what_ + ": communicator aborted after an earlier error");
  const auto* x = static_cast<const std::byte*>(tensors.at("X").data());
  const auto e = static_cast<std::int64_t>(elem_);
  for (Rank& k : ranks_) {
    const std::string& where = k.stream->label();
    const ElementSpan in = collective_input_span(spec_, k.id);
    const ElementSpan out = collective_output_span(spec_, k.id);
    k.send.allocate(k.stream->device(), static_cast<std::size_t>(in.count * e), where);
    k.recv.allocate(k.stream->device(), static_cast<std::size_t>(out.count * e), where);
    // On the rank's own (non-blocking) stream, so that nothing of it can overlap a collective.
    if (in.count > 0) {
      AICERT_CUDA(where, cudaMemcpyAsync(k.send.ptr, x + in.offset * e, k.send.bytes,
                                         cudaMemcpyHostToDevice, k.stream->get()));
    }
    AICERT_CUDA(where, cudaMemsetAsync(k.recv.ptr, 0, std::max<std::size_t>(k.recv.bytes, 1),
                                       k.stream->get()));
    AICERT_CUDA(where, cudaStreamSynchronize(k.stream->get()));
  }
  uploaded_ = true;
}

void NcclCollectiveKernel::enqueue(Rank& k) {
  const int n = spec_.ranks;
  const auto count = spec_.count;
  const auto e = static_cast<std::int64_t>(elem_);
  const ncclRedOp_t op = spec_.reduce == ReduceOp::max ? ncclMax : ncclSum;
  const cudaStream_t s = k.stream->get();
  const ncclComm_t c = k.comm;
  const std::string& where = k.stream->label();
  const bool even = count % n == 0;
  auto block = [&](int j) { return static_cast<std::size_t>(block_count(count, n, j)); };
  auto offset = [&](int j) { return block_offset(count, n, j) * e; };  // bytes
  k.stream->activate();
  switch (spec_.op) {
    case CollectiveOp::allreduce:
      AICERT_NCCL(
          lib_, c, where,
          AllReduce(k.send.ptr, k.recv.ptr, static_cast<std::size_t>(count), type_, op, c, s));
      break;
    case CollectiveOp::broadcast:
      AICERT_NCCL(lib_, c, where,
                  Broadcast(k.send.ptr, k.recv.ptr, static_cast<std::size_t>(count), type_,
                            spec_.root, c, s));
      break;
    case CollectiveOp::allgather:
      if (even) {
        AICERT_NCCL(lib_, c, where, AllGather(k.send.ptr, k.recv.ptr, block(0), type_, c, s));
        break;
      }
      // Uneven blocks: block j broadcast from rank j into its place on every rank.
      for (int j = 0; j < n; ++j) {
        if (block(j) == 0) continue;
        std::byte* dst = k.recv.at(offset(j));
        AICERT_NCCL(lib_, c, where,
                    Broadcast(j == k.id ? k.send.ptr : dst, dst, block(j), type_, j, c, s));
      }
      break;
    case CollectiveOp::reducescatter:
      if (even) {
        AICERT_NCCL(lib_, c, where,
                    ReduceScatter(k.send.ptr, k.recv.ptr, block(0), type_, op, c, s));
        break;
      }
      // Uneven blocks: block j reduced onto rank j (recvbuff is used on the root only).
      for (int j = 0; j < n; ++j) {
        if (block(j) == 0) continue;
        AICERT_NCCL(lib_, c, where,
                    Reduce(k.send.at(offset(j)), k.recv.ptr, block(j), type_, op, j, c, s));
      }
      break;
    case CollectiveOp::alltoall: {
      // Rank k's region holds, in rank order, the piece of block k that each rank i sent.
      const std::size_t mine = block(k.id);
      for (int j = 0; j < n; ++j) {
        if (j == k.id) continue;  // the own piece is a device copy after the group
        if (block(j) > 0) {
          AICERT_NCCL(lib_, c, where, Send(k.send.at(offset(j)), block(j), type_, j, c, s));
        }
        if (mine > 0) {
          AICERT_NCCL(
              lib_, c, where,
              Recv(k.recv.at(static_cast<std::int64_t>(j) * static_cast<std::int64_t>(mine) * e),
                   mine, type_, j, c, s));
        }
      }
      break;
    }
    case CollectiveOp::pairs:  // refused by the implementation table
      throw std::logic_error("cuda:nccl: no point-to-point sweep");
  }
}

void NcclCollectiveKernel::run() {
  if (aborted_) throw CudaError(what_ + ": communicator aborted after an earlier error");
  if (!uploaded_) throw std::logic_error("cuda:nccl: run() before upload()");
  for (Rank& k : ranks_) {
    k.stream->activate();
    k.timer.begin(k.stream->get(), k.stream->label());
    if (k.id == hang_rank_) {  // fault injection: this rank's stream stands still
      g_hang_released = false;
      AICERT_CUDA(k.stream->label(), cudaLaunchHostFunc(k.stream->get(), block_stream, nullptr));
    }
  }
  AICERT_NCCL(lib_, nullptr, what_, GroupStart());
  try {
    for (Rank& k : ranks_) enqueue(k);
  } catch (const std::exception& ex) {
    lib_.GroupEnd();
    abort_and_throw(ex.what());
  }
  // Non-blocking communicators: the operations are on the streams once no comm is in progress.
  group_end(what_ + " (enqueue)");
  const auto e = static_cast<std::int64_t>(elem_);
  for (Rank& k : ranks_) {
    k.stream->activate();
    if (spec_.op == CollectiveOp::alltoall) {
      const std::int64_t mine = block_count(spec_.count, spec_.ranks, k.id);
      if (mine > 0) {
        AICERT_CUDA(k.stream->label(),
                    cudaMemcpyAsync(k.recv.at(k.id * mine * e),
                                    k.send.at(block_offset(spec_.count, spec_.ranks, k.id) * e),
                                    static_cast<std::size_t>(mine * e), cudaMemcpyDeviceToDevice,
                                    k.stream->get()));
      }
    }
    k.timer.end(k.stream->get(), k.stream->label());
  }
}

double NcclCollectiveKernel::elapsed_ms_since_last_sync() {
  if (aborted_) throw CudaError(what_ + ": communicator aborted after an earlier error");
  wait(true, what_);
  double slowest = 0;
  for (Rank& k : ranks_) {
    k.stream->activate();
    slowest = std::max(slowest, k.timer.sync_and_sum_ms(k.stream->label()));
  }
  return mpi_ ? mpi_->max(slowest) : slowest;
}

std::vector<std::size_t> NcclCollectiveKernel::output_bytes_per_rank(
    std::vector<std::size_t>* displs) const {
  std::vector<std::size_t> counts;
  for (int j = 0; j < spec_.ranks; ++j) {
    const ElementSpan s = collective_output_span(spec_, j);
    counts.push_back(static_cast<std::size_t>(s.count) * elem_);
    displs->push_back(static_cast<std::size_t>(s.offset) * elem_);
  }
  return counts;
}

void NcclCollectiveKernel::download(HostTensors& tensors) {
  if (aborted_) throw CudaError(what_ + ": communicator aborted after an earlier error");
  wait(true, what_ + " (before download)");
  auto* y = static_cast<std::byte*>(tensors.at("Y").data());
  const auto e = static_cast<std::int64_t>(elem_);
  for (Rank& k : ranks_) {
    const std::string& where = k.stream->label();
    k.stream->activate();
    if (k.id == corrupt_rank_ && k.recv.bytes > 0) {
      // Fault injection: one bit of the first output element's most significant byte flips on
      // the device (an exponent or high mantissa bit: the value changes, stays finite).
      std::byte top{};
      std::byte* at = k.recv.at(e - 1);
      AICERT_CUDA(where, cudaMemcpy(&top, at, 1, cudaMemcpyDeviceToHost));
      top ^= std::byte{1};
      AICERT_CUDA(where, cudaMemcpy(at, &top, 1, cudaMemcpyHostToDevice));
    }
  }
  if (!mpi_) {
    for (Rank& k : ranks_) {
      if (k.recv.bytes == 0) continue;
      const ElementSpan out = collective_output_span(spec_, k.id);
      k.stream->activate();
      AICERT_CUDA(k.stream->label(),
                  cudaMemcpy(y + out.offset * e, k.recv.ptr, k.recv.bytes, cudaMemcpyDeviceToHost));
    }
    return;
  }
  // An MPI job: this rank's output, then every rank's output into Y on every rank.
  Rank& k = ranks_.front();
  std::vector<std::byte> mine(k.recv.bytes);
  if (!mine.empty()) {
    k.stream->activate();
    AICERT_CUDA(k.stream->label(),
                cudaMemcpy(mine.data(), k.recv.ptr, mine.size(), cudaMemcpyDeviceToHost));
  }
  std::vector<std::size_t> displs;
  const std::vector<std::size_t> counts = output_bytes_per_rank(&displs);
  mpi_->allgatherv(mine.data(), y, counts, displs);
}

}  // namespace aicert::cuda
