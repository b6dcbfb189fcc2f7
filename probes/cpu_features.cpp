// cpuinfo parsing: "key<TAB>: value" lines, one block per processor. The first block is
// enough: user-visible ISA is uniform across the CPUs of a system (hybrid x86 parts expose the
// same ISA on every core; Arm big.LITTLE kernels expose the common subset).
#include "probes/cpu_features.h"

#include "probes/sysfs_read.h"

namespace aicert {
namespace {

// Calls visit(key, value) for each "key : value" line of the first processor block.
template <typename Visit>
void for_each_first_block_field(std::string_view text, Visit visit) {
  bool seen_processor = false;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (key == "processor") {
      if (seen_processor) return;  // second block starts
      seen_processor = true;
      continue;
    }
    if (!visit(key, value)) return;
  }
}

}  // namespace

const std::vector<std::string>& ai_relevant_cpu_features() {
  static const std::vector<std::string> kFeatures = {
      // x86-64
      "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
      "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8",
      // AArch64
      "asimd", "asimdhp", "asimddp", "sve", "sve2", "bf16", "i8mm", "sme"};
  return kFeatures;
}

std::set<std::string> parse_cpuinfo_flags(std::string_view cpuinfo) {
  std::set<std::string> flags;
  for_each_first_block_field(cpuinfo, [&](std::string_view key, std::string_view value) {
    if (key != "flags" && key != "Features") return true;
    while (!value.empty()) {
      const auto space = value.find_first_of(" \t");
      const std::string_view flag = value.substr(0, space);
      if (!flag.empty()) flags.emplace(flag);
      if (space == std::string_view::npos) break;
      value = value.substr(space + 1);
    }
    return false;
  });
  return flags;
}

std::string parse_cpuinfo_model(std::string_view cpuinfo) {
  std::string model;
  std::string fallback;
  for_each_first_block_field(cpuinfo, [&](std::string_view key, std::string_view value) {
    if (value.empty()) return true;
    if (key == "model name") {
      model = value;
      return false;
    }
    if (fallback.empty() && (key == "Model" || key == "cpu" || key == "Processor")) {
      fallback = value;
    }
    return true;
  });
  // Some Arm kernels put "Model" after the processor blocks; look there too.
  if (model.empty() && fallback.empty()) {
    std::string_view text = cpuinfo;
    while (!text.empty()) {
      const auto end = text.find('\n');
      const std::string_view line = text.substr(0, end);
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
      const auto colon = line.find(':');
      if (colon != std::string_view::npos && trim(line.substr(0, colon)) == "Model") {
        fallback = trim(line.substr(colon + 1));
        break;
      }
    }
  }
  if (!model.empty()) return model;
  if (!fallback.empty()) return fallback;
  return kUnknown;
}

std::vector<std::string> select_ai_cpu_features(const std::set<std::string>& flags) {
  std::vector<std::string> selected;
  for (const auto& feature : ai_relevant_cpu_features()) {
    if (flags.contains(feature)) selected.push_back(feature);
  }
  return selected;
}

void probe_cpu(Inventory& inventory, const std::filesystem::path& cpuinfo) {
  const auto text = read_text_file(cpuinfo);
  if (!text) return;
  inventory.cpu_model = parse_cpuinfo_model(*text);
  inventory.cpu_features = select_ai_cpu_features(parse_cpuinfo_flags(*text));
}

}  // namespace aicert
