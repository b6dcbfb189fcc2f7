// The reference cache: least-recently-used eviction in memory and in a shared folder, entries
// that do not read back whole are recomputed, and eviction never changes a verdict.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "workloads/gemm_workload.h"
#include "workloads/reference_cache.h"
#include "workloads/sha256.h"

namespace aicert {
namespace {

namespace fs = std::filesystem;

std::string key_of(int i) { return sha256_hex("entry " + std::to_string(i)); }

// A reference of `elements` values all equal to `tag` (16 bytes per element).
Reference tagged(double tag, std::size_t elements = 64) {
  Reference r;
  r.value.assign(elements, tag);
  r.magnitude.assign(elements, tag * 2);
  r.growth = tag;
  return r;
}

class ReferenceCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("aicert-refcache-" + std::string(::testing::UnitTest::GetInstance()
                                                    ->current_test_info()
                                                    ->name()) +
               "-" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  // Looks `i` up, counting computations.
  ReferenceCache::Lookup get(ReferenceCache& cache, int i) {
    return cache.get_or_compute(key_of(i), [&] {
      ++computed_;
      return tagged(i);
    });
  }

  fs::path folder_;
  int computed_ = 0;
};

TEST_F(ReferenceCacheTest, ComputesOnceAndEvictsTheLeastRecentlyUsed) {
  ReferenceCache cache({2 * tagged(0).bytes(), "", 0});  // room for two
  EXPECT_EQ(get(cache, 1).source, ReferenceCache::Source::computed);
  EXPECT_EQ(get(cache, 2).source, ReferenceCache::Source::computed);
  EXPECT_EQ(get(cache, 1).source, ReferenceCache::Source::memory);  // 1 is now the newest
  EXPECT_EQ(get(cache, 3).source, ReferenceCache::Source::computed);  // evicts 2
  EXPECT_EQ(get(cache, 1).source, ReferenceCache::Source::memory);
  EXPECT_EQ(get(cache, 2).source, ReferenceCache::Source::computed);
  EXPECT_EQ(computed_, 4);
  const ReferenceCacheStats s = cache.stats();
  EXPECT_EQ(s.memory_evictions, 2u);
  EXPECT_EQ(s.memory_hits, 2u);
  EXPECT_EQ(s.misses, 4u);
  EXPECT_LE(s.memory_bytes, 2 * tagged(0).bytes());
  EXPECT_EQ(get(cache, 2).reference->value.front(), 2.0);
}

TEST_F(ReferenceCacheTest, AnEntryLargerThanTheLimitIsReturnedButNotKept) {
  ReferenceCache cache({tagged(0).bytes() - 1, "", 0});
  EXPECT_EQ(get(cache, 1).reference->growth, 1.0);
  EXPECT_EQ(get(cache, 1).source, ReferenceCache::Source::computed);
  EXPECT_EQ(cache.stats().memory_bytes, 0u);
}

TEST_F(ReferenceCacheTest, TheFolderIsSharedBetweenProcesses) {
  // Two caches on one folder stand for two worker processes of one certification.
  ReferenceCache first({0, folder_.string(), 1 << 20});
  ReferenceCache second({0, folder_.string(), 1 << 20});
  EXPECT_EQ(get(first, 7).source, ReferenceCache::Source::computed);
  const ReferenceCache::Lookup shared = get(second, 7);
  EXPECT_EQ(shared.source, ReferenceCache::Source::folder);
  EXPECT_EQ(shared.reference->value, tagged(7).value);
  EXPECT_EQ(shared.reference->magnitude, tagged(7).magnitude);
  EXPECT_EQ(shared.reference->growth, 7.0);
  EXPECT_EQ(computed_, 1);
  for (const auto& e : fs::directory_iterator(folder_)) {
    EXPECT_EQ(e.path().extension(), ".ref") << "a temporary file was left: " << e.path();
  }
}

TEST_F(ReferenceCacheTest, TheFolderEvictsTheLeastRecentlyUsedBeyondItsLimit) {
  const std::uint64_t entry = tagged(0).bytes() + 256;  // with its header, generously
  ReferenceCache cache({0, folder_.string(), 2 * entry});
  get(cache, 1);
  get(cache, 2);
  get(cache, 3);  // the folder now holds 2 and 3
  std::uint64_t total = 0;
  int files = 0;
  for (const auto& e : fs::directory_iterator(folder_)) {
    total += e.file_size();
    ++files;
  }
  EXPECT_EQ(files, 2);
  EXPECT_LE(total, 2 * entry);
  EXPECT_GE(cache.stats().folder_evictions, 1u);
  EXPECT_FALSE(fs::exists(folder_ / (key_of(1) + ".ref")));
  EXPECT_EQ(get(cache, 3).source, ReferenceCache::Source::folder);
}

TEST_F(ReferenceCacheTest, AnEntryThatDoesNotReadBackWholeIsRecomputed) {
  ReferenceCache writer({0, folder_.string(), 1 << 20});
  get(writer, 1);
  get(writer, 2);
  get(writer, 3);
  // A truncated entry (a full disk, a killed writer), one with another key inside, garbage.
  fs::resize_file(folder_ / (key_of(1) + ".ref"), fs::file_size(folder_ / (key_of(1) + ".ref")) - 8);
  fs::copy_file(folder_ / (key_of(3) + ".ref"), folder_ / (key_of(2) + ".ref"),
                fs::copy_options::overwrite_existing);
  std::ofstream(folder_ / (key_of(3) + ".ref"), std::ios::trunc) << "not a reference";
  ReferenceCache reader({0, folder_.string(), 1 << 20});
  computed_ = 0;
  for (int i : {1, 2, 3}) {
    const ReferenceCache::Lookup l = get(reader, i);
    EXPECT_EQ(l.source, ReferenceCache::Source::computed) << i;
    EXPECT_EQ(l.reference->value.front(), static_cast<double>(i));
  }
  EXPECT_EQ(computed_, 3);
}

TEST_F(ReferenceCacheTest, LimitsComeFromTheEnvironmentAndBadOnesAreNamed) {
  ::setenv("AICERT_REFERENCE_CACHE_MB", "3", 1);
  ::setenv("AICERT_REFERENCE_CACHE_DIR", folder_.c_str(), 1);
  ::setenv("AICERT_REFERENCE_CACHE_DIR_MB", "5", 1);
  ReferenceCacheLimits l = reference_cache_limits_from_environment();
  EXPECT_EQ(l.memory_bytes, 3u << 20);
  EXPECT_EQ(l.folder, folder_.string());
  EXPECT_EQ(l.folder_bytes, 5u << 20);
  ::setenv("AICERT_REFERENCE_CACHE_MB", "lots", 1);
  try {
    reference_cache_limits_from_environment();
    ADD_FAILURE() << "a malformed limit was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("AICERT_REFERENCE_CACHE_MB=lots"), std::string::npos);
  }
  ::unsetenv("AICERT_REFERENCE_CACHE_MB");
  ::unsetenv("AICERT_REFERENCE_CACHE_DIR");
  ::unsetenv("AICERT_REFERENCE_CACHE_DIR_MB");
  l = reference_cache_limits_from_environment();
  EXPECT_GT(l.memory_bytes, 0u);
  EXPECT_LE(l.memory_bytes, 2ull << 30);
  EXPECT_TRUE(l.folder.empty());
}

// The same checks through caches small enough to evict at every step, in memory and in a
// folder, give the very verdicts and metrics of references computed afresh.
TEST_F(ReferenceCacheTest, EvictionNeverChangesAVerdict) {
  struct Case {
    GemmSpec spec;
    bool corrupt;
  };
  std::vector<Case> cases;
  for (GemmLayout layout : {GemmLayout::NN, GemmLayout::NT, GemmLayout::TN}) {
    for (DType dtype : {DType::fp32, DType::bf16}) {
      for (bool corrupt : {false, true}) {
        GemmSpec s;
        s.m = 37;
        s.n = 29;
        s.k = 101;
        s.beta = corrupt ? 0.5 : 0.0;
        s.layout = layout;
        s.dtype = dtype;
        cases.push_back({s, corrupt});
      }
    }
  }
  const std::uint64_t one = 37u * 29u * 16u;
  ReferenceCache tiny_memory({one, "", 0});
  ReferenceCache tiny_folder({0, folder_.string(), one + 4096});
  for (int round = 0; round < 3; ++round) {  // later rounds hit, miss and evict in turn
    for (const Case& c : cases) {
      const HostTensors in = make_gemm_tensors(c.spec, 9);
      HostTensors out = in;
      const Reference fresh = gemm_reference(c.spec, in);
      Tensor& o = out.at("C");
      for (std::size_t i = 0; i < fresh.value.size(); ++i) {
        store_from_float(o.data(), o.dtype, i, static_cast<float>(fresh.value[i]));
      }
      if (c.corrupt) store_from_float(o.data(), o.dtype, 100, load_as_float(o.data(), o.dtype, 100) + 0.25f);
      const CheckResult expected = check_gemm_against(c.spec, fresh, out);
      const std::string key = gemm_reference_key(c.spec, in);
      for (ReferenceCache* cache : {&tiny_memory, &tiny_folder}) {
        const auto l = cache->get_or_compute(key, [&] { return gemm_reference(c.spec, in); });
        const CheckResult got = check_gemm_against(c.spec, *l.reference, out);
        EXPECT_EQ(got.passed, expected.passed);
        EXPECT_EQ(got.passed, !c.corrupt) << layout_name(c.spec.layout);
        EXPECT_EQ(got.wrong_count, expected.wrong_count);
        EXPECT_EQ(got.max_abs_error, expected.max_abs_error);
        EXPECT_EQ(got.nmse, expected.nmse);
        EXPECT_EQ(got.worst_index, expected.worst_index);
      }
    }
  }
  EXPECT_GT(tiny_memory.stats().memory_evictions, 0u);
  EXPECT_GT(tiny_folder.stats().folder_evictions, 0u);
}

}  // namespace
}  // namespace aicert
