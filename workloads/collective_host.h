// A collective carried out on the host over rank buffers that the host holds (laid out as in
// collective_layout.h, one input and one output buffer per rank): what host-staged backends run
// between copying the ranks' inputs off their devices and the outputs back. Reductions of
// 16-bit types accumulate in fp32 and round once; int32 accumulates in 64 bits.
#pragma once

#include <cstddef>
#include <vector>

#include "workloads/collective_spec.h"

namespace aicert {

void run_collective_on_host(const CollectiveSpec& spec, const std::vector<const std::byte*>& in,
                            const std::vector<std::byte*>& out);

}  // namespace aicert
