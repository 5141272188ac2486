// stakecalc/equity_to_debt.hpp: the fund's remaining stake converting into a debt claim (股转债).
//
// When a trigger occurs (a deadline passes with stake left, a window's minimum is missed, a
// milestone fails, the team elects), the units the fund still holds leave the cap table (to named
// holders, or cancelled by a capital reduction) and the fund becomes a lender. The principal is
// a price formula applied to the converted units on the conversion date (remaining cost plus the
// agreed return less dividends, or by default the repurchase price in force that day), kept
// within an optional floor and cap, and rounded once to the minor unit. It is split between the
// debtors by exact shares (largest remainder, so the parts sum to the principal to the cent), and
// each debtor's part is an ordinary loan run by the debt engine (loan.hpp) from a template of
// loan terms that starts on the conversion date.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/deal_facts.hpp"
#include "stakecalc/explanation.hpp"
#include "stakecalc/loan.hpp"
#include "stakecalc/loan_terms.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/price_formula.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/repurchase_plan.hpp"
#include "stakecalc/repurchase_terms.hpp"

namespace stakecalc {

enum class conversion_trigger_kind { deadline_passed, minimum_missed, milestone_failed, team_election };

std::string to_string(conversion_trigger_kind k);

// A condition under which the stake converts.
struct conversion_trigger {
  conversion_trigger_kind kind = conversion_trigger_kind::deadline_passed;
  std::optional<term_date> deadline;       // deadline_passed: converts on this day if stake is left
  std::optional<std::size_t> window;       // minimum_missed: that window only (none: any window)
  std::string milestone;                   // milestone_failed: its name

  static conversion_trigger deadline_at(term_date d) { return {conversion_trigger_kind::deadline_passed, d, {}, {}}; }
  static conversion_trigger minimum_missed_in(std::optional<std::size_t> w = std::nullopt) {
    return {conversion_trigger_kind::minimum_missed, std::nullopt, w, {}};
  }
  static conversion_trigger milestone_fails(std::string name) {
    return {conversion_trigger_kind::milestone_failed, std::nullopt, std::nullopt, std::move(name)};
  }
  static conversion_trigger team_elects() { return {conversion_trigger_kind::team_election, std::nullopt, std::nullopt, {}}; }
};

// Something people report (a failed milestone, the team's election); deadlines and missed
// minimums are found from the plan.
struct reported_event {
  conversion_trigger_kind kind = conversion_trigger_kind::team_election;
  date on;
  std::string milestone;  // for milestone_failed
};

// A trigger that fired.
struct trigger_event {
  std::size_t trigger = 0;  // index into equity_to_debt_terms::triggers
  conversion_trigger_kind kind = conversion_trigger_kind::deadline_passed;
  date on;
  std::string reason;  // "deadline t0 + 5Y (2026-03-01) passed with 60% of the stake left"
};

// How the principal is reached.
struct conversion_principal_rule {
  std::optional<price_formula> formula;  // none: the repurchase price formula of the window in force
  std::optional<price_formula> floor;
  std::optional<price_formula> cap;
};

// A debtor and its exact share of the debt. `is_company`: the company owes it (its debt service
// is not a cost of the team).
struct debtor_share {
  std::string debtor;
  ratio share;
  bool is_company = false;
};

// Who receives the fund's units, by exact shares.
struct units_recipient {
  std::string holder;
  ratio share;
};

struct equity_to_debt_terms {
  std::vector<conversion_trigger> triggers;
  conversion_principal_rule principal;
  std::vector<debtor_share> debtors;       // shares sum to exactly 1
  // The loan every debtor's part follows. The conversion sets principal (leave it 0), start (the
  // conversion date), ccy (the investment's) and, when unset, contract_date (the conversion date);
  // give the length as `periods` (a maturity date would have to follow the unknown conversion).
  loan_terms loan;
  std::vector<units_recipient> units_to;   // shares sum to exactly 1; empty: the units are cancelled

  // invalid_input naming the field ("debtors[1].share", "loan.principal") and the value.
  void validate(const repurchase_terms& terms) const;
};

// Reported events the terms can act on: a failed milestone the triggers name, an election the
// triggers allow, on a calendar date, each reported once. invalid_input naming "reported[1].milestone" (with the
// milestones the terms do name) or "reported[0].kind" (deadlines and missed minimums are found
// from the plan, not reported); domain_rule_error for an election the terms do not allow.
void validate_reported(const equity_to_debt_terms& terms, const std::vector<reported_event>& reported);

// The first trigger to fire on or after the investment, given the plan (its tranches and missed
// minimums) and what was reported; ties go to the trigger listed first. Triggers fire only while
// the fund holds units. The errors of validate_reported for what was reported.
std::optional<trigger_event> first_trigger(const equity_to_debt_terms& terms, const repurchase_terms& repurchase,
                                           const repurchase_evaluation& plan,
                                           const std::vector<reported_event>& reported = {});

struct debtor_loan {
  std::string debtor;
  ratio share;
  bool is_company = false;
  money principal;
  stakecalc::loan debt;                       // the engine's loan: schedule, totals, effective rate
  std::vector<loan_schedule_row> schedule;
  loan_totals totals;
  std::optional<private_lending_cap_check> legal_cap;  // for contract dates from 2020-08-20
};

struct units_transfer {
  std::string holder;
  decimal units;
};

struct conversion_result {
  date on;
  std::optional<trigger_event> trigger;
  std::vector<tranche_result> repurchases;  // tranches of the plan executed on or before the conversion
  decimal units_converted;
  ratio stake_converted;                     // of the original stake
  ratio remaining_cost;                      // I * units / U
  ratio exact_principal;                     // after floor and cap, before rounding
  money principal;
  explanation statement;                     // how the principal was reached
  std::vector<debtor_loan> loans;
  bool units_cancelled = false;
  std::vector<units_transfer> units_to;
  // The fund's whole life, in date order: the investment, dividends, repurchases, debt service.
  std::vector<cash_flow> fund_flows;
  std::optional<decimal> fund_irr;
  ratio fund_multiple;
  money fund_cash_recovered;
  money team_cost;  // team members' repurchases and debt service (scheduled payments)
};

// Converts on `on`: tranches of the plan dated on or before it are executed first (later ones
// are dropped), the rest of the stake converts. Dividends in `facts` dated after the conversion
// are not the fund's (it holds no units by then) and are left out. domain_rule_error when the fund
// has no units left, or when the principal formula is the window's and no window contains the
// day; invalid_input for bad terms.
conversion_result convert_to_debt(const equity_to_debt_terms& terms, const repurchase_terms& repurchase,
                                  const repurchase_plan& plan, const date& on, const deal_facts& facts = {},
                                  std::optional<trigger_event> trigger = std::nullopt);

// Finds the first trigger and converts on its day; nothing when no trigger fires.
std::optional<conversion_result> convert_on_first_trigger(const equity_to_debt_terms& terms,
                                                          const repurchase_terms& repurchase,
                                                          const repurchase_plan& plan, const deal_facts& facts = {},
                                                          const std::vector<reported_event>& reported = {});

}  // namespace stakecalc
