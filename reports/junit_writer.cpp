// JUnit XML writer; see junit_writer.h.
#include "reports/junit_writer.h"

#include <pugixml.hpp>
#include <sstream>

#include "reports/atomic_file.h"
#include "reports/xml_lexical.h"

namespace aicert {

namespace {

// "wrong elements 1 > 0 (max abs error 1, bound 3.2e-05)" and the like.
std::string check_message(const CaseResult& c) {
  std::ostringstream m;
  m << verdict_name(c.verdict) << ": " << c.reason;
  if (c.check && !c.check->passed) {
    m << " [wrong " << c.check->wrong_count << " of " << c.check->elements << ", NaN "
      << c.check->nan_count << ", Inf " << c.check->inf_count << ", max abs error "
      << format_double(c.check->max_abs_error) << " vs bound "
      << format_double(c.check->worst_bound) << ", guard bytes touched "
      << c.check->guard_bytes_touched << "]";
  }
  for (const auto& t : c.thresholds) {
    if (t.status == "missed") {
      m << " [" << t.tier << ": " << t.description << ", measured " << format_double(t.measured)
        << " " << t.unit << " vs limit " << format_double(t.limit) << "]";
    }
  }
  return m.str();
}

}  // namespace

std::vector<JunitCase> junit_cases(const Report& report) {
  std::vector<JunitCase> out;
  for (const CaseResult& c : report.cases) {
    JunitCase j;
    j.classname = std::string(workload_name(c.spec.spec)) + "." + c.backend;
    j.name = c.id;
    if (c.timing) {
      for (double s : c.timing->samples_ms) j.seconds += s / 1000.0;
    }
    switch (c.verdict) {
      case Verdict::pass:
      case Verdict::waived: j.kind = JunitCase::Kind::passed; break;
      case Verdict::fail: j.kind = JunitCase::Kind::failure; break;
      case Verdict::crash:
      case Verdict::timeout:
      case Verdict::error: j.kind = JunitCase::Kind::error; break;
      case Verdict::skip:
      case Verdict::not_supported: j.kind = JunitCase::Kind::skipped; break;
    }
    if (j.kind != JunitCase::Kind::passed) j.message = check_message(c);
    if (c.verdict == Verdict::waived) j.detail = c.reason;
    out.push_back(std::move(j));
  }
  return out;
}

void write_junit_xml(const std::string& suite_name, const std::vector<JunitCase>& cases,
                     const std::string& path) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node suites = doc.append_child("testsuites");
  pugi::xml_node suite = suites.append_child("testsuite");
  int failures = 0, errors = 0, skipped = 0;
  double seconds = 0;
  for (const JunitCase& c : cases) {
    pugi::xml_node t = suite.append_child("testcase");
    t.append_attribute("classname") = c.classname.c_str();
    t.append_attribute("name") = c.name.c_str();
    t.append_attribute("time") = format_double(c.seconds).c_str();
    seconds += c.seconds;
    const char* element = nullptr;
    switch (c.kind) {
      case JunitCase::Kind::passed: break;
      case JunitCase::Kind::failure: element = "failure", ++failures; break;
      case JunitCase::Kind::error: element = "error", ++errors; break;
      case JunitCase::Kind::skipped: element = "skipped", ++skipped; break;
    }
    if (element != nullptr) {
      pugi::xml_node e = t.append_child(element);
      e.append_attribute("message") = c.message.c_str();
      if (!c.detail.empty()) e.text().set(c.detail.c_str());
    } else if (!c.detail.empty()) {
      t.append_child("system-out").text().set(c.detail.c_str());
    }
  }
  for (pugi::xml_node n : {suites, suite}) {
    n.prepend_attribute("time") = format_double(seconds).c_str();
    n.prepend_attribute("skipped") = skipped;
    n.prepend_attribute("errors") = errors;
    n.prepend_attribute("failures") = failures;
    n.prepend_attribute("tests") = static_cast<int>(cases.size());
    n.prepend_attribute("name") = suite_name.c_str();
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  write_file_atomically(path, out.str());
}

}  // namespace aicert
