// stakecalc/holder.hpp: who can appear on a cap table.
//
// A platform (成果转化持股平台) is a holder in its own right, but it holds on behalf of named
// institutions: its definition lists the institutions it may act for, and each of its positions
// records how many units it holds for which institution (see cap_table.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/error.hpp"

namespace stakecalc {

enum class holder_kind { institution, platform, team_member, fund, investor };

inline std::string to_string(holder_kind k) {
  switch (k) {
    case holder_kind::institution: return "institution";
    case holder_kind::platform: return "platform";
    case holder_kind::team_member: return "team_member";
    case holder_kind::fund: return "fund";
    case holder_kind::investor: return "investor";
  }
  return "investor";
}
// "an institution", "a platform": for messages.
inline std::string with_article(holder_kind k) {
  std::string name = to_string(k);
  return (k == holder_kind::institution || k == holder_kind::investor ? "an " : "a ") + name;
}
inline holder_kind parse_holder_kind(std::string_view text, const std::string& where = "kind") {
  for (auto k : {holder_kind::institution, holder_kind::platform, holder_kind::team_member, holder_kind::fund,
                 holder_kind::investor})
    if (text == to_string(k)) return k;
  throw invalid_input("unknown holder kind '" + std::string(text) +
                          "' (expected institution, platform, team_member, fund or investor)",
                      where);
}

struct holder {
  std::string id;  // unique in a ledger
  std::string name;
  holder_kind kind = holder_kind::investor;
  // For a platform: ids of the institutions it holds on behalf of (each a registered institution).
  std::vector<std::string> beneficiaries;

  bool acts_for(const std::string& institution) const {
    for (const auto& b : beneficiaries)
      if (b == institution) return true;
    return false;
  }
};

}  // namespace stakecalc
