// Scenario sweeps (stakecalc/sweep.hpp): grids, the scenario-to-path mapping, the worker pool.
#include "stakecalc/sweep.hpp"

#include "stakecalc/detail/name_key.hpp"
#include "stakecalc/detail/relocated_error.hpp"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

namespace stakecalc {

// ---- names --------------------------------------------------------------------------------------

namespace {

std::string shown(std::string_view name) { return std::string(name.substr(0, 40)); }

}  // namespace

std::string to_string(sweep_path p) {
  switch (p) {
    case sweep_path::repurchase: return "repurchase";
    case sweep_path::conversion: return "conversion";
    case sweep_path::sale: return "sale";
    case sweep_path::write_off: return "write_off";
  }
  return "repurchase";
}

sweep_path parse_sweep_path(std::string_view name, const std::string& where) {
  const std::string key = detail::name_key(name);
  if (key == "REPURCHASE") return sweep_path::repurchase;
  if (key == "CONVERSION") return sweep_path::conversion;
  if (key == "SALE") return sweep_path::sale;
  if (key == "WRITE_OFF" || key == "WRITEOFF") return sweep_path::write_off;
  throw invalid_input("unknown exit path '" + shown(name) + "' (expected repurchase, conversion, sale or write_off)",
                      where);
}

std::string to_string(sweep_rate r) {
  switch (r) {
    case sweep_rate::price: return "price";
    case sweep_rate::market: return "market";
    case sweep_rate::loan: return "loan";
  }
  return "price";
}

sweep_rate parse_sweep_rate(std::string_view name, const std::string& where) {
  const std::string key = detail::name_key(name);
  if (key == "PRICE") return sweep_rate::price;
  if (key == "MARKET") return sweep_rate::market;
  if (key == "LOAN") return sweep_rate::loan;
  throw invalid_input("unknown rate target '" + shown(name) + "' (expected price, market or loan)", where);
}

std::string to_string(sweep_failure_kind k) {
  switch (k) {
    case sweep_failure_kind::invalid_input: return "InvalidInput";
    case sweep_failure_kind::domain_rule: return "DomainRuleError";
    case sweep_failure_kind::currency_mismatch: return "CurrencyMismatch";
    case sweep_failure_kind::calculation: return "CalculationError";
    case sweep_failure_kind::overflow: return "Overflow";
    case sweep_failure_kind::division_by_zero: return "DivisionByZero";
    case sweep_failure_kind::rounding_needed: return "RoundingNeeded";
    case sweep_failure_kind::no_solution: return "NoSolution";
    case sweep_failure_kind::other: return "Error";
  }
  return "Error";
}

// ---- grids and lists ------------------------------------------------------------------------------

namespace {

template <class T>
std::size_t axis_length(const std::vector<T>& axis) {
  return axis.empty() ? 1 : axis.size();
}

// A grid scenario's position on each axis (0 on an empty axis), and the axes' lengths (1 for an
// empty one), so that rows can be walked in order without a division per row.
struct grid_position {
  std::size_t exit = 0, valuation = 0, rate = 0, proportion = 0;
};

struct grid_shape {
  std::size_t exit, valuation, rate, proportion;

  explicit grid_shape(const scenario_grid& g)
      : exit(axis_length(g.exit_on)),
        valuation(axis_length(g.valuation)),
        rate(axis_length(g.rate)),
        proportion(axis_length(g.proportion)) {}

