// stakecalc/sweep.hpp: one deal evaluated over many scenarios (exit date x valuation x rate x
// repurchase proportion), across all cores, one row per scenario.
//
// A sweep is a spec (the deal, which ways out to evaluate, the base values) and a set of
// scenarios (a grid: the cartesian product of axis values; or an explicit list). Each scenario
// becomes, for every requested path, an exit_paths.hpp path on the deal (see sweep_spec for the
// exact mapping), evaluated by evaluate_exit_path: a row of a sweep is therefore exactly the
// single evaluation of that scenario (evaluate_scenario, or evaluate_exit_path on
// make_scenario_case), whatever the thread count.
//
// Errors:
//   - malformed input (a proportion of 3/2, an exit before the investment, a negative valuation,
//     no exit date at all, a path the deal cannot take) is refused before any work starts:
//     invalid_input naming the field, "grid.proportion[2]", "scenarios[7].exit_on", "paths[1]";
//   - what a scenario's numbers lead to (a tranche outside every window, nothing left to convert,
//     a price above a window's maximum) is recorded in that path's cell of the row
//     (sweep_path_result::failure) and the sweep goes on: one impossible corner of a grid does not
//     cost the other million rows;
//   - anything else (out of memory) stops every worker and is rethrown after they have joined.
//
// Work: a path's numbers depend only on some of a scenario's inputs (sweep_path_inputs), so a
// sweep first finds, for each path, the distinct combinations of those inputs among its scenarios
// (for a grid, from the axis positions; for a list, by value) and evaluates each once
// (factored_sweep). A grid of 10 exits x 10 valuations x 10 rates x 100 proportions on the repurchase
// and sale paths takes 10,000 + 1,000 path evaluations for its 100,000 rows.
//
// Threads: the results are preallocated; fixed-size chunks of the path evaluations are dealt out
// to the workers round-robin (chunk k to worker k mod T), and each worker writes only its own
// slots. The output depends on nothing but the spec and the scenarios.
// The calling thread does not evaluate: it waits, and every poll_interval calls
// options.progress(done, total) (the only thread that ever calls it), so a binding can check for
// Ctrl-C there. A progress callback that throws, or options.cancel set to true, stops the workers
// between two evaluations; run_sweep joins them and rethrows the callback's exception, or throws
// sweep_cancelled.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stakecalc/decimal.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/exit_paths.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/price_formula.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/repurchase_plan.hpp"

namespace stakecalc {

// The ways out a sweep evaluates for every scenario (exit_paths.hpp).
enum class sweep_path { repurchase, conversion, sale, write_off };
// "repurchase", "conversion", "sale", "write_off" (also the Python column prefixes).
std::string to_string(sweep_path p);
// The names above ("write-off" and any case accepted); invalid_input naming `where` otherwise.
sweep_path parse_sweep_path(std::string_view name, const std::string& where = "paths");

// Which rate the rate axis replaces.
//   price:  every interest rate in the repurchase price formulas (every window, and the
//           conversion principal's formula, floor and cap): a fixed rate becomes the axis value,
//           a benchmark rate keeps its benchmark and takes the value as its spread;
//   market: the market rate of the grant-equivalent (exit_deal::market_rate);
//   loan:   the conversion loan's rate (its spread when the loan floats on a benchmark).
enum class sweep_rate { price, market, loan };
std::string to_string(sweep_rate r);  // "price", "market", "loan"
sweep_rate parse_sweep_rate(std::string_view name, const std::string& where = "rate_applies_to");

// One scenario: the axis values it sets. An unset value is taken from sweep_spec::base.
struct sweep_scenario {
  std::optional<term_date> exit_on;  // "t0 + 3Y" or a date
  std::optional<decimal> valuation;  // 100% of the company's equity, in the investment's currency
  std::optional<decimal> rate;       // see sweep_rate
  std::optional<ratio> proportion;   // of the original stake bought back on the exit date, 0..1
};

// A grid: the cartesian product of the non-empty axes (an empty axis is not varied). Row-major in
// the order exit_on, valuation, rate, proportion: the last axis varies fastest, as in
// itertools.product(exit_on, valuation, rate, proportion) or numpy's C order, so scenario
//   index = ((i_exit x n_valuation + i_valuation) x n_rate + i_rate) x n_proportion + i_proportion
// with n = 1 for an empty axis. A grid with every axis empty is one scenario (the base).
struct scenario_grid {
  std::vector<term_date> exit_on;
  std::vector<decimal> valuation;
  std::vector<decimal> rate;
  std::vector<ratio> proportion;

  // The number of scenarios; invalid_input ("grid") when the product does not fit a size_t.
  std::size_t size() const;
  // Scenario `index` (0 <= index < size(); invalid_input "index" otherwise).
  sweep_scenario at(std::size_t index) const;
};

// The scenarios of a sweep: a grid or an explicit list.
class scenario_set {
public:
  scenario_set(scenario_grid grid) : s_(std::move(grid)) {}                        // NOLINT(google-explicit-constructor)
  scenario_set(std::vector<sweep_scenario> list) : s_(std::move(list)) {}           // NOLINT(google-explicit-constructor)

