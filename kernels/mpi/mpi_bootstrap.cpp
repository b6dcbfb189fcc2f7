// libaicert-mpi-bootstrap.so: the C ABI of bootstrap_abi.h over MPI_COMM_WORLD, with the mpi
// backend's watchdog around every blocking call. Compatible with the mpi backend in the same
// process: MPI is initialized only if nobody did, and finalized only by whoever initialized it.
#include <mpi.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kernels/mpi/bootstrap_abi.h"
#include "kernels/mpi/mpi_watchdog.h"

namespace {

struct State {
  std::mutex mutex;
  bool ready = false;
  bool initialized_here = false;
  int rank = 0, size = 1, local_rank = 0, local_size = 1;
  std::unique_ptr<aicert::mpi::Watchdog> watchdog;
};

// Never destroyed: finalize() may come from another library's static destructor at exit, after
// this library's statics would be gone.
State& state() {
  static State* s = new State;
  return *s;
}

int fail(char* err, std::size_t err_bytes, const std::string& what) {
  if (err != nullptr && err_bytes > 0) std::snprintf(err, err_bytes, "%s", what.c_str());
  return 1;
}

int fail_mpi(char* err, std::size_t err_bytes, const char* call, int rc) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) len = 0;
  return fail(err, err_bytes,
              std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(len)));
}

// Runs one blocking MPI call under the watchdog.
template <typename Call>
int guarded(const char* what, char* err, std::size_t err_bytes, Call call) {
  State& s = state();
  if (!s.ready) return fail(err, err_bytes, std::string(what) + ": bootstrap not initialized");
  s.watchdog->arm(what);
  const int rc = call();
  s.watchdog->disarm();
  return rc == MPI_SUCCESS ? 0 : fail_mpi(err, err_bytes, what, rc);
}

int to_int(std::size_t n, int* out) {
  if (n > static_cast<std::size_t>(INT32_MAX)) return 1;
  *out = static_cast<int>(n);
  return 0;
}

int init(double timeout_s, char* err, std::size_t err_bytes) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.ready) return 0;
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (finalized) return fail(err, err_bytes, "MPI is finalized already");
  if (!initialized) {
    int provided = 0;
    const int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    if (rc != MPI_SUCCESS) return fail_mpi(err, err_bytes, "MPI_Init_thread", rc);
    s.initialized_here = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &s.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &s.size);
  // The watchdog first: the split below is already collective (a rank that never comes would
  // hang it).
  s.watchdog = std::make_unique<aicert::mpi::Watchdog>(s.rank, timeout_s);
  MPI_Comm node = MPI_COMM_NULL;
  s.watchdog->arm("MPI_Comm_split_type (bootstrap)");
  int rc = MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, s.rank, MPI_INFO_NULL, &node);
  s.watchdog->disarm();
  if (rc != MPI_SUCCESS) return fail_mpi(err, err_bytes, "MPI_Comm_split_type", rc);
  MPI_Comm_rank(node, &s.local_rank);
  MPI_Comm_size(node, &s.local_size);
  MPI_Comm_free(&node);
  s.ready = true;
  return 0;
}

int rank() { return state().rank; }
int size() { return state().size; }
int local_rank() { return state().local_rank; }
int local_size() { return state().local_size; }

int broadcast(void* data, std::size_t bytes, int root, char* err, std::size_t err_bytes) {
  int n = 0;
  if (to_int(bytes, &n) != 0) return fail(err, err_bytes, "MPI_Bcast: too many bytes for an int");
  return guarded("MPI_Bcast (bootstrap)", err, err_bytes,
                 [&] { return MPI_Bcast(data, n, MPI_BYTE, root, MPI_COMM_WORLD); });
}

int barrier(char* err, std::size_t err_bytes) {
  return guarded("MPI_Barrier (bootstrap)", err, err_bytes,
                 [&] { return MPI_Barrier(MPI_COMM_WORLD); });
}

int allgatherv(const void* mine, void* all, const std::size_t* counts, const std::size_t* displs,
               char* err, std::size_t err_bytes) {
  const int n = state().size;
  std::vector<int> c(static_cast<std::size_t>(n)), d(static_cast<std::size_t>(n));
  for (std::size_t r = 0; r < c.size(); ++r) {
    if (to_int(counts[r], &c[r]) != 0 || to_int(displs[r], &d[r]) != 0) {
      return fail(err, err_bytes, "MPI_Allgatherv: byte counts past INT_MAX");
    }
  }
  const std::size_t me = static_cast<std::size_t>(state().rank);
  return guarded("MPI_Allgatherv (bootstrap)", err, err_bytes, [&] {
    return MPI_Allgatherv(mine, c[me], MPI_BYTE, all, c.data(), d.data(), MPI_BYTE,
                          MPI_COMM_WORLD);
  });
}

int max_double(double* value, char* err, std::size_t err_bytes) {
  return guarded("MPI_Allreduce max (bootstrap)", err, err_bytes, [&] {
    return MPI_Allreduce(MPI_IN_PLACE, value, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  });
}

void finalize() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.watchdog.reset();
  s.ready = false;
  if (!s.initialized_here) return;
  s.initialized_here = false;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

const AicertMpiBootstrap kTable = {AICERT_MPI_BOOTSTRAP_VERSION,
                                   init,
                                   rank,
                                   size,
                                   local_rank,
                                   local_size,
                                   broadcast,
                                   barrier,
                                   allgatherv,
                                   max_double,
                                   finalize};

}  // namespace

extern "C" __attribute__((visibility("default"))) const AicertMpiBootstrap*
aicert_mpi_bootstrap_v1() {
  return &kTable;
}
