// stakecalc/private_lending_cap.hpp: the legal cap on interest in private lending in mainland
// China.
//
// Since 20 August 2020 the Supreme People's Court's provisions on private lending cases (最高人民法院
// 关于审理民间借贷案件适用法律若干问题的规定, as amended by 法释〔2020〕17号, art. 25) do not
// support interest above four times the one-year loan prime rate in force when the contract was
// made (合同成立时一年期贷款市场报价利率四倍). The same ceiling bounds overdue interest, penalties
// and fees taken together (art. 29). Contracts made before that date fall under the earlier
// 24% / 36% rule, which this check does not model: it refuses them rather than guess.
//
// The fund's claim after an equity-to-debt conversion is not a bank loan, so this is the ceiling
// a court would apply to it; the check reports both numbers and leaves the judgement to people.
#pragma once

#include <string>

#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/rate_table.hpp"

namespace stakecalc {

struct private_lending_cap_check {
  date contract_date;
  decimal lpr_1y;           // in force on the contract date
  decimal cap;              // 4 x lpr_1y
  decimal rate;             // the highest nominal annual rate the contract charges
  decimal penalty_rate;     // the overdue (penalty) rate
  bool rate_within_cap = false;
  bool penalty_within_cap = false;
  std::string rule;         // where the cap comes from, for the audit trail
};

// The day the four-times-LPR rule starts to apply.
inline date private_lending_cap_start() { return date(2020, 8, 20); }

// Checks `rate` and `penalty_rate` against four times the 1-year LPR of `lpr_1y` in force on
// `contract_date`. domain_rule_error for contracts before 2020-08-20; invalid_input when the
// table has no rate on that day.
inline private_lending_cap_check check_private_lending_cap(const decimal& rate, const decimal& penalty_rate,
                                                           const date& contract_date, const rate_table& lpr_1y) {
  if (contract_date.is_special()) throw invalid_input("not a calendar date", "contract_date");
  if (contract_date < private_lending_cap_start())
    throw domain_rule_error("contract date " + to_iso(contract_date) +
                                " is before 2020-08-20: the cap of four times the 1-year LPR does not apply and the "
                                "earlier 24%/36% rule is not modelled",
                            "contract_date");
  private_lending_cap_check c;
  c.contract_date = contract_date;
  c.lpr_1y = lpr_1y.rate_on(contract_date, "contract_date");
  c.cap = c.lpr_1y * 4;
  c.rate = rate;
  c.penalty_rate = penalty_rate;
  c.rate_within_cap = rate <= c.cap;
  c.penalty_within_cap = penalty_rate <= c.cap;
  c.rule = "4 x 1-year LPR on the contract date (Supreme People's Court provisions on private lending, "
           "as amended 2020-08-20, art. 25 and 29): 4 x " +
           (c.lpr_1y * 100).normalized().to_string() + "% = " + (c.cap * 100).normalized().to_string() + "%";
  return c;
}

}  // namespace stakecalc
