// The one fault-injection parser of the collective kernels (kernels/collective_fault.h): good
// values, malformed ones, and kinds that the backend asking does not inject, with the message
// that names the variable, the value and what is allowed.
#include "kernels/collective_fault.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>

#include "tests/scoped_env.h"

namespace aicert {
namespace {

using test::ScopedEnv;

constexpr std::initializer_list<FaultKind> kCpu = {FaultKind::fail, FaultKind::hang,
                                                   FaultKind::corrupt};
constexpr std::initializer_list<FaultKind> kNccl = {FaultKind::corrupt, FaultKind::hang};
constexpr std::initializer_list<FaultKind> kMpi = {FaultKind::hang};

// The message of the std::invalid_argument, or "" when the value was accepted.
std::string refusal(std::string_view value, std::initializer_list<FaultKind> allowed) {
  try {
    parse_collective_fault("AICERT_TEST_FAULT", value, allowed);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(CollectiveFault, KindColonRank) {
  EXPECT_EQ(parse_collective_fault("V", "fail:0", kCpu), (CollectiveFault{FaultKind::fail, 0}));
  EXPECT_EQ(parse_collective_fault("V", "hang:12", kCpu), (CollectiveFault{FaultKind::hang, 12}));
  EXPECT_EQ(parse_collective_fault("V", "corrupt:3", kNccl),
            (CollectiveFault{FaultKind::corrupt, 3}));
  EXPECT_EQ(parse_collective_fault("V", "hang:1", kMpi), (CollectiveFault{FaultKind::hang, 1}));
}

TEST(CollectiveFault, EmptyOrUnsetIsNoFault) {
  EXPECT_FALSE(parse_collective_fault("V", "", kCpu));
  {
    const ScopedEnv e("AICERT_TEST_FAULT", nullptr);
    EXPECT_FALSE(collective_fault_from_env("AICERT_TEST_FAULT", kCpu));
  }
  const ScopedEnv e("AICERT_TEST_FAULT", "");
  EXPECT_FALSE(collective_fault_from_env("AICERT_TEST_FAULT", kCpu));
}

TEST(CollectiveFault, ReadsTheVariableItIsGiven) {
  const ScopedEnv e("AICERT_TEST_FAULT", "corrupt:2");
  EXPECT_EQ(collective_fault_from_env("AICERT_TEST_FAULT", kCpu),
            (CollectiveFault{FaultKind::corrupt, 2}));
  EXPECT_THROW(collective_fault_from_env("AICERT_TEST_FAULT", kMpi), std::invalid_argument);
}

TEST(CollectiveFault, MalformedValuesAreErrors) {
  for (const char* v : {"hang", "hang:", "hang:x", "hang:-1", "hang:+1", "hang: 1", "hang:1x", ":1",
                        "HANG:1", "hang:99999999999", "hang:1:2", "stall:0", "corrupt:x"}) {
    EXPECT_EQ(refusal(v, kCpu), std::string("AICERT_TEST_FAULT='") + v +
                                    "' is not fail:RANK, hang:RANK or corrupt:RANK (RANK a rank "
                                    "number >= 0)")
        << v;
  }
}

TEST(CollectiveFault, KindsTheBackendDoesNotInjectAreErrors) {
  EXPECT_EQ(refusal("fail:0", kNccl),
            "AICERT_TEST_FAULT='fail:0' is not corrupt:RANK or hang:RANK (RANK a rank number "
            ">= 0)");
  EXPECT_EQ(refusal("corrupt:1", kMpi),
            "AICERT_TEST_FAULT='corrupt:1' is not hang:RANK (RANK a rank number >= 0)");
  EXPECT_EQ(refusal("fail:1", kMpi),
            "AICERT_TEST_FAULT='fail:1' is not hang:RANK (RANK a rank number >= 0)");
}

}  // namespace
}  // namespace aicert
