// Rank spans in the tensors of a collective; see collective_layout.h.
#include "workloads/collective_layout.h"

namespace aicert {

ElementSpan collective_input_span(const CollectiveSpec& s, int rank) {
  if (s.op == CollectiveOp::allgather) {
    return {block_offset(s.count, s.ranks, rank), block_count(s.count, s.ranks, rank)};
  }
  return {static_cast<std::int64_t>(rank) * s.count, s.count};
}

ElementSpan collective_output_span(const CollectiveSpec& s, int rank) {
  switch (s.op) {
    case CollectiveOp::reducescatter:
      return {block_offset(s.count, s.ranks, rank), block_count(s.count, s.ranks, rank)};
    case CollectiveOp::alltoall:
      return {s.ranks * block_offset(s.count, s.ranks, rank),
              s.ranks * block_count(s.count, s.ranks, rank)};
    case CollectiveOp::pairs:
      return {static_cast<std::int64_t>(rank) * s.count * s.ranks, s.count * s.ranks};
    case CollectiveOp::allreduce:
    case CollectiveOp::allgather:
    case CollectiveOp::broadcast:
      break;
  }
  return {static_cast<std::int64_t>(rank) * s.count, s.count};
}

std::int64_t collective_input_elements(const CollectiveSpec& s) {
  return s.op == CollectiveOp::allgather ? s.count : s.count * s.ranks;
}

std::int64_t collective_output_elements(const CollectiveSpec& s) {
  if (s.op == CollectiveOp::pairs) return s.count * s.ranks * s.ranks;
  return s.op == CollectiveOp::reducescatter ? s.count : s.count * s.ranks;
}

}  // namespace aicert
