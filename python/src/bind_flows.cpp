// Dated cash flows (xnpv, xirr, npv, irr, multiple, payback_date) and the spreadsheet functions
// (the stakecalc.excel submodule) at the Python boundary. Decimal in, Decimal out; int and str
// are accepted for amounts and rates, float is refused (see convert.hpp).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "convert.hpp"
#include "stakecalc/cash_flow.hpp"
#include "stakecalc/spreadsheet.hpp"

namespace stakecalc::python {

namespace {

// Converts each element of a sequence: read(item, out) first, a fast path that runs no Python
// code and so needs no reference of its own to the item (a reference count written is a cache
// line dirtied, per element); convert(item, field, index) when it declines. A list or tuple, what
// nearly every caller passes, is indexed directly into a vector sized once; anything else is
// iterated. The size is read again at every step because a list may change while its elements
// convert (a Decimal subclass runs Python code on the slow path), as its iterator would see it.
constexpr Py_ssize_t prefetch_distance = 4;

template <class T, class Read, class Convert>
std::vector<T> convert_list(py::handle values, const std::string& field, Read read, Convert convert) {
  std::vector<T> out;
  PyObject* const v = values.ptr();
  if (PyList_CheckExact(v) || PyTuple_CheckExact(v)) {
    out.reserve(static_cast<std::size_t>(PySequence_Fast_GET_SIZE(v)));
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(v); ++i) {
      // The elements are scattered objects, often not in cache (a loop over many lists): asking
      // for the one a few places ahead (both cache lines a Decimal's value spans) lets those
      // reads overlap this element's conversion instead of following it.
      if (i + prefetch_distance < PySequence_Fast_GET_SIZE(v)) {
        const char* ahead = reinterpret_cast<const char*>(PySequence_Fast_GET_ITEM(v, i + prefetch_distance));
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + 64);
      }
      PyObject* const element = PySequence_Fast_GET_ITEM(v, i);
      T value;
      if (read(element, value)) {
        out.push_back(value);
        continue;
      }
      // Owned for the call: the slow path could drop it from a list that is the only other owner.
      const auto item = py::reinterpret_borrow<py::object>(element);
      out.push_back(convert(item, field, static_cast<std::size_t>(i)));
    }
    return out;
  }
  std::size_t i = 0;
  for (py::handle item : py::iter(values)) out.push_back(convert(item, field, i++));
  return out;
}

std::vector<decimal> decimal_list(py::handle values, const std::string& field) {
  if (PyUnicode_Check(values.ptr()) || !py::isinstance<py::iterable>(values))
    throw invalid_input("expected a sequence of Decimal, int or str, got " + describe(values), field);
  const exact_decimal_reader reader;
  return convert_list<decimal>(values, field, [&](PyObject* v, decimal& out) { return reader.read(v, out); },
                               to_decimal_at);
}

std::vector<date> date_list(py::handle values, const std::string& field) {
  if (PyUnicode_Check(values.ptr()) || !py::isinstance<py::iterable>(values))
    throw invalid_input("expected a sequence of datetime.date, got " + describe(values), field);
  const exact_date_reader reader;
  return convert_list<date>(values, field, [&](PyObject* v, date& out) { return reader.read(v, out); }, to_date_at);
}

// Whole-number arguments (type, basis, periods, months); the functions check their own ranges.
long whole(py::handle value, const std::string& field) { return to_int(value, field, -1000000000L, 1000000000L); }
int flag(py::handle value, const std::string& field) { return static_cast<int>(whole(value, field)); }

// Excel's NPV(rate, value1, [value2], ...): each argument a number or a range (a sequence).
std::vector<decimal> flatten(const py::args& values) {
  std::vector<decimal> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    py::handle v = values[i];
    if (!PyUnicode_Check(v.ptr()) && py::isinstance<py::iterable>(v)) {
      for (auto& d : decimal_list(v, "values[" + std::to_string(i) + "]")) out.push_back(d);
    } else {
      out.push_back(to_decimal(v, "values[" + std::to_string(i) + "]"));
    }
  }
  return out;
}

}  // namespace

