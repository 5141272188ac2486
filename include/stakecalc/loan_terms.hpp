// stakecalc/loan_terms.hpp: everything a loan contract says that the debt engine needs.
//
// The loan created when a fund's stake converts to debt (股转债) is an ordinary amortising loan:
// principal, start, maturity (or a number of periods), a payment cycle, a repayment type, a fixed
// or benchmark-linked rate, a day count, a payment calendar, and the contract's rounding rule. The
// terms also carry what the ACTUS standard's PAM, LAM and ANN contracts need beyond that (explicit
// cycle anchors, interest capitalisation, purchase and sale of the claim, index scaling, a fixed
// interest calculation base), because the engine is checked against ACTUS's reference cases.
//
// Conventions throughout: rates are annual nominal rates as decimal fractions (3.85% is 0.0385);
// amounts are in `ccy`; the engine works in the lender's view (money received is positive).
#pragma once

#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/business_day_convention.hpp"
#include "stakecalc/calendar.hpp"
#include "stakecalc/currency.hpp"
#include "stakecalc/cycle.hpp"
#include "stakecalc/date.hpp"
#include "stakecalc/day_count.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/moment.hpp"
#include "stakecalc/repayment_type.hpp"
#include "stakecalc/rounding.hpp"
#include "stakecalc/detail/name_key.hpp"

namespace stakecalc {

// How interest accrues between two dates.
enum class interest_basis {
  // balance x rate x the day count's year fraction (ACT/360: days / 360, 日利率 = 年利率 / 360).
  day_count,
  // 按月计息: every whole month from the start of the accrual is 1/12 of a year (a month end to a
  // month end counts whole months), the remaining days 1/360 each. Chinese banks' 等额本息 and
  // 等额本金 tables use it: the monthly rate is the annual rate / 12 whatever the month's length.
  monthly
};

inline std::string_view to_string_view(interest_basis b) noexcept {
  return b == interest_basis::day_count ? "DAY_COUNT" : "MONTHLY";
}
inline interest_basis parse_interest_basis(std::string_view name, const std::string& where = "interest_basis") {
  const std::string key = detail::name_key(name);
  if (key == "DAY_COUNT") return interest_basis::day_count;
  if (key == "MONTHLY") return interest_basis::monthly;
  throw invalid_input("unknown interest basis '" + std::string(name.substr(0, 40)) + "' (expected DAY_COUNT or MONTHLY)",
                      where);
}

// Which day's benchmark a reset uses: the rate in force on the reset date, or the one in force on
// the contract date (a benchmark-linked contract whose benchmark is frozen at signing).
enum class fixing_rule { reset_date, contract_date };

inline std::string_view to_string_view(fixing_rule f) noexcept {
  return f == fixing_rule::reset_date ? "RESET_DATE" : "CONTRACT_DATE";
}
inline fixing_rule parse_fixing_rule(std::string_view name, const std::string& where = "fixing") {
  const std::string key = detail::name_key(name);
  if (key == "RESET_DATE") return fixing_rule::reset_date;
  if (key == "CONTRACT_DATE") return fixing_rule::contract_date;
  throw invalid_input("unknown fixing rule '" + std::string(name.substr(0, 40)) + "' (expected RESET_DATE or CONTRACT_DATE)",
                      where);
}

// A benchmark-linked rate: multiplier x benchmark + spread, kept within floor and cap, reset on a
// cycle. Until the first reset the loan's own `rate` applies.
struct floating_rate {
  std::string benchmark = "LPR-1Y";      // a rate table's name: "LPR-1Y", "LPR-5Y", or one given to the loan
  decimal spread;                        // LPR + 50 basis points: 0.005
  decimal multiplier = decimal(1);
  std::optional<date> reset_anchor;      // the first reset; default: start + one reset cycle
  std::optional<cycle> reset_cycle;      // none: the anchor is the only reset
  fixing_rule fixing = fixing_rule::reset_date;
  std::optional<decimal> floor;          // on the all-in rate, for the life of the loan
  std::optional<decimal> cap;
  std::optional<decimal> next_reset_rate;  // the first reset's rate when already fixed (ACTUS RRF)
};

// Where a period that does not fit the cycle goes.
enum class stub_position { final_period, initial_period };

inline std::string_view to_string_view(stub_position s) noexcept {
  return s == stub_position::final_period ? "FINAL" : "INITIAL";
}

// The stub of a schedule, as the Python API and contract files spell it: SHORT_FINAL (the
// default: the cycle runs from the start, a short last period), LONG_FINAL, SHORT_INITIAL (the
// cycle runs back from maturity, a short first period) or LONG_INITIAL.
struct stub_rule {
  stub_kind kind = stub_kind::short_stub;
  stub_position position = stub_position::final_period;

