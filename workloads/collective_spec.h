// The collective workload's case spec: one collective operation over `ranks` ranks, with
// `count` elements in each rank's full buffer (bytes = count * dtype size, the "message size"
// that algbw and busbw are computed from).
//
// Buffers are split into `ranks` blocks of count/ranks elements, the first count%ranks blocks
// one element longer, so counts not divisible by the rank count are legal for every op:
//   allreduce      X[r]: count       -> Y[r]: count        Y[r] = reduce_i X[i]
//   broadcast      X[r]: count       -> Y[r]: count        Y[r] = X[root]
//   reducescatter  X[r]: count       -> Y: block r of rank r's output = reduce_i X[i][block r]
//   allgather      X: block r is rank r's input -> Y[r]: count, the blocks of every rank
//   alltoall       X[r]: count       -> Y[j] holds, for i in ranks, X[i][block j]
//   pairs          X[r]: count       -> Y[r]: ranks x count, Y[r][j] = X[j]: a point-to-point
//                  sweep, each pair of ranks exchanging its whole message both ways in turn
//                  (i < j, one pair at a time), so each link's bandwidth is measured alone
//                  (nccl-tests' sendrecv per pair); asked for by name, not a default op
// See collective_layout.h for where each rank's pieces live in the tensors X and Y.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "workloads/dtype.h"

namespace aicert {

enum class CollectiveOp { allreduce, allgather, reducescatter, broadcast, alltoall, pairs };
enum class ReduceOp { sum, max };

std::string_view collective_op_name(CollectiveOp op);
std::optional<CollectiveOp> parse_collective_op(std::string_view name);
std::string_view reduce_op_name(ReduceOp op);
std::optional<ReduceOp> parse_reduce_op(std::string_view name);
bool collective_reduces(CollectiveOp op);  // allreduce, reducescatter

struct OpChoice {
  CollectiveOp op = CollectiveOp::allreduce;
  ReduceOp reduce = ReduceOp::sum;
};
// "allreduce" (= "allreduce-sum"), "allreduce-max", "reducescatter[-sum|-max]", "allgather",
// "broadcast", "alltoall" -> the op and its reduction; nullopt for anything else.
std::optional<OpChoice> parse_op_choice(std::string_view text);
inline constexpr const char* kOpChoiceNames =
    "allreduce, allreduce-sum, allreduce-max, allgather, reducescatter, reducescatter-sum, "
    "reducescatter-max, broadcast, alltoall, pairs";

struct CollectiveSpec {
  static constexpr std::string_view kWorkload = "collective";  // its workload's name
  CollectiveOp op = CollectiveOp::allreduce;
  ReduceOp reduce = ReduceOp::sum;  // allreduce and reducescatter only
  int ranks = 2;
  std::int64_t count = 0;  // elements of one rank's full buffer
  DType dtype = DType::fp32;
  int root = 0;  // broadcast only

  double bytes() const {
    return static_cast<double>(count) * static_cast<double>(dtype_size(dtype));
  }
  // Collectives move data; they compute no flops worth counting.
  double flops() const { return 0.0; }
  // busbw = algbw * factor: allreduce 2(n-1)/n; allgather, reducescatter, alltoall (n-1)/n;
  // broadcast 1 (the NCCL-tests convention: comparable to the hardware's link bandwidth);
  // pairs n(n-1)/2, the pairs' mean bandwidth over the whole sweep (each link's own is in the
  // case's links).
  double bus_factor() const;
  // "allreduce-sum" or "allgather": the op with its reduction where it has one.
  std::string op_string() const;
  // "allreduce-sum/r2/4096B"
  std::string shape_string() const;
};

// Elements of block b of n blocks over count elements, and where it starts.
std::int64_t block_count(std::int64_t count, int ranks, int block);
std::int64_t block_offset(std::int64_t count, int ranks, int block);

// Ranks 1..1024, count >= 1, root in range, the reduction valid for the op, and the
// tensors of the case (inputs, outputs and the reference) within max_bytes.
// Returns an empty string when valid, else what is wrong.
std::string validate_collective_spec(const CollectiveSpec& spec, double max_bytes);

}  // namespace aicert
