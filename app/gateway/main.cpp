// quantdesk: the venue's gateway process.
//
//   quantdesk [--config FILE]      run the venue (default: the embedded config/quickstart.yaml)
//   quantdesk --check-config FILE  validate a configuration and exit (0 ok, 1 errors)
//
// SIGHUP re-reads the config file (the same reload as `qdctl reload`). SIGINT / SIGTERM stop it
// cleanly; kill -9 loses nothing acknowledged (the journal replays).

#include <signal.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include "app/admin/admin_server.hpp"
#include "app/config/config_loader.hpp"
#include "app/gateway/venue.hpp"
#include "engine/thread_scheduling.hpp"

namespace {

int usage() {
  std::cerr << "usage: quantdesk [--config FILE]\n"
               "       quantdesk --check-config FILE\n";
  return 2;
}

spdlog::level::level_enum to_spdlog(qd::LogLevel l) {
  return static_cast<spdlog::level::level_enum>(static_cast<int>(l));
}

void setup_logging(const qd::LoggingConfig& c) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!c.file.empty()) {
    std::filesystem::create_directories(std::filesystem::path(c.file).parent_path());
    sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        c.file, size_t(c.max_size_mb) * 1024 * 1024, c.max_files));
  }
  auto logger = std::make_shared<spdlog::logger>("quantdesk", sinks.begin(), sinks.end());
  logger->set_level(to_spdlog(c.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--check-config") == 0) {
      return i + 1 < argc ? qd::check_config_main(argv[i + 1], std::cout, std::cerr) : usage();
    }
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      config_path = argv[++i];
    } else {
      return usage();
    }
  }
  qd::ConfigResult loaded =
      config_path.empty() ? qd::load_embedded_quickstart() : qd::load_config(config_path);
  if (!loaded) {
    for (const qd::ConfigError& e : loaded.errors()) std::cerr << e.to_string() << "\n";
    return 1;
  }
  // Signals are taken by sigwait below only: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Before any thread starts, so every one of them inherits it (engine/thread_scheduling.hpp).
  const bool batch_scheduling = qd::prefer_batch_scheduling();
  setup_logging(loaded->logging);
  spdlog::info("threads run under {}",
               batch_scheduling ? "SCHED_BATCH" : "the scheduling policy they started with");
  try {
    qd::Venue venue(std::move(loaded).value());
    // Binds the admin socket before anything listens: a live or foreign file there stops us.
    qd::admin::AdminServer admin(venue, config_path);
    venue.start();
    admin.start();
    std::cout << "quantdesk: " << venue.config().venue.name << " running; FIX on";
    for (const auto& l : venue.config().listeners) std::cout << " " << l.bind << ":" << l.port;
    std::cout << "; journal " << venue.config().journal.path << " (replayed "
              << venue.replayed().commands << " commands); admin socket " << admin.socket_path()
              << ". Ctrl-C stops." << std::endl;
    const qd::SettlementConfig& sc = venue.config().settlement;
    if (sc.enabled && !sc.manifest.empty() && !std::filesystem::exists(sc.manifest)) {
      // The bridge retries until the manifest appears (and warns every 5 s): say why once.
      std::cout << "quantdesk: settlement waits for " << sc.manifest
                << " (start the local chain and run its setup: scripts/quickstart.sh does both)"
                << std::endl;
    }
    for (;;) {
      siginfo_t info{};
      const int sig = sigwaitinfo(&signals, &info);
      if (sig < 0) continue;  // EINTR
      if (sig == SIGHUP) {
        admin.reload_from_signal(info.si_pid, info.si_uid);
        continue;
      }
      spdlog::info("event=signal signal={}", sig);
      break;
    }
    admin.stop();
    venue.stop();
  } catch (const std::exception& e) {
    spdlog::critical("event=fatal error=\"{}\"", e.what());
    std::cerr << "quantdesk: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