  // Row-major, the proportion fastest (sweep.hpp's scenario_grid).
  grid_position at(std::size_t index) const {
    grid_position p;
    p.proportion = index % proportion;
    index /= proportion;
    p.rate = index % rate;
    index /= rate;
    p.valuation = index % valuation;
    p.exit = index / valuation;
    return p;
  }
  void next(grid_position& p) const {
    if (++p.proportion < proportion) return;
    p.proportion = 0;
    if (++p.rate < rate) return;
    p.rate = 0;
    if (++p.valuation < valuation) return;
    p.valuation = 0;
    ++p.exit;
  }
};

std::string indexed(const std::string& base, std::size_t i) { return base + "[" + std::to_string(i) + "]"; }

}  // namespace

std::size_t scenario_grid::size() const {
  std::size_t n = 1;
  for (std::size_t length : {axis_length(exit_on), axis_length(valuation), axis_length(rate), axis_length(proportion)}) {
    if (n > std::numeric_limits<std::size_t>::max() / length)
      throw invalid_input("the grid has more scenarios than can be counted", "grid");
    n *= length;
  }
  return n;
}

sweep_scenario scenario_grid::at(std::size_t index) const {
  const std::size_t n = size();
  if (index >= n)
    throw invalid_input("scenario " + std::to_string(index) + " is beyond the grid's " + std::to_string(n), "index");
  const grid_position at = grid_shape(*this).at(index);
  sweep_scenario s;
  if (!proportion.empty()) s.proportion = proportion[at.proportion];
  if (!rate.empty()) s.rate = rate[at.rate];
  if (!valuation.empty()) s.valuation = valuation[at.valuation];
  if (!exit_on.empty()) s.exit_on = exit_on[at.exit];
  return s;
}

std::size_t scenario_set::size() const {
  if (const scenario_grid* g = grid()) return g->size();
  return list()->size();
}

sweep_scenario scenario_set::at(std::size_t index) const {
  if (const scenario_grid* g = grid()) return g->at(index);
  const std::vector<sweep_scenario>& l = *list();
  if (index >= l.size())
    throw invalid_input("scenario " + std::to_string(index) + " is beyond the list's " + std::to_string(l.size()),
                        "index");
  return l[index];
}

// ---- equality -------------------------------------------------------------------------------------

bool operator==(const sweep_failure& a, const sweep_failure& b) {
  return a.kind == b.kind && a.where == b.where && a.message == b.message;
}

bool operator==(const scenario_inputs& a, const scenario_inputs& b) {
  return a.exit_on == b.exit_on && a.valuation == b.valuation && a.rate == b.rate && a.proportion == b.proportion;
}

bool operator==(const sweep_path_result& a, const sweep_path_result& b) {
  return a.path == b.path && a.failure == b.failure && a.fund_irr == b.fund_irr && a.fund_multiple == b.fund_multiple &&
         a.cash_recovered == b.cash_recovered && a.grant_equivalent == b.grant_equivalent &&
         a.grant_equivalent_share == b.grant_equivalent_share && a.team_cost == b.team_cost &&
         a.fund_units_left == b.fund_units_left && a.team_ownership == b.team_ownership;
}

bool operator==(const sweep_row& a, const sweep_row& b) {
  return a.index == b.index && a.inputs == b.inputs && a.paths == b.paths;
}

// ---- from a scenario to paths ---------------------------------------------------------------------

namespace {

date resolve_exit(const term_date& exit, const date& t0, const std::string& where) {
  exit.validate(where);
  date d;
  try {
    d = exit.resolve(t0);
  } catch (const error& e) {
    throw invalid_input(detail::bare_message(e), where);
  }
  if (d < t0) throw invalid_input("the exit " + to_iso(d) + " is before the investment on " + to_iso(t0), where);
  return d;
}

void check_valuation(const decimal& v, const std::string& where) {
  if (v.signum() < 0) throw invalid_input("a negative valuation " + v.to_string(), where);
}

void check_rate(const decimal& r, const std::string& where) {
  if (r <= decimal(-1)) throw invalid_input("a rate must be above -100%, got " + r.to_string(), where);
}

void check_proportion(const ratio& q, const std::string& where) {
  if (q.signum() < 0 || q > ratio(1))
    throw invalid_input("a proportion of the stake must be between 0 and 1, got " + q.to_string(), where);
}

// Every value a scenario sets; `where` is "scenarios[3]", "base" or "scenario".
void check_scenario(const sweep_scenario& s, const date& t0, const std::string& where) {
  if (s.exit_on) (void)resolve_exit(*s.exit_on, t0, where + ".exit_on");
  if (s.valuation) check_valuation(*s.valuation, where + ".valuation");
  if (s.rate) check_rate(*s.rate, where + ".rate");
  if (s.proportion) check_proportion(*s.proportion, where + ".proportion");
}

bool needs_valuation(const sweep_spec& spec) {
  return std::find(spec.paths.begin(), spec.paths.end(), sweep_path::sale) != spec.paths.end();
}

// f with every interest rate replaced by r (a fixed rate) or its spread set to r (a benchmark);
// `changed` counts the rates replaced. Unchanged subtrees are shared, not copied.
price_formula with_rate(const price_formula& f, const decimal& r, std::size_t& changed) {
  struct visitor {
    const price_formula& self;
    const decimal& r;
    std::size_t& changed;

    void set(interest_rate& rate) const {
      if (rate.fixed)
        rate.fixed = r;
      else
        rate.spread = r;
      ++changed;
    }
    price_formula operator()(const pricing::at_cost&) const { return self; }
    price_formula operator()(const pricing::fixed_price&) const { return self; }
    price_formula operator()(const pricing::fair_value&) const { return self; }
    price_formula operator()(const pricing::simple_interest& n) const {
      pricing::simple_interest m = n;
      set(m.rate);
      return m;
    }
    price_formula operator()(const pricing::compound_interest& n) const {
      pricing::compound_interest m = n;
      set(m.rate);
      return m;
    }
    price_formula operator()(const pricing::floating_interest& n) const {
      pricing::floating_interest m = n;
      m.spread = r;
      ++changed;
      return m;
    }
    price_formula operator()(const pricing::extremum& n) const {
      return pricing::extremum{n.kind, with_rate(n.first, r, changed), with_rate(n.second, r, changed)};
    }
    price_formula operator()(const pricing::waived_return& n) const {
      return pricing::waived_return{with_rate(n.full, r, changed), n.waived, with_rate(n.base, r, changed)};
    }
    price_formula operator()(const pricing::less_dividends& n) const {
      return pricing::less_dividends{with_rate(n.formula, r, changed)};
    }
  };
  return std::visit(visitor{f, r, changed}, f.get());
}

// The deal with the rate axis applied; `changed` counts the rates replaced.
exit_deal deal_with_rate(const sweep_spec& spec, const decimal& r, std::size_t& changed) {
  exit_deal d = spec.deal;
  switch (spec.rate_applies_to) {
    case sweep_rate::price:
      for (repurchase_window& w : d.repurchase.windows) w.price = with_rate(w.price, r, changed);
      if (d.conversion) {
        conversion_principal_rule& p = d.conversion->principal;
        if (p.formula) p.formula = with_rate(*p.formula, r, changed);
        if (p.floor) p.floor = with_rate(*p.floor, r, changed);
        if (p.cap) p.cap = with_rate(*p.cap, r, changed);
      }
      break;
    case sweep_rate::market:
      d.market_rate = r;
      ++changed;
      break;
    case sweep_rate::loan:
      if (d.conversion) {
        if (d.conversion->loan.floating)
          d.conversion->loan.floating->spread = r;
        else
          d.conversion->loan.rate = r;
        ++changed;
      }
      break;
  }
  return d;
}

exit_deal deal_with_rate(const sweep_spec& spec, const decimal& r) {
  std::size_t changed = 0;
  return deal_with_rate(spec, r, changed);
}

// The scenario's values, else the base's (validate_sweep made sure the required ones exist).
scenario_inputs resolve_inputs(const sweep_spec& spec, const sweep_scenario& s) {
  scenario_inputs in;
  const date t0 = spec.deal.repurchase.investment.on;
  const std::optional<term_date>& exit = s.exit_on ? s.exit_on : spec.base.exit_on;
  in.exit_on = exit->resolve(t0);
  in.valuation = s.valuation ? s.valuation : spec.base.valuation;
  in.rate = s.rate ? s.rate : spec.base.rate;
  in.proportion = s.proportion ? s.proportion : spec.base.proportion;
  return in;
}

repurchase_plan plan_for(const sweep_spec& spec, const scenario_inputs& in) {
  repurchase_plan plan;
  for (const repurchase_tranche& t : spec.plan.tranches)
    if (t.on <= in.exit_on) plan.tranches.push_back(t);
  if (in.proportion && in.proportion->signum() > 0)
    plan.tranches.push_back(repurchase_tranche::of_proportion(in.exit_on, spec.buyer, *in.proportion));
  return plan;
}

exit_path path_for(const sweep_spec& spec, const scenario_inputs& in, sweep_path p) {
  const currency ccy = spec.deal.repurchase.investment.currency();
  switch (p) {
    case sweep_path::repurchase: return exit_by_repurchase{plan_for(spec, in)};
    case sweep_path::conversion: return exit_by_conversion{in.exit_on, plan_for(spec, in)};
    case sweep_path::sale: return exit_by_sale{in.exit_on, money(*in.valuation, ccy)};
    case sweep_path::write_off: break;
  }
  std::optional<money> recovered;
  if (spec.write_off_recovery) recovered = money(*spec.write_off_recovery, ccy);
  return exit_by_write_off{in.exit_on, std::move(recovered)};
}

std::vector<exit_path> paths_for(const sweep_spec& spec, const scenario_inputs& in) {
  std::vector<exit_path> out;
  out.reserve(spec.paths.size());
  for (sweep_path p : spec.paths) out.push_back(path_for(spec, in, p));
  return out;
}

sweep_failure failure_of(const error& e) {
  sweep_failure f;
  if (dynamic_cast<const currency_mismatch*>(&e))
    f.kind = sweep_failure_kind::currency_mismatch;
  else if (dynamic_cast<const domain_rule_error*>(&e))
    f.kind = sweep_failure_kind::domain_rule;
  else if (dynamic_cast<const invalid_input*>(&e))
    f.kind = sweep_failure_kind::invalid_input;
  else if (dynamic_cast<const overflow_error*>(&e))
    f.kind = sweep_failure_kind::overflow;
  else if (dynamic_cast<const division_by_zero*>(&e))
    f.kind = sweep_failure_kind::division_by_zero;
  else if (dynamic_cast<const rounding_needed*>(&e))
    f.kind = sweep_failure_kind::rounding_needed;
  else if (dynamic_cast<const no_solution*>(&e))
    f.kind = sweep_failure_kind::no_solution;
  else if (dynamic_cast<const arithmetic_error*>(&e))
    f.kind = sweep_failure_kind::calculation;
  else
    f.kind = sweep_failure_kind::other;
  f.where = e.where();
  f.message = e.what();
  return f;
}

// One path of one scenario. Only stakecalc's own errors are a scenario's outcome; anything else
// (bad_alloc) leaves here and stops the sweep. A row keeps no explanation, so none is built:
// that text was a quarter of a sweep's time, and the numbers do not depend on it.
sweep_path_result evaluate_path(const exit_deal& deal, sweep_path kind, const exit_path& path) {
  sweep_path_result r;
  r.path = kind;
  try {
    exit_path_result x = evaluate_exit_path(deal, path, explain_mode::numbers_only);
    r.fund_irr = std::move(x.fund_irr);
    r.fund_multiple = std::move(x.fund_multiple);
    r.cash_recovered = std::move(x.cash_recovered);
    r.grant_equivalent = std::move(x.grant_equivalent.value);
    r.grant_equivalent_share = std::move(x.grant_equivalent.of_investment);
    r.team_cost = std::move(x.team_cost);
    r.fund_units_left = std::move(x.fund_units_left);
    r.team_ownership = std::move(x.team_ownership);
  } catch (const error& e) {
    r = sweep_path_result{};
    r.path = kind;
    r.failure = failure_of(e);
  }
  return r;
}

sweep_row row_of(const sweep_spec& spec, const exit_deal& deal, const std::vector<exit_path>& paths,
                 scenario_inputs inputs, std::size_t index) {
  sweep_row row;
  row.index = index;
  row.inputs = std::move(inputs);
  row.paths.reserve(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) row.paths.push_back(evaluate_path(deal, spec.paths[i], paths[i]));
  return row;
}

// A worker's view of the spec: the deal with the rate applied is rebuilt only when the rate
// changes (the evaluations come in an order where it rarely does), never shared.
class worker_deals {
public:
  explicit worker_deals(const sweep_spec& spec) : spec_(spec) {}

