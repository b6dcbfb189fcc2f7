// Vendor and device names of PCI ids from the pci.ids database, through libpci (what lspci
// uses). Only names are looked up: no bus scan, no access to any device or config space.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

struct pci_access;  // libpci's handle; <pci/pci.h> stays out of this header (it defines u8...)

namespace aicert {

struct PciNames {
  std::string vendor;  // "Red Hat, Inc."; "" when pci.ids does not know the vendor
  std::string device;  // "Virtio 1.0 network device"; "" when it does not know the device
};

class PciNameDatabase {
 public:
  // Reads `ids_path`, or libpci's own default (/usr/share/misc/pci.ids[.gz]) when it is empty.
  // A file that is missing or cannot be parsed gives a database that knows no names (error()
  // says why): never an exit, although libpci's default on a parse error is exit(1).
  explicit PciNameDatabase(const std::string& ids_path = {});
  ~PciNameDatabase();
  PciNameDatabase(const PciNameDatabase&) = delete;
  PciNameDatabase& operator=(const PciNameDatabase&) = delete;

  bool loaded() const { return loaded_; }
  const std::string& path() const { return path_; }    // the file libpci opened (or tried)
  const std::string& error() const { return error_; }  // "" when loaded

  // Both names when pci.ids has the device; the vendor's alone for a device it does not list
  // (a new device of a known vendor); none for an unknown vendor. Safe from any thread.
  PciNames lookup(std::uint16_t vendor_id, std::uint16_t device_id) const;

 private:
  pci_access* access_ = nullptr;  // null when the database could not be loaded
  bool loaded_ = false;
  std::string path_;
  std::string error_;
  mutable std::mutex mutex_;  // libpci makes no promise about concurrent calls
};

// The system's database, read on first use, once per process.
const PciNameDatabase& system_pci_names();

}  // namespace aicert
