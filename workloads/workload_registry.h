// The registry of workloads: one descriptor (workload.h) per alternative of WorkloadSpec, in
// the variant's order. Everything that needs to know a workload asks here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "workloads/workload.h"

namespace aicert {

// Every workload, in WorkloadSpec's order (which is also the order `aicert list` shows).
const std::vector<const Workload*>& registered_workloads();

// The workload called `name`, or null.
const Workload* find_workload(std::string_view name);

// The workload of a spec.
const Workload& workload_of(const WorkloadSpec& spec);

// Human-readable shape with its variant, e.g. "17x33x65 NT", "1,16,4,2048,128 causal" or
// "allreduce-sum/r2/4096B" (the part after the space is what case ids keep as its own field).
std::string workload_shape(const WorkloadSpec& spec);

// "gemm, attention, collective": for messages that list what is known.
std::string workload_names();

}  // namespace aicert
