#pragma once
// Read-only looks into settlement.db for the tests (the tables spec/SETTLEMENT.md documents).

#include <sqlite3.h>

#include <string>
#include <vector>

namespace qd::bridge_test {

struct PartInfo {
  int64_t batch = 0, part = 0, version = 0;
  std::string state, signature;
};
struct VersionInfo {
  int64_t batch = 0, part = 0, version = 0;
  std::string signature, outcome;
};

/// Rows of one query, every column as text.
inline std::vector<std::vector<std::string>> query(const std::string& db_path,
                                                   const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return rows;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::vector<std::string> r;
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const auto* t = sqlite3_column_text(s, c);
        r.push_back(t ? reinterpret_cast<const char*>(t) : "");
      }
      rows.push_back(std::move(r));
    }
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rows;
}

inline std::vector<PartInfo> parts(const std::string& db) {
  std::vector<PartInfo> out;
  for (const auto& r : query(db,
                             "SELECT batch_id, part, version, state, COALESCE(signature, '')"
                             " FROM parts ORDER BY batch_id, part")) {
    out.push_back({std::stoll(r[0]), std::stoll(r[1]), std::stoll(r[2]), r[3], r[4]});
  }
  return out;
}

inline std::vector<VersionInfo> dead_versions(const std::string& db) {
  std::vector<VersionInfo> out;
  for (const auto& r : query(db,
                             "SELECT batch_id, part, version, signature, outcome FROM"
                             " part_versions ORDER BY batch_id, part, version")) {
    out.push_back({std::stoll(r[0]), std::stoll(r[1]), std::stoll(r[2]), r[3], r[4]});
  }
  return out;
}

}  // namespace qd::bridge_test
