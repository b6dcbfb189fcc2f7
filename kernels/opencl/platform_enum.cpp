// Platform and device enumeration through the ICD loader.
// The loader's own query is reachable only through the 1.1 clGetExtensionFunctionAddress (the
// 1.2 per-platform variant asks a driver, which does not know the loader's functions).
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#include "kernels/opencl/platform_enum.h"

#include <exception>

#include "kernels/opencl/cl_error.h"

namespace aicert::opencl {

namespace {

// ocl-icd's loader query (cl_icdl), reached through clGetExtensionFunctionAddress so that other
// loaders, which lack it, simply report nothing.
using IcdLoaderInfoFn = cl_int (*)(cl_uint, std::size_t, void*, std::size_t*);
constexpr cl_uint kIcdlVersion = 2, kIcdlName = 3, kIcdlVendor = 4;

std::string icd_loader_string(IcdLoaderInfoFn fn, cl_uint what) {
  std::size_t size = 0;
  if (fn(what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return {};
  std::string s(size, '\0');
  if (fn(what, size, s.data(), nullptr) != CL_SUCCESS) return {};
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

std::string icd_loader_identity() {
  auto fn =
      reinterpret_cast<IcdLoaderInfoFn>(clGetExtensionFunctionAddress("clGetICDLoaderInfoOCLICD"));
  if (!fn) return "unknown ICD loader";
  return icd_loader_string(fn, kIcdlVendor) + " " + icd_loader_string(fn, kIcdlName) + " " +
         icd_loader_string(fn, kIcdlVersion);
}

std::string platform_name(cl_platform_id p) {
  std::size_t size = 0;
  if (clGetPlatformInfo(p, CL_PLATFORM_NAME, 0, nullptr, &size) != CL_SUCCESS) return "?";
  std::string s(size, '\0');
  if (clGetPlatformInfo(p, CL_PLATFORM_NAME, size, s.data(), nullptr) != CL_SUCCESS) return "?";
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

}  // namespace

Enumeration enumerate_devices() {
  Enumeration e;
  e.icd_loader = icd_loader_identity();
  cl_uint count = 0;
  const cl_int status = clGetPlatformIDs(0, nullptr, &count);
  if (status != CL_SUCCESS || count == 0) {
    e.unavailable_reason =
        status != CL_SUCCESS
            ? "no OpenCL platform found (clGetPlatformIDs: " + std::string(cl_error_name(status)) +
                  ")"
            : "no OpenCL platform found (clGetPlatformIDs returned 0 platforms)";
    return e;
  }
  std::vector<cl_platform_id> platforms(count);
  try {
    AICERT_CL("the ICD loader", clGetPlatformIDs, count, platforms.data(), nullptr);
  } catch (const std::exception& ex) {
    e.unavailable_reason = std::string("no OpenCL platform usable: ") + ex.what();
    return e;
  }

  for (cl_platform_id p : platforms) {
    const std::string pname = platform_name(p);
    cl_uint n = 0;
    const cl_int st = clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &n);
    if (st == CL_DEVICE_NOT_FOUND || (st == CL_SUCCESS && n == 0)) {
      e.platforms.push_back(pname + " (no devices)");
      continue;
    }
    if (st != CL_SUCCESS) {
      e.skipped.push_back("platform '" + pname +
                          "': clGetDeviceIDs failed: " + std::string(cl_error_name(st)));
      continue;
    }
    std::vector<cl_device_id> ids(n);
    try {
      AICERT_CL("platform '" + pname + "'", clGetDeviceIDs, p, CL_DEVICE_TYPE_ALL, n, ids.data(),
                nullptr);
    } catch (const std::exception& ex) {
      e.skipped.push_back(ex.what());
      continue;
    }
    bool platform_listed = false;
    for (cl_device_id id : ids) {
      ClDevice d;
      d.index = static_cast<int>(e.devices.size());
      d.platform = p;
      d.id = id;
      try {
        d.caps = query_device_caps(
            p, id, "opencl device " + std::to_string(d.index) + " of platform '" + pname + "'");
      } catch (const std::exception& ex) {
        e.skipped.push_back(ex.what());
        continue;
      }
      if (!platform_listed) {
        e.platforms.push_back(d.caps.platform_name + " (" + d.caps.platform_version + ")");
        platform_listed = true;
      }
      d.label = "opencl device " + std::to_string(d.index) + " '" + d.caps.name + "' (" +
                d.caps.platform_name + ")";
      e.devices.push_back(std::move(d));
    }
  }
  if (e.devices.empty()) {
    e.unavailable_reason = "no OpenCL device found on " + std::to_string(count) + " platform(s)";
    for (const auto& s : e.skipped) e.unavailable_reason += "; " + s;
  }
  return e;
}

}  // namespace aicert::opencl
