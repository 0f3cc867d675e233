#pragma once
// The YAML of a configuration, includes merged, as a small tree whose every node remembers the
// file, line and column it came from. yaml-cpp marks carry no file name; after merging several
// files, errors must still name the one to edit.

#include <string>
#include <string_view>
#include <vector>

#include "app/config/config_error.hpp"

namespace qd {

struct SourceLoc {
  std::string file;
  int line = 0;    ///< 1-based
  int column = 0;  ///< 1-based
};

ConfigError make_error(const SourceLoc& loc, std::string message);
/// "file:line:column", for messages that point at a second place.
std::string where(const SourceLoc& loc);

struct ConfigEntry;

struct ConfigNode {
  enum class Kind : unsigned char { null, scalar, sequence, map };
  Kind kind = Kind::null;
  SourceLoc loc;                     ///< start of the value (null values: their key)
  std::string scalar;                ///< the text exactly as written (scalars only)
  bool quoted = false;               ///< scalar written in '...' or "..."
  std::vector<ConfigNode> items;     ///< sequence elements
  std::vector<ConfigEntry> entries;  ///< mapping entries in file order, duplicates removed

  const ConfigEntry* find(std::string_view key) const;
  ConfigEntry* find(std::string_view key);
};

struct ConfigEntry {
  std::string key;
  SourceLoc key_loc;
  ConfigNode value;
};

/// "a mapping", "a list", "nothing" or the quoted scalar: for "expected X, got Y" messages.
std::string describe(const ConfigNode& n);

/// Parses one YAML text (no includes). `file` names it in errors. Syntax errors, non-string keys
/// and duplicate keys are appended to errors; the tree holds what could be read.
ConfigNode parse_yaml_text(const std::string& text, const std::string& file, ConfigErrors& errors);

/// Reads `path` and every file it includes (top-level `include: [a.yaml, ...]`, paths relative to
/// the including file) and merges them:
///  - top-level lists `listeners`, `markets`, `accounts`, `sessions` are concatenated, included
///    files first in the order listed, then the including file's own entries;
///  - mappings merge key by key, recursively;
///  - a scalar or list set by an included file may be overridden by the including file; two
///    included files setting the same one is an error naming both places.
/// Include cycles and a file included twice are errors at the offending `include` entry.
ConfigNode load_config_document(const std::string& path, ConfigErrors& errors);

/// The same for text not read from disk (the embedded quickstart); includes resolve against
/// base_dir.
ConfigNode load_config_document_text(const std::string& text, const std::string& file,
                                     const std::string& base_dir, ConfigErrors& errors);

}  // namespace qd
