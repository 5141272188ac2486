// stakecalc/deal_facts.hpp: what the contract formulas read but the contract does not fix: benchmark
// rate histories, the latest fair value of a unit, the dividends the fund received.
//
// Kept apart from the terms because they change after signing (a new LPR fixing, a new financing
// round, a dividend) while the terms do not; a scenario sweep varies the facts over fixed terms.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/rate_table.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

// A fair value of one unit from `on` (a financing round's price, an appraisal).
struct unit_price {
  date on;
  ratio per_unit;       // exact: a round's PRE / units need not terminate
  std::string source;   // "series B round", "appraisal 2024"
};

// A cash dividend the fund received, and the units it held when it did. The units make the
// dividend per unit a fact of its own, so the share of a repurchased part needs no replay.
struct fund_dividend {
  date on;
  money amount;
  decimal units_held;
};

struct deal_facts {
  rate_tables rates;                      // benchmark histories by name; "LPR-1Y"/"LPR-5Y" built in
  std::vector<unit_price> unit_prices;    // any order
  std::vector<fund_dividend> dividends;   // any order

  // invalid_input naming "unit_prices[i]..." or "dividends[i]..." and the value.
  void validate(const std::string& where = "facts") const;

  // The latest price on or before `on` (the later of two on one day is the one listed later).
  std::optional<unit_price> latest_unit_price(const date& on) const;

  // The sum over dividends dated after `after` and on or before `through` of amount / units_held:
  // what one unit held throughout earned. Exact.
  ratio dividends_per_unit(const date& after, const date& through) const;
  // The dividends themselves in that span, in date order.
  std::vector<fund_dividend> dividends_between(const date& after, const date& through) const;
};

// The benchmark's rate in force on `on` and the fixing it comes from. "LPR-1Y"/"LPR-5Y" without a
// table of that name in `rates` use the built-in history with its known-through check (lpr()),
// so a stale rate is never used silently. invalid_input naming `where` otherwise.
struct benchmark_fixing_used {
  std::string benchmark;
  date effective;  // the fixing's effective date
  decimal rate;
};
benchmark_fixing_used benchmark_rate_on(const rate_tables& rates, const std::string& benchmark, const date& on,
                                        const std::string& where);

}  // namespace stakecalc
