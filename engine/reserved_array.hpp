#pragma once
// A growable array over one reserved range of virtual memory: it never moves, so growth copies
// nothing and references stay valid; pages become resident only when touched; and the kernel may
// back it with huge pages, which matters when a book holds hundreds of thousands of orders that
// matching touches in random order.

#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <stdexcept>
#include <type_traits>

namespace qd {

template <class T>
class ReservedArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  explicit ReservedArray(size_t capacity) : capacity_(capacity) {
    void* p = mmap(nullptr, capacity * sizeof(T), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, capacity * sizeof(T), MADV_HUGEPAGE);  // advice only: failure is harmless
    data_ = static_cast<T*>(p);
  }
  ~ReservedArray() { munmap(data_, capacity_ * sizeof(T)); }
  ReservedArray(const ReservedArray&) = delete;
  ReservedArray& operator=(const ReservedArray&) = delete;

  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  /// Makes the first n elements usable as they are: fresh anonymous memory reads as zero.
  /// Only valid before any push and for types whose all-zero bytes are a valid value.
  void extend_zeroed(size_t n) {
    if (size_ != 0 || n > capacity_) throw std::length_error("ReservedArray::extend_zeroed");
    size_ = n;
  }

  /// Appends a value-initialised element; throws when the reservation is exhausted.
  size_t push() {
    if (size_ == capacity_) throw std::length_error("ReservedArray capacity exhausted");
    new (&data_[size_]) T{};
    return size_++;
  }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace qd
