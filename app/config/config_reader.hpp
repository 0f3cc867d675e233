#pragma once
// Typed, located access to one YAML mapping. Every key a parser asks for becomes "known";
// finish() reports the rest as unknown (with the nearest known key as a suggestion). Each
// accessor reports its own errors and returns false when the key is absent or invalid, so a
// parser reads every key and the loader collects every error in one pass.

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/config/config_document.hpp"

namespace qd {

/// A decimal key's unit: how many decimal places the value may carry and its allowed range,
/// both in raw units of 10^-decimals.
struct DecimalRule {
  int decimals = 0;
  int64_t min = 0;
  int64_t max = std::numeric_limits<int64_t>::max();
  std::string_view unit;  ///< for messages, e.g. "1e-6 USDC" or "0.01%"
};

/// The closest of `candidates` to `word` (edit distance, case-insensitive), or "" if none is close.
std::string nearest_name(std::string_view word, const std::vector<std::string_view>& candidates);

class MapReader {
 public:
  /// `path` prefixes messages ("markets[0]"); "" at the top level. A node that is not a mapping
  /// is reported once and every accessor then returns false.
  MapReader(const ConfigNode& node, std::string path, ConfigErrors& errors);

  bool ok() const { return ok_; }
  const ConfigNode& node() const { return node_; }
  ConfigErrors& errors() { return errors_; }

  /// Marks `key` known; its entry or nullptr.
  const ConfigEntry* get(std::string_view key);
  bool has(std::string_view key) const { return ok_ && node_.find(key) != nullptr; }
  /// Reports "missing required key" at the mapping when absent.
  bool require(std::string_view key);

  bool text(std::string_view key, std::string& out);
  bool boolean(std::string_view key, bool& out);
  bool integer(std::string_view key, int64_t& out, int64_t min, int64_t max);
  template <class I>
  bool integer_as(std::string_view key, I& out, int64_t min, int64_t max) {
    int64_t v = 0;
    if (!integer(key, v, min, max)) return false;
    out = static_cast<I>(v);
    return true;
  }
  bool decimal(std::string_view key, const DecimalRule& rule, int64_t& out);
  /// One of `names`; the message lists them all.
  bool choice(std::string_view key, const std::vector<std::string_view>& names, size_t& index);
  /// A nested mapping or list, or nullptr (reported if present with the wrong kind).
  const ConfigNode* map(std::string_view key);
  const ConfigNode* list(std::string_view key);

  /// Where `key`'s value is, or the mapping itself when the key is absent.
  SourceLoc loc(std::string_view key) const;
  /// "markets[0].tick_size"
  std::string path(std::string_view key) const;
  /// Adds "path.key: message" at the key's value.
  void error(std::string_view key, const std::string& message);
  /// Adds "path: message" at the mapping.
  void error_here(const std::string& message);

  /// Reports keys never asked for, with "did you mean" for near misses.
  void finish();

 private:
  const ConfigNode* scalar(std::string_view key, std::string_view expected);

  const ConfigNode& node_;
  std::string path_;
  ConfigErrors& errors_;
  bool ok_ = true;
  std::vector<std::string_view> known_;
};

}  // namespace qd
