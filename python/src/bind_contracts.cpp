// The contracts layer at the Python boundary: team repurchase terms and plans, equity-to-debt
// conversion, grant-equivalents, exit paths, explanations, and scenario sweeps.
//
// Every object remembers the arguments it was made from, normalised to a tuple (as bind_loan's
// Loan does): that tuple is its pickled state, what its equality compares, and what its
// properties return for nested objects. Objects are immutable. Amounts are decimal.Decimal (int
// and str accepted, float refused), dates datetime.date, exact shares fractions.Fraction.
// Results are plain dicts and lists (tables as lists of dicts, so pandas.DataFrame(rows) works);
// the sweep and the exit-path comparison also give DataFrames.
//
// The sweep runs without the GIL. The calling thread only waits; about every 100 ms it takes the
// GIL back, checks for signals (Ctrl-C) and calls the progress callback. A KeyboardInterrupt (or
// any exception from the callback) stops the workers between two scenarios; it is raised once
// they have joined.
#include <pybind11/pybind11.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "contract_results.hpp"
#include "convert.hpp"
#include "stakecalc/business_day_convention.hpp"
#include "stakecalc/calendar.hpp"
#include "stakecalc/cycle.hpp"
#include "stakecalc/equity_to_debt.hpp"
#include "stakecalc/exit_paths.hpp"
#include "stakecalc/explanation.hpp"
#include "stakecalc/grant_equivalent.hpp"
#include "stakecalc/loan.hpp"
#include "stakecalc/loan_terms.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/rate_table.hpp"
#include "stakecalc/repayment_type.hpp"
#include "stakecalc/repurchase_plan.hpp"
#include "stakecalc/repurchase_terms.hpp"
#include "stakecalc/sweep.hpp"
#include "stakecalc/tenor.hpp"

namespace stakecalc::python {

namespace {

// ---- the Python objects ---------------------------------------------------------------------------

// A C++ value and the normalised arguments it was made from.
template <class T>
struct held {
  T value;
  py::tuple state;
};

using py_investment = held<fund_investment>;
using py_formula = held<price_formula>;
using py_window = held<repurchase_window>;
using py_terms = held<repurchase_terms>;
using py_facts = held<deal_facts>;
using py_tranche = held<repurchase_tranche>;
using py_conversion = held<equity_to_debt_terms>;
using py_deal = held<exit_deal>;
using py_spec = held<sweep_spec>;

// An exit path before it meets a deal: a sale's valuation may be a plain amount, in the deal's
// currency.
struct path_value {
  sweep_path kind = sweep_path::repurchase;
  date on;
  repurchase_plan plan;
  std::optional<decimal> amount;     // valuation (sale) or recovery (write-off)
  std::optional<currency> ccy;  // when given as a Money
  std::string label;             // shown in tables instead of the path's own description
};
using py_path = held<path_value>;

struct grid_value {
  scenario_set value{scenario_grid{}};
  py::tuple state;
};
struct list_value {
  scenario_set value{std::vector<sweep_scenario>{}};
  py::tuple state;
};

struct sweep_result {
  factored_sweep table;
  std::size_t offset = 0;
};

// ---- argument conversion --------------------------------------------------------------------------

// A bounded int argument, as an int (every bound below fits one).
int whole_int(py::handle value, const std::string& field, long low, long high) {
  return static_cast<int>(to_int(value, field, low, high));
}

std::size_t whole_size(py::handle value, const std::string& field) {
  if (PyBool_Check(value.ptr()) || !PyLong_Check(value.ptr()))
    throw invalid_input("expected an int, got " + describe(value), field);
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow || v < 0) throw invalid_input("expected an int >= 0, got " + std::string(py::str(value)), field);
  return static_cast<std::size_t>(v);
}

bool to_bool(py::handle value, const std::string& field) {
  if (!PyBool_Check(value.ptr())) throw invalid_input("expected True or False, got " + describe(value), field);
  return value.ptr() == Py_True;
}

// The items of a sequence (not a str), as a tuple that the state keeps.
py::tuple to_tuple(py::handle value, const std::string& field) {
  if (value.is_none()) return py::tuple();
  if (PyUnicode_Check(value.ptr()) || PyBytes_Check(value.ptr()) || PyDict_Check(value.ptr()) ||
      !py::isinstance<py::iterable>(value))
    throw invalid_input("expected a sequence, got " + describe(value), field);
  py::list items;
  for (py::handle item : py::iter(value)) items.append(item);
  return py::tuple(items);
}

// An item that must be a tuple or list of `low`..`high` values.
py::sequence to_record(py::handle item, const std::string& field, std::size_t low, std::size_t high,
                       const char* shape) {
  if (PyUnicode_Check(item.ptr()) || !(PyTuple_Check(item.ptr()) || PyList_Check(item.ptr())))
    throw invalid_input(std::string("expected ") + shape + ", got " + describe(item), field);
  py::sequence s = py::reinterpret_borrow<py::sequence>(item);
  if (s.size() < low || s.size() > high) throw invalid_input(std::string("expected ") + shape + ", got " + describe(item), field);
  return s;
}

std::optional<ratio> to_optional_ratio(py::handle value, const std::string& field) {
  if (value.is_none()) return std::nullopt;
  return to_ratio(value, field);
}

py::object from_optional_ratio(const std::optional<ratio>& r) {
  return r ? from_ratio(*r) : py::object(py::none());
}
py::object from_optional_decimal(const std::optional<decimal>& d) {
  return d ? from_decimal(*d) : py::object(py::none());
}

// "3Y" (after the investment), "2024-03-01" or a datetime.date.
term_date to_term_date(py::handle value, const std::string& field) {
  if (PyUnicode_Check(value.ptr())) {
    const std::string text = value.cast<std::string>();
    if (text.size() == 10 && text[4] == '-' && text[7] == '-') return term_date(parse_date(text, field));
    return term_date(tenor::parse(text, field));
  }
  if (PyLong_Check(value.ptr()) || PyFloat_Check(value.ptr()) || value.is_none())
    throw invalid_input("expected a datetime.date, an ISO date or a tenor after the investment such as '3Y', got " +
                            describe(value),
                        field);
  return term_date(to_date(value, field));  // a date, or its own message (a datetime: use .date())
}

std::optional<term_date> to_optional_term_date(py::handle value, const std::string& field) {
  if (value.is_none()) return std::nullopt;
  return to_term_date(value, field);
}

// A benchmark's name; "1Y" and "5Y" are stakecalc.lpr's spelling of the LPR.
std::string to_benchmark_name(py::handle value, const std::string& field) {
  if (py::isinstance<rate_table>(value))
    throw invalid_input("give the benchmark's name here and its RateTable to DealFacts(rates=...)", field);
  std::string name = to_string(value, field);
  if (name == "1Y" || name == "5Y") name = "LPR-" + name;
  if (name.empty()) throw invalid_input("an empty benchmark name", field);
  return name;
}

benchmark_day to_benchmark_day(py::handle value, const std::string& field) {
  std::string key = to_string(value, field);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (key == "investment" || key == "t0" || key == "investment_date") return benchmark_day::investment_date;
  if (key == "repurchase" || key == "t" || key == "repurchase_date" || key == "valuation")
    return benchmark_day::repurchase_date;
  throw invalid_input("expected 'investment' or 'repurchase', got '" + key.substr(0, 40) + "'", field);
}

// A held object of class H (named `cls` in messages).
template <class H>
const H& as(py::handle value, const char* cls, const std::string& field) {
  if (!py::isinstance<H>(value)) throw invalid_input(std::string("expected a ") + cls + ", got " + describe(value), field);
  return value.cast<const H&>();
}

const deal_facts& facts_or_none(py::handle value, const std::string& field = "facts") {
  static const deal_facts none_given;
  if (value.is_none()) return none_given;
  return as<py_facts>(value, "DealFacts", field).value;
}

repurchase_plan to_plan(py::handle value, const std::string& field) {
  repurchase_plan plan;
  const py::tuple items = to_tuple(value, field);
  for (std::size_t i = 0; i < items.size(); ++i)
    plan.tranches.push_back(as<py_tranche>(items[i], "Tranche", field + "[" + std::to_string(i) + "]").value);
  return plan;
}

// Decimal objects made quickly (tables of a sweep make millions of them).
class decimal_maker {
public:
  decimal_maker() : cls_(decimal_class()) {}
  py::object operator()(const decimal& d) const {
    const std::string text = d.to_string();
    py::str s(text);
    PyObject* out = PyObject_CallOneArg(cls_.ptr(), s.ptr());
    if (out == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(out);
  }

private:
  py::object cls_;
};

// explain=False: the numbers only, every explanation left empty (explanation.hpp's explain_mode),
// for a loop over many evaluations that keeps the numbers.
explain_mode explain_mode_of(bool explain) { return explain ? explain_mode::full : explain_mode::numbers_only; }

// ---- explanations ---------------------------------------------------------------------------------

py::dict explanation_dict(const explanation& e) {
  py::dict d;
  d["subject"] = e.subject;
  d["formula"] = e.formula;
  py::list inputs;
  for (const explanation_input& in : e.inputs) inputs.append(py::make_tuple(in.name, in.value, in.source));
  d["inputs"] = inputs;
  d["exact"] = e.exact;
  d["rounding"] = e.rounding;
  d["result"] = e.result;
  py::list steps;
  for (const explanation& s : e.steps) steps.append(explanation_dict(s));
  d["steps"] = steps;
  return d;
}

explanation explanation_from(py::handle value, const std::string& field) {
  if (!PyDict_Check(value.ptr())) throw invalid_input("expected a dict, got " + describe(value), field);
  py::dict d = py::reinterpret_borrow<py::dict>(value);
  auto text = [&](const char* key) {
    return d.contains(key) ? to_string(d[key], field + "." + key) : std::string();
  };
  explanation e;
  e.subject = text("subject");
  e.formula = text("formula");
  e.exact = text("exact");
  e.rounding = text("rounding");
  e.result = text("result");
  if (d.contains("inputs")) {
    const py::tuple inputs = to_tuple(d["inputs"], field + ".inputs");
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::string at = field + ".inputs[" + std::to_string(i) + "]";
      py::sequence r = to_record(inputs[i], at, 2, 3, "(name, value, source)");
      e.inputs.push_back({to_string(r[0], at), to_string(r[1], at), r.size() > 2 ? to_string(r[2], at) : std::string()});
    }
  }
  if (d.contains("steps")) {
    const py::tuple steps = to_tuple(d["steps"], field + ".steps");
    for (std::size_t i = 0; i < steps.size(); ++i)
      e.steps.push_back(explanation_from(steps[i], field + ".steps[" + std::to_string(i) + "]"));
  }
  return e;
}

bool operator_equal(const explanation& a, const explanation& b) {
  if (a.subject != b.subject || a.formula != b.formula || a.exact != b.exact || a.rounding != b.rounding ||
      a.result != b.result || a.inputs.size() != b.inputs.size() || a.steps.size() != b.steps.size())
    return false;
  for (std::size_t i = 0; i < a.inputs.size(); ++i)
    if (a.inputs[i].name != b.inputs[i].name || a.inputs[i].value != b.inputs[i].value ||
        a.inputs[i].source != b.inputs[i].source)
      return false;
  for (std::size_t i = 0; i < a.steps.size(); ++i)
    if (!operator_equal(a.steps[i], b.steps[i])) return false;
  return true;
}

// ---- makers (constructor arguments -> value); each returns the normalised state -------------------

void check_state(const py::tuple& s, std::size_t n, const char* cls) {
  if (s.size() != n) throw invalid_input(std::string("not the state of a ") + cls, "state");
}

// (on, amount, units, unit_places, currency)
py_investment make_investment(const py::tuple& s) {
  check_state(s, 5, "Investment");
  fund_investment v;
  v.on = to_date(s[0], "on");
  v.amount = money(to_decimal(s[1], "amount"), to_currency(s[4], "currency"));
  v.units = to_decimal(s[2], "units");
  v.unit_places = whole_int(s[3], "unit_places", 0, 18);
  v.validate("investment");
  return {std::move(v), s};
}

// (kind, args): the factory and its arguments, all positional.
py_formula make_formula(const py::tuple& s) {
  check_state(s, 2, "PriceFormula");
  const std::string kind = to_string(s[0], "kind");
  const py::tuple a = to_tuple(s[1], "args");
  auto need = [&](std::size_t n) {
    if (a.size() != n) throw invalid_input("not the state of a PriceFormula." + kind, "state");
  };
  auto formula = [&](std::size_t i, const char* field) -> const price_formula& {
    return as<py_formula>(a[i], "PriceFormula", field).value;
  };
  auto rate_of = [&](std::size_t i) {
    // (rate, benchmark, benchmark_on, spread)
    interest_rate r;
    if (!a[i].is_none()) r.fixed = to_decimal(a[i], "rate");
    if (!a[i + 1].is_none()) r.benchmark = to_benchmark_name(a[i + 1], "benchmark");
    r.fixed_on = to_benchmark_day(a[i + 2], "benchmark_on");
    r.spread = to_decimal(a[i + 3], "spread");
    return r;
  };
  auto day_count_of = [&](std::size_t i) { return day_counter::parse(to_string(a[i], "day_count"), "day_count"); };

  price_formula f;
  if (kind == "at_cost") {
    need(0);
    f = pricing::at_cost{};
  } else if (kind == "fixed_price") {
    need(1);
    f = pricing::fixed_price{to_decimal(a[0], "per_unit")};
  } else if (kind == "simple_interest") {
    need(6);
    pricing::simple_interest n;
    n.rate = rate_of(0);
    n.day_count = day_count_of(4);
    n.accrues_from = to_optional_term_date(a[5], "accrues_from");
    f = n;
  } else if (kind == "compound_interest") {
    need(7);
    pricing::compound_interest n;
    n.rate = rate_of(0);
    n.periods_per_year = whole_int(a[4], "periods_per_year", 1, 366);
    n.day_count = day_count_of(5);
    n.accrues_from = to_optional_term_date(a[6], "accrues_from");
    f = n;
  } else if (kind == "floating_interest") {
    need(5);
    pricing::floating_interest n;
    n.benchmark = to_benchmark_name(a[0], "benchmark");
    n.spread = to_decimal(a[1], "spread");
    n.day_count = day_count_of(2);
    if (!a[3].is_none()) n.reset_every = tenor::parse(to_string(a[3], "reset_every"), "reset_every");
    n.accrues_from = to_optional_term_date(a[4], "accrues_from");
    f = n;
  } else if (kind == "fair_value") {
    need(0);
    f = pricing::fair_value{};
  } else if (kind == "greater_of" || kind == "lesser_of") {
    need(2);
    f = kind == "greater_of" ? price_formula::greater_of(formula(0, "a"), formula(1, "b"))
                             : price_formula::lesser_of(formula(0, "a"), formula(1, "b"));
  } else if (kind == "floored") {
    need(2);
    f = price_formula::floored(formula(0, "formula"), formula(1, "floor"));
  } else if (kind == "capped") {
    need(2);
    f = price_formula::capped(formula(0, "formula"), formula(1, "cap"));
  } else if (kind == "with_waived_return") {
    need(3);
    f = price_formula::with_waived_return(formula(0, "full"), to_ratio(a[1], "waived"),
                                          a[2].is_none() ? price_formula() : formula(2, "base"));
  } else if (kind == "net_of_dividends") {
    need(1);
    f = price_formula::net_of_dividends(formula(0, "formula"));
  } else {
    throw invalid_input("unknown price formula '" + kind.substr(0, 40) + "'", "kind");
  }
  f.validate("formula");
  return {std::move(f), py::make_tuple(s[0], a)};
}

// (price, label, start, until, min_by_end, max_by_end)
py_window make_window(const py::tuple& s) {
  check_state(s, 6, "RepurchaseWindow");
  repurchase_window w;
  w.price = as<py_formula>(s[0], "PriceFormula", "price").value;
  w.label = to_string(s[1], "label");
  w.from = to_optional_term_date(s[2], "start");
  w.until = to_optional_term_date(s[3], "until");
  w.min_by_end = to_optional_ratio(s[4], "min_by_end");
  w.max_by_end = to_optional_ratio(s[5], "max_by_end");
  return {std::move(w), s};
}

// (investment, windows, rounding)
py_terms make_terms(const py::tuple& s) {
  check_state(s, 3, "RepurchaseTerms");
  repurchase_terms t;
  t.investment = as<py_investment>(s[0], "Investment", "investment").value;
  const py::tuple windows = to_tuple(s[1], "windows");
  for (std::size_t i = 0; i < windows.size(); ++i)
    t.windows.push_back(as<py_window>(windows[i], "RepurchaseWindow", "windows[" + std::to_string(i) + "]").value);
  t.rounding_mode = to_rounding(s[2], "rounding");
  t.validate();
  return {std::move(t), py::make_tuple(s[0], windows, s[2])};
}

// (rates, unit_prices, dividends, currency)
py_facts make_facts(const py::tuple& s) {
  check_state(s, 4, "DealFacts");
  deal_facts f;
  const py::tuple rates = to_tuple(s[0], "rates"), prices = to_tuple(s[1], "unit_prices"),
                  dividends = to_tuple(s[2], "dividends");
  const currency ccy = to_currency(s[3], "currency");
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const std::string at = "rates[" + std::to_string(i) + "]";
    if (!py::isinstance<rate_table>(rates[i])) throw invalid_input("expected a RateTable, got " + describe(rates[i]), at);
    f.rates.add(rates[i].cast<rate_table>());
  }
  for (std::size_t i = 0; i < prices.size(); ++i) {
    const std::string at = "unit_prices[" + std::to_string(i) + "]";
    py::sequence r = to_record(prices[i], at, 2, 3, "(date, price per unit[, source])");
    f.unit_prices.push_back({to_date(r[0], at + ".on"), to_ratio(r[1], at + ".per_unit"),
                             r.size() > 2 ? to_string(r[2], at + ".source") : std::string()});
  }
  for (std::size_t i = 0; i < dividends.size(); ++i) {
    const std::string at = "dividends[" + std::to_string(i) + "]";
    py::sequence r = to_record(dividends[i], at, 3, 3, "(date, amount, units held)");
    f.dividends.push_back(
        {to_date(r[0], at + ".on"), money(to_decimal(r[1], at + ".amount"), ccy), to_decimal(r[2], at + ".units_held")});
  }
  f.validate("facts");
  return {std::move(f), py::make_tuple(rates, prices, dividends, s[3])};
}

