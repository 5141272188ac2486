// stakecalc/loan.hpp: the debt engine: a loan's schedule and life from its terms.
//
// A loan runs its contract as a sequence of events (loan_event.hpp) in the manner of the ACTUS
// standard's PAM, LAM and ANN contracts: interest accrues on the balance between events and is paid
// at interest events; principal is repaid at principal events (a fixed amount for equal principal,
// the instalment less the interest for an annuity, listed amounts for an explicit schedule) and the
// rest at maturity; a rate reset takes the benchmark, and for an annuity the instalment is
// recomputed right after it.
//
// Rounding (loan_terms::rounding_mode): each interest payment is rounded to the currency's minor
// unit; the annuity instalment is computed exactly (an exact product of one-period growth factors,
// which for equal periods is the textbook P r (1+r)^n / ((1+r)^n - 1)) and rounded once; the
// principal per period of an equal-principal loan is rounded once; the last instalment repays
// exactly what is left, so the principal repaid equals the principal to the cent. Unrounded, every
// amount is an exact fraction (schedule rows show them to 20 decimal places).
//
// A plain fixed-rate loan (a fixed rate, annuity, equal principal or bullet, n periods of whole
// months, no adjustment, rounded) has its table computed directly in whole minor units
// (detail/fixed_rate_schedule.hpp), equal row for row to the events' and some 25 times faster.
//
// A loan is an immutable value: with_prepayment() returns a new loan.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/loan_event.hpp"
#include "stakecalc/loan_terms.hpp"
#include "stakecalc/private_lending_cap.hpp"
#include "stakecalc/rate_table.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

// One row of the amortisation table: everything paid on one payment date. Identities that hold
// exactly in every row: payment = interest + principal; closing = opening - principal. Interest
// capitalised in a period shows as interest with a negative principal (the balance grows).
struct loan_schedule_row {
  date start;               // accrual start (the previous row's end, or the loan's start)
  date end;                 // accrual end (the scheduled date, or the payment date; see accrue_to_payment_date)
  date payment_date;        // the business day the money moves
  long days = 0;            // start to end under the loan's day count
  decimal rate;             // the nominal rate in force at the start of the period
  decimal opening_balance;
  decimal interest;
  decimal principal;
  decimal payment;
  decimal closing_balance;
};

struct loan_totals {
  decimal principal;         // repaid (equals the principal lent plus any interest capitalised)
  decimal interest;          // charged, paid or capitalised
  decimal payments;          // cash paid by the borrower
  decimal capitalised;       // interest added to the principal
  std::size_t instalments = 0;  // rows with a payment
  std::optional<date> last_payment;
};

class loan {
public:
  // Validates the terms and runs the schedule (a plain fixed-rate loan's events run on first use,
  // see private); `rates` supplies benchmark tables by name (the built-in LPR tables are always
  // available as "LPR-1Y" and "LPR-5Y"). Any error in the terms is thrown here.
  explicit loan(loan_terms terms, rate_tables rates = {});

  const loan_terms& terms() const noexcept { return terms_; }
  const rate_tables& rates() const noexcept { return rates_; }
  // Every event, in processing order (events before a purchase are not reported). Run on first
  // use for a plain fixed-rate loan (see private), so this may take a moment the first time.
  const std::vector<loan_event>& events() const;
  const moment& maturity() const noexcept { return maturity_; }
  // The nominal rate the loan starts with (its `rate`, or the benchmark on the contract date).
  const decimal& initial_rate() const noexcept { return initial_rate_; }

  std::vector<loan_schedule_row> schedule() const;
  loan_totals totals() const;

  // The borrower's effective annual rate: the XIRR (ACT/365F, as a spreadsheet) of the cash
  // received at the start and every payment, to 30 significant digits.
  decimal effective_annual_rate() const;

  // Interest accrued and unpaid at the end of the day `on`, after that day's scheduled payments
  // (rounded to the minor unit, with the loan's mode, when the loan rounds).
  decimal accrued_interest(const date& on) const;
  // Principal outstanding after the payments due on `on`.
  decimal outstanding_principal(const date& on) const;
  // What settles the loan on `on`: outstanding principal plus accrued interest.
  decimal payoff_amount(const date& on) const;

  // The same loan with a partial prepayment of `amount` principal on `on` (plus the interest
  // accrued to that day); `effect` keeps the term (lower instalments) or the instalment (shorter
  // term). invalid_input when the day is not within the loan or the amount exceeds what is owed.
  loan with_prepayment(const date& on, const decimal& amount, prepayment_effect effect) const;

  // The rate against the cap for private lending in mainland China: four times the 1-year LPR
  // in force on the contract date. Compares the highest nominal rate the schedule charges and the
  // penalty rate (rate x (1 + penalty markup)).
  private_lending_cap_check legal_cap_check() const;

  // Places of the decimals in schedule rows and results of an unrounded loan.
  static constexpr int unrounded_places = 20;
  // Places used for an amount: the currency's minor units when rounding, unrounded_places otherwise.
  int amount_places() const;
  // An exact amount as the decimal shown to users (see amount_places).
  decimal to_amount(const ratio& value) const;

private:
  loan_terms terms_;
  rate_tables rates_;
  moment maturity_;
  decimal initial_rate_;
  // A plain fixed-rate loan (detail/fixed_rate_schedule.hpp) computes its schedule directly, in
  // whole minor units; running its events as well would be most of its cost, so they are run only
  // when something asks for them. Copies of a loan share them (they are the same loan's), filled
  // once, safely from any thread.
  struct event_cache;
  std::shared_ptr<event_cache> events_;
  bool plain_fixed_rate_ = false;

  // The last event processed on or before the end of `on` (nullptr before the start).
  const loan_event* state_at(const date& on) const;
  ratio accrued_exact(const date& on) const;
};

namespace detail {
// The engine: resolves maturity and initial rate, plans the events and runs them.
struct loan_run {
  moment maturity;
  decimal initial_rate;
  std::vector<loan_event> events;
};
// Without events, only the maturity and the initial rate are resolved (and the terms checked).
loan_run run_loan(const loan_terms& terms, const rate_tables& rates, bool with_events = true);
// The year fraction interest accrues over from `from` to `to`, in an interest period that began on
// `period_start` (which only the MONTHLY basis uses: whole months count from it).
// The schedule rows read off the loan's events (what loan::schedule() returns unless the loan is
// plain, see detail/fixed_rate_schedule.hpp, whose tests compare the two).
std::vector<loan_schedule_row> schedule_from_events(const loan& l);
ratio accrual_fraction(const loan_terms& terms, const date& period_start, const date& from, const date& to,
                       const moment& maturity);
}  // namespace detail

}  // namespace stakecalc
