// A bounded cache of fp64 references, keyed by the identity of their inputs (each workload's
// *_reference_key), so that the cases of one problem share one reference: every implementation,
// layout, device and repeat of it.
//
// Two levels, each least-recently-used and bounded in bytes:
//  - memory, in this process (a worker runs the cases of one device);
//  - optionally a folder shared by the processes of one run (`aicert certify` makes one for its
//    workers and names it in $AICERT_REFERENCE_CACHE_DIR), so that the cases of eight devices
//    run by eight workers compute one reference. Files are written under a temporary name and
//    renamed, so a reader sees a whole entry or none; an entry that does not read back whole
//    (truncated, another key, another size) is ignored and recomputed.
// Eviction only ever costs a recomputation: the same key always yields the same reference.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "workloads/reference.h"

namespace aicert {

struct ReferenceCacheLimits {
  std::uint64_t memory_bytes = 0;  // 0: no memory level
  std::string folder;              // empty: no shared level
  std::uint64_t folder_bytes = 0;
};

struct ReferenceCacheStats {
  std::uint64_t memory_hits = 0, folder_hits = 0, misses = 0;
  std::uint64_t memory_evictions = 0, folder_evictions = 0;
  std::uint64_t memory_bytes = 0;  // held now
};

class ReferenceCache {
 public:
  // Where a reference came from, for the report.
  enum class Source { computed, memory, folder };
  struct Lookup {
    std::shared_ptr<const Reference> reference;
    Source source = Source::computed;
  };

  explicit ReferenceCache(ReferenceCacheLimits limits);

  // The reference stored under `key`, or compute() stored under it. Thread-safe; compute runs
  // outside the lock.
  Lookup get_or_compute(const std::string& key, const std::function<Reference()>& compute);

  ReferenceCacheStats stats() const;
  const ReferenceCacheLimits& limits() const { return limits_; }

 private:
  std::shared_ptr<const Reference> find_in_memory(const std::string& key);
  void keep_in_memory(const std::string& key, std::shared_ptr<const Reference> reference);
  std::shared_ptr<const Reference> read_from_folder(const std::string& key);
  void write_to_folder(const std::string& key, const Reference& reference);

  ReferenceCacheLimits limits_;
  mutable std::mutex mutex_;
  using Entry = std::pair<std::string, std::shared_ptr<const Reference>>;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  ReferenceCacheStats stats_;
};

// The process's cache: memory level of $AICERT_REFERENCE_CACHE_MB MiB (default an eighth of
// the memory available at first use, at most 2 GiB; 0 turns it off), shared folder
// $AICERT_REFERENCE_CACHE_DIR of at most $AICERT_REFERENCE_CACHE_DIR_MB MiB (default 8 GiB).
ReferenceCache& process_reference_cache();

// The limits process_reference_cache() uses, from the environment.
ReferenceCacheLimits reference_cache_limits_from_environment();

const char* reference_source_name(ReferenceCache::Source s);

}  // namespace aicert
