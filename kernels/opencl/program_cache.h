// Built programs, one per (context, device, source, build options): building OpenCL C is slow
// (PoCL runs LLVM), so every later request for the same program reuses the cl_program.
// A build failure throws with the compiler's build log and is not cached.
#pragma once

#include <CL/cl.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "kernels/opencl/cl_handle.h"

namespace aicert::opencl {

struct ProgramCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t builds = 0;  // successful builds (cache misses)
  std::uint64_t failed_builds = 0;
  std::size_t entries = 0;
};

class ProgramCache {
 public:
  // Returns the built program; `where` names the device in errors. Throws std::runtime_error
  // (ClError) on a failed build, its message holding the build log.
  ProgramHandle get(cl_context context, cl_device_id device, const std::string& source,
                    const std::string& options, const std::string& where);

  ProgramCacheStats stats() const;
  void clear();

 private:
  using Key = std::tuple<cl_context, cl_device_id, std::string, std::string>;
  mutable std::mutex mutex_;
  std::map<Key, ProgramHandle> programs_;
  ProgramCacheStats stats_;
};

}  // namespace aicert::opencl
