// qd-bench-journal: the SQLite journal's throughput against plain SQLite writing the same rows,
// and the venue's restart time (open + replay + event-hash check). Prints key=value lines.
//
//   qd-bench-journal throughput (--workload FILE | --synthetic N) [--batches 1,16,64,256]
//       [--sync full,normal] [--commits-full 1000] [--commits-normal 20000] [--reps 3] [--dir D]
//     Each (sync, batch) run journals min(all, batch x commits) commands; the journal and the
//     yardstick alternate `reps` times on fresh files and the medians are reported. Exit 1 when
//     the two databases do not hold identical rows.
//   qd-bench-journal generate --synthetic N --out FILE [--batch 256] [--sync normal] [--seed S]
//     Writes a journal of N commands (plus the opening mark price) through the real Exchange.
//   qd-bench-journal backup FILE COPY
//     Times SqliteJournal::backup (what `qdctl backup` runs) from FILE to a new COPY.
//   qd-bench-journal restart FILE [--cold] [--snapshots [--edges]]
//     Opens FILE and replays it into a fresh Exchange, checking every command's event hash;
//     --cold first evicts the file from the page cache (fdatasync + POSIX_FADV_DONTNEED).
//     --snapshots restores the newest snapshot first and replays only the commands after it
//     (the venue's restart); --edges also decodes the stored events up to the snapshot, as the
//     venue does for its edges' views, and reports that part separately.
//   qd-bench-journal snapshot FILE [--every 100000] [--in-journal]
//     Replays FILE once and stores a snapshot every N commands in FILE's snapshot file (the
//     newest two are kept), as a venue with journal.snapshot_every_commands would have; reports
//     the capture time, the write time, and how long a journal commit waits for the journal's
//     write lock while a snapshot is being written (probed from another thread).

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/replay.hpp"
#include "engine/snapshot.hpp"
#include "engine/snapshot_recovery.hpp"
#include "engine/snapshot_store.hpp"
#include "engine/sqlite_journal.hpp"
#include "tests/bench/journal/journal_flow.hpp"
#include "tests/bench/journal/sqlite_yardstick.hpp"

namespace {

using namespace qd;
using namespace qd::bench;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

struct Args {
  std::string mode;
  std::map<std::string, std::string> opts;
  std::vector<std::string> positional;

