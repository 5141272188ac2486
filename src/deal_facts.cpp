// Facts the contract formulas read (stakecalc/deal_facts.hpp).
#include "stakecalc/deal_facts.hpp"

#include <algorithm>

#include "stakecalc/lpr.hpp"

namespace stakecalc {

void deal_facts::validate(const std::string& where) const {
  for (std::size_t i = 0; i < unit_prices.size(); ++i) {
    const std::string f = where + ".unit_prices[" + std::to_string(i) + "]";
    if (unit_prices[i].on.is_special()) throw invalid_input("not a calendar date", f + ".on");
    if (unit_prices[i].per_unit.signum() < 0)
      throw invalid_input("a negative unit price " + unit_prices[i].per_unit.to_string(), f + ".per_unit");
    // One price a day: with two, which one a date uses would depend on their order in the list.
    for (std::size_t k = 0; k < i; ++k)
      if (unit_prices[k].on == unit_prices[i].on)
        throw invalid_input("a second unit price on " + to_iso(unit_prices[i].on) + " (the first is unit_prices[" +
                                std::to_string(k) + "]); a day has one price",
                            f + ".on");
  }
  for (std::size_t i = 0; i < dividends.size(); ++i) {
    const std::string f = where + ".dividends[" + std::to_string(i) + "]";
    const fund_dividend& d = dividends[i];
    if (d.on.is_special()) throw invalid_input("not a calendar date", f + ".on");
    if (d.amount.signum() < 0) throw invalid_input("a negative dividend " + d.amount.to_string(), f + ".amount");
    if (d.units_held.signum() <= 0)
      throw invalid_input("units held must be positive, got " + d.units_held.to_string(), f + ".units_held");
  }
}

std::optional<unit_price> deal_facts::latest_unit_price(const date& on) const {
  std::optional<unit_price> best;
  for (const unit_price& p : unit_prices)
    if (p.on <= on && (!best || p.on >= best->on)) best = p;
  return best;
}

std::vector<fund_dividend> deal_facts::dividends_between(const date& after, const date& through) const {
  std::vector<fund_dividend> out;
  for (const fund_dividend& d : dividends)
    if (d.on > after && d.on <= through) out.push_back(d);
  std::stable_sort(out.begin(), out.end(), [](const fund_dividend& a, const fund_dividend& b) { return a.on < b.on; });
  return out;
}

ratio deal_facts::dividends_per_unit(const date& after, const date& through) const {
  ratio sum;
  for (const fund_dividend& d : dividends_between(after, through)) sum += ratio(d.amount.amount()) / ratio(d.units_held);
  return sum;
}

benchmark_fixing_used benchmark_rate_on(const rate_tables& rates, const std::string& benchmark, const date& on,
                                        const std::string& where) {
  if (on.is_special()) throw invalid_input("not a calendar date", where);
  const bool builtin = (benchmark == "LPR-1Y" || benchmark == "LPR-5Y") && rates.tables().count(benchmark) == 0;
  const rate_table& table = rates.at(benchmark, where);
  // The built-in history refuses days it does not know yet (lpr()); a user's table answers any
  // day from its first fixing.
  const decimal rate = builtin ? lpr(benchmark == "LPR-1Y" ? lpr_tenor::one_year : lpr_tenor::five_year, on, where)
                               : table.rate_on(on, where);
  const auto& f = table.fixings();
  auto it = std::upper_bound(f.begin(), f.end(), on, [](const date& d, const rate_fixing& x) { return d < x.effective; });
  // rate_on succeeded, so a fixing on or before `on` exists.
  return {benchmark, std::prev(it)->effective, rate};
}

}  // namespace stakecalc
