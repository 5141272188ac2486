// The direct schedule of plain fixed-rate loans (detail/fixed_rate_schedule.hpp) against the
// general engine's: the rows read off the engine's events (detail::schedule_from_events), which
// were checked against the published bank tables and the ACTUS test beds (test_loan.cpp,
// test_actus.cpp). Every field of every row must be equal, with the same scale, over random plain
// loans (odd month ends, ACT/365F years, negative and 100% rates, yen and dinars, every rounding
// mode); instalments that lie exactly on a rounding boundary must be left to exact arithmetic;
// and terms that are not plain must not take the direct path.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "stakecalc/detail/fixed_rate_schedule.hpp"
#include "stakecalc/loan.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;

using stakecalc::testing::d;
using stakecalc::testing::dec;

// Rows as text, every field with its scale: equal text is equal rows.
std::string describe(const loan_schedule_row& r) {
  return to_iso(r.start) + " " + to_iso(r.end) + " " + to_iso(r.payment_date) + " " + std::to_string(r.days) + " " +
         r.rate.to_string() + " " + r.opening_balance.to_string() + " " + r.interest.to_string() + " " +
         r.principal.to_string() + " " + r.payment.to_string() + " " + r.closing_balance.to_string();
}
std::vector<std::string> describe(const std::vector<loan_schedule_row>& rows) {
  std::vector<std::string> out;
  for (const loan_schedule_row& r : rows) out.push_back(describe(r));
  return out;
}

using stakecalc::testing::bank_loan;

// The direct rows, which must exist, and the engine's, which must equal them.
void expect_direct_equals_engine(const loan_terms& t) {
  ASSERT_TRUE(detail::is_plain_fixed_rate(t));
  const loan l(t);
  const std::vector<loan_schedule_row> engine = detail::schedule_from_events(l);
  ASSERT_FALSE(engine.empty());
  const auto direct = detail::fixed_rate_schedule(t, engine.front().rate);
  ASSERT_TRUE(direct.has_value());
  EXPECT_EQ(describe(*direct), describe(engine));
  EXPECT_EQ(describe(l.schedule()), describe(engine));
}

TEST(FixedRateSchedule, BankExamplesEqualTheEngine) {
  for (repayment_type kind : {repayment_type::annuity, repayment_type::equal_principal, repayment_type::bullet})
    for (int periods : {1, 2, 12, 240, 360}) expect_direct_equals_engine(bank_loan(kind, periods));
  // The published figure, through the direct path.
  const loan l(bank_loan(repayment_type::annuity, 360));
  EXPECT_EQ(l.schedule().front().payment, dec("5307.27"));
}

TEST(FixedRateSchedule, UnequalPeriodsEqualTheEngine) {
  // A start on the 31st: dates clamp to shorter months, and 按月计息 counts the days past a whole
  // month (Feb 29 to Mar 31 is a month and two days); under the end-of-month rule, every date is a
  // month end and every period a whole month. ACT/365F years count actual days.
  for (const char* start : {"2024-01-31", "2023-11-30", "2024-02-29", "2024-01-29"})
    for (bool month_ends : {false, true})
      for (interest_basis basis : {interest_basis::monthly, interest_basis::day_count}) {
        loan_terms t = bank_loan(repayment_type::annuity, 36);
        t.start = d(start);
        t.end_of_month = month_ends;
        t.basis = basis;
        t.day_count = day_counter(day_count_convention::act_365_fixed);
        expect_direct_equals_engine(t);
        t.repayment = repayment_type::equal_principal;
        t.frequency = tenor(3, time_unit::months);
        expect_direct_equals_engine(t);
      }
}

// An instalment exactly on a rounding boundary: floating point cannot tell which side it is on, so
// the direct path declines and the engine's exact arithmetic decides. Two monthly periods at 12%
// (1% a month): A = N (1.01)^2 / 2.01; N = 100.50 gives exactly 51.005, and N = 201.00 exactly
// 102.01.
TEST(FixedRateSchedule, InstalmentOnARoundingBoundaryIsLeftToExactArithmetic) {
  loan_terms t = bank_loan(repayment_type::annuity, 2);
  t.rate = dec("0.12");
  t.principal = dec("100.50");
  const struct {
    rounding mode;
    const char* instalment;
  } ties[] = {{rounding::half_up, "51.01"}, {rounding::half_down, "51.00"}, {rounding::half_even, "51.00"}};
  for (const auto& tie : ties) {
    t.rounding_mode = tie.mode;
    ASSERT_TRUE(detail::is_plain_fixed_rate(t));
    EXPECT_FALSE(detail::fixed_rate_schedule(t, dec("0.12")).has_value());
    EXPECT_EQ(loan(t).schedule().front().payment, dec(tie.instalment));
  }
  t.principal = dec("201.00");
  t.rounding_mode = rounding::up;
  EXPECT_FALSE(detail::fixed_rate_schedule(t, dec("0.12")).has_value());
  EXPECT_EQ(loan(t).schedule().front().payment, dec("102.01"));  // exact: rounding up adds nothing
}

