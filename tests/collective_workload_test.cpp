// The collective workload without a backend: block partition, tensor layout, bus factors,
// integer-valued inputs within the exactness bound, and a check that is exact (a reference
// implementation passes; any wrong, moved or out-of-bounds element fails).
#include "workloads/collective_workload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "tests/collective_test_util.h"
#include "workloads/collective_layout.h"
#include "workloads/workload_registry.h"

namespace aicert {
namespace {

using test::spec;

// A plain reference implementation of every op on the case tensors (the test's own "backend").
void run_reference(const CollectiveSpec& s, HostTensors& h) {
  const Tensor& x = h.at("X");
  Tensor& y = h.at("Y");
  auto in = [&](int r, std::int64_t i) {
    return load_as_float(x.data(), s.dtype,
                         static_cast<std::size_t>(collective_input_span(s, r).offset + i));
  };
  auto put = [&](int r, std::int64_t i, float v) {
    store_from_float(y.data(), s.dtype,
                     static_cast<std::size_t>(collective_output_span(s, r).offset + i), v);
  };
  auto reduced = [&](std::int64_t i) {
    float acc = in(0, i);
    for (int r = 1; r < s.ranks; ++r)
      acc = s.reduce == ReduceOp::sum ? acc + in(r, i) : std::max(acc, in(r, i));
    return acc;
  };
  for (int r = 0; r < s.ranks; ++r) {
    const std::int64_t off = block_offset(s.count, s.ranks, r),
                       bc = block_count(s.count, s.ranks, r);
    switch (s.op) {
      case CollectiveOp::allreduce:
        for (std::int64_t i = 0; i < s.count; ++i) put(r, i, reduced(i));
        break;
      case CollectiveOp::broadcast:
        for (std::int64_t i = 0; i < s.count; ++i) put(r, i, in(s.root, i));
        break;
      case CollectiveOp::reducescatter:
        for (std::int64_t i = 0; i < bc; ++i) put(r, i, reduced(off + i));
        break;
      case CollectiveOp::allgather:
        for (int j = 0; j < s.ranks; ++j) {
          for (std::int64_t i = 0; i < block_count(s.count, s.ranks, j); ++i) {
            put(r, block_offset(s.count, s.ranks, j) + i, in(j, i));
          }
        }
        break;
      case CollectiveOp::alltoall:
        for (int i = 0; i < s.ranks; ++i) {
          for (std::int64_t e = 0; e < bc; ++e) put(r, i * bc + e, in(i, off + e));
        }
        break;
      case CollectiveOp::pairs:
        for (int j = 0; j < s.ranks; ++j) {
          for (std::int64_t i = 0; i < s.count; ++i) put(r, j * s.count + i, in(j, i));
        }
        break;
    }
  }
}

constexpr CollectiveOp kOps[] = {CollectiveOp::allreduce, CollectiveOp::allgather,
                                 CollectiveOp::reducescatter, CollectiveOp::broadcast,
                                 CollectiveOp::alltoall, CollectiveOp::pairs};
constexpr DType kDtypes[] = {DType::fp32, DType::bf16, DType::fp16, DType::int32};

TEST(CollectiveSpec, BlocksPartitionEveryCount) {
  for (int n : {1, 2, 3, 4, 7}) {
    for (std::int64_t count : {1, 2, 5, 17, 64, 1001}) {
      std::int64_t next = 0;
      for (int r = 0; r < n; ++r) {
        EXPECT_EQ(block_offset(count, n, r), next);
        next += block_count(count, n, r);
      }
      EXPECT_EQ(next, count);
    }
  }
  EXPECT_EQ(block_count(10, 4, 0), 3);
  EXPECT_EQ(block_count(10, 4, 3), 2);
}

TEST(CollectiveSpec, NamesBusFactorsAndValidation) {
  EXPECT_DOUBLE_EQ(spec(CollectiveOp::allreduce, 4, 8).bus_factor(), 1.5);
  EXPECT_DOUBLE_EQ(spec(CollectiveOp::allgather, 4, 8).bus_factor(), 0.75);
  EXPECT_DOUBLE_EQ(spec(CollectiveOp::reducescatter, 2, 8).bus_factor(), 0.5);
  EXPECT_DOUBLE_EQ(spec(CollectiveOp::alltoall, 3, 8).bus_factor(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(spec(CollectiveOp::broadcast, 8, 8).bus_factor(), 1.0);
  EXPECT_DOUBLE_EQ(spec(CollectiveOp::pairs, 4, 8).bus_factor(), 6.0);  // 6 links, in turn
  // Pairs: every rank's output holds every rank's message (4 x the memory of allreduce).
  EXPECT_EQ(validate_collective_spec(spec(CollectiveOp::allreduce, 4, 1 << 14), 3e6), "");
  EXPECT_NE(validate_collective_spec(spec(CollectiveOp::pairs, 4, 1 << 14), 3e6), "");
  EXPECT_EQ(spec(CollectiveOp::allreduce, 2, 1024, DType::bf16, ReduceOp::max).shape_string(),
            "allreduce-max/r2/2048B");
  for (CollectiveOp op : kOps) EXPECT_EQ(parse_collective_op(collective_op_name(op)), op);
  EXPECT_FALSE(parse_collective_op("allreduce-sum"));
  EXPECT_EQ(validate_collective_spec(spec(CollectiveOp::allreduce, 2, 8), 1e9), "");
  EXPECT_NE(validate_collective_spec(spec(CollectiveOp::allreduce, 0, 8), 1e9), "");
  EXPECT_NE(validate_collective_spec(spec(CollectiveOp::allreduce, 2, 0), 1e9), "");
  EXPECT_NE(validate_collective_spec(spec(CollectiveOp::allreduce, 2, 1 << 20), 1e6), "");
  CollectiveSpec b = spec(CollectiveOp::broadcast, 2, 8);
  b.root = 2;
  EXPECT_NE(validate_collective_spec(b, 1e9), "");
  EXPECT_NE(validate_collective_spec(
                spec(CollectiveOp::allgather, 2, 8, DType::fp32, ReduceOp::max), 1e9),
            "");
}

TEST(CollectiveWorkload, DeviceBytesAreEachDevicesShareOfTheRanks) {
  const Workload& w = descriptor_for<CollectiveSpec>();
  // allreduce of 1024 fp32 per rank: X and Y of 4 KiB each per rank.
  const WorkloadSpec ar = spec(CollectiveOp::allreduce, 4, 1024);
  EXPECT_DOUBLE_EQ(w.device_bytes(ar, 1), 4 * 8192.0);  // all four ranks on one device
  EXPECT_DOUBLE_EQ(w.device_bytes(ar, 4), 8192.0);      // one rank per device
  EXPECT_DOUBLE_EQ(w.device_bytes(ar, 3), 2 * 8192.0);  // two ranks share a device
  // allgather's Y is the whole gathered buffer on every rank, its X one block of it.
  const WorkloadSpec ag = spec(CollectiveOp::allgather, 4, 1024);
  EXPECT_DOUBLE_EQ(w.device_bytes(ag, 4), (256 + 1024) * 4.0);
}

TEST(CollectiveWorkload, ASweepOfMoreThanAThousandSizesIsRefused) {
  const Workload& w = descriptor_for<CollectiveSpec>();
  WorkloadOptions o;
  o.ops = {"allreduce"};
  o.dtypes = {"fp32"};
  o.min_bytes = 4;
  o.max_bytes = 1e300;
  o.size_factor = 1.0000001;
  try {
    w.plan_specs(o, 1e12);
    ADD_FAILURE() << "a sweep of ~7e9 sizes was planned";
  } catch (const WorkloadOptionError& e) {
    EXPECT_NE(std::string(e.what()).find("more than 1000 sizes"), std::string::npos) << e.what();
  }
  o.max_bytes = 4096;
  o.size_factor = 2;
  EXPECT_EQ(w.plan_specs(o, 1e12).size(), 11u);  // 4 B to 4 KiB
}

TEST(CollectiveWorkload, InputsAreIntegersWithinTheExactnessBound) {
  for (DType t : kDtypes) {
    for (int n : {1, 2, 3, 4}) {
      const CollectiveSpec s = spec(CollectiveOp::allreduce, n, 4099, t);
      const std::int64_t m = collective_input_bound(s);
      EXPECT_GE(m, 1);
      const HostTensors h = make_collective_tensors(s, 7);
      const Tensor& x = h.at("X");
      double lo = 0, hi = 0;
      for (std::size_t i = 0; i < x.elements(); ++i) {
        const double v = load_as_float(x.data(), t, i);
        ASSERT_EQ(v, std::floor(v));
        ASSERT_LE(std::fabs(v), static_cast<double>(m));
        lo = std::min(lo, v), hi = std::max(hi, v);
      }
      EXPECT_LT(lo, 0) << dtype_name(t);  // the range is used, both signs
      EXPECT_GT(hi, 0) << dtype_name(t);
      // n * m stays within the exact-integer range of the dtype.
      const double limit = t == DType::bf16 ? 256 : t == DType::fp16 ? 2048 : 16777216;
      EXPECT_LE(static_cast<double>(n * m), limit);
    }
  }
  // Same seed, same bytes; another seed, other bytes.
  const CollectiveSpec s = spec(CollectiveOp::alltoall, 3, 100);
  const HostTensors a = make_collective_tensors(s, 1), b = make_collective_tensors(s, 1),
                    c = make_collective_tensors(s, 2);
  EXPECT_EQ(std::memcmp(a.at("X").data(), b.at("X").data(), a.at("X").buffer.payload_bytes()), 0);
  EXPECT_NE(std::memcmp(a.at("X").data(), c.at("X").data(), a.at("X").buffer.payload_bytes()), 0);
}

TEST(CollectiveWorkload, ReferenceImplementationPassesExactly) {
  for (CollectiveOp op : kOps) {
    for (DType t : kDtypes) {
      for (int n : {1, 2, 3, 4}) {
        for (std::int64_t count : {1, 5, 64, 1027}) {
          for (ReduceOp red : {ReduceOp::sum, ReduceOp::max}) {
            if (red == ReduceOp::max && !collective_reduces(op)) continue;
            const CollectiveSpec s = spec(op, n, count, t, red);
            const HostTensors in = make_collective_tensors(s, 3);
            HostTensors out = in;
            run_reference(s, out);
            const CheckResult c = check_collective(s, in, out);
            ASSERT_TRUE(c.passed) << s.shape_string() << " " << dtype_name(t) << ": " << c.reason;
            EXPECT_TRUE(c.tolerance.exact);
            EXPECT_EQ(c.max_abs_error, 0.0);
          }
        }
      }
    }
  }
}

TEST(CollectiveWorkload, InjectedErrorsAreDetected) {
  for (CollectiveOp op : kOps) {
    const CollectiveSpec s = spec(op, 3, 301, DType::bf16);
    const HostTensors in = make_collective_tensors(s, 5);
    HostTensors good = in;
    run_reference(s, good);
    const std::size_t last = good.at("Y").elements() - 1;

    HostTensors off_by_one = good;  // the smallest possible error: one unit in one element
    Tensor& y = off_by_one.at("Y");
    store_from_float(y.data(), s.dtype, last, load_as_float(y.data(), s.dtype, last) + 1.0f);
    CheckResult c = check_collective(s, in, off_by_one);
    EXPECT_FALSE(c.passed) << collective_op_name(op);
    EXPECT_EQ(c.wrong_count, 1u);
    EXPECT_EQ(c.worst_index, static_cast<std::int64_t>(last));

    HostTensors swapped = good;  // two rank blocks exchanged: right values, wrong place
    Tensor& z = swapped.at("Y");
    const float a = load_as_float(z.data(), s.dtype, 0), b = load_as_float(z.data(), s.dtype, last);
    if (a != b) {
      store_from_float(z.data(), s.dtype, 0, b);
      store_from_float(z.data(), s.dtype, last, a);
      EXPECT_FALSE(check_collective(s, in, swapped).passed) << collective_op_name(op);
    }

    HostTensors oob = good;  // a write past the end of the output
    oob.at("Y")
        .buffer.whole()[GuardedBuffer::payload_offset() + oob.at("Y").buffer.payload_bytes()] =
        std::byte{0};
    c = check_collective(s, in, oob);
    EXPECT_FALSE(c.passed);
    EXPECT_GT(c.guard_bytes_touched, 0u);
  }
}

}  // namespace
}  // namespace aicert
