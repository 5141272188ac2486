// Price formulas (stakecalc/price_formula.hpp): construction, text, validation and evaluation.
//
// Evaluation is exact (ratios) except for a compound factor with a fractional exponent, which is
// computed in quad precision (detail/quad.hpp, about 34 significant digits) and rounded half-even
// to 30 significant digits before it multiplies the cost; the explanation says so.
#include "stakecalc/price_formula.hpp"

#include <algorithm>
#include <utility>

#include "stakecalc/detail/quad.hpp"

namespace stakecalc {

namespace {

// The significant digits a fractional power is rounded to (the library promises at least 28).
constexpr int power_digits = 30;

std::string percent(const decimal& r) { return (r * 100).normalized().to_string() + "%"; }
std::string amount_text(const ratio& v, currency c) { return std::string(c.code()) + " " + exact_text(v); }

ratio power(const ratio& base, const big_int& n) {
  ratio result(1), b = base;
  big_int k = n;
  while (k > 0) {
    if (boost::multiprecision::bit_test(k, 0)) result *= b;
    k >>= 1;
    if (k > 0) b *= b;
  }
  return result;
}

std::string start_text(const std::optional<term_date>& from) { return from ? from->to_string() : std::string("t0"); }

struct context {
  const fund_investment& investment;
  date on;
  decimal units;
  const deal_facts& facts;
  std::string where;
  ratio cost;  // I * u / U
  // explain_mode::full. Otherwise no text is built at all (most of an evaluation's cost): every
  // explanation stays empty, and only the arithmetic and the checks that throw remain.
  bool explained = true;
};

formula_value eval(const price_formula& f, const context& c);

// The accrual start and the year fraction from it to the valuation date (zero before it).
struct accrual {
  date start;
  long days = 0;
  ratio year_fraction;
};
accrual accrual_of(const std::optional<term_date>& from, const day_counter& dc, const context& c) {
  accrual a;
  a.start = from ? from->resolve(c.investment.on) : c.investment.on;
  if (c.on > a.start) {
    a.days = dc.day_count(a.start, c.on);
    a.year_fraction = dc.year_fraction(a.start, c.on);
  }
  return a;
}

void add_accrual_inputs(explanation& e, const accrual& a, const day_counter& dc, const context& c) {
  if (!c.explained) return;
  e.add("accrual", to_iso(a.start) + " to " + to_iso(c.on),
        a.start == c.investment.on ? "from the investment date" : "from the accrual start the terms name");
  e.add("day count", std::string(dc.name()));
  e.add("days", std::to_string(a.days), c.on > a.start ? "" : "no interest accrues before the accrual start");
  e.add("yf", exact_text(a.year_fraction), std::string(dc.name()) + " year fraction");
}

struct resolved_rate {
  decimal rate;
  std::string source;
};
resolved_rate resolve_rate(const interest_rate& r, const context& c) {
  if (r.fixed) return {*r.fixed, c.explained ? "fixed by the terms" : std::string()};
  const bool at_investment = r.fixed_on == benchmark_day::investment_date;
  const date day = at_investment ? c.investment.on : c.on;
  const benchmark_fixing_used fx = benchmark_rate_on(c.facts.rates, r.benchmark, day, c.where + ".rate");
  if (!c.explained) return {fx.rate + r.spread, {}};
  std::string source = r.benchmark + " fixing of " + to_iso(fx.effective) + " (" + percent(fx.rate) + "), in force on " +
                       to_iso(day) + (at_investment ? " (the investment date)" : " (the valuation date)");
  if (!r.spread.is_zero()) source += ", plus spread " + percent(r.spread);
  return {fx.rate + r.spread, source};
}

explanation base_explanation(std::string subject, std::string formula, const context& c) {
  explanation e;
  if (!c.explained) return e;
  e.subject = std::move(subject);
  e.formula = std::move(formula);
  e.add("u", c.units.to_string(), "units priced");
  return e;
}

void add_cost(explanation& e, const context& c) {
  if (!c.explained) return;
  e.add("cost", amount_text(c.cost, c.investment.currency()),
        "I x u / U = " + c.investment.amount.to_string() + " x " + c.units.to_string() + " / " +
            c.investment.units.to_string());
}

formula_value finish(explanation e, const ratio& amount, bool approximate, const context& c) {
  if (!c.explained) return {amount, approximate, {}};
  e.exact = amount_text(amount, c.investment.currency());
  e.result = e.exact;
  return {amount, approximate, std::move(e)};
}

struct evaluator {
  const context& c;

