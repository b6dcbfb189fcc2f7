// Where each rank's input and output live in the case tensors of a collective:
// X is {ranks, count} (allgather: {count}, block r is rank r's contribution) and
// Y is {ranks, count} (reducescatter: {count}, block r is rank r's result;
// alltoall: {ranks * count}, rank j's region starts at ranks*offset(j) and holds one piece of
// block_count(j) elements from each rank i, in rank order; pairs: {ranks, ranks * count}, row j
// rank j's whole output, every rank's X in rank order).
// Backends and the reference both use these spans, so they agree on every byte.
#pragma once

#include <cstdint>

#include "workloads/collective_spec.h"

namespace aicert {

struct ElementSpan {
  std::int64_t offset = 0;  // in elements from the start of the tensor's payload
  std::int64_t count = 0;
};

// Rank r's input buffer in X (allgather: its block only).
ElementSpan collective_input_span(const CollectiveSpec& spec, int rank);
// Rank r's output buffer in Y.
ElementSpan collective_output_span(const CollectiveSpec& spec, int rank);
// Elements of X and of Y in total.
std::int64_t collective_input_elements(const CollectiveSpec& spec);
std::int64_t collective_output_elements(const CollectiveSpec& spec);

}  // namespace aicert
