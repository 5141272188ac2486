// The Python exception hierarchy. stakecalc.Error is the base; the input kinds also derive from
// ValueError and the arithmetic kinds from ArithmeticError (and the matching built-in where there
// is one), so that `except ValueError` in a user's notebook catches a typo in an amount.
#include <pybind11/pybind11.h>

#include "convert.hpp"

namespace stakecalc::python {

namespace {
// The classes live for the whole process; the translator is a plain function, so it reads them here.
PyObject* error_class = nullptr;
PyObject* invalid_class = nullptr;
PyObject* rule_class = nullptr;
PyObject* mismatch_class = nullptr;
PyObject* calculation_class = nullptr;
PyObject* overflow_class = nullptr;
PyObject* zero_class = nullptr;
PyObject* rounding_class = nullptr;
PyObject* no_solution_class = nullptr;

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const currency_mismatch& e) {
    PyErr_SetString(mismatch_class, e.what());
  } catch (const domain_rule_error& e) {
    PyErr_SetString(rule_class, e.what());
  } catch (const invalid_input& e) {
    PyErr_SetString(invalid_class, e.what());
  } catch (const overflow_error& e) {
    PyErr_SetString(overflow_class, e.what());
  } catch (const division_by_zero& e) {
    PyErr_SetString(zero_class, e.what());
  } catch (const rounding_needed& e) {
    PyErr_SetString(rounding_class, e.what());
  } catch (const no_solution& e) {
    PyErr_SetString(no_solution_class, e.what());
  } catch (const arithmetic_error& e) {
    PyErr_SetString(calculation_class, e.what());
  } catch (const error& e) {
    PyErr_SetString(error_class, e.what());
  }
}

PyObject* new_exception(py::module_& m, const char* name, std::initializer_list<PyObject*> bases, const char* doc) {
  py::tuple base_tuple(bases.size());
  std::size_t i = 0;
  for (PyObject* b : bases) base_tuple[i++] = py::reinterpret_borrow<py::object>(b);
  std::string qualified = std::string("stakecalc.") + name;
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base_tuple.ptr(), nullptr);
  if (!cls) throw py::error_already_set();
  m.add_object(name, py::reinterpret_borrow<py::object>(cls));
  return cls;  // one reference kept for the life of the process: translators use it at any time
}
}  // namespace

void bind_errors(py::module_& m) {
  error_class = new_exception(m, "Error", {PyExc_Exception}, "Base of every error stakecalc raises.");
  invalid_class = new_exception(m, "InvalidInput", {error_class, PyExc_ValueError},
                                "Input that cannot be what was meant: malformed text, wrong type, unknown name.");
  rule_class = new_exception(m, "DomainRuleError", {error_class, PyExc_ValueError},
                             "Well-formed input that breaks a rule of the domain.");
  mismatch_class = new_exception(m, "CurrencyMismatch", {rule_class}, "Amounts of two currencies met in one operation.");
  calculation_class = new_exception(m, "CalculationError", {error_class, PyExc_ArithmeticError},
                                    "Arithmetic with no exact, in-range answer.");
  overflow_class = new_exception(m, "Overflow", {calculation_class, PyExc_OverflowError}, "A value beyond the size limits.");
  zero_class = new_exception(m, "DivisionByZero", {calculation_class, PyExc_ZeroDivisionError}, "Division by zero.");
  rounding_class = new_exception(m, "RoundingNeeded", {calculation_class},
                                 "Rounding mode UNNECESSARY, or an exact division, met a value needing rounding.");
  no_solution_class = new_exception(m, "NoSolution", {calculation_class}, "An equation (IRR, rate) has no solution.");
  py::register_exception_translator(&translate);
}

}  // namespace stakecalc::python
