// stakecalc/rate_table.hpp: the history of a benchmark rate (China's LPR, a swap rate, an index),
// as fixings each in force from its effective date until the next.
//
// A rate table is data the user extends: when a new LPR is published, with_fixings() gives a table
// that knows it (the built-in history is compiled in, see lpr.hpp). Rates are annual rates as
// exact decimal fractions (3.85% is 0.0385); JSON may give them in percent. Tables are immutable
// values sharing their data, cheap to copy and safe to read from many threads.
//
// JSON: {"name": "LPR-1Y", "unit": "percent", "fixings": [{"date": "2019-08-20", "rate": "4.25"}, ...]}
// ("unit" is "fraction", the default, or "percent"; rates are strings so that no binary float
// touches them).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/error.hpp"

namespace stakecalc {

struct rate_fixing {
  date effective;  // in force from this day (inclusive) until the next fixing
  decimal rate;    // annual, as a fraction: 0.0385
};

class rate_table {
public:
  // An empty table named "RATES".
  rate_table();
  // Fixings in any order; two fixings on one date are refused (invalid_input naming
  // "fixings/<index>"), as is an empty name.
  rate_table(std::string name, std::vector<rate_fixing> fixings);

  static rate_table from_json(const nlohmann::json& j, const std::string& pointer = "");
  static rate_table parse_json(std::string_view text, const std::string& pointer = "");
  nlohmann::json to_json() const;  // unit "fraction"
  std::string to_json_text() const;

  const std::string& name() const noexcept { return data_->name; }
  const std::vector<rate_fixing>& fixings() const noexcept { return data_->fixings; }  // by date
  bool empty() const noexcept { return data_->fixings.empty(); }
  std::optional<date> first_date() const;
  std::optional<date> last_date() const;

  // The rate in force on `on`: the latest fixing effective on or before it; nothing before the
  // first fixing.
  std::optional<decimal> find_rate_on(const date& on) const;
  // The same, or invalid_input naming `where`, the date and the table when there is none.
  decimal rate_on(const date& on, const std::string& where = "on") const;

  // A table with these fixings added; a fixing on a date already present replaces it (a
  // corrected publication). This table is unchanged.
  rate_table with_fixings(const std::vector<rate_fixing>& added) const;
  rate_table renamed(std::string name) const;

  friend bool operator==(const rate_table& a, const rate_table& b);
  friend bool operator!=(const rate_table& a, const rate_table& b) { return !(a == b); }

private:
  struct data {
    std::string name;
    std::vector<rate_fixing> fixings;
  };
  std::shared_ptr<const data> data_;
};

// Named tables a contract can refer to by benchmark name ("LPR-1Y", "USD.SWP"). Lookups of the
// names "LPR-1Y" and "LPR-5Y" fall back to the built-in LPR history when the set has no table of
// that name.
class rate_tables {
public:
  rate_tables() = default;
  rate_tables(std::initializer_list<rate_table> tables) {
    for (const rate_table& t : tables) add(t);
  }
  // Adds or replaces the table of t.name().
  rate_tables& add(rate_table t) {
    std::string key = t.name();
    tables_.insert_or_assign(std::move(key), std::move(t));
    return *this;
  }
  bool contains(std::string_view name) const;
  // invalid_input naming `where` and listing the known names when there is no such table.
  const rate_table& at(std::string_view name, const std::string& where = "benchmark") const;
  const std::map<std::string, rate_table, std::less<>>& tables() const noexcept { return tables_; }

private:
  std::map<std::string, rate_table, std::less<>> tables_;
};

}  // namespace stakecalc
