// Parsing and validation of GEMM shapes, layouts and dtypes.
#include <gtest/gtest.h>

#include "workloads/gemm_spec.h"

namespace aicert {
namespace {

TEST(GemmSpec, ParsesShape) {
  std::string err;
  const auto s = parse_gemm_shape("17x33x65", &err);
  ASSERT_TRUE(s.has_value()) << err;
  EXPECT_EQ(s->m, 17);
  EXPECT_EQ(s->n, 33);
  EXPECT_EQ(s->k, 65);
  EXPECT_EQ(s->shape_string(), "17x33x65");
  EXPECT_DOUBLE_EQ(s->flops(), 2.0 * 17 * 33 * 65);
}

TEST(GemmSpec, RejectsMalformedShapes) {
  for (const char* bad : {"", "1024", "10x10", "1x2x3x4", "axbxc", "10x10x", "x1x1", "1.5x2x3",
                          "99999999999999999999x1x1", " 1x1x1"}) {
    std::string err;
    EXPECT_FALSE(parse_gemm_shape(bad, &err).has_value()) << bad;
    EXPECT_FALSE(err.empty()) << bad;
  }
}

TEST(GemmSpec, ValidatesDimensionsAndMemory) {
  std::string err;
  auto s = *parse_gemm_shape("0x10x10", &err);
  EXPECT_NE(validate_gemm_spec(s, 1e12).find("positive"), std::string::npos);
  s = *parse_gemm_shape("-5x10x10", &err);
  EXPECT_NE(validate_gemm_spec(s, 1e12).find("positive"), std::string::npos);
  s = *parse_gemm_shape("10x10x-1", &err);
  EXPECT_NE(validate_gemm_spec(s, 1e12).find("negative"), std::string::npos);
  s = *parse_gemm_shape("10x10x0", &err);
  EXPECT_EQ(validate_gemm_spec(s, 1e12), "");  // K = 0 is a valid GEMM: C = beta*C
  s = *parse_gemm_shape("3037000500x3037000500x1", &err);
  EXPECT_NE(validate_gemm_spec(s, 1e30).find("2^31"), std::string::npos);
  s = *parse_gemm_shape("40000x40000x40000", &err);
  EXPECT_NE(validate_gemm_spec(s, 24e9).find("GiB"), std::string::npos);
  s = *parse_gemm_shape("1024x1024x1024", &err);
  EXPECT_EQ(validate_gemm_spec(s, 24e9), "");
}

TEST(GemmSpec, Layouts) {
  EXPECT_EQ(parse_layout("NT"), GemmLayout::NT);
  EXPECT_FALSE(parse_layout("TT").has_value());
  EXPECT_EQ(layout_name(GemmLayout::TN), "TN");
}

}  // namespace
}  // namespace aicert
