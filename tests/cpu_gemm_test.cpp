// The cpu backend plugin, loaded with dlopen exactly as the harness loads it: its identity and
// device, and the GEMM implementations (cpu:blocked, cpu:cblas, cpu:onednn) on awkward shapes, every layout
// and dtype, alpha/beta variants, NaN in C with beta = 0, guards, a fault the checker must catch,
// and bitwise reproducibility (across runs and thread counts).
#include <cpuid.h>
#include <dlfcn.h>
#include <elf.h>
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "kernels/backend_api.h"
#include "kernels/cpu/fp16_bits.h"
#include "workloads/gemm_workload.h"

namespace aicert {
namespace {

constexpr const char* kPluginFile = AICERT_PLUGIN_DIR "/aicert-backend-cpu.so";

// The plugin, loaded once for the whole test program (never unloaded: OpenMP and OpenBLAS
// threads of the plugin may outlive a test).
struct Plugin {
  void* handle = nullptr;
  const PluginEntry* entry = nullptr;
  std::string error;

  static Plugin& get() {
    static Plugin p = load();
    return p;
  }

  static Plugin load() {
    Plugin p;
    p.handle = dlopen(kPluginFile, RTLD_NOW | RTLD_LOCAL);
    if (p.handle == nullptr) {
      p.error = std::string("dlopen(") + kPluginFile + "): " + dlerror();
      return p;
    }
    auto fn = reinterpret_cast<AicertPluginEntryFn>(dlsym(p.handle, AICERT_PLUGIN_ENTRY_SYMBOL));
    if (fn == nullptr) {
      p.error = std::string("no ") + AICERT_PLUGIN_ENTRY_SYMBOL + " in " + kPluginFile;
      return p;
    }
    p.entry = fn();
    return p;
  }
};

struct BackendDeleter {
  void operator()(Backend* b) const { Plugin::get().entry->destroy(b); }
};
using BackendPtr = std::unique_ptr<Backend, BackendDeleter>;

BackendPtr create_backend() {
  std::string why;
  Backend* b = Plugin::get().entry->create(&why);
  EXPECT_NE(b, nullptr) << why;
  return BackendPtr(b);
}

// The backend most tests share.
Backend& backend() {
  static BackendPtr b = create_backend();
  return *b;
}

// Sets an environment variable for one scope (the plugin reads its overrides in make()).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value.empty()) {
      unsetenv(name);
    } else {
      setenv(name, value.c_str(), 1);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Whether the OpenBLAS the plugin loaded exports a bf16 GEMM (looked up independently of it).
bool openblas_has_sbgemm() {
  void* lib = dlopen("libopenblas.so.0", RTLD_LAZY | RTLD_NOLOAD);
  if (lib == nullptr) return false;
  const bool has = dlsym(lib, "cblas_sbgemm") != nullptr;
  dlclose(lib);
  return has;
}

std::string isa_of_this_cpu() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
  return "generic";
}

bool cpu_runs_isa(const std::string& isa) {
  __builtin_cpu_init();
  if (isa == "avx512") return __builtin_cpu_supports("avx512f");
  if (isa == "avx512_bf16") {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
  }
  if (isa == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (isa == "amx_bf16") {
    // AMX in cpuid, and Linux lets the process use tile data (ARCH_REQ_XCOMP_PERM, 0x1023, of
    // XFEATURE_XTILEDATA, 18), as the plugin asks before it runs the kernel.
    // cpuid leaf 7 EDX bits 22 (AMX-BF16) and 24 (AMX-TILE); clang 14's __builtin_cpu_supports
    // does not know the "amx-*" names.
    unsigned a = 0, b = 0, c = 0, d = 0;
    const bool amx = __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 && (d >> 22 & 1u) != 0 &&
                     (d >> 24 & 1u) != 0;
    return __builtin_cpu_supports("avx512f") && amx && syscall(SYS_arch_prctl, 0x1023, 18) == 0;
  }
  return isa == "generic";
}

GemmSpec gemm(std::int64_t m, std::int64_t n, std::int64_t k, GemmLayout layout, DType dtype,
              double alpha = 1.0, double beta = 0.0) {
  GemmSpec s;
  s.m = m;
  s.n = n;
  s.k = k;
  s.layout = layout;
  s.dtype = dtype;
  s.alpha = alpha;
  s.beta = beta;
  return s;
}

std::unique_ptr<Kernel> make_kernel(Backend& b, const GemmSpec& s, const std::string& impl,
                                    std::string* why) {
  CaseSpec c;
  c.spec = s;
  c.seed = 7;
  return b.make(c, 0, impl, why);
}

void fill_nan(Tensor& t) {
  for (std::size_t i = 0; i < t.elements(); ++i) {
    store_from_float(t.data(), t.dtype, i, std::numeric_limits<float>::quiet_NaN());
  }
}

// Uploads the inputs, runs once and downloads C into a copy of them.
HostTensors run_once(Kernel& kernel, const HostTensors& inputs) {
  HostTensors outputs = inputs;
  kernel.upload(inputs);
  kernel.run();
  kernel.download(outputs);
  return outputs;
}

std::size_t touched_guards(const HostTensors& h) {
  std::size_t n = 0;
  for (const Tensor& t : h.tensors) n += t.buffer.touched_guard_bytes();
  return n;
}

bool same_bytes(const Tensor& x, const Tensor& y) {
  return x.buffer.total_bytes() == y.buffer.total_bytes() &&
         std::memcmp(x.buffer.whole(), y.buffer.whole(), x.buffer.total_bytes()) == 0;
}

// ---------------------------------------------------------------- the plugin and its device

// Names of the symbols an ELF shared object defines in its dynamic symbol table.
std::vector<std::string> exported_symbols(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> names;
  if (bytes.size() < sizeof(Elf64_Ehdr)) return names;
  const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(bytes.data());
  const auto* sections = reinterpret_cast<const Elf64_Shdr*>(bytes.data() + eh->e_shoff);
  for (int i = 0; i < eh->e_shnum; ++i) {
    if (sections[i].sh_type != SHT_DYNSYM) continue;
    const char* strings = bytes.data() + sections[sections[i].sh_link].sh_offset;
    const auto* syms = reinterpret_cast<const Elf64_Sym*>(bytes.data() + sections[i].sh_offset);
    for (std::size_t j = 0; j < sections[i].sh_size / sizeof(Elf64_Sym); ++j) {
      if (syms[j].st_shndx != SHN_UNDEF && ELF64_ST_BIND(syms[j].st_info) != STB_LOCAL) {
        names.emplace_back(strings + syms[j].st_name);
      }
    }
  }
  return names;
}

TEST(CpuPlugin, LoadsAndExportsOnlyItsEntry) {
  Plugin& p = Plugin::get();
  ASSERT_NE(p.entry, nullptr) << p.error;
  EXPECT_EQ(p.entry->api_version, kPluginApiVersion);
  EXPECT_STREQ(p.entry->backend_name, "cpu");
  // Nothing of the plugin, of the static workloads library or of std:: templates leaks out.
  EXPECT_EQ(exported_symbols(kPluginFile), std::vector<std::string>{AICERT_PLUGIN_ENTRY_SYMBOL});
}

TEST(CpuPlugin, DescribesTheHostCpu) {
  Backend& b = backend();
  EXPECT_EQ(b.name(), "cpu");
  EXPECT_NE(b.runtime_version().find("OpenBLAS"), std::string::npos) << b.runtime_version();
  const std::vector<DeviceInfo> devices = b.devices();
  ASSERT_EQ(devices.size(), 1u);
  const DeviceInfo& d = devices[0];
  EXPECT_EQ(d.index, 0);
  EXPECT_EQ(d.kind, "cpu");
  EXPECT_EQ(d.compute_units, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_GE(std::stoi(d.properties.at("threads")), 1);
  EXPECT_EQ(d.memory_bytes, static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                                static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)));
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  std::string model;
  while (model.empty() && std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) model = line.substr(line.find(':') + 2);
  }
  if (!model.empty()) {
    EXPECT_EQ(d.name, model);
  }
  ASSERT_TRUE(d.properties.count("gemm_isa"));
  EXPECT_EQ(d.properties.at("gemm_isa"), isa_of_this_cpu());
  EXPECT_TRUE(d.properties.count("gemm_blocking"));
  EXPECT_TRUE(d.properties.count("gemm_micro_tile"));
}

