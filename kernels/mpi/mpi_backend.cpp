// The mpi backend: MPI initialization, the world as one device, and its implementation table
// (one entry: it is small enough to live here).
#include "kernels/mpi/mpi_backend.h"

#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include "kernels/collective_timeout.h"
#include "kernels/mpi/host_summary.h"
#include "kernels/mpi/impl_names.h"
#include "kernels/mpi/mpi_collective_kernel.h"
#include "workloads/sha256.h"

namespace aicert::mpi {

namespace {
// Every rank uses rank 0's AICERT_COLLECTIVE_TIMEOUT_S, so their deadlines agree; a value one
// rank cannot read fails every rank alike here, before the first collective, instead of that
// rank alone throwing later while the others wait for it.
double agreed_collective_timeout(int rank, int size) {
  std::string problem;
  double mine = kDefaultCollectiveTimeoutS;
  try {
    mine = collective_timeout_s();
  } catch (const std::invalid_argument& e) {
    problem = e.what();
  }
  int first_bad = problem.empty() ? size : rank;
  MPI_Allreduce(MPI_IN_PLACE, &first_bad, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (first_bad < size) {
    constexpr int kBytes = 512;
    std::vector<char> text(kBytes, '\0');
    if (rank == first_bad) problem.copy(text.data(), kBytes - 1);
    MPI_Bcast(text.data(), kBytes, MPI_CHAR, first_bad, MPI_COMM_WORLD);
    throw std::invalid_argument("rank " + std::to_string(first_bad) + ": " + text.data());
  }
  double agreed = mine;
  MPI_Bcast(&agreed, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  if (agreed != mine) {
    std::fprintf(stderr, "aicert: mpi rank %d: %s=%g here; the job uses rank 0's %g s\n", rank,
                 kCollectiveTimeoutEnv, mine, agreed);
  }
  return agreed;
}
}  // namespace

MpiBackend::MpiBackend() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
      throw std::runtime_error("MPI_Init_thread failed");
    }
    initialized_here_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  try {
    timeout_s_ = agreed_collective_timeout(rank_, size_);
  } catch (...) {
    if (initialized_here_) MPI_Finalize();  // every rank threw alike: the job ends cleanly
    throw;
  }
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(version, &len);
  library_ = std::string(version, static_cast<std::size_t>(len));
  if (const auto nl = library_.find_first_of("\n,"); nl != std::string::npos) library_.resize(nl);
  // Every rank's host name and host summary, so rank 0's inventory lists every host of the
  // job (one entry per host) and which ranks ran there.
  constexpr int kNameBytes = MPI_MAX_PROCESSOR_NAME;
  constexpr int kSummaryBytes = 512;
  constexpr int kRecord = kNameBytes + kSummaryBytes;
  std::vector<char> mine(kRecord, '\0');
  MPI_Get_processor_name(mine.data(), &len);
  const std::string summary = host_summary();
  summary.copy(mine.data() + kNameBytes, kSummaryBytes - 1);
  std::vector<char> all(static_cast<std::size_t>(size_) * kRecord);
  MPI_Allgather(mine.data(), kRecord, MPI_CHAR, all.data(), kRecord, MPI_CHAR, MPI_COMM_WORLD);
  std::vector<std::string> host_of_rank;
  for (int r = 0; r < size_; ++r) {
    const char* record = &all[static_cast<std::size_t>(r) * kRecord];
    host_of_rank.emplace_back(record);
    HostEntry& h = hosts_[std::string(record)];
    h.summary = std::string(record + kNameBytes);
    h.ranks += (h.ranks.empty() ? "" : ",") + std::to_string(r);
  }
  for (const auto& [host, entry] : hosts_) {
    host_ += (host_.empty() ? "" : "; ") + host + " (ranks " + entry.ranks + ")";
  }
  // A rank silent for as long as a collective may take is lost.
  if (size_ > 1) {
    monitor_ = std::make_unique<JobMonitor>(rank_, size_, std::move(host_of_rank), timeout_s_);
  }
}

MpiBackend::~MpiBackend() {
  monitor_.reset();  // ranks > 0 say goodbye to rank 0 before MPI ends
  if (!initialized_here_) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

std::vector<DeviceInfo> MpiBackend::devices() {
  DeviceInfo d;
  d.index = 0;
  d.name = "MPI_COMM_WORLD, " + std::to_string(size_) + " ranks";
  d.kind = "communicator";
  d.driver_version = library_;
  d.compute_units = size_;
  d.properties["ranks"] = std::to_string(size_);
  d.properties["this_rank"] = std::to_string(rank_);
  d.properties["hosts"] = host_;
  if (monitor_) d.properties["job_monitor"] = monitor_->coverage();
  for (const auto& [host, entry] : hosts_) {
    d.properties["host:" + host] = entry.summary + "; ranks " + entry.ranks;
  }
  return {d};
}

std::vector<std::string> MpiBackend::gather_to_root(const std::string& mine) {
  if (mine.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::length_error("gather_to_root: " + std::to_string(mine.size()) +
                            " bytes exceed an MPI count");
  }
  const int length = static_cast<int>(mine.size());
  std::vector<int> lengths(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<int> offsets(lengths.size());
  long long total = 0;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    offsets[r] = static_cast<int>(total);
    total += lengths[r];
    if (total > INT_MAX) throw std::length_error("gather_to_root: the texts exceed an MPI count");
  }
  std::vector<char> all(static_cast<std::size_t>(total));
  MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR,
              0, MPI_COMM_WORLD);
  std::vector<std::string> texts;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    texts.emplace_back(all.data() + offsets[r], static_cast<std::size_t>(lengths[r]));
  }
  return texts;
}

