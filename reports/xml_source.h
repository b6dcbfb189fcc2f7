// An XML file loaded for reading whose every error says "file:line: what is wrong": typed,
// required attributes and children, each failure located at the element or attribute at fault.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report_xml.h"
#include "reports/xml_lexical.h"

namespace aicert {

class XmlSource {
 public:
  // Reads and parses `path`; throws ReportParseError when it cannot be read, is larger than
  // max_bytes (a `kind`, "profile", may be no larger: "file: larger than the 4.0 MiB a profile
  // may be (5242880 bytes; not read further)"; a pipe is read no further than the limit) or is
  // not well-formed XML (with the line of the first error).
  XmlSource(std::string path, std::size_t max_bytes, std::string_view kind);
  // Parses `content` (e.g. one record of a journal); errors name `name` and count lines from
  // `first_line`.
  XmlSource(std::string name, std::vector<char> content, int first_line);
  XmlSource(const XmlSource&) = delete;
  XmlSource& operator=(const XmlSource&) = delete;

  const std::string& path() const { return path_; }
  pugi::xml_node root() const { return doc_.document_element(); }

  // 1-based line of a node (its name, or its text for a text node) or of an attribute's value.
  int line_of(pugi::xml_node node) const;
  int line_of(pugi::xml_attribute attr, pugi::xml_node owner) const;

  [[noreturn]] void fail(pugi::xml_node at, const std::string& what) const;
  [[noreturn]] void fail(pugi::xml_attribute at, pugi::xml_node owner,
                         const std::string& what) const;

  // The first child element named `name`; fails when there is none.
  pugi::xml_node child(pugi::xml_node parent, const char* name) const;
  // The text of child element `name`, or "" when there is no such child.
  std::string optional_text(pugi::xml_node parent, const char* name) const;

  // Required attributes of `node`, converted; a missing or malformed one fails.
  pugi::xml_attribute attribute(pugi::xml_node node, const char* name) const;
  std::string string(pugi::xml_node node, const char* name) const;
  double real(pugi::xml_node node, const char* name) const;
  bool boolean(pugi::xml_node node, const char* name) const;
  std::uint16_t hex16(pugi::xml_node node, const char* name) const;

  template <class T>
  T integer(pugi::xml_node node, const char* name, T min = std::numeric_limits<T>::lowest(),
            T max = std::numeric_limits<T>::max()) const {
    const pugi::xml_attribute attr = attribute(node, name);
    const std::optional<T> v = parse_integer<T>(attr.value());
    if (!v || *v < min || *v > max) {
      fail(attr, node,
           describe(node, attr) + " is not an integer in [" + std::to_string(min) + ", " +
               std::to_string(max) + "]");
    }
    return *v;
  }

  // An enumerated attribute: `parse` maps a name to a value; `kind` names the enumeration.
  template <class E>
  E enumerated(pugi::xml_node node, const char* name, std::optional<E> (*parse)(std::string_view),
               std::string_view kind) const {
    const pugi::xml_attribute attr = attribute(node, name);
    const std::optional<E> v = parse(attr.value());
    if (!v) fail(attr, node, describe(node, attr) + " is not a known " + std::string(kind));
    return *v;
  }

  // `<case> attribute verdict="maybe"`
  static std::string describe(pugi::xml_node node, pugi::xml_attribute attr);

 private:
  int line_at(std::ptrdiff_t offset) const;
  // Offset of p in buffer_, or -1 when p does not point into it.
  std::ptrdiff_t offset_of(const char* p) const;

  std::string path_;
  int first_line_ = 1;
  std::vector<std::size_t> line_starts_;  // byte offset where each line begins
  std::vector<char> buffer_;              // parsed in place: names and values point into it
  pugi::xml_document doc_;
};

}  // namespace aicert
