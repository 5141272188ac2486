// The debt engine: Chinese bank examples for 等额本息 and 等额本金, reconciliation properties over
// random loans, benchmark (LPR) loans with resets, prepayment, accrued interest and payoff, penalty
// interest, the legal cap for private lending, stubs, and bad input.
//
// Oracles: the published monthly figures of the standard bank example (1,000,000 yuan over 20 years
// at 4.9%: 6,544.44 a month for equal instalments; 8,250.00 then 8,232.99 for equal principal;
// 5,307.27 over 30 years), and tables derived here independently of the engine: the closed form
// P r (1+r)^n / ((1+r)^n - 1) in exact fractions with the power multiplied out, and the bank's
// textbook loop (interest = balance x annual / 12 rounded half-up to the fen; principal = instalment
// - interest; the last month repays the balance). The engine computes the instalment another way
// (a product of one-period growth factors) and runs an event model, so agreement is evidence.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>

#include <string>
#include <typeinfo>
#include <vector>

#include "stakecalc/loan.hpp"
#include "stakecalc/loan_ledger.hpp"
#include "stakecalc/lpr.hpp"
#include "stakecalc/private_lending_cap.hpp"
#include "stakecalc/rate_table.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;
using ::testing::HasSubstr;

using stakecalc::testing::d;
using stakecalc::testing::dec;

template <class E, class F>
void expect_error(F f, const std::string& field, const std::string& fragment) {
  stakecalc::testing::expect_error_at<E>(f, field, fragment);
}

// floor(100 x + 1/2) / 100 for x >= 0: half-up to the fen, by hand.
ratio fen_half_up(const ratio& x) {
  const ratio shifted = x * ratio(100) + ratio(1, 2);
  return ratio(big_int(shifted.numerator() / shifted.denominator()), big_int(100));
}

ratio power(const ratio& base, int n) {
  ratio p(1);
  for (int i = 0; i < n; ++i) p *= base;
  return p;
}

// The textbook instalment P r (1+r)^n / ((1+r)^n - 1), exact.
ratio closed_form_instalment(const ratio& principal, const ratio& monthly_rate, int n) {
  const ratio g = power(ratio(1) + monthly_rate, n);
  return principal * monthly_rate * g / (g - ratio(1));
}

struct bank_row {
  ratio interest, principal, payment, balance;
};

// The bank's table: interest on the balance at the monthly rate, rounded half-up to the fen; the
// principal is the instalment less the interest (or the fixed principal); the last month repays
// what is left.
std::vector<bank_row> bank_table(const ratio& principal, const ratio& monthly_rate, int n, bool equal_instalments) {
  const ratio instalment = equal_instalments ? fen_half_up(closed_form_instalment(principal, monthly_rate, n))
                                             : fen_half_up(principal / ratio(n));
  std::vector<bank_row> rows;
  ratio balance = principal;
  for (int k = 1; k <= n; ++k) {
    bank_row r;
    r.interest = fen_half_up(balance * monthly_rate);
    r.principal = k < n ? (equal_instalments ? instalment - r.interest : instalment) : balance;
    r.payment = r.interest + r.principal;
    balance -= r.principal;
    r.balance = balance;
    rows.push_back(r);
  }
  return rows;
}

// 1,000,000.00 yuan from 2024-01-15, monthly for `periods` months at 4.9% a year, 按月计息.
using stakecalc::testing::bank_loan;

void expect_matches_bank_table(const std::vector<loan_schedule_row>& rows, const std::vector<bank_row>& want) {
  ASSERT_EQ(rows.size(), want.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i + 1));
    EXPECT_EQ(ratio(rows[i].interest), want[i].interest);
    EXPECT_EQ(ratio(rows[i].principal), want[i].principal);
    EXPECT_EQ(ratio(rows[i].payment), want[i].payment);
    EXPECT_EQ(ratio(rows[i].closing_balance), want[i].balance);
  }
}

// ---- published bank examples -------------------------------------------------------------------

