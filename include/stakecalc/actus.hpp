// stakecalc/actus.hpp: contracts written in the ACTUS standard's terms (contract types PAM, LAM,
// ANN) as loans, and a loan's events in ACTUS's conventions.
//
// ACTUS (Algorithmic Contract Types Unified Standards, actusfrf.org) publishes reference cases with
// expected events; tests/cpp/test_actus.cpp runs all of them through this mapping. The mapping is
// strict: a term it does not understand is refused by name rather than ignored, so that a contract
// is never run with part of it silently dropped.
//
// Conventions of ACTUS that the mapping carries:
//   * contractRole RPA (the lender's asset) reports payoffs as they are; RPL (the borrower's
//     liability) with the opposite sign, except the accrued interest inside a purchase or
//     termination payoff, which ACTUS reports unsigned;
//   * a timestamp of 23:59:59 is the end of that day (interest runs through the day);
//   * businessDayConvention SC* accrues to the shifted date, CS* to the unshifted one; calendar MF
//     is Monday to Friday, NC no holidays at all;
//   * fixingDays is accepted and not applied: the reference implementation observes the rate on the
//     reset date, as its results for P2D show;
//   * interestCalculationBase NTIED behaves as NT in the reference results and is mapped to it.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/loan_terms.hpp"
#include "stakecalc/moment.hpp"
#include "stakecalc/rate_table.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

struct actus_contract {
  std::string id;
  std::string contract_type;  // PAM, LAM or ANN
  loan_terms terms;           // unrounded
  rate_tables market;         // dataObserved: one table per market object code
  int role_sign = 1;          // RPA +1, RPL -1
  std::optional<moment> to;   // report events up to this moment only
};

// One ACTUS event as its reference results list it.
struct actus_event {
  moment on;
  std::string type;  // "IED", "IP", ...
  ratio payoff;
  ratio notional;
  ratio rate;
  ratio accrued;
};

// "2013-01-01T00:00:00", "2013-01-01T00:00", "2013-01-01" or "2013-12-31T23:59:59" (end of day).
moment parse_actus_time(std::string_view text, const std::string& where);

// From an ACTUS test case {"identifier", "terms": {...}, "to": ..., "dataObserved": {...}} (or a bare
// terms object). Errors are invalid_input naming the JSON pointer of the term.
actus_contract actus_contract_from_json(const nlohmann::json& test_case, const std::string& pointer = "");

// Runs the contract as a loan and reports its events as ACTUS does.
std::vector<actus_event> actus_events(const actus_contract& contract);

}  // namespace stakecalc
