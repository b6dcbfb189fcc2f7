// Fuzz target: the list items a user types for a workload (`--shape`, `--layout`, `--op`) and
// `--size` with its units, as every registered workload reads them. A workload whose grammar
// claims a shape and whose check_item() accepts it must plan it (check_item is what the profile
// reader trusts), and every planned spec must validate, name its case and cross the worker
// protocol unchanged.
#include <CLI/CLI.hpp>
#include <limits>

#include "harness/worker_protocol.h"
#include "tests/fuzz/fuzz_support.h"
#include "workloads/workload_registry.h"

namespace {
using namespace aicert;

constexpr double kNoMemoryLimit = std::numeric_limits<double>::infinity();

// `must_plan`: the item passed check_item(), so planning may not refuse it.
void plan_and_check(const Workload& w, const WorkloadOptions& options, bool must_plan) {
  std::vector<WorkloadSpec> specs;
  try {
    specs = w.plan_specs(options, kNoMemoryLimit);
  } catch (const WorkloadOptionError& e) {
    if (must_plan) {
      fuzz::contract_broken(std::string(w.name()) + " accepts an item it cannot plan: " +
                            e.what());
    }
    return;
  }
  for (const WorkloadSpec& spec : specs) {
    if (const std::string why = w.validate(spec, kNoMemoryLimit); !why.empty()) {
      fuzz::contract_broken(std::string(w.name()) + " planned a spec it does not validate: " + why);
    }
    WorkerRequest r;
    r.request.backend = "cpu";
    r.request.impl = "cpu:x";
    r.request.spec.spec = spec;
    const CaseSpec back = decode_request(encode_request(r)).request.spec;
    if (w.shape(back.spec) != w.shape(spec) ||
        w.shape_variant(back.spec) != w.shape_variant(spec)) {
      fuzz::contract_broken(std::string(w.name()) + " spec " + w.shape(spec) +
                            " changes through the worker protocol");
    }
  }
}

// --size exactly as `aicert run` declares it (cmd_run.cpp).
std::vector<double> parse_sizes(const std::string& text) {
  CLI::App app;
  std::vector<double> sizes;
  app.add_option("--size", sizes)->delimiter(',')->transform(CLI::AsSizeValue(true));
  try {
    app.parse(std::vector<std::string>{text, "--size"});  // CLI11 takes them reversed
  } catch (const CLI::ParseError&) {
    return {};
  }
  return sizes;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string item(reinterpret_cast<const char*>(data), size);
  const std::vector<double> sizes = parse_sizes(item);
  for (const Workload* w : registered_workloads()) {
    const WorkloadOptionSet takes = w->options();
    for (WorkloadOption option : {kOptShapes, kOptLayouts, kOptOps}) {
      if ((takes & option) == 0) continue;
      const bool valid = w->check_item(option, item).empty();
      if (option == kOptShapes && !w->claims_shape(item)) continue;
      if (!valid) continue;
      WorkloadOptions options;
      (option == kOptShapes ? options.shapes
                            : option == kOptLayouts ? options.layouts : options.ops) = {item};
      plan_and_check(*w, options, true);
    }
    if ((takes & kOptSizes) != 0 && !sizes.empty()) {
      WorkloadOptions options;
      options.sizes = sizes;
      plan_and_check(*w, options, false);
    }
  }
  return 0;
}