TEST(CpuPlugin, IsUnavailableWithABadThreadCount) {
  ScopedEnv env("AICERT_CPU_THREADS", "lots");
  std::string why;
  Backend* b = Plugin::get().entry->create(&why);
  EXPECT_EQ(b, nullptr);
  if (b != nullptr) Plugin::get().entry->destroy(b);
  EXPECT_NE(why.find("AICERT_CPU_THREADS"), std::string::npos) << why;
}

TEST(CpuPlugin, OffersBlockedCblasAndOnednnForGemm) {
  EXPECT_EQ(backend().implementations("gemm"),
            (std::vector<std::string>{"cpu:blocked", "cpu:cblas", "cpu:onednn"}));
  EXPECT_EQ(backend().implementations("attention"),
            (std::vector<std::string>{"cpu:flash", "cpu:onednn"}));
}

TEST(CpuPlugin, RefusesWhatItCannotRunWithAReason) {
  const GemmSpec s = gemm(8, 8, 8, GemmLayout::NN, DType::fp32);
  std::string why;
  CaseSpec c;
  c.spec = s;
  EXPECT_EQ(backend().make(c, 1, "cpu:blocked", &why), nullptr);
  EXPECT_NE(why.find("one device"), std::string::npos) << why;
  why.clear();
  EXPECT_EQ(backend().make(c, 0, "cpu:magic", &why), nullptr);
  EXPECT_NE(why.find("cpu:magic"), std::string::npos) << why;
  why.clear();
  {
    ScopedEnv env("AICERT_CPU_GEMM_ISA", "sse9");
    EXPECT_EQ(make_kernel(backend(), s, "cpu:blocked", &why), nullptr);
    EXPECT_NE(why.find("sse9"), std::string::npos) << why;
  }
  why.clear();
  {
    ScopedEnv env("AICERT_CPU_GEMM_BLOCKING", "12,0,32");
    EXPECT_EQ(make_kernel(backend(), s, "cpu:blocked", &why), nullptr);
    EXPECT_NE(why.find("MC,KC,NC"), std::string::npos) << why;
  }
  const GemmSpec fp8 = gemm(16, 16, 16, GemmLayout::NT, DType::fp8e4m3);
  for (const char* impl : {"cpu:blocked", "cpu:cblas", "cpu:onednn"}) {
    why.clear();
    EXPECT_EQ(make_kernel(backend(), fp8, impl, &why), nullptr) << impl;
    EXPECT_NE(why.find("no fp8 GEMM"), std::string::npos) << why;
  }
}