// (on, buyer, proportion, units)
py_tranche make_tranche(const py::tuple& s) {
  check_state(s, 4, "Tranche");
  repurchase_tranche t;
  t.on = to_date(s[0], "on");
  t.buyer = to_string(s[1], "buyer");
  t.proportion = to_optional_ratio(s[2], "proportion");
  t.units = to_optional_decimal(s[3], "units");
  if (t.proportion.has_value() == t.units.has_value())
    throw invalid_input(t.proportion ? "give a proportion or units, not both" : "give a proportion or units",
                        "proportion");
  return {std::move(t), s};
}

// ("deadline", "5Y"), ("minimum_missed"[, window]), ("milestone", name), "team_election".
conversion_trigger to_trigger(py::handle item, const std::string& field) {
  py::tuple args;
  std::string kind;
  if (PyUnicode_Check(item.ptr())) {
    kind = item.cast<std::string>();
  } else {
    py::sequence r = to_record(item, field, 1, 2, "a trigger such as ('deadline', '5Y') or 'team_election'");
    kind = to_string(r[0], field + "[0]");
    if (r.size() > 1) args = py::make_tuple(r[1]);
  }
  std::string key;
  for (char ch : kind) key += (ch == '-' || ch == ' ') ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto arg = [&](const char* what) -> py::handle {
    if (args.empty()) throw invalid_input(std::string("the trigger needs ") + what, field);
    return args[0];
  };
  if (key == "deadline" || key == "deadline_passed")
    return conversion_trigger::deadline_at(to_term_date(arg("a deadline such as '5Y'"), field + "[1]"));
  if (key == "minimum_missed") {
    if (args.empty() || args[0].is_none()) return conversion_trigger::minimum_missed_in();
    return conversion_trigger::minimum_missed_in(static_cast<std::size_t>(whole_int(args[0], field + "[1]", 0, 1000000)));
  }
  if (key == "milestone" || key == "milestone_failed")
    return conversion_trigger::milestone_fails(to_string(arg("the milestone's name"), field + "[1]"));
  if (key == "team_election" || key == "election" || key == "team_elects") {
    if (!args.empty()) throw invalid_input("a team election takes no argument", field);
    return conversion_trigger::team_elects();
  }
  throw invalid_input("unknown trigger '" + kind.substr(0, 40) +
                          "' (expected deadline, minimum_missed, milestone or team_election)",
                      field);
}

std::vector<reported_event> to_reported(py::handle value) {
  std::vector<reported_event> out;
  const py::tuple items = to_tuple(value, "reported");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = "reported[" + std::to_string(i) + "]";
    py::sequence r = to_record(items[i], at, 2, 3, "(kind, date[, milestone])");
    const conversion_trigger t = to_trigger(r.size() > 2 ? py::object(py::make_tuple(r[0], r[2])) : py::object(r[0]), at);
    reported_event e;
    e.kind = t.kind;
    e.on = to_date(r[1], at + ".on");
    e.milestone = t.milestone;
    out.push_back(std::move(e));
  }
  return out;
}

// The loan each debtor's part follows: a dict with stakecalc.Loan's keyword arguments (the
// conversion sets principal and start).
loan_terms to_loan_template(py::handle value) {
  if (!PyDict_Check(value.ptr()))
    throw invalid_input("expected a dict of Loan keyword arguments (rate, periods, repayment, ...), got " +
                            describe(value),
                        "loan");
  static const std::vector<std::string> known = {
      "rate", "periods", "frequency", "repayment", "day_count", "interest_basis", "rounding", "grace_periods",
      "benchmark", "spread", "reset", "floor", "cap", "multiplier", "fixing", "contract_date", "calendar",
      "convention", "penalty_markup", "end_of_month", "stub", "accrue_to_payment_date"};
  py::dict d = py::reinterpret_borrow<py::dict>(value);
  for (auto item : d) {
    const std::string key = py::str(item.first);
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      throw invalid_input("unknown loan argument '" + key.substr(0, 40) + "' (known: " + list + ")", "loan." + key);
    }
  }
  auto arg = [&](const char* key) -> py::object { return d.contains(key) ? py::object(d[key]) : py::object(py::none()); };
  auto field = [](const char* key) { return std::string("loan.") + key; };
  loan_terms t;
  t.rate = to_optional_decimal(arg("rate"), field("rate"));
  if (!arg("periods").is_none()) t.periods = whole_int(arg("periods"), field("periods"), 1, 12000);
  if (!arg("frequency").is_none())
    t.frequency = tenor::parse(to_string(arg("frequency"), field("frequency")), field("frequency"));
  if (!arg("repayment").is_none())
    t.repayment = parse_repayment_type(to_string(arg("repayment"), field("repayment")), field("repayment"));
  if (!arg("day_count").is_none())
    t.day_count = day_counter::parse(to_string(arg("day_count"), field("day_count")), field("day_count"));
  if (!arg("interest_basis").is_none())
    t.basis = parse_interest_basis(to_string(arg("interest_basis"), field("interest_basis")), field("interest_basis"));
  if (d.contains("rounding"))
    t.rounding_mode = arg("rounding").is_none() ? std::optional<rounding>()
                                                : std::optional<rounding>(to_rounding(arg("rounding"), field("rounding")));
  if (!arg("grace_periods").is_none())
    t.grace_periods = whole_int(arg("grace_periods"), field("grace_periods"), 0, 12000);
  t.contract_date = to_optional_date(arg("contract_date"), field("contract_date"));
  if (!arg("calendar").is_none()) {
    py::object c = arg("calendar");
    if (py::isinstance<calendar>(c))
      t.payment_calendar = c.cast<calendar>();
    else
      t.payment_calendar = calendar_from_name_or_json(to_string(c, field("calendar")), field("calendar"));
  }
  if (!arg("convention").is_none())
    t.convention =
        parse_business_day_convention(to_string(arg("convention"), field("convention")), field("convention"));
  if (!arg("penalty_markup").is_none()) t.penalty_markup = to_decimal(arg("penalty_markup"), field("penalty_markup"));
  if (!arg("end_of_month").is_none()) t.end_of_month = to_bool(arg("end_of_month"), field("end_of_month"));
  if (!arg("stub").is_none()) t.stub = stub_rule::parse(to_string(arg("stub"), field("stub")), field("stub"));
  if (!arg("accrue_to_payment_date").is_none())
    t.accrue_to_payment_date = to_bool(arg("accrue_to_payment_date"), field("accrue_to_payment_date"));

  const bool floating = !arg("benchmark").is_none();
  for (const char* key : {"spread", "reset", "floor", "cap", "multiplier", "fixing"})
    if (!floating && !arg(key).is_none())
      throw invalid_input("only for a loan with a benchmark", field(key));
  if (floating) {
    floating_rate f;
    f.benchmark = to_benchmark_name(arg("benchmark"), field("benchmark"));
    if (!arg("spread").is_none()) f.spread = to_decimal(arg("spread"), field("spread"));
    if (!arg("multiplier").is_none()) f.multiplier = to_decimal(arg("multiplier"), field("multiplier"));
    if (!arg("reset").is_none()) f.reset_cycle = cycle::parse(to_string(arg("reset"), field("reset")), field("reset"));
    f.floor = to_optional_decimal(arg("floor"), field("floor"));
    f.cap = to_optional_decimal(arg("cap"), field("cap"));
    if (!arg("fixing").is_none()) f.fixing = parse_fixing_rule(to_string(arg("fixing"), field("fixing")), field("fixing"));
    t.floating = f;
  }
  return t;
}