TEST(BankExamples, EqualInstalments1MillionOver20YearsAt4_9Percent) {
  const loan l(bank_loan(repayment_type::annuity));
  const auto rows = l.schedule();
  ASSERT_EQ(rows.size(), 240u);
  // Published: 6,544.44 a month; the first month is 4,083.33 interest (1,000,000 x 0.049 / 12) and
  // 2,461.11 principal.
  EXPECT_EQ(rows[0].payment, dec("6544.44"));
  EXPECT_EQ(rows[0].interest, dec("4083.33"));
  EXPECT_EQ(rows[0].principal, dec("2461.11"));
  EXPECT_EQ(rows[0].closing_balance, dec("997538.89"));
  EXPECT_EQ(rows[0].payment_date, d("2024-02-15"));
  EXPECT_EQ(rows.back().payment_date, d("2044-01-15"));
  expect_matches_bank_table(rows, bank_table(ratio(1000000), ratio(49, 12000), 240, true));
  // The last instalment repays the balance: principal repaid equals the principal to the fen.
  EXPECT_EQ(l.totals().principal, dec("1000000.00"));
}

TEST(BankExamples, EqualPrincipal1MillionOver20YearsAt4_9Percent) {
  const loan l(bank_loan(repayment_type::equal_principal));
  const auto rows = l.schedule();
  ASSERT_EQ(rows.size(), 240u);
  // Published: 8,250.00 the first month (4,166.67 + 4,083.33), then 17.01 less each month.
  EXPECT_EQ(rows[0].payment, dec("8250.00"));
  EXPECT_EQ(rows[0].principal, dec("4166.67"));
  EXPECT_EQ(rows[1].payment, dec("8232.99"));
  EXPECT_EQ(rows[2].payment, dec("8215.98"));
  expect_matches_bank_table(rows, bank_table(ratio(1000000), ratio(49, 12000), 240, false));
  EXPECT_EQ(rows.back().principal, dec("4165.87"));  // 1,000,000 - 239 x 4,166.67
}

TEST(BankExamples, ThirtyYearInstalment) {
  const loan l(bank_loan(repayment_type::annuity, 360));
  EXPECT_EQ(l.schedule().front().payment, dec("5307.27"));  // published
}

// With a day count the instalment follows the actual periods (ACTUS's annuity): the closed form no
// longer applies, but the table still reconciles and a zero rate splits the principal evenly.
TEST(Annuity, ZeroRateSplitsThePrincipal) {
  loan_terms t = bank_loan(repayment_type::annuity, 12);
  t.rate = decimal();
  t.basis = interest_basis::day_count;
  const auto rows = loan(t).schedule();
  ASSERT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows[0].payment, dec("83333.33"));
  EXPECT_EQ(rows.back().payment, dec("83333.37"));
}

// ---- reconciliation over random loans -----------------------------------------------------------

RC_GTEST_PROP(LoanProperties, ReconcilesExactly, ()) {
  const auto cents = *rc::gen::inRange<std::int64_t>(100000, 1000000001);
  const auto rate_basis_points = *rc::gen::inRange<std::int64_t>(0, 2401);
  const int periods = *rc::gen::inRange<int>(1, 121);
  const int kind = *rc::gen::inRange<int>(0, 3);
  const int grace = kind == 0 ? 0 : *rc::gen::inRange<int>(0, periods);
  const bool monthly = *rc::gen::arbitrary<bool>();
  const int start_offset = *rc::gen::inRange<int>(0, 1826);
  const int mode = *rc::gen::inRange<int>(0, 3);

  loan_terms t;
  t.principal = decimal::from_parts(cents, 2);
  t.rate = decimal::from_parts(rate_basis_points, 4);
  t.start = detail::add_days(d("2020-01-01"), start_offset);
  t.periods = periods;
  t.repayment = kind == 0 ? repayment_type::bullet : kind == 1 ? repayment_type::equal_principal : repayment_type::annuity;
  t.grace_periods = grace;
  t.basis = monthly ? interest_basis::monthly : interest_basis::day_count;
  t.rounding_mode = mode == 0 ? rounding::half_up : mode == 1 ? rounding::half_even : rounding::down;
  const loan l(t);
  const auto rows = l.schedule();
  RC_ASSERT(!rows.empty());
  decimal principal_sum, interest_sum;
  decimal previous_closing = t.principal;
  for (const loan_schedule_row& r : rows) {
    RC_ASSERT(r.opening_balance == previous_closing);
    RC_ASSERT(r.payment == r.interest + r.principal);
    RC_ASSERT(r.closing_balance == r.opening_balance - r.principal);
    RC_ASSERT(r.closing_balance.signum() >= 0);
    RC_ASSERT(r.interest.signum() >= 0);
    RC_ASSERT(r.principal.scale() <= 2 && r.interest.scale() <= 2);
    principal_sum += r.principal;
    interest_sum += r.interest;
    previous_closing = r.closing_balance;
  }
  RC_ASSERT(principal_sum == t.principal);
  RC_ASSERT(rows.back().closing_balance.is_zero());
  const loan_totals totals = l.totals();
  RC_ASSERT(totals.interest == interest_sum);
  RC_ASSERT(totals.principal == t.principal);
  RC_ASSERT(totals.payments == principal_sum + interest_sum);
  // Interest-only grace: no principal in the first `grace` rows. At a zero rate a grace period owes
  // nothing at all, and a period with nothing to pay has no row: the schedule starts with the first
  // repayment, one row for each of the other periods.
  if (rate_basis_points > 0) {
    for (int i = 0; i < grace && i < static_cast<int>(rows.size()); ++i) RC_ASSERT(rows[i].principal.is_zero());
  } else if (kind != 0) {
    RC_ASSERT(rows.size() == static_cast<std::size_t>(periods - grace));
    RC_ASSERT(rows.front().principal.signum() > 0);
  }
}

