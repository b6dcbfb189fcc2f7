// The one symbol aicert-backend-mpi.so exports: aicert_plugin_entry(). The backend is available
// only in a process that mpirun/mpiexec started (or with AICERT_MPI=1), as kernels/mpi_job.h
// decides for the harness too.
#include <exception>
#include <string>

#include "kernels/backend_api.h"
#include "kernels/mpi/mpi_backend.h"
#include "kernels/mpi_job.h"

namespace {

aicert::Backend* create_backend(std::string* why_unavailable) {
  if (!aicert::mpi_job_from_env().active) {
    if (why_unavailable) {
      *why_unavailable = "not started by mpirun/mpiexec (set AICERT_MPI=1 for a one-rank world)";
    }
    return nullptr;
  }
  try {
    return new aicert::mpi::MpiBackend();
  } catch (const std::exception& e) {
    if (why_unavailable) *why_unavailable = std::string("mpi backend: ") + e.what();
    return nullptr;
  }
}

void destroy_backend(aicert::Backend* backend) { delete backend; }

const aicert::PluginEntry kEntry{aicert::kPluginApiVersion, "mpi", &create_backend,
                                 &destroy_backend};

}  // namespace

extern "C" __attribute__((visibility("default"))) const aicert::PluginEntry* aicert_plugin_entry() {
  return &kEntry;
}
