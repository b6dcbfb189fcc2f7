// Loading an XML file with a map from byte offsets to lines, and located, typed accessors.
#include "reports/xml_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>

#include "workloads/memory_need.h"

namespace aicert {

namespace {

std::vector<char> read_whole_file(const std::string& path, std::size_t max_bytes,
                                  std::string_view kind) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw ReportParseError(path + ": cannot open: " + std::strerror(errno));
  const auto too_large = [&](const std::string& size) {
    ::close(fd);
    return ReportParseError(path + ": larger than the " +
                            memory_text(static_cast<double>(max_bytes)) + " a " +
                            std::string(kind) + " may be (" + size + "not read further)");
  };
  // A regular file says its size up front; a pipe or a file still growing is caught below.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    throw too_large(std::to_string(st.st_size) + " bytes; ");
  }
  std::vector<char> data;
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw ReportParseError(path + ": cannot read: " + std::strerror(err));
    }
    data.insert(data.end(), chunk, chunk + n);
    if (data.size() > max_bytes) throw too_large("");
  }
  ::close(fd);
  return data;
}

}  // namespace

XmlSource::XmlSource(std::string path, std::size_t max_bytes, std::string_view kind)
    : XmlSource(path, read_whole_file(path, max_bytes, kind), 1) {}

XmlSource::XmlSource(std::string name, std::vector<char> content, int first_line)
    : path_(std::move(name)), first_line_(first_line), buffer_(std::move(content)) {
  // Lines are counted before parsing: in-place parsing rewrites the buffer.
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < buffer_.size(); ++i) {
    if (buffer_[i] == '\n') line_starts_.push_back(i + 1);
  }
  // parse_ws_pcdata_single keeps <reason> </reason> as " ", yet drops indentation.
  const pugi::xml_parse_result result = doc_.load_buffer_inplace(
      buffer_.data(), buffer_.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!result) {
    std::ptrdiff_t offset = result.offset;
    std::string what = std::string("not well-formed XML: ") + result.description();
    if (buffer_.empty()) {
      what = "empty file, expected XML";
    } else if (result.status == pugi::status_no_document_element) {
      offset = 0;
      what = "no XML element in the file (is it XML at all?)";
    } else if (std::find(
                   buffer_.begin() + std::clamp<std::ptrdiff_t>(offset, 0, std::ssize(buffer_)),
                   buffer_.end(), '>') == buffer_.end()) {
      // No tag is closed after the error: the file stops inside the document. Name the line
      // where its text stops.
      const std::string_view text(buffer_.data(), buffer_.size());
      offset = static_cast<std::ptrdiff_t>(text.find_last_not_of(" \t\r\n"));
      what = std::string("truncated file: the XML document does not end (") + result.description() +
             ")";
    }
    throw ReportParseError(path_ + ":" + std::to_string(line_at(offset)) + ": " + what);
  }
}

int XmlSource::line_at(std::ptrdiff_t offset) const {
  if (offset < 0) return first_line_ - 1;
  const auto it =
      std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<std::size_t>(offset));
  return static_cast<int>(it - line_starts_.begin()) + first_line_ - 1;
}

std::ptrdiff_t XmlSource::offset_of(const char* p) const {
  const std::less<const char*> before;
  if (buffer_.empty() || before(p, buffer_.data()) || !before(p, buffer_.data() + buffer_.size())) {
    return -1;
  }
  return p - buffer_.data();
}

int XmlSource::line_of(pugi::xml_node node) const {
  const char* p = node.type() == pugi::node_element ? node.name() : node.value();
  const std::ptrdiff_t offset = offset_of(p);
  return line_at(offset >= 0 ? offset : node.offset_debug());
}

int XmlSource::line_of(pugi::xml_attribute attr, pugi::xml_node owner) const {
  const std::ptrdiff_t offset = attr ? offset_of(attr.value()) : -1;
  return offset >= 0 ? line_at(offset) : line_of(owner);
}

void XmlSource::fail(pugi::xml_node at, const std::string& what) const {
  throw ReportParseError(path_ + ":" + std::to_string(line_of(at)) + ": " + what);
}

void XmlSource::fail(pugi::xml_attribute at, pugi::xml_node owner, const std::string& what) const {
  throw ReportParseError(path_ + ":" + std::to_string(line_of(at, owner)) + ": " + what);
}

std::string XmlSource::describe(pugi::xml_node node, pugi::xml_attribute attr) {
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string chains.
  std::string s = "<";
  s.append(node.name()).append("> attribute ").append(attr.name());
  s.append("=\"").append(attr.value()).append("\"");
  return s;
}

pugi::xml_node XmlSource::child(pugi::xml_node parent, const char* name) const {
  const pugi::xml_node c = parent.child(name);
  if (!c) fail(parent, "<" + std::string(parent.name()) + "> has no <" + name + "> element");
  return c;
}

std::string XmlSource::optional_text(pugi::xml_node parent, const char* name) const {
  return parent.child(name).text().get();
}

pugi::xml_attribute XmlSource::attribute(pugi::xml_node node, const char* name) const {
  const pugi::xml_attribute attr = node.attribute(name);
  if (!attr) fail(node, "<" + std::string(node.name()) + "> has no attribute " + name);
  return attr;
}

std::string XmlSource::string(pugi::xml_node node, const char* name) const {
  return attribute(node, name).value();
}

double XmlSource::real(pugi::xml_node node, const char* name) const {
  const pugi::xml_attribute attr = attribute(node, name);
  const std::optional<double> v = parse_double(attr.value());
  if (!v) fail(attr, node, describe(node, attr) + " is not a number (xs:double)");
  return *v;
}

bool XmlSource::boolean(pugi::xml_node node, const char* name) const {
  const pugi::xml_attribute attr = attribute(node, name);
  const std::optional<bool> v = parse_bool(attr.value());
  if (!v) fail(attr, node, describe(node, attr) + " is not true or false");
  return *v;
}

std::uint16_t XmlSource::hex16(pugi::xml_node node, const char* name) const {
  const pugi::xml_attribute attr = attribute(node, name);
  const std::optional<std::uint16_t> v = parse_hex16(attr.value());
  if (!v) fail(attr, node, describe(node, attr) + " is not a 16-bit hex id like 0x10de");
  return *v;
}

}  // namespace aicert