TEST(CpuPlugin, KernelReportsItsImplementationAndTimesItsRuns) {
  for (const char* impl : {"cpu:blocked", "cpu:cblas", "cpu:onednn"}) {
    const GemmSpec s = gemm(96, 80, 64, GemmLayout::NN, DType::fp32);
    std::string why;
    auto k = make_kernel(backend(), s, impl, &why);
    ASSERT_NE(k, nullptr) << why;
    EXPECT_EQ(k->impl(), impl);
    EXPECT_THROW(k->run(), std::exception);  // nothing uploaded yet
    HostTensors h = make_gemm_tensors(s, 3);
    EXPECT_THROW(k->download(h), std::exception);
    k->upload(h);
    EXPECT_EQ(k->elapsed_ms_since_last_sync(), 0.0);
    k->run();
    k->run();
    EXPECT_GT(k->elapsed_ms_since_last_sync(), 0.0);
    EXPECT_EQ(k->elapsed_ms_since_last_sync(), 0.0);  // handed over already
  }
}

TEST(CpuPlugin, RejectsTensorsThatDoNotFitTheCase) {
  const GemmSpec s = gemm(16, 16, 16, GemmLayout::NN, DType::fp32);
  const HostTensors other = make_gemm_tensors(gemm(16, 16, 17, GemmLayout::NN, DType::fp32), 3);
  for (const char* impl : {"cpu:blocked", "cpu:cblas", "cpu:onednn"}) {
    std::string why;
    auto k = make_kernel(backend(), s, impl, &why);
    ASSERT_NE(k, nullptr) << why;
    try {
      k->upload(other);
      ADD_FAILURE() << impl << " accepted a 16x17 A for a 16x16x16 case";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find("'A'"), std::string::npos) << e.what();
    }
    HostTensors good = make_gemm_tensors(s, 3);
    k->upload(good);
    k->run();
    HostTensors wrong = make_gemm_tensors(gemm(17, 16, 16, GemmLayout::NN, DType::fp32), 3);
    EXPECT_THROW(k->download(wrong), std::exception);
  }
}