  formula_value operator()(const pricing::at_cost&) const {
    explanation e = base_explanation("at cost", "I x u / U", c);
    if (c.explained) {
      e.add("I", c.investment.amount.to_string(), "invested on " + to_iso(c.investment.on));
      e.add("U", c.investment.units.to_string(), "units bought");
    }
    return finish(std::move(e), c.cost, false, c);
  }

  formula_value operator()(const pricing::fixed_price& n) const {
    explanation e = base_explanation("fixed price", "u x price per unit", c);
    if (c.explained) e.add("price per unit", n.per_unit.to_string(), "fixed by the terms");
    return finish(std::move(e), ratio(c.units) * ratio(n.per_unit), false, c);
  }

  formula_value operator()(const pricing::simple_interest& n) const {
    explanation e = base_explanation("cost plus simple interest", "cost x (1 + r x yf)", c);
    add_cost(e, c);
    const resolved_rate r = resolve_rate(n.rate, c);
    if (c.explained) e.add("r", percent(r.rate), r.source);
    const accrual a = accrual_of(n.accrues_from, n.day_count, c);
    add_accrual_inputs(e, a, n.day_count, c);
    const ratio interest = c.cost * ratio(r.rate) * a.year_fraction;
    if (c.explained) e.add("interest", amount_text(interest, c.investment.currency()), "cost x r x yf");
    return finish(std::move(e), c.cost + interest, false, c);
  }

  formula_value operator()(const pricing::compound_interest& n) const {
    const int m = n.periods_per_year;
    explanation e = base_explanation("cost plus compound interest",
                                     m == 1 ? "cost x (1 + r)^yf" : "cost x (1 + r / m)^(m x yf)", c);
    add_cost(e, c);
    const resolved_rate r = resolve_rate(n.rate, c);
    if (c.explained) {
      e.add("r", percent(r.rate), r.source);
      if (m != 1) e.add("m", std::to_string(m), "compounding periods a year");
    }
    const accrual a = accrual_of(n.accrues_from, n.day_count, c);
    add_accrual_inputs(e, a, n.day_count, c);
    const ratio base = ratio(1) + ratio(r.rate) / ratio(m);
    const ratio exponent = ratio(m) * a.year_fraction;
    if (base.signum() <= 0)
      throw domain_rule_error("compound base 1 + r / m = " + exact_text(base) + " is not positive", c.where + ".rate");
    ratio factor;
    bool approximate = false;
    if (exponent.denominator() == 1) {
      factor = power(base, exponent.numerator());
      if (c.explained)
        e.add("factor", exact_text(factor), "(1 + r / m) to the whole power " + exponent.to_string() + ", exact");
    } else {
      // exp(e * log1p(r / m)) in quad, rounded once to 30 significant digits.
      using namespace stakecalc::detail;
      const quad q = quad_exp(to_quad(exponent) * quad_log1p(to_quad(ratio(r.rate) / ratio(m))));
      const decimal rounded = to_decimal(q, power_digits, c.where);
      factor = ratio(rounded);
      approximate = true;
      if (c.explained)
        e.add("factor", rounded.to_string(),
              "(1 + r / m)^" + exact_text(exponent) + ", irrational: computed to 34 digits, rounded half-even to " +
                  std::to_string(power_digits) + " significant digits");
    }
    return finish(std::move(e), c.cost * factor, approximate, c);
  }