// (debtors, loan, triggers, principal, floor, cap, units_to)
py_conversion make_conversion(const py::tuple& s) {
  check_state(s, 7, "EquityToDebtTerms");
  equity_to_debt_terms e;
  const py::tuple debtors = to_tuple(s[0], "debtors"), triggers = to_tuple(s[2], "triggers"),
                  units_to = to_tuple(s[6], "units_to");
  for (std::size_t i = 0; i < debtors.size(); ++i) {
    const std::string at = "debtors[" + std::to_string(i) + "]";
    py::sequence r = to_record(debtors[i], at, 2, 3, "(debtor, share[, is_company])");
    e.debtors.push_back({to_string(r[0], at + ".debtor"), to_ratio(r[1], at + ".share"),
                         r.size() > 2 ? to_bool(r[2], at + ".is_company") : false});
  }
  // A copy: the caller's dict may change later, this object may not.
  const py::object loan_in = s[1];
  e.loan = to_loan_template(loan_in);
  py::dict loan_args;
  for (auto item : py::reinterpret_borrow<py::dict>(loan_in)) loan_args[item.first] = item.second;
  for (std::size_t i = 0; i < triggers.size(); ++i)
    e.triggers.push_back(to_trigger(triggers[i], "triggers[" + std::to_string(i) + "]"));
  if (!s[3].is_none()) e.principal.formula = as<py_formula>(s[3], "PriceFormula", "principal").value;
  if (!s[4].is_none()) e.principal.floor = as<py_formula>(s[4], "PriceFormula", "floor").value;
  if (!s[5].is_none()) e.principal.cap = as<py_formula>(s[5], "PriceFormula", "cap").value;
  for (std::size_t i = 0; i < units_to.size(); ++i) {
    const std::string at = "units_to[" + std::to_string(i) + "]";
    py::sequence r = to_record(units_to[i], at, 2, 2, "(holder, share)");
    e.units_to.push_back({to_string(r[0], at + ".holder"), to_ratio(r[1], at + ".share")});
  }
  return {std::move(e), py::make_tuple(debtors, loan_args, triggers, s[3], s[4], s[5], units_to)};
}

// (kind, on, plan, amount, label)
py_path make_path(const py::tuple& s) {
  check_state(s, 5, "ExitPath");
  path_value p;
  p.kind = parse_sweep_path(to_string(s[0], "kind"), "kind");
  p.label = to_string(s[4], "label");
  py::tuple plan;
  if (p.kind != sweep_path::repurchase) p.on = to_date(s[1], "on");
  if (p.kind == sweep_path::repurchase || p.kind == sweep_path::conversion) {
    plan = to_tuple(s[2], "plan");
    p.plan = to_plan(plan, "plan");
  }
  const char* amount_field = p.kind == sweep_path::sale ? "valuation" : "recovered";
  if (!s[3].is_none()) {
    if (py::isinstance<money>(s[3])) {
      const money m = s[3].cast<money>();
      p.amount = m.amount();
      p.ccy = m.currency();
    } else {
      p.amount = to_decimal(s[3], amount_field);
    }
  }
  if (p.kind == sweep_path::sale && !p.amount) throw invalid_input("a sale needs a valuation", "valuation");
  return {std::move(p), py::make_tuple(s[0], s[1], plan, s[3], s[4])};
}

exit_path to_exit_path(const path_value& p, currency deal_currency) {
  const currency ccy = p.ccy.value_or(deal_currency);
  switch (p.kind) {
    case sweep_path::repurchase: return exit_by_repurchase{p.plan, p.label};
    case sweep_path::conversion: return exit_by_conversion{p.on, p.plan, p.label};
    case sweep_path::sale: return exit_by_sale{p.on, money(*p.amount, ccy), p.label};
    case sweep_path::write_off: {
      std::optional<money> recovered;
      if (p.amount) recovered = money(*p.amount, ccy);
      return exit_by_write_off{p.on, std::move(recovered), p.label};
    }
  }
  return exit_by_repurchase{p.plan, p.label};
}

// (repurchase, market_rate, conversion, facts, company_units, team_units)
py_deal make_deal(const py::tuple& s) {
  check_state(s, 6, "ExitDeal");
  exit_deal d;
  d.repurchase = as<py_terms>(s[0], "RepurchaseTerms", "repurchase").value;
  d.market_rate = to_decimal(s[1], "market_rate");
  if (d.market_rate <= decimal(-1))
    throw invalid_input("the market rate must be above -100%, got " + d.market_rate.to_string(), "market_rate");
  if (!s[2].is_none()) {
    d.conversion = as<py_conversion>(s[2], "EquityToDebtTerms", "conversion").value;
    try {
      d.conversion->validate(d.repurchase);
    } catch (const invalid_input& e) {
      const std::string what = e.where().empty() ? e.what() : std::string(e.what()).substr(e.where().size() + 2);
      throw invalid_input(what, "conversion." + e.where());
    }
  }
  d.facts = facts_or_none(s[3]);
  d.company_units = to_decimal(s[4], "company_units");
  d.team_units = to_decimal(s[5], "team_units");
  if (d.company_units.signum() < 0) throw invalid_input("negative units " + d.company_units.to_string(), "company_units");
  if (d.team_units.signum() < 0) throw invalid_input("negative units " + d.team_units.to_string(), "team_units");
  return {std::move(d), s};
}

// ---- scenarios --------------------------------------------------------------------------------------

std::optional<term_date> exit_of(py::handle exit_on, py::handle exit_year, const std::string& at) {
  if (!exit_on.is_none() && !exit_year.is_none())
    throw invalid_input("give exit_on or exit_year, not both", at + ".exit_year");
  if (!exit_year.is_none()) return term_date(tenor(whole_int(exit_year, at + ".exit_year", 0, 8000), time_unit::years));
  return to_optional_term_date(exit_on, at + ".exit_on");
}

const std::vector<std::string>& scenario_keys() {
  static const std::vector<std::string> keys = {"exit_on", "exit_year", "valuation", "rate", "proportion"};
  return keys;
}

// A scenario from a mapping {"exit_on" | "exit_year", "valuation", "rate", "proportion"}.
sweep_scenario to_scenario(py::handle value, const std::string& at) {
  if (!PyDict_Check(value.ptr()))
    throw invalid_input("expected a dict with exit_on or exit_year, valuation, rate, proportion, got " + describe(value),
                        at);
  py::dict d = py::reinterpret_borrow<py::dict>(value);
  for (auto item : d) {
    const std::string key = py::str(item.first);
    if (std::find(scenario_keys().begin(), scenario_keys().end(), key) == scenario_keys().end())
      throw invalid_input("unknown axis '" + key.substr(0, 40) + "' (expected exit_on, exit_year, valuation, rate, proportion)",
                          at + "." + key);
  }
  auto arg = [&](const char* key) -> py::object { return d.contains(key) ? py::object(d[key]) : py::object(py::none()); };
  sweep_scenario s;
  s.exit_on = exit_of(arg("exit_on"), arg("exit_year"), at);
  s.valuation = to_optional_decimal(arg("valuation"), at + ".valuation");
  s.rate = to_optional_decimal(arg("rate"), at + ".rate");
  s.proportion = to_optional_ratio(arg("proportion"), at + ".proportion");
  return s;
}

py::dict scenario_dict(const sweep_scenario& s) {
  py::dict d;
  if (s.exit_on) {
    if (s.exit_on->is_relative()) {
      std::string text = s.exit_on->to_string();  // "t0 + 3Y": the tenor as ScenarioGrid takes it back
      if (text.rfind("t0 + ", 0) == 0) text = text.substr(5);
      d["exit_on"] = text;
    } else {
      d["exit_on"] = from_date(s.exit_on->resolve(date(2000, 1, 1)));  // a date resolves to itself
    }
  }
  if (s.valuation) d["valuation"] = from_decimal(*s.valuation);
  if (s.rate) d["rate"] = from_decimal(*s.rate);
  if (s.proportion) d["proportion"] = from_ratio(*s.proportion);
  return d;
}

// (exit_on, exit_year, valuation, rate, proportion): axes, each a sequence (empty: not varied).
grid_value make_grid(const py::tuple& s) {
  check_state(s, 5, "ScenarioGrid");
  const py::tuple exit_on = to_tuple(s[0], "grid.exit_on"), exit_year = to_tuple(s[1], "grid.exit_year"),
                  valuation = to_tuple(s[2], "grid.valuation"), rate = to_tuple(s[3], "grid.rate"),
                  proportion = to_tuple(s[4], "grid.proportion");
  if (!exit_on.empty() && !exit_year.empty()) throw invalid_input("give exit_on or exit_year, not both", "grid.exit_year");
  scenario_grid g;
  auto at = [](const char* axis, std::size_t i) { return std::string("grid.") + axis + "[" + std::to_string(i) + "]"; };
  for (std::size_t i = 0; i < exit_on.size(); ++i) g.exit_on.push_back(to_term_date(exit_on[i], at("exit_on", i)));
  for (std::size_t i = 0; i < exit_year.size(); ++i)
    g.exit_on.push_back(term_date(tenor(whole_int(exit_year[i], at("exit_year", i), 0, 8000), time_unit::years)));
  for (std::size_t i = 0; i < valuation.size(); ++i) g.valuation.push_back(to_decimal(valuation[i], at("valuation", i)));
  for (std::size_t i = 0; i < rate.size(); ++i) g.rate.push_back(to_decimal(rate[i], at("rate", i)));
  for (std::size_t i = 0; i < proportion.size(); ++i) g.proportion.push_back(to_ratio(proportion[i], at("proportion", i)));
  (void)g.size();
  return {scenario_set(std::move(g)), py::make_tuple(exit_on, exit_year, valuation, rate, proportion)};
}

// (scenarios,)
list_value make_list(const py::tuple& s) {
  check_state(s, 1, "ScenarioList");
  const py::tuple items = to_tuple(s[0], "scenarios");
  std::vector<sweep_scenario> list;
  list.reserve(items.size());
  py::list copies;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = "scenarios[" + std::to_string(i) + "]";
    const py::object scenario = items[i];
    list.push_back(to_scenario(scenario, at));
    py::dict copy;
    for (auto item : py::reinterpret_borrow<py::dict>(scenario)) copy[item.first] = item.second;
    copies.append(copy);
  }
  return {scenario_set(std::move(list)), py::make_tuple(py::tuple(copies))};
}

const scenario_set& to_scenario_set(py::handle value) {
  if (py::isinstance<grid_value>(value)) return value.cast<const grid_value&>().value;
  if (py::isinstance<list_value>(value)) return value.cast<const list_value&>().value;
  throw invalid_input("expected a ScenarioGrid or a ScenarioList, got " + describe(value), "scenarios");
}

