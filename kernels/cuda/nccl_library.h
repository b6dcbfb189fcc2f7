// NCCL loaded at first use with dlopen (never linked), so the cuda plugin loads and runs its
// other implementations where NCCL is absent; cuda:nccl then reports not-supported with
// "libnccl.so.2 not found: <dlerror>". $AICERT_NCCL_LIBRARY overrides the name (tests use it to
// take the missing path). AICERT_NCCL(lib, comm, where, call) is the one checking macro: it
// throws CudaError with ncclGetErrorString and ncclGetLastError.
#pragma once

#include <nccl.h>

#include <string>
#include <string_view>

namespace aicert::cuda {

struct NcclLibrary {
  std::string path;  // what was dlopen()ed
  int version = 0;   // ncclGetVersion: 22809 for 2.28.9
  ncclResult_t (*GetVersion)(int*) = nullptr;
  const char* (*GetErrorString)(ncclResult_t) = nullptr;
  const char* (*GetLastError)(ncclComm_t) = nullptr;
  ncclResult_t (*GetUniqueId)(ncclUniqueId*) = nullptr;
  ncclResult_t (*CommInitRankConfig)(ncclComm_t*, int, ncclUniqueId, int, ncclConfig_t*) = nullptr;
  ncclResult_t (*CommAbort)(ncclComm_t) = nullptr;
  ncclResult_t (*CommGetAsyncError)(ncclComm_t, ncclResult_t*) = nullptr;
  ncclResult_t (*GroupStart)() = nullptr;
  ncclResult_t (*GroupEnd)() = nullptr;
  ncclResult_t (*AllReduce)(const void*, void*, size_t, ncclDataType_t, ncclRedOp_t, ncclComm_t,
                            cudaStream_t) = nullptr;
  ncclResult_t (*AllGather)(const void*, void*, size_t, ncclDataType_t, ncclComm_t,
                            cudaStream_t) = nullptr;
  ncclResult_t (*ReduceScatter)(const void*, void*, size_t, ncclDataType_t, ncclRedOp_t,
                                ncclComm_t, cudaStream_t) = nullptr;
  ncclResult_t (*Reduce)(const void*, void*, size_t, ncclDataType_t, ncclRedOp_t, int, ncclComm_t,
                         cudaStream_t) = nullptr;
  ncclResult_t (*Broadcast)(const void*, void*, size_t, ncclDataType_t, int, ncclComm_t,
                            cudaStream_t) = nullptr;
  ncclResult_t (*Send)(const void*, size_t, ncclDataType_t, int, ncclComm_t, cudaStream_t) = nullptr;
  ncclResult_t (*Recv)(void*, size_t, ncclDataType_t, int, ncclComm_t, cudaStream_t) = nullptr;
};

// The library (loaded once per name, then kept), or null with *why_not:
// "libnccl.so.2 not found: <dlerror>" or "<path> lacks ncclCommInitRankConfig (NCCL < 2.14?)".
const NcclLibrary* load_nccl(std::string* why_not);

// "2.28.9 (libnccl.so.2)".
std::string nccl_version_string(const NcclLibrary& lib);

[[noreturn]] void throw_nccl_error(const NcclLibrary& lib, ncclResult_t status, ncclComm_t comm,
                                   const char* call, std::string_view where, const char* file,
                                   int line);

inline void check_nccl(const NcclLibrary& lib, ncclResult_t status, ncclComm_t comm,
                       const char* call, std::string_view where, const char* file, int line) {
  // ncclInProgress: a non-blocking communicator accepted the call; completion is polled.
  if (status != ncclSuccess && status != ncclInProgress) {
    throw_nccl_error(lib, status, comm, call, where, file, line);
  }
}

}  // namespace aicert::cuda

#define AICERT_NCCL(lib, comm, where, call) \
  ::aicert::cuda::check_nccl((lib), (lib).call, (comm), "nccl" #call, (where), __FILE__, __LINE__)