  formula_value operator()(const pricing::floating_interest& n) const {
    explanation e = base_explanation("cost plus floating interest",
                                     "cost x (1 + sum over periods of (benchmark + spread) x yf)", c);
    add_cost(e, c);
    const accrual a = accrual_of(n.accrues_from, n.day_count, c);
    add_accrual_inputs(e, a, n.day_count, c);
    // Period boundaries: every benchmark change, or every reset_every from the accrual start.
    std::vector<date> bounds{a.start};
    if (c.on > a.start) {
      if (n.reset_every) {
        for (long k = 1;; ++k) {
          const date next = add_tenor(a.start, (*n.reset_every) * static_cast<int>(k));
          if (next >= c.on) break;
          bounds.push_back(next);
        }
      } else {
        const rate_table& table = c.facts.rates.at(n.benchmark, c.where + ".benchmark");
        for (const rate_fixing& fx : table.fixings())
          if (fx.effective > a.start && fx.effective < c.on) bounds.push_back(fx.effective);
      }
      bounds.push_back(c.on);
    }
    ratio rate_time;  // sum of rate x yf
    for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
      const benchmark_fixing_used fx =
          benchmark_rate_on(c.facts.rates, n.benchmark, bounds[k], c.where + ".benchmark");
      const decimal rate = fx.rate + n.spread;
      const ratio yf = n.day_count.year_fraction(bounds[k], bounds[k + 1]);
      rate_time += ratio(rate) * yf;
      if (c.explained)
        e.add("period " + std::to_string(k + 1),
              to_iso(bounds[k]) + " to " + to_iso(bounds[k + 1]) + ": " + percent(rate) + " x " + exact_text(yf),
              n.benchmark + " fixing of " + to_iso(fx.effective) + " (" + percent(fx.rate) + ")" +
                  (n.spread.is_zero() ? std::string() : " plus spread " + percent(n.spread)) + ", " +
                  std::to_string(n.day_count.day_count(bounds[k], bounds[k + 1])) + " days");
    }
    const ratio interest = c.cost * rate_time;
    if (c.explained) e.add("interest", amount_text(interest, c.investment.currency()), "cost x sum of rate x yf");
    return finish(std::move(e), c.cost + interest, false, c);
  }

  formula_value operator()(const pricing::fair_value&) const {
    explanation e = base_explanation("fair value", "u x latest price per unit", c);
    const std::optional<unit_price> p = c.facts.latest_unit_price(c.on);
    if (!p)
      throw invalid_input("no fair value of a unit on or before " + to_iso(c.on) + " (add one to the facts' unit_prices)",
                          c.where);
    if (c.explained)
      e.add("price per unit", exact_text(p->per_unit),
            (p->source.empty() ? std::string("unit price") : p->source) + " of " + to_iso(p->on));
    return finish(std::move(e), ratio(c.units) * p->per_unit, false, c);
  }

  formula_value operator()(const pricing::extremum& n) const {
    formula_value a = eval(n.first, c), b = eval(n.second, c);
    const bool take_greater = n.kind == pricing::extremum_kind::greater_of || n.kind == pricing::extremum_kind::floor;
    const bool first_wins = take_greater ? !(b.amount > a.amount) : !(b.amount < a.amount);
    static const char* subjects[] = {"greater of two", "lesser of two", "floored", "capped"};
    static const char* formulas[] = {"max(first, second)", "min(first, second)", "max(formula, floor)",
                                     "min(formula, cap)"};
    const auto k = static_cast<std::size_t>(n.kind);
    explanation e;
    if (c.explained) {
      e.subject = subjects[k];
      e.formula = formulas[k];
      e.add("first", amount_text(a.amount, c.investment.currency()), n.first.describe());
      e.add("second", amount_text(b.amount, c.investment.currency()), n.second.describe());
      e.add("chosen", first_wins ? "first" : "second");
      e.steps.push_back(std::move(a.why));
      e.steps.push_back(std::move(b.why));
    }
    const ratio amount = first_wins ? a.amount : b.amount;
    return finish(std::move(e), amount, first_wins ? a.approximate : b.approximate, c);
  }