// Unrounded, nothing is lost: the cash the borrower pays is exactly principal plus interest, and
// each row shows its exact amount to 20 places.
TEST(LoanUnrounded, PaymentsAreExactlyPrincipalPlusInterest) {
  loan_terms t = bank_loan(repayment_type::annuity, 12);
  t.basis = interest_basis::day_count;
  t.rounding_mode.reset();
  const loan l(t);
  ratio interest(0), principal(0), paid(0);
  for (const loan_event& e : l.events()) {
    if (e.type == loan_event_type::start) continue;
    interest += e.interest;
    principal += e.principal;
    paid += e.payoff;
  }
  EXPECT_EQ(principal, ratio(1000000));
  EXPECT_EQ(paid, principal + interest);
  const auto rows = l.schedule();
  ratio shown(0);
  for (const auto& r : rows) shown += ratio(r.interest);
  ratio error = shown - interest;
  if (error.signum() < 0) error = -error;
  EXPECT_LE(error, ratio(big_int(static_cast<long>(rows.size())), detail::big_pow10(loan::unrounded_places)));
  // The instalment is not rounded: every payment but the last is the same exact amount.
  EXPECT_EQ(rows[0].payment, rows[5].payment);
  EXPECT_EQ(rows[0].payment.scale(), loan::unrounded_places);
}

// ---- benchmark-linked loans ------------------------------------------------------------------

// LPR-5Y + 50 bp, repriced every 1 January: 5.30% (LPR-5Y 4.80% in force on 2020-01-01), then
// 5.15% (4.65% on 2021-01-01), 5.15%, 4.80% (4.30% on 2023-01-01), 4.70% (4.20% on 2024-01-01).
// After each reset the instalment is recomputed over the remaining months.
TEST(FloatingRate, Lpr5yPlusSpreadRepricedYearly) {
  loan_terms t;
  t.principal = dec("1200000.00");
  t.start = d("2020-01-01");
  t.periods = 60;
  t.repayment = repayment_type::annuity;
  t.basis = interest_basis::monthly;
  floating_rate f;
  f.benchmark = "LPR-5Y";
  f.spread = dec("0.005");
  f.reset_cycle = cycle(tenor(1, time_unit::years));
  t.floating = f;
  const loan l(t);
  EXPECT_EQ(l.initial_rate(), dec("0.053"));
  const auto rows = l.schedule();
  ASSERT_EQ(rows.size(), 60u);
  EXPECT_EQ(rows[0].rate, dec("0.053"));
  EXPECT_EQ(rows[11].rate, dec("0.053"));   // 2021-01-01: the reset follows the payment
  EXPECT_EQ(rows[12].rate, dec("0.0515"));  // 2021-02-01
  EXPECT_EQ(rows[24].rate, dec("0.0515"));
  EXPECT_EQ(rows[36].rate, dec("0.048"));
  EXPECT_EQ(rows[48].rate, dec("0.047"));
  // The first instalment and the one recomputed on 2021-01-01 follow the closed form.
  EXPECT_EQ(ratio(rows[0].payment), fen_half_up(closed_form_instalment(ratio(1200000), ratio(53, 12000), 60)));
  EXPECT_EQ(ratio(rows[12].payment),
            fen_half_up(closed_form_instalment(ratio(rows[11].closing_balance), ratio(515, 120000), 48)));
  decimal repaid;
  for (const auto& r : rows) repaid += r.principal;
  EXPECT_EQ(repaid, t.principal);
}

