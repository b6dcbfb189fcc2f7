// Writes the report model as XML: the record of truth, schema reports/schema/aicert-report-1.xsd.
// Numbers use their shortest exact form, so reading a report back gives the very same doubles.
#include <pugixml.hpp>
#include <sstream>
#include <type_traits>
#include <variant>

#include "reports/atomic_file.h"
#include "reports/report_integrity.h"
#include "reports/report_xml.h"
#include "reports/spec_xml.h"
#include "reports/xml_lexical.h"

namespace aicert {

namespace {

// Attribute setters; each overload writes one XSD lexical form.
void put(pugi::xml_node n, const char* name, std::string_view v) {
  n.append_attribute(name).set_value(xml_text(v).c_str());
}
// A string literal would otherwise convert to bool, not to string_view.
void put(pugi::xml_node n, const char* name, const char* v) = delete;
void put(pugi::xml_node n, const char* name, bool v) {
  n.append_attribute(name).set_value(v ? "true" : "false");
}
void put(pugi::xml_node n, const char* name, double v) {
  n.append_attribute(name).set_value(format_double(v).c_str());
}
template <class T>
requires std::is_integral_v<T>
void put(pugi::xml_node n, const char* name, T v) {
  n.append_attribute(name).set_value(std::to_string(v).c_str());
}
void put_hex16(pugi::xml_node n, const char* name, std::uint16_t v) {
  n.append_attribute(name).set_value(format_hex16(v).c_str());
}

pugi::xml_node add_text(pugi::xml_node parent, const char* name, std::string_view text) {
  pugi::xml_node n = parent.append_child(name);
  n.text().set(xml_text(text).c_str());
  return n;
}

void append_hwloc(pugi::xml_node inventory, const Inventory& inv) {
  pugi::xml_node topo = inventory.append_child("hwloc-topology");
  put(topo, "version", inv.hwloc_version);
  pugi::xml_document hwloc;
  // Embedded as elements, not as escaped text, so XPath and XML tools see hwloc's own tree.
  if (!inv.hwloc_xml.empty() &&
      hwloc.load_buffer(inv.hwloc_xml.data(), inv.hwloc_xml.size(), pugi::parse_default)) {
    topo.append_copy(hwloc.document_element());
  }
}

void append_inventory(pugi::xml_node parent, const Inventory& inv) {
  pugi::xml_node root = parent.append_child("inventory");
  pugi::xml_node host = root.append_child("host");
  put(host, "hostname", inv.hostname);
  if (inv.machine_id != kUnknown) {
    put(host, "machine-id", inv.machine_id);
    put(host, "machine-id-source", inv.machine_id_source);
  }
  put(host, "os-release", inv.os_release);
  put(host, "kernel", inv.kernel);
  put(host, "architecture", inv.architecture);

  pugi::xml_node cpu = root.append_child("cpu");
  put(cpu, "model", inv.cpu_model);
  put(cpu, "packages", inv.packages);
  put(cpu, "cores", inv.cores);
  put(cpu, "pus", inv.pus);
  for (const auto& f : inv.cpu_features) put(cpu.append_child("feature"), "name", f);
  for (const auto& c : inv.caches) {
    pugi::xml_node n = cpu.append_child("cache");
    put(n, "level", c.level);
    put(n, "type", c.type);
    put(n, "size-bytes", c.size_bytes);
    put(n, "count", c.count);
  }

  pugi::xml_node memory = root.append_child("memory");
  put(memory, "total-bytes", inv.total_memory_bytes);
  for (const auto& numa : inv.numa_nodes) {
    pugi::xml_node n = memory.append_child("numa-node");
    put(n, "os-index", numa.os_index);
    put(n, "memory-bytes", numa.memory_bytes);
  }

  pugi::xml_node dmi = root.append_child("dmi");
  put(dmi, "sys-vendor", inv.dmi_sys_vendor);
  put(dmi, "product-name", inv.dmi_product_name);
  put(dmi, "product-serial", inv.dmi_product_serial);
  put(dmi, "bios-vendor", inv.dmi_bios_vendor);
  put(dmi, "bios-version", inv.dmi_bios_version);
  put(dmi, "bios-date", inv.dmi_bios_date);

  pugi::xml_node pci = root.append_child("pci");
  for (const auto& d : inv.pci_devices) {
    pugi::xml_node n = pci.append_child("pci-device");
    put(n, "bus-id", d.bus_id);
    put_hex16(n, "vendor-id", d.vendor_id);
    put_hex16(n, "device-id", d.device_id);
    put_hex16(n, "class-id", d.class_id);
    put(n, "class-name", d.class_name);
    put(n, "name", d.name);
    // Only when pci.ids knew them, so a report without names writes as it always did.
    if (!d.vendor_name.empty()) put(n, "vendor-name", d.vendor_name);
    if (!d.device_name.empty()) put(n, "device-name", d.device_name);
    put(n, "link-speed-gbps", d.link_speed_gbps);
    put(n, "link-speed", d.link_speed);
    put(n, "link-width", d.link_width);
    for (const auto& os : d.os_devices) {
      pugi::xml_node o = n.append_child("os-device");
      put(o, "name", os.name);
      put(o, "type", os.type);
      put(o, "subtype", os.subtype);
    }
  }

  pugi::xml_node backends = root.append_child("backends");
  for (const auto& b : inv.backends) {
    pugi::xml_node n = backends.append_child("backend");
    put(n, "name", b.name);
    put(n, "available", b.available);
    put(n, "reason", b.reason);
    put(n, "runtime-version", b.runtime_version);
  }

  pugi::xml_node devices = root.append_child("devices");
  for (const auto& d : inv.devices) {
    pugi::xml_node n = devices.append_child("device");
    put(n, "backend", d.backend);
    put(n, "index", d.index);
    put(n, "name", d.name);
    put(n, "vendor", d.vendor);
    put(n, "kind", d.kind);
    put(n, "pci-bus-id", d.pci_bus_id);
    put(n, "driver-version", d.driver_version);
    put(n, "memory-bytes", d.memory_bytes);
    put(n, "compute-units", d.compute_units);
    for (const auto& [key, value] : d.properties) {
      pugi::xml_node p = n.append_child("property");
      put(p, "name", key);
      put(p, "value", value);
    }
  }

  append_hwloc(root, inv);
}

void append_bandwidth(pugi::xml_node case_node, const Bandwidth& b) {
  pugi::xml_node n = case_node.append_child("bandwidth");
  put(n, "bytes", b.bytes);
  put(n, "algbw-gbps", b.algbw_gbps);
  put(n, "busbw-gbps", b.busbw_gbps);
  put(n, "bus-factor", b.bus_factor);
  put(n, "latency-us", b.latency_us);
}

void append_check(pugi::xml_node case_node, const CheckResult& c) {
  pugi::xml_node n = case_node.append_child("check");
  put(n, "passed", c.passed);
  put(n, "elements", c.elements);
  put(n, "nan", c.nan_count);
  put(n, "inf", c.inf_count);
  put(n, "wrong", c.wrong_count);
  put(n, "max-abs-error", c.max_abs_error);
  put(n, "max-rel-error", c.max_rel_error);
  put(n, "nmse", c.nmse);
  put(n, "worst-index", c.worst_index);
  put(n, "worst-value", c.worst_value);
  put(n, "worst-reference", c.worst_reference);
  put(n, "worst-bound", c.worst_bound);
  put(n, "guard-bytes-touched", c.guard_bytes_touched);
  pugi::xml_node t = n.append_child("tolerance");
  put(t, "c", c.tolerance.c);
  put(t, "u-acc", c.tolerance.u_acc);
  put(t, "u-out", c.tolerance.u_out);
  put(t, "g", c.tolerance.g);
  put(t, "g-formula", c.tolerance.g_formula);
  put(t, "tiny", c.tolerance.tiny);
  put(t, "exact", c.tolerance.exact);
  if (!c.reason.empty()) add_text(n, "reason", c.reason);
}

void append_timing(pugi::xml_node case_node, const TimingStats& t) {
  pugi::xml_node n = case_node.append_child("timing");
  put(n, "timer", t.timer);
  put(n, "warmups", t.warmups);
  put(n, "median-ms", t.median_ms);
  put(n, "min-ms", t.min_ms);
  put(n, "max-ms", t.max_ms);
  put(n, "mean-ms", t.mean_ms);
  put(n, "cv", t.cv);
  put(n, "max-cv", t.max_cv);
  put(n, "noisy", t.noisy);
  if (!t.reference.empty()) {
    put(n, "reference", t.reference);
    put(n, "reference-source", t.reference_source);
    put(n, "reference-ms", t.reference_ms);
  }
  if (t.measure_wall_ms > 0) put(n, "measure-wall-ms", t.measure_wall_ms);
  if (t.case_wall_ms > 0) put(n, "case-wall-ms", t.case_wall_ms);
  std::string samples;
  for (double s : t.samples_ms) {
    if (!samples.empty()) samples += ' ';
    samples += format_double(s);
  }
  add_text(n, "samples", samples);
}

void append_certification_of_case(pugi::xml_node n, const CaseResult& c) {
  if (c.consistency) {
    pugi::xml_node k = n.append_child("consistency");
    put(k, "runs", c.consistency->runs);
    put(k, "mismatched-runs", c.consistency->mismatched_runs);
    put(k, "mismatched-bytes", c.consistency->mismatched_bytes);
    put(k, "seconds", c.consistency->seconds);
  }
  for (const auto& t : c.thresholds) {
    pugi::xml_node k = n.append_child("threshold");
    put(k, "tier", t.tier);
    put(k, "kind", t.kind);
    put(k, "description", t.description);
    put(k, "limit", t.limit);
    put(k, "measured", t.measured);
    put(k, "unit", t.unit);
    put(k, "status", t.status);
  }
  if (!c.test_id.empty()) {
    put(n, "test-id", c.test_id);
    put(n, "blocker", c.blocker);
    if (!c.waiver.empty()) put(n, "waiver", c.waiver);
  }
}

void append_telemetry(pugi::xml_node case_node, const CaseTelemetry& t) {
  pugi::xml_node n = case_node.append_child("telemetry");
  put(n, "source", t.source);
  put(n, "samples", t.samples);
  put(n, "period-ms", t.period_ms);
  put(n, "seconds", t.seconds);
  const auto optional = [&](const char* name, const std::optional<double>& v) {
    if (v) put(n, name, *v);
  };
  optional("core-mhz-min", t.core_mhz_min);
  optional("core-mhz-median", t.core_mhz_median);
  optional("core-mhz-max", t.core_mhz_max);
  optional("mem-mhz-median", t.mem_mhz_median);
  optional("temp-c-max", t.temp_c_max);
  optional("energy-j", t.energy_j);
  optional("power-w", t.power_w);
  optional("gflop-per-j", t.gflop_per_j);
  put(n, "throttled", t.throttled);
  for (const std::string& r : t.throttle_reasons) add_text(n, "throttle", r);
  for (const std::string& u : t.unknown) add_text(n, "unknown", u);
  for (const CaseTelemetry::Series& s : t.series) {
    std::string points;
    for (const auto& [time, value] : s.points) {
      points += (points.empty() ? "" : " ") + format_double(time) + ":" + format_double(value);
    }
    pugi::xml_node k = add_text(n, "series", points);
    put(k, "metric", s.metric);
  }
  for (const auto& [name, growth] : t.errors_grown) {
    pugi::xml_node k = n.append_child("error-counter");
    put(k, "name", name);
    put(k, "grew-by", growth);
  }
}

void append_roofline(pugi::xml_node case_node, const CaseRoofline& r) {
  pugi::xml_node n = case_node.append_child("roofline");
  put(n, "intensity", r.intensity);
  put(n, "compute-gflops", r.compute_gflops);
  put(n, "compute-case", r.compute_case);
  put(n, "bandwidth-gbps", r.bandwidth_gbps);
  put(n, "bandwidth-case", r.bandwidth_case);
  put(n, "roofline-gflops", r.roofline_gflops);
  put(n, "fraction", r.fraction);
  put(n, "bound", r.bound);
}

void append_nominal(pugi::xml_node case_node, const NominalPeak& p) {
  pugi::xml_node n = add_text(case_node, "nominal", p.formula);
  put(n, "gflops", p.gflops);
  put(n, "fraction", p.fraction);
}

void append_links(pugi::xml_node case_node, const CaseResult& c) {
  pugi::xml_node n = case_node.append_child("links");
  put(n, "finding", c.link_finding);
  std::string ranks;
  for (int r : c.slow_ranks) ranks += (ranks.empty() ? "" : " ") + std::to_string(r);
  if (!ranks.empty()) put(n, "slow-ranks", ranks);
  for (const LinkTiming& l : c.links) {
    pugi::xml_node k = n.append_child("link");
    put(k, "a", l.a);
    put(k, "b", l.b);
    put(k, "median-ms", l.median_ms);
    put(k, "gbps", l.gbps);
  }
}

void append_case(pugi::xml_node cases, const CaseResult& c) {
  pugi::xml_node n = cases.append_child("case");
  put(n, "id", c.id);
  put(n, "workload", workload_name(c.spec.spec));
  put(n, "backend", c.backend);
  put(n, "device", c.device);
  put(n, "device-name", c.device_name);
  put(n, "impl", c.impl);
  put(n, "verdict", verdict_name(c.verdict));
  put(n, "gflops", c.gflops);
  if (!c.reason.empty()) add_text(n, "reason", c.reason);
  append_spec_element(n, c.spec);
  if (!c.inputs_sha256.empty()) put(n.append_child("inputs"), "sha256", c.inputs_sha256);
  if (c.check) append_check(n, *c.check);
  if (c.timing) append_timing(n, *c.timing);
  if (c.bandwidth) append_bandwidth(n, *c.bandwidth);
  append_certification_of_case(n, c);
  if (c.telemetry) append_telemetry(n, *c.telemetry);
  if (c.roofline) append_roofline(n, *c.roofline);
  if (c.nominal) append_nominal(n, *c.nominal);
  if (!c.links.empty()) append_links(n, c);
}

void save(const pugi::xml_document& doc, const std::string& path) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  write_file_atomically(path, out.str());
}

pugi::xml_document new_document() {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  return doc;
}

}  // namespace

