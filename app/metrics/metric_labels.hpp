#pragma once
// Stable label values for metrics: the enum names in snake_case (the FIX Text of a reason is for
// humans and may change wording). A value added to an enum later gets "code_<n>" until it is
// named here; a unit test lists every value core names and fails until this table catches up.

#include <string>
#include <string_view>
#include <vector>

#include "core/command.hpp"
#include "core/order_types.hpp"
#include "core/reject_reason.hpp"

namespace qd::metrics {

std::string reject_label(RejectReason r);
std::string cancel_label(CancelReason r);
std::string_view status_label(MarketStatus s);
/// The command's kind as the journal's `commands.kind` column spells it; "other" for kinds
/// added after this table.
std::string_view command_label(const CommandBody& body);

/// Every RejectReason core knows (core's to_string names it), none excluded, in value order.
std::vector<RejectReason> known_reject_reasons();
/// Every CancelReason core knows, in value order.
std::vector<CancelReason> known_cancel_reasons();

}  // namespace qd::metrics
