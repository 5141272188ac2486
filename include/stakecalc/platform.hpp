// stakecalc/platform.hpp: the shareholding platform's portfolio at a date.
//
// One line per company (the platform's whole position) and one per company and beneficiary
// institution (the units it holds on that institution's behalf). Amounts stay in each company's
// currency; convert_lines() turns them into one reporting currency with an explicit fx_table,
// recording the rate each line used.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/fx_table.hpp"
#include "stakecalc/ledger.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

struct portfolio_line {
  std::string company_id;
  std::string beneficiary;  // empty on a company line
  decimal units;
  ratio ownership;  // of all the company's units, exact
  money cost;
  std::optional<money> mark_value;       // units at the latest mark, half-even to the minor unit
  std::optional<money> unrealised_gain;  // mark_value - cost
  money realised_gain;
  money proceeds;
  money dividends;
  std::optional<date> mark_date;
  std::string mark_source;
};

struct platform_portfolio {
  std::string platform;
  date on;
  std::vector<portfolio_line> by_company;
  std::vector<portfolio_line> by_beneficiary;
};

// The portfolio of `platform_id` on `on` (companies incorporated by then in which the platform
// has ever held units, sold-out positions included for their realised gains).
platform_portfolio portfolio_on(const ledger& l, const std::string& platform_id, const date& on);

// A portfolio line in a reporting currency, with the rate used.
struct converted_line {
  portfolio_line line;  // the original, in the company's currency
  money cost;
  std::optional<money> mark_value;
  std::optional<money> unrealised_gain;  // converted mark - converted cost
  money realised_gain;
  money proceeds;
  money dividends;
  fx_rate_used rate;
};

struct converted_portfolio {
  stakecalc::currency currency;
  date on;
  std::vector<converted_line> lines;
  money total_cost;
  money total_mark_value;  // lines without a mark count at cost
  money total_realised_gain;
  money total_dividends;
};

// Converts each line at the rate `fx` gives for its currency on `on`, rounding each converted
// amount once under `mode`; totals are sums of the rounded lines.
converted_portfolio convert_lines(const std::vector<portfolio_line>& lines, const fx_table& fx, currency to, const date& on, rounding mode);

}  // namespace stakecalc
