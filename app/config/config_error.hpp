#pragma once
// One configuration problem, located in the file the operator has to edit.

#include <string>
#include <vector>

namespace qd {

struct ConfigError {
  std::string file;     ///< path as opened (includes: relative to the including file's directory)
  int line = 0;         ///< 1-based; 0 = the file as a whole
  int column = 0;       ///< 1-based; 0 = the line as a whole
  std::string message;  ///< what is wrong and what is expected

  /// "file:line:column: message" (line/column omitted when 0), the compiler-style form editors
  /// can jump to.
  std::string to_string() const;
  bool operator==(const ConfigError&) const = default;
};

using ConfigErrors = std::vector<ConfigError>;

}  // namespace qd
