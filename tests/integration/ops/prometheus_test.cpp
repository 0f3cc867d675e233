// A real Prometheus (Debian's `prometheus`) scrapes a real quantdesk on loopback, evaluates the
// alert rules, and answers every PromQL expression the Grafana dashboard and the rules use. The
// expressions are read from config/grafana/quantdesk.json and config/prometheus/alerts.yml, so a
// new panel or rule is checked without touching this test.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <regex>

#include "tests/integration/ops/ops_harness.hpp"

namespace qd::ops_test {
namespace {

const std::string kSource = QD_SOURCE_DIR;
const std::string kDashboard = kSource + "/config/grafana/quantdesk.json";
const std::string kAlerts = kSource + "/config/prometheus/alerts.yml";
const std::string kExampleConfig = kSource + "/config/prometheus/prometheus.yml";

/// Every "expr" string anywhere in the dashboard (panels, rows' panels, any nesting).
void collect_exprs(const json& j, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (k == "expr" && v.is_string()) {
        out.push_back(v.get<std::string>());
      } else {
        collect_exprs(v, out);
      }
    }
  } else if (j.is_array()) {
    for (const auto& v : j) collect_exprs(v, out);
  }
}

struct Rule {
  std::string name;
  std::string expr;
  bool alert = false;
};

std::vector<Rule> rules_of(const std::string& file) {
  std::vector<Rule> out;
  const YAML::Node doc = YAML::LoadFile(file);
  for (const auto& group : doc["groups"]) {
    for (const auto& r : group["rules"]) {
      Rule rule;
      rule.alert = bool(r["alert"]);
      rule.name = rule.alert ? r["alert"].as<std::string>() : r["record"].as<std::string>();
      rule.expr = r["expr"].as<std::string>();
      out.push_back(rule);
    }
  }
  return out;
}

/// Splits "A and B and C" at top-level " and " (outside parentheses, brackets and braces).
std::vector<std::string> top_level_clauses(const std::string& expr) {
  std::vector<std::string> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < expr.size(); ++i) {
    const char c = expr[i];
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (depth == 0 && expr.compare(i, 5, " and ") == 0) {
      out.push_back(expr.substr(start, i - start));
      start = i + 5;
    }
  }
  out.push_back(expr.substr(start));
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

