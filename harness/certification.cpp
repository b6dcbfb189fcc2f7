// Thresholds, waivers and the certification verdict; see certification.h.
#include "harness/certification.h"

#include <fnmatch.h>
#include <strings.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "harness/text_join.h"
#include "reports/roofline.h"
#include "workloads/workload_registry.h"

namespace aicert {

namespace {

bool glob(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

bool failed(Verdict v) {
  return v == Verdict::fail || v == Verdict::crash || v == Verdict::timeout || v == Verdict::error;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

const char* kind_name(ThresholdKind k) {
  switch (k) {
    case ThresholdKind::absolute:
      return "absolute";
    case ThresholdKind::fraction_of_peak:
      return "fraction-of-peak";
    case ThresholdKind::fraction_of_roofline:
      return "fraction-of-roofline";
    case ThresholdKind::baseline:
      return "baseline";
  }
  return "?";
}

class Judge {
 public:
  Judge(Report& report, const Profile& profile, const Report* baseline)
      : report_(report), profile_(profile) {
    if (baseline != nullptr) {
      for (const auto& c : baseline->cases) baseline_.emplace(c.id, &c);
    }
  }

  void thresholds() {
    for (CaseResult& c : report_.cases) {
      const ProfileTest* test = find_test(c.test_id);
      if (test == nullptr || c.verdict != Verdict::pass) continue;
      for (const ProfileThreshold& th : test->thresholds) {
        if (auto outcome = evaluate(th, c)) c.thresholds.push_back(std::move(*outcome));
      }
      const std::string lowest = profile_.tiers.empty() ? "" : profile_.tiers.front();
      for (const auto& t : c.thresholds) {
        if (t.tier == lowest && t.status == "missed") {
          c.verdict = Verdict::fail;
          c.reason = "below the " + t.tier + " tier: " + t.description + ", measured " +
                     number(t.measured) + " " + t.unit;
          break;
        }
      }
    }
  }

  // A passed case the device throttled for a kind the profile fails on (after thresholds: a
  // threshold's outcome is still recorded on it).
  void telemetry() {
    if (profile_.telemetry_fail_on.empty()) return;
    for (CaseResult& c : report_.cases) {
      if (c.verdict != Verdict::pass || !c.telemetry || !c.telemetry->throttled) continue;
      std::string hits;
      for (const std::string& why : c.telemetry->throttle_reasons) {
        const std::string kind = why.substr(0, why.find(':'));
        if (std::find(profile_.telemetry_fail_on.begin(), profile_.telemetry_fail_on.end(),
                      kind) != profile_.telemetry_fail_on.end()) {
          hits += (hits.empty() ? "" : "; ") + why;
        }
      }
      if (hits.empty()) continue;
      c.verdict = Verdict::fail;
      c.reason = "throttled while timed (" + hits + "): the profile fails cases on " +
                 join(profile_.telemetry_fail_on, " ");
    }
  }

  void waivers(std::string_view today) {
    for (CaseResult& c : report_.cases) {
      if (!failed(c.verdict)) continue;
      for (const ProfileWaiver& w : profile_.waivers) {
        if (std::find(w.tests.begin(), w.tests.end(), c.test_id) == w.tests.end() ||
            !glob(w.cases, c.id)) {
          continue;
        }
        if (w.expires < today) {
          c.reason += " (waiver " + w.id + " expired on " + w.expires + ", not applied)";
          continue;
        }
        c.reason = "waived by " + w.id + " until " + w.expires + " (" + w.reason + "); was " +
                   std::string(verdict_name(c.verdict)) + ": " + c.reason;
        c.verdict = Verdict::waived;
        c.waiver = w.id;
        break;
      }
    }
  }

  Certification verdict(const std::vector<std::string>& plan_notes,
                        const std::vector<std::string>& inapplicable_tests) const {
    Certification cert;
    for (const auto& t : profile_.tiers) cert.tiers.push_back({t, true, ""});
    std::vector<std::string> failures;
    std::map<std::string, int> ran;  // blocker test id -> cases that ran to a verdict
    for (const CaseResult& c : report_.cases) {
      if (!c.blocker) continue;
      if (c.verdict == Verdict::pass || c.verdict == Verdict::waived || failed(c.verdict)) {
        ++ran[c.test_id];
      }
      if (failed(c.verdict)) {
        failures.push_back(c.id + ": " + std::string(verdict_name(c.verdict)) + ": " + c.reason);
      }
      for (const auto& t : c.thresholds) {
        if (t.status != "missed") continue;
        for (auto& tier : cert.tiers) {
          if (tier.id == t.tier && tier.met) {
            tier.met = false;
            tier.reason =
                c.id + ": " + t.description + ", measured " + number(t.measured) + " " + t.unit;
          }
        }
      }
    }
    std::vector<std::string> unrun;
    for (const ProfileTest& t : profile_.tests) {
      const bool inapplicable = std::find(inapplicable_tests.begin(), inapplicable_tests.end(),
                                          t.id) != inapplicable_tests.end();
      if (t.blocker && ran[t.id] == 0 && !inapplicable) unrun.push_back(t.id);
    }
    for (std::size_t i = 0; i < cert.tiers.size(); ++i) {
      if (!cert.tiers[i].met) break;
      cert.highest_tier = cert.tiers[i].id;
    }

    if (!failures.empty()) {
      cert.verdict = "NOT CERTIFIED";
      cert.reasons.push_back(std::to_string(failures.size()) + " blocker case(s) failed");
      for (std::size_t i = 0; i < failures.size() && i < 10; ++i)
        cert.reasons.push_back(failures[i]);
    } else if (!unrun.empty()) {
      cert.verdict = "INCOMPLETE";
      for (const auto& id : unrun) {
        cert.reasons.push_back("blocker test " + id + " ran no case on this machine");
      }
    } else {
      cert.verdict = "CERTIFIED";
      cert.reasons.push_back(
          "every blocker case passed" +
          (cert.highest_tier.empty() ? std::string() : "; highest tier met: " + cert.highest_tier));
    }
    for (const auto& n : plan_notes) cert.reasons.push_back(n);
    return cert;
  }

 private:
  const ProfileTest* find_test(const std::string& id) const {
    for (const auto& t : profile_.tests) {
      if (t.id == id) return &t;
    }
    return nullptr;
  }

  bool device_matches(const DeviceMatch& m, const CaseResult& c) const {
    if (!m.name_pattern.empty() && !glob(m.name_pattern, c.device_name)) return false;
    if (!m.pci_vendor && !m.pci_device) return true;
    for (const auto& d : report_.inventory.devices) {
      if (d.backend != c.backend || d.index != c.device || d.pci_bus_id.empty()) continue;
      for (const auto& p : report_.inventory.pci_devices) {
        if (strcasecmp(p.bus_id.c_str(), d.pci_bus_id.c_str()) != 0) continue;
        return (!m.pci_vendor || *m.pci_vendor == p.vendor_id) &&
               (!m.pci_device || *m.pci_device == p.device_id);
      }
    }
    return false;  // a device with no PCI identity is not of a PCI-matched class
  }

  // Whether `other` passed and is the very same case as c (workload, shape with its layout,
  // dtype) on the same device, whatever its implementation.
  static bool same_case_passed(const CaseResult& other, const CaseResult& c) {
    return other.verdict == Verdict::pass && other.backend == c.backend &&
           other.device == c.device &&
           workload_name(other.spec.spec) == workload_name(c.spec.spec) &&
           workload_shape(other.spec.spec) == workload_shape(c.spec.spec) &&
           workload_dtype(other.spec.spec) == workload_dtype(c.spec.spec);
  }

  // What thresholds measure: the figure of the case's workload (case_result.h).
  static double metric(const CaseResult& c) { return case_figure(c); }

  // The outcome of one threshold on one passed case, or nothing when it does not apply.
  std::optional<ThresholdOutcome> evaluate(const ProfileThreshold& th, const CaseResult& c) const {
    const Workload& w = workload_of(c.spec.spec);
    if (th.min_message_bytes > 0) {
      const std::optional<Bandwidth> moved = w.bandwidth(c.spec.spec, 1.0);
      if (moved && moved->bytes < th.min_message_bytes) return std::nullopt;
    }
    const std::string unit(figure_unit(w.figure()));
    ThresholdOutcome o;
    o.tier = th.tier;
    o.kind = kind_name(th.kind);
    switch (th.kind) {
      case ThresholdKind::absolute: {
        if (!device_matches(th.match, c)) return std::nullopt;
        const double limit = th.min_figure;
        o.description = "at least " + number(limit) + " " + unit;
        o.unit = unit;
        o.limit = limit;
        o.measured = metric(c);
        o.status = o.measured >= limit ? "met" : "missed";
        return o;
      }
      case ThresholdKind::fraction_of_peak: {
        // The peak is the best implementation of the very same case (shape, layout, dtype) on
        // the same device: "how close does this kernel come to the best one here".
        double peak = 0;
        std::string peak_id;
        for (const auto& other : report_.cases) {
          if (!same_case_passed(other, c) || !glob(th.peak_impl, other.impl)) continue;
          if (metric(other) > peak) peak = metric(other), peak_id = other.id;
        }
        o.description = "at least " + number(100 * th.fraction) + "% of the peak (" +
                        (peak_id.empty() ? "none measured" : peak_id) + ")";
        o.unit = "%";
        o.limit = 100 * th.fraction;
        o.measured = peak > 0 ? 100 * metric(c) / peak : 0;
        o.status =
            peak > 0 ? (metric(c) >= th.fraction * peak ? "met" : "missed") : "not-evaluated";
        return o;
      }
      case ThresholdKind::fraction_of_roofline: {
        o.unit = "%";
        o.limit = 100 * th.fraction;
        o.description = "at least " + number(100 * th.fraction) + "% of the device's roofline";
        std::string why;
        const std::optional<CaseRoofline> roof = roofline_of(c, report_.cases, &why);
        if (!roof) {
          o.description += " (" + why + ")";
          o.status = "not-evaluated";
          return o;
        }
        // The best implementation of the very same case on the device, unless each is judged.
        const CaseResult* best = &c;
        for (const auto& other : report_.cases) {
          if (th.roofline_each_implementation) break;
          if (same_case_passed(other, c) && metric(other) > metric(*best)) best = &other;
        }
        o.description += " (" + number(roof->roofline_gflops) + " GFLOP/s, " + roof->bound +
                         "-bound: " +
                         (roof->bound == "compute" ? roof->compute_case : roof->bandwidth_case) +
                         (best == &c ? std::string() : "; best implementation " + best->id) + ")";
        o.measured = 100 * metric(*best) / roof->roofline_gflops;
        o.status = metric(*best) >= th.fraction * roof->roofline_gflops ? "met" : "missed";
        return o;
      }
      case ThresholdKind::baseline: {
        o.unit = "%";
        o.limit = -th.max_regression_pct;
        o.description =
            "no more than " + number(th.max_regression_pct) + "% slower than the baseline";
        const auto it = baseline_.find(c.id);
        if (it == baseline_.end() || metric(*it->second) <= 0) {
          o.description += baseline_.empty() ? " (no --baseline given)" : " (not in the baseline)";
          o.status = "not-evaluated";
          return o;
        }
        o.measured = 100 * (metric(c) / metric(*it->second) - 1);
        o.status = o.measured >= o.limit ? "met" : "missed";
        return o;
      }
    }
    return std::nullopt;
  }

  Report& report_;
  const Profile& profile_;
  std::map<std::string, const CaseResult*> baseline_;
};

}  // namespace

void judge_certification(Report& report, const Profile& profile, const Report* baseline,
                         const std::vector<std::string>& plan_notes, std::string_view today,
                         const std::vector<std::string>& inapplicable_tests) {
  attach_rooflines(report);  // recomputed from the cases: what the thresholds below judge by
  Judge judge(report, profile, baseline);
  judge.thresholds();
  judge.telemetry();
  judge.waivers(today);
  report.summary = summarize(report.cases);
  report.certification = judge.verdict(plan_notes, inapplicable_tests);
  if (baseline != nullptr) report.certification->baseline_report_id = baseline->report_id;
}

std::string utc_today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace aicert
