// stakecalc/price_formula.hpp: how the price of a part of the fund's stake is computed on a date.
//
// A price formula is a small closed tree of value types: leaves that price a part of the stake
// (at cost, cost plus simple / compound / floating interest, fair value, a fixed price per unit)
// and nodes that combine formulas (greater or lesser of two, a floor, a cap, a waived share of the
// return, less the dividends received). Closed, so that contract documents, the Python binding and
// the explanation can enumerate every case; a tree, so that "cost plus hurdle plus half the excess
// over it, capped at fair value" is written as it is said. Formulas are immutable and share their
// subtrees: copying one is cheap, and one formula may be used by many threads.
//
// A formula gives the exact amount for u units on date t (u/U of the original stake, cost
// C = I * u / U); nothing is rounded inside it. The one exception is a compound factor with a
// fractional exponent, which is irrational: it is computed in quad precision and rounded to 30
// significant digits (documented in the explanation) before it multiplies the cost. The terms
// round the result once, to the currency's minor unit (repurchase_terms::rounding_mode).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "stakecalc/date.hpp"
#include "stakecalc/day_count.hpp"
#include "stakecalc/deal_facts.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/explanation.hpp"
#include "stakecalc/fund_investment.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/tenor.hpp"

namespace stakecalc {

// A date a contract names relative to the investment ("3 years after it") or outright.
class term_date {
public:
  term_date(tenor after_investment) : at_(after_investment) {}  // NOLINT(google-explicit-constructor)
  term_date(date on) : at_(on) {}                                // NOLINT(google-explicit-constructor)

  bool is_relative() const noexcept { return at_.index() == 0; }
  // The calendar date for an investment on `investment_date` (months and years clamp the day of
  // month: 2020-02-29 + 1Y is 2021-02-28).
  date resolve(const date& investment_date) const {
    if (const tenor* t = std::get_if<tenor>(&at_)) return add_tenor(investment_date, *t);
    return std::get<date>(at_);
  }
  // "t0 + 3Y" or "2027-06-30".
  std::string to_string() const {
    if (const tenor* t = std::get_if<tenor>(&at_)) return "t0 + " + t->to_string();
    return to_iso(std::get<date>(at_));
  }
  void validate(const std::string& where) const {
    if (const tenor* t = std::get_if<tenor>(&at_)) {
      if (t->length() < 0) throw invalid_input("a negative offset from the investment: " + t->to_string(), where);
    } else if (std::get<date>(at_).is_special()) {
      throw invalid_input("not a calendar date", where);
    }
  }

private:
  std::variant<tenor, date> at_;
};

// Which day's benchmark a rate uses: the investment date (frozen at signing) or the repurchase
// (or conversion) date.
enum class benchmark_day { investment_date, repurchase_date };

// An annual rate: fixed, or a benchmark (a rate table's name, "LPR-1Y") on one day plus a spread.
struct interest_rate {
  std::optional<decimal> fixed;  // 0.08 for 8%
  std::string benchmark;         // used when `fixed` is empty
  benchmark_day fixed_on = benchmark_day::investment_date;
  decimal spread;                // added to the benchmark