  const exit_deal& deal_for(const std::optional<decimal>& r) {
    if (!r) return spec_.deal;
    // The same value written differently (0.05, 0.050) gives the same numbers; keep the scale
    // anyway, so that a cached deal is the very deal the single evaluation builds.
    if (!rated_ || *key_ != *r || key_->scale() != r->scale()) {
      rated_ = deal_with_rate(spec_, *r);
      key_ = *r;
    }
    return *rated_;
  }

private:
  const sweep_spec& spec_;
  std::optional<decimal> key_;
  std::optional<exit_deal> rated_;
};

std::size_t interest_rates_in(const sweep_spec& spec) {
  std::size_t changed = 0;
  (void)deal_with_rate(spec, decimal(), changed);
  return changed;
}

}  // namespace

// ---- validation -----------------------------------------------------------------------------------

void sweep_spec::validate() const {
  deal.repurchase.validate();
  deal.facts.validate("facts");
  if (deal.conversion) deal.conversion->validate(deal.repurchase);
  if (deal.market_rate <= decimal(-1))
    throw invalid_input("the market rate must be above -100%, got " + deal.market_rate.to_string(), "market_rate");
  if (paths.empty()) throw invalid_input("no exit paths to evaluate", "paths");
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (std::find(paths.begin(), paths.begin() + static_cast<std::ptrdiff_t>(i), paths[i]) !=
        paths.begin() + static_cast<std::ptrdiff_t>(i))
      throw invalid_input("the path '" + to_string(paths[i]) + "' is listed twice", indexed("paths", i));
    if (paths[i] == sweep_path::conversion && !deal.conversion)
      throw invalid_input("the conversion path needs the deal's equity-to-debt terms (deal.conversion)",
                          indexed("paths", i));
    if (paths[i] == sweep_path::sale && deal.company_units.signum() <= 0)
      throw invalid_input("the sale path needs the company's units (deal.company_units), got " +
                              deal.company_units.to_string(),
                          indexed("paths", i));
  }
  if (rate_applies_to == sweep_rate::loan && !deal.conversion)
    throw invalid_input("the rate axis cannot vary the conversion loan of a deal without equity-to-debt terms",
                        "rate_applies_to");
  // The common tranches must be a valid plan on their own (the scenario's tranche comes after them).
  try {
    (void)tranche_units(deal.repurchase, plan);
  } catch (const error& e) {
    detail::rethrow_at(e, "plan." + e.where());
  }
  check_scenario(base, deal.repurchase.investment.on, "base");
  if (write_off_recovery && write_off_recovery->signum() < 0)
    throw invalid_input("a negative recovery " + write_off_recovery->to_string(), "write_off_recovery");
}

