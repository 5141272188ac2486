// Conversions at the Python boundary: exact both ways, with errors that name the argument.
//
// Amounts come in as decimal.Decimal, int or str and go out as decimal.Decimal; a float is refused
// because 0.1 as a float is not one tenth. Dates are datetime.date; exact fractions go out as
// fractions.Fraction.
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

// Only what the conversions need: each bind_<area>.cpp includes its own headers, so adding an area
// does not recompile every binding.
#include "stakecalc/currency.hpp"
#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/rounding.hpp"

namespace stakecalc {
class calendar;
class day_counter;
}  // namespace stakecalc

namespace stakecalc::python {

namespace py = pybind11;

// Cached Python classes (imported once per interpreter).
py::object decimal_class();
py::object fraction_class();

decimal to_decimal(py::handle value, const std::string& field);
// list[index] of a sequence, as to_decimal and to_date, but the common values (an int of 64 bits,
// a str, a decimal.Decimal; a datetime.date) are read without building the field's name, which
// costs an allocation per element: the name is made only for an error.
decimal to_decimal_at(py::handle value, const std::string& list, std::size_t index);
std::optional<decimal> to_optional_decimal(py::handle value, const std::string& field);
// Whether Decimals are read from CPython's representation rather than their text (probed once on
// first use; see convert.cpp). Exposed to the tests as stakecalc._core._reads_decimal_layout.
bool decimal_layout_known();
// For a list of amounts: reads an element that is exactly a decimal.Decimal from its
// representation (as to_decimal_at does), with the class and the probe looked up once for the
// list rather than per element; false for anything else, which then goes to to_decimal_at.
// Runs no Python code, so the caller need not hold a reference of its own to the element.
class exact_decimal_reader {
public:
  exact_decimal_reader();
  bool read(PyObject* v, decimal& out) const;

private:
  PyTypeObject* type_;
  bool layout_known_;
};
py::object from_decimal(const decimal& value);

ratio to_ratio(py::handle value, const std::string& field);  // Fraction, Decimal, int or "a/b" str
py::object from_ratio(const ratio& value);
// Whether from_ratio makes Fractions from their slots rather than through Fraction(n, d) (probed
// once on first use; see convert.cpp). Exposed to the tests as stakecalc._core._makes_fractions_directly.
bool fraction_fast_path_on();
py::object from_big_int(const big_int& value);

date to_date(py::handle value, const std::string& field);
date to_date_at(py::handle value, const std::string& list, std::size_t index);
// A value that is exactly a datetime.date from year 1400 (what to_date_at reads directly); false
// for anything else. Runs no Python code.
bool read_exact_date(PyObject* v, date& out);
// For a list of dates: read_exact_date, with the day number of the first of each month and the
// month's length taken from boost's calendar once per month and thread, and kept (a list of cash
// flows names a few dozen months; boost's constructor, its checks and the day-number formula,
// was most of the conversion). The date is then that first day plus the day of the month.
class exact_date_reader {
public:
  exact_date_reader();
  // Inline, for the loop over a list: a call per element had been a third of the reading.
  bool read(PyObject* v, date& out) const {
    if (Py_TYPE(v) != date_type_) return false;
    // PyDateTime_GET_YEAR, _MONTH and _DAY, from the offset of their bytes (found with datetime.h).
    const auto* data = reinterpret_cast<const unsigned char*>(v) + data_offset_;
    const int y = (data[0] << 8) | data[1], m = data[2], d = data[3];
    if (y < 1400) return false;
    const auto key = static_cast<std::uint32_t>(12 * y + m);
    const month& slot = months_[key % month_slots];
    // (A datetime.date is always a valid date; anything else takes boost's checks and errors.)
    if (slot.key != key || d < 1 || d > slot.length) return read_first_time(v, out, key);
    out = date(static_cast<date::date_int_type>(slot.first_day + static_cast<std::uint32_t>(d - 1)));
    return true;
  }

private:
  struct month {
    std::uint32_t key = 0;  // 12 year + month (never 0 for years from 1400); 0 for an empty slot
    std::uint32_t first_day = 0;
    int length = 0;
  };
  static constexpr std::size_t month_slots = 256;  // months by key mod 256: 21 years without a clash
  bool read_first_time(PyObject* v, date& out, std::uint32_t key) const;  // fills the month's slot
  PyTypeObject* date_type_;
  std::size_t data_offset_;
  month* months_;
};
std::optional<date> to_optional_date(py::handle value, const std::string& field);
py::object from_date(const date& value);

rounding to_rounding(py::handle value, const std::string& field = "mode");
currency to_currency(py::handle value, const std::string& field = "currency");
std::string to_string(py::handle value, const std::string& field);

// A whole number (periods, basis, months) within [low, high]: an int only, since truncating 1.9 to 1
// as a spreadsheet does would hide a mistake; bool is refused too.
long to_int(py::handle value, const std::string& field, long low, long high);

// A Calendar, a built-in calendar's name ("CN") or a calendar's JSON text.
calendar to_calendar(py::handle value, const std::string& field);
// A day-count convention's name ("ACT/365F", "30/360 US", ...).
day_counter to_day_counter(py::handle value, const std::string& field);

// A short description of a Python value for error messages: "float 0.1", "NoneType None".
std::string describe(py::handle value);

}  // namespace stakecalc::python
