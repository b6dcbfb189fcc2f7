// Upload/download of whole guarded buffers into aligned kernel-owned memory.
#include "kernels/cpu/kernel_tensors.h"

#include <cstring>
#include <stdexcept>

namespace aicert::cpu {

void KernelTensors::upload(const HostTensors& tensors) {
  std::vector<Entry> entries;
  entries.reserve(tensors.tensors.size());
  for (const Tensor& t : tensors.tensors) {
    Entry e;
    e.name = t.name;
    e.dtype = t.dtype;
    e.is_output = t.is_output;
    e.payload_bytes = t.buffer.payload_bytes();
    e.memory.resize(t.buffer.total_bytes());
    if (t.buffer.total_bytes() > 0) {
      std::memcpy(e.memory.data(), t.buffer.whole(), t.buffer.total_bytes());
    }
    entries.push_back(std::move(e));
  }
  entries_ = std::move(entries);
}

void KernelTensors::download(HostTensors& tensors) const {
  if (entries_.empty()) throw std::logic_error("cpu backend: download() before upload()");
  for (const Entry& e : entries_) {
    if (!e.is_output) continue;
    Tensor* t = nullptr;
    for (Tensor& candidate : tensors.tensors) {
      if (candidate.name == e.name) t = &candidate;
    }
    if (t == nullptr) {
      throw std::invalid_argument("cpu backend: download(): no tensor '" + e.name +
                                  "' in the host tensors to copy the output into");
    }
    if (t->dtype != e.dtype || t->buffer.total_bytes() != e.memory.size()) {
      throw std::invalid_argument(
          "cpu backend: download(): host tensor '" + e.name + "' is " +
          std::string(dtype_name(t->dtype)) + ", " + std::to_string(t->buffer.total_bytes()) +
          " bytes with guards; the uploaded one was " + std::string(dtype_name(e.dtype)) + ", " +
          std::to_string(e.memory.size()) + " bytes");
    }
    if (e.memory.size() > 0) std::memcpy(t->buffer.whole(), e.memory.data(), e.memory.size());
  }
}

const KernelTensors::Entry& KernelTensors::find(const std::string& name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return e;
  }
  throw std::invalid_argument("cpu backend: no uploaded tensor named '" + name + "'");
}

std::byte* KernelTensors::payload(const std::string& name) {
  Entry& e = const_cast<Entry&>(find(name));
  return e.memory.data() + GuardedBuffer::payload_offset();
}

DType KernelTensors::dtype(const std::string& name) const { return find(name).dtype; }

std::size_t KernelTensors::payload_bytes(const std::string& name) const {
  return find(name).payload_bytes;
}

}  // namespace aicert::cpu
