// A test-only backend plugin whose GEMM is deliberately wrong in known ways, so the tests can
// prove end to end that aicert's checker turns a wrong result into a `fail` (and exit code 1).
// Built as aicert-backend-cpu.so in a test folder and found first through AICERT_PLUGIN_PATH.
// Implementations: test:correct (plain loops, right), test:wrong-element (one element off),
// test:out-of-bounds (right values, one write past the end of C), test:throws (API error).
// Its device is a "cpu" unless $AICERT_TEST_DEVICE_KIND says otherwise, of unknown memory unless
// $AICERT_TEST_DEVICE_MEMORY says how much.
// Built with AICERT_TEST_PLUGIN_CRASHES it also offers test:crash (a segfault, as a driver bug
// would) and test:hang (never returns), for the crash isolation of aicert certify.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <thread>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "kernels/backend_api.h"

namespace aicert {
namespace {

class FaultyGemm final : public Kernel {
 public:
  FaultyGemm(GemmSpec spec, std::string impl) : spec_(spec), impl_(std::move(impl)) {}
  std::string_view impl() const override { return impl_; }

  void upload(const HostTensors& t) override {
    for (const auto& tensor : t.tensors) {
      const auto* src = tensor.buffer.whole();
      device_.emplace_back(src, src + tensor.buffer.total_bytes());
    }
  }

  void run() override {
    if (impl_ == "test:crash") {
      std::fprintf(stderr, "faulty backend: dereferencing a bad pointer now\n");
      std::fflush(stderr);
      std::raise(SIGSEGV);
    }
    if (impl_ == "test:hang") {
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    const auto start = std::chrono::steady_clock::now();
    const std::size_t off = GuardedBuffer::payload_offset();
    const void* a = device_[0].data() + off;
    const void* b = device_[1].data() + off;
    void* c = device_[2].data() + off;
    const DType t = spec_.dtype;
    for (std::int64_t i = 0; i < spec_.m; ++i) {
      for (std::int64_t j = 0; j < spec_.n; ++j) {
        float acc = 0;
        for (std::int64_t p = 0; p < spec_.k; ++p) {
          const std::size_t ai = spec_.a_transposed() ? p * spec_.m + i : i * spec_.k + p;
          const std::size_t bi = spec_.b_transposed() ? j * spec_.k + p : p * spec_.n + j;
          acc += load_as_float(a, t, ai) * load_as_float(b, t, bi);
        }
        const std::size_t ci = i * spec_.n + j;
        const float c0 = spec_.beta == 0 ? 0.0f : load_as_float(c, t, ci);
        store_from_float(c, t, ci, static_cast<float>(spec_.alpha * acc + spec_.beta * c0));
      }
    }
    const std::size_t elements = static_cast<std::size_t>(spec_.m * spec_.n);
    if (impl_ == "test:wrong-element") {
      const std::size_t victim = elements / 2;
      store_from_float(c, t, victim, load_as_float(c, t, victim) + 1.0f);
    } else if (impl_ == "test:out-of-bounds") {
      std::memset(static_cast<std::byte*>(c) + elements * dtype_size(t), 0, dtype_size(t));
    }
    elapsed_ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                             start).count();
  }

  double elapsed_ms_since_last_sync() override {
    const double ms = elapsed_ms_;
    elapsed_ms_ = 0;
    return ms;
  }

  void download(HostTensors& t) override {
    for (std::size_t i = 0; i < t.tensors.size(); ++i) {
      if (t.tensors[i].is_output) {
        std::memcpy(t.tensors[i].buffer.whole(), device_[i].data(), device_[i].size());
      }
    }
  }

 private:
  GemmSpec spec_;
  std::string impl_;
  std::vector<std::vector<std::byte>> device_;
  double elapsed_ms_ = 0;
};

class FaultyBackend final : public Backend {
 public:
  std::string_view name() const override { return "cpu"; }
  std::string runtime_version() const override { return "faulty test backend"; }
  std::vector<DeviceInfo> devices() override {
    DeviceInfo d;
    d.name = "faulty test device";
    // $AICERT_TEST_DEVICE_KIND=accelerator makes the harness treat it as off the host (the
    // reference then runs during the timed repetitions), as it does a GPU.
    const char* kind = std::getenv("AICERT_TEST_DEVICE_KIND");
    d.kind = kind != nullptr && *kind ? kind : "cpu";
    // $AICERT_TEST_DEVICE_MEMORY (bytes) gives it that little memory (0: unknown).
    if (const char* memory = std::getenv("AICERT_TEST_DEVICE_MEMORY")) {
      d.memory_bytes = std::strtoull(memory, nullptr, 10);
    }
    return {d};
  }
  std::vector<std::string> implementations(std::string_view workload) const override {
    if (workload != "gemm") return {};
#ifdef AICERT_TEST_PLUGIN_CRASHES
    return {"test:correct", "test:crash", "test:hang", "test:wrong-element"};
#else
    return {"test:correct", "test:wrong-element", "test:out-of-bounds", "test:throws"};
#endif
  }
  std::unique_ptr<Kernel> make(const CaseSpec& spec, int, std::string_view impl,
                               std::string* why_not) override {
    const auto* gemm = std::get_if<GemmSpec>(&spec.spec);
    if (gemm == nullptr) {
      *why_not = "not a GEMM";
      return nullptr;
    }
    if (impl == "test:throws") throw std::runtime_error("testDeviceAlloc: OUT_OF_MEMORY");
    return std::make_unique<FaultyGemm>(*gemm, std::string(impl));
  }
};

Backend* create(std::string*) { return new FaultyBackend(); }
void destroy(Backend* b) { delete b; }

}  // namespace
}  // namespace aicert

extern "C" __attribute__((visibility("default"))) const aicert::PluginEntry*
aicert_plugin_entry() {
  static const aicert::PluginEntry entry{AICERT_TEST_PLUGIN_API_VERSION, "cpu", &aicert::create,
                                         &aicert::destroy};
  return &entry;
}
