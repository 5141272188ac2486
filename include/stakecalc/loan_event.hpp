// stakecalc/loan_event.hpp: the events of a loan's life and the state after each, as the engine
// produces them. Schedules, totals, accrued interest and the ACTUS comparison are all read off
// this list.
//
// Amounts are exact fractions: in a rounded loan they are whole minor units, in an unrounded one
// (for references that do not round, such as ACTUS) they carry every digit. The view is the
// lender's: a payoff is positive when the lender receives money.
#pragma once

#include <array>
#include <string_view>

#include "stakecalc/date.hpp"
#include "stakecalc/moment.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

// In the order the engine processes events that fall on the same moment.
enum class loan_event_type {
  start,                // money lent (ACTUS IED)
  principal,            // scheduled principal repayment (PR)
  interest,             // interest payment (IP)
  capitalisation,       // interest added to principal (IPCI)
  prepayment,           // partial prepayment with the interest accrued on it (PP)
  fixed_rate_reset,     // reset to a rate fixed in advance (RRF)
  rate_reset,           // reset to the benchmark (RR)
  instalment_fixing,    // annuity instalment (re)computed (PRF)
  scaling,              // index scaling multipliers reset (SC)
  interest_base_reset,  // fixed interest base reset to the outstanding principal (IPCB)
  purchase,             // the claim bought (PRD)
  sale,                 // the claim sold / terminated (TD)
  maturity              // the rest repaid (MD)
};

inline constexpr std::array<std::string_view, 13> loan_event_codes = {"IED", "PR",  "IP", "IPCI", "PP",  "RRF", "RR",
                                                                      "PRF", "SC",  "IPCB", "PRD", "TD",  "MD"};

// The ACTUS event type code: "IED", "PR", "IP", ...
inline constexpr std::string_view actus_code(loan_event_type t) noexcept {
  return loan_event_codes[static_cast<std::size_t>(t)];
}

struct loan_event {
  loan_event_type type = loan_event_type::start;
  moment scheduled;   // as the cycle generates it
  moment on;          // when it happens: `scheduled` moved to a business day
  date accrual_date;  // the date interest was computed up to
  ratio payoff;       // cash to the lender (negative: paid out by the lender)
  ratio interest;     // the part of `payoff` that is interest (for capitalisation: the interest capitalised)
  ratio principal;    // principal repaid (negative when the balance grows: lending, capitalisation)
  // State after the event.
  ratio notional;          // outstanding principal
  ratio rate;              // nominal annual rate
  ratio accrued;           // interest accrued and not yet paid
  ratio interest_base;     // what interest accrues on (normally the notional)
  date period_start;       // the current interest period began (interest last paid or capitalised)
};

}  // namespace stakecalc
