// One rank of the bootstrap test (run by mpi_bootstrap_test under mpirun -np 2, no GPU needed):
// loads libaicert-mpi-bootstrap.so through the device backends' loader and checks its C ABI: a
// 128-byte id (the size of an ncclUniqueId) broadcast from rank 0 arrives intact, an allgatherv
// of uneven pieces, the max over ranks, a barrier. Argument "mpi-plugin-first" loads the mpi
// backend plugin (which initializes MPI) before the bootstrap, "mpi-plugin-after" after it: the
// two share one MPI and each finalizes only what it initialized. Prints
// "rank R of N: bootstrap ok" and exits 0, or names what failed and exits 1.
#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/mpi/bootstrap_loader.h"

namespace {

struct MpiPlugin {
  const aicert::PluginEntry* entry = nullptr;
  aicert::Backend* backend = nullptr;
  void load() {
    const std::string path = std::string(AICERT_PLUGIN_DIR) + "/aicert-backend-mpi.so";
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) throw std::runtime_error("dlopen " + path + ": " + dlerror());
    auto fn = reinterpret_cast<AicertPluginEntryFn>(dlsym(handle, AICERT_PLUGIN_ENTRY_SYMBOL));
    if (fn == nullptr) throw std::runtime_error("no plugin entry in " + path);
    entry = fn();
    std::string why;
    backend = entry->create(&why);
    if (backend == nullptr) throw std::runtime_error("mpi backend unavailable: " + why);
  }
  void unload() {
    if (backend != nullptr) entry->destroy(backend);
    backend = nullptr;
  }
};

void expect(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

int run(const std::string& mode) {
  MpiPlugin plugin;
  if (mode == "mpi-plugin-first") plugin.load();
  std::string why;
  auto mpi = aicert::mpi::MpiBootstrap::load(30.0, &why);
  expect(mpi != nullptr, "bootstrap not loaded: " + why);
  if (mode == "mpi-plugin-after") plugin.load();
  const int rank = mpi->rank(), size = mpi->size();
  expect(size == 2, "world size " + std::to_string(size) + ", expected 2");
  expect(mpi->local_size() == 2 && mpi->local_rank() == rank, "local rank/size");

  unsigned char id[128] = {};
  if (rank == 0) {
    for (int i = 0; i < 128; ++i) id[i] = static_cast<unsigned char>(i * 7 + 3);
  }
  mpi->broadcast(id, sizeof id, 0);
  for (int i = 0; i < 128; ++i) {
    expect(id[i] == static_cast<unsigned char>(i * 7 + 3),
           "byte " + std::to_string(i) + " of the broadcast id differs");
  }
  std::printf("rank %d of %d: 128-byte id from rank 0 arrived intact\n", rank, size);

  // Rank r gives r + 1 bytes of value 10 + r: all = {10, 11, 11}.
  const std::vector<unsigned char> mine(static_cast<std::size_t>(rank + 1),
                                        static_cast<unsigned char>(10 + rank));
  std::vector<unsigned char> all(3, 0);
  mpi->allgatherv(mine.data(), all.data(), {1, 2}, {0, 1});
  expect(all == std::vector<unsigned char>{10, 11, 11}, "allgatherv result");
  expect(mpi->max(rank == 1 ? 2.5 : -1.0) == 2.5, "max over ranks");
  mpi->barrier();
  plugin.unload();
  std::printf("rank %d of %d: bootstrap ok\n", rank, size);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc > 1 ? argv[1] : "");
  } catch (const std::exception& e) {
    std::printf("bootstrap probe failed: %s\n", e.what());
    return 1;
  }
}
