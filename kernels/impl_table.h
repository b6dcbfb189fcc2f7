// A backend's implementation table, in the spirit of oneDNN's implementation lists: one entry per
// (workload, implementation), each saying why it cannot run a case (or nothing) and how to build
// its kernel. A backend's implementations() and make() are derived from its table, so the list a
// run plans from and the factory it builds with cannot fall out of step.
//
// An entry is typed by the spec of its workload (impl_entry<GemmSpec>(...)); the table finds the
// entries of a case by the spec's alternative. Owner is the backend class: the entries' functions
// get it to reach its devices, pools and caches (define the table inside a member function of the
// backend, and its lambdas may use the backend's private members).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kernels/backend_api.h"

namespace aicert {

template <class Owner>
struct ImplEntry {
  std::string_view workload;  // the spec's kWorkload
  std::string_view impl;      // "cpu:blocked": the name cases and reports carry
  // "" when the entry can run the case on the device, else why not ("not supported: ...",
  // "invalid GEMM case: ..."): a not-supported result.
  std::function<std::string(Owner&, const CaseSpec&, int device)> unsupported_reason;
  // Builds the kernel of a case unsupported_reason accepted; throws on an API error. Where a
  // refusal is only known by trying (a vendor library finds no algorithm), it returns null with
  // the reason in *why_not.
  std::function<std::unique_ptr<Kernel>(Owner&, const CaseSpec&, int device,
                                        std::string* why_not)>
      create;
};

// An entry for the workload whose spec is Spec, from functions of that spec.
template <class Spec, class Owner>
ImplEntry<Owner> impl_entry(
    std::string_view impl, std::function<std::string(Owner&, const Spec&, int device)> why_not,
    std::function<std::unique_ptr<Kernel>(Owner&, const Spec&, int device, std::string* why_not)>
        create) {
  ImplEntry<Owner> e;
  e.workload = Spec::kWorkload;
  e.impl = impl;
  e.unsupported_reason = [f = std::move(why_not)](Owner& o, const CaseSpec& c, int device) {
    return f(o, std::get<Spec>(c.spec), device);
  };
  e.create = [f = std::move(create)](Owner& o, const CaseSpec& c, int device, std::string* why) {
    return f(o, std::get<Spec>(c.spec), device, why);
  };
  return e;
}

template <class Owner>
class ImplTable {
 public:
  ImplTable(std::string_view backend, std::vector<ImplEntry<Owner>> entries)
      : backend_(backend), entries_(std::move(entries)) {}

  // The implementations of a workload, in table order (empty for a workload it does not run).
  std::vector<std::string> implementations(std::string_view workload) const {
    std::vector<std::string> out;
    for (const auto& e : entries_) {
      if (e.workload == workload) out.emplace_back(e.impl);
    }
    return out;
  }

  // Backend::make() over the table: the entry of (the case's workload, impl), its refusal or its
  // kernel. A workload or implementation the table lacks is a refusal that names what it has.
  std::unique_ptr<Kernel> make(Owner& owner, const CaseSpec& spec, int device,
                               std::string_view impl, std::string* why_not) const {
    auto refuse = [&](std::string why) -> std::unique_ptr<Kernel> {
      if (why_not) *why_not = std::move(why);
      return nullptr;
    };
    const std::string_view workload = workload_name(spec.spec);
    const std::vector<std::string> offered = implementations(workload);
    if (offered.empty()) {
      return refuse("not supported: " + std::string(backend_) + " runs no " +
                    std::string(workload) + " workload");
    }
    for (const auto& e : entries_) {
      if (e.workload != workload || e.impl != impl) continue;
      if (std::string why = e.unsupported_reason(owner, spec, device); !why.empty()) {
        return refuse(std::move(why));
      }
      return e.create(owner, spec, device, why_not);
    }
    std::string list;
    for (const auto& i : offered) list += (list.empty() ? "" : ", ") + i;
    return refuse("not supported: " + std::string(backend_) + " has no " + std::string(workload) +
                  " implementation '" + std::string(impl) + "' (it has " + list + ")");
  }

 private:
  std::string_view backend_;
  std::vector<ImplEntry<Owner>> entries_;
};

}  // namespace aicert
