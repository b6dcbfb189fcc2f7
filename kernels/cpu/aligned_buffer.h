// Owning, 64-byte aligned host memory: the CPU backend's "device memory" and GEMM workspaces.
// 64 bytes is a cache line and the widest SIMD load (AVX-512), so packed panels never split lines.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace aicert::cpu {

class AlignedBuffer {
 public:
  static constexpr std::size_t kAlignment = 64;

  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t bytes) { resize(bytes); }

  // Drops the old contents; the new memory is uninitialized.
  void resize(std::size_t bytes) {
    if (bytes == bytes_) return;
    data_.reset();
    bytes_ = 0;
    if (bytes == 0) return;
    // aligned_alloc wants a size that is a multiple of the alignment.
    const std::size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    void* p = std::aligned_alloc(kAlignment, rounded);
    if (p == nullptr) throw std::bad_alloc();
    data_.reset(static_cast<std::byte*>(p));
    bytes_ = bytes;
  }

  std::size_t size() const { return bytes_; }
  std::byte* data() { return data_.get(); }
  const std::byte* data() const { return data_.get(); }
  template <class T>
  T* as() {
    return reinterpret_cast<T*>(data_.get());
  }
  template <class T>
  const T* as() const {
    return reinterpret_cast<const T*>(data_.get());
  }

 private:
  struct Free {
    void operator()(std::byte* p) const { std::free(p); }
  };
  std::unique_ptr<std::byte, Free> data_;
  std::size_t bytes_ = 0;
};

}  // namespace aicert::cpu
