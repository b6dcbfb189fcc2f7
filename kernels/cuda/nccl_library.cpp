// dlopen of libnccl.so.2 and the NCCL error thrower; see nccl_library.h.
#include "kernels/cuda/nccl_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "kernels/cuda/cuda_check.h"

namespace aicert::cuda {

namespace {

template <typename Fn>
bool resolve(void* handle, const char* name, Fn& fn, std::string* missing) {
  fn = reinterpret_cast<Fn>(dlsym(handle, name));
  if (fn == nullptr && missing->empty()) *missing = name;
  return fn != nullptr;
}

std::unique_ptr<NcclLibrary> open_nccl(const std::string& name, std::string* why_not) {
  // RTLD_LOCAL: NCCL's symbols stay out of the global namespace of the harness.
  void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* e = dlerror();
    *why_not = name + " not found: " + (e ? e : "unknown dlopen error");
    return nullptr;
  }
  auto lib = std::make_unique<NcclLibrary>();
  lib->path = name;
  std::string missing;
  resolve(handle, "ncclGetVersion", lib->GetVersion, &missing);
  resolve(handle, "ncclGetErrorString", lib->GetErrorString, &missing);
  resolve(handle, "ncclGetLastError", lib->GetLastError, &missing);
  resolve(handle, "ncclGetUniqueId", lib->GetUniqueId, &missing);
  resolve(handle, "ncclCommInitRankConfig", lib->CommInitRankConfig, &missing);
  resolve(handle, "ncclCommAbort", lib->CommAbort, &missing);
  resolve(handle, "ncclCommGetAsyncError", lib->CommGetAsyncError, &missing);
  resolve(handle, "ncclGroupStart", lib->GroupStart, &missing);
  resolve(handle, "ncclGroupEnd", lib->GroupEnd, &missing);
  resolve(handle, "ncclAllReduce", lib->AllReduce, &missing);
  resolve(handle, "ncclAllGather", lib->AllGather, &missing);
  resolve(handle, "ncclReduceScatter", lib->ReduceScatter, &missing);
  resolve(handle, "ncclReduce", lib->Reduce, &missing);
  resolve(handle, "ncclBroadcast", lib->Broadcast, &missing);
  resolve(handle, "ncclSend", lib->Send, &missing);
  resolve(handle, "ncclRecv", lib->Recv, &missing);
  if (!missing.empty()) {
    *why_not = name + " lacks " + missing + " (NCCL 2.14 or newer is needed)";
    dlclose(handle);
    return nullptr;
  }
  if (lib->GetVersion(&lib->version) != ncclSuccess) lib->version = 0;
  return lib;  // the handle stays open for the life of the process
}

}  // namespace

const NcclLibrary* load_nccl(std::string* why_not) {
  const char* env = std::getenv("AICERT_NCCL_LIBRARY");
  const std::string name = env != nullptr && *env != '\0' ? env : "libnccl.so.2";
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<NcclLibrary>> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = loaded.find(name); it != loaded.end()) return it->second.get();
  std::string why;
  auto lib = open_nccl(name, &why);
  if (!lib) {
    if (why_not) *why_not = why;
    return nullptr;
  }
  return (loaded[name] = std::move(lib)).get();
}

std::string nccl_version_string(const NcclLibrary& lib) {
  // Since 2.9 the code is major*10000 + minor*100 + patch.
  const int v = lib.version;
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." +
         std::to_string(v % 100) + " (" + lib.path + ")";
}

void throw_nccl_error(const NcclLibrary& lib, ncclResult_t status, ncclComm_t comm,
                      const char* call, std::string_view where, const char* file, int line) {
  std::string error = std::string(lib.GetErrorString(status));
  const char* last = lib.GetLastError(comm);
  if (last != nullptr && *last != '\0') error += ": " + std::string(last);
  throw_cuda_error(error, call, where, file, line);
}

}  // namespace aicert::cuda