  std::string get(const std::string& k, const std::string& def = "") const {
    auto it = opts.find(k);
    return it == opts.end() ? def : it->second;
  }
  uint64_t num(const std::string& k, uint64_t def) const {
    auto it = opts.find(k);
    return it == opts.end() ? def : std::stoull(it->second);
  }
  bool flag(const std::string& k) const { return opts.count(k) != 0; }
};

Args parse(int argc, char** argv) {
  Args a;
  if (argc > 1) a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      const bool has_value = s != "--cold" && s != "--snapshots" && s != "--edges" &&
                             s != "--in-journal" && i + 1 < argc;
      a.opts[s.substr(2)] = has_value ? argv[++i] : "1";
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

JournalSync sync_of(const std::string& s) {
  if (s == "full") return JournalSync::full;
  if (s == "normal") return JournalSync::normal;
  throw std::runtime_error("sync must be full or normal, not " + s);
}

std::unique_ptr<FlowSource> source_of(const Args& a) {
  if (a.flag("workload")) return workload_source(a.get("workload"));
  if (a.flag("synthetic")) return synthetic_source(a.num("synthetic", 0), a.num("seed", 1));
  throw std::runtime_error("give --workload FILE or --synthetic N");
}

/// Commands with their events: events[offsets[i] .. offsets[i+1]) belong to commands[i].
struct Flow {
  std::vector<Command> commands;
  std::vector<Event> events;
  std::vector<size_t> offsets{0};
  uint64_t rejected = 0;
};

Flow collect(std::unique_ptr<FlowSource> source, size_t limit) {
  Flow f;
  FlowDriver driver(std::move(source));
  Command c;
  while (f.commands.size() < limit && driver.step(c, f.events)) {
    f.commands.push_back(std::move(c));
    f.offsets.push_back(f.events.size());
  }
  f.rejected = driver.rejected_orders();
  return f;
}

Timing run_journal(const std::string& path, JournalSync sync, size_t batch, size_t n,
                   const Flow& f) {
  remove_database(path);
  SqliteJournal journal(path, sync);
  const std::span<const Command> commands(f.commands);
  const std::span<const Event> events(f.events);
  const Stopwatch clock;
  for (size_t first = 0; first < n; first += batch) {
    const size_t last = std::min(n, first + batch);
    journal.append(commands.subspan(first, last - first),
                   events.subspan(f.offsets[first], f.offsets[last] - f.offsets[first]));
  }
  return clock.stop();
}

double median(std::vector<Timing> v, double Timing::*which) {
  std::sort(v.begin(), v.end(),
            [&](const Timing& a, const Timing& b) { return a.*which < b.*which; });
  return v[v.size() / 2].*which;
}

int throughput(const Args& a) {
  const auto batches = split(a.get("batches", "1,16,64,256"));
  const auto syncs = split(a.get("sync", "full,normal"));
  const uint64_t reps = std::max<uint64_t>(1, a.num("reps", 3));
  auto commits = [&](const std::string& sync) {
    return sync == "full" ? a.num("commits-full", 1000) : a.num("commits-normal", 20000);
  };
  size_t limit = 0;
  for (const auto& s : syncs)
    for (const auto& b : batches) limit = std::max<size_t>(limit, std::stoull(b) * commits(s));
  const std::string dir = a.get("dir", (std::filesystem::temp_directory_path() /
                                        ("qd-bench-journal-" + std::to_string(::getpid())))
                                           .string());
  std::filesystem::create_directories(dir);

  auto t0 = Clock::now();
  const Flow flow = collect(source_of(a), limit);
  std::printf("flow commands=%zu events=%zu rejected_orders=%llu build_seconds=%.2f sqlite=%s\n",
              flow.commands.size(), flow.events.size(), (unsigned long long)flow.rejected,
              since(t0), sqlite3_libversion());
  std::fflush(stdout);

  int status = 0;
  const std::string jpath = dir + "/journal.db", ypath = dir + "/yardstick.db";
  for (const auto& sync_name : syncs) {
    const JournalSync sync = sync_of(sync_name);
    for (const auto& b : batches) {
      const size_t batch = std::stoull(b);
      const size_t n = std::min(flow.commands.size(), batch * commits(sync_name));
      const YardstickRows rows(std::span(flow.commands).first(n), flow.events,
                               std::span(flow.offsets).first(n + 1));
      std::vector<Timing> tj, ty;
      TableDiff diff;
      uint64_t bytes = 0;
      for (uint64_t rep = 0; rep < reps; ++rep) {
        // Alternate which runs first so neither always meets a warmer page cache.
        if (rep % 2 == 0) ty.push_back(rows.write(ypath, sync, batch));
        tj.push_back(run_journal(jpath, sync, batch, n, flow));
        if (rep % 2 == 1) ty.push_back(rows.write(ypath, sync, batch));
        if (rep == 0) {
          diff = compare_tables(jpath, ypath);
          bytes = database_bytes(jpath);
        }
      }
      const double j = double(n) / median(tj, &Timing::wall);
      const double y = double(n) / median(ty, &Timing::wall);
      const double jc = double(n) / median(tj, &Timing::cpu);
      const double yc = double(n) / median(ty, &Timing::cpu);
      std::printf(
          "sync=%s batch=%zu commands=%zu events=%zu reps=%llu journal_cmds_per_s=%.0f "
          "sqlite_cmds_per_s=%.0f ratio=%.3f journal_cmds_per_cpu_s=%.0f "
          "sqlite_cmds_per_cpu_s=%.0f cpu_ratio=%.3f rows_compared=%llu rows_differing=%llu "
          "journal_bytes=%llu\n",
          sync_name.c_str(), batch, n, flow.offsets[n], (unsigned long long)reps, j, y, j / y, jc,
          yc, jc / yc, (unsigned long long)diff.rows, (unsigned long long)diff.differing,
          (unsigned long long)bytes);
      std::fflush(stdout);
      if (diff.differing != 0) status = 1;
    }
  }
  remove_database(jpath);
  remove_database(ypath);
  if (!a.flag("dir")) std::filesystem::remove_all(dir);
  return status;
}

int generate(const Args& a) {
  const std::string out = a.get("out");
  if (out.empty()) throw std::runtime_error("generate needs --out FILE");
  const size_t batch = a.num("batch", 256);
  remove_database(out);
  const auto t0 = Clock::now();
  uint64_t commands = 0, events = 0;
  {
    SqliteJournal journal(out, sync_of(a.get("sync", "normal")));
    FlowDriver driver(source_of(a));
    std::vector<Command> cmds;
    std::vector<Event> evs;
    Command c;
    bool more = true;
    while (more) {
      cmds.clear();
      evs.clear();
      while (cmds.size() < batch && (more = driver.step(c, evs))) cmds.push_back(std::move(c));
      if (cmds.empty()) break;
      journal.append(cmds, evs);
      commands += cmds.size();
      events += evs.size();
      if (commands % 1'000'000 < cmds.size())
        std::fprintf(stderr, "generated %llu commands in %.0f s\n", (unsigned long long)commands,
                     since(t0));
    }
    std::printf(
        "generated file=%s commands=%llu events=%llu rejected_orders=%llu live_orders=%zu "
        "seconds=%.1f ",
        out.c_str(), (unsigned long long)commands, (unsigned long long)events,
        (unsigned long long)driver.rejected_orders(), driver.exchange().live_orders(), since(t0));
  }
  std::printf("bytes=%llu\n", (unsigned long long)database_bytes(out));
  return 0;
}

void evict_from_page_cache(const std::string& path) {
  for (const char* suffix : {"", "-wal"}) {
    const int fd = ::open((path + suffix).c_str(), O_RDONLY);
    if (fd < 0) continue;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

int backup(const Args& a) {
  if (a.positional.size() != 2) throw std::runtime_error("backup needs FILE and COPY");
  if (std::filesystem::exists(a.positional[1]))
    throw std::runtime_error(a.positional[1] + " exists");
  const Stopwatch clock;
  SqliteJournal::backup(a.positional[0], a.positional[1]);
  const Timing t = clock.stop();
  std::printf("backup file=%s copy=%s bytes=%llu seconds=%.2f cpu_seconds=%.2f\n",
              a.positional[0].c_str(), a.positional[1].c_str(),
              (unsigned long long)database_bytes(a.positional[1]), t.wall, t.cpu);
  return 0;
}

int restart(const Args& a) {
  if (a.positional.size() != 1) throw std::runtime_error("restart needs one journal FILE");
  const std::string path = a.positional[0];
  if (!std::filesystem::exists(path)) throw std::runtime_error(path + ": no such file");
  const uint64_t bytes = database_bytes(path);
  if (a.flag("cold")) evict_from_page_cache(path);
  const Stopwatch clock;
  SqliteJournal journal(path, JournalSync::full);
  const double open_s = clock.stop().wall;
  const ExchangeSpec spec = flow_exchange_spec();
  Exchange exchange(spec);
  if (!a.flag("snapshots")) {
    const ReplayStats stats = replay_journal(journal, exchange);
    const Timing t = clock.stop();
    std::printf(
        "restart file=%s bytes=%llu cache=%s commands=%llu events=%llu live_orders=%zu "
        "open_seconds=%.3f restart_seconds=%.2f cpu_seconds=%.2f cmds_per_s=%.0f "
        "peak_rss_kb=%ld\n",
        path.c_str(), (unsigned long long)bytes, a.flag("cold") ? "cold" : "warm",
        (unsigned long long)stats.commands, (unsigned long long)stats.events,
        exchange.live_orders(), open_s, t.wall, t.cpu, double(stats.commands) / t.wall,
        peak_rss_kb());
    return 0;
  }
  // The venue's restart: the newest snapshot, then the tail; the edges' part (stored events up
  // to the snapshot, decoded) only with --edges, timed on its own.
  const std::function<void(std::span<const Event>)> edges = [](std::span<const Event>) {};
  const RecoveryStats r =
      recover_exchange(journal, exchange, spec, a.flag("edges") ? edges : nullptr, true);
  const Timing t = clock.stop();
  for (const std::string& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  std::printf(
      "restart file=%s bytes=%llu cache=%s snapshots=yes commands=%llu snapshot_seq=%llu "
      "snapshot_bytes=%llu snapshot_seconds=%.3f snapshot_cpu_seconds=%.3f "
      "replayed_commands=%llu replayed_events=%llu replay_seconds=%.2f replay_cpu_seconds=%.2f "
      "stored_events=%llu stored_events_seconds=%.2f stored_events_cpu_seconds=%.2f "
      "live_orders=%zu open_seconds=%.3f restart_seconds=%.2f cpu_seconds=%.2f "
      "peak_rss_kb=%ld\n",
      path.c_str(), (unsigned long long)bytes, a.flag("cold") ? "cold" : "warm",
      (unsigned long long)(r.snapshot_seq + r.replay.commands),
      (unsigned long long)r.snapshot_seq, (unsigned long long)r.snapshot_bytes,
      r.snapshot_seconds, r.snapshot_cpu_seconds, (unsigned long long)r.replay.commands,
      (unsigned long long)r.replay.events, r.replay_seconds, r.replay_cpu_seconds,
      (unsigned long long)r.stored_events, r.stored_events_seconds, r.stored_events_cpu_seconds,
      exchange.live_orders(), open_s, t.wall, t.cpu, peak_rss_kb());
  return 0;
}

int snapshot(const Args& a) {
  if (a.positional.size() != 1) throw std::runtime_error("snapshot needs one journal FILE");
  const std::string path = a.positional[0];
  if (!std::filesystem::exists(path)) throw std::runtime_error(path + ": no such file");
  const uint64_t every = a.num("every", 100'000);
  if (every == 0) throw std::runtime_error("--every must be > 0");
  const SqliteJournal journal(path, JournalSync::normal);
  // --in-journal writes them into the journal's own file, as an earlier layout did: the probe
  // below then shows the commit stall that layout caused.
  SnapshotStore store(a.flag("in-journal") ? path : snapshot_path_for(path), journal.journal_id());
  // The journal's commit stall: another connection to the journal file takes and releases its
  // write lock (BEGIN IMMEDIATE; ROLLBACK: no rows change) in a loop, as the commit thread's
  // next group commit would. Waits while a snapshot is being written are reported apart from
  // the others (the baseline: thread scheduling on a loaded machine).
  std::atomic<bool> writing{false}, done{false};
  std::vector<double> waits_writing, waits_idle;
  std::thread prober([&] {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return;
    sqlite3_busy_timeout(db, 5000);
    while (!done.load()) {
      const bool during = writing.load();
      const auto t0 = Clock::now();
      if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK) {
        (during ? waits_writing : waits_idle).push_back(since(t0));
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));  // a commit every ~0.2 ms
    }
    sqlite3_close(db);
  });
  Exchange exchange(flow_exchange_spec());
  std::vector<Event> events;
  uint64_t taken = 0;
  size_t bytes = 0;
  double capture_total = 0, capture_max = 0, encode_total = 0, write_max = 0;
  const Stopwatch clock;
  journal.for_each_command([&](const Command& c, uint64_t, uint32_t) {
    events.clear();
    exchange.process(c, events);
    if (c.seq % every != 0) return;
    // What the engine thread pays: the copy of the state. Encoding and the write are the
    // writer thread's.
    const auto t0 = Clock::now();
    CapturedSnapshot state = capture_snapshot(exchange, c.seq);
    const double s = since(t0);
    capture_total += s;
    capture_max = std::max(capture_max, s);
    const auto t1 = Clock::now();
    const std::string blob = encode_captured(std::move(state));
    encode_total += since(t1);
    const auto t2 = Clock::now();
    bytes = blob.size();
    writing = true;
    store.write(blob, 0);
    write_max = std::max(write_max, since(t2));
    writing = false;
    store.prune(2);
    ++taken;
  });
  const Timing t = clock.stop();
  done = true;
  prober.join();
  const auto pct = [](std::vector<double>& v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[size_t(p * double(v.size() - 1))] * 1e3;
  };
  const auto over_1ms = [](const std::vector<double>& v) {
    return size_t(std::count_if(v.begin(), v.end(), [](double w) { return w > 1e-3; }));
  };
  std::printf(
      "snapshot file=%s snapshot_file=%s every=%llu snapshots=%llu last_bytes=%zu "
      "live_orders=%zu capture_ms_mean=%.2f capture_ms_max=%.2f encode_ms_mean=%.2f "
      "write_ms_max=%.2f journal_lock_probes_writing=%zu journal_lock_wait_ms_p50=%.3f "
      "journal_lock_wait_ms_p99=%.3f journal_lock_wait_ms_max=%.3f journal_lock_waits_over_1ms=%zu "
      "journal_lock_probes_idle=%zu idle_lock_wait_ms_p99=%.3f idle_lock_wait_ms_max=%.3f "
      "idle_lock_waits_over_1ms=%zu seconds=%.2f\n",
      path.c_str(), store.path().c_str(), (unsigned long long)every, (unsigned long long)taken,
      bytes, exchange.live_orders(), taken ? capture_total / double(taken) * 1e3 : 0.0,
      capture_max * 1e3, taken ? encode_total / double(taken) * 1e3 : 0.0, write_max * 1e3,
      waits_writing.size(), pct(waits_writing, 0.5), pct(waits_writing, 0.99),
      pct(waits_writing, 1.0), over_1ms(waits_writing), waits_idle.size(), pct(waits_idle, 0.99),
      pct(waits_idle, 1.0), over_1ms(waits_idle), t.wall);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  try {
    if (a.mode == "throughput") return throughput(a);
    if (a.mode == "generate") return generate(a);
    if (a.mode == "restart") return restart(a);
    if (a.mode == "snapshot") return snapshot(a);
    if (a.mode == "backup") return backup(a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qd-bench-journal: %s\n", e.what());
    return 2;
  }
  std::fprintf(stderr,
               "usage: qd-bench-journal throughput (--workload FILE | --synthetic N) [options]\n"
               "       qd-bench-journal generate --synthetic N --out FILE [options]\n"
               "       qd-bench-journal restart FILE [--cold] [--snapshots [--edges]]\n"
               "       qd-bench-journal snapshot FILE [--every N] [--in-journal]\n"
               "       qd-bench-journal backup FILE COPY\n");
  return 2;
}
