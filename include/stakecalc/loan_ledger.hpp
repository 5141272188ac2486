// stakecalc/loan_ledger.hpp: what the borrower actually paid, recorded against the schedule, and
// the penalty interest (罚息) on amounts paid late.
//
// Rules (the usual terms of a Chinese loan contract, each stated so it can be checked):
//   * an instalment falls due on its payment date; paid that day it is on time;
//   * from the day after, its unpaid principal (and, when penalty_on_overdue_interest, its unpaid
//     interest: 复利) accrues penalty interest daily at the contract rate of its period x
//     (1 + penalty_markup), on the loan's day count (ACT/360: rate / 360 a day);
//   * a payment settles, in order: accrued penalty interest, then interest of the oldest unpaid
//     instalment first, then principal oldest first; what is left is held as credit and settles
//     later instalments on their due dates;
//   * penalty interest is rounded to the minor unit (with the loan's mode) when it is paid and in
//     the statement; unrounded loans keep it exact.
#pragma once

#include <optional>
#include <vector>

#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/loan.hpp"

namespace stakecalc {

struct actual_payment {
  date on;
  decimal amount;
};

struct instalment_status {
  date due;
  decimal principal_due;
  decimal interest_due;
  decimal principal_paid;
  decimal interest_paid;
  std::optional<date> settled_on;  // when principal and interest were both paid in full
  long days_late = 0;              // due date to settlement, or to the statement date while open
};

struct loan_statement {
  date as_of;
  std::vector<instalment_status> instalments;  // those due on or before as_of
  decimal received;             // all payments recorded
  decimal penalty_charged;      // penalty interest accrued up to as_of
  decimal penalty_paid;
  decimal penalty_outstanding;
  decimal principal_overdue;    // due and unpaid
  decimal interest_overdue;
  decimal credit;               // received and not yet applied
};

// The statement of `l` on `as_of` given the payments received (any order; each on or before
// as_of and not before the start). invalid_input naming "payments[i].on" / "payments[i].amount".
loan_statement record_payments(const loan& l, const std::vector<actual_payment>& payments, const date& as_of);

}  // namespace stakecalc
