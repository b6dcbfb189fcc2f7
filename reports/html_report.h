// HTML for people: a report (what `aicert report --html` and certify write) and a comparison
// (`aicert compare --html`). One self-contained file each: inline CSS and SVG, no script, no
// request to any other host, readable with JavaScript off; every text is escaped.
#pragma once

#include <string>
#include <string_view>

#include "reports/report.h"
#include "reports/report_compare.h"

namespace aicert {

std::string html_escape(std::string_view text);
std::string report_html(const Report& report);
std::string comparison_html(const Comparison& comparison, const Report& old_report,
                            const Report& new_report);
// Writes atomically (the old file stays whole if writing fails).
void write_html(const std::string& html, const std::string& path);

}  // namespace aicert
