// How a workload writes its case spec into, and reads it back from, the attributes of one
// report element (<gemm m=".." .../>), without knowing the XML library: the report writer and
// reader implement these two interfaces over pugixml, so every read error still names the
// file and line of the attribute at fault.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aicert {

class SpecAttributeWriter {
 public:
  virtual ~SpecAttributeWriter() = default;
  virtual void put(const char* name, std::string_view value) = 0;
  virtual void put(const char* name, std::int64_t value) = 0;
  virtual void put(const char* name, double value) = 0;  // written so that it reads back exactly
  virtual void put(const char* name, bool value) = 0;
  // A string literal would otherwise convert to bool.
  void put(const char* name, const char* value) = delete;
  void put(const char* name, int value) { put(name, static_cast<std::int64_t>(value)); }
};

// Every accessor reads a required attribute and fails (throws, naming file, line and what is
// wrong) when it is missing or malformed. fail(name, what) throws
// "file:line: <element> attribute name=\"value\" what".
class SpecAttributeReader {
 public:
  virtual ~SpecAttributeReader() = default;
  virtual std::string text(const char* name) const = 0;
  virtual std::int64_t integer(const char* name, std::int64_t min, std::int64_t max) const = 0;
  virtual double real(const char* name) const = 0;
  virtual bool boolean(const char* name) const = 0;
  [[noreturn]] virtual void fail(const char* name, const std::string& what) const = 0;

  // An enumerated attribute: `parse` maps a name to a value; `kind` names the enumeration.
  template <class E>
  E enumerated(const char* name, std::optional<E> (*parse)(std::string_view),
               std::string_view kind) const {
    const std::string value = text(name);
    const std::optional<E> v = parse(value);
    if (!v) fail(name, "is not a known " + std::string(kind));
    return *v;
  }
};

}  // namespace aicert
