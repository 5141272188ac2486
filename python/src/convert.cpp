#include "convert.hpp"

#include <datetime.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "stakecalc/calendar.hpp"
#include "stakecalc/day_count.hpp"

namespace stakecalc::python {

py::object decimal_class() {
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> storage;
  return storage.call_once_and_store_result([] { return py::module_::import("decimal").attr("Decimal"); }).get_stored();
}
py::object fraction_class() {
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> storage;
  return storage.call_once_and_store_result([] { return py::module_::import("fractions").attr("Fraction"); })
      .get_stored();
}

std::string describe(py::handle value) {
  std::string type = py::str(py::type::handle_of(value).attr("__name__"));
  std::string text = py::repr(value);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return type + " " + text;
}

namespace {

// Runs a probe of the interpreter's internals (the fast paths below use them only if it passes):
// false when it fails or throws, a Python error included.
template <class Probe>
bool probe_passes(Probe probe) {
  try {
    return probe();
  } catch (const std::exception&) {
    PyErr_Clear();
    return false;
  }
}

// ---- reading a decimal.Decimal without its text ----------------------------------------------
//
// str(Decimal) and its parse were most of the cost of a list of amounts (a malloc, a digit loop and
// a free per element). CPython's C decimal (Modules/_decimal, on libmpdec) keeps each value in an
// mpd_t right after the object header and the cached hash: a flag byte (sign, NaN, infinity), the
// exponent, the digit count, and the coefficient as `len` words of 19 decimal digits. That layout
// is not a public API, so it is used only after probing it: values made by decimal.Decimal itself
// must read back exactly as their text says, on this interpreter, before any caller's value is
// read this way. If a probe disagrees (another implementation, a changed layout), every Decimal
// goes through its text as before. Python 3.13's public decimal C API (PyDec_AsUint128Triple)
// would replace this where available.
struct mpd_mirror {  // libmpdec's mpd_t on a 64-bit build
  std::uint8_t flags;
  std::int64_t exp;
  std::int64_t digits;
  std::int64_t len;
  std::int64_t alloc;
  std::uint64_t* data;
};
struct decimal_object_mirror {  // _decimal's PyDecObject
  PyObject_HEAD
  Py_hash_t hash;
  mpd_mirror dec;
};
constexpr std::uint8_t mpd_negative = 1, mpd_special = 2 | 4 | 8;  // MPD_NEG; MPD_INF | MPD_NAN | MPD_SNAN

// The value of a finite Decimal whose coefficient is one word below 2^63 and whose exponent is
// at most 0: that coefficient with scale -exponent, as decimal::parse reads its str (trailing
// zeros kept). False for anything else.
bool read_decimal_layout(PyObject* v, decimal& out) {
  const mpd_mirror& d = reinterpret_cast<const decimal_object_mirror*>(v)->dec;
  if ((d.flags & mpd_special) != 0 || d.len != 1 || d.exp > 0 || d.exp < -decimal::max_scale ||
      d.data[0] > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return false;
  const auto coefficient = static_cast<std::int64_t>(d.data[0]);
  out = decimal::from_parts((d.flags & mpd_negative) != 0 ? -coefficient : coefficient, static_cast<int>(-d.exp));
  return true;
}

// Whether read_decimal_layout reads Decimals made here exactly as their text says.
bool decimal_layout_matches() {
  const py::object type = decimal_class();
  if (reinterpret_cast<PyTypeObject*>(type.ptr())->tp_basicsize <
      static_cast<Py_ssize_t>(sizeof(decimal_object_mirror)))
    return false;
  // Each probe: its text, then what the layout must say (or that it must refuse it).
  const struct {
    const char* text;
    bool readable;
    std::int64_t coefficient;
    int scale;
  } probes[] = {{"-12.30", true, -1230, 2},
                {"0", true, 0, 0},
                {"-0.000", true, 0, 3},
                {"9223372036854775807", true, 9223372036854775807LL, 0},
                {"0.0000000000000000000000000000001", true, 1, 31},
                {"1234567890123456789.01", false, 0, 0},  // two words
                {"9223372036854775808", false, 0, 0},     // one word, beyond 63 bits
                {"1E+3", false, 0, 0},
                {"NaN", false, 0, 0},
                {"-Infinity", false, 0, 0}};
  for (const auto& probe : probes) {
    const py::object value = type(probe.text);
    decimal got;
    const bool read = read_decimal_layout(value.ptr(), got);
    if (read != probe.readable) return false;
    if (read && (got.to_string() != decimal::from_parts(probe.coefficient, probe.scale).to_string() ||
                 got.scale() != probe.scale))
      return false;
  }
  return true;
}

}  // namespace

bool decimal_layout_known() {
  // Probed once per process. Not a plain function-local static: its initialiser runs Python code,
  // which may hand the GIL to a thread that would then wait on the static while holding the GIL.
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<bool> known;
  return known.call_once_and_store_result([] { return sizeof(void*) == 8 && probe_passes(decimal_layout_matches); })
      .get_stored();
}

namespace {

// A decimal.Decimal (exactly that type) read from its representation, when the layout is known and
// the value fits read_decimal_layout; false otherwise (the caller then reads its text).
bool read_decimal_object(PyObject* v, decimal& out) {
  return Py_TYPE(v) == reinterpret_cast<PyTypeObject*>(decimal_class().ptr()) && decimal_layout_known() &&
         read_decimal_layout(v, out);
}

}  // namespace

exact_decimal_reader::exact_decimal_reader()
    : type_(reinterpret_cast<PyTypeObject*>(decimal_class().ptr())), layout_known_(decimal_layout_known()) {}

bool exact_decimal_reader::read(PyObject* v, decimal& out) const {
  return layout_known_ && Py_TYPE(v) == type_ && read_decimal_layout(v, out);
}

decimal to_decimal(py::handle value, const std::string& field) {
  if (value.is_none()) throw invalid_input("expected a Decimal, int or str, got None", field);
  if (PyBool_Check(value.ptr())) throw invalid_input("expected a Decimal, int or str, got bool " + describe(value), field);
  if (PyLong_Check(value.ptr())) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (!overflow) return decimal(v);
    return decimal::parse(std::string(py::str(value)), field);
  }
  if (PyUnicode_Check(value.ptr())) return decimal::parse(value.cast<std::string>(), field);
  if (PyFloat_Check(value.ptr()))
    throw invalid_input("a float is not an exact amount (0.1 as a float is not one tenth): got " + describe(value) +
                            "; pass decimal.Decimal('...') or a str such as '0.1'",
                        field);
  if (py::isinstance(value, decimal_class())) {
    decimal read;
    if (read_decimal_object(value.ptr(), read)) return read;
    if (!value.attr("is_finite")().cast<bool>())
      throw invalid_input("expected a finite Decimal, got " + std::string(py::str(value)), field);
    return decimal::parse(std::string(py::str(value)), field);
  }
  throw invalid_input("expected a Decimal, int or str, got " + describe(value), field);
}

namespace {

// The plain text that str(Decimal) gives for most amounts, and that most str amounts are: an
// optional '-', digits, and optionally a point followed by more digits, at most 18 digits in all
// (leading zeros included), which always fit the 64-bit coefficient.
// decimal::parse gives the same value for such text; it is read here without parse's temporary
// strings and strtoll because a list of amounts spent most of its conversion there. Anything else
// (exponents, '+', spaces, NaN, longer coefficients, errors) returns false and goes to
// decimal::parse, so what is accepted and what is refused, and how, does not change.
bool parse_plain_decimal(const char* text, Py_ssize_t size, decimal& out) {
  const char* p = text;
  const char* const end = text + size;
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  std::int64_t coefficient = 0;
  int digits = 0;
  // Reads a run of digits into the coefficient; false past 18 digits, before it could overflow.
  const auto read_digits = [&] {
    for (; p != end && *p >= '0' && *p <= '9'; ++p) {
      if (++digits > 18) return false;
      coefficient = coefficient * 10 + (*p - '0');
    }
    return true;
  };
  const char* const integer_start = p;
  if (!read_digits() || p == integer_start) return false;
  int fraction = 0;
  if (p != end && *p == '.') {
    const char* const fraction_start = ++p;
    if (!read_digits()) return false;
    fraction = static_cast<int>(p - fraction_start);
    if (fraction == 0) return false;
  }
  if (p != end) return false;
  out = decimal::from_parts(negative ? -coefficient : coefficient, fraction);
  return true;
}

// Text of an amount: the plain form directly, anything else through decimal::parse.
decimal decimal_from_text(const char* text, Py_ssize_t size, const std::string& where) {
  decimal plain;
  if (parse_plain_decimal(text, size, plain)) return plain;
  return decimal::parse(std::string_view(text, size), where);
}

}  // namespace

decimal to_decimal_at(py::handle value, const std::string& list, std::size_t index) {
  PyObject* v = value.ptr();
  decimal read;
  try {
    if (PyLong_CheckExact(v)) {
      int overflow = 0;
      const long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
      if (!overflow) return decimal(x);
    } else if (PyUnicode_CheckExact(v)) {
      Py_ssize_t size = 0;
      if (const char* text = PyUnicode_AsUTF8AndSize(v, &size)) return decimal_from_text(text, size, list);
      PyErr_Clear();
    } else if (read_decimal_object(v, read)) {
      return read;
    } else if (Py_TYPE(v) == reinterpret_cast<PyTypeObject*>(decimal_class().ptr())) {
      // Its str is the exact value ("1.50", "1E+3"); NaN and infinities fail to parse and are then
      // refused below with the finite-Decimal message.
      if (PyObject* text_object = PyObject_Str(v)) {
        const py::object owned = py::reinterpret_steal<py::object>(text_object);
        Py_ssize_t size = 0;
        if (const char* text = PyUnicode_AsUTF8AndSize(text_object, &size)) return decimal_from_text(text, size, list);
      }
      PyErr_Clear();
    }
  } catch (const error&) {
    // Refused: said again below, naming the element.
  }
  return to_decimal(value, list + "[" + std::to_string(index) + "]");
}

std::optional<decimal> to_optional_decimal(py::handle value, const std::string& field) {
  if (value.is_none()) return std::nullopt;
  return to_decimal(value, field);
}

py::object from_decimal(const decimal& value) { return decimal_class()(value.to_string()); }

py::object from_big_int(const big_int& value) {
  if (value >= detail::int64_min_big() && value <= detail::int64_max_big())
    return py::int_(static_cast<long long>(value));
  // In hexadecimal: Python limits decimal int<->str conversions to 4,300 digits (CVE-2020-10735),
  // but not those in a power-of-two base, and an exact result may be longer than that.
  const big_int magnitude = boost::multiprecision::abs(value);
  const std::string hex = magnitude.str(0, std::ios_base::hex);
  PyObject* raw = PyLong_FromString(hex.c_str(), nullptr, 16);
  if (!raw) throw py::error_already_set();
  py::object result = py::reinterpret_steal<py::object>(raw);
  if (value.sign() < 0) result = py::reinterpret_steal<py::object>(PyNumber_Negative(result.ptr()));
  if (!result) throw py::error_already_set();
  return result;
}

ratio to_ratio(py::handle value, const std::string& field) {
  if (py::isinstance(value, fraction_class()))
    return ratio(to_decimal(value.attr("numerator"), field).coefficient(),
                 to_decimal(value.attr("denominator"), field).coefficient());
  if (PyUnicode_Check(value.ptr())) return ratio::parse(value.cast<std::string>(), field);
  return ratio(to_decimal(value, field));
}

namespace {

// A Fraction from a numerator and a positive denominator already in lowest terms (every ratio is),
// made as Python 3.12's Fraction._from_coprime_ints makes one: object.__new__ and the two slots.
// Fraction(n, d) checks its arguments' types and divides by their gcd in Python code, a
// microsecond and more each, and a sweep's table makes hundreds of thousands. The slots are an
// implementation detail, so they are used only after a probe: Fractions made this way must equal,
// hash, print and behave as Fraction(n, d) does on this interpreter; otherwise Fraction(n, d).
py::object fraction_from_slots(py::handle numerator, py::handle denominator) {
  static PyObject* const numerator_slot = PyUnicode_InternFromString("_numerator");
  static PyObject* const denominator_slot = PyUnicode_InternFromString("_denominator");
  static PyObject* const no_arguments = PyTuple_New(0);
  auto* type = reinterpret_cast<PyTypeObject*>(fraction_class().ptr());
  py::object made = py::reinterpret_steal<py::object>(PyBaseObject_Type.tp_new(type, no_arguments, nullptr));
  if (!made || PyObject_SetAttr(made.ptr(), numerator_slot, numerator.ptr()) != 0 ||
      PyObject_SetAttr(made.ptr(), denominator_slot, denominator.ptr()) != 0)
    throw py::error_already_set();
  return made;
}

// Whether Fractions made by fraction_from_slots behave as Fraction(n, d).
bool fraction_slots_match() {
  const py::object type = fraction_class();
  for (const auto& [n, d] : {std::pair<long long, long long>{3, 4}, {-7, 1}, {0, 1}, {-5, 12}}) {
    const py::object made = fraction_from_slots(py::int_(n), py::int_(d));
    const py::object usual = type(n, d);
    const py::object numerator = made.attr("numerator"), denominator = made.attr("denominator");
    if (!py::type::handle_of(made).is(type) || !made.equal(usual) || py::hash(made) != py::hash(usual) ||
        std::string(py::str(made)) != std::string(py::str(usual)) || !numerator.equal(py::int_(n)) ||
        !denominator.equal(py::int_(d)) || !(made + usual).equal(type(2 * n, d)))
      return false;
  }
  return true;
}

bool fraction_slots_known() {
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<bool> known;  // as decimal_layout_known
  return known.call_once_and_store_result([] { return probe_passes(fraction_slots_match); }).get_stored();
}

}  // namespace

py::object from_ratio(const ratio& value) {
  py::object numerator = from_big_int(value.numerator()), denominator = from_big_int(value.denominator());
  if (fraction_slots_known()) return fraction_from_slots(numerator, denominator);
  return fraction_class()(numerator, denominator);
}

bool fraction_fast_path_on() { return fraction_slots_known(); }

date to_date(py::handle value, const std::string& field) {
  if (!PyDateTimeAPI) PyDateTime_IMPORT;
  if (PyDateTime_Check(value.ptr()))
    throw invalid_input("expected a datetime.date, got a datetime " + describe(value) + " (use .date())", field);
  if (PyDate_Check(value.ptr())) {
    int y = PyDateTime_GET_YEAR(value.ptr());
    if (y < 1400) throw invalid_input("year " + std::to_string(y) + " is before 1400", field);
    return date(static_cast<unsigned short>(y), static_cast<unsigned short>(PyDateTime_GET_MONTH(value.ptr())),
                static_cast<unsigned short>(PyDateTime_GET_DAY(value.ptr())));
  }
  if (PyUnicode_Check(value.ptr())) return parse_date(value.cast<std::string>(), field);
  throw invalid_input("expected a datetime.date or an ISO 8601 str, got " + describe(value), field);
}

bool read_exact_date(PyObject* v, date& out) {
  if (!PyDateTimeAPI) PyDateTime_IMPORT;
  if (!PyDate_CheckExact(v)) return false;
  const int y = PyDateTime_GET_YEAR(v);
  if (y < 1400) return false;
  out = date(static_cast<unsigned short>(y), static_cast<unsigned short>(PyDateTime_GET_MONTH(v)),
             static_cast<unsigned short>(PyDateTime_GET_DAY(v)));
  return true;
}

exact_date_reader::exact_date_reader() {
  if (!PyDateTimeAPI) PyDateTime_IMPORT;
  date_type_ = PyDateTimeAPI->DateType;
  data_offset_ = offsetof(PyDateTime_Date, data);
  thread_local std::array<month, month_slots> kept{};  // (one look-up of the thread's copy per list)
  months_ = kept.data();
}

bool exact_date_reader::read_first_time(PyObject* v, date& out, std::uint32_t key) const {
  if (!read_exact_date(v, out)) return false;  // (boost's constructor checks the day)
  const auto year = static_cast<unsigned short>(PyDateTime_GET_YEAR(v));
  const auto month_of_year = static_cast<unsigned short>(PyDateTime_GET_MONTH(v));
  month& slot = months_[key % month_slots];
  slot.first_day = date(year, month_of_year, 1).day_number();
  slot.length = boost::gregorian::gregorian_calendar::end_of_month_day(year, month_of_year);
  slot.key = key;
  return true;
}

date to_date_at(py::handle value, const std::string& list, std::size_t index) {
  date read;
  if (read_exact_date(value.ptr(), read)) return read;
  return to_date(value, list + "[" + std::to_string(index) + "]");
}

std::optional<date> to_optional_date(py::handle value, const std::string& field) {
  if (value.is_none()) return std::nullopt;
  return to_date(value, field);
}

py::object from_date(const date& value) {
  if (!PyDateTimeAPI) PyDateTime_IMPORT;
  return py::reinterpret_steal<py::object>(
      PyDate_FromDate(static_cast<int>(value.year()), static_cast<int>(value.month()), static_cast<int>(value.day())));
}

rounding to_rounding(py::handle value, const std::string& field) {
  if (PyUnicode_Check(value.ptr())) return parse_rounding(value.cast<std::string>(), field);
  py::object rounding_enum = py::module_::import("stakecalc._core").attr("Rounding");
  if (py::isinstance(value, rounding_enum)) return parse_rounding(value.attr("name").cast<std::string>(), field);
  throw invalid_input("expected a Rounding or its name such as 'HALF_UP', got " + describe(value), field);
}

currency to_currency(py::handle value, const std::string& field) {
  if (!PyUnicode_Check(value.ptr())) throw invalid_input("expected an ISO 4217 code str, got " + describe(value), field);
  return currency::of(value.cast<std::string>(), field);
}

std::string to_string(py::handle value, const std::string& field) {
  if (!PyUnicode_Check(value.ptr())) throw invalid_input("expected a str, got " + describe(value), field);
  return value.cast<std::string>();
}

long to_int(py::handle value, const std::string& field, long low, long high) {
  if (PyBool_Check(value.ptr()) || !PyLong_Check(value.ptr()))
    throw invalid_input("expected an int, got " + describe(value), field);
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow || v < low || v > high)
    throw invalid_input("must be between " + std::to_string(low) + " and " + std::to_string(high) + ", got " +
                            std::string(py::str(value)),
                        field);
  return static_cast<long>(v);
}

calendar to_calendar(py::handle value, const std::string& field) {
  if (py::isinstance<calendar>(value)) return value.cast<calendar>();
  if (PyUnicode_Check(value.ptr())) return calendar_from_name_or_json(value.cast<std::string>(), field);
  throw invalid_input("expected a Calendar or a calendar name such as 'CN', got " + describe(value), field);
}

day_counter to_day_counter(py::handle value, const std::string& field) {
  return day_counter::parse(to_string(value, field), field);
}

}  // namespace stakecalc::python
