#include "app/client/client_commands.hpp"

#include <sstream>
#include <vector>

#include "fix/fix_time.hpp"

namespace qd::client {

namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream ss(line);
  std::string w;
  while (ss >> w) out.push_back(w);
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(const std::string& s, const std::string& p) {
  return s.rfind(p, 0) == 0;
}

FIX::Message make(const char* type) {
  FIX::Message m;
  m.getHeader().setField(35, type);
  return m;
}

std::string now() {
  return fix::format_utc_timestamp(fix::wall_clock_ns(), 3);
}

std::string get(const FIX::Message& m, int tag) {
  if (m.isSetField(tag)) return m.getField(tag);
  if (m.getHeader().isSetField(tag)) return m.getHeader().getField(tag);
  return "";
}

}  // namespace

CommandBuilder::CommandBuilder(std::string id_prefix) : prefix_(std::move(id_prefix)) {}

std::string CommandBuilder::next_id() {
  return prefix_ + std::to_string(++counter_);
}

std::optional<ClientCommand> CommandBuilder::parse(const std::string& line) {
  std::vector<std::string> w = split(line);
  if (w.empty() || w[0][0] == '#') return std::nullopt;
  std::string verb = lower(w[0]);
  if (verb == "buy") return order(w, '1');
  if (verb == "sell") return order(w, '2');
  if (verb == "cancel") return cancel(w);
  if (verb == "replace") return replace(w);
  if (verb == "status") return status(w);
  if (verb == "masscancel") return mass_cancel(w);
  if (verb == "sleep" && w.size() == 2) return Sleep{std::atoi(w[1].c_str())};
  if (verb == "quit" || verb == "exit") return Quit{};
  return ParseError{"unknown command '" + w[0] + "'"};
}

ClientCommand CommandBuilder::order(const std::vector<std::string>& w, char side) {
  if (w.size() < 3) return ParseError{"usage: buy|sell SYMBOL QTY [@ PRICE] [options]"};
  FIX::Message m = make("D");
  std::string id = next_id();
  std::string price, stop, tif = "1", expire, inst;
  size_t i = 3;
  if (i + 1 < w.size() && w[i] == "@") {
    price = w[i + 1];
    i += 2;
  }
  for (; i < w.size(); ++i) {
    std::string o = lower(w[i]);
    if (o == "day")
      tif = "0";
    else if (o == "gtc")
      tif = "1";
    else if (o == "ioc")
      tif = "3";
    else if (o == "fok")
      tif = "4";
    else if (starts_with(o, "gtd=")) {
      tif = "6";
      expire = w[i].substr(4);
    } else if (o == "post")
      inst += inst.empty() ? "6" : " 6";
    else if (o == "reduce")
      inst += inst.empty() ? "E" : " E";
    else if (starts_with(o, "stop="))
      stop = w[i].substr(5);
    else if (starts_with(o, "stp="))
      m.setField(20002, w[i].substr(4));
    else if (starts_with(o, "account="))
      m.setField(1, w[i].substr(8));
    else if (starts_with(o, "id="))
      id = w[i].substr(3);
    else
      return ParseError{"unknown order option '" + w[i] + "'"};
  }
  char ord_type = stop.empty() ? (price.empty() ? '1' : '2') : (price.empty() ? '3' : '4');
  m.setField(11, id);
  m.setField(55, w[1]);
  m.setField(54, std::string(1, side));
  m.setField(60, now());
  m.setField(38, w[2]);
  m.setField(40, std::string(1, ord_type));
  if (!price.empty()) m.setField(44, price);
  if (!stop.empty()) m.setField(99, stop);
  m.setField(59, tif);
  if (!expire.empty()) m.setField(126, expire);
  if (!inst.empty()) m.setField(18, inst);
  known_[id] = Known{w[1], side, ord_type};
  return SendMessage{m, id};
}

ClientCommand CommandBuilder::cancel(const std::vector<std::string>& w) {
  if (w.size() != 2) return ParseError{"usage: cancel CLORDID"};
  auto it = known_.find(w[1]);
  if (it == known_.end()) return ParseError{"no order " + w[1] + " sent in this run"};
  FIX::Message m = make("F");
  std::string id = next_id();
  m.setField(11, id);
  m.setField(41, w[1]);
  m.setField(55, it->second.symbol);
  m.setField(54, std::string(1, it->second.side));
  m.setField(60, now());
  return SendMessage{m, id};
}

