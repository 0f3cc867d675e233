// The yardstick for the gateway benchmark: a bare QuickFIX acceptor with the venue's settings
// (the venue's message store, spec/FIX44-venue.xml, the same validation options, thread per
// connection) that answers every NewOrderSingle with an ExecutionReport (150=0) from inside
// fromApp. No engine, no journal, no authentication. Measure it and quantdesk with the same
// qd-client load.
//
//   qd-bench-fix-bare-acceptor --port 9878 --data-dir /tmp/bare --sender DESK_A [--sender ...]
#include <signal.h>

#include <atomic>
#include <cstring>
#include <iostream>

#include "fix/append_file_store.hpp"
#include "fix/gateway.hpp"
#include "fix/session_settings_builder.hpp"

namespace {

class BareApplication : public FIX::Application {
 public:
  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID&) override {}
  void onLogout(const FIX::SessionID&) override {}
  void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
  void toApp(FIX::Message&, const FIX::SessionID&) override {}
  void fromAdmin(const FIX::Message&, const FIX::SessionID&) override {}
  void fromApp(const FIX::Message& m, const FIX::SessionID& id) override {
    if (m.getHeader().getField(35) != "D") return;
    uint64_t n = ++orders_;
    FIX::Message er;
    er.getHeader().setField(35, "8");
    er.setField(37, std::to_string(n));
    er.setField(17, std::to_string(n) + ".0");
    er.setField(150, "0");
    er.setField(39, "0");
    er.setField(11, m.getField(11));
    er.setField(55, m.getField(55));
    er.setField(54, m.getField(54));
    er.setField(38, m.getField(38));
    er.setField(151, m.getField(38));
    er.setField(14, "0");
    er.setField(6, "0");
    FIX::Session::sendToTarget(er, id);
  }

 private:
  std::atomic<uint64_t> orders_{0};
};

}  // namespace

int main(int argc, char** argv) {
  qd::VenueConfig config;
  config.venue.data_dir = "bare-acceptor-data";
  qd::ListenerConfig listener;
  listener.name = "plain";
  listener.port = 9878;
  std::vector<std::string> senders;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--port"))
      listener.port = uint16_t(std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--data-dir"))
      config.venue.data_dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--sender"))
      senders.push_back(argv[i + 1]);
    else {
      std::cerr << "usage: qd-bench-fix-bare-acceptor --port P --data-dir DIR --sender ID...\n";
      return 2;
    }
  }
  if (senders.empty()) senders.push_back("DESK_A");
  config.listeners.push_back(listener);
  for (const std::string& s : senders) {
    qd::SessionConfig sc;
    sc.sender_comp_id = s;
    sc.target_comp_id = "QUANTDESK";
    sc.listener = "plain";
    config.sessions.push_back(sc);
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto plans = qd::fix::build_session_settings(config, qd::fix::default_dictionary_path());
  BareApplication app;
  qd::fix::AppendFileStoreFactory store(plans[0].settings);
  FIX::ThreadedSocketAcceptor acceptor(app, store, plans[0].settings);
  acceptor.start();
  std::cerr << "bare acceptor on port " << listener.port << "\n";
  int sig = 0;
  sigwait(&signals, &sig);
  acceptor.stop(true);
  return 0;
}
