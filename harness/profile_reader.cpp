// Reading and validating certification profiles; see profile.h. Strict: every element and
// attribute must be known, so a typo in a profile is an error, never a silently ignored line.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <set>
#include <sstream>

#include "harness/exit_codes.h"
#include "harness/plugin_registry.h"
#include "harness/profile.h"
#include "harness/text_join.h"
#include "harness/worker_process.h"
#include "probes/telemetry.h"
#include "reports/xml_source.h"
#include "workloads/sha256.h"
#include "workloads/workload_registry.h"

namespace aicert {

namespace {

namespace fs = std::filesystem;

std::string sha256_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return sha256_hex(
      std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
}

std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int month = std::stoi(std::string(s.substr(5, 2)));
  const int day = std::stoi(std::string(s.substr(8, 2)));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// "gemm, attention": the workloads that read an option.
std::string workloads_taking(WorkloadOption option) {
  std::string out;
  for (const Workload* w : registered_workloads()) {
    if (w->options() & option) out += (out.empty() ? "" : ", ") + std::string(w->name());
  }
  return out.empty() ? "no workload" : out;
}

// The attribute of an absolute threshold on a workload's figure.
const char* min_figure_attribute(Figure f) {
  switch (f) {
    case Figure::gflops:
      return "min-gflops";
    case Figure::busbw_gbps:
      return "min-busbw-gbps";
    case Figure::gbps:
      return "min-gbps";
  }
  return "min-gflops";
}

class ProfileReader {
 public:
  explicit ProfileReader(const XmlSource& x) : x_(x) {}

  Profile read() {
    const pugi::xml_node root = x_.root();
    if (std::string_view(root.name()) != "aicert-profile") {
      x_.fail(root,
              "root element is <" + std::string(root.name()) + ">, expected <aicert-profile>");
    }
    only(root, {"schema-version", "id", "version", "policy-version"},
         {"description", "defaults", "tiers", "soak", "telemetry", "test", "waiver"});
    if (x_.integer<int>(root, "schema-version") != 1) {
      x_.fail(root.attribute("schema-version"), root,
              "unsupported profile schema version; this aicert reads version 1");
    }
    Profile p;
    p.identity.id = non_empty(root, "id");
    p.identity.version = non_empty(root, "version");
    p.identity.policy_version = non_empty(root, "policy-version");
    p.identity.source = x_.path();
    p.identity.sha256 = sha256_of_file(x_.path());
    p.description = x_.optional_text(root, "description");
    if (const pugi::xml_node d = root.child("defaults")) read_defaults(d, p);
    if (const pugi::xml_node t = root.child("tiers")) {
      only(t, {}, {"tier"});
      for (pugi::xml_node tier : t.children("tier")) {
        only(tier, {"id"}, {});
        const std::string id = non_empty(tier, "id");
        if (std::find(p.tiers.begin(), p.tiers.end(), id) != p.tiers.end()) {
          x_.fail(tier.attribute("id"), tier, "duplicate tier id \"" + id + "\"");
        }
        p.tiers.push_back(id);
      }
    }
    if (const pugi::xml_node s = root.child("soak")) {
      only(s, {"duration-s"}, {});
      p.soak_s = positive(s, "duration-s");
    }
    if (const pugi::xml_node t = root.child("telemetry")) {
      only(t, {"fail-on"}, {});
      for (const std::string& kind : words(x_.string(t, "fail-on"))) {
        const auto known = std::find_if(std::begin(kThrottleKinds), std::end(kThrottleKinds),
                                        [&](const char* k) { return kind == k; });
        if (known == std::end(kThrottleKinds)) {
          x_.fail(t.attribute("fail-on"), t,
                  "<telemetry> fail-on \"" + kind + "\" is not a throttle kind (" +
                      join({std::begin(kThrottleKinds), std::end(kThrottleKinds)}, ", ") + ")");
        }
        p.telemetry_fail_on.push_back(kind);
      }
      if (p.telemetry_fail_on.empty()) x_.fail(t.attribute("fail-on"), t, "<telemetry> fail-on is empty");
    }
    std::set<std::string> test_ids;
    for (pugi::xml_node t : root.children("test")) {
      p.tests.push_back(read_test(t, p.tiers));
      if (!test_ids.insert(p.tests.back().id).second) {
        x_.fail(t.attribute("id"), t, "duplicate test id \"" + p.tests.back().id + "\"");
      }
    }
    if (p.tests.empty()) x_.fail(root, "<aicert-profile> has no <test>: nothing would run");
    std::set<std::string> waiver_ids;
    for (pugi::xml_node w : root.children("waiver")) {
      p.waivers.push_back(read_waiver(w, test_ids));
      if (!waiver_ids.insert(p.waivers.back().id).second) {
        x_.fail(w.attribute("id"), w, "duplicate waiver id \"" + p.waivers.back().id + "\"");
      }
    }
    return p;
  }

