// The XML Schema lexical forms of the values in report XML: xs:double (exact round trip, with
// NaN, INF and -INF), the xs:integer family, xs:boolean and 16-bit hex ids ("0x10de").
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace aicert {

// The shortest text that reads back as exactly `v` ("0.1", "5e-324", "-0", "NaN", "-INF").
std::string format_double(double v);
std::optional<double> parse_double(std::string_view text);

std::optional<bool> parse_bool(std::string_view text);  // true, false, 1, 0

std::string format_hex16(std::uint16_t v);  // "0x" and four lower-case hex digits
std::optional<std::uint16_t> parse_hex16(std::string_view text);

// XML 1.0 cannot carry C0 controls other than tab, LF and CR, U+FFFE/U+FFFF, or malformed
// UTF-8. Such bytes (garbage in a DMI field, say) become U+FFFD so the file stays well-formed.
std::string xml_text(std::string_view s);

// XSD collapses white space around numbers: " 12 " is 12.
std::string_view trim_xml_space(std::string_view text);

// An xs:integer ("+12", "-3", " 7 ") that fits T; nullopt otherwise.
template <class T>
std::optional<T> parse_integer(std::string_view text) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  text = trim_xml_space(text);
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace aicert
