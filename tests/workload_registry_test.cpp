// The workload registry: one descriptor per WorkloadSpec alternative at its index, unique
// names, and each descriptor's planning, case-id parts and spec attributes consistent.
#include "workloads/workload_registry.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

namespace aicert {
namespace {

// Attributes kept in a map: what the report writer would put on the element.
class MapWriter final : public SpecAttributeWriter {
 public:
  using SpecAttributeWriter::put;
  void put(const char* name, std::string_view v) override { values[name] = std::string(v); }
  void put(const char* name, std::int64_t v) override { values[name] = std::to_string(v); }
  void put(const char* name, double v) override {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    values[name] = buf;
  }
  void put(const char* name, bool v) override { values[name] = v ? "true" : "false"; }
  std::map<std::string, std::string> values;
};

class MapReader final : public SpecAttributeReader {
 public:
  explicit MapReader(std::map<std::string, std::string> v) : values_(std::move(v)) {}
  std::string text(const char* name) const override {
    const auto it = values_.find(name);
    if (it == values_.end()) fail(name, "is missing");
    return it->second;
  }
  std::int64_t integer(const char* name, std::int64_t min, std::int64_t max) const override {
    const std::int64_t v = std::stoll(text(name));
    if (v < min || v > max) fail(name, "is out of range");
    return v;
  }
  double real(const char* name) const override { return std::stod(text(name)); }
  bool boolean(const char* name) const override { return text(name) == "true"; }
  [[noreturn]] void fail(const char* name, const std::string& what) const override {
    throw std::invalid_argument(std::string(name) + " " + what);
  }

 private:
  std::map<std::string, std::string> values_;
};

TEST(WorkloadRegistry, OneDescriptorPerSpecAlternativeAtItsIndex) {
  const auto& all = registered_workloads();
  ASSERT_EQ(all.size(), std::variant_size_v<WorkloadSpec>);
  std::set<std::string> names;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i]->variant_index(), i);
    EXPECT_TRUE(names.insert(std::string(all[i]->name())).second) << all[i]->name();
    EXPECT_EQ(find_workload(all[i]->name()), all[i]);
    EXPECT_FALSE(all[i]->description().empty());
    EXPECT_FALSE(all[i]->default_dtypes().empty());
  }
  EXPECT_EQ(find_workload("nosuch"), nullptr);
  EXPECT_EQ(workload_names(), "gemm, attention, collective, stream, peak");
}

// Every workload's default plan is non-empty, its specs are its own and valid, their names
// match the spec types' (which plugins use), and every spec survives its attributes.
TEST(WorkloadRegistry, DefaultPlansRoundTripThroughTheirAttributes) {
  for (const Workload* w : registered_workloads()) {
    WorkloadOptions o;
    if (w->options() & kOptSizes) o.sizes = {8, 4100};
    const std::vector<WorkloadSpec> specs = w->plan_specs(o, 1e12);
    ASSERT_FALSE(specs.empty()) << w->name();
    for (const WorkloadSpec& s : specs) {
      ASSERT_EQ(&workload_of(s), w);
      EXPECT_EQ(workload_name(s), w->name());
      EXPECT_EQ(w->validate(s, 1e12), "");
      EXPECT_FALSE(w->shape(s).empty());
      MapWriter out;
      w->write_spec(s, out);
      const WorkloadSpec back = w->read_spec(MapReader(out.values));
      MapWriter again;
      w->write_spec(back, again);
      EXPECT_EQ(again.values, out.values) << workload_shape(s);
      EXPECT_EQ(workload_shape(back), workload_shape(s));
    }
  }
}

TEST(WorkloadRegistry, ShapesAreClaimedByTheirGrammarAndBadItemsNamed) {
  EXPECT_TRUE(find_workload("gemm")->claims_shape("64x64x64"));
  EXPECT_FALSE(find_workload("attention")->claims_shape("64x64x64"));
  EXPECT_TRUE(find_workload("attention")->claims_shape("1,8,2,256,64"));
  EXPECT_FALSE(find_workload("collective")->claims_shape("1,8,2,256,64"));
  EXPECT_EQ(find_workload("gemm")->check_item(kOptShapes, "8x8x8"), "");
  EXPECT_NE(find_workload("gemm")->check_item(kOptShapes, "8x8"), "");
  EXPECT_NE(find_workload("gemm")->check_item(kOptLayouts, "NX"), "");
  EXPECT_NE(find_workload("collective")->check_item(kOptOps, "allsum"), "");
  EXPECT_NE(find_workload("attention")->check_item(kOptShapes, "1,8,3,16,64"), "");  // 3 !| 8
}

TEST(WorkloadRegistry, ADtypeTheWorkloadLacksIsRefusedByName) {
  WorkloadOptions o;
  o.dtypes = {"fp8e4m3"};
  try {
    find_workload("attention")->plan_specs(o, 1e12);
    FAIL() << "fp8e4m3 attention was planned";
  } catch (const WorkloadOptionError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown dtype 'fp8e4m3' for attention"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(find_workload("gemm")->plan_specs(o, 1e12).size(), 3u);  // the 3 default shapes
}

TEST(WorkloadRegistry, FiguresAndTheirUnits) {
  EXPECT_EQ(find_workload("gemm")->figure(), Figure::gflops);
  EXPECT_EQ(find_workload("collective")->figure(), Figure::busbw_gbps);
  EXPECT_EQ(figure_unit(Figure::busbw_gbps), "GB/s busbw");
  CollectiveSpec c;
  c.ranks = 4;
  c.count = 1000;
  const auto b = find_workload("collective")->bandwidth(c, 0.001);
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(b->bytes, 4000);
  EXPECT_DOUBLE_EQ(b->algbw_gbps, 4.0);
  EXPECT_DOUBLE_EQ(b->busbw_gbps, 4.0 * 2 * 3 / 4);
  EXPECT_FALSE(find_workload("gemm")->bandwidth(GemmSpec{}, 1.0));
}

// The columns of `aicert fleet`'s cross-hardware table: GEMM and attention per dtype, all-reduce
// (sum) busbw and stream triad; the other collectives and stream ops are no headline.
TEST(WorkloadRegistry, HeadlinesOfTheFleetTable) {
  GemmSpec g;
  g.dtype = DType::bf16;
  EXPECT_EQ(workload_of(g).headline(g), "GEMM bf16");
  AttentionSpec a;
  EXPECT_EQ(workload_of(a).headline(a), "attention fp32");
  CollectiveSpec c;
  EXPECT_EQ(workload_of(c).headline(c), "allreduce-sum fp32 busbw");
  c.op = CollectiveOp::allgather;
  EXPECT_EQ(workload_of(c).headline(c), "");
  StreamSpec s;
  EXPECT_EQ(workload_of(s).headline(s), "stream triad fp32");
  s.op = StreamOp::copy;
  EXPECT_EQ(workload_of(s).headline(s), "");
}

}  // namespace
}  // namespace aicert