 private:
  // Fails on any attribute or child element not listed (and on stray text).
  void only(pugi::xml_node n, std::initializer_list<std::string_view> attributes,
            std::initializer_list<std::string_view> children) const {
    for (pugi::xml_attribute a : n.attributes()) {
      if (std::find(attributes.begin(), attributes.end(), a.name()) == attributes.end()) {
        x_.fail(a, n, "unknown attribute " + std::string(a.name()) + " on <" + n.name() + ">");
      }
    }
    for (pugi::xml_node c : n.children()) {
      if (c.type() == pugi::node_element) {
        if (std::find(children.begin(), children.end(), c.name()) == children.end()) {
          x_.fail(c, "unknown element <" + std::string(c.name()) + "> in <" + n.name() + ">");
        }
      }
    }
  }

  std::string non_empty(pugi::xml_node n, const char* name) const {
    std::string v = x_.string(n, name);
    if (v.find_first_not_of(" \t\r\n") == std::string::npos) {
      x_.fail(n.attribute(name), n,
              "<" + std::string(n.name()) + "> attribute " + name + " must not be empty");
    }
    return v;
  }

  double positive(pugi::xml_node n, const char* name) const {
    const double v = x_.real(n, name);
    if (!(v > 0) || !std::isfinite(v)) {
      x_.fail(n.attribute(name), n,
              XmlSource::describe(n, n.attribute(name)) + " must be a positive number");
    }
    return v;
  }

  bool flag(pugi::xml_node n, const char* name, bool fallback) const {
    return n.attribute(name) ? x_.boolean(n, name) : fallback;
  }

  void read_defaults(pugi::xml_node d, Profile& p) const {
    only(d,
         {"warmups", "min-reps", "max-reps", "min-time-ms", "max-time-ms", "max-cv", "seed",
          "case-timeout-s"},
         {});
    MeasurementPolicy& m = p.policy;
    if (d.attribute("warmups")) m.warmups = x_.integer<int>(d, "warmups", 0);
    if (d.attribute("min-reps")) m.min_repetitions = x_.integer<int>(d, "min-reps", 1);
    if (d.attribute("max-reps")) m.max_repetitions = x_.integer<int>(d, "max-reps", 1);
    if (d.attribute("min-time-ms")) m.min_time_ms = x_.real(d, "min-time-ms");
    if (d.attribute("max-time-ms")) m.max_time_ms = x_.real(d, "max-time-ms");
    if (d.attribute("max-cv")) m.max_cv = positive(d, "max-cv");
    if (d.attribute("seed")) p.seed = x_.integer<std::uint64_t>(d, "seed");
    if (d.attribute("case-timeout-s")) {
      p.case_timeout_s = x_.real(d, "case-timeout-s");
      if (const std::string why = case_timeout_problem(p.case_timeout_s); !why.empty()) {
        x_.fail(d.attribute("case-timeout-s"), d,
                XmlSource::describe(d, d.attribute("case-timeout-s")) + ": " + why);
      }
    }
    if (const std::string why = validate_policy(m); !why.empty()) x_.fail(d, "<defaults>: " + why);
  }

  // The words of child element `name`, each checked by `known` (empty when absent).
  template <class Check>
  std::vector<std::string> list(pugi::xml_node test, const char* name, Check known) const {
    const pugi::xml_node n = test.child(name);
    if (!n) return {};
    only(n, {}, {});
    const std::vector<std::string> items = words(n.text().get());
    if (items.empty()) x_.fail(n, "<" + std::string(name) + "> is empty");
    for (const auto& item : items) {
      if (const std::string why = known(item); !why.empty()) {
        x_.fail(n, "<" + std::string(name) + "> item \"" + item + "\": " + why);
      }
    }
    return items;
  }

