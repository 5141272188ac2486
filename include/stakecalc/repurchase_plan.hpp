// stakecalc/repurchase_plan.hpp: a plan of repurchase tranches, checked against the terms and
// evaluated: what each tranche costs, what the fund has left, its cash flows, IRR and multiple.
//
// A tranche names either a proportion of the original stake or a number of units. Proportions
// become units by cumulative rounding: the units bought through tranche k are
// floor(U * (q_1 + ... + q_k)) at the unit places, and tranche k takes the difference. So
// proportions that add up to 1 hand over exactly U units and no unit is lost or invented.
//
// The core does not touch a cap table: exit_ledger.hpp records an evaluated plan in a ledger.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/deal_facts.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/repurchase_terms.hpp"

namespace stakecalc {

struct repurchase_tranche {
  date on;
  std::string buyer;                 // a team member's id; empty: the company itself (needs a capital reduction)
  std::optional<ratio> proportion;   // of the original stake, or
  std::optional<decimal> units;      // units; exactly one of the two

  static repurchase_tranche of_proportion(date on, std::string buyer, ratio q) {
    return {on, std::move(buyer), std::move(q), std::nullopt};
  }
  static repurchase_tranche of_units(date on, std::string buyer, decimal u) {
    return {on, std::move(buyer), std::nullopt, std::move(u)};
  }
};

struct repurchase_plan {
  std::vector<repurchase_tranche> tranches;  // in date order (same-day tranches keep their order)
};

struct tranche_result {
  std::size_t index = 0;
  std::string buyer;
  price_quote price;          // window, formula, units, amount, price per unit, explanation
  decimal units_left_after;   // the fund's units after this tranche
  ratio stake_left_after;     // of the original stake
  bool capital_reduction = false;  // bought by the company: the units are cancelled
};

// A window whose minimum was not reached by its end.
struct missed_minimum {
  std::size_t window = 0;
  std::string label;
  date end;            // the window's end: the day the shortfall is known (a conversion trigger)
  ratio required;      // cumulative proportion required
  ratio bought;        // cumulative proportion bought by then
};

struct repurchase_evaluation {
  std::vector<tranche_result> tranches;
  decimal units_left;                       // after the last tranche
  ratio stake_left;
  // The fund's flows in date order: -I at t0, dividends received (positive), repurchase amounts
  // (positive). Dividends are facts (deal_facts::dividends) and count as recovered cash.
  std::vector<cash_flow> fund_flows;
  std::optional<decimal> fund_irr;          // XIRR (ACT/365F); none when it has no solution (nothing received)
  ratio fund_multiple;                      // received / paid
  money fund_cash_recovered;                // repurchases + dividends
  money team_cost;                          // all tranches (the company's own purchases excluded)
  std::map<std::string, money> cost_by_buyer;  // "" is the company
  std::vector<missed_minimum> missed_minimums;
};

// Checks the plan against the terms and prices every tranche. Errors name the tranche
// ("tranches[2].on", "tranches[2].proportion") and the value:
//   invalid_input: no proportion and no units or both, a value <= 0, a proportion above 1, units not
//     whole at the unit places, tranches out of date order;
//   domain_rule_error: a tranche before the investment or outside every window, more than the fund
//     has left, a cumulative proportion above a window's maximum.
// `facts` supplies benchmarks, fair values and dividends; facts.dividends must agree with the plan
// (units_held equal to the fund's units that day, before that day's tranches) or domain_rule_error.
// explain_mode::numbers_only leaves each tranche's price.formula and price.why empty.
repurchase_evaluation evaluate_plan(const repurchase_terms& terms, const repurchase_plan& plan,
                                    const deal_facts& facts = {}, explain_mode explain = explain_mode::full);

// The fund's units bought back by each tranche (cumulative rounding; see above), validated as
// evaluate_plan does but without pricing.
std::vector<decimal> tranche_units(const repurchase_terms& terms, const repurchase_plan& plan);

// Helpers shared by the contract layer (also used by equity_to_debt and exit paths).
namespace detail {
// XIRR of the flows, or nothing when there is no solution (e.g. nothing received).
std::optional<decimal> irr_or_none(const std::vector<cash_flow>& flows);
// Sorts flows by date, keeping the order of same-day flows.
void sort_flows(std::vector<cash_flow>& flows);
}  // namespace detail

}  // namespace stakecalc
