// Actual payments against a loan's schedule and penalty interest (stakecalc/loan_ledger.hpp).
#include "stakecalc/loan_ledger.hpp"

#include <algorithm>

namespace stakecalc {

namespace {

struct open_instalment {
  date due;
  ratio rate;  // the contract rate of its period
  ratio principal_due, interest_due;
  ratio principal_paid, interest_paid;
  std::optional<date> settled_on;

  ratio unpaid_principal() const { return principal_due - principal_paid; }
  ratio unpaid_interest() const { return interest_due - interest_paid; }
  bool settled() const { return unpaid_principal().signum() <= 0 && unpaid_interest().signum() <= 0; }
};

ratio take(ratio& available, const ratio& wanted) {
  ratio paid = wanted < available ? wanted : available;
  if (paid.signum() < 0) paid = ratio(0);
  available -= paid;
  return paid;
}

}  // namespace

loan_statement record_payments(const loan& l, const std::vector<actual_payment>& payments, const date& as_of) {
  const loan_terms& terms = l.terms();
  if (as_of.is_special()) throw invalid_input("not a calendar date", "as_of");
  if (as_of < terms.start)
    throw invalid_input(to_iso(as_of) + " is before the loan starts on " + to_iso(terms.start), "as_of");
  std::vector<actual_payment> received = payments;
  for (std::size_t i = 0; i < received.size(); ++i) {
    const std::string at = "payments[" + std::to_string(i) + "]";
    if (received[i].on.is_special()) throw invalid_input("not a calendar date", at + ".on");
    if (received[i].on < terms.start)
      throw invalid_input(to_iso(received[i].on) + " is before the loan starts on " + to_iso(terms.start), at + ".on");
    if (received[i].on > as_of)
      throw invalid_input(to_iso(received[i].on) + " is after the statement date " + to_iso(as_of), at + ".on");
    if (received[i].amount.signum() <= 0)
      throw invalid_input("must be positive, got " + received[i].amount.to_string(), at + ".amount");
  }
  std::stable_sort(received.begin(), received.end(),
                   [](const actual_payment& a, const actual_payment& b) { return a.on < b.on; });

  auto rounded = [&](const ratio& x) {
    return terms.rounding_mode ? ratio(x.round(terms.ccy.minor_units(), *terms.rounding_mode)) : x;
  };
  const ratio markup = ratio(1) + ratio(terms.penalty_markup);

  std::vector<open_instalment> due;
  for (const loan_schedule_row& r : l.schedule()) {
    if (r.payment_date > as_of || r.payment.signum() <= 0) continue;
    open_instalment o;
    o.due = r.payment_date;
    o.rate = ratio(r.rate);
    o.principal_due = r.principal.signum() > 0 ? ratio(r.principal) : ratio(0);
    o.interest_due = ratio(r.payment) - o.principal_due;
    due.push_back(o);
  }

  ratio credit(0), penalty_accrued(0), penalty_charged(0), penalty_paid(0), total_received(0);
  std::size_t next_due = 0, next_payment = 0;
  date clock = terms.start;

  auto accrue_penalty = [&](const date& to) {
    if (to <= clock) return;
    const ratio years = detail::accrual_fraction(terms, clock, clock, to, l.maturity());
    for (std::size_t i = 0; i < next_due; ++i) {
      const open_instalment& o = due[i];
      if (o.settled()) continue;
      ratio base = o.unpaid_principal();
      if (terms.penalty_on_overdue_interest) base += o.unpaid_interest();
      const ratio charge = base * o.rate * markup * years;
      penalty_accrued += charge;
      penalty_charged += charge;
    }
    clock = to;
  };
  // Settles interest, then principal, oldest first, from `available`.
  auto settle = [&](ratio& available, const date& on) {
    for (std::size_t i = 0; i < next_due && available.signum() > 0; ++i)
      due[i].interest_paid += take(available, due[i].unpaid_interest());
    for (std::size_t i = 0; i < next_due && available.signum() > 0; ++i)
      due[i].principal_paid += take(available, due[i].unpaid_principal());
    for (std::size_t i = 0; i < next_due; ++i)
      if (!due[i].settled_on && due[i].settled()) due[i].settled_on = on;
  };

  while (next_due < due.size() || next_payment < received.size()) {
    const bool due_first = next_due < due.size() &&
                           (next_payment == received.size() || due[next_due].due <= received[next_payment].on);
    const date when = due_first ? due[next_due].due : received[next_payment].on;
    accrue_penalty(when);
    if (due_first) {
      ++next_due;
      settle(credit, when);
    } else {
      ratio available(received[next_payment].amount);
      total_received += available;
      const ratio penalty_due = rounded(penalty_accrued);
      const ratio paid = take(available, penalty_due);
      penalty_paid += paid;
      penalty_accrued = paid == penalty_due ? ratio(0) : penalty_accrued - paid;
      settle(available, when);
      credit += available;
      settle(credit, when);
      ++next_payment;
    }
  }
  accrue_penalty(as_of);

  loan_statement s;
  s.as_of = as_of;
  ratio principal_overdue(0), interest_overdue(0);
  for (const open_instalment& o : due) {
    instalment_status st;
    st.due = o.due;
    st.principal_due = l.to_amount(o.principal_due);
    st.interest_due = l.to_amount(o.interest_due);
    st.principal_paid = l.to_amount(o.principal_paid);
    st.interest_paid = l.to_amount(o.interest_paid);
    st.settled_on = o.settled_on;
    st.days_late = days_between(o.due, o.settled_on.value_or(as_of));
    if (st.days_late < 0) st.days_late = 0;
    principal_overdue += o.unpaid_principal();
    interest_overdue += o.unpaid_interest();
    s.instalments.push_back(st);
  }
  s.received = l.to_amount(total_received);
  s.penalty_charged = l.to_amount(rounded(penalty_charged));
  s.penalty_paid = l.to_amount(penalty_paid);
  s.penalty_outstanding = l.to_amount(rounded(penalty_accrued));
  s.principal_overdue = l.to_amount(principal_overdue);
  s.interest_overdue = l.to_amount(interest_overdue);
  s.credit = l.to_amount(credit);
  return s;
}

}  // namespace stakecalc
