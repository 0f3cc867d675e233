#pragma once
// Turns the venue config into QuickFIX SessionSettings, one set per listener (QuickFIX reads a
// listener's port and TLS files from the settings' defaults, so each listener gets its own
// acceptor). No hand-written QuickFIX .cfg exists: this is the only place session settings are
// made. HttpAcceptPort is never set, so QuickFIX's HTTP admin page never starts.

#include <string>
#include <vector>

#include "app/config/venue_config.hpp"
#include "fix/quickfix.hpp"

namespace qd::fix {

/// The FIX 4.4 session id QuickFIX uses for a configured session (our CompID as sender).
FIX::SessionID session_id_of(const SessionConfig& s);

struct ListenerPlan {
  const ListenerConfig* listener = nullptr;
  FIX::SessionSettings settings;
  std::vector<size_t> sessions;  ///< indices into VenueConfig::sessions
};

/// Store and log directories of a session: the configured paths, else <data_dir>/fix/store and
/// <data_dir>/fix/log.
std::string store_path_of(const VenueConfig& venue, const SessionConfig& s);
std::string log_path_of(const VenueConfig& venue, const SessionConfig& s);

/// One plan per listener that has at least one session. Throws std::runtime_error for a session
/// naming an unknown listener (the loader already refuses that).
std::vector<ListenerPlan> build_session_settings(const VenueConfig& venue,
                                                 const std::string& dictionary_path);

}  // namespace qd::fix
