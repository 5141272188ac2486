// stakecalc/grant_equivalent.hpp: what a concession is worth to the team, as a present value.
//
// Grant-to-investment (拨改投) replaces a grant of I with an investment of I that the team may buy
// back cheaply. Its subsidy element (the grant-equivalent) is the present value, at a market
// rate, of what the fund gives up: the market-return price it could have asked, less what it
// received. Compared with an outright grant of I (a grant-equivalent of I, share 1), it says how
// much of a grant the deal still is. Two readings, equal when the market price compounds at the
// discount rate:
//   - tranche by tranche: sum over tranches of (market price - price paid), discounted to t0;
//   - on the fund's flows: I - PV(everything the fund recovered) at the market rate, which is
//     what exit paths without a market price per tranche (write-off, sale) use.
// Discounting is the spreadsheet XNPV rule (ACT/365F, to the investment date) in quad precision,
// 30 significant digits, then rounded once to the minor unit.
#pragma once

#include <string>
#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/deal_facts.hpp"
#include "stakecalc/explanation.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/price_formula.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/repurchase_plan.hpp"
#include "stakecalc/repurchase_terms.hpp"

namespace stakecalc {

struct grant_equivalent_result {
  money value;            // rounded once, with the terms' mode
  decimal exact;          // 30 significant digits
  ratio of_investment;    // value / I: 1 is an outright grant, 0 a market deal, negative a deal the fund gains on
  explanation why;
};

// Tranche by tranche against a market-return price formula (e.g. cost plus 8% compound), each
// difference discounted at `discount_rate` to the investment date.
grant_equivalent_result grant_equivalent(const repurchase_terms& terms, const repurchase_evaluation& plan,
                                         const price_formula& market_price, const decimal& discount_rate,
                                         const deal_facts& facts = {});

// On the fund's flows (the investment negative, recoveries positive): -XNPV at `market_rate` to
// `investment.on`. invalid_input for empty flows or a rate <= -1. With explain_mode::numbers_only
// `why` is left empty; the numbers and the errors are the same.
grant_equivalent_result grant_equivalent_of_flows(const fund_investment& investment,
                                                  const std::vector<cash_flow>& fund_flows,
                                                  const decimal& market_rate, rounding mode = rounding::half_up,
                                                  explain_mode explain = explain_mode::full);

}  // namespace stakecalc