// (deal, paths, plan, buyer, rate_applies_to, base, write_off_recovery)
py_spec make_spec(const py::tuple& s) {
  check_state(s, 7, "SweepSpec");
  sweep_spec spec;
  spec.deal = as<py_deal>(s[0], "ExitDeal", "deal").value;
  const py::tuple paths = to_tuple(s[1], "paths"), plan = to_tuple(s[2], "plan");
  spec.paths.clear();
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string at = "paths[" + std::to_string(i) + "]";
    spec.paths.push_back(parse_sweep_path(to_string(paths[i], at), at));
  }
  spec.plan = to_plan(plan, "plan");
  spec.buyer = to_string(s[3], "buyer");
  spec.rate_applies_to = parse_sweep_rate(to_string(s[4], "rate_applies_to"), "rate_applies_to");
  py::object base = py::none();
  const py::object base_in = s[5];
  if (!base_in.is_none()) {
    spec.base = to_scenario(base_in, "base");
    py::dict copy;
    for (auto item : py::reinterpret_borrow<py::dict>(base_in)) copy[item.first] = item.second;
    base = copy;
  }
  spec.write_off_recovery = to_optional_decimal(s[6], "write_off_recovery");
  spec.validate();
  return {std::move(spec), py::make_tuple(s[0], paths, plan, s[3], s[4], base, s[6])};
}

}  // namespace

// ---- results as Python structures (contract_results.hpp: the deal documents return them too) --------

py::list flows_list(const std::vector<cash_flow>& flows) {
  py::list out;
  for (const cash_flow& f : flows) out.append(py::make_tuple(from_date(f.on), from_decimal(f.amount.amount())));
  return out;
}

py::dict quote_dict(const price_quote& q) {
  py::dict d;
  d["on"] = from_date(q.on);
  d["window"] = q.window;
  d["window_label"] = q.window_label;
  d["formula"] = q.formula;
  d["units"] = from_decimal(q.units);
  d["proportion"] = from_ratio(q.proportion);
  d["exact_amount"] = from_ratio(q.exact_amount);
  d["amount"] = from_decimal(q.amount.amount());
  d["currency"] = std::string(q.amount.currency().code());
  d["price_per_unit"] = from_ratio(q.price_per_unit);
  d["explanation"] = py::cast(q.why);
  return d;
}

py::dict tranche_dict(const tranche_result& t) {
  py::dict d = quote_dict(t.price);
  d["index"] = t.index;
  d["buyer"] = t.buyer;
  d["units_left_after"] = from_decimal(t.units_left_after);
  d["stake_left_after"] = from_ratio(t.stake_left_after);
  d["capital_reduction"] = t.capital_reduction;
  return d;
}

py::list tranches_list(const std::vector<tranche_result>& tranches) {
  py::list out;
  for (const tranche_result& t : tranches) out.append(tranche_dict(t));
  return out;
}

py::dict plan_dict(const repurchase_evaluation& ev) {
  py::dict d;
  d["tranches"] = tranches_list(ev.tranches);
  d["units_left"] = from_decimal(ev.units_left);
  d["stake_left"] = from_ratio(ev.stake_left);
  d["fund_flows"] = flows_list(ev.fund_flows);
  d["fund_irr"] = from_optional_decimal(ev.fund_irr);
  d["fund_multiple"] = from_ratio(ev.fund_multiple);
  d["fund_cash_recovered"] = from_decimal(ev.fund_cash_recovered.amount());
  d["team_cost"] = from_decimal(ev.team_cost.amount());
  py::dict by_buyer;
  for (const auto& [buyer, cost] : ev.cost_by_buyer) by_buyer[py::str(buyer)] = from_decimal(cost.amount());
  d["cost_by_buyer"] = by_buyer;
  py::list missed;
  for (const missed_minimum& m : ev.missed_minimums) {
    py::dict x;
    x["window"] = m.window;
    x["label"] = m.label;
    x["end"] = from_date(m.end);
    x["required"] = from_ratio(m.required);
    x["bought"] = from_ratio(m.bought);
    missed.append(x);
  }
  d["missed_minimums"] = missed;
  return d;
}

py::object trigger_dict(const std::optional<trigger_event>& t) {
  if (!t) return py::none();
  py::dict d;
  d["trigger"] = t->trigger;
  d["kind"] = to_string(t->kind);
  d["on"] = from_date(t->on);
  d["reason"] = t->reason;
  return d;
}

py::dict loan_dict(const debtor_loan& l) {
  py::dict d;
  d["debtor"] = l.debtor;
  d["share"] = from_ratio(l.share);
  d["is_company"] = l.is_company;
  d["principal"] = from_decimal(l.principal.amount());
  py::list rows;
  for (const loan_schedule_row& r : l.schedule) rows.append(py::cast(r));  // stakecalc.LoanRow
  d["schedule"] = rows;
  py::dict totals;
  totals["principal"] = from_decimal(l.totals.principal);
  totals["interest"] = from_decimal(l.totals.interest);
  totals["payments"] = from_decimal(l.totals.payments);
  totals["capitalised"] = from_decimal(l.totals.capitalised);
  totals["instalments"] = l.totals.instalments;
  totals["last_payment"] = l.totals.last_payment ? from_date(*l.totals.last_payment) : py::object(py::none());
  d["totals"] = totals;
  if (l.legal_cap) {
    const private_lending_cap_check& c = *l.legal_cap;
    py::dict x;
    x["contract_date"] = from_date(c.contract_date);
    x["lpr_1y"] = from_decimal(c.lpr_1y);
    x["cap"] = from_decimal(c.cap);
    x["rate"] = from_decimal(c.rate);
    x["penalty_rate"] = from_decimal(c.penalty_rate);
    x["rate_within_cap"] = c.rate_within_cap;
    x["penalty_within_cap"] = c.penalty_within_cap;
    x["rule"] = c.rule;
    d["legal_cap"] = x;
  } else {
    d["legal_cap"] = py::none();
  }
  return d;
}

py::dict conversion_dict(const conversion_result& c) {
  py::dict d;
  d["on"] = from_date(c.on);
  d["trigger"] = trigger_dict(c.trigger);
  d["repurchases"] = tranches_list(c.repurchases);
  d["units_converted"] = from_decimal(c.units_converted);
  d["stake_converted"] = from_ratio(c.stake_converted);
  d["remaining_cost"] = from_ratio(c.remaining_cost);
  d["exact_principal"] = from_ratio(c.exact_principal);
  d["principal"] = from_decimal(c.principal.amount());
  d["statement"] = py::cast(c.statement);
  py::list loans;
  for (const debtor_loan& l : c.loans) loans.append(loan_dict(l));
  d["loans"] = loans;
  d["units_cancelled"] = c.units_cancelled;
  py::list units_to;
  for (const units_transfer& u : c.units_to) units_to.append(py::make_tuple(u.holder, from_decimal(u.units)));
  d["units_to"] = units_to;
  d["fund_flows"] = flows_list(c.fund_flows);
  d["fund_irr"] = from_optional_decimal(c.fund_irr);
  d["fund_multiple"] = from_ratio(c.fund_multiple);
  d["fund_cash_recovered"] = from_decimal(c.fund_cash_recovered.amount());
  d["team_cost"] = from_decimal(c.team_cost.amount());
  return d;
}

py::dict grant_dict(const grant_equivalent_result& g) {
  py::dict d;
  d["value"] = from_decimal(g.value.amount());
  d["exact"] = from_decimal(g.exact);
  d["of_investment"] = from_ratio(g.of_investment);
  d["explanation"] = py::cast(g.why);
  return d;
}

// The scalar part of an exit path's result: the same keys as a sweep row's columns after the
// path's prefix ("sale_fund_irr").
py::dict exit_scalars(const exit_path_result& r) {
  py::dict d;
  d["fund_irr"] = from_optional_decimal(r.fund_irr);
  d["fund_multiple"] = from_ratio(r.fund_multiple);
  d["cash_recovered"] = from_decimal(r.cash_recovered.amount());
  d["grant_equivalent"] = from_decimal(r.grant_equivalent.value.amount());
  d["grant_equivalent_share"] = from_ratio(r.grant_equivalent.of_investment);
  d["team_cost"] = from_decimal(r.team_cost.amount());
  d["fund_units_left"] = from_decimal(r.fund_units_left);
  d["team_ownership"] = from_optional_ratio(r.team_ownership);
  return d;
}

namespace {
// ExitDeal.compare and compare_frame: the paths converted (errors name "paths[i]"), then
// evaluated without the GIL.
std::vector<exit_path_result> compare_paths(const py_deal& d, py::handle paths) {
  std::vector<exit_path> eps;
  const py::tuple items = to_tuple(paths, "paths");
  for (std::size_t i = 0; i < items.size(); ++i)
    eps.push_back(to_exit_path(as<py_path>(items[i], "ExitPath", "paths[" + std::to_string(i) + "]").value,
                               d.value.repurchase.investment.currency()));
  py::gil_scoped_release release;
  return compare_exit_paths(d.value, eps);
}
}  // namespace

py::dict exit_dict(const exit_path_result& r) {
  py::dict d;
  d["path"] = r.path;
  for (auto item : exit_scalars(r)) d[item.first] = item.second;
  d["fund_flows"] = flows_list(r.fund_flows);
  d["grant_equivalent_explanation"] = py::cast(r.grant_equivalent.why);
  return d;
}

py::object import_pandas(const char* what) {
  try {
    return py::module_::import("pandas");
  } catch (const py::error_already_set&) {
    throw py::import_error(std::string(what) + " needs pandas (pip install pandas)");
  }
}

py::object pandas_frame(py::handle data, const char* what) { return import_pandas(what).attr("DataFrame")(data); }

// Columns as a DataFrame: "scenario" as int64, the rest as objects (Decimal, Fraction, date, None
// unconverted), as stakecalc.sweep() makes it.
py::object sweep_frame(const py::dict& columns, const char* what) {
  py::object pandas = import_pandas(what);
  py::object series = pandas.attr("Series");
  py::dict data;
  for (auto item : columns) {
    const bool scenario = std::string(py::str(item.first)) == "scenario";
    data[item.first] = series(item.second, py::arg("dtype") = scenario ? "int64" : "object");
  }
  return pandas.attr("DataFrame")(data);
}

namespace {

// ---- sweep rows as columns ------------------------------------------------------------------------------

const char* const path_columns[] = {"fund_irr",     "fund_multiple",   "cash_recovered", "grant_equivalent",
                                    "grant_equivalent_share", "team_cost", "fund_units_left", "team_ownership",
                                    "error"};
constexpr std::size_t path_column_count = sizeof(path_columns) / sizeof(path_columns[0]);

// A sweep's rows as columns of Python objects. Values repeat down a column, and repeated values
// share one object: a path's cells are made once per distinct result of the path
// (factored_sweep), so every row with that result refers to them (a repurchase's price, the same
// for every valuation); an input cell equal to the one above reuses its object, and so does one
// equal to any earlier cell of its column (a grid's proportions come round again every few rows),
// through a memo by exact value (64-bit parts; others are made anew). The objects are immutable
// (Decimal, Fraction, date), so sharing them is invisible but for `is`.
class row_columns {
public:
  // Columns of `rows` cells, each filled by add() in row order.
  row_columns(const std::vector<sweep_path>& paths, std::size_t offset, std::size_t rows) : offset_(offset) {
    for (const char* c : {"scenario", "exit_on", "valuation", "rate", "proportion"}) names_.emplace_back(c);
    for (sweep_path p : paths)
      for (const char* c : path_columns) names_.push_back(to_string(p) + "_" + c);
    columns_.reserve(names_.size());
    for (std::size_t i = 0; i < names_.size(); ++i) {
      PyObject* list = PyList_New(static_cast<Py_ssize_t>(rows));
      if (list == nullptr) throw py::error_already_set();
      columns_.push_back(py::reinterpret_steal<py::list>(list));
    }
    rows_ = rows;
    last_decimal_.resize(names_.size());
    last_ratio_.resize(names_.size());
    last_object_.resize(names_.size());
    made_.resize(names_.size());
  }

