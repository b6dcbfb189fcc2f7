// MPI job detection from the launcher's environment; see mpi_job.h.
#include "harness/mpi_job.h"

#include <cstdlib>

namespace aicert {

namespace {
bool read_int(const char* name, int* out) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (*end != '\0' || v < 0 || v > 1 << 24) return false;
  *out = static_cast<int>(v);
  return true;
}
}  // namespace

MpiJob mpi_job_from_env() {
  MpiJob job;
  if ((read_int("OMPI_COMM_WORLD_RANK", &job.rank) &&
       read_int("OMPI_COMM_WORLD_SIZE", &job.size)) ||
      (read_int("PMI_RANK", &job.rank) && read_int("PMI_SIZE", &job.size))) {
    job.active = job.size >= 1 && job.rank < job.size;
  }
  if (!job.active) job = MpiJob{};
  return job;
}

}  // namespace aicert