  formula_value operator()(const pricing::waived_return& n) const {
    formula_value full = eval(n.full, c), base = eval(n.base, c);
    explanation e;
    if (c.explained) {
      e.subject = "waived share of the return";
      e.formula = "base + (1 - waived) x (full - base) when full > base, else full";
      e.add("full", amount_text(full.amount, c.investment.currency()), n.full.describe());
      e.add("base", amount_text(base.amount, c.investment.currency()), n.base.describe());
      e.add("waived", exact_text(n.waived), "share of the excess the fund gives up");
    }
    ratio amount = full.amount;
    if (full.amount > base.amount) {
      const ratio excess = full.amount - base.amount;
      if (c.explained) e.add("excess", amount_text(excess, c.investment.currency()), "full - base");
      amount = base.amount + (ratio(1) - n.waived) * excess;
    } else if (c.explained) {
      e.add("excess", "none", "full is not above base: nothing is waived, a shortfall is not shared");
    }
    const bool approximate = full.approximate || base.approximate;
    if (c.explained) {
      e.steps.push_back(std::move(full.why));
      e.steps.push_back(std::move(base.why));
    }
    return finish(std::move(e), amount, approximate, c);
  }

  formula_value operator()(const pricing::less_dividends& n) const {
    formula_value inner = eval(n.formula, c);
    explanation e;
    if (c.explained) {
      e.subject = "less dividends received";
      e.formula = "max(0, formula - u x dividends per unit)";
      e.add("formula", amount_text(inner.amount, c.investment.currency()), n.formula.describe());
      for (const fund_dividend& d : c.facts.dividends_between(c.investment.on, c.on))
        e.add("dividend " + to_iso(d.on), d.amount.to_string() + " on " + d.units_held.to_string() + " units",
              "per unit " + exact_text(ratio(d.amount.amount()) / ratio(d.units_held)));
    }
    const ratio per_unit = c.facts.dividends_per_unit(c.investment.on, c.on);
    const ratio received = ratio(c.units) * per_unit;
    if (c.explained)
      e.add("dividends on u", amount_text(received, c.investment.currency()),
            "u x " + exact_text(per_unit) + " received per unit after " + to_iso(c.investment.on) + " through " +
                to_iso(c.on));
    ratio amount = inner.amount - received;
    if (amount.signum() < 0) {
      if (c.explained) e.add("floor", "0", "the dividends exceed the price: the price is zero, not negative");
      amount = ratio(0);
    }
    const bool approximate = inner.approximate;
    if (c.explained) e.steps.push_back(std::move(inner.why));
    return finish(std::move(e), amount, approximate, c);
  }
};

formula_value eval(const price_formula& f, const context& c) { return std::visit(evaluator{c}, f.get()); }

// ---- text and validation --------------------------------------------------------------------

struct describer {
  std::string operator()(const pricing::at_cost&) const { return "cost"; }
  std::string operator()(const pricing::fixed_price& n) const { return "u x " + n.per_unit.to_string(); }
  std::string operator()(const pricing::simple_interest& n) const {
    return "cost x (1 + " + n.rate.to_string() + " x yf(" + start_text(n.accrues_from) + ", t) " +
           std::string(n.day_count.name()) + ")";
  }
  std::string operator()(const pricing::compound_interest& n) const {
    const std::string yf = "yf(" + start_text(n.accrues_from) + ", t) " + std::string(n.day_count.name());
    if (n.periods_per_year == 1) return "cost x (1 + " + n.rate.to_string() + ")^" + yf;
    const std::string m = std::to_string(n.periods_per_year);
    return "cost x (1 + " + n.rate.to_string() + " / " + m + ")^(" + m + " x " + yf + ")";
  }
  std::string operator()(const pricing::floating_interest& n) const {
    std::string rate = n.benchmark;
    if (!n.spread.is_zero()) rate += (n.spread.signum() > 0 ? " + " : " - ") + percent(n.spread.abs());
    return "cost x (1 + sum (" + rate + ") x yf(" + start_text(n.accrues_from) + ", t) " +
           std::string(n.day_count.name()) + ", reset " +
           (n.reset_every ? "every " + n.reset_every->to_string() : std::string("at every fixing")) + ")";
  }
  std::string operator()(const pricing::fair_value&) const { return "u x fair value per unit"; }
  std::string operator()(const pricing::extremum& n) const {
    switch (n.kind) {
      case pricing::extremum_kind::greater_of: return "max(" + n.first.describe() + ", " + n.second.describe() + ")";
      case pricing::extremum_kind::lesser_of: return "min(" + n.first.describe() + ", " + n.second.describe() + ")";
      case pricing::extremum_kind::floor: return "max(" + n.first.describe() + ", floor " + n.second.describe() + ")";
      case pricing::extremum_kind::cap: return "min(" + n.first.describe() + ", cap " + n.second.describe() + ")";
    }
    return {};
  }
  std::string operator()(const pricing::waived_return& n) const {
    const std::string b = n.base.describe(), f = n.full.describe();
    return b + " + (1 - " + n.waived.to_string() + ") x excess of " + f + " over " + b;
  }
  std::string operator()(const pricing::less_dividends& n) const {
    return n.formula.describe() + " - dividends received on u";
  }
};

// `formula` is the formula's field; the rate's (formula + ".rate") is named only when a check
// fails, since formulas are validated on every evaluation and nearly always pass.
void validate_rate(const interest_rate& r, const std::string& formula) {
  const auto where = [&] { return formula + ".rate"; };
  if (r.fixed && !r.benchmark.empty())
    throw invalid_input("give a fixed rate or a benchmark, not both (fixed " + r.fixed->to_string() + ", benchmark '" +
                            r.benchmark + "')",
                        where());
  if (!r.fixed && r.benchmark.empty()) throw invalid_input("no fixed rate and no benchmark", where());
  if (r.fixed && *r.fixed <= decimal(-1))
    throw invalid_input("rate must be above -100%, got " + r.fixed->to_string(), where() + ".fixed");
  if (r.fixed && !r.spread.is_zero())
    throw invalid_input("a spread applies to a benchmark; add it to the fixed rate instead (spread " +
                            r.spread.to_string() + ")",
                        where() + ".spread");
}

struct validator {
  const std::string& where;
  void operator()(const pricing::at_cost&) const {}
  void operator()(const pricing::fixed_price& n) const {
    if (n.per_unit.signum() < 0) throw invalid_input("a negative price per unit " + n.per_unit.to_string(), where + ".per_unit");
  }
  void operator()(const pricing::simple_interest& n) const {
    validate_rate(n.rate, where);
    if (n.accrues_from) n.accrues_from->validate(where + ".accrues_from");
  }
  void operator()(const pricing::compound_interest& n) const {
    validate_rate(n.rate, where);
    if (n.periods_per_year < 1 || n.periods_per_year > 366)
      throw invalid_input("periods per year must be 1..366, got " + std::to_string(n.periods_per_year),
                          where + ".periods_per_year");
    if (n.rate.fixed && ratio(*n.rate.fixed) / ratio(n.periods_per_year) <= ratio(-1))
      throw invalid_input("rate / periods per year must be above -1, got " + n.rate.fixed->to_string(), where + ".rate");
    if (n.accrues_from) n.accrues_from->validate(where + ".accrues_from");
  }
  void operator()(const pricing::floating_interest& n) const {
    if (n.benchmark.empty()) throw invalid_input("no benchmark", where + ".benchmark");
    if (n.reset_every && n.reset_every->length() <= 0)
      throw invalid_input("reset period must be positive, got " + n.reset_every->to_string(), where + ".reset_every");
    if (n.accrues_from) n.accrues_from->validate(where + ".accrues_from");
  }
  void operator()(const pricing::fair_value&) const {}
  void operator()(const pricing::extremum& n) const {
    n.first.validate(where + ".first");
    n.second.validate(where + ".second");
  }
  void operator()(const pricing::waived_return& n) const {
    if (n.waived.signum() < 0 || n.waived > ratio(1))
      throw invalid_input("waived share must be between 0 and 1, got " + n.waived.to_string(), where + ".waived");
    n.full.validate(where + ".full");
    n.base.validate(where + ".base");
  }
  void operator()(const pricing::less_dividends& n) const { n.formula.validate(where + ".formula"); }
};

}  // namespace

