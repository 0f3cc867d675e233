#pragma once
// Loading and validating the venue configuration. Everything is checked before anything starts,
// and every problem is reported at once as "file:line:column: what is wrong and what is expected".

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "app/config/config_error.hpp"
#include "app/config/venue_config.hpp"

namespace qd {

/// A validated VenueConfig, or the complete list of errors (never both).
class ConfigResult {
 public:
  static ConfigResult success(VenueConfig c) {
    ConfigResult r;
    r.config_ = std::move(c);
    return r;
  }
  static ConfigResult failure(ConfigErrors e) {
    ConfigResult r;
    r.errors_ = std::move(e);
    return r;
  }

  bool has_value() const { return config_.has_value(); }
  explicit operator bool() const { return has_value(); }
  /// Precondition: has_value().
  const VenueConfig& value() const& { return *config_; }
  VenueConfig&& value() && { return std::move(*config_); }
  const VenueConfig& operator*() const { return *config_; }
  const VenueConfig* operator->() const { return &*config_; }
  /// Sorted by file, line and column; empty on success.
  const ConfigErrors& errors() const { return errors_; }

 private:
  std::optional<VenueConfig> config_;
  ConfigErrors errors_;
};

/// Reads `path` (and its includes), validates it and fills every default (paths under
/// venue.data_dir). Never throws for bad input.
ConfigResult load_config(const std::string& path);

/// The same for YAML text; `name` labels errors, includes resolve against `base_dir`.
ConfigResult load_config_text(const std::string& yaml, const std::string& name,
                              const std::string& base_dir = ".");

/// config/quickstart.yaml as it was at build time, compiled into the library, so the gateway
/// runs the quickstart with no --config argument from any directory.
std::string_view embedded_quickstart_yaml();
/// How errors in the embedded copy are labelled.
inline constexpr std::string_view kEmbeddedQuickstartName = "config/quickstart.yaml (embedded)";
/// load_config_text(embedded_quickstart_yaml()).
ConfigResult load_embedded_quickstart();

/// `quantdesk --check-config FILE`: prints each error to `err` and returns 1, or prints
/// "FILE: ok (N markets, M accounts, K sessions)" to `out` and returns 0. An empty path checks
/// the embedded quickstart.
int check_config_main(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace qd
