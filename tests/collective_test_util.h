// Helpers of the collective suites: a CollectiveSpec in one call, and an environment variable
// set for the life of a scope (fault injection, timeouts, library overrides).
#pragma once

#include <stdlib.h>

#include <cstdint>

#include "workloads/collective_spec.h"

namespace aicert::test {

inline CollectiveSpec spec(CollectiveOp op, int ranks, std::int64_t count, DType t = DType::fp32,
                           ReduceOp reduce = ReduceOp::sum) {
  CollectiveSpec s;
  s.op = op;
  s.ranks = ranks;
  s.count = count;
  s.dtype = t;
  s.reduce = reduce;
  return s;
}

struct EnvVar {
  EnvVar(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~EnvVar() { unsetenv(name_); }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;
  const char* name_;
};

}  // namespace aicert::test