  std::size_t size() const;
  sweep_scenario at(std::size_t index) const;
  bool is_grid() const noexcept { return s_.index() == 0; }
  const scenario_grid* grid() const noexcept { return std::get_if<scenario_grid>(&s_); }
  const std::vector<sweep_scenario>* list() const noexcept { return std::get_if<std::vector<sweep_scenario>>(&s_); }

private:
  std::variant<scenario_grid, std::vector<sweep_scenario>> s_;
};

// The deal and how a scenario becomes paths on it. For a scenario with exit date d (resolved
// against the investment date), proportion q, valuation V and rate r:
//   - the plan: the tranches of `plan` dated on or before d, then (when q > 0) a tranche of q of
//     the original stake on d bought by `buyer` (empty: the company, a capital reduction);
//   - repurchase: exit_by_repurchase{that plan};
//   - conversion: exit_by_conversion{d, that plan}: the team buys q on d, the rest converts;
//   - sale:       exit_by_sale{d, V}: the fund sells all its units at V x U / company units;
//   - write_off:  exit_by_write_off{d, write_off_recovery};
//   - r replaces the rate named by rate_applies_to (sweep_rate) in the deal, for every path.
struct sweep_spec {
  exit_deal deal;
  std::vector<sweep_path> paths{sweep_path::repurchase};  // columns of the row, in this order
  repurchase_plan plan;                 // tranches common to every scenario (before the exit)
  std::string buyer = "team";           // who buys the scenario's proportion
  sweep_rate rate_applies_to = sweep_rate::price;
  sweep_scenario base;                  // values for the axes a scenario leaves unset
  std::optional<decimal> write_off_recovery;  // what a write-off recovers (none: nothing)

  // The deal and the paths, before any scenario: invalid_input naming the field ("paths[1]",
  // "plan.tranches[0].on", "deal.conversion", "base.proportion"); what the deal's own validation
  // throws ("windows[1].until").
  void validate() const;
};

// The values a scenario was evaluated with (the scenario's, else the base's; the exit resolved).
struct scenario_inputs {
  date exit_on;
  std::optional<decimal> valuation;
  std::optional<decimal> rate;
  std::optional<ratio> proportion;
};

// Why a path of a scenario has no numbers: the error evaluate_exit_path threw.
enum class sweep_failure_kind {
  invalid_input,
  domain_rule,
  currency_mismatch,
  calculation,
  overflow,
  division_by_zero,
  rounding_needed,
  no_solution,
  other
};
// The Python exception class of the kind: "InvalidInput", "DomainRuleError", "CurrencyMismatch",
// "CalculationError", "Overflow", "DivisionByZero", "RoundingNeeded", "NoSolution", "Error".
std::string to_string(sweep_failure_kind k);

struct sweep_failure {
  sweep_failure_kind kind = sweep_failure_kind::other;
  std::string where;    // error::where()
  std::string message;  // error::what(): "on: the fund has no units left on 2024-01-01 to convert"
};

// One path of one scenario: the numbers of exit_path_result that a table needs (the flows and the
// explanations stay with the single evaluation), or the failure.
struct sweep_path_result {
  sweep_path path = sweep_path::repurchase;
  std::optional<sweep_failure> failure;  // set: the fields below are defaults
  std::optional<decimal> fund_irr;
  ratio fund_multiple;
  money cash_recovered;
  money grant_equivalent;
  ratio grant_equivalent_share;  // of the investment
  money team_cost;
  decimal fund_units_left;
  std::optional<ratio> team_ownership;

