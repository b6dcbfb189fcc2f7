// Report schema validation through libxml2's XML Schema support; see report_schema_check.h.
#include "reports/report_schema_check.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <memory>
#include <stdexcept>

#include "reports/report_schema_text.h"  // generated: kReportSchemaXsd, the XSD's bytes

namespace aicert {

namespace {

struct FirstError {
  std::string path;
  std::string text;
};

void keep_first(void* user, xmlErrorPtr error) {
  auto* first = static_cast<FirstError*>(user);
  if (!first->text.empty() || error == nullptr) return;
  std::string message = error->message != nullptr ? error->message : "invalid";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  first->text = first->path + ":" + std::to_string(error->line) + ": " + message;
}

}  // namespace

std::string report_schema_errors(const std::string& path) {
  using ParserPtr = std::unique_ptr<xmlSchemaParserCtxt, decltype(&xmlSchemaFreeParserCtxt)>;
  using SchemaPtr = std::unique_ptr<xmlSchema, decltype(&xmlSchemaFree)>;
  using ValidPtr = std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)>;
  ParserPtr parser(xmlSchemaNewMemParserCtxt(kReportSchemaXsd, sizeof kReportSchemaXsd - 1),
                   &xmlSchemaFreeParserCtxt);
  if (!parser) throw std::runtime_error("cannot load the compiled-in report schema");
  SchemaPtr schema(xmlSchemaParse(parser.get()), &xmlSchemaFree);
  if (!schema) throw std::runtime_error("the compiled-in report schema does not parse");
  ValidPtr valid(xmlSchemaNewValidCtxt(schema.get()), &xmlSchemaFreeValidCtxt);
  if (!valid) throw std::runtime_error("cannot make a schema validation context");
  FirstError first{path, {}};
  xmlSchemaSetValidStructuredErrors(valid.get(), &keep_first, &first);
  const int rc = xmlSchemaValidateFile(valid.get(), path.c_str(), XML_PARSE_NONET);
  if (rc == 0) return {};
  return first.text.empty() ? path + ": does not validate against the report schema" : first.text;
}

}  // namespace aicert
