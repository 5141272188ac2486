// stakecalc._core: the compiled half of the Python package. Each area binds itself in
// bind_<area>.cpp; the exception classes come first because every binding raises them.
#include <pybind11/pybind11.h>

#include "convert.hpp"

namespace py = pybind11;

namespace stakecalc::python {
void bind_errors(py::module_& m);
void bind_numbers(py::module_& m);
void bind_time(py::module_& m);
void bind_flows(py::module_& m);
void bind_loan(py::module_& m);
void bind_ledger(py::module_& m);
void bind_contracts(py::module_& m);
void bind_documents(py::module_& m);
}  // namespace stakecalc::python

PYBIND11_MODULE(_core, m) {
  m.doc() = "stakecalc: exact calculations for platforms, team repurchase and equity-to-debt exits";
  using namespace stakecalc::python;
  bind_errors(m);
  bind_numbers(m);
  bind_time(m);
  bind_flows(m);
  bind_loan(m);
  bind_ledger(m);
  bind_contracts(m);  // after bind_loan: returns LoanRow, reads RateTable, Calendar and Money
  bind_documents(m);  // after bind_contracts: returns its Explanation and result dicts, raises bind_errors' classes
}