  bool ok() const noexcept { return !failure.has_value(); }
};

struct sweep_row {
  std::size_t index = 0;  // the scenario's index in its set
  scenario_inputs inputs;
  std::vector<sweep_path_result> paths;  // in sweep_spec::paths order
};

bool operator==(const sweep_failure& a, const sweep_failure& b);
bool operator==(const scenario_inputs& a, const scenario_inputs& b);
bool operator==(const sweep_path_result& a, const sweep_path_result& b);
bool operator==(const sweep_row& a, const sweep_row& b);
inline bool operator!=(const sweep_row& a, const sweep_row& b) { return !(a == b); }

// What one scenario stands for: its inputs, the deal with the rate applied, and one exit path per
// sweep_spec::paths entry. evaluate_exit_path(c.deal, c.paths[i]) is row.paths[i].
struct scenario_case {
  scenario_inputs inputs;
  exit_deal deal;
  std::vector<exit_path> paths;
};
// invalid_input naming "scenario.<axis>" for a value the validation of run_sweep would refuse.
scenario_case make_scenario_case(const sweep_spec& spec, const sweep_scenario& scenario);

// The single evaluation of one scenario: the row run_sweep gives it (with this index).
sweep_row evaluate_scenario(const sweep_spec& spec, const sweep_scenario& scenario, std::size_t index = 0);

// Thrown by run_sweep when options.cancel was set before the sweep finished.
class sweep_cancelled : public error {
public:
  using error::error;
};

struct sweep_options {
  unsigned threads = 0;    // 0: std::thread::hardware_concurrency() (at least 1)
  std::size_t chunk = 0;   // path evaluations per chunk; 0: chosen from the count and the threads
  // Called on the calling thread only: about every poll_interval while the workers run, and
  // once with (total, total) at the end of a complete sweep. May throw to stop the sweep.
  std::function<void(std::size_t done, std::size_t total)> progress;
  std::chrono::milliseconds poll_interval{100};
  const std::atomic<bool>* cancel = nullptr;  // checked by the workers between scenarios
};

// Which scenario inputs a path's numbers depend on. Every path reads the exit date; repurchase and
// conversion read the proportion (their plan), a sale the valuation; the rate when it replaces a
// part of the deal the path reads: a price rate and the market rate reach every path (the price
// formulas through the validation of the deal's terms that evaluate_exit_path makes for every
// path, the market rate through the grant-equivalent), a loan rate only the conversion.
struct sweep_path_inputs {
  bool valuation = false;
  bool rate = false;
  bool proportion = false;
};
sweep_path_inputs inputs_read_by(sweep_path path, sweep_rate rate_applies_to);

// A sweep's results, factored. Scenarios that agree on every input a path reads get the same
// numbers on that path, so each path is evaluated once per distinct combination of those inputs
// and every row refers to its results: a grid of exit years x valuations x rates x proportions
// evaluates its repurchases once per (exit, rate, proportion), not once per valuation as well.
// row(i) is run_sweep's row i, and the single evaluation of its scenario.
class factored_sweep {
public:
  factored_sweep() = default;

  std::size_t size() const noexcept { return size_; }
  const std::vector<sweep_path>& paths() const noexcept { return paths_; }
  // The scenario's index in its set (the first row's is the `first` run_factored_sweep was given).
  std::size_t index(std::size_t row) const noexcept { return first_ + row; }
  // The values the row was evaluated with (a grid's are worked out from the grid when asked).
  scenario_inputs inputs(std::size_t row) const;
  // Path p (a position in paths()) of a row.
  const sweep_path_result& result(std::size_t row, std::size_t p) const { return distinct_.at(p).at(which(row, p)); }
  // The distinct results of path p, and which of them a row has: a converter makes each once.
  const std::vector<sweep_path_result>& distinct(std::size_t p) const { return distinct_.at(p); }
  std::size_t which(std::size_t row, std::size_t p) const { return which_.at(p).at(row); }
  // How many path evaluations the sweep made (the sum of distinct(p).size()).
  std::size_t evaluations() const noexcept;

  sweep_row row(std::size_t row) const;
  std::vector<sweep_row> rows() const;

private:
  friend factored_sweep run_factored_sweep(const sweep_spec&, const scenario_set&, std::size_t, std::size_t,
                                     const sweep_options&);
  std::size_t first_ = 0, size_ = 0;
  std::vector<sweep_path> paths_;
  std::vector<scenario_inputs> list_inputs_;              // a list's, per row
  std::optional<scenario_grid> grid_;                     // a grid's axes
  std::vector<date> grid_exits_;                          // its exits resolved (the base's when it has none)
  scenario_inputs base_;                                  // the base's values for a grid's empty axes
  std::vector<std::vector<sweep_path_result>> distinct_;  // per path
  std::vector<std::vector<std::uint32_t>> which_;         // per path, per row: into distinct_[p]
};

// Rows for scenarios first .. first + count - 1 of the set (row.index is the scenario's index in
// the set, so slices of one grid run on several machines concatenate into the whole sweep).
// invalid_input ("first") for a slice beyond the set. The progress callback's `done` counts
// scenarios: the share of the path evaluations done, of `total`.
factored_sweep run_factored_sweep(const sweep_spec& spec, const scenario_set& scenarios, std::size_t first, std::size_t count,
                            const sweep_options& options = {});
// The same, as rows (factored_sweep::rows()).
std::vector<sweep_row> run_sweep(const sweep_spec& spec, const scenario_set& scenarios, std::size_t first,
                                 std::size_t count, const sweep_options& options = {});
// Every scenario of the set.
std::vector<sweep_row> run_sweep(const sweep_spec& spec, const scenario_set& scenarios,
                                 const sweep_options& options = {});

// The checks run_sweep makes before it starts (sweep_spec::validate and every value of the set),
// for callers that split a sweep themselves.
void validate_sweep(const sweep_spec& spec, const scenario_set& scenarios);

}  // namespace stakecalc
