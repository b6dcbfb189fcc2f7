// The two-level (memory, shared folder) LRU cache of fp64 references; see reference_cache.h.
#include "workloads/reference_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace aicert {

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'A', 'I', 'C', 'R', 'E', 'F', '0', '1'};
constexpr std::size_t kKeyBytes = 64;  // SHA-256 in hex

struct FileHeader {
  char magic[8];
  char key[kKeyBytes];
  std::uint64_t values = 0, magnitudes = 0;
  double growth = 0;
};

bool valid_key(const std::string& key) {
  return key.size() == kKeyBytes &&
         std::all_of(key.begin(), key.end(), [](char c) { return std::isxdigit(c) != 0; });
}

fs::path entry_path(const std::string& folder, const std::string& key) {
  return fs::path(folder) / (key + ".ref");
}

std::uint64_t env_mebibytes(const char* name, std::uint64_t fallback_bytes) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback_bytes;
  char* end = nullptr;
  errno = 0;
  const unsigned long long mib = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || mib > (1ull << 40)) {
    throw std::invalid_argument(std::string(name) + "=" + text +
                                ": expected a whole number of MiB (0 turns that level off)");
  }
  return static_cast<std::uint64_t>(mib) << 20;
}

std::uint64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemAvailable:") return static_cast<std::uint64_t>(kib * 1024.0);
    meminfo.ignore(1 << 10, '\n');
  }
  return static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) *
         static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

const char* reference_source_name(ReferenceCache::Source s) {
  switch (s) {
    case ReferenceCache::Source::computed: return "computed";
    case ReferenceCache::Source::memory: return "cached-in-memory";
    case ReferenceCache::Source::folder: return "cached-on-disk";
  }
  return "computed";
}

ReferenceCache::ReferenceCache(ReferenceCacheLimits limits) : limits_(std::move(limits)) {}

ReferenceCache::Lookup ReferenceCache::get_or_compute(const std::string& key,
                                                      const std::function<Reference()>& compute) {
  if (auto hit = find_in_memory(key)) return {hit, Source::memory};
  if (auto hit = read_from_folder(key)) {
    keep_in_memory(key, hit);
    return {hit, Source::folder};
  }
  auto computed = std::make_shared<const Reference>(compute());
  {
    std::lock_guard lock(mutex_);
    ++stats_.misses;
  }
  write_to_folder(key, *computed);
  keep_in_memory(key, computed);
  return {computed, Source::computed};
}

ReferenceCacheStats ReferenceCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::shared_ptr<const Reference> ReferenceCache::find_in_memory(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  ++stats_.memory_hits;
  return it->second->second;
}

void ReferenceCache::keep_in_memory(const std::string& key,
                                    std::shared_ptr<const Reference> reference) {
  const std::uint64_t bytes = reference->bytes();
  if (bytes > limits_.memory_bytes) return;  // would not fit even alone
  std::lock_guard lock(mutex_);
  if (index_.count(key)) return;
  lru_.emplace_front(key, std::move(reference));
  index_[key] = lru_.begin();
  stats_.memory_bytes += bytes;
  while (stats_.memory_bytes > limits_.memory_bytes) {
    const Entry& oldest = lru_.back();
    stats_.memory_bytes -= oldest.second->bytes();
    index_.erase(oldest.first);
    lru_.pop_back();
    ++stats_.memory_evictions;
  }
}

std::shared_ptr<const Reference> ReferenceCache::read_from_folder(const std::string& key) {
  if (limits_.folder.empty() || !valid_key(key)) return nullptr;
  const fs::path path = entry_path(limits_.folder, key);
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  FileHeader h{};
  if (!in.read(reinterpret_cast<char*>(&h), sizeof h) ||
      std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 ||
      std::memcmp(h.key, key.data(), kKeyBytes) != 0 || h.values > (1ull << 40) ||
      h.magnitudes != h.values) {
    return nullptr;
  }
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || size != sizeof h + (h.values + h.magnitudes) * sizeof(double)) return nullptr;
  auto r = std::make_shared<Reference>();
  r->growth = h.growth;
  r->value.resize(h.values);
  r->magnitude.resize(h.magnitudes);
  if (!in.read(reinterpret_cast<char*>(r->value.data()),
               static_cast<std::streamsize>(h.values * sizeof(double))) ||
      !in.read(reinterpret_cast<char*>(r->magnitude.data()),
               static_cast<std::streamsize>(h.magnitudes * sizeof(double)))) {
    return nullptr;
  }
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // most recently used now
  std::lock_guard lock(mutex_);
  ++stats_.folder_hits;
  return r;
}

void ReferenceCache::write_to_folder(const std::string& key, const Reference& r) {
  if (limits_.folder.empty() || !valid_key(key)) return;
  const std::uint64_t bytes = sizeof(FileHeader) + r.bytes();
  if (bytes > limits_.folder_bytes) return;
  static std::atomic<unsigned> counter{0};
  const fs::path final_path = entry_path(limits_.folder, key);
  const fs::path tmp = fs::path(limits_.folder) /
                       (key + ".tmp." + std::to_string(::getpid()) + "." +
                        std::to_string(counter++));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;  // the cache is an optimisation: a folder we cannot write costs time only
    FileHeader h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    std::memcpy(h.key, key.data(), kKeyBytes);
    h.values = r.value.size();
    h.magnitudes = r.magnitude.size();
    h.growth = r.growth;
    out.write(reinterpret_cast<const char*>(&h), sizeof h);
    out.write(reinterpret_cast<const char*>(r.value.data()),
              static_cast<std::streamsize>(r.value.size() * sizeof(double)));
    out.write(reinterpret_cast<const char*>(r.magnitude.data()),
              static_cast<std::streamsize>(r.magnitude.size() * sizeof(double)));
    if (!out.flush()) {
      out.close();
      std::error_code ec;
      fs::remove(tmp, ec);
      return;
    }
  }
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return;
  }
  // Evict the least recently used entries (oldest modification time) beyond the limit.
  struct File {
    fs::path path;
    fs::file_time_type used;
    std::uintmax_t size;
  };
  std::vector<File> files;
  std::uint64_t total = 0;
  for (const auto& e : fs::directory_iterator(limits_.folder, ec)) {
    if (e.path().extension() != ".ref") continue;
    std::error_code fec;
    File f{e.path(), e.last_write_time(fec), e.file_size(fec)};
    if (fec) continue;
    total += f.size;
    files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.used < b.used; });
  std::uint64_t evicted = 0;
  for (const File& f : files) {
    if (total <= limits_.folder_bytes) break;
    if (f.path == final_path) continue;
    std::error_code rec;
    if (fs::remove(f.path, rec)) {
      total -= f.size;
      ++evicted;
    }
  }
  std::lock_guard lock(mutex_);
  stats_.folder_evictions += evicted;
}

ReferenceCacheLimits reference_cache_limits_from_environment() {
  ReferenceCacheLimits l;
  l.memory_bytes = env_mebibytes("AICERT_REFERENCE_CACHE_MB",
                                 std::min<std::uint64_t>(available_memory_bytes() / 8, 2ull << 30));
  if (const char* dir = std::getenv("AICERT_REFERENCE_CACHE_DIR"); dir != nullptr && *dir) {
    l.folder = dir;
    l.folder_bytes = env_mebibytes("AICERT_REFERENCE_CACHE_DIR_MB", 8ull << 30);
  }
  return l;
}

ReferenceCache& process_reference_cache() {
  static ReferenceCache cache(reference_cache_limits_from_environment());
  return cache;
}

}  // namespace aicert
