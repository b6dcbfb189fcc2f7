// A case spec as the XML element of its workload (<gemm m=".." ... seed=".."/>), written and read
// through the workload's descriptor (workloads/workload.h): shared by the report, the journal
// and the worker request, so the three cannot disagree on a spec's attributes.
#pragma once

#include <pugixml.hpp>
#include <string>

#include "reports/xml_source.h"
#include "workloads/case_spec.h"

namespace aicert {

// Appends the spec's element, named after its workload, to `parent`.
void append_spec_element(pugi::xml_node parent, const CaseSpec& spec);

// Reads the one spec element among `parent`'s children; fails (file:line) when there is none,
// or when `workload` is not empty and names another workload than the element's.
CaseSpec read_spec_element(const XmlSource& x, pugi::xml_node parent, const std::string& workload);

// The document as one line: line breaks inside values become character references (the same
// characters to a reader), so a record of a line-based file or pipe cannot be split.
std::string one_line_xml(const pugi::xml_document& doc);

}  // namespace aicert
