// std::allocator for large scratch and result arrays of doubles: resize() leaves new elements
// uninitialised, and blocks of 4 MiB or more are 2 MiB aligned and asked for as transparent huge
// pages. Zeroing 2 x M x N doubles first took one thread through them and their page faults, a
// tenth of a 2048^3 reference, and left the dgemm threads' first touch to it; huge pages cut
// the faults of what remains by 512 (THP is "madvise" on most distributions).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace aicert {

template <class T>
struct UninitialisedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitialisedAllocator<U>;
  };
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  static constexpr std::size_t kHugeFrom = std::size_t{4} << 20;

  UninitialisedAllocator() = default;
  template <class U>
  UninitialisedAllocator(const UninitialisedAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugeFrom) return std::allocator<T>::allocate(n);
    void* p = ::operator new (bytes, std::align_val_t{kHugePage});
    // Advice only: where the kernel has no THP the pages are ordinary ones.
    madvise(p, (bytes + kHugePage - 1) / kHugePage * kHugePage, MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < kHugeFrom) return std::allocator<T>::deallocate(p, n);
    ::operator delete (p, std::align_val_t{kHugePage});
  }

  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialised: no value for a double
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

}  // namespace aicert
