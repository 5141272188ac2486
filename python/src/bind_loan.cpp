// The debt engine at the Python boundary: stakecalc.Loan, stakecalc.RateTable, stakecalc.lpr.
//
// Amounts and rates are decimal.Decimal (int and str accepted, float refused: convert.hpp); dates
// are datetime.date. A Loan remembers the arguments it was made from, so that it pickles, and so
// that with_prepayment() can make the new loan from them plus the prepayment.
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convert.hpp"
#include "stakecalc/calendar.hpp"
#include "stakecalc/loan.hpp"
#include "stakecalc/loan_ledger.hpp"
#include "stakecalc/lpr.hpp"
#include "stakecalc/rate_table.hpp"

namespace stakecalc::python {

namespace {

// A Loan as Python sees it: the engine's value and the arguments that made it.
struct py_loan {
  loan value;
  py::tuple args;
  py::dict kwargs;
};

std::optional<std::string> optional_string(py::handle value, const std::string& field) {
  if (value.is_none()) return std::nullopt;
  return to_string(value, field);
}

int whole_number(py::handle value, const std::string& field, long low, long high) {
  return static_cast<int>(to_int(value, field, low, high));
}

// No calendar means every day is a payment day (the loan's default).
calendar to_payment_calendar(py::handle value, const std::string& field) {
  return value.is_none() ? calendar() : to_calendar(value, field);
}

std::vector<rate_fixing> to_fixings(py::handle value, const std::string& field) {
  if (PyUnicode_Check(value.ptr()) || !py::isinstance<py::iterable>(value))
    throw invalid_input("expected a sequence of (date, rate) pairs, got " + describe(value), field);
  std::vector<rate_fixing> out;
  std::size_t i = 0;
  for (py::handle item : py::iter(value)) {
    const std::string at = field + "[" + std::to_string(i++) + "]";
    py::sequence pair = py::reinterpret_borrow<py::sequence>(item);
    if (!py::isinstance<py::sequence>(item) || PyUnicode_Check(item.ptr()) || pair.size() != 2)
      throw invalid_input("expected a (date, rate) pair, got " + describe(item), at);
    out.push_back({to_date(py::object(pair[0]), at + "[0]"), to_decimal(py::object(pair[1]), at + "[1]")});
  }
  return out;
}

py::list from_fixings(const std::vector<rate_fixing>& fixings) {
  py::list out;
  for (const rate_fixing& f : fixings) out.append(py::make_tuple(from_date(f.effective), from_decimal(f.rate)));
  return out;
}

// A benchmark given as a name ("LPR-1Y") or as a RateTable (added to the loan's tables).
std::string to_benchmark(py::handle value, rate_tables& tables, const std::string& field) {
  if (py::isinstance<rate_table>(value)) {
    rate_table t = value.cast<rate_table>();
    std::string name = t.name();
    tables.add(std::move(t));
    return name;
  }
  if (PyUnicode_Check(value.ptr())) {
    std::string name = value.cast<std::string>();
    if (name == "1Y" || name == "5Y") name = "LPR-" + name;  // stakecalc.lpr's spelling
    return name;
  }
  throw invalid_input("expected a benchmark name such as 'LPR-1Y' or a RateTable, got " + describe(value), field);
}

std::vector<prepayment> to_prepayments(py::handle value) {
  std::vector<prepayment> out;
  if (value.is_none()) return out;
  std::size_t i = 0;
  for (py::handle item : py::iter(value)) {
    const std::string at = "prepayments[" + std::to_string(i++) + "]";
    py::sequence p = py::reinterpret_borrow<py::sequence>(item);
    if (!py::isinstance<py::sequence>(item) || PyUnicode_Check(item.ptr()) || p.size() != 3)
      throw invalid_input("expected (date, amount, keep), got " + describe(item), at);
    out.push_back({to_date(py::object(p[0]), at + ".on"), to_decimal(py::object(p[1]), at + ".amount"),
                   parse_prepayment_effect(to_string(py::object(p[2]), at + ".keep"), at + ".keep")});
  }
  return out;
}

std::vector<principal_payment> to_principal_schedule(py::handle value) {
  std::vector<principal_payment> out;
  if (value.is_none()) return out;
  std::size_t i = 0;
  for (py::handle item : py::iter(value)) {
    const std::string at = "principal_schedule[" + std::to_string(i++) + "]";
    py::sequence p = py::reinterpret_borrow<py::sequence>(item);
    if (!py::isinstance<py::sequence>(item) || PyUnicode_Check(item.ptr()) || p.size() != 2)
      throw invalid_input("expected (date, amount), got " + describe(item), at);
    out.push_back({to_date(py::object(p[0]), at + ".on"), to_decimal(py::object(p[1]), at + ".amount")});
  }
  return out;
}

// Builds the terms from Python arguments (all conversions under the GIL) and runs the engine
// without it.
py_loan make_loan(const py::tuple& args, const py::dict& kwargs) {
  static const char* const names[] = {"principal", "rate", "start"};
  static const std::vector<std::string> keywords = {
      "periods", "maturity", "frequency", "repayment", "day_count", "calendar", "convention", "rounding", "currency",
      "grace_periods", "benchmark", "spread", "reset", "floor", "cap", "contract_date", "interest_basis", "stub",
      "end_of_month", "accrue_to_payment_date", "fixing", "reset_anchor", "multiplier", "instalment",
      "principal_schedule", "penalty_markup", "premium_discount", "prepayments", "rates"};
  if (args.size() > 3) throw invalid_input("Loan takes 3 positional arguments (principal, rate, start)", "args");
  py::dict given;
  for (std::size_t i = 0; i < args.size(); ++i) given[names[i]] = args[i];
  for (auto item : kwargs) {
    std::string key = py::str(item.first);
    bool known = std::find(keywords.begin(), keywords.end(), key) != keywords.end() ||
                 key == "principal" || key == "rate" || key == "start";
    if (!known) throw invalid_input("unexpected keyword argument '" + key + "'", key);
    if (given.contains(item.first)) throw invalid_input("given twice", key);
    given[item.first] = item.second;
  }
  auto arg = [&](const char* key) -> py::object {
    return given.contains(key) ? py::object(given[key]) : py::object(py::none());
  };
  for (const char* required : names)
    if (!given.contains(required)) throw invalid_input("missing argument", required);

  loan_terms t;
  rate_tables tables;
  if (!arg("rates").is_none())
    for (py::handle table : py::iter(arg("rates"))) {
      if (!py::isinstance<rate_table>(table)) throw invalid_input("expected RateTable objects, got " + describe(table), "rates");
      tables.add(table.cast<rate_table>());
    }
  t.principal = to_decimal(arg("principal"), "principal");
  t.rate = to_optional_decimal(arg("rate"), "rate");
  t.start = to_date(arg("start"), "start");
  if (!arg("periods").is_none()) t.periods = whole_number(arg("periods"), "periods", 1, 12000);
  if (auto m = to_optional_date(arg("maturity"), "maturity")) t.maturity = moment(*m);
  if (auto f = optional_string(arg("frequency"), "frequency")) t.frequency = tenor::parse(*f, "frequency");
  if (auto r = optional_string(arg("repayment"), "repayment")) t.repayment = parse_repayment_type(*r, "repayment");
  if (auto dc = optional_string(arg("day_count"), "day_count")) t.day_count = day_counter::parse(*dc, "day_count");
  t.payment_calendar = to_payment_calendar(arg("calendar"), "calendar");
  if (auto c = optional_string(arg("convention"), "convention"))
    t.convention = parse_business_day_convention(*c, "convention");
  t.rounding_mode = given.contains("rounding") ? (arg("rounding").is_none() ? std::optional<rounding>()
                                                                           : std::optional<rounding>(to_rounding(arg("rounding"), "rounding")))
                                               : std::optional<rounding>(rounding::half_up);
  if (!arg("currency").is_none()) t.ccy = to_currency(arg("currency"), "currency");
  if (!arg("grace_periods").is_none()) t.grace_periods = whole_number(arg("grace_periods"), "grace_periods", 0, 12000);
  if (!arg("contract_date").is_none()) t.contract_date = to_date(arg("contract_date"), "contract_date");
  if (auto b = optional_string(arg("interest_basis"), "interest_basis")) t.basis = parse_interest_basis(*b, "interest_basis");
  if (auto s = optional_string(arg("stub"), "stub")) t.stub = stub_rule::parse(*s, "stub");
  if (!arg("end_of_month").is_none()) t.end_of_month = arg("end_of_month").cast<bool>();
  if (!arg("accrue_to_payment_date").is_none()) t.accrue_to_payment_date = arg("accrue_to_payment_date").cast<bool>();
  t.instalment = to_optional_decimal(arg("instalment"), "instalment");
  t.principal_schedule = to_principal_schedule(arg("principal_schedule"));
  if (!arg("penalty_markup").is_none()) t.penalty_markup = to_decimal(arg("penalty_markup"), "penalty_markup");
  if (!arg("premium_discount").is_none()) t.premium_discount = to_decimal(arg("premium_discount"), "premium_discount");
  t.prepayments = to_prepayments(arg("prepayments"));

  const bool floating = !arg("benchmark").is_none();
  for (const char* key : {"spread", "reset", "floor", "cap", "fixing", "reset_anchor", "multiplier"})
    if (!floating && !arg(key).is_none() && !(std::string(key) == "spread" && to_decimal(arg(key), key).is_zero()))
      throw invalid_input("only for a loan with a benchmark", key);
  if (floating) {
    floating_rate f;
    f.benchmark = to_benchmark(arg("benchmark"), tables, "benchmark");
    if (!arg("spread").is_none()) f.spread = to_decimal(arg("spread"), "spread");
    if (!arg("multiplier").is_none()) f.multiplier = to_decimal(arg("multiplier"), "multiplier");
    if (auto r = optional_string(arg("reset"), "reset")) f.reset_cycle = cycle::parse(*r, "reset");
    f.reset_anchor = to_optional_date(arg("reset_anchor"), "reset_anchor");
    f.floor = to_optional_decimal(arg("floor"), "floor");
    f.cap = to_optional_decimal(arg("cap"), "cap");
    if (auto x = optional_string(arg("fixing"), "fixing")) f.fixing = parse_fixing_rule(*x, "fixing");
    t.floating = f;
  }
  std::optional<loan> value;
  {
    py::gil_scoped_release release;
    value.emplace(std::move(t), std::move(tables));
  }
  return py_loan{std::move(*value), args, kwargs};
}

py::dict row_dict(const loan_schedule_row& r) {
  py::dict d;
  d["start"] = from_date(r.start);
  d["end"] = from_date(r.end);
  d["date"] = from_date(r.payment_date);
  d["days"] = r.days;
  d["rate"] = from_decimal(r.rate);
  d["opening_balance"] = from_decimal(r.opening_balance);
  d["interest"] = from_decimal(r.interest);
  d["principal"] = from_decimal(r.principal);
  d["payment"] = from_decimal(r.payment);
  d["closing_balance"] = from_decimal(r.closing_balance);
  return d;
}

std::vector<loan_schedule_row> schedule_of(const py_loan& l) {
  py::gil_scoped_release release;
  return l.value.schedule();
}

std::string loan_repr(const py_loan& l) {
  const loan_terms& t = l.value.terms();
  return "Loan(" + std::string(t.ccy.code()) + " " + t.principal.to_string() + ", " + to_string(t.repayment) + ", " +
         to_iso(t.start) + " to " + l.value.maturity().to_string() + ", rate " +
         (l.value.initial_rate() * 100).normalized().to_string() + "%" + (t.floating ? " (" + t.floating->benchmark + ")" : "") +
         ")";
}

std::string table_repr(const rate_table& t) {
  std::string s = "RateTable('" + t.name() + "', " + std::to_string(t.fixings().size()) + " fixings";
  if (!t.empty()) s += ", " + to_iso(*t.first_date()) + " .. " + to_iso(*t.last_date());
  return s + ")";
}

}  // namespace

void bind_loan(py::module_& m) {
  py::class_<loan_schedule_row>(m, "LoanRow", "One payment date of a loan's amortisation table.")
      .def_property_readonly("start", [](const loan_schedule_row& r) { return from_date(r.start); })
      .def_property_readonly("end", [](const loan_schedule_row& r) { return from_date(r.end); })
      .def_property_readonly("date", [](const loan_schedule_row& r) { return from_date(r.payment_date); })
      .def_property_readonly("days", [](const loan_schedule_row& r) { return r.days; })
      .def_property_readonly("rate", [](const loan_schedule_row& r) { return from_decimal(r.rate); })
      .def_property_readonly("opening_balance", [](const loan_schedule_row& r) { return from_decimal(r.opening_balance); })
      .def_property_readonly("interest", [](const loan_schedule_row& r) { return from_decimal(r.interest); })
      .def_property_readonly("principal", [](const loan_schedule_row& r) { return from_decimal(r.principal); })
      .def_property_readonly("payment", [](const loan_schedule_row& r) { return from_decimal(r.payment); })
      .def_property_readonly("closing_balance", [](const loan_schedule_row& r) { return from_decimal(r.closing_balance); })
      .def("_asdict", &row_dict, "The row as a dict of its ten fields.")
      .def("__repr__", [](const loan_schedule_row& r) {
        return "LoanRow(" + to_iso(r.payment_date) + ", interest " + r.interest.to_string() + ", principal " +
               r.principal.to_string() + ", payment " + r.payment.to_string() + ", balance " +
               r.closing_balance.to_string() + ")";
      });

  py::class_<py_loan>(m, "Loan",
                      "A loan (the debt an equity-to-debt conversion creates): schedule, totals, effective rate, "
                      "accrued interest, payoff, prepayment, penalty interest and the legal cap check.")
      .def(py::init([](const py::args& args, const py::kwargs& kwargs) { return make_loan(args, kwargs); }),
           "Loan(principal, rate, start, *, periods=None, maturity=None, frequency='1M', repayment='annuity', "
           "day_count='ACT/360', calendar=None, convention='UNADJUSTED', rounding='HALF_UP', currency='CNY', "
           "grace_periods=0, benchmark=None, spread=0, reset=None, floor=None, cap=None, ...)")
      .def(
          "schedule",
          [](const py_loan& l) {
            py::list out;
            for (const loan_schedule_row& r : schedule_of(l)) out.append(py::cast(r));
            return out;
          },
          "The amortisation table: one LoanRow per payment date.")
      .def(
          "to_pandas",
          [](const py_loan& l) {
            py::object pandas;
            try {
              pandas = py::module_::import("pandas");
            } catch (const py::error_already_set&) {
              throw py::import_error("Loan.to_pandas() needs pandas (pip install pandas)");
            }
            py::dict columns;
            for (const char* c : {"start", "end", "date", "days", "rate", "opening_balance", "interest", "principal",
                                  "payment", "closing_balance"})
              columns[c] = py::list();
            for (const loan_schedule_row& r : schedule_of(l)) {
              py::dict d = row_dict(r);
              for (auto item : d) columns[item.first].cast<py::list>().append(item.second);
            }
            return pandas.attr("DataFrame")(columns);
          },
          "The amortisation table as a pandas DataFrame (Decimal amounts, exact).")
      .def(
          "totals",
          [](const py_loan& l) {
            loan_totals t;
            {
              py::gil_scoped_release release;
              t = l.value.totals();
            }
            py::dict d;
            d["principal"] = from_decimal(t.principal);
            d["interest"] = from_decimal(t.interest);
            d["payments"] = from_decimal(t.payments);
            d["capitalised"] = from_decimal(t.capitalised);
            d["instalments"] = t.instalments;
            d["last_payment"] = t.last_payment ? from_date(*t.last_payment) : py::object(py::none());
            return d;
          },
          "Totals: principal repaid, interest, payments, interest capitalised, number of instalments, last payment.")
      .def(
          "effective_annual_rate",
          [](const py_loan& l) {
            decimal r;
            {
              py::gil_scoped_release release;
              r = l.value.effective_annual_rate();
            }
            return from_decimal(r);
          },
          "The borrower's effective annual rate: XIRR (ACT/365F) of the cash received and paid.")
      .def(
          "accrued_interest", [](const py_loan& l, py::handle on) { return from_decimal(l.value.accrued_interest(to_date(on, "on"))); },
          py::arg("on"), "Interest accrued and unpaid on that day, after its scheduled payments.")
      .def(
          "outstanding_principal",
          [](const py_loan& l, py::handle on) { return from_decimal(l.value.outstanding_principal(to_date(on, "on"))); },
          py::arg("on"))
      .def(
          "payoff_amount", [](const py_loan& l, py::handle on) { return from_decimal(l.value.payoff_amount(to_date(on, "on"))); },
          py::arg("on"), "What settles the loan on that day: outstanding principal plus accrued interest.")
      .def(
          "with_prepayment",
          [](const py_loan& l, py::handle on, py::handle amount, py::handle keep) {
            const date when = to_date(on, "on");
            const decimal how_much = to_decimal(amount, "amount");
            const prepayment_effect effect = parse_prepayment_effect(to_string(keep, "keep"), "keep");
            (void)l.value.with_prepayment(when, how_much, effect);  // validates against this loan
            py::dict kwargs;  // a copy: this loan keeps its own arguments
            for (auto item : l.kwargs) kwargs[item.first] = item.second;
            py::list prepayments;
            if (kwargs.contains("prepayments") && !kwargs["prepayments"].is_none())
              for (py::handle p : py::iter(kwargs["prepayments"])) prepayments.append(p);
            prepayments.append(py::make_tuple(from_date(when), from_decimal(how_much),
                                              effect == prepayment_effect::keep_term ? "term" : "instalment"));
            kwargs["prepayments"] = prepayments;
            return make_loan(l.args, kwargs);
          },
          py::arg("on"), py::arg("amount"), py::arg("keep") = "term",
          "A new loan with a partial prepayment: keep='term' lowers the instalments, keep='instalment' shortens the "
          "term.")
      .def(
          "legal_cap_check",
          [](const py_loan& l) {
            const private_lending_cap_check c = l.value.legal_cap_check();
            py::dict d;
            d["contract_date"] = from_date(c.contract_date);
            d["lpr_1y"] = from_decimal(c.lpr_1y);
            d["cap"] = from_decimal(c.cap);
            d["rate"] = from_decimal(c.rate);
            d["penalty_rate"] = from_decimal(c.penalty_rate);
            d["rate_within_cap"] = c.rate_within_cap;
            d["penalty_within_cap"] = c.penalty_within_cap;
            d["rule"] = c.rule;
            return d;
          },
          "The rate and the penalty rate against four times the 1-year LPR on the contract date.")
      .def(
          "record_payments",
          [](const py_loan& l, py::handle payments, py::handle as_of) {
            std::vector<actual_payment> paid;
            std::size_t i = 0;
            for (py::handle item : py::iter(payments)) {
              const std::string at = "payments[" + std::to_string(i++) + "]";
              py::sequence p = py::reinterpret_borrow<py::sequence>(item);
              if (!py::isinstance<py::sequence>(item) || PyUnicode_Check(item.ptr()) || p.size() != 2)
                throw invalid_input("expected (date, amount), got " + describe(item), at);
              paid.push_back({to_date(py::object(p[0]), at + ".on"), to_decimal(py::object(p[1]), at + ".amount")});
            }
            const loan_statement s = record_payments(l.value, paid, to_date(as_of, "as_of"));
            py::list instalments;
            for (const instalment_status& st : s.instalments) {
              py::dict x;
              x["due"] = from_date(st.due);
              x["principal_due"] = from_decimal(st.principal_due);
              x["interest_due"] = from_decimal(st.interest_due);
              x["principal_paid"] = from_decimal(st.principal_paid);
              x["interest_paid"] = from_decimal(st.interest_paid);
              x["settled_on"] = st.settled_on ? from_date(*st.settled_on) : py::object(py::none());
              x["days_late"] = st.days_late;
              instalments.append(x);
            }
            py::dict d;
            d["as_of"] = from_date(s.as_of);
            d["instalments"] = instalments;
            d["received"] = from_decimal(s.received);
            d["penalty_charged"] = from_decimal(s.penalty_charged);
            d["penalty_paid"] = from_decimal(s.penalty_paid);
            d["penalty_outstanding"] = from_decimal(s.penalty_outstanding);
            d["principal_overdue"] = from_decimal(s.principal_overdue);
            d["interest_overdue"] = from_decimal(s.interest_overdue);
            d["credit"] = from_decimal(s.credit);
            return d;
          },
          py::arg("payments"), py::arg("as_of"),
          "Actual payments [(date, amount), ...] against the schedule, with penalty interest (罚息) on late amounts.")
      .def_property_readonly("maturity", [](const py_loan& l) { return from_date(l.value.maturity().day); })
      .def_property_readonly("initial_rate", [](const py_loan& l) { return from_decimal(l.value.initial_rate()); })
      .def("__repr__", &loan_repr)
      .def(py::pickle([](const py_loan& l) { return py::make_tuple(l.args, l.kwargs); },
                      [](const py::tuple& state) {
                        if (state.size() != 2) throw invalid_input("not a pickled Loan", "state");
                        return make_loan(state[0].cast<py::tuple>(), state[1].cast<py::dict>());
                      }));

  py::class_<rate_table>(m, "RateTable",
                         "A benchmark's history: fixings (date, rate), each in force from its date until the next.")
      .def(py::init([](py::handle name, py::handle fixings) {
             return rate_table(to_string(name, "name"), to_fixings(fixings, "fixings"));
           }),
           py::arg("name"), py::arg("fixings") = py::tuple())
      .def_static(
          "from_json", [](py::handle text) { return rate_table::parse_json(to_string(text, "text")); }, py::arg("text"),
          "A table from JSON: {\"name\", \"unit\": \"fraction\" | \"percent\", \"fixings\": [{\"date\", \"rate\"}]}.")
      .def("to_json", &rate_table::to_json_text)
      .def_property_readonly("name", &rate_table::name)
      .def_property_readonly("fixings", [](const rate_table& t) { return from_fixings(t.fixings()); })
      .def(
          "rate_on", [](const rate_table& t, py::handle on) { return from_decimal(t.rate_on(to_date(on, "on"))); },
          py::arg("on"), "The rate in force on that day.")
      .def(
          "with_fixings", [](const rate_table& t, py::handle f) { return t.with_fixings(to_fixings(f, "fixings")); },
          py::arg("fixings"), "A copy with these fixings added (a fixing on an existing date replaces it).")
      .def(py::self == py::self)  // NOLINT
      .def("__hash__", [](const rate_table& t) { return py::hash(py::str(t.to_json_text())); })
      .def("__len__", [](const rate_table& t) { return t.fixings().size(); })
      .def("__repr__", &table_repr)
      .def(py::pickle([](const rate_table& t) { return py::make_tuple(t.to_json_text()); },
                      [](const py::tuple& state) { return rate_table::parse_json(state[0].cast<std::string>()); }));

  m.def(
      "lpr",
      [](py::handle tenor_name, py::handle on) {
        return from_decimal(lpr(parse_lpr_tenor(to_string(tenor_name, "tenor"), "tenor"), to_date(on, "on")));
      },
      py::arg("tenor") = "1Y", py::kw_only(), py::arg("on"),
      "China's loan prime rate ('1Y' or '5Y') in force on a day, as a Decimal fraction (3.85% is Decimal('0.0385')).");
  m.def(
      "lpr_table", [](py::handle tenor_name) { return lpr_table(parse_lpr_tenor(to_string(tenor_name, "tenor"), "tenor")); },
      py::arg("tenor") = "1Y", "The built-in LPR history as a RateTable (extend it with with_fixings).");
}

}  // namespace stakecalc::python