TEST(FloatingRate, FrozenOnTheContractDateAndBounded) {
  loan_terms t;
  t.principal = dec("100000.00");
  t.start = d("2022-01-01");
  t.periods = 36;
  t.repayment = repayment_type::equal_principal;
  floating_rate f;
  f.benchmark = "LPR-1Y";
  f.spread = dec("0.01");
  f.reset_cycle = cycle(tenor(1, time_unit::years));
  f.fixing = fixing_rule::contract_date;
  t.floating = f;
  const auto rows = loan(t).schedule();
  // LPR-1Y on 2022-01-01 is 3.80% (fixing of 2021-12-20): 4.80% for the whole life.
  for (const auto& r : rows) EXPECT_EQ(r.rate, dec("0.048"));
  // Reset on each 1 January instead, with a floor of 4.70%: 2023 (LPR-1Y 3.65% + 1%) and 2024
  // (3.45% + 1%) fall below it.
  t.floating->fixing = fixing_rule::reset_date;
  t.floating->floor = dec("0.047");
  const auto floored = loan(t).schedule();
  EXPECT_EQ(floored[0].rate, dec("0.048"));
  EXPECT_EQ(floored[12].rate, dec("0.047"));
  EXPECT_EQ(floored[24].rate, dec("0.047"));
}

// ---- life of the loan ------------------------------------------------------------------------

TEST(LoanLife, AccruedInterestAndPayoff) {
  loan_terms t;
  t.principal = dec("1000000.00");
  t.start = d("2024-03-01");
  t.maturity = moment(d("2025-03-01"));
  t.repayment = repayment_type::bullet;
  t.frequency = tenor(3, time_unit::months);
  t.rate = dec("0.0365");
  const loan l(t);
  // 10 days at 3.65% / 360: 1,013.888... -> 1,013.89.
  EXPECT_EQ(l.accrued_interest(d("2024-03-11")), dec("1013.89"));
  EXPECT_EQ(l.payoff_amount(d("2024-03-11")), dec("1001013.89"));
  // On a payment date the interest of the period is paid: nothing accrued.
  EXPECT_EQ(l.accrued_interest(d("2024-06-01")), dec("0.00"));
  EXPECT_EQ(l.payoff_amount(d("2024-06-01")), dec("1000000.00"));
  // After maturity nothing is owed.
  EXPECT_EQ(l.payoff_amount(d("2025-06-01")), dec("0.00"));
  expect_error<invalid_input>([&] { (void)l.accrued_interest(d("2024-02-01")); }, "on", "2024-02-01");
}

TEST(LoanLife, PrepaymentKeepTermOrKeepInstalment) {
  const loan base(bank_loan(repayment_type::annuity));
  const auto before = base.schedule();
  // 200,000 prepaid on the 24th payment date (2026-01-15).
  const loan lower = base.with_prepayment(d("2026-01-15"), dec("200000.00"), prepayment_effect::keep_term);
  const auto rows = lower.schedule();
  ASSERT_EQ(rows.size(), 240u);
  EXPECT_EQ(rows[23].principal, before[23].principal + dec("200000.00"));
  const ratio balance = ratio(before[23].closing_balance) - ratio(200000);
  EXPECT_EQ(ratio(rows[24].payment), fen_half_up(closed_form_instalment(balance, ratio(49, 12000), 216)));
  EXPECT_LT(rows[24].payment, before[24].payment);
  EXPECT_EQ(rows.back().payment_date, before.back().payment_date);

  const loan shorter = base.with_prepayment(d("2026-01-15"), dec("200000.00"), prepayment_effect::keep_instalment);
  const auto short_rows = shorter.schedule();
  EXPECT_LT(short_rows.size(), 240u);
  EXPECT_EQ(short_rows[24].payment, dec("6544.44"));
  EXPECT_LE(short_rows.back().payment, dec("6544.44"));
  for (const loan* l : {&lower, &shorter}) EXPECT_EQ(l->totals().principal, dec("1000000.00"));
  EXPECT_LT(shorter.totals().interest, lower.totals().interest);

  // Between payment dates the prepayment row carries the interest accrued to that day.
  const loan mid = base.with_prepayment(d("2026-02-01"), dec("100000.00"), prepayment_effect::keep_term);
  const auto mid_rows = mid.schedule();
  ASSERT_EQ(mid_rows.size(), 241u);
  EXPECT_EQ(mid_rows[24].payment_date, d("2026-02-01"));
  EXPECT_EQ(mid_rows[24].principal, dec("100000.00"));

  expect_error<invalid_input>([&] { (void)base.with_prepayment(d("2026-01-15"), dec("2000000.00"), prepayment_effect::keep_term); },
                              "amount", "2000000.00");
  expect_error<invalid_input>([&] { (void)base.with_prepayment(d("2050-01-01"), dec("1.00"), prepayment_effect::keep_term); },
                              "on", "2050-01-01");
}

