// The fp64 reference of a floating-point case: what the exact computation gives on the case's
// rounded inputs, the same computation on absolute values (the scale each element's rounding
// bound is relative to) and the growth term g of the bound. Shared by GEMM and attention, and
// the unit the reference cache stores.
#pragma once

#include <cstddef>
#include <vector>

#include "workloads/uninitialised_allocator.h"

namespace aicert {

// A reference's arrays are written whole by what computes them (dgemm with beta = 0, the
// streaming loop, a read from the cache folder), so they are not zeroed first.
using ReferenceArray = std::vector<double, UninitialisedAllocator<double>>;

struct Reference {
  ReferenceArray value;      // the exact result, element by element
  ReferenceArray magnitude;  // the same on absolute values (see each workload's header)
  double growth = 0;         // g of the bound where it depends on the data (attention)

  std::size_t bytes() const { return (value.size() + magnitude.size()) * sizeof(double); }
};

}  // namespace aicert