TEST(CpuPlugin, Fp16AndBf16WideningIsExact) {
  for (std::uint32_t h = 0; h <= 0xffffu; ++h) {
    const auto bits = static_cast<std::uint16_t>(h);
    ASSERT_EQ(std::bit_cast<std::uint32_t>(cpu::fp16_bits_to_float(bits)),
              std::bit_cast<std::uint32_t>(fp16_to_float(bits)))
        << "fp16 0x" << std::hex << h;
    ASSERT_EQ(std::bit_cast<std::uint32_t>(cpu::bf16_bits_to_float(bits)),
              std::bit_cast<std::uint32_t>(bf16_to_float(bits)))
        << "bf16 0x" << std::hex << h;
  }
}

TEST(CpuPlugin, Bf16NarrowingMatchesTheReference) {
  // Every 16-bit high half with low halves that round down, to even, up, and carry; plus NaNs,
  // infinities and the overflow to Inf.
  for (std::uint32_t hi = 0; hi <= 0xffffu; ++hi) {
    for (std::uint32_t lo : {0x0000u, 0x0001u, 0x7fffu, 0x8000u, 0x8001u, 0xffffu}) {
      const float f = std::bit_cast<float>(hi << 16 | lo);
      ASSERT_EQ(cpu::float_to_bf16_bits(f), float_to_bf16(f))
          << "fp32 0x" << std::hex << (hi << 16 | lo);
    }
  }
}

// ---------------------------------------------------------------- GEMM correctness sweep

struct GemmCase {
  std::string impl;
  GemmSpec spec;
  bool nan_in_c = false;  // pre-fill C with NaN (meaningful with beta = 0)
  std::string isa;        // force a micro-kernel (cpu:blocked), empty: the plugin's choice
  std::string blocking;   // force block sizes "MC,KC,NC" (cpu:blocked), empty: the plugin's
};

std::string case_name(const GemmCase& c) {
  auto number = [](double x) {
    std::string s = std::to_string(x);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    for (char& ch : s) {
      if (ch == '-') ch = 'm';
      if (ch == '.') ch = 'p';
    }
    return s;
  };
  std::string name = c.impl.substr(4) + "_" + std::string(dtype_name(c.spec.dtype)) + "_" +
                     std::string(layout_name(c.spec.layout)) + "_" + std::to_string(c.spec.m) +
                     "x" + std::to_string(c.spec.n) + "x" + std::to_string(c.spec.k) + "_a" +
                     number(c.spec.alpha) + "_b" + number(c.spec.beta);
  if (c.nan_in_c) name += "_nanC";
  if (!c.isa.empty()) name += "_" + c.isa;
  if (!c.blocking.empty()) name += "_smallblocks";
  return name;
}

// gtest prints parameters with this (instead of their bytes) in failure messages.
void PrintTo(const GemmCase& c, std::ostream* os) { *os << case_name(c); }

