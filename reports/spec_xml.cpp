// Spec elements through the workload descriptors; see spec_xml.h.
#include "reports/spec_xml.h"

#include <sstream>

#include "reports/xml_lexical.h"
#include "workloads/workload_registry.h"

namespace aicert {

namespace {

class SpecElementWriter final : public SpecAttributeWriter {
 public:
  explicit SpecElementWriter(pugi::xml_node n) : n_(n) {}
  using SpecAttributeWriter::put;
  void put(const char* name, std::string_view v) override { set(name, xml_text(v)); }
  void put(const char* name, std::int64_t v) override { set(name, std::to_string(v)); }
  void put(const char* name, double v) override { set(name, format_double(v)); }
  void put(const char* name, bool v) override { set(name, v ? "true" : "false"); }

 private:
  void set(const char* name, const std::string& v) {
    n_.append_attribute(name).set_value(v.c_str());
  }
  pugi::xml_node n_;
};

// Each error at the attribute's line.
class SpecElementReader final : public SpecAttributeReader {
 public:
  SpecElementReader(const XmlSource& x, pugi::xml_node n) : x_(x), n_(n) {}
  std::string text(const char* name) const override { return x_.string(n_, name); }
  std::int64_t integer(const char* name, std::int64_t min, std::int64_t max) const override {
    return x_.integer<std::int64_t>(n_, name, min, max);
  }
  double real(const char* name) const override { return x_.real(n_, name); }
  bool boolean(const char* name) const override { return x_.boolean(n_, name); }
  [[noreturn]] void fail(const char* name, const std::string& what) const override {
    const pugi::xml_attribute attr = x_.attribute(n_, name);
    x_.fail(attr, n_, XmlSource::describe(n_, attr) + " " + what);
  }

 private:
  const XmlSource& x_;
  pugi::xml_node n_;
};

}  // namespace

void append_spec_element(pugi::xml_node parent, const CaseSpec& spec) {
  const Workload& w = workload_of(spec.spec);
  pugi::xml_node n = parent.append_child(std::string(w.name()).c_str());
  SpecElementWriter out(n);
  w.write_spec(spec.spec, out);
  n.append_attribute("seed").set_value(std::to_string(spec.seed).c_str());
}

CaseSpec read_spec_element(const XmlSource& x, pugi::xml_node parent, const std::string& workload) {
  for (const Workload* w : registered_workloads()) {
    const std::string name(w->name());
    if (const pugi::xml_node spec = parent.child(name.c_str())) {
      if (!workload.empty() && workload != name) {
        x.fail(parent.attribute("workload"), parent,
               "<" + std::string(parent.name()) + "> says workload=\"" + workload +
                   "\" but holds a <" + name + "> spec");
      }
      return CaseSpec{w->read_spec(SpecElementReader(x, spec)),
                      x.integer<std::uint64_t>(spec, "seed")};
    }
  }
  std::string known;
  for (const Workload* w : registered_workloads()) {
    known += std::string(known.empty() ? "" : ", ") + "<" + std::string(w->name()) + ">";
  }
  x.fail(parent,
         "<" + std::string(parent.name()) + "> has no workload spec element (" + known + ")");
}

std::string one_line_xml(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  std::string line;
  for (const char ch : out.str()) {
    if (ch == '\n') {
      line += "&#10;";
    } else if (ch == '\r') {
      line += "&#13;";
    } else {
      line += ch;
    }
  }
  return line;
}

}  // namespace aicert
