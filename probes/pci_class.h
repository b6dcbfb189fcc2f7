// Human names of PCI class codes (PCI Code and ID Assignment spec), so an inventory reads
// "Display controller" rather than 0x0300 without needing pci.ids at run time.
#pragma once

#include <cstdint>
#include <string>

namespace aicert {

// class_id is base class << 8 | subclass. The subclass name when we know it (e.g. "3D
// controller", "Ethernet controller"), else the base-class name, else "Unknown class 0xNN".
std::string pci_class_name(std::uint16_t class_id);

}  // namespace aicert
