// What the HTML pages (report, comparison, fleet) share: escaping, number formatting, the
// page head with its Content-Security-Policy (no script, no request to any host) and the
// inline style sheet.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace aicert {

// Escapes & < > " ' for text and attribute values alike.
std::string html_escape(std::string_view text);
// printf-formatted; "NaN", "inf", "-inf" for non-finite values.
std::string num(double v, const char* fmt = "%.4g");
// A verdict or change class name as a CSS class ("not supported" -> "not-supported").
std::string css_class(std::string_view name);
// Series colours of the charts.
inline constexpr const char* kChartColours[] = {"#1a73e8", "#e8710a", "#188038", "#9334e6",
                                                "#d01884", "#12a4af", "#b06000", "#5f6368"};
// <!DOCTYPE html> up to and including <body>; `extra_css` follows the shared style sheet.
void page_start(std::ostringstream& h, const std::string& title, std::string_view extra_css = {});

}  // namespace aicert