std::string interest_rate::to_string() const {
  if (fixed) return percent(*fixed);
  std::string s = benchmark + (fixed_on == benchmark_day::investment_date ? " on t0" : " on t");
  if (!spread.is_zero()) s += (spread.signum() > 0 ? " + " : " - ") + percent(spread.abs());
  return s;
}

price_formula::price_formula() : node_(std::make_shared<const node>(pricing::at_cost{})) {}
price_formula::price_formula(pricing::at_cost n) : node_(std::make_shared<const node>(n)) {}
price_formula::price_formula(pricing::fixed_price n) : node_(std::make_shared<const node>(std::move(n))) {}
price_formula::price_formula(pricing::simple_interest n) : node_(std::make_shared<const node>(std::move(n))) {}
price_formula::price_formula(pricing::compound_interest n) : node_(std::make_shared<const node>(std::move(n))) {}
price_formula::price_formula(pricing::floating_interest n) : node_(std::make_shared<const node>(std::move(n))) {}
price_formula::price_formula(pricing::fair_value n) : node_(std::make_shared<const node>(n)) {}
price_formula::price_formula(pricing::extremum n) : node_(std::make_shared<const node>(std::move(n))) {}
price_formula::price_formula(pricing::waived_return n) : node_(std::make_shared<const node>(std::move(n))) {}
price_formula::price_formula(pricing::less_dividends n) : node_(std::make_shared<const node>(std::move(n))) {}

