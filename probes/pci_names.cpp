// pci.ids names through libpci. pci_init() is never called: it picks a bus access method (and
// calls the fatal error handler when none works, e.g. in a container), which name lookups do
// not need; pci_alloc() plus pci_load_name_list() is all pci_lookup_name() uses.
#include "probes/pci_names.h"

#include <csetjmp>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <pci/pci.h>
}

namespace aicert {
namespace {

// libpci reports a fatal error (a parse error in pci.ids, out of memory) through
// pci_access::error, which is declared noreturn: its default prints and calls exit(1), and
// libpci's code after the call may assume it never returns. Ours jumps back to the guarded()
// call that reached it instead, so a bad pci.ids costs the names, not the process. Only
// libpci's C frames lie between the jump and its target.
thread_local std::jmp_buf* t_on_error = nullptr;
thread_local char t_message[512];

// GNU noreturn, not [[noreturn]]: for Clang only the former is part of the function's type,
// which must match pci_access::error's.
void on_error(char* format, ...) __attribute__((noreturn, format(printf, 1, 2)));
void on_error(char* format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(t_message, sizeof t_message, format, args);
  va_end(args);
  if (t_on_error) std::longjmp(*t_on_error, 1);
  // Not reachable: every libpci call that can get here is guarded.
  std::fprintf(stderr, "aicert: libpci: %s\n", t_message);
  std::abort();
}

void ignore(char* format, ...) __attribute__((format(printf, 1, 2)));
void ignore(char*, ...) {}

// Runs call() with on_error armed; false when libpci reported a fatal error during it.
template <class F>
bool guarded(F& call) {
  std::jmp_buf env;
  if (setjmp(env) != 0) {
    t_on_error = nullptr;
    return false;
  }
  t_on_error = &env;
  call();
  t_on_error = nullptr;
  return true;
}

std::string last_message() {
  std::string m = t_message;
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

PciNameDatabase::PciNameDatabase(const std::string& ids_path) {
  access_ = pci_alloc();
  access_->error = on_error;
  access_->warning = ignore;
  access_->debug = ignore;
  // pci.ids alone: neither the DNS lookup cache (~/.cache/pci-ids, on by default) nor udev's
  // hwdb (PCI_LOOKUP_NO_HWDB in lookup()), so one file gives the same names on every machine.
  access_->id_lookup_mode = 0;
  bool path_set = true;
  if (!ids_path.empty()) {
    char* copy = strdup(ids_path.c_str());  // libpci frees it (to_be_freed = 1)
    path_set = copy != nullptr;
    if (copy) pci_set_name_list_path(access_, copy, 1);
  }
  int read = 0;
  pci_access* const a = access_;
  auto load = [&] { read = pci_load_name_list(a); };
  const bool survived = path_set && guarded(load);
  path_ = path_set && access_->id_file_name ? access_->id_file_name : ids_path;
  if (!path_set) {
    error_ = "out of memory";
  } else if (!survived) {
    error_ = last_message();  // "Parse error at FILE, line N"
  } else if (!read) {
    error_ = "cannot read " + path_;
  } else {
    loaded_ = true;
    return;
  }
  pci_cleanup(access_);
  access_ = nullptr;
}

PciNameDatabase::~PciNameDatabase() {
  if (access_) pci_cleanup(access_);
}

PciNames PciNameDatabase::lookup(std::uint16_t vendor_id, std::uint16_t device_id) const {
  if (!access_) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  // NO_NUMBERS: an id pci.ids lacks gives null rather than "Device 1045", so callers keep
  // the numeric form themselves.
  constexpr int kFlags = PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB;
  char vendor[1024];  // pci.ids lines are at most 1024 bytes
  char device[1024];
  const char* v = nullptr;
  const char* d = nullptr;
  pci_access* const a = access_;
  const int iv = vendor_id;
  const int id = device_id;
  auto look = [&] {
    v = pci_lookup_name(a, vendor, sizeof vendor, PCI_LOOKUP_VENDOR | kFlags, iv);
    if (v) d = pci_lookup_name(a, device, sizeof device, PCI_LOOKUP_DEVICE | kFlags, iv, id);
  };
  // A loaded list never reaches on_error (lookups only read libpci's hash), but libpci 3.9
  // reloads an empty list on every lookup, so this is guarded too.
  if (!guarded(look)) return {};
  return {v ? v : "", d ? d : ""};
}

const PciNameDatabase& system_pci_names() {
  static const PciNameDatabase database;
  return database;
}

}  // namespace aicert