void validate_sweep(const sweep_spec& spec, const scenario_set& scenarios) {
  spec.validate();
  const date t0 = spec.deal.repurchase.investment.on;
  const bool sale = needs_valuation(spec);
  bool rate_used = spec.base.rate.has_value();
  if (const scenario_grid* g = scenarios.grid()) {
    (void)g->size();  // refuses a grid too large to count
    for (std::size_t i = 0; i < g->exit_on.size(); ++i) (void)resolve_exit(g->exit_on[i], t0, indexed("grid.exit_on", i));
    for (std::size_t i = 0; i < g->valuation.size(); ++i) check_valuation(g->valuation[i], indexed("grid.valuation", i));
    for (std::size_t i = 0; i < g->rate.size(); ++i) check_rate(g->rate[i], indexed("grid.rate", i));
    for (std::size_t i = 0; i < g->proportion.size(); ++i)
      check_proportion(g->proportion[i], indexed("grid.proportion", i));
    if (g->exit_on.empty() && !spec.base.exit_on)
      throw invalid_input("no exit date: give the grid an exit_on axis or the base an exit_on", "grid.exit_on");
    if (sale && g->valuation.empty() && !spec.base.valuation)
      throw invalid_input("the sale path needs a valuation: give the grid a valuation axis or the base a valuation",
                          "grid.valuation");
    rate_used = rate_used || !g->rate.empty();
  } else {
    const std::vector<sweep_scenario>& list = *scenarios.list();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const sweep_scenario& s = list[i];
      const std::string where = indexed("scenarios", i);
      check_scenario(s, t0, where);
      if (!s.exit_on && !spec.base.exit_on)
        throw invalid_input("no exit date, and none in the base", where + ".exit_on");
      if (sale && !s.valuation && !spec.base.valuation)
        throw invalid_input("the sale path needs a valuation, and the base has none", where + ".valuation");
      rate_used = rate_used || s.rate.has_value();
    }
  }
  if (rate_used && spec.rate_applies_to == sweep_rate::price && interest_rates_in(spec) == 0)
    throw invalid_input("the rate axis replaces the interest rates of the repurchase prices, and these have none "
                        "(at cost, fair value or fixed prices only); vary the market or loan rate instead",
                        "rate_applies_to");
}

