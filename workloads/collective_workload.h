// Collective workload: integer-valued seeded inputs, the exact expected result and its check.
//
// Exactness: every input is an integer in [-m, m] with m = floor(L / ranks), where L is the
// largest integer up to which the dtype holds every integer: 2^24 fp32, 2^11 fp16, 2^8 bf16
// (and 2^24 for int32, so values also convert to float exactly). Any partial sum of any
// subset of ranks, in any order, is then an integer of magnitude <= L and exact, so every
// correct algorithm gives the same bits and the check allows no difference at all.
// (Past L ranks, m is 0 and the inputs are all zero: still checked, but weakly.)
#pragma once

#include <cstdint>

#include "workloads/check_result.h"
#include "workloads/collective_spec.h"
#include "workloads/host_tensors.h"
#include "workloads/workload.h"

namespace aicert {

// The bound m of the inputs for the spec's dtype and rank count.
std::int64_t collective_input_bound(const CollectiveSpec& spec);

// Tensors "X" (inputs of every rank) and "Y" (outputs, zeroed), laid out as in
// collective_layout.h.
HostTensors make_collective_tensors(const CollectiveSpec& spec, std::uint64_t seed);

// The exact tolerance written into the report (exact = true).
Tolerance collective_tolerance(const CollectiveSpec& spec);

// Checks "Y" of `outputs` against the result computed from "X" of `inputs`.
CheckResult check_collective(const CollectiveSpec& spec, const HostTensors& inputs,
                             const HostTensors& outputs);

// The collective workload's descriptor: ops, rank counts and swept message sizes (no shapes),
// fp32 bf16 fp16 int32, checked exactly; reports bus bandwidth.
template <>
const Workload& descriptor_for<CollectiveSpec>();

}  // namespace aicert
