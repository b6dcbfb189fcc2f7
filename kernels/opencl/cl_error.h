// The one way OpenCL (and CLBlast) calls are checked: AICERT_CL(where, fn, args...) calls
// fn(args...) and throws ClError naming the call, the error code's name and the device when it
// fails. For the create functions that report through a trailing `cl_int* errcode_ret`, the
// macro appends that argument itself and returns the created handle.
#pragma once

#include <CL/cl.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace aicert::opencl {

// "CL_OUT_OF_RESOURCES", "CL_PLATFORM_NOT_FOUND_KHR", "CLBlastInvalidDimension", or
// "unknown error" for a code no table knows.
std::string_view cl_error_name(int code);

class ClError : public std::runtime_error {
 public:
  ClError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// "clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES (-5) on <where> [file:line]".
[[noreturn]] void throw_cl_error(int code, const char* call, std::string_view where,
                                 const char* file, int line);

template <class Fn, class... Args>
auto cl_call(const char* call, std::string_view where, const char* file, int line, Fn fn,
             Args&&... args) {
  if constexpr (std::is_invocable_v<Fn, Args...>) {
    // Status-returning call (cl_int, or CLBlast's status enum).
    const auto status = fn(std::forward<Args>(args)...);
    if (static_cast<int>(status) != CL_SUCCESS) {
      throw_cl_error(static_cast<int>(status), call, where, file, line);
    }
  } else {
    cl_int err = CL_SUCCESS;
    auto handle = fn(std::forward<Args>(args)..., &err);
    if (err != CL_SUCCESS) throw_cl_error(err, call, where, file, line);
    return handle;
  }
}

}  // namespace aicert::opencl

// `where` names the device (or platform) the call was for, e.g. "opencl device 0 'pthread-...'".
#define AICERT_CL(where, fn, ...) \
  ::aicert::opencl::cl_call(#fn, (where), __FILE__, __LINE__, fn __VA_OPT__(, ) __VA_ARGS__)
