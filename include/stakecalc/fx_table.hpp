// stakecalc/fx_table.hpp: explicit exchange rates for reports.
//
// Amounts in different currencies never mix: a report in one currency converts each line with a
// rate from this table and says which rate it used. A quote "1 USD = 7.1234 CNY on 2025-06-30"
// converts USD to CNY by multiplication; CNY to USD uses the same quote inverted exactly (1/rate
// as a fraction) when no direct CNY->USD quote exists. The converted amount is rounded once, to the
// target currency's minor unit, with the mode the caller names.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stakecalc/currency.hpp"
#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/rounding.hpp"

namespace stakecalc {

struct fx_quote {
  stakecalc::currency base;   // 1 unit of base ...
  stakecalc::currency quote;  // ... is `rate` units of quote
  decimal rate;
  date as_of;
  std::string source;  // "PBOC central parity", for the audit trail
};

// The rate a conversion used: the quote, and whether it was applied inverted.
struct fx_rate_used {
  std::optional<fx_quote> quote;  // none when no conversion was needed (same currency)
  bool inverted = false;
  ratio factor{1};  // what the amount was multiplied by (exact)

  std::string describe() const;  // "USD/CNY 7.1234 on 2025-06-30 (PBOC)" or "same currency"
};

struct fx_conversion {
  money original;
  money converted;
  fx_rate_used rate;
};

class fx_table {
public:
  // Adds a quote; the rate must be positive, the currencies different, and the pair (either way
  // round) not already quoted that day.
  void add(currency base, currency quote, const decimal& rate, const date& as_of, std::string source = {});
  const std::vector<fx_quote>& quotes() const { return quotes_; }

  // The latest direct quote from -> to dated on or before `on`, else the latest reverse quote
  // inverted; invalid_input naming the pair and date when neither exists.
  fx_rate_used rate_for(currency from, currency to, const date& on) const;
  fx_conversion convert(const money& amount, currency to, const date& on, rounding mode) const;

private:
  std::vector<fx_quote> quotes_;
};

}  // namespace stakecalc
