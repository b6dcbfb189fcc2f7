// PCI class-code table: base classes, plus the subclasses an AI server inventory cares about
// (accelerators, GPUs, NICs, fabrics, NVMe).
#include "probes/pci_class.h"

#include <cstdio>

namespace aicert {

std::string pci_class_name(std::uint16_t class_id) {
  switch (class_id) {
    case 0x0106:
      return "SATA controller";
    case 0x0107:
      return "Serial Attached SCSI controller";
    case 0x0108:
      return "Non-Volatile memory controller";
    case 0x0200:
      return "Ethernet controller";
    case 0x0207:
      return "Infiniband controller";
    case 0x0208:
      return "Fabric controller";
    case 0x0300:
      return "VGA compatible controller";
    case 0x0302:
      return "3D controller";
    case 0x0403:
      return "Audio device";
    case 0x0600:
      return "Host bridge";
    case 0x0604:
      return "PCI bridge";
    case 0x0c03:
      return "USB controller";
    case 0x0c05:
      return "SMBus";
    case 0x1200:
      return "Processing accelerators";
    case 0x1201:
      return "SNIA Smart Data Accelerator Interface controller";
    default:
      break;
  }
  switch (class_id >> 8) {
    case 0x00:
      return "Unclassified device";
    case 0x01:
      return "Mass storage controller";
    case 0x02:
      return "Network controller";
    case 0x03:
      return "Display controller";
    case 0x04:
      return "Multimedia controller";
    case 0x05:
      return "Memory controller";
    case 0x06:
      return "Bridge";
    case 0x07:
      return "Communication controller";
    case 0x08:
      return "Generic system peripheral";
    case 0x09:
      return "Input device controller";
    case 0x0a:
      return "Docking station";
    case 0x0b:
      return "Processor";
    case 0x0c:
      return "Serial bus controller";
    case 0x0d:
      return "Wireless controller";
    case 0x0e:
      return "Intelligent controller";
    case 0x0f:
      return "Satellite communications controller";
    case 0x10:
      return "Encryption controller";
    case 0x11:
      return "Signal processing controller";
    case 0x12:
      return "Processing accelerators";
    case 0x13:
      return "Non-Essential Instrumentation";
    case 0x40:
      return "Coprocessor";
    case 0xff:
      return "Unassigned class";
    default:
      break;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "Unknown class 0x%02x", static_cast<unsigned>(class_id >> 8));
  return buf;
}

}  // namespace aicert
