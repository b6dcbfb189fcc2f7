// A folder shared by one run's workers for their fp64 references (reference_cache.h), so that
// the cases of one problem on every device compute one reference. certify keeps it at
// DIR/references, beside the journal, so that a killed run leaves it where the user looks (not
// gigabytes in /tmp) and --resume reuses it; run keeps it beside its report. Removed when the
// run ends; a folder the user already named in $AICERT_REFERENCE_CACHE_DIR is used and kept.
#pragma once

#include <string>

namespace aicert {

class SharedReferenceFolder {
 public:
  // Creates `folder` and names it in $AICERT_REFERENCE_CACHE_DIR, which the workers inherit.
  explicit SharedReferenceFolder(const std::string& folder);
  ~SharedReferenceFolder();
  SharedReferenceFolder(const SharedReferenceFolder&) = delete;
  SharedReferenceFolder& operator=(const SharedReferenceFolder&) = delete;

 private:
  std::string path_;  // empty: nothing of ours to remove
};

}  // namespace aicert