  void add(const sweep_row& row) {
    std::size_t k = add_inputs(row.index, row.inputs);
    for (const sweep_path_result& r : row.paths) {
      const path_objects cells = objects_of(k, r);
      for (const py::object& cell : cells) put(k++, cell);
    }
    ++row_;
  }

  // A factored sweep: each distinct result of a path becomes objects once, and every row that has
  // it refers to them.
  void add(const factored_sweep& table) {
    std::vector<std::vector<path_objects>> made(table.paths().size());
    for (std::size_t p = 0; p < table.paths().size(); ++p) {
      const std::size_t k = input_columns + p * path_column_count;
      made[p].reserve(table.distinct(p).size());
      for (const sweep_path_result& r : table.distinct(p)) made[p].push_back(objects_of(k, r));
    }
    for (std::size_t row = 0; row < table.size(); ++row) {
      std::size_t k = add_inputs(table.index(row), table.inputs(row));
      for (std::size_t p = 0; p < made.size(); ++p)
        for (const py::object& cell : made[p][table.which(row, p)]) put(k++, cell);
      ++row_;
    }
  }

  py::dict dict() const {
    if (row_ != rows_) throw std::logic_error("row_columns: rows left unfilled");  // never hand out empty slots
    py::dict d;
    for (std::size_t i = 0; i < names_.size(); ++i) d[py::str(names_[i])] = columns_[i];
    return d;
  }

  // One row as a dict of scalars.
  py::dict first_row() const {
    py::dict d;
    for (std::size_t i = 0; i < names_.size(); ++i) d[py::str(names_[i])] = columns_[i][0];
    return d;
  }

private:
  using path_objects = std::array<py::object, path_column_count>;
  static constexpr std::size_t input_columns = 5;  // scenario, exit_on, valuation, rate, proportion

  // The scenario's number and inputs; returns the first path column.
  std::size_t add_inputs(std::size_t index, const scenario_inputs& in) {
    std::size_t k = 0;
    put(k++, py::int_(index + offset_));
    if (!last_exit_ || *last_exit_ != in.exit_on) {
      last_exit_ = in.exit_on;
      exit_obj_ = from_date(in.exit_on);
    }
    put(k++, exit_obj_);
    put(k, decimal_object(k, in.valuation));
    ++k;
    put(k, decimal_object(k, in.rate));
    ++k;
    put(k, ratio_object(k, in.proportion));
    ++k;
    return k;
  }

  // The current row's cell of column k (each list was made with its final length: no appends).
  void put(std::size_t k, const py::object& cell) {
    if (row_ >= rows_) throw std::logic_error("row_columns: more rows than it was made for");
    PyList_SET_ITEM(columns_[k].ptr(), static_cast<Py_ssize_t>(row_), cell.inc_ref().ptr());
  }

  // A path's cells, for its columns from k on.
  path_objects objects_of(std::size_t k, const sweep_path_result& r) {
    path_objects out;
    if (r.failure) {
      for (std::size_t c = 0; c + 1 < path_column_count; ++c) out[c] = py::none();
      out[path_column_count - 1] = py::str(to_string(r.failure->kind) + ": " + r.failure->message);
      return out;
    }
    out[0] = decimal_object(k, r.fund_irr);
    out[1] = ratio_object(k + 1, r.fund_multiple);
    out[2] = decimal_object(k + 2, r.cash_recovered.amount());
    out[3] = decimal_object(k + 3, r.grant_equivalent.amount());
    out[4] = ratio_object(k + 4, r.grant_equivalent_share);
    out[5] = decimal_object(k + 5, r.team_cost.amount());
    out[6] = decimal_object(k + 6, r.fund_units_left);
    out[7] = ratio_object(k + 7, r.team_ownership);
    out[8] = py::none();
    return out;
  }

  py::object decimal_object(std::size_t k, const std::optional<decimal>& v) {
    if (!v) return py::none();
    std::optional<decimal>& last = last_decimal_[k];
    if (!last || *last != *v || last->scale() != v->scale()) {
      last = v;
      last_object_[k] = k < input_columns && v->is_small()
                            ? remembered(k, {v->small_coefficient(), v->scale()}, [&] { return dec_(*v); })
                            : dec_(*v);
    }
    return last_object_[k];
  }
  py::object ratio_object(std::size_t k, const std::optional<ratio>& v) {
    if (!v) return py::none();
    std::optional<ratio>& last = last_ratio_[k];
    if (!last || *last != *v) {
      last = v;
      last_object_[k] = k < input_columns && v->is_small()
                            ? remembered(k, {v->small_numerator(), v->small_denominator()}, [&] { return from_ratio(*v); })
                            : from_ratio(*v);
    }
    return last_object_[k];
  }

  // An input column's cells by exact value: (coefficient, scale) of a decimal, (numerator,
  // denominator) of a ratio in lowest terms (a column holds one kind). Capped, so that a column of
  // all-distinct values does not keep a second copy of every row: past the cap, new values are
  // made and not kept.
  struct key {
    std::int64_t first, second;
    bool operator==(const key& o) const { return first == o.first && second == o.second; }
  };
  struct key_hash {
    std::size_t operator()(const key& k) const {
      return std::hash<std::int64_t>()(k.first) * 0x9e3779b97f4a7c15ULL ^ std::hash<std::int64_t>()(k.second);
    }
  };
  static constexpr std::size_t memo_cap = 1 << 16;
  template <class Make>
  py::object remembered(std::size_t k, key value, Make make) {
    auto& memo = made_[k];
    if (auto it = memo.find(value); it != memo.end()) return it->second;
    py::object made = make();
    if (memo.size() < memo_cap) memo.emplace(value, made);
    return made;
  }

  std::size_t offset_;
  std::size_t rows_ = 0, row_ = 0;  // the columns' length, the row being filled
  std::vector<std::string> names_;
  std::vector<py::list> columns_;
  decimal_maker dec_;
  std::optional<date> last_exit_;
  py::object exit_obj_;
  std::vector<std::optional<decimal>> last_decimal_;
  std::vector<std::optional<ratio>> last_ratio_;
  std::vector<py::object> last_object_;
  std::vector<std::unordered_map<key, py::object, key_hash>> made_;
};

}  // namespace

py::dict sweep_columns(const factored_sweep& table, std::size_t offset) {
  row_columns columns(table.paths(), offset, table.size());
  columns.add(table);
  return columns.dict();
}

