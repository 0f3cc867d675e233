// The constexpr reject table: complete for every RejectReason, FIX 4.4 codes only, and printed
// identically in spec/RULES_OF_ENGAGEMENT.md.
#include "fix/reject_table.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "fix/gateway.hpp"

namespace qd::fix {
namespace {

/// Every enumerator: to_string's switch names them all (-Wswitch keeps it complete).
std::vector<RejectReason> all_reasons() {
  std::vector<RejectReason> out;
  for (int v = 0; v < 1000; ++v)
    if (std::strcmp(to_string(RejectReason(v)), "unknown reason") != 0)
      out.push_back(RejectReason(v));
  return out;
}

TEST(RejectTable, EveryReasonHasAnEntryWithFix44Codes) {
  std::vector<RejectReason> reasons = all_reasons();
  ASSERT_GT(reasons.size(), 40u);
  for (RejectReason r : reasons) {
    bool found = false;
    for (const RejectCodes& c : REJECT_TABLE) found |= c.reason == r;
    EXPECT_TRUE(found) << "missing from REJECT_TABLE: " << to_string(r) << " (" << int(r) << ")";
    RejectCodes c = reject_codes(r);
    EXPECT_TRUE(is_fix44_ord_rej_reason(c.ord_rej_reason));
    EXPECT_TRUE(is_fix44_cxl_rej_reason(c.cxl_rej_reason));
    EXPECT_TRUE(is_fix44_business_reject_reason(c.business_rej_reason));
  }
  EXPECT_EQ(REJECT_TABLE.size(), reasons.size());
  EXPECT_EQ(reject_codes(RejectReason::insufficient_margin).ord_rej_reason, 3);
  EXPECT_EQ(reject_codes(RejectReason::duplicate_client_order_id).ord_rej_reason, 6);
  EXPECT_EQ(reject_codes(RejectReason::unknown_order).cxl_rej_reason, 1);
}

TEST(RejectTable, RulesOfEngagementPrintsTheSameTable) {
  std::string path = default_dictionary_path();
  path = path.substr(0, path.rfind('/')) + "/RULES_OF_ENGAGEMENT.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  // Rows look like: | 500 | insufficient margin | 3 | 99 | 0 |
  std::regex row(R"re(\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|)re");
  std::map<int, RejectCodes> documented;
  std::map<int, std::string> texts;
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator();
       ++it) {
    int code = std::stoi((*it)[1]);
    documented[code] = RejectCodes{RejectReason(code), std::stoi((*it)[3]), std::stoi((*it)[4]),
                                   std::stoi((*it)[5])};
    texts[code] = (*it)[2];
  }
  for (RejectReason r : all_reasons()) {
    int code = int(r);
    ASSERT_TRUE(documented.count(code)) << "RoE lacks reject code " << code;
    RejectCodes c = reject_codes(r);
    EXPECT_EQ(documented[code].ord_rej_reason, c.ord_rej_reason) << code;
    EXPECT_EQ(documented[code].cxl_rej_reason, c.cxl_rej_reason) << code;
    EXPECT_EQ(documented[code].business_rej_reason, c.business_rej_reason) << code;
    EXPECT_EQ(texts[code], to_string(r)) << code;
  }
  EXPECT_EQ(documented.size(), all_reasons().size());
}

}  // namespace
}  // namespace qd::fix