  // The workload's matrix of a test, each list element allowed only when the workload reads
  // that option (workload.h); <shapes> and <sizes> are required where they apply.
  void read_matrix(pugi::xml_node t, const Workload& w, ProfileTest& test) const {
    const WorkloadOptionSet takes = w.options();
    const std::string workload(w.name());
    struct ListOption {
      const char* element;
      WorkloadOption option;
    };
    for (const ListOption& l : {ListOption{"shapes", kOptShapes},
                                ListOption{"layouts", kOptLayouts}, ListOption{"ops", kOptOps},
                                ListOption{"ranks", kOptRanks}, ListOption{"sizes", kOptSizes}}) {
      if (const pugi::xml_node n = t.child(l.element); n && (takes & l.option) == 0) {
        x_.fail(n, "<" + std::string(l.element) + "> does not apply to workload " + workload +
                       " (it is for " + workloads_taking(l.option) + ")");
      }
    }
    if (const pugi::xml_attribute a = t.attribute("causal"); a && (takes & kOptCausal) == 0) {
      x_.fail(a, t,
              "<test> causal does not apply to workload " + workload + " (it is for " +
                  workloads_taking(kOptCausal) + ")");
    }
    WorkloadOptions& o = test.options;
    o.causal = flag(t, "causal", false);
    if (t.attribute("alpha")) o.alpha = x_.real(t, "alpha");
    if (t.attribute("beta")) o.beta = x_.real(t, "beta");
    if (!std::isfinite(o.alpha) || !std::isfinite(o.beta)) {
      x_.fail(t, "<test> alpha and beta must be finite");
    }
    auto item_of = [&](WorkloadOption option) {
      return [&w, option](const std::string& s) { return w.check_item(option, s); };
    };
    o.shapes = list(t, "shapes", item_of(kOptShapes));
    if ((takes & kOptShapes) && o.shapes.empty()) {
      x_.fail(t, "<test id=\"" + test.id + "\"> has no <shapes>");
    }
    o.layouts = list(t, "layouts", item_of(kOptLayouts));
    o.ops = list(t, "ops", item_of(kOptOps));
    auto positive_integer = [](const std::string& s, long long max) {
      char* end = nullptr;
      const long long v = std::strtoll(s.c_str(), &end, 10);
      return end != s.c_str() && *end == '\0' && v >= 1 && v <= max;
    };
    for (const auto& r : list(t, "ranks", [&](const std::string& s) {
           return positive_integer(s, 1024) ? std::string()
                                            : std::string("not a rank count in 1..1024");
         })) {
      o.ranks.push_back(std::stoi(r));
    }
    for (const auto& s : list(t, "sizes", [&](const std::string& s) {
           return positive_integer(s, 1LL << 40) ? std::string()
                                                 : std::string("not a size in bytes (1 to 2^40)");
         })) {
      o.sizes.push_back(static_cast<double>(std::stoll(s)));
    }
    if ((takes & kOptSizes) && o.sizes.empty()) {
      x_.fail(t, "<test id=\"" + test.id + "\"> has no <sizes>");
    }
    const std::vector<DType> accepted = w.dtypes();
    o.dtypes = list(t, "dtypes", [&](const std::string& s) {
      const auto d = parse_dtype(s);
      if (d && std::find(accepted.begin(), accepted.end(), *d) != accepted.end())
        return std::string();
      return "unknown dtype for " + workload + " (known: " + dtype_names(accepted) + ")";
    });
    // The typed specs, planned once here; whether each fits this machine's memory is decided when
    // the run is planned. A profile's collectives run on 2 ranks unless <ranks> says otherwise.
    try {
      test.specs = w.plan_specs(o, std::numeric_limits<double>::infinity());
    } catch (const WorkloadOptionError& e) {
      x_.fail(t, "<test id=\"" + test.id + "\">: " + e.what());
    }
  }

