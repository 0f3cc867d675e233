#include "app/config/config_reader.hpp"

#include <algorithm>
#include <cctype>

#include "core/decimal.hpp"

namespace qd {

namespace {

/// Optimal string alignment distance, case-insensitive: a swapped pair of letters is one edit.
size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string range_text(int64_t min, int64_t max) {
  if (max == std::numeric_limits<int64_t>::max()) return std::to_string(min) + " or more";
  return "from " + std::to_string(min) + " to " + std::to_string(max);
}

std::string decimal_range_text(const DecimalRule& r) {
  if (r.max == std::numeric_limits<int64_t>::max()) {
    if (r.min == 1) return "a value greater than zero";
    if (r.min == 0) return "a value of zero or more";
    return format_decimal(r.min, r.decimals) + " or more";
  }
  return "a value from " + format_decimal(r.min, r.decimals) + " to " +
         format_decimal(r.max, r.decimals);
}

}  // namespace

std::string nearest_name(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_d = std::string_view::npos;
  for (std::string_view c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // Close enough to be a typo: a third of the word, at least one edit, at most three.
  size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  return best_d <= limit ? std::string(best) : std::string();
}

MapReader::MapReader(const ConfigNode& node, std::string path, ConfigErrors& errors)
    : node_(node), path_(std::move(path)), errors_(errors) {
  if (node_.kind != ConfigNode::Kind::map) {
    ok_ = false;
    errors_.push_back(make_error(node_.loc, (path_.empty() ? "" : path_ + ": ") +
                                                "expected a mapping of keys, got " +
                                                describe(node_)));
  }
}

const ConfigEntry* MapReader::get(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  return ok_ ? node_.find(key) : nullptr;
}

bool MapReader::require(std::string_view key) {
  get(key);
  if (!ok_) return false;
  if (node_.find(key) != nullptr) return true;
  error_here("missing required key '" + std::string(key) + "'");
  return false;
}

std::string MapReader::path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + '.' + std::string(key);
}

SourceLoc MapReader::loc(std::string_view key) const {
  const ConfigEntry* e = ok_ ? node_.find(key) : nullptr;
  return e ? e->value.loc : node_.loc;
}

void MapReader::error(std::string_view key, const std::string& message) {
  errors_.push_back(make_error(loc(key), path(key) + ": " + message));
}

void MapReader::error_here(const std::string& message) {
  errors_.push_back(make_error(node_.loc, (path_.empty() ? "" : path_ + ": ") + message));
}

const ConfigNode* MapReader::scalar(std::string_view key, std::string_view expected) {
  const ConfigEntry* e = get(key);
  if (e == nullptr) return nullptr;
  if (e->value.kind != ConfigNode::Kind::scalar) {
    error(key, "expected " + std::string(expected) + ", got " + describe(e->value));
    return nullptr;
  }
  return &e->value;
}

bool MapReader::text(std::string_view key, std::string& out) {
  const ConfigNode* n = scalar(key, "a string");
  if (n == nullptr) return false;
  if (n->scalar.empty()) {
    error(key, "is empty; expected a non-empty string");
    return false;
  }
  out = n->scalar;
  return true;
}

bool MapReader::boolean(std::string_view key, bool& out) {
  const ConfigNode* n = scalar(key, "true or false");
  if (n == nullptr) return false;
  // Only YAML 1.2's true/false: "yes", "on" or "n" read as booleans by some parsers and as
  // strings by others.
  if (!n->quoted && (n->scalar == "true" || n->scalar == "false")) {
    out = n->scalar == "true";
    return true;
  }
  error(key, "expected true or false, got " + describe(*n));
  return false;
}

bool MapReader::integer(std::string_view key, int64_t& out, int64_t min, int64_t max) {
  const ConfigNode* n = scalar(key, "an integer");
  if (n == nullptr) return false;
  const std::string& s = n->scalar;
  bool digits = !n->quoted && !s.empty();
  size_t start = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (start == s.size()) digits = false;
  for (size_t i = start; digits && i < s.size(); ++i) digits = std::isdigit(uint8_t(s[i])) != 0;
  DecimalParse p = digits ? parse_decimal(s, 0, true) : DecimalParse{0, DecimalError::junk};
  if (!p.ok()) {
    error(key, "expected an integer " + range_text(min, max) +
                   (n->quoted ? " without quotes" : "") + ", got " + describe(*n));
    return false;
  }
  if (p.raw < min || p.raw > max) {
    error(key, s + " is out of range; expected " + range_text(min, max));
    return false;
  }
  out = p.raw;
  return true;
}

bool MapReader::decimal(std::string_view key, const DecimalRule& rule, int64_t& out) {
  const ConfigNode* n = scalar(key, "a decimal string");
  if (n == nullptr) return false;
  DecimalParse p = parse_decimal(n->scalar, rule.decimals, rule.min < 0);
  std::string got = describe(*n);
  switch (p.error) {
    case DecimalError::ok:
      break;
    case DecimalError::empty:
    case DecimalError::junk:
      error(key, got + " is not a decimal number; expected " + decimal_range_text(rule) +
                     " written like \"12.5\"");
      return false;
    case DecimalError::sign:
      error(key, got + " has a sign; expected " + decimal_range_text(rule));
      return false;
    case DecimalError::exponent:
      error(key, got + " uses exponent notation; write the digits out, like \"0.001\"");
      return false;
    case DecimalError::too_many_decimals:
      error(key, got + " has more decimal places than the unit allows; expected at most " +
                     std::to_string(rule.decimals) + " (unit " + std::string(rule.unit) + ")");
      return false;
    case DecimalError::overflow:
      error(key, got + " is too large; expected " + decimal_range_text(rule));
      return false;
  }
  if (p.raw < rule.min || p.raw > rule.max) {
    error(key, got + " is out of range; expected " + decimal_range_text(rule));
    return false;
  }
  out = p.raw;
  return true;
}

bool MapReader::choice(std::string_view key, const std::vector<std::string_view>& names,
                       size_t& index) {
  std::string expected = "one of ";
  for (size_t i = 0; i < names.size(); ++i) expected += (i ? ", " : "") + std::string(names[i]);
  const ConfigNode* n = scalar(key, expected);
  if (n == nullptr) return false;
  for (size_t i = 0; i < names.size(); ++i) {
    if (n->scalar == names[i]) {
      index = i;
      return true;
    }
  }
  std::string near = nearest_name(n->scalar, names);
  error(key, describe(*n) + " is not valid; expected " + expected +
                 (near.empty() ? "" : " (did you mean '" + near + "'?)"));
  return false;
}

const ConfigNode* MapReader::map(std::string_view key) {
  const ConfigEntry* e = get(key);
  if (e == nullptr) return nullptr;
  if (e->value.kind != ConfigNode::Kind::map) {
    error(key, "expected a mapping of keys, got " + describe(e->value));
    return nullptr;
  }
  return &e->value;
}

const ConfigNode* MapReader::list(std::string_view key) {
  const ConfigEntry* e = get(key);
  if (e == nullptr) return nullptr;
  if (e->value.kind != ConfigNode::Kind::sequence) {
    error(key, "expected a list, got " + describe(e->value));
    return nullptr;
  }
  return &e->value;
}

void MapReader::finish() {
  if (!ok_) return;
  for (const ConfigEntry& e : node_.entries) {
    if (std::find(known_.begin(), known_.end(), e.key) != known_.end()) continue;
    std::string near = nearest_name(e.key, known_);
    errors_.push_back(
        make_error(e.key_loc, (path_.empty() ? "" : path_ + ": ") + "unknown key '" + e.key + "'" +
                                  (near.empty() ? "" : " (did you mean '" + near + "'?)")));
  }
}

}  // namespace qd