ClientCommand CommandBuilder::replace(const std::vector<std::string>& w) {
  if (w.size() < 3) return ParseError{"usage: replace CLORDID QTY [@ PRICE] [stop=PRICE]"};
  auto it = known_.find(w[1]);
  if (it == known_.end()) return ParseError{"no order " + w[1] + " sent in this run"};
  Known k = it->second;
  FIX::Message m = make("G");
  std::string id = next_id();
  m.setField(11, id);
  m.setField(41, w[1]);
  m.setField(55, k.symbol);
  m.setField(54, std::string(1, k.side));
  m.setField(60, now());
  m.setField(38, w[2]);
  m.setField(40, std::string(1, k.ord_type));
  for (size_t i = 3; i < w.size(); ++i) {
    if (w[i] == "@" && i + 1 < w.size())
      m.setField(44, w[++i]);
    else if (starts_with(lower(w[i]), "stop="))
      m.setField(99, w[i].substr(5));
    else
      return ParseError{"unknown replace option '" + w[i] + "'"};
  }
  known_[id] = k;
  return SendMessage{m, id};
}

ClientCommand CommandBuilder::status(const std::vector<std::string>& w) {
  if (w.size() == 1) {
    FIX::Message m = make("AF");
    m.setField(584, next_id());
    m.setField(585, "7");
    return SendMessage{m, ""};
  }
  auto it = known_.find(w[1]);
  if (it == known_.end()) return ParseError{"no order " + w[1] + " sent in this run"};
  FIX::Message m = make("H");
  m.setField(11, w[1]);
  m.setField(55, it->second.symbol);
  m.setField(54, std::string(1, it->second.side));
  return SendMessage{m, ""};
}

ClientCommand CommandBuilder::mass_cancel(const std::vector<std::string>& w) {
  FIX::Message m = make("q");
  std::string id = next_id();
  m.setField(11, id);
  m.setField(530, w.size() > 1 ? "1" : "7");
  if (w.size() > 1) m.setField(55, w[1]);
  m.setField(60, now());
  return SendMessage{m, id};
}

std::string describe(const FIX::Message& m) {
  std::string type = get(m, 35);
  std::ostringstream out;
  auto kv = [&](const char* name, int tag) {
    std::string v = get(m, tag);
    if (!v.empty()) out << ' ' << name << '=' << v;
  };
  if (type == "8") {
    out << "ER";
    kv("exec", 150);
    kv("status", 39);
    kv("id", 11);
    kv("orig", 41);
    kv("order", 37);
    kv("symbol", 55);
    std::string side = get(m, 54);
    out << " side=" << (side == "1" ? "buy" : side == "2" ? "sell" : side);
    kv("qty", 38);
    kv("price", 44);
    kv("stop", 99);
    if (!get(m, 32).empty()) out << " last=" << get(m, 32) << '@' << get(m, 31);
    kv("cum", 14);
    kv("leaves", 151);
    kv("avg", 6);
    kv("fee", 12);
    kv("liq", 851);
    kv("rej", 103);
    kv("code", 20003);
    kv("cause", 20001);
    kv("kept", 20004);
    kv("trade", 20005);
    kv("reports", 911);
  } else if (type == "9") {
    out << "CANCEL-REJECT";
    kv("id", 11);
    kv("orig", 41);
    kv("order", 37);
    kv("status", 39);
    kv("to", 434);
    kv("reason", 102);
    kv("code", 20003);
  } else if (type == "r") {
    out << "MASS-CANCEL";
    kv("id", 11);
    kv("response", 531);
    kv("canceled", 533);
    kv("code", 20003);
  } else if (type == "j") {
    out << "BUSINESS-REJECT";
    kv("ref", 372);
    kv("refid", 379);
    kv("reason", 380);
    kv("code", 20003);
  } else if (type == "3") {
    out << "SESSION-REJECT";
    kv("refseq", 45);
    kv("tag", 371);
    kv("reason", 373);
  } else if (type == "5") {
    out << "LOGOUT";
  } else {
    out << "MSG type=" << type;
  }
  std::string text = get(m, 58);
  if (!text.empty()) out << " text=\"" << text << '"';
  return out.str();
}

}  // namespace qd::client
