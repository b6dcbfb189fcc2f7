// What a run or a profile test selects of one workload's cases: the shapes, dtypes and the
// workload's own knobs, as text and numbers as the user gave them. Each workload reads the
// fields its options() name and expands them into specs (Workload::plan_specs); every field
// left empty means "the workload's defaults".
#pragma once

#include <string>
#include <vector>

namespace aicert {

// Fields of WorkloadOptions, as a bit set: which ones a workload reads.
enum WorkloadOption : unsigned {
  kOptShapes = 1u << 0,     // shapes
  kOptLayouts = 1u << 1,    // layouts
  kOptCausal = 1u << 2,     // causal
  kOptAlphaBeta = 1u << 3,  // alpha, beta
  kOptOps = 1u << 4,        // ops
  kOptRanks = 1u << 5,      // ranks, default_ranks
  kOptSizes = 1u << 6,      // sizes, or the sweep min_bytes..max_bytes by size_factor
  kOptRoot = 1u << 7,       // root
};
using WorkloadOptionSet = unsigned;

struct WorkloadOptions {
  std::vector<std::string> shapes;   // empty: the workload's default shapes
  std::vector<std::string> dtypes;   // empty: the workload's default dtypes
  std::vector<std::string> layouts;  // GEMM; empty: NN for given shapes, the defaults' own
  bool causal = false;               // attention: causal mask (defaults keep their own if false)
  double alpha = 1.0;
  double beta = 0.0;
  // Collectives: ops ("allreduce" = "allreduce-sum", "allreduce-max", "allgather",
  // "reducescatter", "broadcast", "alltoall"), rank counts, and the message sizes swept from
  // min_bytes to max_bytes by size_factor (bytes per rank's full buffer).
  std::vector<std::string> ops;  // empty: every op (and both reductions of allreduce)
  std::vector<int> ranks;        // empty: default_ranks
  int default_ranks = 2;         // the harness sets the MPI job's size under mpirun
  double min_bytes = 8;
  double max_bytes = 64.0 * 1024 * 1024;
  double size_factor = 2;
  std::vector<double> sizes;  // non-empty: these sizes instead of the sweep
  int root = 0;
};

}  // namespace aicert
