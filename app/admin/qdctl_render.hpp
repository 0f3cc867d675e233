#pragma once
// How qdctl prints each command's result for a human (`--json` prints the raw response).

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace qd::admin {

/// The successful result of `command` ("status", "market.halt", ...).
void render(const std::string& command, const nlohmann::json& result, std::ostream& out);
/// A failed response: the error, plus the details some commands carry (reload's errors).
void render_error(const std::string& command, const nlohmann::json& response, std::ostream& err);

}  // namespace qd::admin
