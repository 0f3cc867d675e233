// Scenario steps: each list item has an optional `at` (scenario time) and exactly one action.

#include <algorithm>

#include "app/config/config_parse.hpp"
#include "app/risk_sim/scenario_parse.hpp"
#include "core/decimal.hpp"

namespace qd::risk_sim {

namespace {

const std::vector<std::string_view> kActions = {"deposit",    "withdraw", "order",    "cancel",
                                                "cancel_all", "fill",     "oracle",   "shock",
                                                "tick",       "advance",  "snapshot", "stress"};

constexpr int64_t MAX_SHOCK_BPS = 100'000;  // +1000%
constexpr int64_t MIN_SHOCK_BPS = -9'999;   // a price must stay positive

bool read_side(MapReader& r, std::string_view key, Side& out) {
  size_t i = 0;
  if (!r.require(key) || !r.choice(key, {"buy", "sell"}, i)) return false;
  out = i == 0 ? Side::buy : Side::sell;
  return true;
}

void parse_collateral(MapReader& r, const Names& names, AccountId& account, Quote& amount) {
  names.account(r, "account", account);
  r.require("amount");
  read_fixed(r, "amount", amount, 1);
}

OrderStep parse_order(MapReader& r, const Names& names, size_t index) {
  OrderStep o;
  names.account(r, "account", o.account);
  names.market(r, "market", o.market);
  read_side(r, "side", o.side);
  size_t type = 0;
  if (r.choice("type", {"limit", "market"}, type))
    o.type = type == 0 ? OrderType::limit : OrderType::market;
  size_t tif = 0;
  if (r.choice("tif", {"gtc", "ioc", "fok"}, tif)) {
    o.tif = tif == 0 ? TimeInForce::gtc : tif == 1 ? TimeInForce::ioc : TimeInForce::fok;
  } else if (o.type == OrderType::market) {
    o.tif = TimeInForce::ioc;
  }
  const bool has_price = r.has("price");
  const bool has_offset = r.has("oracle_offset_pct");
  if (o.type == OrderType::market) {
    if (has_price || has_offset)
      r.error(has_price ? "price" : "oracle_offset_pct",
              "a market order has no price; it trades up to the band's protection price");
  } else if (has_price == has_offset) {
    r.error_here("a limit order needs exactly one of 'price' or 'oracle_offset_pct'");
  }
  if (has_price) read_fixed(r, "price", o.price, 1);
  int64_t offset = 0;
  if (has_offset && read_signed_pct(r, "oracle_offset_pct", offset, -9'999, MAX_SHOCK_BPS))
    o.oracle_offset_bps = offset;
  r.require("qty");
  read_fixed(r, "qty", o.qty, 1);
  r.boolean("reduce_only", o.reduce_only);
  r.boolean("post_only", o.post_only);
  o.id = "s" + std::to_string(index);
  if (r.text("id", o.id) && o.id.size() > ClientOrderId::max_size)
    r.error("id", "is longer than " + std::to_string(ClientOrderId::max_size) + " characters");
  return o;
}

FillStep parse_fill(MapReader& r, const Names& names) {
  FillStep f;
  const bool b = names.account(r, "buyer", f.buyer);
  const bool s = names.account(r, "seller", f.seller);
  if (b && s && f.buyer == f.seller)
    r.error("seller", "is the buyer; a fill needs two different accounts");
  names.market(r, "market", f.market);
  r.require("price");
  read_fixed(r, "price", f.price, 1);
  r.require("qty");
  read_fixed(r, "qty", f.qty, 1);
  size_t taker = 0;
  if (r.choice("taker", {"buyer", "seller"}, taker)) f.taker = taker == 0 ? Side::buy : Side::sell;
  return f;
}

StressStep parse_stress(MapReader& r, const Names& names, TimestampNs default_every) {
  StressStep st;
  r.require("shocks_pct");
  if (const ConfigNode* list = r.list("shocks_pct")) {
    if (list->items.empty())
      r.error("shocks_pct", "is empty; list the shocks, like [\"-2\", \"-4\"]");
    for (size_t i = 0; i < list->items.size(); ++i) {
      int64_t bps = 0;
      if (parse_signed_pct(list->items[i], r.path("shocks_pct") + "[" + std::to_string(i) + "]",
                           bps, MIN_SHOCK_BPS, MAX_SHOCK_BPS, r.errors()))
        st.shocks_bps.push_back(bps);
    }
  }
  names.markets_or_all(r, "market", st.markets);
  r.boolean("cancel_orders", st.cancel_orders);
  if (const ConfigNode* liq = r.map("liquidity")) {
    MapReader l(*liq, r.path("liquidity"), r.errors());
    AccountId account = 0;
    if (names.account(l, "account", account)) st.liquidity_account = account;
    l.require("levels");
    if (const ConfigNode* levels = l.list("levels")) {
      for (size_t i = 0; i < levels->items.size(); ++i) {
        MapReader lv(levels->items[i], l.path("levels") + "[" + std::to_string(i) + "]",
                     r.errors());
        if (!lv.ok()) continue;
        LiquidityLevel level;
        lv.require("offset_pct");
        if (read_signed_pct(lv, "offset_pct", level.offset_bps, -9'999, MAX_SHOCK_BPS) &&
            level.offset_bps == 0)
          lv.error("offset_pct", "is zero; a level sits below (bids) or above (asks) the price");
        lv.require("notional");
        read_fixed(lv, "notional", level.notional, 1);
        lv.finish();
        st.levels.push_back(level);
      }
    }
    l.finish();
  }
  read_duration(r, "hold", st.hold, 0);
  st.every = default_every;
  read_duration(r, "every", st.every, 1);
  return st;
}

}  // namespace

void parse_steps(const ConfigNode& list, const Names& names, TimestampNs default_every,
                 std::vector<Step>& out, ConfigErrors& errors) {
  TimestampNs previous = 0;
  for (size_t i = 0; i < list.items.size(); ++i) {
    const std::string path = "steps[" + std::to_string(i) + "]";
    MapReader r(list.items[i], path, errors);
    if (!r.ok()) continue;
    Step step;
    step.index = i + 1;
    step.at = previous;
    if (read_duration(r, "at", step.at, 0) && step.at < previous) {
      r.error("at", format_decimal(step.at, 9) + " s is before the previous step (" +
                        format_decimal(previous, 9) + " s); steps run in time order");
    }

    std::vector<const ConfigEntry*> found;
    for (std::string_view a : kActions) {
      if (const ConfigEntry* e = r.get(a)) found.push_back(e);
    }
    if (found.empty()) {
      std::string names_list;
      for (std::string_view a : kActions)
        names_list += (names_list.empty() ? "" : ", ") + std::string(a);
      r.error_here("a step needs one action: " + names_list);
      r.finish();
      previous = std::max(previous, step.at);
      continue;
    }
    if (found.size() > 1) {
      errors.push_back(make_error(found[1]->key_loc, path + ": '" + found[1]->key +
                                                         "' in the same step as '" + found[0]->key +
                                                         "'; a step does exactly one thing"));
    }
    const ConfigEntry& e = *found[0];
    const std::string& kind = e.key;
    step.loc = e.key_loc;
    const std::string apath = path + "." + kind;

    if (kind == "snapshot") {
      if (e.value.kind != ConfigNode::Kind::scalar || e.value.scalar.empty()) {
        errors.push_back(
            make_error(e.value.loc, apath + ": expected a label, got " + describe(e.value)));
      }
      step.action = SnapshotStep{e.value.scalar};
    } else if (kind == "tick") {
      if (e.value.kind != ConfigNode::Kind::null &&
          !(e.value.kind == ConfigNode::Kind::map && e.value.entries.empty())) {
        errors.push_back(make_error(e.value.loc, apath + ": takes no settings; write `tick: {}`"));
      }
      step.action = TickStep{};
    } else {
      MapReader a(e.value, apath, errors);
      if (!a.ok()) {
        r.finish();
        previous = std::max(previous, step.at);
        continue;
      }
      if (kind == "deposit") {
        DepositStep d;
        parse_collateral(a, names, d.account, d.amount);
        step.action = d;
      } else if (kind == "withdraw") {
        WithdrawStep w;
        parse_collateral(a, names, w.account, w.amount);
        step.action = w;
      } else if (kind == "order") {
        step.action = parse_order(a, names, step.index);
      } else if (kind == "cancel") {
        CancelStep c;
        names.account(a, "account", c.account);
        names.market(a, "market", c.market);
        a.require("id");
        a.text("id", c.id);
        step.action = c;
      } else if (kind == "cancel_all") {
        CancelAllStep c;
        names.account(a, "account", c.account);
        MarketId m = 0;
        if (a.has("market") && names.market(a, "market", m)) c.market = m;
        a.get("market");
        step.action = c;
      } else if (kind == "fill") {
        step.action = parse_fill(a, names);
      } else if (kind == "oracle") {
        OracleStep o;
        names.market(a, "market", o.market);
        a.require("price");
        read_fixed(a, "price", o.price, 1);
        read_fixed(a, "confidence", o.confidence, 0);
        step.action = o;
      } else if (kind == "shock") {
        ShockStep s;
        names.markets_or_all(a, "market", s.markets);
        a.require("pct");
        read_signed_pct(a, "pct", s.pct_bps, MIN_SHOCK_BPS, MAX_SHOCK_BPS);
        step.action = s;
      } else if (kind == "advance") {
        AdvanceStep adv;
        adv.every = default_every;
        const bool to = a.has("to"), by = a.has("by");
        if (to == by) a.error_here("needs exactly one of 'to' (a time) or 'by' (a duration)");
        TimestampNs d = 0;
        if (to && read_duration(a, "to", adv.to, 0) && adv.to <= step.at)
          a.error("to", "is not after the step's time; advance moves time forward");
        if (by && read_duration(a, "by", d, 1)) adv.to = step.at + d;
        read_duration(a, "every", adv.every, 1);
        step.action = adv;
      } else if (kind == "stress") {
        step.action = parse_stress(a, names, default_every);
      }
      a.finish();
    }
    r.finish();
    // The next step starts where this one left time (an advance moves it).
    previous = std::max(previous, step.at);
    if (const auto* adv = std::get_if<AdvanceStep>(&step.action))
      previous = std::max(previous, adv->to);
    out.push_back(std::move(step));
  }
}

}  // namespace qd::risk_sim