std::vector<int> MpiBackend::ranks_differing_from_root(const std::string& mine) {
  // Each rank's SHA-256 (hex) to every rank: all of them reach the same verdict.
  const std::string digest = sha256_hex(mine);
  const int bytes = static_cast<int>(digest.size());
  std::vector<char> all(static_cast<std::size_t>(size_) * digest.size());
  MPI_Allgather(digest.data(), bytes, MPI_CHAR, all.data(), bytes, MPI_CHAR, MPI_COMM_WORLD);
  std::vector<int> differing;
  for (int r = 1; r < size_; ++r) {
    if (!std::equal(all.begin(), all.begin() + bytes, all.begin() + r * bytes)) {
      differing.push_back(r);
    }
  }
  return differing;
}

void MpiBackend::set_job_failure_handler(JobFailureHandler handler) {
  if (monitor_) monitor_->set_handler(std::move(handler));
}

std::vector<std::string> MpiBackend::implementations(std::string_view workload) const {
  return impl_table().implementations(workload);
}

std::unique_ptr<Kernel> MpiBackend::make(const CaseSpec& spec, int device, std::string_view impl,
                                         std::string* why_not) {
  if (device != 0) {
    if (why_not) *why_not = "the mpi backend has one device (MPI_COMM_WORLD)";
    return nullptr;
  }
  return impl_table().make(*this, spec, device, impl, why_not);
}

const ImplTable<MpiBackend>& MpiBackend::impl_table() {
  static const ImplTable<MpiBackend> table(
      "mpi",
      {
          impl_entry<CollectiveSpec, MpiBackend>(
              kMpiNativeImpl,
              [](MpiBackend& b, const CollectiveSpec& c, int) -> std::string {
                if (c.ranks != b.size_) {
                  return "this MPI job has " + std::to_string(b.size_) + " ranks, the case " +
                         std::to_string(c.ranks) + " (use --ranks " + std::to_string(b.size_) +
                         ")";
                }
                if (collective_reduces(c.op) && c.dtype != DType::fp32 &&
                    c.dtype != DType::int32) {
                  return "MPI has no " + std::string(dtype_name(c.dtype)) + " reduction";
                }
                // Pairs: every rank's output holds every rank's message.
                const double outputs = c.op == CollectiveOp::pairs ? c.ranks : 1;
                if (static_cast<double>(c.count) * static_cast<double>(dtype_size(c.dtype)) *
                        c.ranks * outputs >
                    static_cast<double>(INT_MAX)) {
                  return "MPI counts are int: " + c.shape_string() + " is too large";
                }
                return validate_collective_spec(c, 1e15);
              },
              [](MpiBackend& b, const CollectiveSpec& c, int,
                 std::string*) -> std::unique_ptr<Kernel> {
                return std::make_unique<MpiCollectiveKernel>(c, b.rank_, b.timeout_s_,
                                                             b.monitor_.get());
              }),
      });
  return table;
}

}  // namespace aicert::mpi
