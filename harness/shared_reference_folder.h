// A folder shared by one run's workers for their fp64 references (reference_cache.h), so that
// the cases of one problem on every device compute one reference. certify keeps it at
// DIR/references, beside the journal, so that a killed run leaves it where the user looks (not
// gigabytes in /tmp) and --resume reuses it; run makes a fresh one beside its report. Removed
// when the run ends, but never a folder this run did not make (a user's own folder named like
// it is left alone); a folder the user named in $AICERT_REFERENCE_CACHE_DIR is used and kept.
#pragma once

#include <string>

namespace aicert {

class SharedReferenceFolder {
 public:
  // Uses `folder`, certify's DIR/references inside its own output folder (created when
  // missing, removed at the end), and names it in $AICERT_REFERENCE_CACHE_DIR, which the
  // workers inherit.
  explicit SharedReferenceFolder(const std::string& folder);
  // A new folder named `<report>.references.XXXXXX` (mkdtemp), removed at the end.
  static SharedReferenceFolder fresh_beside(const std::string& report);
  ~SharedReferenceFolder();
  SharedReferenceFolder(SharedReferenceFolder&& other) noexcept;
  SharedReferenceFolder(const SharedReferenceFolder&) = delete;
  SharedReferenceFolder& operator=(const SharedReferenceFolder&) = delete;
  SharedReferenceFolder& operator=(SharedReferenceFolder&&) = delete;

 private:
  SharedReferenceFolder() = default;
  void adopt(const std::string& path);

  std::string path_;  // empty: nothing of ours to remove
};

}  // namespace aicert