class Prometheus {
 public:
  Prometheus(const std::string& dir, uint16_t target_port) : port_(free_port()) {
    std::filesystem::create_directories(dir + "/tsdb");
    const std::string config = dir + "/prometheus.yml";
    write_file(config,
               "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
               "rule_files:\n  - \"" +
                   kAlerts +
                   "\"\n"
                   "scrape_configs:\n  - job_name: quantdesk\n    static_configs:\n"
                   "      - targets: [\"127.0.0.1:" +
                   std::to_string(target_port) + "\"]\n");
    err_ = dir + "/prometheus.err";
    process_ = std::make_unique<Process>(
        std::vector<std::string>{
            QD_PROMETHEUS_BIN, "--config.file=" + config, "--storage.tsdb.path=" + dir + "/tsdb",
            "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
        dir + "/prometheus.out", err_);
  }
  ~Prometheus() { process_->stop(SIGTERM, 10s); }

  bool wait_ready(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!process_->running()) return false;
      if (auto r = http_get(port_, "/-/ready"); r && r->status == 200) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  /// The API's JSON answer to an instant query (status "success" or "error").
  json query(const std::string& promql) {
    const auto r = http_get(port_, "/api/v1/query?query=" + url_encode(promql));
    if (!r) return json{{"status", "error"}, {"error", "no HTTP answer"}};
    return json::parse(r->body, nullptr, false);
  }
  json get(const std::string& path) {
    const auto r = http_get(port_, path);
    return r ? json::parse(r->body, nullptr, false) : json();
  }
  std::string log() const { return read_file(err_); }

 private:
  uint16_t port_;
  std::string err_;
  std::unique_ptr<Process> process_;
};

size_t series(const json& answer) {
  if (answer.value("status", "") != "success") return 0;
  const json& result = answer["data"]["result"];
  return result.is_array() ? result.size() : 0;
}

TEST(OpsPrometheus, ScrapesTheGatewayAndEveryDashboardAndRuleExpressionReturnsSeries) {
  ASSERT_STRNE(QD_PROMETHEUS_BIN, "") << "prometheus not found: run scripts/setup.sh";
  ASSERT_STRNE(QD_PROMTOOL_BIN, "") << "promtool not found: run scripts/setup.sh";
  RunResult check = run({QD_PROMTOOL_BIN, "check", "rules", kAlerts});
  ASSERT_EQ(check.rc, 0) << check.out << check.err;
  check = run({QD_PROMTOOL_BIN, "check", "config", kExampleConfig});
  ASSERT_EQ(check.rc, 0) << check.out << check.err;

  std::vector<std::string> dashboard;
  collect_exprs(json::parse(read_file(kDashboard)), dashboard);
  const std::vector<Rule> rules = rules_of(kAlerts);
  ASSERT_GE(dashboard.size(), 20u);
  ASSERT_GE(rules.size(), 10u);

  VenueOptions o;
  o.extra_yaml = "risk: { insurance_fund: \"100000\" }\n";
  OpsVenue v(o);
  v.start();
  {  // Some real traffic: a resting order, a fill, an engine reject.
    auto a = v.connect("DESK_A");
    auto b = v.connect("DESK_B");
    auto bid = limit_order("p-bid", "BTC-PERP", '1', "0.01", "50000");
    ASSERT_TRUE(a->send(bid));
    ASSERT_TRUE(wait_report(*a, "p-bid", '0'));
    auto ask = limit_order("p-ask", "BTC-PERP", '2', "0.01", "50000");
    ASSERT_TRUE(b->send(ask));
    ASSERT_TRUE(wait_report(*b, "p-ask", 'F'));
    auto off_tick = limit_order("p-bad", "BTC-PERP", '1', "0.01", "50000.05");
    ASSERT_TRUE(a->send(off_tick));
    ASSERT_TRUE(wait_report(*a, "p-bad", '8'));
    b->stop(true);
    a->stop(true);
  }

  Prometheus prom(v.dir() + "/prom", v.metrics_port());
  ASSERT_TRUE(prom.wait_ready(30s)) << prom.log();
  // A few scrapes, so rates have two samples and the rules have run.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool scraped = false;
  while (!scraped && std::chrono::steady_clock::now() < deadline) {
    const json r = prom.query("count_over_time(up{job=\"quantdesk\"}[1m]) >= 4 and up == 1");
    scraped = series(r) == 1;
    if (!scraped) std::this_thread::sleep_for(250ms);
  }
  ASSERT_TRUE(scraped) << "no 4 successful scrapes: " << prom.log();
  EXPECT_EQ(
      series(prom.query("quantdesk_fills_total{market=\"BTC-PERP\",liquidity=\"taker\"} == 1")), 1u)
      << "the fill made it through the scrape";
  EXPECT_EQ(series(prom.query("quantdesk_insurance_fund_usdc == 100000")), 1u);

  for (std::string expr : dashboard) {
    ASSERT_EQ(expr.find('$'), std::string::npos) << "template variable in: " << expr;
    const json answer = prom.query(expr);
    EXPECT_EQ(answer.value("status", ""), "success") << expr << "\n" << answer.dump();
    EXPECT_GE(series(answer), 1u) << "dashboard expression returns no series: " << expr;
  }

  const std::regex clause(R"(^\((.*)\)\s*(==|!=|>=|<=|>|<)\s*-?[0-9.]+$)");
  for (const Rule& rule : rules) {
    const std::string expr = trim(rule.expr);
    const json whole = prom.query(expr);
    EXPECT_EQ(whole.value("status", ""), "success") << rule.name << ": " << whole.dump();
    if (!rule.alert) {
      EXPECT_GE(series(whole), 1u) << "recording rule returns no series: " << rule.name;
      continue;
    }
    for (const std::string& part : top_level_clauses(expr)) {
      std::smatch m;
      const std::string c = trim(part);
      ASSERT_TRUE(std::regex_match(c, m, clause))
          << rule.name << ": clause not in the form (<signal>) <op> <number>: " << c;
      EXPECT_GE(series(prom.query(m[1].str())), 1u)
          << rule.name << ": signal returns no series: " << m[1].str();
    }
  }

  // Prometheus itself evaluated every rule without error.
  const auto rules_deadline = std::chrono::steady_clock::now() + 15s;
  size_t healthy = 0;
  json api;
  while (std::chrono::steady_clock::now() < rules_deadline) {
    api = prom.get("/api/v1/rules");
    healthy = 0;
    for (const auto& g : api["data"]["groups"]) {
      for (const auto& r : g["rules"]) healthy += r.value("health", "") == "ok" ? 1 : 0;
    }
    if (healthy == rules.size()) break;
    std::this_thread::sleep_for(250ms);
  }
  EXPECT_EQ(healthy, rules.size()) << api.dump(1);
  EXPECT_EQ(v.stop(), 0);
}

}  // namespace
}  // namespace qd::ops_test