// ---- single evaluation ------------------------------------------------------------------------------

scenario_case make_scenario_case(const sweep_spec& spec, const sweep_scenario& scenario) {
  spec.validate();
  const date t0 = spec.deal.repurchase.investment.on;
  check_scenario(scenario, t0, "scenario");
  if (!scenario.exit_on && !spec.base.exit_on) throw invalid_input("no exit date, and none in the base", "scenario.exit_on");
  if (needs_valuation(spec) && !scenario.valuation && !spec.base.valuation)
    throw invalid_input("the sale path needs a valuation, and the base has none", "scenario.valuation");
  scenario_case c;
  c.inputs = resolve_inputs(spec, scenario);
  c.deal = c.inputs.rate ? deal_with_rate(spec, *c.inputs.rate) : spec.deal;
  if (c.inputs.rate && spec.rate_applies_to == sweep_rate::price && interest_rates_in(spec) == 0)
    throw invalid_input("the repurchase prices have no interest rate for the scenario's rate to replace",
                        "rate_applies_to");
  c.paths = paths_for(spec, c.inputs);
  return c;
}

sweep_row evaluate_scenario(const sweep_spec& spec, const sweep_scenario& scenario, std::size_t index) {
  scenario_case c = make_scenario_case(spec, scenario);
  return row_of(spec, c.deal, c.paths, std::move(c.inputs), index);
}

// ---- what each path reads ----------------------------------------------------------------------------

sweep_path_inputs inputs_read_by(sweep_path path, sweep_rate rate_applies_to) {
  sweep_path_inputs r;
  r.valuation = path == sweep_path::sale;
  r.proportion = path == sweep_path::repurchase || path == sweep_path::conversion;
  // A loan rate changes only the conversion terms, which no other path reads; a price rate
  // changes the windows, which evaluate_exit_path validates for every path (a rate the terms
  // refuse fails every path alike), and the market rate is in every grant-equivalent.
  r.rate = rate_applies_to != sweep_rate::loan || path == sweep_path::conversion;
  return r;
}

