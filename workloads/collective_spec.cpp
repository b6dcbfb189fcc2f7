// Names, sizes, bus factors and validation of collective specs.
#include "workloads/collective_spec.h"

#include "workloads/memory_need.h"

namespace aicert {

std::string_view collective_op_name(CollectiveOp op) {
  switch (op) {
    case CollectiveOp::allreduce:
      return "allreduce";
    case CollectiveOp::allgather:
      return "allgather";
    case CollectiveOp::reducescatter:
      return "reducescatter";
    case CollectiveOp::broadcast:
      return "broadcast";
    case CollectiveOp::alltoall:
      return "alltoall";
    case CollectiveOp::pairs:
      return "pairs";
  }
  return "?";
}

std::optional<CollectiveOp> parse_collective_op(std::string_view name) {
  for (CollectiveOp op :
       {CollectiveOp::allreduce, CollectiveOp::allgather, CollectiveOp::reducescatter,
        CollectiveOp::broadcast, CollectiveOp::alltoall, CollectiveOp::pairs}) {
    if (name == collective_op_name(op)) return op;
  }
  return std::nullopt;
}

std::string_view reduce_op_name(ReduceOp op) { return op == ReduceOp::sum ? "sum" : "max"; }

std::optional<ReduceOp> parse_reduce_op(std::string_view name) {
  if (name == "sum") return ReduceOp::sum;
  if (name == "max") return ReduceOp::max;
  return std::nullopt;
}

bool collective_reduces(CollectiveOp op) {
  return op == CollectiveOp::allreduce || op == CollectiveOp::reducescatter;
}

std::optional<OpChoice> parse_op_choice(std::string_view text) {
  const auto dash = text.find('-');
  const auto op = parse_collective_op(text.substr(0, dash));
  if (!op) return std::nullopt;
  OpChoice c{*op, ReduceOp::sum};
  if (dash != std::string_view::npos) {
    const auto reduce = parse_reduce_op(text.substr(dash + 1));
    if (!reduce || !collective_reduces(*op)) return std::nullopt;
    c.reduce = *reduce;
  }
  return c;
}

double CollectiveSpec::bus_factor() const {
  const double n = ranks;
  switch (op) {
    case CollectiveOp::allreduce:
      return 2.0 * (n - 1) / n;
    case CollectiveOp::allgather:
    case CollectiveOp::reducescatter:
    case CollectiveOp::alltoall:
      return (n - 1) / n;
    case CollectiveOp::broadcast:
      return 1.0;
    case CollectiveOp::pairs:
      return n * (n - 1) / 2;
  }
  return 1.0;
}

std::string CollectiveSpec::op_string() const {
  std::string s(collective_op_name(op));
  if (collective_reduces(op)) s += "-" + std::string(reduce_op_name(reduce));
  return s;
}

std::string CollectiveSpec::shape_string() const {
  return op_string() + "/r" + std::to_string(ranks) + "/" +
         std::to_string(count * static_cast<std::int64_t>(dtype_size(dtype))) + "B";
}

std::int64_t block_count(std::int64_t count, int ranks, int block) {
  return count / ranks + (block < count % ranks ? 1 : 0);
}

std::int64_t block_offset(std::int64_t count, int ranks, int block) {
  const std::int64_t base = count / ranks, extra = count % ranks;
  return block * base + std::min<std::int64_t>(block, extra);
}

std::string validate_collective_spec(const CollectiveSpec& s, double max_bytes) {
  if (s.ranks < 1 || s.ranks > 1024) {
    return "ranks " + std::to_string(s.ranks) + " is not in 1..1024";
  }
  if (s.dtype == DType::fp8e4m3) return "collectives run fp32, fp16, bf16 and int32, not fp8e4m3";
  if (s.count < 1) return "count " + std::to_string(s.count) + " must be at least 1 element";
  if (s.count > (std::int64_t{1} << 40))
    return "count " + std::to_string(s.count) + " is too large";
  if (s.op == CollectiveOp::broadcast && (s.root < 0 || s.root >= s.ranks)) {
    return "broadcast root " + std::to_string(s.root) + " is not a rank of " +
           std::to_string(s.ranks);
  }
  if (!collective_reduces(s.op) && s.reduce != ReduceOp::sum) {
    return std::string(collective_op_name(s.op)) + " takes no reduction";
  }
  // X and Y of every rank (alltoall's Y is ranks x count too), twice (a kernel's copy) and
  // the fp64 reference of Y.
  const double per_rank = s.bytes();
  // Pairs: every rank's Y holds every rank's message.
  const double out_factor = s.op == CollectiveOp::pairs ? s.ranks : 1;
  const double needed = per_rank * s.ranks * 4 * out_factor +
                        static_cast<double>(s.count) * s.ranks * 16 * out_factor;
  if (needed > max_bytes) {
    return s.shape_string() + " " + memory_shortfall(needed, max_bytes);
  }
  return {};
}

}  // namespace aicert
