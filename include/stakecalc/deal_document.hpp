// stakecalc/deal_document.hpp: a whole deal as one JSON contract document, read strictly and
// written back exactly.
//
// A deal document gathers what the contract layer needs for one deal: business-day calendars,
// benchmark rate tables (the LPR), exchange rates for reports, loans, the cap-table ledger (holders and dated events), the
// shareholding platform and its distribution rules, the repurchase terms and plan, the facts
// (fair values, dividends), the equity-to-debt terms and the events reported against its triggers
// (a failed milestone, the team's election), the exit paths to compare (each repurchase or
// conversion path on the document's plan or its own) and a sweep (a grid or a list of scenarios).
// Every section but "version" is optional. src/schema/deal.schema.json describes the format; the
// field names are those of the library's own structs, so an error a type reports about its field
// ("windows[1].until") is located in the document ("/repurchase/windows/1/until").
//
// Reading: every error is an invalid_input whose where() is the JSON pointer of the offending value
// and whose message quotes it and says what was expected; unknown fields are refused with a "did
// you mean"; the document's size and nesting are limited (json_limits). The loader checks the form
// of the document and leaves the rules of the domain to the types: it builds each value and asks the
// type to validate itself (repurchase_terms::validate, loan_terms::validate, the ledger replaying
// its events, ...), translating the error's field into the pointer. A domain_rule_error found while
// loading (a transfer of more units than held) is reported as invalid_input too: for a document,
// it is input that cannot be what the author meant. Nothing is half-loaded: the result is a whole
// document or an exception.
//
// Writing: to_json gives the canonical form (enums in their canonical spelling, decimals with the
// scale they were written with, fractions that terminate as decimals, defaults left out), so
// load(to_json(load(x))) equals load(x), and the same document always serialises to the same bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/calendar.hpp"
#include "stakecalc/deal_facts.hpp"
#include "stakecalc/distribution.hpp"
#include "stakecalc/equity_to_debt.hpp"
#include "stakecalc/exit_paths.hpp"
#include "stakecalc/fx_table.hpp"
#include "stakecalc/holder.hpp"
#include "stakecalc/json_reader.hpp"
#include "stakecalc/ledger.hpp"
#include "stakecalc/loan_terms.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/rate_table.hpp"
#include "stakecalc/repurchase_plan.hpp"
#include "stakecalc/repurchase_terms.hpp"
#include "stakecalc/sweep.hpp"

namespace stakecalc {

// A loan of the document, referred to by its id.
struct named_loan {
  std::string id;
  loan_terms terms;
};

// An amount the platform received on a day, to be distributed by its rules.
struct platform_proceeds {
  date on;
  money gross;
  std::string source;  // "dividend of hefei-quantum 2025"
};

// The shareholding platform: which ledger holder it is, and how what it receives is shared.
struct platform_section {
  std::string holder;                  // a holder of kind platform in the document's ledger
  std::optional<date> report_on;       // the day a portfolio report shows by default
  std::optional<distribution_rules> rules;
  std::vector<platform_proceeds> proceeds;
  std::optional<currency> report_currency;  // totals converted with the document's fx rates
};

// What exit_deal needs beyond the terms and facts, and the paths the document compares.
struct exit_section {
  decimal company_units;  // all of the company's units right after the investment (0: unknown)
  decimal team_units;
  decimal market_rate;    // for the grant-equivalent
  // A "repurchase" or "conversion" path carries its own plan when the document gives it one
  // ("plan" in the path), else a copy of the document's plan taken when it loaded (after changing
  // deal_document::plan in code, change the paths too). to_json writes a path's plan only when it
  // differs from the document's.
  std::vector<exit_path> paths;
};

// A sweep over the deal (sweep.hpp): the spec's own fields and its scenarios, a grid ("grid") or
// an explicit list ("scenarios"), never both.
struct sweep_section {
  std::vector<sweep_path> paths{sweep_path::repurchase};
  std::string buyer = "team";
  sweep_rate rate_applies_to = sweep_rate::price;
  sweep_scenario base;
  std::optional<decimal> write_off_recovery;
  scenario_set scenarios{scenario_grid{}};
};

struct deal_document {
  static constexpr int current_version = 1;

  std::string title;
  std::vector<calendar> calendars;        // usable by name in loans, besides the built-in ones
  std::vector<rate_table> rate_tables;    // benchmark histories; also facts.rates
  fx_table fx;                            // explicit exchange rates for reports ("fx_rates")
  std::vector<named_loan> loans;
  // The cap-table ledger: the holders and events as written, and the ledger they replayed into
  // when the document loaded (after changing holders or events in code, rebuild it with
  // ledger::replay; to_json writes holders and events, not the ledger).
  std::vector<holder> holders;
  std::vector<event> events;
  ledger equity_ledger;
  std::optional<platform_section> platform;
  std::optional<repurchase_terms> repurchase;
  repurchase_plan plan;                   // empty when the document has none
  deal_facts facts;                       // rates: the document's rate tables
  std::optional<equity_to_debt_terms> conversion;
  // What people reported that the conversion triggers act on: a failed milestone the triggers
  // name, the team's election ("reported_events"; needs the conversion section).
  std::vector<reported_event> reported_events;
  std::optional<exit_section> exit;
  std::optional<sweep_section> sweep;
};

// Builds a document from parsed JSON (see the file comment for the errors).
deal_document load_deal_document(const json& document);
// Parses text (size and depth limited) and loads it; `source` names the text in syntax errors.
deal_document parse_deal_document(std::string_view text, const std::string& source = "document",
                                  json_limits limits = {});
// Reads a file and loads it.
deal_document read_deal_document(const std::string& path, json_limits limits = {});

// The canonical JSON of a document, and its text: dumped with a 2-space indent and a final newline.
json to_json(const deal_document& document);
std::string to_json_text(const deal_document& document);

// Documents are equal when their canonical forms are: to_json writes every field the format has,
// so this is equality of everything a document says (decimals compare with their scale: "0.50" is
// not the same text as "0.5").
bool operator==(const deal_document& a, const deal_document& b);
inline bool operator!=(const deal_document& a, const deal_document& b) { return !(a == b); }

// The exit deal of the document: repurchase terms, conversion terms, facts and the exit section.
// invalid_input naming "/repurchase" or "/exit" when the document lacks them.
exit_deal make_exit_deal(const deal_document& document);
// The document's exit paths compared on its exit deal (compare_exit_paths). An error keeps its
// kind and names the path's JSON pointer: "/exit/paths/2/on".
std::vector<exit_path_result> compare_document_exit_paths(const deal_document& document);
// The sweep spec of the document's sweep section (deal, paths, plan, base), and its scenarios.
// invalid_input naming "/sweep" when the document has none.
sweep_spec make_sweep_spec(const deal_document& document);
scenario_set make_sweep_scenarios(const deal_document& document);
// The loan with that id; invalid_input naming "/loans" and the known ids otherwise.
const named_loan& find_loan(const deal_document& document, std::string_view id);

}  // namespace stakecalc