// ---- the table ------------------------------------------------------------------------------------------

scenario_inputs factored_sweep::inputs(std::size_t row) const {
  if (row >= size_) throw std::out_of_range("row " + std::to_string(row) + " of a sweep of " + std::to_string(size_));
  if (!grid_) return list_inputs_[row];
  const scenario_grid& g = *grid_;
  const grid_position at = grid_shape(g).at(first_ + row);
  scenario_inputs in;
  in.exit_on = grid_exits_[at.exit];
  in.valuation = g.valuation.empty() ? base_.valuation : g.valuation[at.valuation];
  in.rate = g.rate.empty() ? base_.rate : g.rate[at.rate];
  in.proportion = g.proportion.empty() ? base_.proportion : g.proportion[at.proportion];
  return in;
}

std::size_t factored_sweep::evaluations() const noexcept {
  std::size_t n = 0;
  for (const std::vector<sweep_path_result>& d : distinct_) n += d.size();
  return n;
}

sweep_row factored_sweep::row(std::size_t row) const {
  sweep_row r;
  r.index = index(row);
  r.inputs = inputs(row);
  r.paths.reserve(paths_.size());
  for (std::size_t p = 0; p < paths_.size(); ++p) r.paths.push_back(result(row, p));
  return r;
}

std::vector<sweep_row> factored_sweep::rows() const {
  std::vector<sweep_row> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(row(i));
  return out;
}

// ---- factoring: which evaluations the rows need ---------------------------------------------------------

namespace {

constexpr std::uint32_t no_evaluation = std::numeric_limits<std::uint32_t>::max();

// For each path, the evaluation each row takes its numbers from, and the first row that needs
// each evaluation (the one it is made from).
struct factoring {
  std::vector<std::vector<std::uint32_t>> which;   // [path][row]
  std::vector<std::vector<std::size_t>> made_from;  // [path][evaluation] -> row
};

// Distinct keys numbered in order of first appearance. Keys are numbers below key_space: a flat
// table when that is not much more than the rows, a hash table otherwise (a slice of a big grid).
class first_appearance {
public:
  first_appearance(std::size_t key_space, std::size_t rows)
      : flat_(key_space <= 4 * rows + 1024) {
    if (flat_) table_.assign(key_space, no_evaluation);
  }
  std::uint32_t number(std::size_t key, std::size_t row, std::vector<std::size_t>& made_from) {
    const auto next = static_cast<std::uint32_t>(made_from.size());
    if (flat_) {
      std::uint32_t& slot = table_[key];
      if (slot == no_evaluation) {
        slot = next;
        made_from.push_back(row);
      }
      return slot;
    }
    const auto [it, added] = sparse_.emplace(key, next);
    if (added) made_from.push_back(row);
    return it->second;
  }

private:
  bool flat_;
  std::vector<std::uint32_t> table_;
  std::unordered_map<std::size_t, std::uint32_t> sparse_;
};

// A grid: a row's key for a path is its position on the axes the path reads, in mixed radix.
factoring factor_grid(const sweep_spec& spec, const scenario_grid& g, std::size_t first, std::size_t count) {
  const grid_shape shape(g);
  factoring f;
  for (sweep_path path : spec.paths) {
    const sweep_path_inputs reads = inputs_read_by(path, spec.rate_applies_to);
    const std::size_t v_len = reads.valuation ? shape.valuation : 1, r_len = reads.rate ? shape.rate : 1,
                      p_len = reads.proportion ? shape.proportion : 1;
    first_appearance keys(shape.exit * v_len * r_len * p_len, count);
    std::vector<std::uint32_t>& which = f.which.emplace_back(count);
    std::vector<std::size_t>& made_from = f.made_from.emplace_back();
    grid_position at = shape.at(first);
    for (std::size_t row = 0; row < count; ++row, shape.next(at)) {
      const std::size_t key = ((at.exit * v_len + (reads.valuation ? at.valuation : 0)) * r_len +
                               (reads.rate ? at.rate : 0)) * p_len +
                              (reads.proportion ? at.proportion : 0);
      which[row] = keys.number(key, row, made_from);
    }
  }
  return f;
}

// A list: a row's key for a path is the values it reads (a decimal's scale included, as the
// single evaluation keeps it).
struct read_values {
  date exit_on;
  std::optional<decimal> valuation, rate;
  std::optional<ratio> proportion;

