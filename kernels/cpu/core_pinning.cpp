// Core pinning of collective ranks through hwloc; see core_pinning.h.
#include "kernels/cpu/core_pinning.h"

#include <hwloc.h>

namespace aicert::cpu {

namespace {
std::string bitmap_text(hwloc_const_bitmap_t set) {
  char* text = nullptr;
  hwloc_bitmap_list_asprintf(&text, set);
  std::string s = text != nullptr ? text : "?";
  free(text);
  return s;
}
}  // namespace

CorePinning::CorePinning() {
  hwloc_topology_t topo = nullptr;
  if (hwloc_topology_init(&topo) != 0) {
    problem_ = "hwloc_topology_init failed";
    return;
  }
  if (hwloc_topology_load(topo) != 0) {
    hwloc_topology_destroy(topo);
    problem_ = "hwloc_topology_load failed";
    return;
  }
  topology_ = topo;
  hwloc_bitmap_t allowed = hwloc_bitmap_alloc();
  if (hwloc_get_cpubind(topo, allowed, HWLOC_CPUBIND_PROCESS) != 0) {
    hwloc_bitmap_copy(allowed, hwloc_topology_get_allowed_cpuset(topo));
  }
  const int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  for (int i = 0; i < n; ++i) {
    hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, static_cast<unsigned>(i));
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    hwloc_bitmap_and(set, core->cpuset, allowed);
    if (hwloc_bitmap_iszero(set)) {
      hwloc_bitmap_free(set);
      continue;
    }
    core_sets_.push_back(set);
    core_names_.push_back("core " + std::to_string(core->logical_index) + " (PU " +
                          bitmap_text(set) + ")");
  }
  hwloc_bitmap_free(allowed);
  if (core_sets_.empty()) problem_ = "hwloc found no core this process may run on";
}

CorePinning::~CorePinning() {
  for (void* s : core_sets_) hwloc_bitmap_free(static_cast<hwloc_bitmap_t>(s));
  if (topology_ != nullptr) hwloc_topology_destroy(static_cast<hwloc_topology_t>(topology_));
}

bool CorePinning::pin_current_thread(int index, std::string* why) const {
  if (core_sets_.empty()) {
    if (why) *why = problem_;
    return false;
  }
  const auto set = static_cast<hwloc_const_bitmap_t>(
      core_sets_[static_cast<std::size_t>(index) % core_sets_.size()]);
  if (hwloc_set_cpubind(static_cast<hwloc_topology_t>(topology_), set, HWLOC_CPUBIND_THREAD) != 0) {
    if (why) *why = "hwloc_set_cpubind to " + bitmap_text(set) + " failed";
    return false;
  }
  return true;
}

std::string CorePinning::describe(int ranks) const {
  if (core_sets_.empty()) return "not pinned: " + problem_;
  std::string s;
  for (int r = 0; r < ranks; ++r) {
    s += (r ? "; rank " : "rank ") + std::to_string(r) + " -> " +
         core_names_[static_cast<std::size_t>(r) % core_names_.size()];
  }
  return s;
}

}  // namespace aicert::cpu