  ProfileTest read_test(pugi::xml_node t, const std::vector<std::string>& tiers) const {
    only(t, {"id", "workload", "blocker", "repeat-check", "alpha", "beta", "causal"},
         {"shapes", "ops", "ranks", "sizes", "dtypes", "layouts", "backends", "impls",
          "device-kinds", "tolerance", "threshold"});
    ProfileTest test;
    test.line = x_.line_of(t);
    test.id = non_empty(t, "id");
    test.workload = x_.string(t, "workload");
    const Workload* workload = find_workload(test.workload);
    if (workload == nullptr) {
      x_.fail(t.attribute("workload"), t,
              "unknown workload \"" + test.workload + "\" (known: " + workload_names() + ")");
    }
    test.blocker = flag(t, "blocker", true);
    test.repeat_check = flag(t, "repeat-check", false);
    read_matrix(t, *workload, test);
    const auto& backends = PluginRegistry::known_backends();
    test.backends = list(t, "backends", [&](const std::string& s) {
      if (s == "all" || std::find(backends.begin(), backends.end(), s) != backends.end()) {
        return std::string();
      }
      std::string known = "all";
      for (const auto& b : backends) known += ", " + b;
      return "unknown backend (known: " + known + ")";
    });
    if (std::find(test.backends.begin(), test.backends.end(), "all") != test.backends.end()) {
      test.backends.clear();
    }
    test.impls = list(t, "impls", [](const std::string&) { return std::string(); });
    test.device_kinds = list(t, "device-kinds", [](const std::string& s) {
      return s == "cpu" || s == "gpu" || s == "accelerator"
                 ? std::string()
                 : std::string("unknown device kind (known: cpu, gpu, accelerator)");
    });
    if (const pugi::xml_node tol = t.child("tolerance")) {
      only(tol, {"c"}, {});
      test.tolerance_c = positive(tol, "c");
    }
    for (pugi::xml_node th : t.children("threshold")) {
      test.thresholds.push_back(read_threshold(th, tiers, *workload));
    }
    return test;
  }

  // A threshold judges the figure of its test's workload (workload.h): GFLOP/s by min-gflops,
  // bus bandwidth by min-busbw-gbps, GB/s moved by min-gbps; bandwidths may apply only from
  // min-message-bytes on.
  ProfileThreshold read_threshold(pugi::xml_node n, const std::vector<std::string>& tiers,
                                  const Workload& workload) const {
    ProfileThreshold th;
    th.line = x_.line_of(n);
    const std::string kind = x_.string(n, "kind");
    const Figure figure = workload.figure();
    const char* min_attribute = min_figure_attribute(figure);
    for (Figure other : {Figure::gflops, Figure::busbw_gbps, Figure::gbps}) {
      const pugi::xml_attribute a = n.attribute(min_figure_attribute(other));
      if (other != figure && a) {
        x_.fail(a, n,
                std::string(a.name()) + " does not apply: " + std::string(workload.name()) +
                    " reports " + std::string(figure_unit(figure)) + ", judged by " +
                    min_attribute);
      }
    }
    if (const pugi::xml_attribute a = n.attribute("min-message-bytes")) {
      if (figure == Figure::gflops) {
        x_.fail(a, n,
                "min-message-bytes is for bandwidth workloads; " + std::string(workload.name()) +
                    " thresholds use min-gflops");
      }
      th.min_message_bytes = positive(n, "min-message-bytes");
    }
    // The figures of the other kinds of workload were refused above.
    if (kind == "absolute") {
      only(n,
           {"tier", "kind", "min-gflops", "min-busbw-gbps", "min-gbps", "pci-vendor", "pci-device",
            "device-name", "min-message-bytes"},
           {});
      th.kind = ThresholdKind::absolute;
      th.min_figure = positive(n, min_attribute);
      if (n.attribute("pci-vendor")) th.match.pci_vendor = x_.hex16(n, "pci-vendor");
      if (n.attribute("pci-device")) th.match.pci_device = x_.hex16(n, "pci-device");
      th.match.name_pattern = n.attribute("device-name").value();
    } else if (kind == "fraction-of-peak") {
      only(n, {"tier", "kind", "fraction", "peak-impl", "min-message-bytes"}, {});
      th.kind = ThresholdKind::fraction_of_peak;
      th.fraction = positive(n, "fraction");
      if (th.fraction > 1) {
        x_.fail(n.attribute("fraction"), n, "<threshold> fraction must be in (0, 1]");
      }
      if (n.attribute("peak-impl")) th.peak_impl = non_empty(n, "peak-impl");
    } else if (kind == "fraction-of-roofline") {
      only(n, {"tier", "kind", "fraction", "judge"}, {});
      if (figure != Figure::gflops || workload.variant_index() == variant_index_of<PeakSpec>()) {
        x_.fail(n.attribute("kind"), n,
                "fraction-of-roofline judges workloads measured in flops against the peak and "
                "stream cases, not " + std::string(workload.name()));
      }
      th.kind = ThresholdKind::fraction_of_roofline;
      th.fraction = positive(n, "fraction");
      if (th.fraction > 1) {
        x_.fail(n.attribute("fraction"), n, "<threshold> fraction must be in (0, 1]");
      }
      if (const pugi::xml_attribute judge = n.attribute("judge")) {
        const std::string value = judge.value();
        if (value != "best-implementation" && value != "each-implementation") {
          x_.fail(judge, n,
                  "<threshold> judge must be best-implementation or each-implementation");
        }
        th.roofline_each_implementation = value == "each-implementation";
      }
    } else if (kind == "baseline") {
      only(n, {"tier", "kind", "max-regression-pct", "min-message-bytes"}, {});
      th.kind = ThresholdKind::baseline;
      th.max_regression_pct = positive(n, "max-regression-pct");
      if (th.max_regression_pct >= 100) {
        x_.fail(n.attribute("max-regression-pct"), n,
                "<threshold> max-regression-pct must be below 100");
      }
    } else {
      x_.fail(
          n.attribute("kind"), n,
          "unknown threshold kind \"" + kind +
              "\" (known: absolute, fraction-of-peak, fraction-of-roofline, baseline)");
    }
    th.tier = x_.string(n, "tier");
    if (std::find(tiers.begin(), tiers.end(), th.tier) == tiers.end()) {
      x_.fail(n.attribute("tier"), n, "unknown tier \"" + th.tier + "\" (declare it in <tiers>)");
    }
    return th;
  }