  static interest_rate fixed_at(decimal rate) { return {std::move(rate), {}, benchmark_day::investment_date, {}}; }
  static interest_rate benchmark_plus(std::string name, benchmark_day on, decimal spread = decimal()) {
    return {std::nullopt, std::move(name), on, std::move(spread)};
  }
  // "8%" or "LPR-1Y on t0 + 0.5%".
  std::string to_string() const;
};

class price_formula;

namespace pricing {

// C: what the fund paid for the part (the concession: the fund gives up its return).
struct at_cost {};

// A price per unit fixed by the terms: u * per_unit.
struct fixed_price {
  decimal per_unit;
};

// C * (1 + r * yf(start, t)), start = accrues_from (default the investment date); nothing accrues
// before it, which expresses "interest only after year 3" as well as "over the whole period".
struct simple_interest {
  interest_rate rate;
  day_counter day_count{day_count_convention::act_365_fixed};
  std::optional<term_date> accrues_from;
};

// C * (1 + r / m)^(m * yf(start, t)), m = periods_per_year (1: annual compounding). A fractional
// exponent is computed to 34 digits and rounded to 30 significant digits.
struct compound_interest {
  interest_rate rate;
  int periods_per_year = 1;
  day_counter day_count{day_count_convention::act_365_fixed};
  std::optional<term_date> accrues_from;
};

// C * (1 + sum_k (benchmark_k + spread) * yf(s_k, e_k)): simple interest whose rate follows a
// benchmark. Without reset_every the rate changes whenever the benchmark does (periods split at
// every fixing); with it, the rate is reset every reset_every from the accrual start to the
// benchmark then in force.
struct floating_interest {
  std::string benchmark = "LPR-1Y";
  decimal spread;
  day_counter day_count{day_count_convention::act_365_fixed};
  std::optional<tenor> reset_every;
  std::optional<term_date> accrues_from;
};

// u * the latest unit price on or before t (deal_facts::unit_prices); an error when there is none.
struct fair_value {};

enum class extremum_kind { greater_of, lesser_of, floor, cap };

// greater_of / lesser_of two formulas; floor: max(formula, bound); cap: min(formula, bound). The
// floor and cap are the same arithmetic as greater/lesser, named as the contract names them.
struct extremum;
// base + (1 - waived) * (full - base) when full > base; full otherwise (a share of a gain is
// waived, a loss is not shared). base defaults to at cost: cost + (1 - waived) * return.
struct waived_return;
// formula - dividends the fund received on these units after the investment and on or before t
// (u * dividends per unit, deal_facts::dividends_per_unit), not below zero.
struct less_dividends;

}  // namespace pricing

class price_formula {
public:
  using node = std::variant<pricing::at_cost, pricing::fixed_price, pricing::simple_interest,
                            pricing::compound_interest, pricing::floating_interest, pricing::fair_value,
                            pricing::extremum, pricing::waived_return, pricing::less_dividends>;

  price_formula();  // at cost
  price_formula(pricing::at_cost n);  // NOLINT(google-explicit-constructor): every node is a formula
  price_formula(pricing::fixed_price n);  // NOLINT
  price_formula(pricing::simple_interest n);  // NOLINT
  price_formula(pricing::compound_interest n);  // NOLINT
  price_formula(pricing::floating_interest n);  // NOLINT
  price_formula(pricing::fair_value n);  // NOLINT
  price_formula(pricing::extremum n);  // NOLINT
  price_formula(pricing::waived_return n);  // NOLINT
  price_formula(pricing::less_dividends n);  // NOLINT

  static price_formula greater_of(price_formula a, price_formula b);
  static price_formula lesser_of(price_formula a, price_formula b);
  static price_formula floored(price_formula f, price_formula floor);
  static price_formula capped(price_formula f, price_formula cap);
  // full with `waived` (0..1) of its excess over `base` given up.
  static price_formula with_waived_return(price_formula full, ratio waived, price_formula base = price_formula());
  static price_formula net_of_dividends(price_formula f);

  // The node, to inspect or visit (defined below, once every node type is complete).
  const node& get() const;

  // The formula as text: "max(cost, u x fair value)", "cost x (1 + (LPR-1Y on t + 0.5%) x yf)".
  std::string describe() const;
  // Checks what can be checked without a date: rates, shares, periods (invalid_input naming
  // `where` and the field: "windows[1].price.rate.spread").
  void validate(const std::string& where) const;

private:
  std::shared_ptr<const node> node_;
};

namespace pricing {
struct extremum {
  extremum_kind kind = extremum_kind::greater_of;
  price_formula first;
  price_formula second;  // the bound, for floor and cap
};
struct waived_return {
  price_formula full;
  ratio waived;  // 0..1: 1/2 gives up half the excess, 1 all of it
  price_formula base;
};
struct less_dividends {
  price_formula formula;
};
}  // namespace pricing

inline const price_formula::node& price_formula::get() const { return *node_; }

// The exact amount of a formula for `units` of the stake on `on`, with its explanation.
struct formula_value {
  ratio amount;
  bool approximate = false;  // a fractional power was rounded to 30 significant digits on the way
  explanation why;
};

// Evaluates `f` for `units` (0 < units <= U) on `on` (not before the investment). Errors:
// invalid_input naming `where` for a missing benchmark fixing or fair value. With
// explain_mode::numbers_only `why` is left empty; the amount and the errors are the same.
formula_value evaluate(const price_formula& f, const fund_investment& investment, const date& on,
                       const decimal& units, const deal_facts& facts, const std::string& where = "price",
                       explain_mode explain = explain_mode::full);

}  // namespace stakecalc
