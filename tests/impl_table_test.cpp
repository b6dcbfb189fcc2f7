// ImplTable (kernels/impl_table.h): a backend's implementations() and make() derived from its
// table — the list in table order per workload, a refusal from the entry's reason (and no
// kernel built), a kernel from create(), a create() that refuses, and the refusals of a workload
// or implementation the table lacks.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "kernels/impl_table.h"

namespace aicert {
namespace {

struct FakeKernel final : Kernel {
  explicit FakeKernel(std::string_view name) : name_(name) {}
  std::string_view impl() const override { return name_; }
  void upload(const HostTensors&) override {}
  void run() override {}
  double elapsed_ms_since_last_sync() override { return 0; }
  void download(HostTensors&) override {}
  std::string_view name_;
};

struct FakeBackend {
  int created = 0;
};

const ImplTable<FakeBackend>& table() {
  using Made = std::unique_ptr<Kernel>;
  static const ImplTable<FakeBackend> t(
      "fake",
      {
          impl_entry<GemmSpec, FakeBackend>(
              "fake:a",
              [](FakeBackend&, const GemmSpec& g, int) -> std::string {
                return g.dtype == DType::fp8e4m3 ? "not supported: no fp8" : "";
              },
              [](FakeBackend& b, const GemmSpec&, int, std::string*) -> Made {
                ++b.created;
                return std::make_unique<FakeKernel>("fake:a");
              }),
          impl_entry<GemmSpec, FakeBackend>(
              "fake:b", [](FakeBackend&, const GemmSpec&, int) { return std::string(); },
              [](FakeBackend&, const GemmSpec&, int device, std::string* why) -> Made {
                if (why) *why = "not supported: no algorithm on device " + std::to_string(device);
                return nullptr;
              }),
          impl_entry<StreamSpec, FakeBackend>(
              "fake:stream", [](FakeBackend&, const StreamSpec&, int) { return std::string(); },
              [](FakeBackend&, const StreamSpec&, int, std::string*) -> Made {
                return std::make_unique<FakeKernel>("fake:stream");
              }),
      });
  return t;
}

CaseSpec gemm(DType t) {
  GemmSpec g;
  g.m = g.n = g.k = 8;
  g.dtype = t;
  return CaseSpec{g, 1};
}

TEST(ImplTable, ListsEachWorkloadsImplementationsInOrder) {
  EXPECT_EQ(table().implementations("gemm"), (std::vector<std::string>{"fake:a", "fake:b"}));
  EXPECT_EQ(table().implementations("stream"), std::vector<std::string>{"fake:stream"});
  EXPECT_TRUE(table().implementations("attention").empty());
}

TEST(ImplTable, BuildsOrRefusesThroughTheEntry) {
  FakeBackend b;
  std::string why;
  auto k = table().make(b, gemm(DType::fp32), 0, "fake:a", &why);
  ASSERT_NE(k, nullptr) << why;
  EXPECT_EQ(k->impl(), "fake:a");
  EXPECT_EQ(b.created, 1);

  EXPECT_EQ(table().make(b, gemm(DType::fp8e4m3), 0, "fake:a", &why), nullptr);
  EXPECT_EQ(why, "not supported: no fp8");
  EXPECT_EQ(b.created, 1) << "a refused case builds no kernel";

  EXPECT_EQ(table().make(b, gemm(DType::fp32), 3, "fake:b", &why), nullptr);
  EXPECT_EQ(why, "not supported: no algorithm on device 3");
}

TEST(ImplTable, RefusesWhatItLacksNamingWhatItHas) {
  FakeBackend b;
  std::string why;
  EXPECT_EQ(table().make(b, gemm(DType::fp32), 0, "fake:stream", &why), nullptr);
  EXPECT_EQ(why, "not supported: fake has no gemm implementation 'fake:stream' (it has fake:a, "
                 "fake:b)");
  CollectiveSpec c;
  c.count = 4;
  EXPECT_EQ(table().make(b, CaseSpec{c, 1}, 0, "fake:a", &why), nullptr);
  EXPECT_EQ(why, "not supported: fake runs no collective workload");
}

}  // namespace
}  // namespace aicert