TEST(LoanLife, PenaltyInterestOnLatePayment) {
  loan_terms t;
  t.principal = dec("120000.00");
  t.start = d("2024-01-01");
  t.maturity = moment(d("2024-07-01"));
  t.repayment = repayment_type::bullet;
  t.rate = dec("0.072");
  const loan l(t);
  // January's interest, due 2024-02-01: 120,000 x 7.2% x 31 / 360 = 744.00.
  ASSERT_EQ(l.schedule()[0].interest, dec("744.00"));
  // Unpaid for 10 days: 744.00 x 7.2% x 1.5 x 10 / 360 = 2.232 -> 2.23 of penalty (复利 on interest).
  const loan_statement open = record_payments(l, {}, d("2024-02-11"));
  ASSERT_EQ(open.instalments.size(), 1u);
  EXPECT_EQ(open.penalty_charged, dec("2.23"));
  EXPECT_EQ(open.interest_overdue, dec("744.00"));
  EXPECT_EQ(open.instalments[0].days_late, 10);
  EXPECT_FALSE(open.instalments[0].settled_on);
  // Paid on 2024-02-11 with the penalty: settled, 10 days late, nothing left.
  const loan_statement paid = record_payments(l, {{d("2024-02-11"), dec("746.23")}}, d("2024-02-11"));
  EXPECT_EQ(paid.penalty_paid, dec("2.23"));
  EXPECT_EQ(paid.penalty_outstanding, dec("0.00"));
  EXPECT_EQ(paid.instalments[0].interest_paid, dec("744.00"));
  EXPECT_EQ(paid.instalments[0].settled_on, d("2024-02-11"));
  EXPECT_EQ(paid.credit, dec("0.00"));
  // Paid on time: no penalty.
  const loan_statement on_time = record_payments(l, {{d("2024-02-01"), dec("744.00")}}, d("2024-02-20"));
  EXPECT_EQ(on_time.penalty_charged, dec("0.00"));
  EXPECT_EQ(on_time.instalments[0].days_late, 0);
  expect_error<invalid_input>([&] { (void)record_payments(l, {{d("2024-03-01"), dec("-5")}}, d("2024-03-02")); },
                              "payments[0].amount", "-5");
}

TEST(LoanLife, EffectiveAnnualRate) {
  // One payment after 365 days on ACT/365F: the effective rate is the nominal rate exactly.
  loan_terms t;
  t.principal = dec("1000.00");
  t.start = d("2023-01-01");
  t.maturity = moment(d("2024-01-01"));
  t.repayment = repayment_type::bullet;
  t.frequency = tenor(1, time_unit::years);
  t.day_count = day_counter(day_count_convention::act_365_fixed);
  t.rate = dec("0.05");
  EXPECT_EQ(loan(t).effective_annual_rate().rounded(25, rounding::half_even), dec("0.05").rounded(25, rounding::half_even));
  // A fee of 10 withheld at the start (990 received, 1,050 repaid): 1050 / 990 - 1.
  t.premium_discount = dec("-10");
  const ratio exact = ratio(1050, 990) - ratio(1);
  EXPECT_EQ(loan(t).effective_annual_rate().rounded(25, rounding::half_even), exact.round(25, rounding::half_even));
}

// ---- LPR, rate tables and the legal cap --------------------------------------------------------

