// Grant-equivalents (stakecalc/grant_equivalent.hpp).
#include "stakecalc/grant_equivalent.hpp"

namespace stakecalc {

namespace {

std::string percent(const decimal& r) { return (r * 100).normalized().to_string() + "%"; }

grant_equivalent_result finish(const fund_investment& inv, decimal exact, rounding mode, explanation why,
                               explain_mode explain = explain_mode::full) {
  const currency ccy = inv.currency();
  grant_equivalent_result g;
  g.exact = std::move(exact);
  g.value = money(g.exact.rounded(ccy.minor_units(), mode), ccy);
  g.of_investment = g.value / inv.amount;
  if (explain == explain_mode::numbers_only) return g;
  why.exact = std::string(ccy.code()) + " " + g.exact.to_string() + " (30 significant digits)";
  why.rounding = "once, to " + decimal::from_parts(1, ccy.minor_units()).to_string() + " " + std::string(ccy.code()) +
                 ", " + to_string(mode);
  why.result = g.value.to_string() + " (" + exact_text(g.of_investment * ratio(100)) + "% of the investment)";
  g.why = std::move(why);
  return g;
}

}  // namespace

grant_equivalent_result grant_equivalent(const repurchase_terms& terms, const repurchase_evaluation& plan,
                                         const price_formula& market_price, const decimal& discount_rate,
                                         const deal_facts& facts) {
  terms.validate();
  market_price.validate("market_price");
  if (discount_rate <= decimal(-1))
    throw invalid_input("rate must be above -100%, got " + discount_rate.to_string(), "discount_rate");
  const fund_investment& inv = terms.investment;
  explanation why;
  why.subject = "grant-equivalent of the repurchases";
  why.formula = "sum over tranches of (market price - price paid) / (1 + d)^yf(t0, t), ACT/365F";
  why.add("market price", market_price.describe());
  why.add("d", percent(discount_rate), "the market rate the difference is discounted at");
  std::vector<decimal> amounts{decimal()};  // a zero at t0 anchors the discounting there
  std::vector<date> dates{inv.on};
  for (const tranche_result& t : plan.tranches) {
    formula_value market = evaluate(market_price, inv, t.price.on, t.price.units, facts, "market_price");
    const decimal market_amount = market.amount.round(inv.currency().minor_units(), terms.rounding_mode);
    const decimal forgone = market_amount - t.price.amount.amount();
    amounts.push_back(forgone);
    dates.push_back(t.price.on);
    why.add("tranche " + std::to_string(t.index), to_iso(t.price.on) + ": " + market_amount.to_string() + " - " +
                                                      t.price.amount.amount().to_string() + " = " + forgone.to_string(),
            "market price rounded like a tranche, less the price paid");
    why.steps.push_back(std::move(market.why));
  }
  decimal pv = xnpv_at(discount_rate, amounts, dates, inv.on);
  return finish(inv, std::move(pv), terms.rounding_mode, std::move(why));
}

grant_equivalent_result grant_equivalent_of_flows(const fund_investment& inv, const std::vector<cash_flow>& fund_flows,
                                                  const decimal& market_rate, rounding mode, explain_mode explain) {
  inv.validate();
  if (fund_flows.empty()) throw invalid_input("no flows", "fund_flows");
  if (market_rate <= decimal(-1))
    throw invalid_input("rate must be above -100%, got " + market_rate.to_string(), "market_rate");
  // The text is about half the cost of the whole computation: a sweep asks for numbers only.
  const bool explained = explain == explain_mode::full;
  explanation why;
  if (explained) {
    why.subject = "grant-equivalent of the fund's flows";
    why.formula = "-sum of flow / (1 + m)^yf(t0, t), ACT/365F: the investment less the present value of what came back";
    why.add("m", percent(market_rate), "market rate");
  }
  std::vector<decimal> amounts;
  std::vector<date> dates;
  amounts.reserve(fund_flows.size());
  dates.reserve(fund_flows.size());
  for (std::size_t i = 0; i < fund_flows.size(); ++i) {
    const cash_flow& f = fund_flows[i];
    if (f.amount.currency() != inv.currency())
      throw currency_mismatch("flow " + f.amount.to_string() + " is not in " + std::string(inv.currency().code()),
                              "fund_flows[" + std::to_string(i) + "]");
    amounts.push_back(f.amount.amount());
    dates.push_back(f.on);
    if (explained) why.add(to_iso(f.on), f.amount.to_string());
  }
  decimal pv = xnpv_at(market_rate, amounts, dates, inv.on);
  return finish(inv, -pv, mode, std::move(why), explain);
}

}  // namespace stakecalc
