// Attention workload: seeded Q, K, V, the fp64 streaming reference and the check of O.
//
// Tolerance (DESIGN.md, "bound each element by what rounding can explain", per output row):
//   |O - R| <= c * (u_acc * G_row * (|P|.|V|) + u_out * |R|) + tiny
// with P the exact softmax weights of the row and (|P|.|V|)_d = sum_j P_j |V_jd|. An error e in
// a logit changes its weight by the factor exp(e), so logit errors count relative to the row's
// largest logit magnitude L_row = max_j scale * sum_d |q_d||k_jd|: fp32 dot products of length
// D (sqrt(D)), the scaling, the max subtraction and exp (about 4 more roundings of a number of
// size L_row); the sums over Sk keys add sqrt(Sk) + 4 (weights, their sum, the division):
//   G_row = (sqrt(D) + 4) * L_row + sqrt(Sk) + 4 + u_in / u_acc.
// The last term is P rounded to the input type (u_in) before P.V, as every fp16/bf16 flash
// kernel does (FlashAttention-2 and -3, cuDNN): an error of u_in in each weight moves the output
// by u_in * (|P|.|V|). A certification must accept what the vendors' kernels do; a checker that
// allowed only fp32 P would fail all of them (and bf16 outputs already round at 2^-8 |R|).
// The report records g = the largest G_row of the case; each element's magnitude carries its
// row's share G_row / g, so the product is exactly the bound above. c = 3 as for GEMM.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/attention_spec.h"
#include "workloads/check_result.h"
#include "workloads/host_tensors.h"
#include "workloads/reference.h"
#include "workloads/reference_cache.h"
#include "workloads/workload.h"

namespace aicert {

// Tensors "Q" [B,Hq,Sq,D], "K" and "V" [B,Hkv,Sk,D] (seeded, rounded to spec.dtype) and the
// output "O" [B,Hq,Sq,D].
HostTensors make_attention_tensors(const AttentionSpec& spec, std::uint64_t seed);

// value: O in fp64; magnitude: (|P|.|V|) * G_row / growth; growth: the largest G_row.
using AttentionReference = Reference;

// fp64 reference from the (rounded) inputs. Per query row, keys are streamed in tiles with an
// online (running max and sum) softmax: O(D) state per row, O(Sk*D) per head for the widened
// K and V, never an Sq x Sk matrix. Multithreaded over rows; cost about 4*B*Hq*Sq*Sk*D.
AttentionReference attention_reference(const AttentionSpec& spec, const HostTensors& inputs);

// Identity of the reference's inputs: SHA-256 over the spec's logical problem and Q, K, V.
std::string attention_reference_key(const AttentionSpec& spec, const HostTensors& inputs);

// The reference of these inputs from the process's reference cache (computed on a miss).
ReferenceCache::Lookup cached_attention_reference(const AttentionSpec& spec,
                                                  const HostTensors& inputs);

// c = 3, u_acc = 2^-24, u_out of the dtype, g = growth (see the header comment).
Tolerance attention_tolerance(const AttentionSpec& spec, double growth);

// Checks output "O" of `outputs` against a reference; a positive `c_override` replaces the
// safety factor c of attention_tolerance().
CheckResult check_attention_against(const AttentionSpec& spec, const Reference& reference,
                                    const HostTensors& outputs, double c_override = 0);

// The same with the (cached) reference of `inputs`.
CheckResult check_attention(const AttentionSpec& spec, const HostTensors& inputs,
                            const HostTensors& outputs, double c_override = 0);

// The attention workload's descriptor: shapes "B,Hq,Hkv,S,D[,Sk]", causal or full, fp32 fp16
// bf16; reports GFLOP/s of the unmasked pairs.
template <>
const Workload& descriptor_for<AttentionSpec>();

}  // namespace aicert
