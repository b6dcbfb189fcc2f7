// The HTML pages' shared pieces: escaping, numbers, the page head and its style sheet.
#include "reports/html_common.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace aicert {

namespace {

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#1d1d1f;padding:0 1em}
h1{font-size:1.6em;margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
.verdict{padding:1em 1.2em;border-radius:8px;margin:1em 0;font-size:1.15em}
.good{background:#e6f4ea;border:1px solid #34a853}.bad{background:#fce8e6;border:1px solid #d93025}
.warn{background:#fef7e0;border:1px solid #f9ab00}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#188038}.fail,.crash,.timeout,.error,.regression,.status-change{color:#d93025;font-weight:600}
.waived,.noisy{color:#b06000}.not-supported,.skip,.missing,.new{color:#5f6368}.improvement{color:#188038}
code{font-size:12px}svg{max-width:100%;height:auto}
)";

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string num(double v, const char* fmt) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string css_class(std::string_view name) {
  std::string s(name);
  std::replace(s.begin(), s.end(), ' ', '-');
  return s;
}

void page_start(std::ostringstream& h, const std::string& title, std::string_view extra_css) {
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<title>"
    << html_escape(title) << "</title><style>" << kStyle << extra_css << "</style></head><body>\n";
}

}  // namespace aicert