void write_report_xml(const Report& report, const std::string& path) {
  pugi::xml_document doc = new_document();
  pugi::xml_node root = doc.append_child("aicert-report");
  put(root, "schema-version", report.schema_version);
  put(root, "report-id", report.report_id);
  put(root, "tool-version", report.tool_version);
  put(root, "git-revision", report.git_revision);
  put(root, "created", report.created_utc);
  add_text(root, "command-line", report.command_line);
  if (report.profile) {
    pugi::xml_node p = root.append_child("profile");
    put(p, "id", report.profile->id);
    put(p, "version", report.profile->version);
    put(p, "policy-version", report.profile->policy_version);
    put(p, "sha256", report.profile->sha256);
    put(p, "source", report.profile->source);
  }
  append_inventory(root, report.inventory);
  if (const auto& s = report.scheduler) {
    pugi::xml_node n = root.append_child("scheduler");
    put(n, "name", s->name);
    put(n, "job-id", s->job_id);
    if (!s->step_id.empty()) put(n, "step-id", s->step_id);
    put(n, "nodes", s->nodes);
    if (!s->cluster.empty()) put(n, "cluster", s->cluster);
    if (!s->partition.empty()) put(n, "partition", s->partition);
  }
  if (report.job) {
    pugi::xml_node job = root.append_child("job");
    put(job, "ranks", report.job->ranks);
    for (const JobHost& h : report.job->hosts) {
      pugi::xml_node host = job.append_child("host");
      put(host, "hostname", h.hostname);
      put(host, "ranks", h.ranks);
      if (h.inventory) append_inventory(host, *h.inventory);
    }
  }
  pugi::xml_node cases = root.append_child("cases");
  for (const auto& c : report.cases) append_case(cases, c);
  pugi::xml_node s = root.append_child("summary");
  put(s, "total", report.summary.total);
  put(s, "passed", report.summary.passed);
  put(s, "failed", report.summary.failed);
  put(s, "skipped", report.summary.skipped);
  put(s, "not-supported", report.summary.not_supported);
  put(s, "errors", report.summary.errors);
  put(s, "verdict", report.summary.verdict);
  if (report.certification) {
    const Certification& cert = *report.certification;
    pugi::xml_node n = root.append_child("certification");
    put(n, "verdict", cert.verdict);
    put(n, "highest-tier", cert.highest_tier);
    put(n, "baseline-report-id", cert.baseline_report_id);
    for (const auto& t : cert.tiers) {
      pugi::xml_node k = n.append_child("tier");
      put(k, "id", t.id);
      put(k, "met", t.met);
      put(k, "reason", t.reason);
    }
    for (const auto& r : cert.reasons) add_text(n, "reason", r);
  }
  add_report_digest(doc);
  save(doc, path);
}

std::string case_result_to_line(const CaseResult& c) {
  pugi::xml_document doc;
  append_case(doc, c);
  return one_line_xml(doc);
}

std::string inventory_to_xml(const Inventory& inventory) {
  pugi::xml_document doc;
  append_inventory(doc, inventory);
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  return out.str();
}

void write_inventory_xml(const Inventory& inventory, const std::string& path) {
  pugi::xml_document doc = new_document();
  append_inventory(doc, inventory);
  doc.document_element().prepend_attribute("schema-version").set_value(kReportSchemaVersion);
  save(doc, path);
}

}  // namespace aicert
