#include "app/config/config_document.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace qd {

namespace fs = std::filesystem;

std::string ConfigError::to_string() const {
  std::string s = file;
  if (line > 0) {
    s += ':' + std::to_string(line);
    if (column > 0) s += ':' + std::to_string(column);
  }
  return s + ": " + message;
}

ConfigError make_error(const SourceLoc& loc, std::string message) {
  return ConfigError{loc.file, loc.line, loc.column, std::move(message)};
}

std::string where(const SourceLoc& l) {
  return l.file + ':' + std::to_string(l.line) + ':' + std::to_string(l.column);
}

const ConfigEntry* ConfigNode::find(std::string_view key) const {
  for (const ConfigEntry& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

ConfigEntry* ConfigNode::find(std::string_view key) {
  for (ConfigEntry& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

std::string describe(const ConfigNode& n) {
  switch (n.kind) {
    case ConfigNode::Kind::null:
      return "nothing";
    case ConfigNode::Kind::sequence:
      return "a list";
    case ConfigNode::Kind::map:
      return "a mapping";
    case ConfigNode::Kind::scalar:
      break;
  }
  return '"' + n.scalar + '"';
}

namespace {

SourceLoc loc_of(const YAML::Mark& m, const std::string& file) {
  // yaml-cpp marks are 0-based; a null mark (-1) means "unknown position".
  return SourceLoc{file, m.line < 0 ? 0 : m.line + 1, m.column < 0 ? 0 : m.column + 1};
}

/// Aliases are expanded by value: bound the work so a YAML alias bomb or a self-referencing
/// anchor is an error, not a hang or a stack overflow.
struct ConvertBudget {
  static constexpr int max_depth = 64;
  static constexpr size_t max_nodes = 100'000;
  size_t nodes = 0;
  bool reported = false;
};

ConfigNode convert(const YAML::Node& y, const SourceLoc& fallback, const std::string& file,
                   ConfigErrors& errors, ConvertBudget& budget, int depth) {
  ConfigNode n;
  n.loc = loc_of(y.Mark(), file);
  if (depth > ConvertBudget::max_depth || ++budget.nodes > ConvertBudget::max_nodes) {
    if (!budget.reported) {
      errors.push_back(make_error(n.loc,
                                  "the document nests deeper than 64 levels or has more "
                                  "than 100000 values (expanded aliases included)"));
      budget.reported = true;
    }
    n.loc = fallback;
    return n;
  }
  switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      // yaml-cpp places an empty value at the start of the next token: point at its key instead.
      n.kind = ConfigNode::Kind::null;
      n.loc = fallback;
      break;
    case YAML::NodeType::Scalar:
      n.kind = ConfigNode::Kind::scalar;
      n.scalar = y.Scalar();
      n.quoted = y.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      n.kind = ConfigNode::Kind::sequence;
      for (const YAML::Node& item : y) {
        n.items.push_back(convert(item, n.loc, file, errors, budget, depth + 1));
      }
      break;
    case YAML::NodeType::Map:
      n.kind = ConfigNode::Kind::map;
      for (auto it = y.begin(); it != y.end(); ++it) {
        SourceLoc key_loc = loc_of(it->first.Mark(), file);
        if (!it->first.IsScalar()) {
          errors.push_back(make_error(key_loc, "keys must be plain names, not lists or mappings"));
          continue;
        }
        const std::string& key = it->first.Scalar();
        if (const ConfigEntry* first = n.find(key)) {
          errors.push_back(make_error(key_loc, "duplicate key '" + key + "' (first set at line " +
                                                   std::to_string(first->key_loc.line) +
                                                   "); each key may appear once"));
          continue;
        }
        n.entries.push_back(ConfigEntry{
            key, key_loc, convert(it->second, key_loc, file, errors, budget, depth + 1)});
      }
      break;
  }
  return n;
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return !in.bad();
}

bool is_concatenated_list(std::string_view key) {
  return key == "listeners" || key == "markets" || key == "accounts" || key == "sessions";
}

enum class Conflict { error, override };

void merge_into(ConfigNode& dst, ConfigNode&& src, Conflict conflict, bool top_level,
                const std::string& prefix, ConfigErrors& errors) {
  for (ConfigEntry& e : src.entries) {
    if (top_level && e.key == "include") continue;
    ConfigEntry* d = dst.find(e.key);
    std::string path = prefix.empty() ? e.key : prefix + '.' + e.key;
    if (d == nullptr) {
      dst.entries.push_back(std::move(e));
    } else if (top_level && is_concatenated_list(e.key) &&
               d->value.kind == ConfigNode::Kind::sequence &&
               e.value.kind == ConfigNode::Kind::sequence) {
      for (ConfigNode& item : e.value.items) d->value.items.push_back(std::move(item));
    } else if (d->value.kind == ConfigNode::Kind::map && e.value.kind == ConfigNode::Kind::map) {
      merge_into(d->value, std::move(e.value), conflict, false, path, errors);
    } else if (conflict == Conflict::override) {
      *d = std::move(e);
    } else {
      errors.push_back(make_error(e.key_loc, "'" + path + "' is also set at " + where(d->key_loc) +
                                                 "; set it in one included file, or override "
                                                 "it in the including file"));
    }
  }
}

struct IncludeState {
  std::vector<std::string> stack;      // canonical paths being loaded, outermost first
  std::vector<std::string> names;      // the same, as displayed
  std::vector<std::string> loaded;     // canonical paths already merged
  std::vector<SourceLoc> loaded_from;  // where each was included (file itself: empty file)
};

std::string canonical_of(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(path), ec);
  return ec ? fs::absolute(fs::path(path)).lexically_normal().string() : p.string();
}

ConfigNode load_tree(ConfigNode root, const std::string& base_dir, IncludeState& st,
                     ConfigErrors& errors);

ConfigNode load_file(const std::string& path, const SourceLoc* included_at, IncludeState& st,
                     ConfigErrors& errors) {
  std::string text;
  if (!read_file(path, text)) {
    std::string why = std::strerror(errno);
    if (included_at) {
      errors.push_back(
          make_error(*included_at, "cannot read included file '" + path + "': " + why));
    } else {
      errors.push_back(ConfigError{path, 0, 0, "cannot read the file: " + why});
    }
    return ConfigNode{};
  }
  std::string canon = canonical_of(path);
  st.stack.push_back(canon);
  st.names.push_back(path);
  st.loaded.push_back(canon);
  st.loaded_from.push_back(included_at ? *included_at : SourceLoc{});
  ConfigNode root = parse_yaml_text(text, path, errors);
  ConfigNode merged = load_tree(std::move(root), fs::path(path).parent_path().string(), st, errors);
  st.stack.pop_back();
  st.names.pop_back();
  return merged;
}

ConfigNode load_tree(ConfigNode root, const std::string& base_dir, IncludeState& st,
                     ConfigErrors& errors) {
  if (root.kind != ConfigNode::Kind::map) return root;
  ConfigNode acc;
  acc.kind = ConfigNode::Kind::map;
  acc.loc = root.loc;
  if (const ConfigEntry* inc = root.find("include")) {
    std::vector<const ConfigNode*> items;
    if (inc->value.kind == ConfigNode::Kind::scalar) {
      items.push_back(&inc->value);
    } else if (inc->value.kind == ConfigNode::Kind::sequence) {
      for (const ConfigNode& i : inc->value.items) items.push_back(&i);
    } else {
      errors.push_back(make_error(inc->value.loc,
                                  "include: expected a file name or a list of "
                                  "file names, got " +
                                      describe(inc->value)));
    }
    for (const ConfigNode* item : items) {
      if (item->kind != ConfigNode::Kind::scalar || item->scalar.empty()) {
        errors.push_back(
            make_error(item->loc, "include: expected a file name, got " + describe(*item)));
        continue;
      }
      fs::path p(item->scalar);
      std::string path =
          p.is_absolute() ? p.string() : (fs::path(base_dir) / p).lexically_normal().string();
      std::string canon = canonical_of(path);
      bool cycle = false;
      for (size_t k = 0; k < st.stack.size(); ++k) {
        if (st.stack[k] != canon) continue;
        std::string chain;
        for (size_t j = k; j < st.names.size(); ++j) chain += st.names[j] + " -> ";
        errors.push_back(make_error(
            item->loc, "include cycle: " + chain + path + "; a file cannot include itself"));
        cycle = true;
        break;
      }
      if (cycle) continue;
      bool twice = false;
      for (size_t k = 0; k < st.loaded.size(); ++k) {
        if (st.loaded[k] != canon) continue;
        const SourceLoc& first = st.loaded_from[k];
        errors.push_back(
            make_error(item->loc, "'" + path + "' is already included" +
                                      (first.file.empty() ? std::string() : " at " + where(first)) +
                                      "; include each file once"));
        twice = true;
        break;
      }
      if (twice) continue;
      ConfigNode child = load_file(path, &item->loc, st, errors);
      merge_into(acc, std::move(child), Conflict::error, true, "", errors);
    }
  }
  merge_into(acc, std::move(root), Conflict::override, true, "", errors);
  return acc;
}

}  // namespace

ConfigNode parse_yaml_text(const std::string& text, const std::string& file, ConfigErrors& errors) {
  YAML::Node y;
  try {
    y = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    errors.push_back(make_error(loc_of(e.mark, file), "YAML syntax error: " + e.msg));
    return ConfigNode{ConfigNode::Kind::null, SourceLoc{file, 0, 0}, {}, false, {}, {}};
  }
  SourceLoc start{file, 1, 1};
  ConvertBudget budget;
  ConfigNode root = convert(y, start, file, errors, budget, 0);
  if (root.kind == ConfigNode::Kind::null) {
    errors.push_back(ConfigError{file, 0, 0, "the file is empty; expected a mapping of sections"});
  } else if (root.kind != ConfigNode::Kind::map) {
    errors.push_back(make_error(root.loc,
                                "expected a mapping of sections (venue:, markets:, "
                                "...) at the top level, got " +
                                    describe(root)));
  }
  return root;
}

ConfigNode load_config_document(const std::string& path, ConfigErrors& errors) {
  IncludeState st;
  return load_file(path, nullptr, st, errors);
}

ConfigNode load_config_document_text(const std::string& text, const std::string& file,
                                     const std::string& base_dir, ConfigErrors& errors) {
  IncludeState st;
  st.stack.push_back(file);
  st.names.push_back(file);
  return load_tree(parse_yaml_text(text, file, errors), base_dir, st, errors);
}

}  // namespace qd