TEST(FixedRateSchedule, TermsBeyondPlainTakeTheEngine) {
  const loan_terms plain = bank_loan(repayment_type::annuity, 24);
  ASSERT_TRUE(detail::is_plain_fixed_rate(plain));
  std::vector<std::pair<std::string, loan_terms>> cases;
  auto with = [&](const std::string& what, auto change) {
    loan_terms t = plain;
    change(t);
    cases.emplace_back(what, t);
  };
  with("unrounded", [](loan_terms& t) { t.rounding_mode.reset(); });
  with("UNNECESSARY", [](loan_terms& t) { t.rounding_mode = rounding::unnecessary; });
  with("maturity", [](loan_terms& t) { t.periods.reset(); t.maturity = moment(d("2026-01-15")); });
  with("grace", [](loan_terms& t) { t.grace_periods = 2; });
  with("explicit", [](loan_terms& t) {
    t.repayment = repayment_type::explicit_schedule;
    t.principal_schedule = {{d("2025-01-15"), dec("1000.00")}};
  });
  with("instalment", [](loan_terms& t) { t.instalment = dec("50000.00"); });
  with("floating", [](loan_terms& t) { t.floating = floating_rate{}; t.floating->benchmark = "LPR-5Y"; });
  with("adjusted", [](loan_terms& t) { t.convention = business_day_convention::following; });
  with("30/360", [](loan_terms& t) { t.basis = interest_basis::day_count; t.day_count = day_counter(day_count_convention::thirty_360_bond); });
  with("weekly", [](loan_terms& t) { t.frequency = tenor(2, time_unit::weeks); });
  with("initial stub", [](loan_terms& t) { t.stub.position = stub_position::initial_period; });
  with("prepayment", [](loan_terms& t) { t.prepayments = {{d("2025-03-01"), dec("1000.00"), prepayment_effect::keep_term}}; });
  with("status date", [](loan_terms& t) { t.status_date = d("2025-03-01"); });
  with("accrued at start", [](loan_terms& t) { t.accrued_at_start = dec("10.00"); });
  with("capitalisation", [](loan_terms& t) { t.capitalization_end = moment(d("2024-06-15")); });
  with("fixed interest base", [](loan_terms& t) { t.base.fixed_amount = true; t.base.amount = dec("1000.00"); });
  with("interest cycle", [](loan_terms& t) { t.interest_cycle = cycle(tenor(3, time_unit::months)); });
  with("rate of 13 places", [](loan_terms& t) { t.rate = dec("0.0490000000001"); });
  with("10^16 fen", [](loan_terms& t) { t.principal = dec("100000000000000.00"); });
  for (const auto& [what, t] : cases) EXPECT_FALSE(detail::is_plain_fixed_rate(t)) << what;
}

// Random plain loans: the direct rows equal the engine's, field by field.
RC_GTEST_PROP(FixedRateScheduleProperties, EqualsTheEngine, ()) {
  loan_terms t;
  const int currency_pick = *rc::gen::inRange(0, 4);
  t.ccy = currency::of(currency_pick == 1 ? "JPY" : currency_pick == 2 ? "KWD" : "CNY");
  const int places = t.ccy.minor_units();
  const int digits = *rc::gen::inRange(1, 16);  // principal up to 10^15 minor units
  std::int64_t units = 1;
  for (int i = 0; i < digits; ++i) units *= 10;
  t.principal = decimal::from_parts(*rc::gen::inRange<std::int64_t>(1, units + 1), places);
  // Rates: mostly 0 to 20% in millionths; sometimes anything in (-100%, 100%] in basis points.
  if (*rc::gen::inRange(0, 5) == 0)
    t.rate = decimal::from_parts(*rc::gen::inRange<std::int64_t>(-9999, 10001), 4);
  else
    t.rate = decimal::from_parts(*rc::gen::inRange<std::int64_t>(0, 200001), 6);
  t.start = detail::add_days(d("2000-01-01"), *rc::gen::inRange(0, 10000));
  const int frequency = *rc::gen::element(1, 1, 1, 2, 3, 6, 12);
  t.frequency = tenor(frequency, time_unit::months);
  t.periods = *rc::gen::inRange(1, 360 / frequency + 2);
  t.end_of_month = *rc::gen::arbitrary<bool>();
  t.repayment = *rc::gen::element(repayment_type::annuity, repayment_type::equal_principal, repayment_type::bullet);
  t.basis = *rc::gen::element(interest_basis::monthly, interest_basis::day_count);
  t.day_count = day_counter(*rc::gen::element(day_count_convention::act_360, day_count_convention::act_365_fixed));
  t.rounding_mode = *rc::gen::element(rounding::up, rounding::down, rounding::ceiling, rounding::floor,
                                      rounding::half_up, rounding::half_down, rounding::half_even);
  RC_ASSERT(detail::is_plain_fixed_rate(t));

  const loan l(t);
  const std::vector<loan_schedule_row> engine = detail::schedule_from_events(l);
  RC_ASSERT(!engine.empty());
  const auto direct = detail::fixed_rate_schedule(t, engine.front().rate);
  RC_CLASSIFY(!direct.has_value(), "declined");
  if (direct) RC_ASSERT(describe(*direct) == describe(engine));
  RC_ASSERT(describe(l.schedule()) == describe(engine));
}

}  // namespace