TEST(Lpr, BuiltInHistory) {
  EXPECT_EQ(lpr(lpr_tenor::one_year, d("2019-08-20")), dec("0.0425"));
  EXPECT_EQ(lpr(lpr_tenor::five_year, d("2019-08-20")), dec("0.0485"));
  EXPECT_EQ(lpr(lpr_tenor::one_year, d("2020-08-20")), dec("0.0385"));
  EXPECT_EQ(lpr(lpr_tenor::one_year, d("2024-07-21")), dec("0.0345"));
  EXPECT_EQ(lpr(lpr_tenor::one_year, d("2024-07-22")), dec("0.0335"));
  EXPECT_EQ(lpr(lpr_tenor::five_year, d("2024-07-22")), dec("0.0385"));
  EXPECT_EQ(lpr(lpr_tenor::one_year, d("2025-05-20")), dec("0.03"));
  EXPECT_EQ(lpr_table(lpr_tenor::one_year).fixings().size(), 83u);
  expect_error<invalid_input>([] { (void)lpr(lpr_tenor::one_year, d("2019-08-19")); }, "on", "2019-08-20");
  const date later = detail::add_days(lpr_known_through(), 1);
  expect_error<invalid_input>([&] { (void)lpr(lpr_tenor::one_year, later); }, "on", "with_fixings");
  // A user adds the next fixing and asks again.
  const rate_table extended = lpr_table(lpr_tenor::one_year).with_fixings({{later, dec("0.029")}});
  EXPECT_EQ(extended.rate_on(detail::add_days(later, 10)), dec("0.029"));
  EXPECT_EQ(lpr_table(lpr_tenor::one_year).fixings().size(), 83u);  // the built-in table is unchanged
  EXPECT_EQ(parse_lpr_tenor("5y"), lpr_tenor::five_year);
}

TEST(RateTable, JsonRoundTripAndErrors) {
  const rate_table t = rate_table::parse_json(
      R"({"name": "MY-RATE", "unit": "percent", "fixings": [{"date": "2024-02-20", "rate": "3.95"},
                                                         {"date": "2024-01-22", "rate": "4.20"}]})");
  EXPECT_EQ(t.fixings().front().effective, d("2024-01-22"));
  EXPECT_EQ(t.rate_on(d("2024-02-19")), dec("0.042"));
  EXPECT_EQ(t.rate_on(d("2024-02-20")), dec("0.0395"));
  EXPECT_EQ(rate_table::parse_json(t.to_json_text()), t);
  expect_error<invalid_input>([] { (void)rate_table::parse_json(R"({"name": "X", "fixings": [{"date": "2024-01-01", "rate": 0.03}]})"); },
                              "/fixings/0/rate", "");
  expect_error<invalid_input>(
      [] {
        (void)rate_table::parse_json(
            R"({"name": "X", "fixings": [{"date": "2024-01-01", "rate": "0.03"}, {"date": "2024-01-01", "rate": "0.04"}]})");
      },
      "/fixings/1/date", "2024-01-01");
  expect_error<invalid_input>([&] { (void)t.rate_on(d("2023-12-31")); }, "on", "2024-01-22");
}

TEST(LegalCap, FourTimesTheOneYearLprOnTheContractDate) {
  loan_terms t;
  t.principal = dec("500000.00");
  t.contract_date = d("2021-03-01");
  t.start = d("2021-03-15");
  t.periods = 24;
  t.rate = dec("0.15");
  const private_lending_cap_check c = loan(t).legal_cap_check();
  EXPECT_EQ(c.lpr_1y, dec("0.0385"));
  EXPECT_EQ(c.cap, dec("0.154"));  // 15.4%
  EXPECT_EQ(c.rate, dec("0.15"));
  EXPECT_TRUE(c.rate_within_cap);
  EXPECT_EQ(c.penalty_rate, dec("0.225"));  // 15% x 1.5
  EXPECT_FALSE(c.penalty_within_cap);
  // 2025-06-01: LPR-1Y 3.00%, cap 12%.
  t.contract_date = d("2025-06-01");
  t.start = d("2025-06-01");
  t.rate = dec("0.125");
  const auto later = loan(t).legal_cap_check();
  EXPECT_EQ(later.cap, dec("0.12"));
  EXPECT_FALSE(later.rate_within_cap);
  t.contract_date = d("2020-08-19");
  t.start = d("2020-08-19");
  expect_error<domain_rule_error>([&] { (void)loan(t).legal_cap_check(); }, "contract_date", "2020-08-19");
}

// ---- schedules: stubs, grace, calendars --------------------------------------------------------

std::vector<date> payment_dates(const loan_terms& t) {
  std::vector<date> out;
  for (const auto& r : loan(t).schedule()) out.push_back(r.payment_date);
  return out;
}

