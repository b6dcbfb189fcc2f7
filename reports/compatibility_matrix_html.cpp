// The compatibility matrix page and its XML; see compatibility_matrix.h. The filters are radio
// buttons and one CSS rule per choice (body:has(#fv-2:checked) .entry:not(.v-2) hides the
// others): the page keeps the report pages' policy of no script at all.
#include <pugixml.hpp>
#include <sstream>

#include "reports/compatibility_matrix.h"
#include "reports/html_common.h"

namespace aicert {

namespace {

constexpr const char* kMatrixCss = R"(
.filters{margin:.5em 0}.filters input{margin-left:1em}
.entry{border-top:1px dotted #ccc;padding:2px 0;font-size:12px}.entry:first-child{border-top:0}
.entry.best{font-size:13px}.entry.best .tier{font-weight:700}
.entry.withdrawn,.entry.superseded,.entry.expired{color:#5f6368}
.entry.withdrawn .what,.entry.superseded .what,.entry.expired .what{text-decoration:line-through}
.state{font-weight:600;color:#b06000}.CERTIFIED{color:#188038;font-weight:600}
.NOT-CERTIFIED{color:#d93025;font-weight:600}.INCOMPLETE{color:#b06000;font-weight:600}
td.empty{background:#fafafa;color:#999}th.sw{font-weight:normal;font-size:12px}
)";

std::string index_class(const char* prefix, const std::vector<std::string>& all,
                        const std::string& item) {
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i] == item) return std::string(prefix) + std::to_string(i);
  }
  return {};
}

void entry_html(std::ostringstream& h, const CompatibilityMatrix& m, const MatrixEntry& e,
                bool best) {
  std::string classes = "entry " + e.state + " " + index_class("v-", m.vendors, e.vendor);
  for (const auto& b : e.backends) classes += " " + index_class("b-", m.backends, b);
  if (best) classes += " best";
  std::string verdict_class = e.verdict;
  for (char& c : verdict_class) c = c == ' ' ? '-' : c;
  h << "<div class=\"" << html_escape(classes) << "\"><span class=\"what\"><span class=\""
    << html_escape(verdict_class) << "\">" << html_escape(e.verdict) << "</span>";
  if (!e.tier.empty()) h << " <span class=\"tier\">" << html_escape(e.tier) << "</span>";
  h << "</span> &middot; " << html_escape(e.vendor) << " &middot; " << html_escape(e.profile_id)
    << " " << html_escape(e.profile_version) << " &middot; " << html_escape(e.created.substr(0, 10))
    << " &middot; <a href=\"" << html_escape(e.report_link) << "\">report</a> <code>"
    << html_escape(e.digest.substr(0, 12)) << "</code>";
  if (e.state != "current") {
    h << "<br><span class=\"state\">" << html_escape(e.state) << "</span>: "
      << html_escape(e.state_note);
  } else if (!e.waivers.empty()) {
    h << "<br>waivers: " << html_escape(e.waivers);
  }
  h << "</div>";
}

}  // namespace

std::string compatibility_matrix_html(const CompatibilityMatrix& m) {
  std::ostringstream css;
  css << kMatrixCss;
  for (std::size_t i = 0; i < m.vendors.size(); ++i) {
    css << "body:has(#fv-" << i << ":checked) .entry:not(.v-" << i << "){display:none}";
  }
  for (std::size_t i = 0; i < m.backends.size(); ++i) {
    css << "body:has(#fb-" << i << ":checked) .entry:not(.b-" << i << "){display:none}";
  }
  std::ostringstream h;
  page_start(h, m.programme + " compatibility matrix", css.str());
  h << "<h1>" << html_escape(m.programme) << " compatibility matrix</h1>\n<p>" << m.submissions
    << " accepted submission(s), " << m.current << " current as of " << html_escape(m.date)
    << ". Each cell lists what was certified on that hardware with that software, the best "
       "current result first; every submission's digest and signature were verified and its "
       "verdict recomputed from its cases when it was accepted. Published from a ledger of "
    << m.ledger_records << " records, head sha256 <code>" << html_escape(m.ledger_head)
    << "</code>.</p>\n";

  h << "<div class=\"filters\">Vendor:<input type=\"radio\" name=\"fv\" id=\"fv-all\" checked>"
       "<label for=\"fv-all\">all</label>";
  for (std::size_t i = 0; i < m.vendors.size(); ++i) {
    h << "<input type=\"radio\" name=\"fv\" id=\"fv-" << i << "\"><label for=\"fv-" << i << "\">"
      << html_escape(m.vendors[i]) << "</label>";
  }
  h << "</div>\n<div class=\"filters\">Backend:<input type=\"radio\" name=\"fb\" id=\"fb-all\" "
       "checked><label for=\"fb-all\">all</label>";
  for (std::size_t i = 0; i < m.backends.size(); ++i) {
    h << "<input type=\"radio\" name=\"fb\" id=\"fb-" << i << "\"><label for=\"fb-" << i << "\">"
      << html_escape(m.backends[i]) << "</label>";
  }
  h << "</div>\n";
  h << "<div class=\"matrix\"><table><tr><th>hardware \\ software</th>";
  for (const auto& c : m.columns) {
    h << "<th class=\"sw\"><b>" << html_escape(c.os) << "</b><br>kernel " << html_escape(c.kernel)
      << "<br>" << html_escape(c.runtimes) << "</th>";
  }
  h << "</tr>\n";
  for (std::size_t r = 0; r < m.rows.size(); ++r) {
    h << "<tr><th><b>" << html_escape(m.rows[r].accelerators) << "</b><br>"
      << html_escape(m.rows[r].server) << "</th>";
    for (std::size_t c = 0; c < m.columns.size(); ++c) {
      const auto it = m.cells.find({r, c});
      if (it == m.cells.end()) {
        h << "<td class=\"empty\">not submitted</td>";
        continue;
      }
      h << "<td>";
      for (std::size_t i = 0; i < it->second.entries.size(); ++i) {
        entry_html(h, m, it->second.entries[i], i == 0 && it->second.has_current);
      }
      h << "</td>";
    }
    h << "</tr>\n";
  }
  h << "</table></div>\n<h2>No longer counted</h2>\n";
  bool any = false;
  for (const auto& [where, cell] : m.cells) {
    for (const auto& e : cell.entries) {
      if (e.state == "current") continue;
      if (!any) h << "<ul>";
      any = true;
      h << "<li><code>" << html_escape(e.digest.substr(0, 12)) << "</code> " << html_escape(e.vendor)
        << ", " << html_escape(e.accelerators) << " in " << html_escape(e.server) << ": <b>"
        << html_escape(e.state) << "</b>, " << html_escape(e.state_note) << "</li>";
    }
  }
  h << (any ? "</ul>\n" : "<p>Nothing: every accepted submission still counts.</p>\n");
  h << "</body></html>\n";
  return h.str();
}

std::string compatibility_matrix_xml(const CompatibilityMatrix& m) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("compatibility-matrix");
  root.append_attribute("programme").set_value(m.programme.c_str());
  root.append_attribute("date").set_value(m.date.c_str());
  root.append_attribute("submissions").set_value(m.submissions);
  root.append_attribute("current").set_value(m.current);
  root.append_attribute("ledger-records").set_value(m.ledger_records);
  root.append_attribute("ledger-head").set_value(m.ledger_head.c_str());
  for (std::size_t r = 0; r < m.rows.size(); ++r) {
    pugi::xml_node n = root.append_child("hardware");
    n.append_attribute("index").set_value(static_cast<unsigned>(r));
    n.append_attribute("accelerators").set_value(m.rows[r].accelerators.c_str());
    n.append_attribute("server").set_value(m.rows[r].server.c_str());
  }
  for (std::size_t c = 0; c < m.columns.size(); ++c) {
    pugi::xml_node n = root.append_child("software");
    n.append_attribute("index").set_value(static_cast<unsigned>(c));
    n.append_attribute("os").set_value(m.columns[c].os.c_str());
    n.append_attribute("kernel").set_value(m.columns[c].kernel.c_str());
    n.append_attribute("runtimes").set_value(m.columns[c].runtimes.c_str());
  }
  for (const auto& [where, cell] : m.cells) {
    pugi::xml_node n = root.append_child("cell");
    n.append_attribute("hardware").set_value(static_cast<unsigned>(where.first));
    n.append_attribute("software").set_value(static_cast<unsigned>(where.second));
    if (cell.has_current) {
      n.append_attribute("best-verdict").set_value(cell.entries.front().verdict.c_str());
      n.append_attribute("best-tier").set_value(cell.entries.front().tier.c_str());
    }
    for (const auto& e : cell.entries) {
      pugi::xml_node s = n.append_child("submission");
      s.append_attribute("digest").set_value(e.digest.c_str());
      s.append_attribute("vendor").set_value(e.vendor.c_str());
      s.append_attribute("profile").set_value((e.profile_id + " " + e.profile_version).c_str());
      s.append_attribute("verdict").set_value(e.verdict.c_str());
      s.append_attribute("tier").set_value(e.tier.c_str());
      s.append_attribute("state").set_value(e.state.c_str());
      if (!e.state_note.empty()) s.append_attribute("note").set_value(e.state_note.c_str());
      s.append_attribute("created").set_value(e.created.c_str());
      s.append_attribute("report").set_value(e.report_link.c_str());
    }
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace aicert
