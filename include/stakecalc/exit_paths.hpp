// stakecalc/exit_paths.hpp: one deal, several ways out for the fund, compared on the same facts.
//
// Paths: the team repurchases per a plan; the stake converts to debt on a date (after the plan's
// tranches up to then); the fund sells its stake at a valuation of the company on a date (a
// trade sale or an IPO); the stake is written off on a date (with an optional recovery). For
// each: the fund's flows, IRR, multiple, cash recovered, grant-equivalent at the market rate
// (I - PV of what came back), the team's cost, and the team's final share of the company.
//
// Ownership needs the company's units, which the contract layer does not track (the cap-table
// ledger does): exit_deal carries the company's and the team's units at the investment, and the
// paths change them only as the path itself does (team purchases add to the team, company
// purchases and cancelled units reduce the total). A sale or write-off leaves the team's units as
// they were.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/deal_facts.hpp"
#include "stakecalc/equity_to_debt.hpp"
#include "stakecalc/grant_equivalent.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/repurchase_plan.hpp"
#include "stakecalc/repurchase_terms.hpp"

namespace stakecalc {

// Each path may carry a label for tables ("chen buys it all in 2024"); empty: the path describes
// itself ("repurchase per plan", "conversion on 2026-06-30", ...). Two repurchase paths on
// different plans need labels to be told apart.
struct exit_by_repurchase {
  repurchase_plan plan;
  std::string label = {};
};
// The plan's tranches dated on or before `on` are executed; the rest of the stake converts.
struct exit_by_conversion {
  date on;
  repurchase_plan plan;
  std::string label = {};
};
// The fund sells all its units at valuation x U / company units (rounded with the terms' mode).
struct exit_by_sale {
  date on;
  money valuation;  // 100% of the company's equity
  std::string label = {};
};
struct exit_by_write_off {
  date on;
  std::optional<money> recovered;  // a liquidation dividend, if any
  std::string label = {};
};

using exit_path = std::variant<exit_by_repurchase, exit_by_conversion, exit_by_sale, exit_by_write_off>;

struct exit_deal {
  repurchase_terms repurchase;
  std::optional<equity_to_debt_terms> conversion;  // required by exit_by_conversion
  deal_facts facts;
  decimal company_units;  // all units of the company right after the investment (0: unknown)
  decimal team_units;     // the team's units then
  decimal market_rate;    // for the grant-equivalent
};

struct exit_path_result {
  std::string path;  // the path's label, else "repurchase per plan", "conversion on 2026-03-01", "sale on ...", ...
  std::vector<cash_flow> fund_flows;
  std::optional<decimal> fund_irr;  // none when nothing comes back
  ratio fund_multiple;
  money cash_recovered;
  grant_equivalent_result grant_equivalent;
  money team_cost;
  decimal fund_units_left;              // at the end of the path (a write-off leaves them, worthless)
  std::optional<ratio> team_ownership;  // when company_units is known
};

// Dividends: the repurchase and conversion paths take facts.dividends as they are (checked
// against the plan); sale and write-off paths take the dividends dated on or before their day,
// scaled to the fund's full stake (amount / units_held x U, rounded with the terms' mode).
// explain_mode::numbers_only leaves grant_equivalent.why empty and builds no explanation on the
// way (a conversion still builds its own, then drops it); every number and error is the same.
exit_path_result evaluate_exit_path(const exit_deal& deal, const exit_path& path,
                                    explain_mode explain = explain_mode::full);
std::vector<exit_path_result> compare_exit_paths(const exit_deal& deal, const std::vector<exit_path>& paths);

}  // namespace stakecalc
