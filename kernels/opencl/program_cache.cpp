// Program cache and the build step with its log.
#include "kernels/opencl/program_cache.h"

#include "kernels/opencl/cl_error.h"

namespace aicert::opencl {

namespace {

std::string build_log(cl_program program, cl_device_id device) {
  std::size_t size = 0;
  if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &size) !=
      CL_SUCCESS) {
    return "(build log unavailable)";
  }
  std::string log(size, '\0');
  if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, log.data(), nullptr) !=
      CL_SUCCESS) {
    return "(build log unavailable)";
  }
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log.empty() ? "(empty build log)" : log;
}

ProgramHandle build(cl_context context, cl_device_id device, const std::string& source,
                    const std::string& options, const std::string& where) {
  const char* text = source.c_str();
  const std::size_t length = source.size();
  ProgramHandle program(AICERT_CL(where, clCreateProgramWithSource, context, 1u, &text, &length));
  try {
    AICERT_CL(where, clBuildProgram, program.get(), 1u, &device, options.c_str(), nullptr, nullptr);
  } catch (const ClError& e) {
    throw ClError(e.code(), std::string(e.what()) + " with options '" + options +
                                "'; build log:\n" + build_log(program.get(), device));
  }
  return program;
}

}  // namespace

ProgramHandle ProgramCache::get(cl_context context, cl_device_id device, const std::string& source,
                                const std::string& options, const std::string& where) {
  Key key{context, device, source, options};
  std::lock_guard lock(mutex_);
  if (auto it = programs_.find(key); it != programs_.end()) {
    ++stats_.hits;
    return it->second;
  }
  // Built under the lock: two threads asking for the same program build it once.
  try {
    ProgramHandle program = build(context, device, source, options, where);
    ++stats_.builds;
    programs_.emplace(std::move(key), program);
    stats_.entries = programs_.size();
    return program;
  } catch (...) {
    ++stats_.failed_builds;
    throw;
  }
}

ProgramCacheStats ProgramCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void ProgramCache::clear() {
  std::lock_guard lock(mutex_);
  programs_.clear();
  stats_.entries = 0;
}

}  // namespace aicert::opencl
