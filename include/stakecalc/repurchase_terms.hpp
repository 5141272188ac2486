// stakecalc/repurchase_terms.hpp: the terms under which the team may buy back the fund's stake
// (团队回购): the investment, the windows and the price formula of each, and the rounding.
//
// Windows are ordered, non-overlapping spans [from, until) measured from the investment date
// ("3Y") or given as dates. A window starts where the previous one ends unless it says otherwise
// (a gap is a lock-up: no repurchase then); the last one may be open-ended. Each has a price
// formula and optional limits on the cumulative proportion of the original stake bought back by
// its end: at most `max_by_end` (a plan above it is refused), at least `min_by_end` (a plan below it
// is reported: a missed minimum is a conversion trigger, see equity_to_debt.hpp).
//
// Boundaries: a repurchase on the day a window ends belongs to the next window. "At cost within
// three years" of an investment on 2021-03-01 therefore covers 2021-03-01 .. 2024-02-29; a
// contract that means "through the third anniversary" gives `until` as the day after it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stakecalc/deal_facts.hpp"
#include "stakecalc/explanation.hpp"
#include "stakecalc/fund_investment.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/price_formula.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/rounding.hpp"

namespace stakecalc {

struct repurchase_window {
  std::string label;                   // "years 0-3"; default "window <i>"
  std::optional<term_date> from;       // default: the previous window's end (the investment date for the first)
  std::optional<term_date> until;      // exclusive; only the last window may leave it open
  price_formula price;
  std::optional<ratio> min_by_end;     // of the original stake, cumulative, 0..1
  std::optional<ratio> max_by_end;
};

// A window with its dates resolved.
struct window_span {
  std::size_t index = 0;
  std::string label;
  date from;
  std::optional<date> until;  // exclusive; none: open-ended

  bool contains(const date& d) const { return d >= from && (!until || d < *until); }
};

// A price for some units on a date under the terms: the window, the formula, the amount before
// and after the one rounding.
struct price_quote {
  date on;
  std::size_t window = 0;
  std::string window_label;
  std::string formula;
  decimal units;
  ratio proportion;        // units / U
  ratio exact_amount;      // before rounding
  money amount;            // rounded once, to the minor unit, with the terms' mode
  ratio price_per_unit;    // amount / units, exact
  explanation why;
};

struct repurchase_terms {
  fund_investment investment;
  std::vector<repurchase_window> windows;
  rounding rounding_mode = rounding::half_up;  // each tranche's amount, once, to the minor unit

  // invalid_input naming the field ("windows[1].until") and the value: windows out of order or
  // overlapping, an open window that is not the last, limits outside 0..1, min above max, a max
  // below an earlier window's max (limits are cumulative), a bad formula.
  void validate() const;

  // The windows with their dates (validates first).
  std::vector<window_span> spans() const;
  // The window containing `on`, if any.
  std::optional<window_span> window_on(const date& on) const;

  // The price of `units` on `on` under the window in force. domain_rule_error naming `where`
  // when no window contains the day. explain_mode::numbers_only leaves `formula` and `why` empty.
  price_quote quote(const date& on, const decimal& units, const deal_facts& facts,
                    const std::string& where = "on", explain_mode explain = explain_mode::full) const;
  // The same with an explicit formula (a conversion principal), labelled `subject`.
  price_quote quote_with(const price_formula& formula, const date& on, const decimal& units, const deal_facts& facts,
                         const std::string& subject, const std::string& where,
                         explain_mode explain = explain_mode::full) const;
};

}  // namespace stakecalc
