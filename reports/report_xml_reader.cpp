// Reads report XML back into the report model, field for field: the inverse of the writer.
// Every error names the file and line of the element or attribute at fault.
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "reports/report_integrity.h"
#include "reports/report_xml.h"
#include "reports/spec_xml.h"
#include "reports/xml_source.h"

namespace aicert {

namespace {

std::optional<std::string> parse_summary_verdict(std::string_view s) {
  if (s == "PASS" || s == "FAIL") return std::string(s);
  return std::nullopt;
}

std::optional<std::string> parse_certification_verdict(std::string_view s) {
  if (s == "CERTIFIED" || s == "NOT CERTIFIED" || s == "INCOMPLETE") return std::string(s);
  return std::nullopt;
}

std::optional<std::string> parse_threshold_status(std::string_view s) {
  if (s == "met" || s == "missed" || s == "not-evaluated") return std::string(s);
  return std::nullopt;
}

bool is_sha256(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

class ReportReader {
 public:
  explicit ReportReader(const XmlSource& x) : x_(x) {}

  Report read() const {
    const pugi::xml_node root = x_.root();
    if (std::string_view(root.name()) != "aicert-report") {
      x_.fail(root, "root element is <" + std::string(root.name()) + ">, expected <aicert-report>");
    }
    Report r;
    r.schema_version = x_.integer<int>(root, "schema-version");
    if (r.schema_version != kReportSchemaVersion) {
      x_.fail(root.attribute("schema-version"), root,
              "unsupported report schema version " + std::to_string(r.schema_version) +
                  "; this aicert reads version " + std::to_string(kReportSchemaVersion));
    }
    r.report_id = x_.string(root, "report-id");
    r.tool_version = x_.string(root, "tool-version");
    r.git_revision = x_.string(root, "git-revision");
    r.created_utc = x_.string(root, "created");
    r.command_line = x_.child(root, "command-line").text().get();
    if (const pugi::xml_node p = root.child("profile")) {
      ProfileIdentity& id = r.profile.emplace();
      id.id = x_.string(p, "id");
      id.version = x_.string(p, "version");
      id.policy_version = x_.string(p, "policy-version");
      id.sha256 = x_.string(p, "sha256");
      if (!is_sha256(id.sha256)) {
        x_.fail(p.attribute("sha256"), p, "<profile> sha256 is not a lower-case SHA-256");
      }
      id.source = x_.string(p, "source");
    }
    r.inventory = read_inventory(x_.child(root, "inventory"));
    if (const pugi::xml_node n = root.child("scheduler")) {
      SchedulerJob& s = r.scheduler.emplace();
      s.name = x_.string(n, "name");
      s.job_id = x_.string(n, "job-id");
      if (s.job_id.empty()) x_.fail(n.attribute("job-id"), n, "<scheduler> job-id is empty");
      s.step_id = n.attribute("step-id").value();
      s.nodes = x_.string(n, "nodes");
      s.cluster = n.attribute("cluster").value();
      s.partition = n.attribute("partition").value();
    }
    if (const pugi::xml_node job = root.child("job")) r.job = read_job(job);
    std::set<std::string> ids;
    for (pugi::xml_node c : x_.child(root, "cases").children("case")) {
      r.cases.push_back(read_case(c));
      if (!ids.insert(r.cases.back().id).second) {
        x_.fail(c.attribute("id"), c, "duplicate case id \"" + r.cases.back().id + "\"");
      }
    }
    r.summary = read_summary(x_.child(root, "summary"));
    if (const pugi::xml_node c = root.child("certification"))
      r.certification = read_certification(c);
    return r;
  }

  CaseResult read_case(pugi::xml_node n) const {
    CaseResult c;
    c.id = x_.string(n, "id");
    if (c.id.empty()) x_.fail(n.attribute("id"), n, "<case> has an empty id");
    c.backend = x_.string(n, "backend");
    c.device = x_.integer<int>(n, "device", 0);
    c.device_name = x_.string(n, "device-name");
    c.impl = x_.string(n, "impl");
    c.verdict = x_.enumerated(n, "verdict", &parse_verdict, "verdict");
    c.gflops = x_.real(n, "gflops");
    c.reason = x_.optional_text(n, "reason");
    c.spec = read_spec(n);
    if (const pugi::xml_node inputs = n.child("inputs")) {
      const pugi::xml_attribute sha = x_.attribute(inputs, "sha256");
      if (!is_sha256(sha.value())) {
        x_.fail(sha, inputs, XmlSource::describe(inputs, sha) + " is not a lower-case SHA-256");
      }
      c.inputs_sha256 = sha.value();
    }
    if (const pugi::xml_node check = n.child("check")) c.check = read_check(check);
    if (const pugi::xml_node timing = n.child("timing")) c.timing = read_timing(timing);
    if (const pugi::xml_node b = n.child("bandwidth")) {
      Bandwidth& bw = c.bandwidth.emplace();
      bw.bytes = x_.real(b, "bytes");
      bw.algbw_gbps = x_.real(b, "algbw-gbps");
      bw.busbw_gbps = x_.real(b, "busbw-gbps");
      bw.bus_factor = x_.real(b, "bus-factor");
      bw.latency_us = x_.real(b, "latency-us");
    }
    if (const pugi::xml_node k = n.child("consistency")) {
      ConsistencyCheck& cc = c.consistency.emplace();
      cc.runs = x_.integer<int>(k, "runs", 0);
      cc.mismatched_runs = x_.integer<int>(k, "mismatched-runs", 0);
      cc.mismatched_bytes = x_.integer<std::uint64_t>(k, "mismatched-bytes");
      cc.seconds = x_.real(k, "seconds");
    }
    for (pugi::xml_node k : n.children("threshold")) {
      ThresholdOutcome& t = c.thresholds.emplace_back();
      t.tier = x_.string(k, "tier");
      t.kind = x_.string(k, "kind");
      t.description = x_.string(k, "description");
      t.limit = x_.real(k, "limit");
      t.measured = x_.real(k, "measured");
      t.unit = x_.string(k, "unit");
      t.status = x_.enumerated(k, "status", &parse_threshold_status,
                               "threshold status (met, missed, not-evaluated)");
    }
    if (const pugi::xml_node k = n.child("telemetry")) c.telemetry = read_telemetry(k);
    if (const pugi::xml_node k = n.child("roofline")) {
      CaseRoofline& r = c.roofline.emplace();
      r.intensity = x_.real(k, "intensity");
      r.compute_gflops = x_.real(k, "compute-gflops");
      r.compute_case = x_.string(k, "compute-case");
      r.bandwidth_gbps = x_.real(k, "bandwidth-gbps");
      r.bandwidth_case = x_.string(k, "bandwidth-case");
      r.roofline_gflops = x_.real(k, "roofline-gflops");
      r.fraction = x_.real(k, "fraction");
      r.bound = x_.string(k, "bound");
    }
    if (const pugi::xml_node k = n.child("nominal")) {
      NominalPeak& p = c.nominal.emplace();
      p.gflops = x_.real(k, "gflops");
      p.fraction = x_.real(k, "fraction");
      p.formula = k.text().get();
    }
    if (const pugi::xml_node k = n.child("links")) {
      c.link_finding = x_.string(k, "finding");
      std::istringstream ranks(k.attribute("slow-ranks").value());
      for (std::string r; ranks >> r;) {
        if (r.find_first_not_of("0123456789") != std::string::npos || r.size() > 7) {
          x_.fail(k.attribute("slow-ranks"), k, "<links> slow-ranks \"" + r + "\" is not a rank");
        }
        c.slow_ranks.push_back(std::stoi(r));
      }
      for (pugi::xml_node l : k.children("link")) {
        LinkTiming& t = c.links.emplace_back();
        t.a = x_.integer<int>(l, "a", 0);
        t.b = x_.integer<int>(l, "b", 0);
        t.median_ms = x_.real(l, "median-ms");
        t.gbps = x_.real(l, "gbps");
      }
      if (c.links.empty()) x_.fail(k, "<links> lists no <link>");
    }
    if (n.attribute("test-id")) {
      c.test_id = x_.string(n, "test-id");
      c.blocker = x_.boolean(n, "blocker");
      c.waiver = n.attribute("waiver").value();
    }
    return c;
  }

 private:
  Certification read_certification(pugi::xml_node n) const {
    Certification c;
    c.verdict = x_.enumerated(n, "verdict", &parse_certification_verdict,
                              "certification verdict (CERTIFIED, NOT CERTIFIED, INCOMPLETE)");
    c.highest_tier = x_.string(n, "highest-tier");
    c.baseline_report_id = x_.string(n, "baseline-report-id");
    for (pugi::xml_node t : n.children("tier")) {
      c.tiers.push_back({x_.string(t, "id"), x_.boolean(t, "met"), x_.string(t, "reason")});
    }
    for (pugi::xml_node r : n.children("reason")) c.reasons.emplace_back(r.text().get());
    return c;
  }

 public:
  JobInfo read_job(pugi::xml_node n) const {
    JobInfo job;
    job.ranks = x_.integer<int>(n, "ranks", 1);
    for (pugi::xml_node h : n.children("host")) {
      JobHost& host = job.hosts.emplace_back();
      host.hostname = x_.string(h, "hostname");
      host.ranks = x_.string(h, "ranks");
      if (const pugi::xml_node inv = h.child("inventory")) host.inventory = read_inventory(inv);
    }
    if (job.hosts.empty()) x_.fail(n, "<job> lists no <host>");
    return job;
  }

  Inventory read_inventory(pugi::xml_node root) const {
    Inventory inv;
    const pugi::xml_node host = x_.child(root, "host");
    inv.hostname = x_.string(host, "hostname");
    if (host.attribute("machine-id")) {
      inv.machine_id = x_.string(host, "machine-id");
      inv.machine_id_source = x_.string(host, "machine-id-source");
    }
    inv.os_release = x_.string(host, "os-release");
    inv.kernel = x_.string(host, "kernel");
    inv.architecture = x_.string(host, "architecture");

    const pugi::xml_node cpu = x_.child(root, "cpu");
    inv.cpu_model = x_.string(cpu, "model");
    inv.packages = x_.integer<int>(cpu, "packages", 0);
    inv.cores = x_.integer<int>(cpu, "cores", 0);
    inv.pus = x_.integer<int>(cpu, "pus", 0);
    for (pugi::xml_node f : cpu.children("feature"))
      inv.cpu_features.push_back(x_.string(f, "name"));
    for (pugi::xml_node n : cpu.children("cache")) {
      CacheInfo& c = inv.caches.emplace_back();
      c.level = x_.integer<int>(n, "level", 0);
      c.type = x_.string(n, "type");
      c.size_bytes = x_.integer<std::uint64_t>(n, "size-bytes");
      c.count = x_.integer<int>(n, "count", 0);
    }

    const pugi::xml_node memory = x_.child(root, "memory");
    inv.total_memory_bytes = x_.integer<std::uint64_t>(memory, "total-bytes");
    for (pugi::xml_node n : memory.children("numa-node")) {
      NumaNodeInfo& numa = inv.numa_nodes.emplace_back();
      numa.os_index = x_.integer<int>(n, "os-index", 0);
      numa.memory_bytes = x_.integer<std::uint64_t>(n, "memory-bytes");
    }

    const pugi::xml_node dmi = x_.child(root, "dmi");
    inv.dmi_sys_vendor = x_.string(dmi, "sys-vendor");
    inv.dmi_product_name = x_.string(dmi, "product-name");
    inv.dmi_product_serial = x_.string(dmi, "product-serial");
    inv.dmi_bios_vendor = x_.string(dmi, "bios-vendor");
    inv.dmi_bios_version = x_.string(dmi, "bios-version");
    inv.dmi_bios_date = x_.string(dmi, "bios-date");

    for (pugi::xml_node n : x_.child(root, "pci").children("pci-device")) {
      PciDeviceInfo& d = inv.pci_devices.emplace_back();
      d.bus_id = x_.string(n, "bus-id");
      d.vendor_id = x_.hex16(n, "vendor-id");
      d.device_id = x_.hex16(n, "device-id");
      d.class_id = x_.hex16(n, "class-id");
      d.class_name = x_.string(n, "class-name");
      d.name = x_.string(n, "name");
      if (n.attribute("vendor-name")) d.vendor_name = x_.string(n, "vendor-name");
      if (n.attribute("device-name")) d.device_name = x_.string(n, "device-name");
      d.link_speed_gbps = x_.real(n, "link-speed-gbps");
      d.link_speed = x_.string(n, "link-speed");
      d.link_width = x_.string(n, "link-width");
      for (pugi::xml_node o : n.children("os-device")) {
        d.os_devices.push_back(
            {x_.string(o, "name"), x_.string(o, "type"), x_.string(o, "subtype")});
      }
    }

    for (pugi::xml_node n : x_.child(root, "backends").children("backend")) {
      BackendStatus& b = inv.backends.emplace_back();
      b.name = x_.string(n, "name");
      b.available = x_.boolean(n, "available");
      b.reason = x_.string(n, "reason");
      b.runtime_version = x_.string(n, "runtime-version");
    }

    for (pugi::xml_node n : x_.child(root, "devices").children("device")) {
      BackendDeviceInfo& d = inv.devices.emplace_back();
      d.backend = x_.string(n, "backend");
      d.index = x_.integer<int>(n, "index", 0);
      d.name = x_.string(n, "name");
      d.vendor = x_.string(n, "vendor");
      d.kind = x_.string(n, "kind");
      d.pci_bus_id = x_.string(n, "pci-bus-id");
      d.driver_version = x_.string(n, "driver-version");
      d.memory_bytes = x_.integer<std::uint64_t>(n, "memory-bytes");
      d.compute_units = x_.integer<int>(n, "compute-units", 0);
      for (pugi::xml_node p : n.children("property")) {
        const std::string key = x_.string(p, "name");
        if (!d.properties.emplace(key, x_.string(p, "value")).second) {
          x_.fail(p.attribute("name"), p, "duplicate device property \"" + key + "\"");
        }
      }
    }

    const pugi::xml_node topo = x_.child(root, "hwloc-topology");
    inv.hwloc_version = x_.string(topo, "version");
    if (const pugi::xml_node hwloc =
            topo.find_child([](pugi::xml_node c) { return c.type() == pugi::node_element; })) {
      // A standalone XML document again, as hwloc exported it (hwloc can import it).
      pugi::xml_document doc;
      pugi::xml_node decl = doc.append_child(pugi::node_declaration);
      decl.append_attribute("version") = "1.0";
      decl.append_attribute("encoding") = "UTF-8";
      doc.append_copy(hwloc);
      std::ostringstream out;
      doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
      inv.hwloc_xml = out.str();
    }
    return inv;
  }

 private:
  CaseSpec read_spec(pugi::xml_node case_node) const {
    return read_spec_element(x_, case_node, x_.string(case_node, "workload"));
  }

  CheckResult read_check(pugi::xml_node n) const {
    CheckResult c;
    c.passed = x_.boolean(n, "passed");
    c.elements = x_.integer<std::uint64_t>(n, "elements");
    c.nan_count = x_.integer<std::uint64_t>(n, "nan");
    c.inf_count = x_.integer<std::uint64_t>(n, "inf");
    c.wrong_count = x_.integer<std::uint64_t>(n, "wrong");
    c.max_abs_error = x_.real(n, "max-abs-error");
    c.max_rel_error = x_.real(n, "max-rel-error");
    c.nmse = x_.real(n, "nmse");
    c.worst_index = x_.integer<std::int64_t>(n, "worst-index");
    c.worst_value = x_.real(n, "worst-value");
    c.worst_reference = x_.real(n, "worst-reference");
    c.worst_bound = x_.real(n, "worst-bound");
    c.guard_bytes_touched = x_.integer<std::uint64_t>(n, "guard-bytes-touched");
    const pugi::xml_node t = x_.child(n, "tolerance");
    c.tolerance.c = x_.real(t, "c");
    c.tolerance.u_acc = x_.real(t, "u-acc");
    c.tolerance.u_out = x_.real(t, "u-out");
    c.tolerance.g = x_.real(t, "g");
    c.tolerance.g_formula = x_.string(t, "g-formula");
    c.tolerance.tiny = x_.real(t, "tiny");
    c.tolerance.exact = x_.boolean(t, "exact");
    c.reason = x_.optional_text(n, "reason");
    return c;
  }

  TimingStats read_timing(pugi::xml_node n) const {
    TimingStats t;
    t.timer = x_.string(n, "timer");
    t.warmups = x_.integer<int>(n, "warmups", 0);
    t.median_ms = x_.real(n, "median-ms");
    t.min_ms = x_.real(n, "min-ms");
    t.max_ms = x_.real(n, "max-ms");
    t.mean_ms = x_.real(n, "mean-ms");
    t.cv = x_.real(n, "cv");
    t.max_cv = x_.real(n, "max-cv");
    t.noisy = x_.boolean(n, "noisy");
    if (n.attribute("reference")) {  // reports of 2026-12 and later
      t.reference = x_.string(n, "reference");
      if (t.reference != "overlapped" && t.reference != "before-timing") {
        x_.fail(n.attribute("reference"), n,
                "<timing> reference \"" + t.reference +
                    "\" is neither \"overlapped\" nor \"before-timing\"");
      }
      t.reference_source = x_.string(n, "reference-source");
      t.reference_ms = x_.real(n, "reference-ms");
    }
    if (n.attribute("measure-wall-ms")) t.measure_wall_ms = x_.real(n, "measure-wall-ms");
    if (n.attribute("case-wall-ms")) t.case_wall_ms = x_.real(n, "case-wall-ms");
    const pugi::xml_node samples = x_.child(n, "samples");
    std::istringstream in(samples.text().get());
    for (std::string word; in >> word;) {
      const std::optional<double> v = parse_double(word);
      if (!v) {
        x_.fail(samples.first_child(), "<samples> item " + std::to_string(t.samples_ms.size() + 1) +
                                           " \"" + word + "\" is not a number (xs:double)");
      }
      t.samples_ms.push_back(*v);
    }
    return t;
  }

  CaseTelemetry read_telemetry(pugi::xml_node n) const {
    CaseTelemetry t;
    t.source = x_.string(n, "source");
    t.samples = x_.integer<int>(n, "samples", 0);
    t.period_ms = x_.real(n, "period-ms");
    t.seconds = x_.real(n, "seconds");
    const auto optional = [&](const char* name, std::optional<double>* v) {
      if (n.attribute(name)) *v = x_.real(n, name);
    };
    optional("core-mhz-min", &t.core_mhz_min);
    optional("core-mhz-median", &t.core_mhz_median);
    optional("core-mhz-max", &t.core_mhz_max);
    optional("mem-mhz-median", &t.mem_mhz_median);
    optional("temp-c-max", &t.temp_c_max);
    optional("energy-j", &t.energy_j);
    optional("power-w", &t.power_w);
    optional("gflop-per-j", &t.gflop_per_j);
    t.throttled = x_.boolean(n, "throttled");
    for (pugi::xml_node r : n.children("throttle")) t.throttle_reasons.push_back(r.text().get());
    for (pugi::xml_node u : n.children("unknown")) t.unknown.push_back(u.text().get());
    for (pugi::xml_node k : n.children("series")) {
      CaseTelemetry::Series& s = t.series.emplace_back();
      s.metric = x_.string(k, "metric");
      std::istringstream in(k.text().get());
      for (std::string word; in >> word;) {
        const auto colon = word.find(':');
        const std::optional<double> time =
            colon == std::string::npos ? std::nullopt : parse_double(word.substr(0, colon));
        const std::optional<double> value =
            colon == std::string::npos ? std::nullopt : parse_double(word.substr(colon + 1));
        if (!time || !value) {
          x_.fail(k.first_child(), "<series> point " + std::to_string(s.points.size() + 1) +
                                       " \"" + word + "\" is not SECONDS:VALUE (two numbers)");
        }
        s.points.emplace_back(*time, *value);
      }
    }
    for (pugi::xml_node k : n.children("error-counter")) {
      t.errors_grown.emplace_back(x_.string(k, "name"), x_.real(k, "grew-by"));
    }
    return t;
  }

  ReportSummary read_summary(pugi::xml_node n) const {
    ReportSummary s;
    s.total = x_.integer<int>(n, "total", 0);
    s.passed = x_.integer<int>(n, "passed", 0);
    s.failed = x_.integer<int>(n, "failed", 0);
    s.skipped = x_.integer<int>(n, "skipped", 0);
    s.not_supported = x_.integer<int>(n, "not-supported", 0);
    s.errors = x_.integer<int>(n, "errors", 0);
    s.verdict = x_.enumerated(n, "verdict", &parse_summary_verdict, "summary verdict (PASS, FAIL)");
    return s;
  }

  const XmlSource& x_;
};

}  // namespace

Report read_report_xml(const std::string& path) {
  const XmlSource source(path, kMaxReportBytes, "report");
  Report r = ReportReader(source).read();
  r.integrity = integrity_of(source.root());
  return r;
}

Inventory inventory_from_xml(std::string_view text, const std::string& where) {
  const XmlSource source(where, std::vector<char>(text.begin(), text.end()), 1);
  if (std::string_view(source.root().name()) != "inventory") {
    source.fail(source.root(),
                "expected an <inventory>, found <" + std::string(source.root().name()) + ">");
  }
  return ReportReader(source).read_inventory(source.root());
}

CaseResult case_result_from_line(std::string_view text, const std::string& where, int line) {
  const XmlSource source(where, std::vector<char>(text.begin(), text.end()), line);
  if (std::string_view(source.root().name()) != "case") {
    source.fail(source.root(),
                "expected a <case> record, found <" + std::string(source.root().name()) + ">");
  }
  return ReportReader(source).read_case(source.root());
}

}  // namespace aicert
