// CPU model and the ISA extensions that matter for AI kernels (vector width, FMA, half and
// bfloat16 conversion, VNNI dot products, AMX tiles; NEON/SVE/SME on Arm), read from
// /proc/cpuinfo, which lists only what both the CPU and the kernel support.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reports/inventory.h"

namespace aicert {

// The AI-relevant feature names, in the order reports list them.
const std::vector<std::string>& ai_relevant_cpu_features();

// Flags of the first processor in a cpuinfo text ("flags" on x86, "Features" on Arm).
std::set<std::string> parse_cpuinfo_flags(std::string_view cpuinfo);

// Model of the first processor ("model name" on x86, "Model"/"cpu" elsewhere); kUnknown if none.
std::string parse_cpuinfo_model(std::string_view cpuinfo);

// The AI-relevant subset of flags, in ai_relevant_cpu_features() order.
std::vector<std::string> select_ai_cpu_features(const std::set<std::string>& flags);

// Fills cpu_model and cpu_features from a cpuinfo file; leaves them as they are if unreadable.
void probe_cpu(Inventory& inventory, const std::filesystem::path& cpuinfo = "/proc/cpuinfo");

}  // namespace aicert