  static stub_rule parse(std::string_view name, const std::string& where = "stub") {
    const std::string key = detail::name_key(name);
    if (key == "SHORT_FINAL") return {stub_kind::short_stub, stub_position::final_period};
    if (key == "LONG_FINAL") return {stub_kind::long_stub, stub_position::final_period};
    if (key == "SHORT_INITIAL") return {stub_kind::short_stub, stub_position::initial_period};
    if (key == "LONG_INITIAL") return {stub_kind::long_stub, stub_position::initial_period};
    throw invalid_input("unknown stub '" + std::string(name.substr(0, 40)) +
                            "' (expected SHORT_FINAL, LONG_FINAL, SHORT_INITIAL or LONG_INITIAL)",
                        where);
  }
  std::string to_string() const {
    return std::string(kind == stub_kind::short_stub ? "SHORT_" : "LONG_") + std::string(to_string_view(position));
  }
};

// A principal repayment of an explicit schedule.
struct principal_payment {
  date on;
  decimal amount;
};

// What a partial prepayment changes: 缩短期限 (keep the instalment, shorten the term) or 减少月供
// (keep the term, lower the instalments).
enum class prepayment_effect { keep_term, keep_instalment };

inline std::string_view to_string_view(prepayment_effect e) noexcept {
  return e == prepayment_effect::keep_term ? "TERM" : "INSTALMENT";
}
inline prepayment_effect parse_prepayment_effect(std::string_view name, const std::string& where = "keep") {
  const std::string key = detail::name_key(name);
  if (key == "TERM" || key == "KEEP_TERM") return prepayment_effect::keep_term;
  if (key == "INSTALMENT" || key == "INSTALLMENT" || key == "KEEP_INSTALMENT" || key == "KEEP_INSTALLMENT")
    return prepayment_effect::keep_instalment;
  throw invalid_input("unknown prepayment effect '" + std::string(name.substr(0, 40)) +
                          "' (expected \"term\": lower instalments, or \"instalment\": shorter term)",
                      where);
}

// A partial prepayment: on that day the borrower pays `amount` of principal and the interest
// accrued so far.
struct prepayment {
  date on;
  decimal amount;
  prepayment_effect effect = prepayment_effect::keep_term;
};

// The claim changing hands (ACTUS purchase PRD and termination TD): at `on` the buyer pays `price`
// plus the accrued interest.
struct claim_transfer {
  moment on;
  decimal price;
};

// What interest is computed on: the outstanding principal (the normal case), or a fixed amount
// reset to the outstanding principal on its own cycle (ACTUS interestCalculationBase NTL).
struct interest_base {
  bool fixed_amount = false;
  decimal amount;                  // the base until the first reset, when fixed_amount
  std::optional<date> reset_anchor;
  std::optional<cycle> reset_cycle;
};

// Index-linked payments (ACTUS scaling): at each reset, interest and/or principal payments are
// multiplied by index(t) / base_value.
struct index_scaling {
  std::string index;  // a rate table's name holding the index values
  decimal base_value;
  date anchor;
  std::optional<cycle> reset_cycle;
  bool scales_interest = true;
  bool scales_principal = false;
};

struct loan_terms {
  // --- the claim ---
  decimal principal;
  currency ccy;                          // CNY by default
  std::optional<date> contract_date;     // signing; default: start. Benchmark fixings and the legal cap use it.
  date start;                            // the money is lent (ACTUS IED)
  std::optional<moment> maturity;        // give maturity, or periods, or (ACTUS) an instalment to derive it
  std::optional<int> periods;            // maturity = start + periods cycles
  repayment_type repayment = repayment_type::annuity;

  // --- schedule ---
  tenor frequency{1, time_unit::months};  // payment cycle
  stub_rule stub;                        // where a period that does not fit the cycle goes
  int grace_periods = 0;                 // interest-only periods before amortising
  // ACTUS-style overrides of the anchors and cycles; an anchor given explicitly is itself an event
  // date (a defaulted anchor is the start, which is not).
  std::optional<date> interest_anchor;
  std::optional<cycle> interest_cycle;
  std::optional<date> principal_anchor;
  std::optional<cycle> principal_cycle;
  std::optional<decimal> instalment;     // the fixed instalment: the annuity payment, or the principal per period
  std::optional<moment> amortization_end;  // an annuity computed to this date; the rest is due at maturity
  std::vector<principal_payment> principal_schedule;  // EXPLICIT repayment
  std::optional<moment> capitalization_end;  // interest up to this date is added to the principal

  // --- rate ---
  std::optional<decimal> rate;           // nominal annual rate until the first reset; a floating loan
                                         // without it starts at its benchmark on the contract date
  std::optional<floating_rate> floating;
  day_counter day_count{day_count_convention::act_360};
  interest_basis basis = interest_basis::day_count;

  // --- payment dates ---
  calendar payment_calendar;             // WEEKENDS by default
  business_day_convention convention = business_day_convention::unadjusted;
  bool accrue_to_payment_date = true;    // interest to the adjusted date (ACTUS SC*) or to the scheduled one (CS*)
  bool end_of_month = false;             // a month-end start keeps every date at month end

  // --- money ---
  std::optional<rounding> rounding_mode = rounding::half_up;  // nothing: unrounded (exact), for references that do not round
  decimal premium_discount;              // cash lent is principal + this (a discount or a fee withheld is negative)
  decimal accrued_at_start;              // interest already accrued at the start (or status date)
  decimal penalty_markup = decimal::parse("0.5");  // 罚息: overdue amounts accrue at rate x (1 + markup)
  bool penalty_on_overdue_interest = true;          // 复利: overdue interest accrues penalty interest too

  // --- life of the claim ---
  std::vector<prepayment> prepayments;
  std::optional<date> status_date;       // events before it are history: the state is given as of it
  std::optional<claim_transfer> purchase;
  std::optional<claim_transfer> sale;
  interest_base base;
  std::optional<index_scaling> scaling;

  date contract_day() const { return contract_date.value_or(start); }
  // Checks what can be checked without running the schedule; invalid_input naming the field and
  // the offending value.
  void validate() const;
};

}  // namespace stakecalc