  ProfileWaiver read_waiver(pugi::xml_node n, const std::set<std::string>& test_ids) const {
    only(n, {"id", "tests", "cases", "expires"}, {});
    ProfileWaiver w;
    w.id = non_empty(n, "id");
    w.tests = words(x_.string(n, "tests"));
    if (w.tests.empty()) x_.fail(n.attribute("tests"), n, "<waiver> covers no test");
    for (const auto& t : w.tests) {
      if (!test_ids.count(t)) {
        x_.fail(n.attribute("tests"), n, "<waiver> names unknown test \"" + t + "\"");
      }
    }
    if (n.attribute("cases")) w.cases = non_empty(n, "cases");
    w.expires = x_.string(n, "expires");
    if (!is_date(w.expires)) {
      x_.fail(n.attribute("expires"), n,
              "<waiver> expires=\"" + w.expires + "\" is not a date YYYY-MM-DD");
    }
    w.reason = n.text().get();
    if (w.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
      x_.fail(n, "<waiver id=\"" + w.id + "\"> gives no reason");
    }
    return w;
  }

  const XmlSource& x_;
};

std::vector<fs::path> profile_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("AICERT_PROFILE_PATH")) {
    std::stringstream in(env);
    for (std::string d; std::getline(in, d, ':');) {
      if (!d.empty()) dirs.emplace_back(d);
    }
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back(exe.parent_path().parent_path() / "share" / "aicert" / "profiles");
  return dirs;
}

}  // namespace

Profile read_profile(const std::string& path) {
  const XmlSource source(path, kMaxProfileBytes, "profile");
  return ProfileReader(source).read();
}

std::string find_profile(const std::string& name_or_path) {
  std::error_code ec;
  if (name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".xml")) {
    if (!fs::is_regular_file(name_or_path, ec)) {
      throw UsageError{name_or_path + ": no such profile file"};
    }
    return name_or_path;
  }
  std::string searched;
  for (const auto& dir : profile_dirs()) {
    const fs::path candidate = dir / (name_or_path + ".xml");
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    searched += (searched.empty() ? "" : ", ") + dir.string();
  }
  std::string known;
  for (const auto& n : shipped_profiles()) known += (known.empty() ? "" : ", ") + n;
  throw UsageError{"no profile named '" + name_or_path + "' (shipped: " +
                   (known.empty() ? "none found" : known) + "; searched " + searched + ")"};
}

std::vector<std::string> shipped_profiles() {
  std::set<std::string> names;
  for (const auto& dir : profile_dirs()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".xml") names.insert(e.path().stem().string());
    }
  }
  return {names.begin(), names.end()};
}

}  // namespace aicert