void bind_flows(py::module_& m) {
  m.def(
      "xnpv",
      [](py::handle rate, py::handle amounts, py::handle dates, py::handle day_count) {
        decimal r = to_decimal(rate, "rate");
        std::vector<decimal> a = decimal_list(amounts, "amounts");
        std::vector<date> d = date_list(dates, "dates");
        day_counter dc = to_day_counter(day_count, "day_count");
        decimal result;
        {
          py::gil_scoped_release release;
          result = xnpv(r, a, d, dc);
        }
        return from_decimal(result);
      },
      py::arg("rate"), py::arg("amounts"), py::arg("dates"), py::kw_only(), py::arg("day_count") = "ACT/365F",
      "Net present value of dated amounts at `rate`, discounted to the earliest date with year fractions on "
      "`day_count` (ACT/365F: days / 365, as the spreadsheet). Decimal to 30 significant digits.");
  m.def(
      "xirr",
      [](py::handle amounts, py::handle dates, py::handle guess, py::handle day_count) {
        std::vector<decimal> a = decimal_list(amounts, "amounts");
        std::vector<date> d = date_list(dates, "dates");
        std::optional<decimal> g = to_optional_decimal(guess, "guess");
        day_counter dc = to_day_counter(day_count, "day_count");
        decimal result;
        {
          py::gil_scoped_release release;
          result = xirr(a, d, g, dc);
        }
        return from_decimal(result);
      },
      py::arg("amounts"), py::arg("dates"), py::kw_only(), py::arg("guess") = py::none(),
      py::arg("day_count") = "ACT/365F",
      "The rate at which xnpv is zero, to 30 significant digits. Dates in any order. With several roots, the "
      "first sign change found scanning out from the guess (default 0.1) in ln(1 + rate). Raises NoSolution "
      "when the amounts are not of both signs or no rate makes xnpv change sign.");
  m.def(
      "npv", [](py::handle rate, py::handle amounts) { return from_decimal(npv(to_decimal(rate, "rate"), decimal_list(amounts, "amounts"))); },
      py::arg("rate"), py::arg("amounts"),
      "sum(amounts[i] / (1 + rate)**i): amounts[0] is not discounted (numpy-financial's convention; "
      "stakecalc.excel.npv discounts the first value by one period, as the spreadsheet).");
  m.def(
      "irr",
      [](py::handle amounts, py::handle guess) {
        return from_decimal(irr(decimal_list(amounts, "amounts"), to_optional_decimal(guess, "guess")));
      },
      py::arg("amounts"), py::kw_only(), py::arg("guess") = py::none(),
      "The periodic rate at which npv is zero (root rule and errors as xirr).");
  m.def(
      "multiple", [](py::handle amounts) { return from_ratio(multiple(decimal_list(amounts, "amounts"))); },
      py::arg("amounts"), "Multiple on invested capital: received / paid out, an exact Fraction.");
  m.def(
      "payback_date",
      [](py::handle amounts, py::handle dates) -> py::object {
        auto day = payback_date(decimal_list(amounts, "amounts"), date_list(dates, "dates"));
        if (!day) return py::none();
        return from_date(*day);
      },
      py::arg("amounts"), py::arg("dates"),
      "The first date from which the cumulative net flow stays >= 0 through the last date; None if it ends "
      "negative.");

  namespace ss = stakecalc::spreadsheet;
  py::module_ x = m.def_submodule(
      "excel",
      "The spreadsheet's financial functions with its argument order, defaults and signs; Decimal in and out "
      "(30 significant digits). Errors instead of #NUM!/#VALUE!.");
  x.def(
      "pmt",
      [](py::handle rate, py::handle nper, py::handle pv, py::handle fv, py::handle type) {
        return from_decimal(ss::pmt(to_decimal(rate, "rate"), to_decimal(nper, "nper"), to_decimal(pv, "pv"),
                                    to_decimal(fv, "fv"), flag(type, "type")));
      },
      py::arg("rate"), py::arg("nper"), py::arg("pv"), py::arg("fv") = 0, py::arg("type") = 0,
      "PMT(rate, nper, pv, [fv], [type]): the payment per period.");
  x.def(
      "ipmt",
      [](py::handle rate, py::handle per, py::handle nper, py::handle pv, py::handle fv, py::handle type) {
        return from_decimal(ss::ipmt(to_decimal(rate, "rate"), to_decimal(per, "per"), to_decimal(nper, "nper"),
                                     to_decimal(pv, "pv"), to_decimal(fv, "fv"), flag(type, "type")));
      },
      py::arg("rate"), py::arg("per"), py::arg("nper"), py::arg("pv"), py::arg("fv") = 0, py::arg("type") = 0,
      "IPMT(rate, per, nper, pv, [fv], [type]): the interest part of payment `per`.");
  x.def(
      "ppmt",
      [](py::handle rate, py::handle per, py::handle nper, py::handle pv, py::handle fv, py::handle type) {
        return from_decimal(ss::ppmt(to_decimal(rate, "rate"), to_decimal(per, "per"), to_decimal(nper, "nper"),
                                     to_decimal(pv, "pv"), to_decimal(fv, "fv"), flag(type, "type")));
      },
      py::arg("rate"), py::arg("per"), py::arg("nper"), py::arg("pv"), py::arg("fv") = 0, py::arg("type") = 0,
      "PPMT(rate, per, nper, pv, [fv], [type]): the principal part of payment `per`.");
  x.def(
      "cumipmt",
      [](py::handle rate, py::handle nper, py::handle pv, py::handle start, py::handle end, py::handle type) {
        return from_decimal(ss::cumipmt(to_decimal(rate, "rate"), to_decimal(nper, "nper"), to_decimal(pv, "pv"),
                                        whole(start, "start_period"), whole(end, "end_period"), flag(type, "type")));
      },
      py::arg("rate"), py::arg("nper"), py::arg("pv"), py::arg("start_period"), py::arg("end_period"), py::arg("type"),
      "CUMIPMT(rate, nper, pv, start_period, end_period, type): interest paid over the periods.");
  x.def(
      "cumprinc",
      [](py::handle rate, py::handle nper, py::handle pv, py::handle start, py::handle end, py::handle type) {
        return from_decimal(ss::cumprinc(to_decimal(rate, "rate"), to_decimal(nper, "nper"), to_decimal(pv, "pv"),
                                         whole(start, "start_period"), whole(end, "end_period"), flag(type, "type")));
      },
      py::arg("rate"), py::arg("nper"), py::arg("pv"), py::arg("start_period"), py::arg("end_period"), py::arg("type"),
      "CUMPRINC(rate, nper, pv, start_period, end_period, type): principal paid over the periods.");
  x.def(
      "fv",
      [](py::handle rate, py::handle nper, py::handle pmt, py::handle pv, py::handle type) {
        return from_decimal(ss::fv(to_decimal(rate, "rate"), to_decimal(nper, "nper"), to_decimal(pmt, "pmt"),
                                   to_decimal(pv, "pv"), flag(type, "type")));
      },
      py::arg("rate"), py::arg("nper"), py::arg("pmt"), py::arg("pv") = 0, py::arg("type") = 0,
      "FV(rate, nper, pmt, [pv], [type]): the future value.");
  x.def(
      "pv",
      [](py::handle rate, py::handle nper, py::handle pmt, py::handle fv, py::handle type) {
        return from_decimal(ss::pv(to_decimal(rate, "rate"), to_decimal(nper, "nper"), to_decimal(pmt, "pmt"),
                                   to_decimal(fv, "fv"), flag(type, "type")));
      },
      py::arg("rate"), py::arg("nper"), py::arg("pmt"), py::arg("fv") = 0, py::arg("type") = 0,
      "PV(rate, nper, pmt, [fv], [type]): the present value.");
  x.def(
      "nper",
      [](py::handle rate, py::handle pmt, py::handle pv, py::handle fv, py::handle type) {
        return from_decimal(ss::nper(to_decimal(rate, "rate"), to_decimal(pmt, "pmt"), to_decimal(pv, "pv"),
                                     to_decimal(fv, "fv"), flag(type, "type")));
      },
      py::arg("rate"), py::arg("pmt"), py::arg("pv"), py::arg("fv") = 0, py::arg("type") = 0,
      "NPER(rate, pmt, pv, [fv], [type]): the number of periods.");
  x.def(
      "rate",
      [](py::handle nper, py::handle pmt, py::handle pv, py::handle fv, py::handle type, py::handle guess) {
        return from_decimal(ss::rate(to_decimal(nper, "nper"), to_decimal(pmt, "pmt"), to_decimal(pv, "pv"),
                                     to_decimal(fv, "fv"), flag(type, "type"),
                                     guess.is_none() ? decimal::parse("0.1") : to_decimal(guess, "guess")));
      },
      py::arg("nper"), py::arg("pmt"), py::arg("pv"), py::arg("fv") = 0, py::arg("type") = 0,
      py::arg("guess") = py::none(), "RATE(nper, pmt, pv, [fv], [type], [guess]): the rate per period (guess 0.1).");
  x.def(
      "npv",
      [](py::handle rate, const py::args& values) { return from_decimal(ss::npv(to_decimal(rate, "rate"), flatten(values))); },
      py::arg("rate"),
      "NPV(rate, value1, [value2], ...): each value a number or a sequence; the first value is discounted by one "
      "period.");
  x.def(
      "irr",
      [](py::handle values, py::handle guess) {
        return from_decimal(ss::irr(decimal_list(values, "values"),
                                    guess.is_none() ? decimal::parse("0.1") : to_decimal(guess, "guess")));
      },
      py::arg("values"), py::arg("guess") = py::none(), "IRR(values, [guess]): the periodic internal rate of return.");
  x.def(
      "xnpv",
      [](py::handle rate, py::handle values, py::handle dates) {
        return from_decimal(ss::xnpv(to_decimal(rate, "rate"), decimal_list(values, "values"), date_list(dates, "dates")));
      },
      py::arg("rate"), py::arg("values"), py::arg("dates"),
      "XNPV(rate, values, dates): discounted to dates[0] on days / 365; no date may precede dates[0].");
  x.def(
      "xirr",
      [](py::handle values, py::handle dates, py::handle guess) {
        return from_decimal(ss::xirr(decimal_list(values, "values"), date_list(dates, "dates"),
                                     guess.is_none() ? decimal::parse("0.1") : to_decimal(guess, "guess")));
      },
      py::arg("values"), py::arg("dates"), py::arg("guess") = py::none(),
      "XIRR(values, dates, [guess]): the rate at which XNPV is zero.");
  x.def(
      "yearfrac",
      [](py::handle start, py::handle end, py::handle basis) {
        return from_decimal(ss::yearfrac(to_date(start, "start_date"), to_date(end, "end_date"), flag(basis, "basis")));
      },
      py::arg("start_date"), py::arg("end_date"), py::arg("basis") = 0,
      "YEARFRAC(start_date, end_date, [basis]): basis 0 US 30/360, 1 actual/actual, 2 actual/360, 3 actual/365, "
      "4 European 30/360.");
  x.def(
      "effect",
      [](py::handle rate, py::handle npery) {
        return from_decimal(ss::effect(to_decimal(rate, "nominal_rate"), whole(npery, "npery")));
      },
      py::arg("nominal_rate"), py::arg("npery"), "EFFECT(nominal_rate, npery): the effective annual rate.");
  x.def(
      "nominal",
      [](py::handle rate, py::handle npery) {
        return from_decimal(ss::nominal(to_decimal(rate, "effect_rate"), whole(npery, "npery")));
      },
      py::arg("effect_rate"), py::arg("npery"), "NOMINAL(effect_rate, npery): the nominal annual rate.");
  x.def(
      "edate",
      [](py::handle start, py::handle months) { return from_date(ss::edate(to_date(start, "start_date"), whole(months, "months"))); },
      py::arg("start_date"), py::arg("months"), "EDATE(start_date, months): the same day `months` later (clamped).");
  x.def(
      "eomonth",
      [](py::handle start, py::handle months) {
        return from_date(ss::eomonth(to_date(start, "start_date"), whole(months, "months")));
      },
      py::arg("start_date"), py::arg("months"), "EOMONTH(start_date, months): the last day of the month `months` later.");
}

}  // namespace stakecalc::python
