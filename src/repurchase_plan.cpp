// Repurchase plans (stakecalc/repurchase_plan.hpp): validation against the terms and evaluation.
#include "stakecalc/repurchase_plan.hpp"

#include <algorithm>

namespace stakecalc {

namespace detail {

std::optional<decimal> irr_or_none(const std::vector<cash_flow>& flows) {
  try {
    return xirr(flows);
  } catch (const no_solution&) {
    return std::nullopt;
  }
}

void sort_flows(std::vector<cash_flow>& flows) {
  std::stable_sort(flows.begin(), flows.end(), [](const cash_flow& a, const cash_flow& b) { return a.on < b.on; });
}

}  // namespace detail

namespace {

std::string tranche_field(std::size_t k, const char* member) {
  return "tranches[" + std::to_string(k) + "]" + (member[0] ? std::string(".") + member : std::string());
}

std::string pct(const ratio& r) { return exact_text(r * ratio(100)) + "%"; }

// A tranche's units and window after every check.
struct checked_tranche {
  decimal units;
  std::size_t window = 0;
};

std::vector<checked_tranche> check_plan(const repurchase_terms& terms, const repurchase_plan& plan,
                                        const std::vector<window_span>& spans) {
  const fund_investment& inv = terms.investment;
  const int places = inv.unit_places;
  std::vector<checked_tranche> out;
  ratio cumulative;           // exact proportion asked for so far
  decimal units_through;      // units handed over so far
  for (std::size_t k = 0; k < plan.tranches.size(); ++k) {
    const repurchase_tranche& t = plan.tranches[k];
    if (t.on.is_special()) throw invalid_input("not a calendar date", tranche_field(k, "on"));
    if (k > 0 && t.on < plan.tranches[k - 1].on)
      throw invalid_input(to_iso(t.on) + " is before the previous tranche's " + to_iso(plan.tranches[k - 1].on) +
                              " (tranches go in date order)",
                          tranche_field(k, "on"));
    if (t.on < inv.on)
      throw domain_rule_error(to_iso(t.on) + " is before the investment on " + to_iso(inv.on), tranche_field(k, "on"));
    auto w = std::find_if(spans.begin(), spans.end(), [&](const window_span& s) { return s.contains(t.on); });
    if (w == spans.end()) {
      std::string list;
      for (const window_span& s : spans)
        list += (list.empty() ? "" : "; ") + ("'" + s.label + "' " + to_iso(s.from) + " to " +
                                              (s.until ? to_iso(*s.until) + " (exclusive)" : std::string("open")));
      throw domain_rule_error(to_iso(t.on) + " is outside every repurchase window (" + list + ")",
                              tranche_field(k, "on"));
    }
    if (t.proportion.has_value() == t.units.has_value())
      throw invalid_input(t.proportion ? "give a proportion or units, not both" : "give a proportion or units",
                          tranche_field(k, ""));
    const char* what = t.proportion ? "proportion" : "units";
    if (t.proportion) {
      if (t.proportion->signum() <= 0 || *t.proportion > ratio(1))
        throw invalid_input("a proportion of the stake must be above 0 and at most 1, got " + t.proportion->to_string(),
                            tranche_field(k, what));
      cumulative += *t.proportion;
    } else {
      if (t.units->signum() <= 0)
        throw invalid_input("units must be positive, got " + t.units->to_string(), tranche_field(k, what));
      if (!inv.is_whole_units(*t.units))
        throw invalid_input(t.units->to_string() + " is not a whole number of units (" + std::to_string(places) +
                                " places)",
                            tranche_field(k, what));
      cumulative += inv.share_of_stake(*t.units);
    }
    const decimal left = inv.units - units_through;
    if (cumulative > ratio(1)) {
      const std::string asked = t.units ? t.units->to_string() + " units" : t.proportion->to_string() + " of the stake";
      throw domain_rule_error(asked + " is more than the fund has left: " + left.to_string() + " units (" +
                                  pct(inv.share_of_stake(left)) + " of the stake)",
                              tranche_field(k, what));
    }
    // Cumulative rounding: proportions adding up to 1 hand over exactly U units.
    const decimal through = (ratio(inv.units) * cumulative).round(places, rounding::down);
    const decimal units = through - units_through;
    if (units.signum() <= 0)
      throw invalid_input((t.proportion ? "proportion " + t.proportion->to_string() : "units " + t.units->to_string()) +
                              " of the stake is less than one unit here",
                          tranche_field(k, what));
    units_through = through;
    const repurchase_window& window = terms.windows[w->index];
    const ratio bought = inv.share_of_stake(units_through);
    if (window.max_by_end && bought > *window.max_by_end)
      throw domain_rule_error("the cumulative " + pct(bought) + " of the stake bought by " + to_iso(t.on) +
                                  " exceeds the maximum " + pct(*window.max_by_end) + " of window '" + w->label +
                                  "' (windows[" + std::to_string(w->index) + "].max_by_end)",
                              tranche_field(k, what));
    out.push_back({units, w->index});
  }
  return out;
}

}  // namespace

std::vector<decimal> tranche_units(const repurchase_terms& terms, const repurchase_plan& plan) {
  const std::vector<window_span> spans = terms.spans();
  std::vector<decimal> out;
  for (const checked_tranche& c : check_plan(terms, plan, spans)) out.push_back(c.units);
  return out;
}

repurchase_evaluation evaluate_plan(const repurchase_terms& terms, const repurchase_plan& plan,
                                    const deal_facts& facts, explain_mode explain) {
  const std::vector<window_span> spans = terms.spans();
  facts.validate("facts");
  const std::vector<checked_tranche> checked = check_plan(terms, plan, spans);
  const fund_investment& inv = terms.investment;
  const currency ccy = inv.currency();

  // The dividends must agree with the plan: units held on the day, before that day's tranches.
  for (std::size_t i = 0; i < facts.dividends.size(); ++i) {
    const fund_dividend& d = facts.dividends[i];
    const std::string f = "facts.dividends[" + std::to_string(i) + "]";
    if (d.amount.currency() != ccy)
      throw currency_mismatch("dividend " + d.amount.to_string() + " is not in the investment's currency " +
                                  std::string(ccy.code()),
                              f + ".amount");
    if (d.on <= inv.on)
      throw domain_rule_error(to_iso(d.on) + " is not after the investment on " + to_iso(inv.on), f + ".on");
    decimal held = inv.units;
    for (std::size_t k = 0; k < checked.size(); ++k)
      if (plan.tranches[k].on < d.on) held -= checked[k].units;
    if (held != d.units_held)
      throw domain_rule_error("the dividend says the fund held " + d.units_held.to_string() + " units on " +
                                  to_iso(d.on) + ", the plan leaves it " + held.to_string(),
                              f + ".units_held");
  }

  repurchase_evaluation ev;
  ev.fund_flows.push_back({inv.on, -inv.amount});
  ev.fund_cash_recovered = money::zero(ccy);
  ev.team_cost = money::zero(ccy);
  decimal left = inv.units;
  for (std::size_t k = 0; k < checked.size(); ++k) {
    const repurchase_tranche& t = plan.tranches[k];
    tranche_result r;
    r.index = k;
    r.buyer = t.buyer;
    r.price = terms.quote(t.on, checked[k].units, facts, tranche_field(k, ""), explain);
    if (explain == explain_mode::full)
      r.price.why.subject = "tranche " + std::to_string(k) + ": " + r.price.why.subject;
    left -= checked[k].units;
    r.units_left_after = left;
    r.stake_left_after = inv.share_of_stake(left);
    r.capital_reduction = t.buyer.empty();
    ev.fund_flows.push_back({t.on, r.price.amount});
    ev.fund_cash_recovered += r.price.amount;
    if (!t.buyer.empty()) ev.team_cost += r.price.amount;
    auto slot = ev.cost_by_buyer.try_emplace(t.buyer, money::zero(ccy)).first;
    slot->second += r.price.amount;
    ev.tranches.push_back(std::move(r));
  }
  for (const fund_dividend& d : facts.dividends) {
    ev.fund_flows.push_back({d.on, d.amount});
    ev.fund_cash_recovered += d.amount;
  }
  detail::sort_flows(ev.fund_flows);
  ev.units_left = left;
  ev.stake_left = inv.share_of_stake(left);
  ev.fund_irr = detail::irr_or_none(ev.fund_flows);
  ev.fund_multiple = multiple(ev.fund_flows);

  for (const window_span& s : spans) {
    const repurchase_window& w = terms.windows[s.index];
    if (!w.min_by_end || !s.until) continue;  // an open window never ends, so its minimum is never missed
    decimal bought;
    for (std::size_t k = 0; k < checked.size(); ++k)
      if (plan.tranches[k].on < *s.until) bought += checked[k].units;
    const ratio share = inv.share_of_stake(bought);
    if (share < *w.min_by_end) ev.missed_minimums.push_back({s.index, s.label, *s.until, *w.min_by_end, share});
  }
  return ev;
}

}  // namespace stakecalc
