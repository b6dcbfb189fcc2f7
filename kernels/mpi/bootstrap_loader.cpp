// Loading libaicert-mpi-bootstrap.so; see bootstrap_loader.h.
#include "kernels/mpi/bootstrap_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace aicert::mpi {

namespace {

// The folder of the shared object this code is linked into (the plugin's folder).
std::string own_directory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&own_directory), &info) == 0 ||
      info.dli_fname == nullptr) {
    return {};
  }
  const std::string path = info.dli_fname;
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string library_path() {
  if (const char* p = std::getenv("AICERT_MPI_BOOTSTRAP_LIBRARY"); p != nullptr && *p != '\0') {
    return p;
  }
  const std::string dir = own_directory();
  return dir.empty() ? AICERT_MPI_BOOTSTRAP_LIBRARY : dir + "/" + AICERT_MPI_BOOTSTRAP_LIBRARY;
}

void check(int rc, const char* err) {
  if (rc != 0) throw std::runtime_error(std::string("MPI bootstrap: ") + err);
}

}  // namespace

std::shared_ptr<MpiBootstrap> MpiBootstrap::load(double timeout_s, std::string* why_not) {
  static std::mutex mutex;
  static std::shared_ptr<MpiBootstrap> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (loaded) return loaded;
  auto fail = [&](std::string why) -> std::shared_ptr<MpiBootstrap> {
    if (why_not) *why_not = std::move(why);
    return nullptr;
  };
  const std::string path = library_path();
  // RTLD_GLOBAL: Open MPI's own components dlopen later and need libmpi's symbols.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* e = dlerror();
    return fail(path + " not loadable: " + (e ? e : "unknown dlopen error"));
  }
  auto entry = reinterpret_cast<AicertMpiBootstrapEntryFn>(dlsym(handle, AICERT_MPI_BOOTSTRAP_ENTRY));
  if (entry == nullptr) return fail(path + " has no " AICERT_MPI_BOOTSTRAP_ENTRY);
  const AicertMpiBootstrap* table = entry();
  if (table == nullptr || table->version != AICERT_MPI_BOOTSTRAP_VERSION) {
    return fail(path + ": bootstrap ABI version " + std::to_string(table ? table->version : -1) +
                ", expected " + std::to_string(AICERT_MPI_BOOTSTRAP_VERSION));
  }
  char err[512] = {};
  if (table->init(timeout_s, err, sizeof err) != 0) return fail(std::string("MPI bootstrap: ") + err);
  loaded = std::make_shared<MpiBootstrap>(table);
  return loaded;
}

MpiBootstrap::MpiBootstrap(const AicertMpiBootstrap* table)
    : table_(table),
      rank_(table->rank()),
      size_(table->size()),
      local_rank_(table->local_rank()),
      local_size_(table->local_size()) {}

MpiBootstrap::~MpiBootstrap() { table_->finalize(); }

void MpiBootstrap::broadcast(void* data, std::size_t bytes, int root) const {
  char err[512] = {};
  check(table_->broadcast(data, bytes, root, err, sizeof err), err);
}

void MpiBootstrap::barrier() const {
  char err[512] = {};
  check(table_->barrier(err, sizeof err), err);
}

void MpiBootstrap::allgatherv(const void* mine, void* all, const std::vector<std::size_t>& counts,
                              const std::vector<std::size_t>& displs) const {
  if (counts.size() != static_cast<std::size_t>(size_) || displs.size() != counts.size()) {
    throw std::invalid_argument("MPI bootstrap allgatherv: one count and displacement per rank");
  }
  char err[512] = {};
  check(table_->allgatherv(mine, all, counts.data(), displs.data(), err, sizeof err), err);
}

double MpiBootstrap::max(double value) const {
  char err[512] = {};
  check(table_->max_double(&value, err, sizeof err), err);
  return value;
}

}  // namespace aicert::mpi
