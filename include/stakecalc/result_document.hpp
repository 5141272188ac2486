// stakecalc/result_document.hpp: calculation results as documents people and programs read.
//
// Three forms of one result:
//   - JSON for programs: money as {"amount": "3372254.79", "currency": "CNY"}, rates and IRRs as
//     decimal strings, ownership, proportions and multiples as exact text ("0.7", or "1/3" when the
//     fraction does not terminate), dates ISO 8601; nothing passes through a binary float;
//   - CSV (RFC 4180: fields quoted when they hold a comma, quote or line break, quotes doubled,
//     CRLF line ends) with the same exact strings, one row per line of the table;
//   - a fixed-width text table for people: money as "CNY 3,372,254.79" (money::to_string), rates
//     and IRRs as percentages to 4 places, multiples as "1.1241x".
// Explanations (explanation.hpp) come along on request: a nested object in JSON, an "explanation"
// column in CSV, indented blocks after the table in text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/distribution.hpp"
#include "stakecalc/equity_to_debt.hpp"
#include "stakecalc/exit_paths.hpp"
#include "stakecalc/explanation.hpp"
#include "stakecalc/json_reader.hpp"
#include "stakecalc/platform.hpp"
#include "stakecalc/repurchase_plan.hpp"
#include "stakecalc/sweep.hpp"

namespace stakecalc {

enum class result_format { text, json, csv };
// "text", "json" or "csv"; invalid_input naming `where` otherwise.
result_format parse_result_format(std::string_view name, const std::string& where = "format");

// How cells are written: exact strings (CSV) or for reading (text).
enum class cell_style { exact, readable };

// A table of text cells: the shared shape of the CSV and text forms.
struct result_table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<bool> numeric;  // per column: right-aligned in text
  std::vector<std::vector<std::string>> rows;
  std::vector<explanation> explanations;  // one per row when explained, else empty
};

// RFC 4180 text; an "explanation" column is added when the table carries explanations.
std::string to_csv(const result_table& table);
// Title, header, rule, rows in fixed-width columns; then the explanations, if any.
std::string to_text(const result_table& table);

// Exact text of a fraction: the decimal when it terminates ("0.7"), else "n/d" ("1/3").
std::string exact_ratio_text(const ratio& value);
json money_to_json(const money& amount);
json explanation_to_json(const explanation& why);

// ---- exit paths (exit_paths.hpp) ----------------------------------------------------------------
// Per path: cash recovered, IRR, multiple, grant-equivalent (and its share of the investment),
// team cost, team ownership, fund units left; with `explain`, how the grant-equivalent was reached.
json exit_paths_json(const std::vector<exit_path_result>& results, bool explain = false);
result_table exit_paths_table(const std::vector<exit_path_result>& results, cell_style style, bool explain = false);

// ---- repurchase executions (repurchase_plan.hpp) ------------------------------------------------
// Per tranche: date, buyer, window, proportion, units, price per unit, amount, stake left; with
// `explain`, the price's explanation. JSON adds the fund's flows, IRR, multiple, team cost and
// missed minimums.
json repurchase_json(const repurchase_evaluation& ev, bool explain = false);
result_table repurchase_table(const repurchase_evaluation& ev, cell_style style, bool explain = false);

// ---- equity to debt (equity_to_debt.hpp) --------------------------------------------------------
// JSON: the conversion statement (always: it is the point of the document), the trigger, units,
// principal, each debtor's loan with its schedule and totals and the legal-cap check, the fund's
// flows, IRR and multiple.
json conversion_json(const conversion_result& c, bool explain = false);
// The statement as label/value rows (trigger, units converted, remaining cost, principal, ...).
result_table conversion_summary_table(const conversion_result& c, cell_style style);
// Every debtor's repayment schedule, one row per instalment, then a total row per debtor.
result_table repayment_table(const conversion_result& c, cell_style style);

// ---- sweeps (sweep.hpp) -------------------------------------------------------------------------
// One row per scenario: the inputs, then per path the numbers or the failure.
json sweep_json(const std::vector<sweep_row>& rows);
result_table sweep_table(const std::vector<sweep_row>& rows, cell_style style);

// ---- the platform (platform.hpp, distribution.hpp) ----------------------------------------------
json portfolio_json(const platform_portfolio& p);
result_table portfolio_table(const platform_portfolio& p, cell_style style);
// The portfolio in one reporting currency (convert_lines): each line with the rate it used, and totals.
json converted_portfolio_json(const converted_portfolio& p);
result_table converted_portfolio_table(const converted_portfolio& p, cell_style style);
json distribution_json(const distribution_result& d);
result_table distribution_table(const distribution_result& d, cell_style style);

}  // namespace stakecalc
