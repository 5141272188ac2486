// Exit-path comparison (stakecalc/exit_paths.hpp).
#include "stakecalc/exit_paths.hpp"

#include "stakecalc/detail/relocated_error.hpp"

namespace stakecalc {

namespace {

std::optional<ratio> ownership(const exit_deal& d, const decimal& team_units, const decimal& company_units) {
  if (d.company_units.signum() <= 0 || company_units.signum() <= 0) return std::nullopt;
  return ratio(team_units) / ratio(company_units);
}

// The IRR and multiple of the fund's flows, as the plan's or the conversion's evaluation already
// found them for exactly these flows (an XIRR is the costliest step of a path: not solved twice).
struct flow_measures {
  std::optional<decimal> irr;
  ratio multiple;
};

void finish(exit_path_result& r, const exit_deal& d, explain_mode explain,
            std::optional<flow_measures> known = std::nullopt) {
  detail::sort_flows(r.fund_flows);
  const currency ccy = d.repurchase.investment.currency();
  r.cash_recovered = money::zero(ccy);
  for (const cash_flow& f : r.fund_flows)
    if (f.amount.signum() > 0) r.cash_recovered += f.amount;
  if (known) {
    r.fund_irr = std::move(known->irr);
    r.fund_multiple = std::move(known->multiple);
  } else {
    r.fund_irr = detail::irr_or_none(r.fund_flows);
    r.fund_multiple = multiple(r.fund_flows);
  }
  r.grant_equivalent = grant_equivalent_of_flows(d.repurchase.investment, r.fund_flows, d.market_rate,
                                                 d.repurchase.rounding_mode, explain);
}

// The fund's dividends through `through` when it kept its whole stake.
void add_full_stake_dividends(exit_path_result& r, const exit_deal& d, const date& through) {
  const fund_investment& inv = d.repurchase.investment;
  for (const fund_dividend& div : d.facts.dividends_between(inv.on, through)) {
    const ratio received = ratio(div.amount.amount()) / ratio(div.units_held) * ratio(inv.units);
    r.fund_flows.push_back(
        {div.on, money(received.round(inv.currency().minor_units(), d.repurchase.rounding_mode), inv.currency())});
  }
}

struct path_evaluator {
  const exit_deal& d;
  explain_mode explain;

  exit_path_result operator()(const exit_by_repurchase& p) const {
    const repurchase_evaluation ev = evaluate_plan(d.repurchase, p.plan, d.facts, explain);
    exit_path_result r;
    r.path = p.label.empty() ? "repurchase per plan" : p.label;
    r.fund_flows = ev.fund_flows;
    r.team_cost = ev.team_cost;
    r.fund_units_left = ev.units_left;
    decimal team = d.team_units, total = d.company_units;
    for (const tranche_result& t : ev.tranches) {
      if (t.capital_reduction)
        total -= t.price.units;
      else
        team += t.price.units;
    }
    r.team_ownership = ownership(d, team, total);
    finish(r, d, explain, flow_measures{ev.fund_irr, ev.fund_multiple});  // r.fund_flows are ev's, already sorted
    return r;
  }

  exit_path_result operator()(const exit_by_conversion& p) const {
    if (!d.conversion) throw invalid_input("the deal has no equity-to-debt terms", "conversion");
    const conversion_result c = convert_to_debt(*d.conversion, d.repurchase, p.plan, p.on, d.facts);
    exit_path_result r;
    r.path = p.label.empty() ? "conversion on " + to_iso(p.on) : p.label;
    r.fund_flows = c.fund_flows;
    r.team_cost = c.team_cost;
    r.fund_units_left = decimal();
    decimal team = d.team_units, total = d.company_units;
    for (const tranche_result& t : c.repurchases) {
      if (t.capital_reduction)
        total -= t.price.units;
      else
        team += t.price.units;
    }
    if (c.units_cancelled)
      total -= c.units_converted;
    else
      team += c.units_converted;  // the recipients are taken to be team members
    r.team_ownership = ownership(d, team, total);
    finish(r, d, explain, flow_measures{c.fund_irr, c.fund_multiple});  // r.fund_flows are c's, already sorted
    return r;
  }

  exit_path_result operator()(const exit_by_sale& p) const {
    const fund_investment& inv = d.repurchase.investment;
    if (p.on.is_special() || p.on < inv.on)
      throw invalid_input("the sale must be on or after the investment on " + to_iso(inv.on), "on");
    if (p.valuation.currency() != inv.currency())
      throw currency_mismatch("valuation " + p.valuation.to_string() + " is not in the investment's currency",
                              "valuation");
    if (p.valuation.signum() < 0) throw invalid_input("a negative valuation " + p.valuation.to_string(), "valuation");
    if (d.company_units.signum() <= 0)
      throw invalid_input("a sale at a valuation needs the company's units, got " + d.company_units.to_string(),
                          "company_units");
    exit_path_result r;
    r.path = p.label.empty() ? "sale on " + to_iso(p.on) + " at a valuation of " + p.valuation.to_string() : p.label;
    r.fund_flows.push_back({inv.on, -inv.amount});
    add_full_stake_dividends(r, d, p.on);
    const ratio proceeds = ratio(p.valuation.amount()) * ratio(inv.units) / ratio(d.company_units);
    r.fund_flows.push_back(
        {p.on, money(proceeds.round(inv.currency().minor_units(), d.repurchase.rounding_mode), inv.currency())});
    r.team_cost = money::zero(inv.currency());
    r.fund_units_left = decimal();
    r.team_ownership = ownership(d, d.team_units, d.company_units);
    finish(r, d, explain);
    return r;
  }

  exit_path_result operator()(const exit_by_write_off& p) const {
    const fund_investment& inv = d.repurchase.investment;
    if (p.on.is_special() || p.on < inv.on)
      throw invalid_input("the write-off must be on or after the investment on " + to_iso(inv.on), "on");
    exit_path_result r;
    r.path = p.label.empty() ? "write-off on " + to_iso(p.on) : p.label;
    r.fund_flows.push_back({inv.on, -inv.amount});
    add_full_stake_dividends(r, d, p.on);
    if (p.recovered) {
      if (p.recovered->currency() != inv.currency())
        throw currency_mismatch("recovery " + p.recovered->to_string() + " is not in the investment's currency",
                                "recovered");
      if (p.recovered->signum() < 0) throw invalid_input("a negative recovery " + p.recovered->to_string(), "recovered");
      if (!p.recovered->is_zero()) r.fund_flows.push_back({p.on, *p.recovered});
    }
    r.team_cost = money::zero(inv.currency());
    r.fund_units_left = inv.units;
    r.team_ownership = ownership(d, d.team_units, d.company_units);
    finish(r, d, explain);
    return r;
  }
};

}  // namespace

exit_path_result evaluate_exit_path(const exit_deal& deal, const exit_path& path, explain_mode explain) {
  deal.repurchase.validate();
  deal.facts.validate("facts");
  return std::visit(path_evaluator{deal, explain}, path);
}

std::vector<exit_path_result> compare_exit_paths(const exit_deal& deal, const std::vector<exit_path>& paths) {
  std::vector<exit_path_result> out;
  out.reserve(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    try {
      out.push_back(evaluate_exit_path(deal, paths[i]));
    } catch (const error& e) {
      // Say which path failed; keep the kind of error.
      detail::rethrow_at(e, "paths[" + std::to_string(i) + "]" + (e.where().empty() ? "" : "." + e.where()));
    }
  }
  return out;
}

}  // namespace stakecalc
