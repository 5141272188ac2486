// stakecalc/cap_table.hpp: a company's cap table at one moment, as the ledger computes it.
//
// The view is also the ledger's state: replaying a company's events up to a date yields exactly
// this object, so what a report shows is what the ledger validates against. Ownership fractions
// are exact (units / total units) and always sum to 1. Every holder position keeps its history of
// cash (cost basis, realised gain, dividends) even after its units reach zero, because the
// platform portfolio reports realised gains on holdings it has sold.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stakecalc/company.hpp"
#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

// What one holder holds in one share class for one beneficiary. Cost is the weighted-average
// cost basis: a disposal of n of u units removes cost * n / u (rounded half-even to the minor
// unit; all of it when the last unit goes), and realised gain is the proceeds minus that cost.
struct lot {
  decimal units;
  money cost;
  money realised_gain;
  money proceeds;   // cash (or debt claim) received for units given up, cumulative
  money dividends;  // cumulative

  explicit lot(stakecalc::currency c = {})
      : cost(decimal(), c), realised_gain(decimal(), c), proceeds(decimal(), c), dividends(decimal(), c) {}
};

// A holder's position in one share class. For a platform the lots are keyed by beneficiary
// institution id; for every other holder there is one lot, keyed "" (the holder itself).
struct position {
  std::string holder;
  share_class cls = share_class::common;
  std::map<std::string, lot> lots;

  decimal units() const;
  money cost(stakecalc::currency c) const;
  money realised_gain(stakecalc::currency c) const;
  money proceeds(stakecalc::currency c) const;
  money dividends(stakecalc::currency c) const;
};

// The latest value of one unit: from the latest priced financing round or appraisal.
struct price_mark {
  ratio price_per_unit;  // exact: PRE / units_pre need not terminate
  date on;
  std::string source;  // "financing round 'series a'", "appraisal", "transfer"
};

// One row of the cap table: a holder and class with units > 0 (a platform's row is summed over
// its beneficiaries).
struct cap_table_line {
  std::string holder;
  share_class cls = share_class::common;
  decimal units;
  ratio ownership;  // units / total units, exact
  money cost;
  std::optional<money> mark_value;  // units * mark price, rounded half-even to the minor unit
};

struct cap_table {
  stakecalc::company company;
  std::optional<date> as_of;      // date of the latest event applied (none before incorporation)
  std::size_t events_applied = 0;  // how many of the company's events are in this view
  std::map<std::pair<std::string, share_class>, position> positions;
  decimal total_units;
  money capital_reserve;  // 资本公积 from issues above par (and joint-stock remainders kept)
  std::optional<price_mark> mark;

  explicit cap_table(stakecalc::company c = {})
      : company(std::move(c)), capital_reserve(decimal(), company.currency) {}

  // Registered (share) capital: the units themselves for a limited-liability company, shares *
  // par value for a joint-stock one.
  money registered_capital() const;
  // Units of a holder (all classes, or one class), 0 when absent.
  decimal units_of(const std::string& holder) const;
  decimal units_of(const std::string& holder, share_class cls) const;
  decimal class_units(share_class cls) const;
  // Exact fraction of all units (both classes) held.
  ratio ownership_of(const std::string& holder) const;
  // Rows with units > 0, ordered by holder id then class; ownership sums to exactly 1.
  std::vector<cap_table_line> lines() const;
  // The mark value of `units` (rounded half-even to the minor unit), none without a mark.
  std::optional<money> mark_value(const decimal& units) const;
};

}  // namespace stakecalc
