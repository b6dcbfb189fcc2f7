// XML Schema lexical forms of doubles, booleans and hex ids.
#include "reports/xml_lexical.h"

#include <array>
#include <cctype>
#include <cmath>
#include <limits>

namespace aicert {

std::string_view trim_xml_space(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::string format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "INF" : "-INF";
  // to_chars without a precision gives the shortest form that from_chars maps back to v.
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), ec == std::errc() ? end : buf.data());
}

std::optional<double> parse_double(std::string_view text) {
  text = trim_xml_space(text);
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "INF" || text == "+INF") return std::numeric_limits<double>::infinity();
  if (text == "-INF") return -std::numeric_limits<double>::infinity();
  // from_chars also takes "inf", "nan" and "infinity", which are not xs:double: the mantissa
  // must start with a digit or a point.
  std::string_view mantissa = text;
  bool negative = false;
  if (!mantissa.empty() && (mantissa[0] == '+' || mantissa[0] == '-')) {
    negative = mantissa[0] == '-';
    mantissa.remove_prefix(1);
  }
  if (mantissa.empty() ||
      !(std::isdigit(static_cast<unsigned char>(mantissa[0])) || mantissa[0] == '.')) {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(mantissa.data(), mantissa.data() + mantissa.size(), value);
  if (ec != std::errc() || end != mantissa.data() + mantissa.size()) return std::nullopt;
  return negative ? -value : value;
}

std::optional<bool> parse_bool(std::string_view text) {
  text = trim_xml_space(text);
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return std::nullopt;
}

std::string format_hex16(std::uint16_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) s += kHex[(v >> shift) & 0xf];
  return s;
}

std::optional<std::uint16_t> parse_hex16(std::string_view text) {
  text = trim_xml_space(text);
  if (text.size() != 6 || text[0] != '0' || text[1] != 'x') return std::nullopt;
  std::uint16_t value = 0;
  const auto [end, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string xml_text(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      len = 1, cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07;
    }
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t j = 1; ok && j < len; ++j) {
      const auto c = static_cast<unsigned char>(s[i + j]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) &&
         cp != 0xFFFE && cp != 0xFFFF && (cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r');
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append(kReplacement);
      ++i;
    }
  }
  return out;
}

}  // namespace aicert
