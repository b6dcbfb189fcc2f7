// cuda:nccl — one collective of the case through NCCL. Two ways to hold the ranks:
//  - one process: rank r on GPU first_device + r, one stream each, the communicator made with
//    ncclGroupStart + ncclCommInitRankConfig per device;
//  - an MPI job (the bootstrap given): this process is rank bootstrap->rank() on one GPU, the
//    communicator spans the world (unique id from rank 0, broadcast through the bootstrap).
//    As mpi:native: upload() takes this rank's input out of X, elapsed_ms_since_last_sync()
//    returns the slowest rank's time on every rank, download() gathers every rank's output into
//    Y on every rank.
// Communicators are non-blocking (config.blocking = 0): every wait polls ncclCommGetAsyncError
// and the streams against the deadline AICERT_COLLECTIVE_TIMEOUT_S, and on timeout or error
// aborts the communicators (ncclCommAbort) and throws, so a hung collective is an error.
// Uneven blocks (count % ranks != 0): allgather as grouped ncclBroadcast, reducescatter as
// grouped ncclReduce; alltoall is always grouped ncclSend/ncclRecv (the own piece a device copy).
// Timed with CUDA events per rank stream; the case time is the slowest rank's.
// AICERT_NCCL_COLLECTIVE_FAULT (tests): "corrupt:R": rank R's device output gets one wrong element
// before download (caught by the exact check); "hang:R": rank R's stream is held before each
// collective, as by a hung peer, until the timeout's abort releases it (parsed by
// kernels/collective_fault.h; other kinds are an error).
#pragma once

#include <nccl.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/cuda/device_stream.h"
#include "kernels/cuda/event_timer.h"
#include "kernels/cuda/impl_names.h"
#include "kernels/cuda/nccl_library.h"
#include "kernels/mpi/bootstrap_loader.h"

namespace aicert::cuda {

class NcclCollectiveKernel final : public Kernel {
 public:
  // devices[i]: the GPU of the i-th rank held here (all ranks in one process; one in an MPI job,
  // where mpi is non-null). Creates the communicator (collective across the MPI job).
  NcclCollectiveKernel(const NcclLibrary& lib, const CollectiveSpec& spec,
                       const std::vector<int>& devices, std::shared_ptr<mpi::MpiBootstrap> mpi,
                       double timeout_s);
  ~NcclCollectiveKernel() override;

  std::string_view impl() const override { return kNcclImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override;
  void download(HostTensors& tensors) override;
  std::string_view timer_name() const override { return "cudaEventElapsedTime (slowest rank)"; }

 private:
  struct DeviceMemory {  // cudaMalloc'd bytes on one device, freed there
    int device = 0;
    void* ptr = nullptr;
    std::size_t bytes = 0;
    DeviceMemory() = default;
    DeviceMemory(const DeviceMemory&) = delete;
    DeviceMemory& operator=(const DeviceMemory&) = delete;
    ~DeviceMemory();
    void allocate(int dev, std::size_t n, const std::string& where);
    std::byte* at(std::int64_t byte_offset) const {
      return static_cast<std::byte*>(ptr) + byte_offset;
    }
  };
  struct Rank {
    int id = 0;  // rank in the communicator
    std::unique_ptr<DeviceStream> stream;
    ncclComm_t comm = nullptr;
    DeviceMemory send, recv;
    EventTimer timer;
  };

  void enqueue(Rank& k);
  // ncclGroupEnd, then wait(false): the group's work is created or enqueued, or it threw.
  void group_end(const std::string& what);
  // Polls every communicator until none is in progress (ncclCommGetAsyncError), and with
  // `streams` also until every stream is idle; throws on an error or past the deadline
  // (after aborting the communicators).
  void wait(bool streams, const std::string& what);
  [[noreturn]] void abort_and_throw(const std::string& what);
  std::vector<std::size_t> output_bytes_per_rank(std::vector<std::size_t>* displs) const;

  const NcclLibrary& lib_;
  CollectiveSpec spec_;
  std::shared_ptr<mpi::MpiBootstrap> mpi_;
  double timeout_s_;
  std::size_t elem_;
  ncclDataType_t type_;
  std::vector<Rank> ranks_;
  std::string what_;
  int corrupt_rank_ = -1;
  int hang_rank_ = -1;
  bool uploaded_ = false;
  bool aborted_ = false;
};

}  // namespace aicert::cuda
