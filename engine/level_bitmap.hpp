#pragma once
// A two-level bitmap over price-level indexes: finds the next non-empty level above or below a
// given one in a few word operations, however sparse the book is between them.

#include <bit>
#include <cstdint>
#include <vector>

namespace qd {

class LevelBitmap {
 public:
  static constexpr int64_t none = -1;

  void resize(size_t bits) {
    words_.assign((bits + 63) / 64, 0);
    summary_.assign((words_.size() + 63) / 64, 0);
  }
  size_t size() const { return words_.size() * 64; }

  void set(size_t i) {
    size_t w = i >> 6;
    words_[w] |= uint64_t{1} << (i & 63);
    summary_[w >> 6] |= uint64_t{1} << (w & 63);
  }
  void clear(size_t i) {
    size_t w = i >> 6;
    words_[w] &= ~(uint64_t{1} << (i & 63));
    if (words_[w] == 0) summary_[w >> 6] &= ~(uint64_t{1} << (w & 63));
  }
  bool test(size_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }

  /// Smallest set index >= i, or none.
  int64_t next_at_or_above(size_t i) const {
    size_t w = i >> 6;
    if (w >= words_.size()) return none;
    uint64_t bits = words_[w] & (~uint64_t{0} << (i & 63));
    if (bits) return int64_t(w * 64 + size_t(std::countr_zero(bits)));
    size_t sw = (w + 1);
    // Search the summary for the next non-empty word after w.
    size_t s = sw >> 6;
    if (s >= summary_.size()) return none;
    uint64_t sbits = (sw & 63) ? summary_[s] & (~uint64_t{0} << (sw & 63)) : summary_[s];
    while (!sbits) {
      if (++s >= summary_.size()) return none;
      sbits = summary_[s];
    }
    size_t word = s * 64 + size_t(std::countr_zero(sbits));
    return int64_t(word * 64 + size_t(std::countr_zero(words_[word])));
  }

  /// Largest set index <= i, or none.
  int64_t next_at_or_below(size_t i) const {
    if (words_.empty()) return none;
    if (i >= size()) i = size() - 1;
    size_t w = i >> 6;
    uint64_t mask = (i & 63) == 63 ? ~uint64_t{0} : ((uint64_t{1} << ((i & 63) + 1)) - 1);
    uint64_t bits = words_[w] & mask;
    if (bits) return int64_t(w * 64 + 63 - size_t(std::countl_zero(bits)));
    if (w == 0) return none;
    size_t sw = w - 1;
    size_t s = sw >> 6;
    uint64_t smask = (sw & 63) == 63 ? ~uint64_t{0} : ((uint64_t{1} << ((sw & 63) + 1)) - 1);
    uint64_t sbits = summary_[s] & smask;
    while (!sbits) {
      if (s == 0) return none;
      sbits = summary_[--s];
    }
    size_t word = s * 64 + 63 - size_t(std::countl_zero(sbits));
    return int64_t(word * 64 + 63 - size_t(std::countl_zero(words_[word])));
  }

 private:
  std::vector<uint64_t> words_;
  std::vector<uint64_t> summary_;  // bit w set <=> words_[w] != 0
};

}  // namespace qd