price_formula price_formula::greater_of(price_formula a, price_formula b) {
  return pricing::extremum{pricing::extremum_kind::greater_of, std::move(a), std::move(b)};
}
price_formula price_formula::lesser_of(price_formula a, price_formula b) {
  return pricing::extremum{pricing::extremum_kind::lesser_of, std::move(a), std::move(b)};
}
price_formula price_formula::floored(price_formula f, price_formula floor) {
  return pricing::extremum{pricing::extremum_kind::floor, std::move(f), std::move(floor)};
}
price_formula price_formula::capped(price_formula f, price_formula cap) {
  return pricing::extremum{pricing::extremum_kind::cap, std::move(f), std::move(cap)};
}
price_formula price_formula::with_waived_return(price_formula full, ratio waived, price_formula base) {
  return pricing::waived_return{std::move(full), std::move(waived), std::move(base)};
}
price_formula price_formula::net_of_dividends(price_formula f) { return pricing::less_dividends{std::move(f)}; }

std::string price_formula::describe() const { return std::visit(describer{}, get()); }

void price_formula::validate(const std::string& where) const { std::visit(validator{where}, get()); }

formula_value evaluate(const price_formula& f, const fund_investment& investment, const date& on, const decimal& units,
                       const deal_facts& facts, const std::string& where, explain_mode explain) {
  investment.validate();
  if (on.is_special()) throw invalid_input("not a calendar date", where);
  if (on < investment.on)
    throw domain_rule_error(to_iso(on) + " is before the investment on " + to_iso(investment.on), where);
  if (units.signum() <= 0) throw invalid_input("units must be positive, got " + units.to_string(), where);
  if (units > investment.units)
    throw domain_rule_error(units.to_string() + " units exceed the stake of " + investment.units.to_string(), where);
  f.validate(where);
  const context c{investment, on, units, facts, where, investment.cost_of(units), explain == explain_mode::full};
  return eval(f, c);
}

}  // namespace stakecalc