namespace {

py::dict result_columns(const sweep_result& r) { return sweep_columns(r.table, r.offset); }

// ---- registration helpers --------------------------------------------------------------------------------

template <class H>
py::tuple state_of(const H& h) {
  return h.state;
}

template <class H>
py::object equal_states(const H& a, py::handle b) {
  if (!py::isinstance<H>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  return py::bool_(a.state.equal(b.cast<const H&>().state));
}

template <class H, class... Options>
void add_state(py::class_<H, Options...>& cls, H (*make)(const py::tuple&)) {
  cls.def(py::pickle(&state_of<H>, make));
  cls.def("__eq__", &equal_states<H>, py::is_operator());
}

std::string formula_repr(const py_formula& f) { return "PriceFormula(" + f.value.describe() + ")"; }

}  // namespace

void bind_contracts(py::module_& m) {
  // ---- explanations ----
  py::class_<explanation>(m, "Explanation",
                          "How an amount was reached: formula, inputs and their sources, the exact value, the rounding, "
                          "and the steps behind computed inputs.")
      .def_property_readonly("subject", [](const explanation& e) { return e.subject; })
      .def_property_readonly("formula", [](const explanation& e) { return e.formula; })
      .def_property_readonly("inputs",
                             [](const explanation& e) {
                               py::list out;
                               for (const explanation_input& in : e.inputs)
                                 out.append(py::make_tuple(in.name, in.value, in.source));
                               return out;
                             })
      .def_property_readonly("exact", [](const explanation& e) { return e.exact; })
      .def_property_readonly("rounding", [](const explanation& e) { return e.rounding; })
      .def_property_readonly("result", [](const explanation& e) { return e.result; })
      .def_property_readonly("steps",
                             [](const explanation& e) {
                               py::list out;
                               for (const explanation& s : e.steps) out.append(py::cast(s));
                               return out;
                             })
      .def(
          "to_text", [](const explanation& e, py::handle indent) { return e.to_text(whole_int(indent, "indent", 0, 1000)); },
          py::arg("indent") = 0, "Indented text, one fact per line.")
      .def("to_dict", &explanation_dict, "A dict (subject, formula, inputs, exact, rounding, result, steps), nested.")
      .def_static(
          "from_dict", [](py::handle d) { return explanation_from(d, "explanation"); }, py::arg("d"))
      .def("__str__", [](const explanation& e) { return e.to_text(); })
      .def("__repr__",
           [](const explanation& e) { return "Explanation(" + e.subject + (e.result.empty() ? "" : " = " + e.result) + ")"; })
      .def(
          "__eq__",
          [](const explanation& a, py::handle b) -> py::object {
            if (!py::isinstance<explanation>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::bool_(operator_equal(a, b.cast<const explanation&>()));
          },
          py::is_operator())
      .def(py::pickle([](const explanation& e) { return py::make_tuple(explanation_dict(e)); },
                      [](const py::tuple& s) {
                        check_state(s, 1, "Explanation");
                        return explanation_from(s[0], "explanation");
                      }));

  // ---- the investment and price formulas ----
  py::class_<py_investment> investment(m, "Investment",
                                       "The fund's investment: on a date, an amount, for units of the company.");
  investment
      .def(py::init([](py::handle on, py::handle amount, py::handle units, py::handle unit_places, py::handle ccy) {
             return make_investment(py::make_tuple(on, amount, units, unit_places, ccy));
           }),
           py::arg("on"), py::arg("amount"), py::arg("units"), py::kw_only(), py::arg("unit_places") = 0,
           py::arg("currency") = "CNY")
      .def_property_readonly("on", [](const py_investment& x) { return from_date(x.value.on); })
      .def_property_readonly("amount", [](const py_investment& x) { return from_decimal(x.value.amount.amount()); })
      .def_property_readonly("units", [](const py_investment& x) { return from_decimal(x.value.units); })
      .def_property_readonly("unit_places", [](const py_investment& x) { return x.value.unit_places; })
      .def_property_readonly("currency", [](const py_investment& x) { return std::string(x.value.currency().code()); })
      .def(
          "cost_of", [](const py_investment& x, py::handle u) { return from_ratio(x.value.cost_of(to_decimal(u, "units"))); },
          py::arg("units"), "I x u / U, exact.")
      .def(
          "share_of_stake",
          [](const py_investment& x, py::handle u) { return from_ratio(x.value.share_of_stake(to_decimal(u, "units"))); },
          py::arg("units"), "u / U, exact.")
      .def("__repr__", [](const py_investment& x) {
        return "Investment(" + x.value.amount.to_string() + " on " + to_iso(x.value.on) + " for " +
               x.value.units.to_string() + " units)";
      });
  add_state(investment, &make_investment);

  py::class_<py_formula> formula(m, "PriceFormula",
                                 "How the price of a part of the fund's stake is computed on a date. Made by the static "
                                 "methods; formulas nest (greater_of, capped, with_waived_return, ...).");
  formula
      .def_static(
          "at_cost", [] { return make_formula(py::make_tuple("at_cost", py::tuple())); },
          "I x u / U: the fund gives up its return.")
      .def_static(
          "fixed_price", [](py::handle per_unit) { return make_formula(py::make_tuple("fixed_price", py::make_tuple(per_unit))); },
          py::arg("per_unit"), "u x a price per unit fixed by the terms.")
      .def_static(
          "simple_interest",
          [](py::handle rate, py::handle benchmark, py::handle on, py::handle spread, py::handle day_count,
             py::handle accrues_from) {
            return make_formula(
                py::make_tuple("simple_interest", py::make_tuple(rate, benchmark, on, spread, day_count, accrues_from)));
          },
          py::arg("rate") = py::none(), py::kw_only(), py::arg("benchmark") = py::none(),
          py::arg("benchmark_on") = "investment", py::arg("spread") = 0, py::arg("day_count") = "ACT/365F",
          py::arg("accrues_from") = py::none(),
          "cost x (1 + r x yf(start, t)): r fixed, or a benchmark ('LPR-1Y') on the investment or repurchase date plus "
          "a spread; accrues_from ('3Y' or a date) starts the interest later.")
      .def_static(
          "compound_interest",
          [](py::handle rate, py::handle benchmark, py::handle on, py::handle spread, py::handle m_per_year,
             py::handle day_count, py::handle accrues_from) {
            return make_formula(py::make_tuple(
                "compound_interest", py::make_tuple(rate, benchmark, on, spread, m_per_year, day_count, accrues_from)));
          },
          py::arg("rate") = py::none(), py::kw_only(), py::arg("benchmark") = py::none(),
          py::arg("benchmark_on") = "investment", py::arg("spread") = 0, py::arg("periods_per_year") = 1,
          py::arg("day_count") = "ACT/365F", py::arg("accrues_from") = py::none(),
          "cost x (1 + r / m)^(m x yf(start, t)); a fractional power to 30 significant digits.")
      .def_static(
          "floating_interest",
          [](py::handle benchmark, py::handle spread, py::handle day_count, py::handle reset_every, py::handle accrues_from) {
            return make_formula(py::make_tuple("floating_interest",
                                               py::make_tuple(benchmark, spread, day_count, reset_every, accrues_from)));
          },
          py::arg("benchmark") = "LPR-1Y", py::kw_only(), py::arg("spread") = 0, py::arg("day_count") = "ACT/365F",
          py::arg("reset_every") = py::none(), py::arg("accrues_from") = py::none(),
          "cost x (1 + sum over periods of (benchmark + spread) x yf): the rate follows the benchmark's fixings, or "
          "resets every reset_every ('1Y').")
      .def_static(
          "fair_value", [] { return make_formula(py::make_tuple("fair_value", py::tuple())); },
          "u x the latest unit price on or before the day (DealFacts.unit_prices).")
      .def_static(
          "greater_of", [](py::handle a, py::handle b) { return make_formula(py::make_tuple("greater_of", py::make_tuple(a, b))); },
          py::arg("a"), py::arg("b"))
      .def_static(
          "lesser_of", [](py::handle a, py::handle b) { return make_formula(py::make_tuple("lesser_of", py::make_tuple(a, b))); },
          py::arg("a"), py::arg("b"))
      .def_static(
          "floored",
          [](py::handle f, py::handle floor) { return make_formula(py::make_tuple("floored", py::make_tuple(f, floor))); },
          py::arg("formula"), py::arg("floor"))
      .def_static(
          "capped", [](py::handle f, py::handle cap) { return make_formula(py::make_tuple("capped", py::make_tuple(f, cap))); },
          py::arg("formula"), py::arg("cap"))
      .def_static(
          "with_waived_return",
          [](py::handle full, py::handle waived, py::handle base) {
            return make_formula(py::make_tuple("with_waived_return", py::make_tuple(full, waived, base)));
          },
          py::arg("full"), py::arg("waived"), py::arg("base") = py::none(),
          "base + (1 - waived) x (full - base) when full > base (default base: at cost); a loss is not shared.")
      .def_static(
          "net_of_dividends",
          [](py::handle f) { return make_formula(py::make_tuple("net_of_dividends", py::make_tuple(f))); },
          py::arg("formula"), "formula less the dividends the fund received on the units, not below zero.")
      .def_property_readonly("kind", [](const py_formula& f) { return py::object(f.state[0]); })
      .def("describe", [](const py_formula& f) { return f.value.describe(); })
      .def(
          "evaluate",
          [](const py_formula& f, py::handle inv, py::handle on, py::handle units, py::handle facts, bool explain) {
            const fund_investment& i = as<py_investment>(inv, "Investment", "investment").value;
            const date day = to_date(on, "on");
            const decimal u = to_decimal(units, "units");
            const deal_facts& x = facts_or_none(facts);
            formula_value v;
            {
              py::gil_scoped_release release;
              v = evaluate(f.value, i, day, u, x, "price", explain_mode_of(explain));
            }
            py::dict d;
            d["amount"] = from_ratio(v.amount);
            d["approximate"] = v.approximate;
            d["explanation"] = py::cast(v.why);
            return d;
          },
          py::arg("investment"), py::arg("on"), py::arg("units"), py::arg("facts") = py::none(), py::kw_only(),
          py::arg("explain") = true,
          "The exact amount for `units` on `on` (a Fraction), whether a fractional power was rounded on the way, and "
          "the explanation (empty with explain=False: the same numbers, faster).")
      .def("__repr__", &formula_repr);
  add_state(formula, &make_formula);

  // ---- repurchase terms and plans ----
  py::class_<py_window> window(m, "RepurchaseWindow",
                               "A span [start, until) after the investment with a price formula and cumulative limits "
                               "on the proportion bought back by its end.");
  window
      .def(py::init([](py::handle price, py::handle label, py::handle start, py::handle until, py::handle min_by_end,
                       py::handle max_by_end) {
             return make_window(py::make_tuple(price, label, start, until, min_by_end, max_by_end));
           }),
           py::arg("price"), py::kw_only(), py::arg("label") = "", py::arg("start") = py::none(),
           py::arg("until") = py::none(), py::arg("min_by_end") = py::none(), py::arg("max_by_end") = py::none())
      .def_property_readonly("price", [](const py_window& w) { return py::object(w.state[0]); })
      .def_property_readonly("label", [](const py_window& w) { return w.value.label; })
      .def_property_readonly("start", [](const py_window& w) { return py::object(w.state[2]); })
      .def_property_readonly("until", [](const py_window& w) { return py::object(w.state[3]); })
      .def_property_readonly("min_by_end", [](const py_window& w) { return from_optional_ratio(w.value.min_by_end); })
      .def_property_readonly("max_by_end", [](const py_window& w) { return from_optional_ratio(w.value.max_by_end); })
      .def("__repr__", [](const py_window& w) {
        return "RepurchaseWindow(" + (w.value.label.empty() ? std::string() : "'" + w.value.label + "', ") +
               (w.value.from ? w.value.from->to_string() : std::string("previous end")) + " to " +
               (w.value.until ? w.value.until->to_string() : std::string("open")) + ", " + w.value.price.describe() + ")";
      });
  add_state(window, &make_window);

  py::class_<py_terms> terms(m, "RepurchaseTerms",
                             "The investment, the repurchase windows and the rounding of each tranche's amount.");
  terms
      .def(py::init([](py::handle inv, py::handle windows, py::handle rounding_mode) {
             return make_terms(py::make_tuple(inv, windows, rounding_mode));
           }),
           py::arg("investment"), py::arg("windows"), py::kw_only(), py::arg("rounding") = "HALF_UP")
      .def_property_readonly("investment", [](const py_terms& t) { return py::object(t.state[0]); })
      .def_property_readonly("windows", [](const py_terms& t) { return py::object(t.state[1]); })
      .def_property_readonly("rounding", [](const py_terms& t) { return to_string(t.value.rounding_mode); })
      .def(
          "spans",
          [](const py_terms& t) {
            py::list out;
            for (const window_span& s : t.value.spans()) {
              py::dict d;
              d["index"] = s.index;
              d["label"] = s.label;
              d["start"] = from_date(s.from);
              d["until"] = s.until ? from_date(*s.until) : py::object(py::none());
              out.append(d);
            }
            return out;
          },
          "The windows with their dates: index, label, start, until (exclusive; None: open).")
      .def(
          "window_on",
          [](const py_terms& t, py::handle on) -> py::object {
            const std::optional<window_span> s = t.value.window_on(to_date(on, "on"));
            if (!s) return py::none();
            py::dict d;
            d["index"] = s->index;
            d["label"] = s->label;
            d["start"] = from_date(s->from);
            d["until"] = s->until ? from_date(*s->until) : py::object(py::none());
            return d;
          },
          py::arg("on"), "The window containing the day, or None.")
      .def(
          "quote",
          [](const py_terms& t, py::handle on, py::handle units, py::handle facts, py::handle with_formula, bool explain) {
            const date day = to_date(on, "on");
            const decimal u = to_decimal(units, "units");
            const deal_facts& x = facts_or_none(facts);
            price_quote q;
            if (with_formula.is_none()) {
              py::gil_scoped_release release;
              q = t.value.quote(day, u, x, "on", explain_mode_of(explain));
            } else {
              const price_formula& f = as<py_formula>(with_formula, "PriceFormula", "formula").value;
              py::gil_scoped_release release;
              q = t.value.quote_with(f, day, u, x, "price", "on", explain_mode_of(explain));
            }
            return quote_dict(q);
          },
          py::arg("on"), py::arg("units"), py::arg("facts") = py::none(), py::kw_only(), py::arg("formula") = py::none(),
          py::arg("explain") = true,
          "The price of `units` on `on` under the window in force (or under `formula`): window, formula, units, "
          "proportion, exact_amount, amount (rounded once), price_per_unit, explanation (formula and explanation "
          "empty with explain=False: the same numbers, faster).")
      .def("__repr__", [](const py_terms& t) {
        return "RepurchaseTerms(" + t.value.investment.amount.to_string() + " on " + to_iso(t.value.investment.on) +
               ", " + std::to_string(t.value.windows.size()) + " windows)";
      });
  add_state(terms, &make_terms);

  py::class_<py_facts> facts(m, "DealFacts",
                             "What the formulas read and the terms do not fix: rate tables, unit prices (fair value), "
                             "dividends the fund received with the units it held.");
  facts
      .def(py::init([](py::handle rates, py::handle unit_prices, py::handle dividends, py::handle ccy) {
             return make_facts(py::make_tuple(rates, unit_prices, dividends, ccy));
           }),
           py::kw_only(), py::arg("rates") = py::tuple(), py::arg("unit_prices") = py::tuple(),
           py::arg("dividends") = py::tuple(), py::arg("currency") = "CNY")
      .def_property_readonly("rates", [](const py_facts& f) { return py::object(f.state[0]); })
      .def_property_readonly("unit_prices", [](const py_facts& f) { return py::object(f.state[1]); })
      .def_property_readonly("dividends", [](const py_facts& f) { return py::object(f.state[2]); })
      .def("__repr__", [](const py_facts& f) {
        return "DealFacts(" + std::to_string(f.value.rates.tables().size()) + " rate tables, " +
               std::to_string(f.value.unit_prices.size()) + " unit prices, " + std::to_string(f.value.dividends.size()) +
               " dividends)";
      });
  add_state(facts, &make_facts);

  py::class_<py_tranche> tranche(m, "Tranche",
                                 "A repurchase on a date by a buyer (empty: the company, a capital reduction) of a "
                                 "proportion of the original stake or of units.");
  tranche
      .def(py::init([](py::handle on, py::handle buyer, py::handle proportion, py::handle units) {
             return make_tranche(py::make_tuple(on, buyer, proportion, units));
           }),
           py::arg("on"), py::arg("buyer"), py::kw_only(), py::arg("proportion") = py::none(),
           py::arg("units") = py::none())
      .def_property_readonly("on", [](const py_tranche& t) { return from_date(t.value.on); })
      .def_property_readonly("buyer", [](const py_tranche& t) { return t.value.buyer; })
      .def_property_readonly("proportion", [](const py_tranche& t) { return from_optional_ratio(t.value.proportion); })
      .def_property_readonly("units", [](const py_tranche& t) { return from_optional_decimal(t.value.units); })
      .def("__repr__", [](const py_tranche& t) {
        return "Tranche(" + to_iso(t.value.on) + ", '" + t.value.buyer + "', " +
               (t.value.proportion ? "proportion " + t.value.proportion->to_string()
                                   : "units " + t.value.units->to_string()) +
               ")";
      });
  add_state(tranche, &make_tranche);

  m.def(
      "evaluate_plan",
      [](py::handle t, py::handle plan, py::handle facts, bool explain) {
        const repurchase_terms& rt = as<py_terms>(t, "RepurchaseTerms", "terms").value;
        const repurchase_plan p = to_plan(plan, "plan");
        const deal_facts& x = facts_or_none(facts);
        repurchase_evaluation ev;
        {
          py::gil_scoped_release release;
          ev = evaluate_plan(rt, p, x, explain_mode_of(explain));
        }
        return plan_dict(ev);
      },
      py::arg("terms"), py::arg("plan"), py::arg("facts") = py::none(), py::kw_only(), py::arg("explain") = true,
      "Checks a plan (a sequence of Tranche) against the terms and prices every tranche: tranches (list of dicts), "
      "units_left, stake_left, fund_flows, fund_irr, fund_multiple, fund_cash_recovered, team_cost, cost_by_buyer, "
      "missed_minimums. Errors name the tranche ('tranches[2].proportion'). explain=False leaves the tranches' "
      "explanations empty: the same numbers, faster.");
  m.def(
      "tranche_units",
      [](py::handle t, py::handle plan) {
        py::list out;
        for (const decimal& u : tranche_units(as<py_terms>(t, "RepurchaseTerms", "terms").value, to_plan(plan, "plan")))
          out.append(from_decimal(u));
        return out;
      },
      py::arg("terms"), py::arg("plan"), "The units each tranche buys back (cumulative rounding down).");

  // ---- equity-to-debt ----
  py::class_<py_conversion> conversion(m, "EquityToDebtTerms",
                                       "When and how the fund's remaining stake becomes a loan (股转债): triggers, the "
                                       "principal rule, the debtors and the loan they owe.");
  conversion
      .def(py::init([](py::handle debtors, py::handle loan_args, py::handle triggers, py::handle principal,
                       py::handle floor, py::handle cap, py::handle units_to) {
             return make_conversion(py::make_tuple(debtors, loan_args, triggers, principal, floor, cap, units_to));
           }),
           py::kw_only(), py::arg("debtors"), py::arg("loan"), py::arg("triggers") = py::tuple(),
           py::arg("principal") = py::none(), py::arg("floor") = py::none(), py::arg("cap") = py::none(),
           py::arg("units_to") = py::tuple(),
           "debtors: [(name, share[, is_company])]; loan: a dict of Loan keyword arguments (rate, periods, frequency, "
           "repayment, day_count, ...); triggers: [('deadline', '5Y'), ('minimum_missed',), ('milestone', name), "
           "'team_election']; principal/floor/cap: PriceFormula (principal None: the window's repurchase price); "
           "units_to: [(holder, share)] (empty: the units are cancelled).")
      .def_property_readonly("debtors", [](const py_conversion& c) { return py::object(c.state[0]); })
      .def_property_readonly("loan", [](const py_conversion& c) {
        py::dict copy;
        for (auto item : py::reinterpret_borrow<py::dict>(c.state[1])) copy[item.first] = item.second;
        return copy;
      })
      .def_property_readonly("triggers", [](const py_conversion& c) { return py::object(c.state[2]); })
      .def_property_readonly("principal", [](const py_conversion& c) { return py::object(c.state[3]); })
      .def_property_readonly("floor", [](const py_conversion& c) { return py::object(c.state[4]); })
      .def_property_readonly("cap", [](const py_conversion& c) { return py::object(c.state[5]); })
      .def_property_readonly("units_to", [](const py_conversion& c) { return py::object(c.state[6]); })
      .def("__repr__", [](const py_conversion& c) {
        return "EquityToDebtTerms(" + std::to_string(c.value.triggers.size()) + " triggers, " +
               std::to_string(c.value.debtors.size()) + " debtors)";
      });
  add_state(conversion, &make_conversion);

  m.def(
      "first_trigger",
      [](py::handle c, py::handle t, py::handle plan, py::handle facts, py::handle reported) {
        const equity_to_debt_terms& e = as<py_conversion>(c, "EquityToDebtTerms", "conversion").value;
        const repurchase_terms& rt = as<py_terms>(t, "RepurchaseTerms", "terms").value;
        const repurchase_plan p = to_plan(plan, "plan");
        const deal_facts& x = facts_or_none(facts);
        const std::vector<reported_event> events = to_reported(reported);
        std::optional<trigger_event> fired;
        {
          py::gil_scoped_release release;
          fired = first_trigger(e, rt, evaluate_plan(rt, p, x), events);
        }
        return trigger_dict(fired);
      },
      py::arg("conversion"), py::arg("terms"), py::arg("plan"), py::arg("facts") = py::none(),
      py::arg("reported") = py::tuple(),
      "The first trigger to fire given the plan and reported events [('milestone', date, name), ('team_election', "
      "date)]: trigger, kind, on, reason; None when none fires.");
  m.def(
      "convert_to_debt",
      [](py::handle c, py::handle t, py::handle plan, py::handle on, py::handle facts) {
        const equity_to_debt_terms& e = as<py_conversion>(c, "EquityToDebtTerms", "conversion").value;
        const repurchase_terms& rt = as<py_terms>(t, "RepurchaseTerms", "terms").value;
        const repurchase_plan p = to_plan(plan, "plan");
        const date day = to_date(on, "on");
        const deal_facts& x = facts_or_none(facts);
        std::optional<conversion_result> r;
        {
          py::gil_scoped_release release;
          r = convert_to_debt(e, rt, p, day, x);
        }
        return conversion_dict(*r);
      },
      py::arg("conversion"), py::arg("terms"), py::arg("plan"), py::arg("on"), py::arg("facts") = py::none(),
      "Converts on `on` after the plan's tranches up to then: the principal and its statement, one loan per debtor "
      "(schedule as LoanRow, totals, legal cap check), where the units go, the fund's whole-life flows, IRR, "
      "multiple and the team's cost.");
  m.def(
      "convert_on_first_trigger",
      [](py::handle c, py::handle t, py::handle plan, py::handle facts, py::handle reported) -> py::object {
        const equity_to_debt_terms& e = as<py_conversion>(c, "EquityToDebtTerms", "conversion").value;
        const repurchase_terms& rt = as<py_terms>(t, "RepurchaseTerms", "terms").value;
        const repurchase_plan p = to_plan(plan, "plan");
        const deal_facts& x = facts_or_none(facts);
        const std::vector<reported_event> events = to_reported(reported);
        std::optional<conversion_result> r;
        {
          py::gil_scoped_release release;
          r = convert_on_first_trigger(e, rt, p, x, events);
        }
        if (!r) return py::none();
        return conversion_dict(*r);
      },
      py::arg("conversion"), py::arg("terms"), py::arg("plan"), py::arg("facts") = py::none(),
      py::arg("reported") = py::tuple(), "convert_to_debt on the first trigger's day; None when no trigger fires.");

  // ---- grant-equivalents ----
  m.def(
      "grant_equivalent",
      [](py::handle t, py::handle plan, py::handle market_price, py::handle discount_rate, py::handle facts) {
        const repurchase_terms& rt = as<py_terms>(t, "RepurchaseTerms", "terms").value;
        const repurchase_plan p = to_plan(plan, "plan");
        const price_formula& mp = as<py_formula>(market_price, "PriceFormula", "market_price").value;
        const decimal rate = to_decimal(discount_rate, "discount_rate");
        const deal_facts& x = facts_or_none(facts);
        std::optional<grant_equivalent_result> g;
        {
          py::gil_scoped_release release;
          g = grant_equivalent(rt, evaluate_plan(rt, p, x), mp, rate, x);
        }
        return grant_dict(*g);
      },
      py::arg("terms"), py::arg("plan"), py::arg("market_price"), py::arg("discount_rate"), py::arg("facts") = py::none(),
      "What the concession is worth: the sum over tranches of (market price - price paid) discounted to the "
      "investment date: value (rounded once), exact, of_investment, explanation.");
  m.def(
      "grant_equivalent_of_flows",
      [](py::handle inv, py::handle flows, py::handle market_rate, py::handle rounding_mode, bool explain) {
        const fund_investment& i = as<py_investment>(inv, "Investment", "investment").value;
        std::vector<cash_flow> cf;
        const py::tuple items = to_tuple(flows, "flows");
        for (std::size_t k = 0; k < items.size(); ++k) {
          const std::string at = "flows[" + std::to_string(k) + "]";
          py::sequence r = to_record(items[k], at, 2, 2, "(date, amount)");
          cf.push_back({to_date(r[0], at + ".on"), money(to_decimal(r[1], at + ".amount"), i.currency())});
        }
        const decimal rate = to_decimal(market_rate, "market_rate");
        const rounding mode = to_rounding(rounding_mode, "rounding");
        std::optional<grant_equivalent_result> g;
        {
          py::gil_scoped_release release;
          g = grant_equivalent_of_flows(i, cf, rate, mode, explain_mode_of(explain));
        }
        return grant_dict(*g);
      },
      py::arg("investment"), py::arg("flows"), py::arg("market_rate"), py::arg("rounding") = "HALF_UP", py::kw_only(),
      py::arg("explain") = true,
      "I - PV(recoveries) at the market rate from the fund's flows [(date, amount)], the investment negative "
      "(explanation empty with explain=False: the same numbers, faster).");

  // ---- exit paths ----
  py::class_<py_path> path(m, "ExitPath", "One way out for the fund; made by the static methods.");
  path.def_static(
          "repurchase",
          [](py::handle plan, py::handle label) {
            return make_path(py::make_tuple("repurchase", py::none(), plan, py::none(), label));
          },
          py::arg("plan"), py::kw_only(), py::arg("label") = "",
          "The team repurchases per the plan (a sequence of Tranche). label: the path's name in results and "
          "tables (default: its own description, 'repurchase per plan').")
      .def_static(
          "conversion",
          [](py::handle on, py::handle plan, py::handle label) {
            return make_path(py::make_tuple("conversion", on, plan, py::none(), label));
          },
          py::arg("on"), py::arg("plan") = py::tuple(), py::kw_only(), py::arg("label") = "",
          "The plan's tranches up to `on`, then the rest converts to debt.")
      .def_static(
          "sale",
          [](py::handle on, py::handle valuation, py::handle label) {
            return make_path(py::make_tuple("sale", on, py::tuple(), valuation, label));
          },
          py::arg("on"), py::arg("valuation"), py::kw_only(), py::arg("label") = "",
          "The fund sells all its units at valuation x U / company units (valuation: 100% of the equity).")
      .def_static(
          "write_off",
          [](py::handle on, py::handle recovered, py::handle label) {
            return make_path(py::make_tuple("write_off", on, py::tuple(), recovered, label));
          },
          py::arg("on"), py::arg("recovered") = py::none(), py::kw_only(), py::arg("label") = "",
          "The stake is written off, with an optional recovery.")
      .def_property_readonly("label", [](const py_path& p) { return p.value.label; })
      .def_property_readonly("kind", [](const py_path& p) { return to_string(p.value.kind); })
      .def_property_readonly("on", [](const py_path& p) -> py::object {
        if (p.value.kind == sweep_path::repurchase) return py::none();
        return from_date(p.value.on);
      })
      .def("__repr__", [](const py_path& p) {
        std::string s = "ExitPath." + to_string(p.value.kind) + "(";
        if (p.value.kind != sweep_path::repurchase) s += to_iso(p.value.on);
        if (p.value.kind == sweep_path::repurchase || p.value.kind == sweep_path::conversion)
          s += std::string(p.value.kind == sweep_path::conversion ? ", " : "") + std::to_string(p.value.plan.tranches.size()) +
               " tranches";
        if (p.value.amount) s += ", " + p.value.amount->to_string();
        if (!p.value.label.empty()) s += ", label=" + p.value.label;
        return s + ")";
      });
  add_state(path, &make_path);

  py::class_<py_deal> deal(m, "ExitDeal",
                           "One deal to compare ways out on: the repurchase terms, the equity-to-debt terms, the facts, "
                           "the company's and the team's units, the market rate for grant-equivalents.");
  deal.def(py::init([](py::handle repurchase, py::handle market_rate, py::handle conv, py::handle f, py::handle company_units,
                       py::handle team_units) {
             return make_deal(py::make_tuple(repurchase, market_rate, conv, f, company_units, team_units));
           }),
           py::arg("repurchase"), py::kw_only(), py::arg("market_rate"), py::arg("conversion") = py::none(),
           py::arg("facts") = py::none(), py::arg("company_units") = 0, py::arg("team_units") = 0)
      .def_property_readonly("repurchase", [](const py_deal& d) { return py::object(d.state[0]); })
      .def_property_readonly("market_rate", [](const py_deal& d) { return from_decimal(d.value.market_rate); })
      .def_property_readonly("conversion", [](const py_deal& d) { return py::object(d.state[2]); })
      .def_property_readonly("facts", [](const py_deal& d) { return py::object(d.state[3]); })
      .def_property_readonly("company_units", [](const py_deal& d) { return from_decimal(d.value.company_units); })
      .def_property_readonly("team_units", [](const py_deal& d) { return from_decimal(d.value.team_units); })
      .def(
          "evaluate",
          [](const py_deal& d, py::handle p, bool explain) {
            const exit_path ep = to_exit_path(as<py_path>(p, "ExitPath", "path").value, d.value.repurchase.investment.currency());
            std::optional<exit_path_result> r;
            {
              py::gil_scoped_release release;
              r = evaluate_exit_path(d.value, ep, explain_mode_of(explain));
            }
            return exit_dict(*r);
          },
          py::arg("path"), py::kw_only(), py::arg("explain") = true,
          "One path: path, fund_irr, fund_multiple, cash_recovered, grant_equivalent, grant_equivalent_share, "
          "team_cost, fund_units_left, team_ownership, fund_flows, grant_equivalent_explanation (empty with "
          "explain=False: the same numbers, faster).")
      .def(
          "compare",
          [](const py_deal& d, py::handle paths) {
            const std::vector<exit_path_result> rs = compare_paths(d, paths);
            py::list out;
            for (const exit_path_result& r : rs) out.append(exit_dict(r));
            return out;
          },
          py::arg("paths"), "evaluate() for each path; an error names the path ('paths[1].on').")
      .def(
          "compare_frame",
          [](const py_deal& d, py::handle paths) {
            const std::vector<exit_path_result> rs = compare_paths(d, paths);
            py::list rows;
            for (const exit_path_result& r : rs) {
              py::dict row;
              row["path"] = r.path;
              for (auto item : exit_scalars(r)) row[item.first] = item.second;
              rows.append(row);
            }
            return pandas_frame(rows, "ExitDeal.compare_frame()");
          },
          py::arg("paths"), "compare() as a pandas DataFrame, one row per path (the scalar fields).")
      .def("__repr__", [](const py_deal& d) {
        return "ExitDeal(" + d.value.repurchase.investment.amount.to_string() + " on " +
               to_iso(d.value.repurchase.investment.on) + (d.value.conversion ? ", convertible" : "") + ", market rate " +
               d.value.market_rate.to_string() + ")";
      });
  add_state(deal, &make_deal);

  m.def(
      "evaluate_exit_path",
      [](py::handle d, py::handle p, bool explain) { return d.attr("evaluate")(p, py::arg("explain") = explain); },
      py::arg("deal"), py::arg("path"), py::kw_only(), py::arg("explain") = true, "ExitDeal.evaluate(path).");
  m.def(
      "compare_exit_paths", [](py::handle d, py::handle paths) { return d.attr("compare")(paths); }, py::arg("deal"),
      py::arg("paths"), "ExitDeal.compare(paths).");

  // ---- sweeps ----
  py::class_<grid_value> grid(m, "ScenarioGrid",
                              "The cartesian product of axis values, row-major in the order exit, valuation, rate, "
                              "proportion (the last varies fastest, as itertools.product). An empty axis is not "
                              "varied.");
  grid.def(py::init([](py::handle exit_on, py::handle exit_year, py::handle valuation, py::handle rate,
                       py::handle proportion) {
             return make_grid(py::make_tuple(exit_on, exit_year, valuation, rate, proportion));
           }),
           py::kw_only(), py::arg("exit_on") = py::tuple(), py::arg("exit_year") = py::tuple(),
           py::arg("valuation") = py::tuple(), py::arg("rate") = py::tuple(), py::arg("proportion") = py::tuple(),
           "exit_on: dates or tenors after the investment ('3Y'); exit_year: whole years after it; valuation: 100% of "
           "the equity in the investment's currency; rate: see SweepSpec.rate_applies_to; proportion: of the original "
           "stake bought back on the exit date, 0..1.")
      .def("__len__", [](const grid_value& g) { return g.value.size(); })
      .def_property_readonly("shape",
                             [](const grid_value& g) {
                               const scenario_grid& x = *g.value.grid();
                               return py::make_tuple(x.exit_on.size(), x.valuation.size(), x.rate.size(),
                                                     x.proportion.size());
                             })
      .def(
          "scenario", [](const grid_value& g, py::handle i) { return scenario_dict(g.value.at(whole_size(i, "index"))); },
          py::arg("index"), "Scenario `index` as a dict of the axes it sets.")
      .def("__repr__", [](const grid_value& g) {
        const scenario_grid& x = *g.value.grid();
        return "ScenarioGrid(" + std::to_string(g.value.size()) + " scenarios: " + std::to_string(x.exit_on.size()) +
               " exits x " + std::to_string(x.valuation.size()) + " valuations x " + std::to_string(x.rate.size()) +
               " rates x " + std::to_string(x.proportion.size()) + " proportions)";
      })
      .def(py::pickle([](const grid_value& g) { return g.state; }, [](const py::tuple& s) { return make_grid(s); }))
      .def(
          "__eq__",
          [](const grid_value& a, py::handle b) -> py::object {
            if (!py::isinstance<grid_value>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::bool_(a.state.equal(b.cast<const grid_value&>().state));
          },
          py::is_operator());

  py::class_<list_value> list(m, "ScenarioList", "An explicit list of scenarios, each a dict of the axes it sets.");
  list.def(py::init([](py::handle scenarios) { return make_list(py::make_tuple(scenarios)); }), py::arg("scenarios"))
      .def("__len__", [](const list_value& l) { return l.value.size(); })
      .def(
          "scenario", [](const list_value& l, py::handle i) { return scenario_dict(l.value.at(whole_size(i, "index"))); },
          py::arg("index"))
      .def("__repr__", [](const list_value& l) { return "ScenarioList(" + std::to_string(l.value.size()) + " scenarios)"; })
      .def(py::pickle([](const list_value& l) { return l.state; }, [](const py::tuple& s) { return make_list(s); }))
      .def(
          "__eq__",
          [](const list_value& a, py::handle b) -> py::object {
            if (!py::isinstance<list_value>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::bool_(a.state.equal(b.cast<const list_value&>().state));
          },
          py::is_operator());

  py::class_<sweep_result>(m, "SweepResult",
                           "The rows of a sweep, still in C++: columns() or to_pandas() converts them.")
      .def("__len__", [](const sweep_result& r) { return r.table.size(); })
      .def_property_readonly(
          "evaluations", [](const sweep_result& r) { return r.table.evaluations(); },
          "How many path evaluations the rows took: each path is evaluated once per distinct combination of the "
          "inputs it reads (a sale ignores the proportion, a repurchase the valuation).")
      .def("columns", &result_columns,
           "A dict of column name -> list: scenario, exit_on, valuation, rate, proportion, then for each path p: "
           "p_fund_irr, p_fund_multiple, p_cash_recovered, p_grant_equivalent, p_grant_equivalent_share, p_team_cost, "
           "p_fund_units_left, p_team_ownership, p_error ('Kind: message' when the path failed, else None).")
      .def(
          "to_pandas", [](const sweep_result& r) { return sweep_frame(result_columns(r), "SweepResult.to_pandas()"); },
          "columns() as a pandas DataFrame.")
      .def(
          "row",
          [](const sweep_result& r, py::handle i) {
            const std::size_t k = whole_size(i, "index");
            if (k >= r.table.size())
              throw py::index_error("row " + std::to_string(k) + " of " + std::to_string(r.table.size()));
            row_columns c(r.table.paths(), r.offset, 1);
            c.add(r.table.row(k));
            return c.first_row();
          },
          py::arg("index"), "Row `index` as a dict of the columns.")
      .def("__repr__", [](const sweep_result& r) { return "SweepResult(" + std::to_string(r.table.size()) + " rows)"; });

  py::class_<py_spec> spec(m, "SweepSpec",
                           "A deal and how each scenario becomes exit paths on it: the paths to evaluate, the tranches "
                           "common to every scenario, who buys the scenario's proportion, which rate the rate axis "
                           "replaces ('price': the repurchase price formulas' rates or spreads; 'market': the "
                           "grant-equivalent's market rate; 'loan': the conversion loan's rate or spread), the base "
                           "values of the axes.");
  spec.def(py::init([](py::handle d, py::handle paths, py::handle plan, py::handle buyer, py::handle rate_applies_to,
                       py::handle base, py::handle recovery) {
             return make_spec(py::make_tuple(d, paths, plan, buyer, rate_applies_to, base, recovery));
           }),
           py::arg("deal"), py::kw_only(), py::arg("paths") = py::make_tuple("repurchase"), py::arg("plan") = py::tuple(),
           py::arg("buyer") = "team", py::arg("rate_applies_to") = "price", py::arg("base") = py::none(),
           py::arg("write_off_recovery") = py::none())
      .def_property_readonly("deal", [](const py_spec& s) { return py::object(s.state[0]); })
      .def_property_readonly("paths",
                             [](const py_spec& s) {
                               py::list out;
                               for (sweep_path p : s.value.paths) out.append(to_string(p));
                               return out;
                             })
      .def(
          "evaluate",
          [](const py_spec& s, py::handle scenario) {
            const sweep_scenario sc = to_scenario(scenario, "scenario");
            std::optional<sweep_row> row;
            {
              py::gil_scoped_release release;
              row = evaluate_scenario(s.value, sc);
            }
            row_columns c(s.value.paths, 0, 1);
            c.add(*row);
            py::dict d = c.first_row();
            if (PyDict_DelItemString(d.ptr(), "scenario") != 0) throw py::error_already_set();
            return d;
          },
          py::arg("scenario"),
          "The single evaluation of one scenario (a dict of axes), with the columns of a sweep row.")
      .def(
          "run",
          [](const py_spec& s, py::handle scenarios, py::handle start, py::handle stop, py::handle offset,
             py::handle threads, py::handle progress) {
            const scenario_set& set = to_scenario_set(scenarios);
            const std::size_t n = set.size();
            const std::size_t first = whole_size(start, "start");
            const std::size_t last = stop.is_none() ? n : whole_size(stop, "stop");
            if (last > n || first > last)
              throw invalid_input("start " + std::to_string(first) + " and stop " + std::to_string(last) +
                                      " do not select scenarios of the " + std::to_string(n),
                                  "stop");
            sweep_options options;
            if (!threads.is_none()) options.threads = static_cast<unsigned>(whole_int(threads, "threads", 1, 4096));
            if (!progress.is_none() && !PyCallable_Check(progress.ptr()))
              throw invalid_input("expected a callable progress(done, total) or None, got " + describe(progress), "progress");
            py::object callback = py::reinterpret_borrow<py::object>(progress);
            // The calling thread only: signals first (Ctrl-C -> KeyboardInterrupt stops the workers).
            options.progress = [&callback](std::size_t done, std::size_t total) {
              py::gil_scoped_acquire gil;
              if (PyErr_CheckSignals() != 0) throw py::error_already_set();
              if (!callback.is_none()) callback(done, total);
            };
            sweep_result result;
            result.offset = whole_size(offset, "offset");
            {
              py::gil_scoped_release release;
              result.table = run_factored_sweep(s.value, set, first, last - first, options);
            }
            return result;
          },
          py::arg("scenarios"), py::kw_only(), py::arg("start") = 0, py::arg("stop") = py::none(),
          py::arg("offset") = 0, py::arg("threads") = py::none(), py::arg("progress") = py::none(),
          "Rows for scenarios[start:stop] on `threads` threads (None: all cores), without the GIL. The row's scenario "
          "number is its index in `scenarios` plus `offset`. progress(done, total) is called on this thread about "
          "every 0.1 s; Ctrl-C raises KeyboardInterrupt once the workers have stopped. The rows do not depend on the "
          "thread count.")
      .def("__repr__", [](const py_spec& s) {
        std::string paths;
        for (sweep_path p : s.value.paths) paths += (paths.empty() ? "" : ", ") + to_string(p);
        return "SweepSpec(" + paths + "; rate applies to " + to_string(s.value.rate_applies_to) + ")";
      });
  add_state(spec, &make_spec);
}

}  // namespace stakecalc::python
