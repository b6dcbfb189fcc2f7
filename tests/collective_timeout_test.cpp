// AICERT_COLLECTIVE_TIMEOUT_S, read by kernels/collective_timeout.h for every backend: the
// default, the range (0, 86400] and the values it refuses.
#include "kernels/collective_timeout.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "tests/scoped_env.h"

namespace aicert {
namespace {

using test::ScopedEnv;

TEST(CollectiveTimeout, UnsetOrEmptyIsSixtySeconds) {
  {
    const ScopedEnv e("AICERT_COLLECTIVE_TIMEOUT_S", nullptr);
    EXPECT_EQ(collective_timeout_s(), 60.0);
  }
  const ScopedEnv e("AICERT_COLLECTIVE_TIMEOUT_S", "");
  EXPECT_EQ(collective_timeout_s(), 60.0);
}

TEST(CollectiveTimeout, PositiveSecondsUpToADay) {
  for (const auto& [text, seconds] : {std::pair{"0.5", 0.5}, std::pair{"2", 2.0},
                                      std::pair{"1e-3", 1e-3}, std::pair{"86400", 86400.0}}) {
    const ScopedEnv e("AICERT_COLLECTIVE_TIMEOUT_S", text);
    EXPECT_EQ(collective_timeout_s(), seconds) << text;
  }
}

TEST(CollectiveTimeout, AnythingElseIsAnErrorNamingVariableAndValue) {
  for (const char* text : {"soon", "0", "-1", "86401", "inf", "nan", "5s", "1e9"}) {
    const ScopedEnv e("AICERT_COLLECTIVE_TIMEOUT_S", text);
    try {
      collective_timeout_s();
      ADD_FAILURE() << text << " was accepted";
    } catch (const std::invalid_argument& ex) {
      EXPECT_EQ(std::string(ex.what()), std::string("AICERT_COLLECTIVE_TIMEOUT_S='") + text +
                                            "' is not a number of seconds in (0, 86400]");
    }
  }
}

}  // namespace
}  // namespace aicert
