// The contract layer's results as Python structures, shared by the bindings that produce them.
//
// bind_contracts.cpp defines these (ExitDeal.compare, evaluate_plan, convert_to_debt, the sweeps);
// bind_documents.cpp evaluates a deal document with the same library calls, so it returns the very
// same dicts, lists and DataFrames. One definition keeps the two from drifting apart: a key
// renamed here is renamed for both.
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>
#include <optional>
#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/equity_to_debt.hpp"
#include "stakecalc/exit_paths.hpp"
#include "stakecalc/grant_equivalent.hpp"
#include "stakecalc/repurchase_plan.hpp"
#include "stakecalc/sweep.hpp"

namespace stakecalc::python {

namespace py = pybind11;

// [(date, Decimal)], the fund's flows.
py::list flows_list(const std::vector<cash_flow>& flows);
// One price: on, window, window_label, formula, units, proportion, exact_amount, amount, currency,
// price_per_unit, explanation.
py::dict quote_dict(const price_quote& q);
// quote_dict plus index, buyer, units_left_after, stake_left_after, capital_reduction.
py::dict tranche_dict(const tranche_result& t);
py::list tranches_list(const std::vector<tranche_result>& tranches);
// evaluate_plan's result: tranches, units_left, stake_left, fund_flows, fund_irr, fund_multiple,
// fund_cash_recovered, team_cost, cost_by_buyer, missed_minimums.
py::dict plan_dict(const repurchase_evaluation& ev);
// A fired trigger (trigger, kind, on, reason), or None.
py::object trigger_dict(const std::optional<trigger_event>& t);
// One debtor's loan: debtor, share, is_company, principal, schedule (LoanRow), totals, legal_cap.
py::dict loan_dict(const debtor_loan& l);
// convert_to_debt's result: on, trigger, repurchases, units and principal, statement, loans, where
// the units go, the fund's flows, IRR, multiple, cash recovered, team cost.
py::dict conversion_dict(const conversion_result& c);
// A grant-equivalent: value, exact, of_investment, explanation.
py::dict grant_dict(const grant_equivalent_result& g);
// An exit path's scalar fields (the sweep's per-path columns without the prefix).
py::dict exit_scalars(const exit_path_result& r);
// exit_scalars plus path, fund_flows and grant_equivalent_explanation: ExitDeal.evaluate's dict.
py::dict exit_dict(const exit_path_result& r);

// pandas, or ImportError naming `what` and the pip command.
py::object import_pandas(const char* what);
// pandas.DataFrame(data).
py::object pandas_frame(py::handle data, const char* what);
// A sweep's columns as stakecalc.sweep() returns them: scenario int64, every other column objects.
py::object sweep_frame(const py::dict& columns, const char* what);
// A sweep's rows as a dict of column name -> list: scenario (row index + offset), exit_on, valuation,
// rate, proportion, then per path p the p_fund_irr .. p_error columns.
py::dict sweep_columns(const factored_sweep& table, std::size_t offset = 0);

}  // namespace stakecalc::python