TEST(LoanSchedule, Stubs) {
  loan_terms t;
  t.principal = dec("10000.00");
  t.start = d("2024-01-15");
  t.maturity = moment(d("2024-06-30"));
  t.repayment = repayment_type::bullet;
  t.rate = dec("0.06");
  t.stub = stub_rule::parse("SHORT_FINAL");
  EXPECT_EQ(payment_dates(t), (std::vector<date>{d("2024-02-15"), d("2024-03-15"), d("2024-04-15"), d("2024-05-15"),
                                                 d("2024-06-15"), d("2024-06-30")}));
  t.stub = stub_rule::parse("LONG_FINAL");
  EXPECT_EQ(payment_dates(t), (std::vector<date>{d("2024-02-15"), d("2024-03-15"), d("2024-04-15"), d("2024-05-15"),
                                                 d("2024-06-30")}));
  t.stub = stub_rule::parse("SHORT_INITIAL");
  t.end_of_month = true;
  EXPECT_EQ(payment_dates(t), (std::vector<date>{d("2024-01-31"), d("2024-02-29"), d("2024-03-31"), d("2024-04-30"),
                                                 d("2024-05-31"), d("2024-06-30")}));
  t.stub = stub_rule::parse("LONG_INITIAL");
  EXPECT_EQ(payment_dates(t), (std::vector<date>{d("2024-02-29"), d("2024-03-31"), d("2024-04-30"), d("2024-05-31"),
                                                 d("2024-06-30")}));
  const auto rows = loan(t).schedule();
  EXPECT_EQ(rows[0].start, d("2024-01-15"));
  EXPECT_EQ(rows[0].days, 45);
}

TEST(LoanSchedule, GraceThenAmortise) {
  loan_terms t = bank_loan(repayment_type::annuity, 12);
  t.grace_periods = 3;
  const auto rows = loan(t).schedule();
  ASSERT_EQ(rows.size(), 12u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(rows[static_cast<std::size_t>(i)].principal, dec("0.00"));
    EXPECT_EQ(rows[static_cast<std::size_t>(i)].interest, dec("4083.33"));
  }
  // Then nine equal instalments of the closed form over nine months.
  EXPECT_EQ(ratio(rows[3].payment), fen_half_up(closed_form_instalment(ratio(1000000), ratio(49, 12000), 9)));
}

TEST(LoanSchedule, ExplicitPrincipalSchedule) {
  loan_terms t;
  t.principal = dec("300000.00");
  t.start = d("2024-01-01");
  t.periods = 12;
  t.repayment = repayment_type::explicit_schedule;
  t.principal_schedule = {{d("2024-04-01"), dec("100000.00")}, {d("2024-09-01"), dec("50000.00")}};
  t.rate = dec("0.05");
  const auto rows = loan(t).schedule();
  EXPECT_EQ(rows[2].principal, dec("100000.00"));
  EXPECT_EQ(rows[7].principal, dec("50000.00"));
  EXPECT_EQ(rows.back().principal, dec("150000.00"));
  EXPECT_EQ(rows[3].opening_balance, dec("200000.00"));
}

TEST(LoanSchedule, ChinaCalendarMovesPaymentsAndInterestFollows) {
  loan_terms t;
  t.principal = dec("100000.00");
  t.start = d("2024-09-01");
  t.periods = 3;
  t.repayment = repayment_type::bullet;
  t.rate = dec("0.036");
  t.payment_calendar = calendar::builtin("CN");
  t.convention = business_day_convention::following;
  const auto rows = loan(t).schedule();
  // 2024-10-01 is the National Day holiday: paid 2024-10-08, interest to that day (37 days).
  EXPECT_EQ(rows[0].payment_date, d("2024-10-08"));
  EXPECT_EQ(rows[0].end, d("2024-10-08"));
  EXPECT_EQ(rows[0].days, 37);
  EXPECT_EQ(rows[0].interest, dec("370.00"));  // 100,000 x 3.6% x 37 / 360
  // The next period starts where interest stopped: 2024-10-08 to 2024-11-01.
  EXPECT_EQ(rows[1].start, d("2024-10-08"));
  EXPECT_EQ(rows[1].days, 24);
}

// ---- bad input -------------------------------------------------------------------------------

loan_terms valid_terms() {
  loan_terms t;
  t.principal = dec("100000.00");
  t.start = d("2024-01-01");
  t.periods = 12;
  t.rate = dec("0.05");
  return t;
}

