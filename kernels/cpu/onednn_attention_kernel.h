// cpu:onednn attention — the vendor row beside cpu:flash: O = softmax(scale * Q K^T [+ causal
// mask]) V through oneDNN primitives (matmul with the scale as output scale, a binary add of
// the -inf causal mask, softmax, matmul), the whole score matrix materialised in fp32 as an
// unfused implementation does (scratch_bytes() of it). Grouped-query heads need no copy: the
// Hq/Hkv query heads of one KV head are contiguous, so Q is viewed as [B, Hkv, (Hq/Hkv)*Sq, D].
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kernels/backend_api.h"
#include "kernels/cpu/impl_names.h"
#include "kernels/cpu/kernel_tensors.h"
#include "kernels/cpu/run_timer.h"
#include "workloads/attention_spec.h"

namespace aicert::cpu {

class OnednnAttentionKernel final : public Kernel {
 public:
  // Null with oneDNN's own reason in *why_not when it has no primitive for the case here.
  static std::unique_ptr<Kernel> make(const AttentionSpec& spec, int threads, std::string* why_not);
  // Host memory beyond the operands: the fp32 scores, the 16-bit probabilities, the mask.
  static double scratch_bytes(const AttentionSpec& spec);
  ~OnednnAttentionKernel() override;

  std::string_view impl() const override { return kOnednnImpl; }
  void upload(const HostTensors& tensors) override;
  void run() override;
  double elapsed_ms_since_last_sync() override { return timer_.take_ms(); }
  void download(HostTensors& tensors) override { tensors_.download(tensors); }

 private:
  struct Primitives;
  OnednnAttentionKernel(const AttentionSpec& spec, int threads, std::unique_ptr<Primitives> p);

  AttentionSpec spec_;
  int threads_;
  std::unique_ptr<Primitives> p_;
  KernelTensors tensors_;
  RunTimer timer_;
};

}  // namespace aicert::cpu