// Whether oneDNN dispatches to avx512_core or a later ISA here (then it has bf16 kernels).
bool onednn_has_avx512_core() {
  return backend().runtime_version().find("dispatching to avx512_core") != std::string::npos;
}

// Whether CBLAS has the case's dtype; if not, make() must say why.
bool cblas_supports(DType t) {
  return t == DType::fp32 || (t == DType::bf16 && openblas_has_sbgemm());
}

void check_case(const GemmCase& c) {
  ScopedEnv isa("AICERT_CPU_GEMM_ISA", c.isa);
  ScopedEnv blocking("AICERT_CPU_GEMM_BLOCKING", c.blocking);
  std::string why;
  auto kernel = make_kernel(backend(), c.spec, c.impl, &why);
  if (c.impl == "cpu:cblas" && !cblas_supports(c.spec.dtype)) {
    EXPECT_EQ(kernel, nullptr);
    EXPECT_NE(why.find(c.spec.dtype == DType::fp16 ? "fp16" : "cblas_sbgemm"), std::string::npos)
        << why;
    return;
  }
  // oneDNN has fp32 everywhere and bf16 from avx512_core (the ISA the backend's runtime string
  // names); fp16 only where this oneDNN has CPU kernels for it. Elsewhere it refuses, in its
  // own words.
  if (c.impl == "cpu:onednn" && kernel == nullptr && c.spec.dtype != DType::fp32) {
    EXPECT_FALSE(c.spec.dtype == DType::bf16 && onednn_has_avx512_core()) << why;
    EXPECT_NE(why.find("oneDNN"), std::string::npos) << why;
    EXPECT_NE(why.find("has no " + std::string(dtype_name(c.spec.dtype)) + " matmul"),
              std::string::npos) << why;
    return;
  }
  ASSERT_NE(kernel, nullptr) << why;
  HostTensors inputs = make_gemm_tensors(c.spec, 11);
  if (c.nan_in_c) fill_nan(inputs.at("C"));
  const HostTensors outputs = run_once(*kernel, inputs);

  EXPECT_EQ(touched_guards(outputs), 0u);
  const CheckResult r = check_gemm(c.spec, inputs, outputs);
  EXPECT_TRUE(r.passed) << r.reason << " (wrong " << r.wrong_count << ", NaN " << r.nan_count
                        << ", worst index " << r.worst_index << ": " << r.worst_value << " vs "
                        << r.worst_reference << ", bound " << r.worst_bound << ")";
  EXPECT_EQ(r.nan_count, 0u);
  // The inputs are not written.
  EXPECT_TRUE(same_bytes(outputs.at("A"), inputs.at("A")));
  EXPECT_TRUE(same_bytes(outputs.at("B"), inputs.at("B")));
}

class GemmSweep : public ::testing::TestWithParam<GemmCase> {};
TEST_P(GemmSweep, MatchesTheFp64Reference) { check_case(GetParam()); }

std::vector<GemmCase> sweep_cases() {
  struct Shape {
    std::int64_t m, n, k;
  };
  // 7x1500x70: too few rows for the team, so threads split the columns.
  const Shape shapes[] = {{1, 1, 1},    {17, 33, 65},    {1000, 3, 7}, {5, 7, 0},
                          {64, 64, 64}, {257, 129, 300}, {7, 1500, 70}};
  const GemmLayout layouts[] = {GemmLayout::NN, GemmLayout::NT, GemmLayout::TN};
  const DType dtypes[] = {DType::fp32, DType::fp16, DType::bf16};
  struct Scale {
    double alpha, beta;
    bool nan_in_c;
  };
  const Scale scales[] = {{-1.5, 0.5, false}, {1.0, 1.0, false}, {2.0, 0.0, true}};
  std::vector<GemmCase> cases;
  for (const char* impl : {"cpu:blocked", "cpu:cblas", "cpu:onednn"}) {
    for (DType t : dtypes) {
      for (GemmLayout l : layouts) {
        for (const Shape& s : shapes) {
          cases.push_back({impl, gemm(s.m, s.n, s.k, l, t), false, "", ""});
        }
        for (const Scale& sc : scales) {
          for (const Shape& s : {Shape{17, 33, 65}, Shape{257, 129, 300}, Shape{9, 4, 0}}) {
            cases.push_back(
                {impl, gemm(s.m, s.n, s.k, l, t, sc.alpha, sc.beta), sc.nan_in_c, "", ""});
          }
        }
      }
    }
  }
  return cases;
}

