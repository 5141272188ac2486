// Exact numbers at the Python boundary: Rounding, round(), divide(), Money, currencies.
#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "convert.hpp"
#include "stakecalc/allocation.hpp"
#include "stakecalc/money.hpp"

namespace stakecalc::python {

namespace {

money make_money(py::handle amount, py::handle code) { return money(to_decimal(amount, "amount"), to_currency(code)); }

money as_money(py::handle value, const char* field) {
  if (!py::isinstance<money>(value))
    throw invalid_input("expected a Money, got " + describe(value), field);
  return value.cast<money>();
}

// A number of decimal places: a Python int only (a Decimal or Fraction must not be truncated to one
// silently), within the scales a decimal can have.
int places_arg(py::handle places) {
  return static_cast<int>(to_int(places, "places", -decimal::max_scale, decimal::max_scale));
}

std::string money_repr(const money& m) {
  return "Money('" + m.amount().to_string() + "', '" + std::string(m.currency().code()) + "')";
}

}  // namespace

void bind_numbers(py::module_& m) {
  py::native_enum<rounding>(m, "Rounding", "enum.Enum",
                            "The eight rounding modes (java.math.RoundingMode's names and meanings).")
      .value("UP", rounding::up, "Away from zero.")
      .value("DOWN", rounding::down, "Towards zero (truncation).")
      .value("CEILING", rounding::ceiling, "Towards positive infinity.")
      .value("FLOOR", rounding::floor, "Towards negative infinity.")
      .value("HALF_UP", rounding::half_up, "Nearest; ties away from zero.")
      .value("HALF_DOWN", rounding::half_down, "Nearest; ties towards zero.")
      .value("HALF_EVEN", rounding::half_even, "Nearest; ties to the even neighbour (banker's rounding).")
      .value("UNNECESSARY", rounding::unnecessary, "Asserts no rounding is needed; raises RoundingNeeded otherwise.")
      .finalize();

  m.def("_makes_fractions_directly", &fraction_fast_path_on,
        "Whether Fractions are made from their slots (a fast path the tests check is on).");
  m.def("_reads_decimal_layout", &decimal_layout_known,
        "Whether Decimals are read from CPython's representation (a fast path the tests check is on).");
  m.def(
      "round",
      [](py::handle value, py::handle places, py::handle mode) {
        return from_decimal(to_decimal(value, "value").rounded(places_arg(places), to_rounding(mode)));
      },
      py::arg("value"), py::arg("places"), py::arg("mode") = "HALF_UP",
      "Round a Decimal, int or str to `places` digits after the point under a named mode; returns Decimal.");
  m.def(
      "divide",
      [](py::handle a, py::handle b, py::handle places, py::handle mode) {
        return from_decimal(divide(to_decimal(a, "a"), to_decimal(b, "b"), places_arg(places), to_rounding(mode)));
      },
      py::arg("a"), py::arg("b"), py::arg("places"), py::arg("mode") = "HALF_UP",
      "a / b rounded once to `places` digits after the point; returns Decimal.");
  m.def(
      "allocate",
      [](py::handle total, const py::sequence& weights, py::handle places_value) {
        const int places = places_arg(places_value);
        std::vector<decimal> w;
        for (std::size_t i = 0; i < weights.size(); ++i)
          w.push_back(to_decimal(weights[i], "weights[" + std::to_string(i) + "]"));
        py::list out;
        for (const auto& part : allocate(to_decimal(total, "total"), w, places)) out.append(from_decimal(part));
        return out;
      },
      py::arg("total"), py::arg("weights"), py::arg("places"),
      "Split `total` by weights into parts with `places` decimals that sum to it exactly (largest remainder).");
  m.def(
      "minor_units", [](py::handle code) { return to_currency(code, "code").minor_units(); }, py::arg("code"),
      "Digits after the point of an ISO 4217 currency (CNY 2, JPY 0, KWD 3).");
  m.def(
      "currencies",
      [] {
        py::list out;
        for (const auto& c : currency_table()) out.append(c.code);
        return out;
      },
      "The ISO 4217 codes stakecalc knows.");

  py::class_<money>(m, "Money", "An exact amount in one ISO 4217 currency.")
      .def(py::init(&make_money), py::arg("amount"), py::arg("currency") = "CNY")
      .def_property_readonly("amount", [](const money& x) { return from_decimal(x.amount()); })
      .def_property_readonly("currency", [](const money& x) { return std::string(x.currency().code()); })
      .def("round", [](const money& x, py::handle mode) { return x.rounded(to_rounding(mode)); },
           py::arg("mode") = "HALF_UP", "Round to the currency's minor unit.")
      .def(
          "allocate",
          [](const money& x, const py::sequence& weights) {
            std::vector<decimal> w;
            for (std::size_t i = 0; i < weights.size(); ++i)
              w.push_back(to_decimal(weights[i], "weights[" + std::to_string(i) + "]"));
            return x.allocate(w);
          },
          py::arg("weights"), "Split into parts that sum exactly (largest remainder, ties to earlier parts).")
      .def("__add__", [](const money& a, py::handle b) { return a + as_money(b, "other"); })
      .def("__sub__", [](const money& a, py::handle b) { return a - as_money(b, "other"); })
      .def("__mul__", [](const money& a, py::handle k) { return a * to_decimal(k, "factor"); })
      .def("__rmul__", [](const money& a, py::handle k) { return a * to_decimal(k, "factor"); })
      .def("__neg__", [](const money& a) { return -a; })
      .def("__abs__", [](const money& a) { return a.signum() < 0 ? -a : a; })
      .def("__bool__", [](const money& a) { return !a.is_zero(); })
      .def("__eq__", [](const money& a, py::handle b) { return py::isinstance<money>(b) && a == b.cast<money>(); })
      .def("__ne__", [](const money& a, py::handle b) { return !(py::isinstance<money>(b) && a == b.cast<money>()); })
      .def("__lt__", [](const money& a, py::handle b) { return a < as_money(b, "other"); })
      .def("__le__", [](const money& a, py::handle b) { return a <= as_money(b, "other"); })
      .def("__gt__", [](const money& a, py::handle b) { return a > as_money(b, "other"); })
      .def("__ge__", [](const money& a, py::handle b) { return a >= as_money(b, "other"); })
      .def("__hash__", [](const money& a) { return std::hash<money>{}(a); })
      .def("__str__", &money::to_string)
      .def("__repr__", &money_repr)
      .def(py::pickle([](const money& x) { return py::make_tuple(x.amount().to_string(), std::string(x.currency().code())); },
                      [](const py::tuple& t) {
                        if (t.size() != 2) throw invalid_input("bad pickled Money state", "Money");
                        return make_money(t[0], t[1]);
                      }));
}

}  // namespace stakecalc::python