TEST(LoanInput, ErrorsNameTheFieldAndTheValue) {
  auto build = [](loan_terms t) { return [t] { (void)loan(t); }; };
  loan_terms zero = valid_terms();
  zero.principal = decimal();
  expect_error<invalid_input>(build(zero), "principal", "got 0");
  loan_terms negative = valid_terms();
  negative.principal = dec("-5000.00");
  expect_error<invalid_input>(build(negative), "principal", "-5000.00");
  loan_terms early = valid_terms();
  early.periods.reset();
  early.maturity = moment(d("2023-06-30"));
  expect_error<invalid_input>(build(early), "maturity", "2023-06-30");
  loan_terms rate = valid_terms();
  rate.rate = dec("-1.5");
  expect_error<invalid_input>(build(rate), "rate", "-1.5");
  loan_terms grace = valid_terms();
  grace.grace_periods = 12;
  expect_error<invalid_input>(build(grace), "grace_periods", "12");
  loan_terms fen = valid_terms();
  fen.principal = dec("100.005");
  expect_error<invalid_input>(build(fen), "principal", "100.005");
  loan_terms both = valid_terms();
  both.maturity = moment(d("2025-01-01"));
  expect_error<invalid_input>(build(both), "periods", "not both");
  loan_terms benchmark = valid_terms();
  benchmark.rate.reset();
  benchmark.floating = floating_rate{};
  benchmark.floating->benchmark = "SHIBOR-3M";
  expect_error<invalid_input>(build(benchmark), "benchmark", "SHIBOR-3M");
  EXPECT_THROW(parse_repayment_type("BALLOON"), invalid_input);
  EXPECT_EQ(parse_repayment_type("等额本息"), repayment_type::annuity);
}

// ---- property: the annuity instalment is the exact one, rounded once ----------------------------

// An annuity on the monthly basis (the monthly rate is the annual rate / 12, every period alike)
// pays P m / (1 - (1 + m)^-n), rounded to the fen with the contract's mode. The test derives it
// with Boost's exact rationals (the 360th power of 1 + m has ~1,500 digits) and compares the first
// row's payment: the engine computes it in quad precision and falls back to exact arithmetic only
// near a rounding boundary, so this checks that shortcut against the definition. Rates and
// principals are drawn so that some land near half-fen ties too (whole-fen principals, rates in
// hundredths of a basis point).
RC_GTEST_PROP(LoanProperties, AnnuityInstalmentIsTheExactOneRoundedOnce, ()) {
  using exact = boost::multiprecision::cpp_rational;
  using whole = boost::multiprecision::cpp_int;
  const std::int64_t cents = *rc::gen::inRange<std::int64_t>(100, 100000000000);
  const std::int64_t rate_e6 = *rc::gen::inRange<std::int64_t>(1, 240001);  // 0.0001% .. 24%
  const int periods = *rc::gen::element(12, 36, 60, 120, 240, 360);
  const int mode = *rc::gen::inRange(0, 7);  // every mode but UNNECESSARY
  loan_terms t;
  t.principal = decimal::from_parts(cents, 2);
  t.rate = decimal::from_parts(rate_e6, 6);
  t.start = d("2021-01-31");
  t.periods = periods;
  t.repayment = repayment_type::annuity;
  t.basis = interest_basis::monthly;
  t.rounding_mode = static_cast<rounding>(mode);
  const std::vector<loan_schedule_row> rows = loan(t).schedule();
  RC_ASSERT(!rows.empty());

  const exact m = exact(rate_e6, 1000000) / 12;
  exact growth = 1;
  for (int i = 0; i < periods; ++i) growth *= 1 + m;
  const exact instalment = exact(cents, 100) * m * growth / (growth - 1);  // P m / (1 - (1 + m)^-n)
  const exact fen = instalment * 100;
  const whole below = numerator(fen) / denominator(fen);  // positive: floor
  const exact part = fen - exact(below);
  whole rounded = below;
  switch (static_cast<rounding>(mode)) {
    case rounding::up:
    case rounding::ceiling: rounded += part > 0 ? 1 : 0; break;
    case rounding::down:
    case rounding::floor: break;
    case rounding::half_up: rounded += part >= exact(1, 2) ? 1 : 0; break;
    case rounding::half_down: rounded += part > exact(1, 2) ? 1 : 0; break;
    case rounding::half_even:
      rounded += (part > exact(1, 2) || (part == exact(1, 2) && (below & 1) != 0)) ? 1 : 0;
      break;
    case rounding::unnecessary: break;
  }
  RC_ASSERT(rows.front().payment == decimal::from_parts(static_cast<std::int64_t>(rounded), 2));
}

}  // namespace