  bool operator==(const read_values& o) const {
    const auto same = [](const std::optional<decimal>& a, const std::optional<decimal>& b) {
      return a.has_value() == b.has_value() && (!a || (*a == *b && a->scale() == b->scale()));
    };
    return exit_on == o.exit_on && same(valuation, o.valuation) && same(rate, o.rate) && proportion == o.proportion;
  }
};

struct read_values_hash {
  std::size_t operator()(const read_values& v) const {
    std::size_t h = std::hash<long>()(static_cast<long>(v.exit_on.day_number()));
    const auto mix = [&h](std::size_t x) { h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
    if (v.valuation) mix(v.valuation->hash());
    if (v.rate) mix(v.rate->hash());
    if (v.proportion)
      mix(v.proportion->is_small() ? std::hash<std::int64_t>()(v.proportion->small_numerator()) * 31 +
                                         std::hash<std::int64_t>()(v.proportion->small_denominator())
                                   : std::hash<std::string>()(v.proportion->to_string()));
    return h;
  }
};

factoring factor_list(const sweep_spec& spec, const std::vector<scenario_inputs>& inputs) {
  factoring f;
  for (sweep_path path : spec.paths) {
    const sweep_path_inputs reads = inputs_read_by(path, spec.rate_applies_to);
    std::unordered_map<read_values, std::uint32_t, read_values_hash> keys;
    std::vector<std::uint32_t>& which = f.which.emplace_back(inputs.size());
    std::vector<std::size_t>& made_from = f.made_from.emplace_back();
    for (std::size_t row = 0; row < inputs.size(); ++row) {
      const scenario_inputs& in = inputs[row];
      read_values key{in.exit_on, reads.valuation ? in.valuation : std::nullopt, reads.rate ? in.rate : std::nullopt,
                      reads.proportion ? in.proportion : std::nullopt};
      const auto [it, added] = keys.emplace(std::move(key), static_cast<std::uint32_t>(made_from.size()));
      if (added) made_from.push_back(row);
      which[row] = it->second;
    }
  }
  return f;
}

// Enough chunks per thread to even out slow and fast evaluations, few enough to keep a chunk's
// together (the rated deal is cached along them).
std::size_t default_chunk(std::size_t count, unsigned threads) {
  const std::size_t per = count / (static_cast<std::size_t>(threads) * 8);
  return std::clamp<std::size_t>(per, 1, 256);
}

}  // namespace

// ---- the pool -----------------------------------------------------------------------------------------

factored_sweep run_factored_sweep(const sweep_spec& spec, const scenario_set& scenarios, std::size_t first, std::size_t count,
                            const sweep_options& options) {
  validate_sweep(spec, scenarios);
  const std::size_t total = scenarios.size();
  if (first > total || count > total - first)
    throw invalid_input("scenarios " + std::to_string(first) + " to " + std::to_string(first + count) +
                            " (exclusive) are beyond the " + std::to_string(total) + " of the set",
                        "first");
  if (count >= no_evaluation)
    throw invalid_input("a sweep of " + std::to_string(count) + " scenarios at once; run it in slices of fewer than " +
                            std::to_string(no_evaluation),
                        "count");
  factored_sweep table;
  table.first_ = first;
  table.size_ = count;
  table.paths_ = spec.paths;
  if (count == 0) {
    table.distinct_.resize(spec.paths.size());
    table.which_.resize(spec.paths.size());
    if (options.progress) options.progress(0, 0);
    return table;
  }

  // Which evaluations the rows need. A list's inputs are resolved here (its keys are values); a
  // grid's are worked out from its axes when asked.
  factoring f;
  if (const scenario_grid* grid = scenarios.grid()) {
    f = factor_grid(spec, *grid, first, count);
    table.grid_ = *grid;
    const date t0 = spec.deal.repurchase.investment.on;
    if (grid->exit_on.empty()) table.grid_exits_.push_back(spec.base.exit_on->resolve(t0));
    for (const term_date& e : grid->exit_on) table.grid_exits_.push_back(e.resolve(t0));
    table.base_.valuation = spec.base.valuation;
    table.base_.rate = spec.base.rate;
    table.base_.proportion = spec.base.proportion;
  } else {
    table.list_inputs_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) table.list_inputs_.push_back(resolve_inputs(spec, scenarios.at(first + i)));
    f = factor_list(spec, table.list_inputs_);
  }
  table.which_ = std::move(f.which);
  // The work, numbered: path 0's evaluations, path 1's, ...
  std::vector<std::size_t> starts{0};
  for (const std::vector<std::size_t>& m : f.made_from) {
    table.distinct_.emplace_back(m.size());
    starts.push_back(starts.back() + m.size());
  }
  const std::size_t items = starts.back();

  unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t chunk = options.chunk != 0 ? options.chunk : default_chunk(items, threads);
  const std::size_t chunks = items / chunk + (items % chunk != 0 ? 1 : 0);
  if (threads > chunks) threads = static_cast<unsigned>(chunks);
  const auto poll = std::max(options.poll_interval, std::chrono::milliseconds(1));

  // Each on a cache line of its own: the workers read `stop` before every evaluation, and a
  // counter written next to it would send that line back and forth between the cores.
  alignas(64) std::atomic<std::size_t> done{0};
  alignas(64) std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable finished_cv;
  unsigned finished = 0;
  std::exception_ptr failure;
  std::size_t failure_at = std::numeric_limits<std::size_t>::max();

  const auto cancelled = [&] { return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed); };
  // The progress callback counts scenarios: the share of the work done.
  const auto in_scenarios = [&](std::size_t work_done) {
    return work_done >= items ? count
                              : static_cast<std::size_t>(static_cast<long double>(count) * work_done / items);
  };

  // Worker t does chunks t, t + T, t + 2T, ... into their own slots.
  const auto run_chunks = [&](unsigned t) {
    worker_deals deals(spec);
    // Every grant-equivalent discounts at the market rate to the same few exit dates: the worker
    // keeps those discount factors instead of recomputing them (the same values; cash_flow.hpp).
    detail::discount_memo_scope discounts;
    std::size_t p = 0;  // the path of the last evaluation: the next one is most likely the same
    for (std::size_t c = t; c < chunks; c += threads) {
      const std::size_t begin = c * chunk, end = std::min(items, begin + chunk);
      for (std::size_t i = begin; i < end; ++i) {
        if (stop.load(std::memory_order_relaxed)) return;
        if (cancelled()) {
          stop.store(true, std::memory_order_relaxed);
          return;
        }
        try {
          while (i >= starts[p + 1]) ++p;
          while (i < starts[p]) --p;
          const std::size_t k = i - starts[p];
          const scenario_inputs in = resolve_inputs(spec, scenarios.at(first + f.made_from[p][k]));
          const sweep_path kind = spec.paths[p];
          table.distinct_[p][k] = evaluate_path(deals.deal_for(in.rate), kind, path_for(spec, in, kind));
        } catch (...) {
          // Not a scenario's outcome (those are in the results): stop everyone, report the earliest.
          std::lock_guard<std::mutex> lock(mutex);
          if (i < failure_at) {
            failure_at = i;
            failure = std::current_exception();
          }
          stop.store(true, std::memory_order_relaxed);
          return;
        }
      }
      done.fetch_add(end - begin, std::memory_order_relaxed);  // once a chunk: the counter's line is shared
    }
  };
  const auto worker = [&](unsigned t) {
    run_chunks(t);
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++finished;
    }
    finished_cv.notify_all();
  };

  std::vector<std::thread> pool;
  pool.reserve(threads);
  // Whatever leaves this function (a progress callback's exception, a thread that could not be
  // started) stops the workers and waits for them first.
  struct joiner {
    std::vector<std::thread>& pool;
    std::atomic<bool>& stop;
    ~joiner() {
      stop.store(true, std::memory_order_relaxed);
      for (std::thread& th : pool)
        if (th.joinable()) th.join();
    }
  } join_all{pool, stop};

  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker, t);

  {
    std::unique_lock<std::mutex> lock(mutex);
    while (finished < pool.size()) {
      finished_cv.wait_for(lock, poll, [&] { return finished == pool.size(); });
      if (finished == pool.size()) break;
      if (options.progress) {
        lock.unlock();
        options.progress(in_scenarios(done.load(std::memory_order_relaxed)), count);
        lock.lock();
      }
    }
  }
  for (std::thread& th : pool) th.join();

  if (failure) std::rethrow_exception(failure);
  const std::size_t completed = done.load(std::memory_order_relaxed);
  if (completed < items)
    throw sweep_cancelled("cancelled after " + std::to_string(in_scenarios(completed)) + " of " +
                              std::to_string(count) + " scenarios' work",
                          "cancel");
  if (options.progress) options.progress(count, count);
  return table;
}

std::vector<sweep_row> run_sweep(const sweep_spec& spec, const scenario_set& scenarios, std::size_t first,
                                 std::size_t count, const sweep_options& options) {
  return run_factored_sweep(spec, scenarios, first, count, options).rows();
}

std::vector<sweep_row> run_sweep(const sweep_spec& spec, const scenario_set& scenarios, const sweep_options& options) {
  return run_sweep(spec, scenarios, 0, scenarios.size(), options);
}

}  // namespace stakecalc