// Every micro-kernel this CPU can run (not only the one the plugin picks), and tiny block
// sizes that drive every loop of the driver: several NC panels, KB panels of several KC
// sub-panels, several MC row blocks, ragged edges everywhere.
std::vector<GemmCase> kernel_cases() {
  std::vector<GemmCase> cases;
  for (const char* isa : {"generic", "avx2", "avx512", "avx512_bf16", "amx_bf16"}) {
    for (GemmLayout l : {GemmLayout::NN, GemmLayout::NT, GemmLayout::TN}) {
      for (DType t : {DType::fp32, DType::bf16}) {
        cases.push_back({"cpu:blocked", gemm(257, 129, 300, l, t, -1.5, 0.5), false, isa, ""});
        // K shallower than one pair, one AMX tile row (32) and a KC: the zero-padding of K.
        cases.push_back({"cpu:blocked", gemm(45, 70, 5, l, t, 1.0, 1.0), false, isa, ""});
        cases.push_back(
            {"cpu:blocked", gemm(61, 83, 97, l, t, 1.0, 0.0), true, isa, "24,16,64,48"});
      }
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Shapes, GemmSweep, ::testing::ValuesIn(sweep_cases()),
                         [](const auto& info) { return case_name(info.param); });

class GemmKernels : public ::testing::TestWithParam<GemmCase> {};
TEST_P(GemmKernels, MatchesTheFp64Reference) {
  if (!cpu_runs_isa(GetParam().isa)) GTEST_SKIP() << "this CPU has no " << GetParam().isa;
  check_case(GetParam());
}
INSTANTIATE_TEST_SUITE_P(MicroKernels, GemmKernels, ::testing::ValuesIn(kernel_cases()),
                         [](const auto& info) { return case_name(info.param); });

// ---------------------------------------------------------------- the checks can fail

// Flips the top mantissa bit of the largest |C| element: the checker must count it wrong.
void flip_one_element(Tensor& c) {
  std::size_t worst = 0;
  float largest = -1.0f;
  for (std::size_t i = 0; i < c.elements(); ++i) {
    const float v = std::fabs(load_as_float(c.data(), c.dtype, i));
    if (v > largest) {
      largest = v;
      worst = i;
    }
  }
  if (c.dtype == DType::fp32) {
    static_cast<std::uint32_t*>(c.data())[worst] ^= 1u << 22;
  } else {
    static_cast<std::uint16_t*>(c.data())[worst] ^= c.dtype == DType::bf16 ? 1u << 6 : 1u << 9;
  }
}

TEST(CpuGemmFaults, CheckerCatchesOneFlippedElementAndATouchedGuard) {
  for (const char* impl : {"cpu:blocked", "cpu:cblas", "cpu:onednn"}) {
    for (DType t : {DType::fp32, DType::fp16, DType::bf16}) {
      const GemmSpec s = gemm(67, 45, 129, GemmLayout::NT, t, 1.0, 0.5);
      std::string why;
      auto kernel = make_kernel(backend(), s, impl, &why);
      if (kernel == nullptr) {
        EXPECT_FALSE(std::string(impl) == "cpu:blocked") << why;
        continue;
      }
      const HostTensors inputs = make_gemm_tensors(s, 5);
      HostTensors outputs = run_once(*kernel, inputs);
      ASSERT_TRUE(check_gemm(s, inputs, outputs).passed) << impl << " " << dtype_name(t);

      HostTensors flipped = outputs;
      flip_one_element(flipped.at("C"));
      const CheckResult bad = check_gemm(s, inputs, flipped);
      EXPECT_FALSE(bad.passed) << impl << " " << dtype_name(t);
      EXPECT_EQ(bad.wrong_count, 1u) << impl << " " << dtype_name(t);

      HostTensors guard_hit = outputs;
      guard_hit.at("C").buffer.whole()[GuardedBuffer::payload_offset() - 1] ^= std::byte{1};
      EXPECT_FALSE(check_gemm(s, inputs, guard_hit).passed) << impl << " " << dtype_name(t);
    }
  }
}

// A second upload replaces the operands (the kernel computes on the new ones), and a failed
// upload leaves a kernel that refuses to run instead of one that reads freed buffers.
TEST(CpuGemmUpload, ReuploadComputesOnTheNewOperandsAndAFailedOneDisarms) {
  for (const char* impl : {"cpu:blocked", "cpu:cblas", "cpu:onednn"}) {
    const GemmSpec s = gemm(40, 24, 56, GemmLayout::TN, DType::fp32, 1.0, 0.5);
    std::string why;
    auto kernel = make_kernel(backend(), s, impl, &why);
    ASSERT_NE(kernel, nullptr) << why;
    run_once(*kernel, make_gemm_tensors(s, 1));
    const HostTensors second = make_gemm_tensors(s, 2);
    const HostTensors out = run_once(*kernel, second);
    EXPECT_TRUE(check_gemm(s, second, out).passed) << impl;
    if (std::string(impl) != "cpu:onednn") continue;
    EXPECT_THROW(kernel->upload(make_gemm_tensors(gemm(40, 24, 57, GemmLayout::TN, DType::fp32), 3)),
                 std::exception);
    EXPECT_THROW(kernel->run(), std::exception) << impl;
  }
}

// ---------------------------------------------------------------- reproducibility

TEST(CpuGemmRepeat, RunsAreBitwiseIdenticalAcrossRepeatsAndThreadCounts) {
  for (DType t : {DType::fp32, DType::bf16}) {
    const GemmSpec s = gemm(300, 200, 700, GemmLayout::NN, t, 1.0, 0.5);
    const HostTensors inputs = make_gemm_tensors(s, 9);
    for (const char* impl : {"cpu:blocked", "cpu:cblas", "cpu:onednn"}) {
      std::string why;
      auto kernel = make_kernel(backend(), s, impl, &why);
      if (kernel == nullptr) continue;  // cblas or oneDNN without bf16
      const HostTensors first = run_once(*kernel, inputs);
      const HostTensors second = run_once(*kernel, inputs);
      EXPECT_TRUE(same_bytes(first.at("C"), second.at("C"))) << impl << " " << dtype_name(t);
    }
    // Our kernel gives the same bits with one thread as with several (even on a one-core
    // machine the pool then has two threads, interleaved by the OS).
    const int cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
    ScopedEnv many("AICERT_CPU_THREADS", std::to_string(std::max(2, cpus)));
    BackendPtr parallel_backend = create_backend();
    ASSERT_NE(parallel_backend, nullptr);
    std::string why;
    auto all_threads = make_kernel(*parallel_backend, s, "cpu:blocked", &why);
    ASSERT_NE(all_threads, nullptr) << why;
    const HostTensors parallel = run_once(*all_threads, inputs);
    ScopedEnv one("AICERT_CPU_THREADS", "1");
    BackendPtr serial_backend = create_backend();
    ASSERT_NE(serial_backend, nullptr);
    EXPECT_EQ(serial_backend->devices()[0].properties.at("threads"), "1");
    auto one_thread = make_kernel(*serial_backend, s, "cpu:blocked", &why);
    ASSERT_NE(one_thread, nullptr) << why;
    const HostTensors serial = run_once(*one_thread, inputs);
    EXPECT_TRUE(same_bytes(parallel.at("C"), serial.at("C"))) << dtype_name(t);
  }
}

}  // namespace
}  // namespace aicert
