#pragma once
// A float buffer aligned to 64 bytes (one cache line, one AVX-512 register), allocated
// once and reused: nothing on a training step's path allocates.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#endif
#include <span>
#include <utility>

namespace sgdbench {

inline constexpr std::size_t kAlignment = 64;
inline constexpr std::size_t kHugePage = std::size_t{2} << 20, kHugeFrom = std::size_t{8} << 20;

template <class T>
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t n) { resize(n); }
  AlignedBuffer(const AlignedBuffer& o) : AlignedBuffer(o.size_) {
    if (size_ != 0) std::memcpy(data_, o.data_, size_ * sizeof(T));
  }
  AlignedBuffer(AlignedBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  AlignedBuffer& operator=(AlignedBuffer o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  ~AlignedBuffer() { std::free(data_); }

  /// Reallocates (zero-filled) only when n differs from the current size.
  void resize(std::size_t n) {
    if (n == size_) return;
    std::free(std::exchange(data_, nullptr));
    size_ = 0;
    if (n == 0) return;
    if (n > (SIZE_MAX - kHugePage) / sizeof(T)) throw std::bad_alloc();  // room to round up
    // Large buffers (data sets) sit on 2 MiB transparent huge pages: a mini-batch gathers
    // rows from all over the set, and with 4 KiB pages nearly every row cost a TLB miss
    // (measured: softmax B = 100 on Fashion-MNIST, `sgdbench throughput`).
    const std::size_t align = n * sizeof(T) >= kHugeFrom ? kHugePage : kAlignment;
    const std::size_t bytes = (n * sizeof(T) + align - 1) / align * align;
    data_ = static_cast<T*>(std::aligned_alloc(align, bytes));
    if (data_ == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    if (align == kHugePage) madvise(data_, bytes, MADV_HUGEPAGE);  // advice only: may fail
#endif
    std::memset(static_cast<void*>(data_), 0, bytes);
    size_ = n;
  }
  void fill_zero() {
    if (size_ != 0) std::memset(static_cast<void*>(data_), 0, size_ * sizeof(T));
  }

  T* data() {
    return data_;
  }
  const T* data() const {
    return data_;
  }
  std::size_t size() const {
    return size_;
  }
  T& operator[](std::size_t i) {
    return data_[i];
  }
  const T& operator[](std::size_t i) const {
    return data_[i];
  }
  std::span<T> span() {
    return {data_, size_};
  }
  std::span<const T> span() const {
    return {data_, size_};
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace sgdbench
