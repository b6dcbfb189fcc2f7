// Request encoding of the certify worker protocol; see worker_protocol.h.
#include "harness/worker_protocol.h"

#include <pugixml.hpp>
#include <vector>

#include "reports/spec_xml.h"
#include "reports/xml_lexical.h"
#include "reports/xml_source.h"

namespace aicert {

namespace {
// The request's own encoding: one line of XML, versioned by its root element.
//   <aicert-request version="2" case-id="..." backend="cpu" device="0" device-name="..."
//       impl="cpu:blocked" tolerance-c="0" repeat-check-s="0">
//     <policy warmups="2" min-reps="5" min-time-ms="100" max-reps="1000" max-time-ms="5000"
//             max-cv="0.1"/>
//     <gemm m="64" ... seed="42"/>
//   </aicert-request>
// The spec element is the report's (reports/spec_xml.h). A parent and a worker of different
// versions refuse each other's lines with a clear error instead of misreading them.
constexpr const char* kRoot = "aicert-request";
constexpr int kVersion = 2;

void put(pugi::xml_node n, const char* name, const std::string& v) {
  n.append_attribute(name).set_value(xml_text(v).c_str());
}
void put(pugi::xml_node n, const char* name, double v) { put(n, name, format_double(v)); }
void put(pugi::xml_node n, const char* name, int v) { put(n, name, std::to_string(v)); }
}  // namespace

CaseResult result_without_worker(const WorkerRequest& r, Verdict verdict, std::string reason) {
  CaseResult c;
  c.id = r.case_id;
  c.spec = r.request.spec;
  c.backend = r.request.backend;
  c.device = r.request.device;
  c.device_name = r.request.device_name;
  c.impl = r.request.impl;
  c.verdict = verdict;
  c.reason = std::move(reason);
  return c;
}

std::string encode_request(const WorkerRequest& r) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child(kRoot);
  put(root, "version", kVersion);
  put(root, "case-id", r.case_id);
  put(root, "backend", r.request.backend);
  put(root, "device", r.request.device);
  put(root, "device-name", r.request.device_name);
  put(root, "impl", r.request.impl);
  put(root, "tolerance-c", r.request.spec.tolerance_c);
  put(root, "repeat-check-s", r.repeat_check_s);
  pugi::xml_node p = root.append_child("policy");
  put(p, "warmups", r.policy.warmups);
  put(p, "min-reps", r.policy.min_repetitions);
  put(p, "min-time-ms", r.policy.min_time_ms);
  put(p, "max-reps", r.policy.max_repetitions);
  put(p, "max-time-ms", r.policy.max_time_ms);
  put(p, "max-cv", r.policy.max_cv);
  append_spec_element(root, r.request.spec);
  return one_line_xml(doc);
}

WorkerRequest decode_request(std::string_view line) {
  const XmlSource x("worker request", std::vector<char>(line.begin(), line.end()), 1);
  const pugi::xml_node root = x.root();
  if (std::string_view(root.name()) != kRoot) {
    x.fail(root, "expected <" + std::string(kRoot) + ">, found <" + std::string(root.name()) + ">");
  }
  if (const int v = x.integer<int>(root, "version"); v != kVersion) {
    x.fail(root.attribute("version"), root,
           "request version " + std::to_string(v) + ", but this worker speaks version " +
               std::to_string(kVersion) + " (parent and worker are different aicert builds)");
  }
  WorkerRequest r;
  r.case_id = x.string(root, "case-id");
  r.request.backend = x.string(root, "backend");
  r.request.device = x.integer<int>(root, "device", 0);
  r.request.device_name = x.string(root, "device-name");
  r.request.impl = x.string(root, "impl");
  r.repeat_check_s = x.real(root, "repeat-check-s");
  const pugi::xml_node p = x.child(root, "policy");
  r.policy.warmups = x.integer<int>(p, "warmups", 0);
  r.policy.min_repetitions = x.integer<int>(p, "min-reps", 1);
  r.policy.min_time_ms = x.real(p, "min-time-ms");
  r.policy.max_repetitions = x.integer<int>(p, "max-reps", 1);
  r.policy.max_time_ms = x.real(p, "max-time-ms");
  r.policy.max_cv = x.real(p, "max-cv");
  r.request.spec = read_spec_element(x, root, "");
  r.request.spec.tolerance_c = x.real(root, "tolerance-c");
  if (const std::string why = validate_policy(r.policy); !why.empty()) x.fail(p, why);
  return r;
}

}  // namespace aicert
