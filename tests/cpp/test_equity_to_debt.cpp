// Equity-to-debt (股转债): triggers, the conversion principal, the debtors' loans, the units, and
// the fund's whole-life flows.
//
// Oracles: principals in exact fractions by hand (comments); the loan tables by the bank's
// textbook loop (monthly rate = annual / 12, interest rounded half-up to the fen each month, the
// closed-form instalment P r (1+r)^n / ((1+r)^n - 1) rounded half-up, the last month repaying the
// balance) and the IRRs by mpmath at 60 digits, both in scripts/derive_contract_expectations.py, independent of
// the C++ code. LPR fixings are the published ones: 3.45% from 2023-08-21 (so on 2024-03-01, fixing
// of 2024-02-20), 3.00% from 2025-05-20 (so on 2026-03-01, fixing of 2026-02-24).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <typeinfo>
#include <vector>

#include "stakecalc/equity_to_debt.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;
using ::testing::HasSubstr;

using stakecalc::testing::d;
using stakecalc::testing::dec;
using stakecalc::testing::cny;

template <class E, class F>
void expect_error(F f, const std::string& field, const std::string& fragment) {
  stakecalc::testing::expect_error_at<E>(f, field, fragment);
}

::testing::AssertionResult within(const decimal& got, const char* exact_text, int digits) {
  ratio diff = ratio(got) - ratio::parse(exact_text);
  if (diff.signum() < 0) diff = -diff;
  if (diff <= ratio(big_int(1), detail::big_pow10(digits))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << got << " differs from " << exact_text << " by more than 1e-" << digits;
}

// CNY 3,000,000.00 on 2021-03-01 for 1,500,000.00 yuan of registered capital; at cost for three
// years (at most half), cost plus the 1-year LPR on the repurchase day from three to five years.
repurchase_terms mof_terms() {
  repurchase_terms t;
  t.investment = {d("2021-03-01"), cny("3000000.00"), dec("1500000.00"), 2};
  repurchase_window first;
  first.label = "years 0-3";
  first.until = tenor(3, time_unit::years);
  first.price = pricing::at_cost{};
  first.max_by_end = ratio(1, 2);
  repurchase_window second;
  second.label = "years 3-5";
  second.until = tenor(5, time_unit::years);
  pricing::simple_interest lpr;
  lpr.rate = interest_rate::benchmark_plus("LPR-1Y", benchmark_day::repurchase_date);
  second.price = lpr;
  t.windows = {first, second};
  return t;
}

// Converts at year 5 if stake is left. Principal: remaining cost plus 4% a year simple (ACT/365F)
// to the conversion date, less the dividends received on the converted units, at least the
// remaining cost. Owed 1/2 by zhang, 1/3 by li, 1/6 by the company; each part an equal-instalment
// loan over 24 months at 4.35% (按月计息). The units go to zhang and li, half each.
equity_to_debt_terms deadline_terms() {
  equity_to_debt_terms e;
  e.triggers = {conversion_trigger::deadline_at(tenor(5, time_unit::years)), conversion_trigger::minimum_missed_in(),
                conversion_trigger::team_elects()};
  pricing::simple_interest agreed;
  agreed.rate = interest_rate::fixed_at(dec("0.04"));
  e.principal.formula = price_formula::net_of_dividends(agreed);
  e.principal.floor = price_formula(pricing::at_cost{});
  e.debtors = {{"zhang", ratio(1, 2)}, {"li", ratio(1, 3)}, {"hefei-quantum", ratio(1, 6), true}};
  e.loan.repayment = repayment_type::annuity;
  e.loan.periods = 24;
  e.loan.rate = dec("0.0435");
  e.loan.basis = interest_basis::monthly;
  e.units_to = {{"zhang", ratio(1, 2)}, {"li", ratio(1, 2)}};
  return e;
}

deal_facts one_dividend() {
  deal_facts f;
  f.dividends = {{d("2022-06-30"), cny("150000.00"), dec("1500000.00")}};  // 0.10 a unit
  return f;
}

const repurchase_plan zhang_buys_two_fifths{{repurchase_tranche::of_proportion(d("2023-03-01"), "zhang", ratio(2, 5))}};

TEST(EquityToDebt, DeadlinePassesThenEqualInstalmentLoans) {
  const auto converted =
      convert_on_first_trigger(deadline_terms(), mof_terms(), zhang_buys_two_fifths, one_dividend());
  ASSERT_TRUE(converted.has_value());
  const conversion_result& c = *converted;

  // The deadline: 2026-03-01, with 3/5 of the stake left.
  ASSERT_TRUE(c.trigger.has_value());
  EXPECT_EQ(c.trigger->kind, conversion_trigger_kind::deadline_passed);
  EXPECT_EQ(c.trigger->trigger, 0u);
  EXPECT_EQ(c.on, d("2026-03-01"));
  EXPECT_THAT(c.trigger->reason, HasSubstr("60% of the stake left"));
  ASSERT_EQ(c.repurchases.size(), 1u);
  EXPECT_EQ(c.repurchases[0].price.amount, cny("1200000.00"));

  // 900,000.00 units, cost 1,800,000. 2021-03-01 to 2026-03-01 is 1,826 days (one leap day).
  // Interest 1,800,000 x 0.04 x 1826/365 = 26,294,400/73 = 360,197.26...; dividends on the units
  // 900,000 x 0.10 = 90,000. Principal 1,800,000 + 26,294,400/73 - 90,000 = 151,124,400/73 =
  // 2,070,197.2602..., half-up 2,070,197.26 (the floor, 1,800,000, does not bind).
  EXPECT_EQ(c.units_converted, dec("900000.00"));
  EXPECT_EQ(c.stake_converted, ratio(3, 5));
  EXPECT_EQ(c.remaining_cost, ratio(1800000));
  EXPECT_EQ(c.exact_principal, ratio(151124400, 73));
  EXPECT_EQ(c.principal, cny("2070197.26"));
  const std::string statement = c.statement.to_text();
  EXPECT_THAT(statement, HasSubstr("does not bind"));
  EXPECT_THAT(statement, HasSubstr("dividends on u = CNY 90000"));
  EXPECT_THAT(statement, HasSubstr("days = 1826"));

  // Largest remainder in fen: 207,019,726 x 1/2 = 103,509,863; x 1/3 = 69,006,575 r 2/6;
  // x 1/6 = 34,503,287 r 4/6; the one fen left goes to the company (largest remainder).
  ASSERT_EQ(c.loans.size(), 3u);
  EXPECT_EQ(c.loans[0].principal, cny("1035098.63"));
  EXPECT_EQ(c.loans[1].principal, cny("690065.75"));
  EXPECT_EQ(c.loans[2].principal, cny("345032.88"));

  // The bank's tables (derive_contract_expectations.py): instalment, first month's interest, last payment,
  // total paid.
  struct bank {
    const char *instalment, *first_interest, *last_payment, *total;
  };
  const bank want[] = {{"45110.50", "3752.23", "45110.51", "1082652.01"},
                       {"30073.67", "2501.49", "30073.58", "721767.99"},
                       {"15036.83", "1250.74", "15036.93", "360884.02"}};
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(c.loans[i].debtor);
    const auto& rows = c.loans[i].schedule;
    ASSERT_EQ(rows.size(), 24u);
    EXPECT_EQ(rows[0].payment_date, d("2026-04-01"));
    EXPECT_EQ(rows[0].payment, dec(want[i].instalment));
    EXPECT_EQ(rows[0].interest, dec(want[i].first_interest));
    EXPECT_EQ(rows[22].payment, dec(want[i].instalment));
    EXPECT_EQ(rows[23].payment, dec(want[i].last_payment));
    EXPECT_EQ(rows[23].closing_balance, dec("0"));
    EXPECT_EQ(c.loans[i].totals.payments, dec(want[i].total));
    EXPECT_EQ(c.loans[i].totals.principal, c.loans[i].principal.amount());
    // The private-lending cap on 2026-03-01: 4 x 3.00% = 12%; 4.35% and the penalty 6.525% are within.
    ASSERT_TRUE(c.loans[i].legal_cap.has_value());
    EXPECT_EQ(c.loans[i].legal_cap->cap, dec("0.12"));
    EXPECT_TRUE(c.loans[i].legal_cap->rate_within_cap);
  }

  // The units: 450,000.00 each to zhang and li.
  EXPECT_FALSE(c.units_cancelled);
  ASSERT_EQ(c.units_to.size(), 2u);
  EXPECT_EQ(c.units_to[0].units, dec("450000.00"));
  EXPECT_EQ(c.units_to[1].units, dec("450000.00"));

  // The fund's life: -3,000,000; 150,000 dividend; 1,200,000 repurchase; 72 instalments.
  // Received 150,000 + 1,200,000 + 1,082,652.01 + 721,767.99 + 360,884.02 = 3,515,304.02.
  EXPECT_EQ(c.fund_flows.size(), 75u);
  EXPECT_EQ(c.fund_cash_recovered, cny("3515304.02"));
  EXPECT_EQ(c.fund_multiple, ratio(175765201, 150000000));
  ASSERT_TRUE(c.fund_irr.has_value());
  EXPECT_TRUE(within(*c.fund_irr, "0.036790667932435905344604714068044", 27));
  // The team: zhang's repurchase plus zhang's and li's instalments (the company's are not the
  // team's): 1,200,000 + 1,082,652.01 + 721,767.99 = 3,004,420.00.
  EXPECT_EQ(c.team_cost, cny("3004420.00"));
}

// At least 30% by year 3; the team buys 20% on 2022-03-01 and misses it. On 2024-03-01 the rest
// converts at the repurchase price then in force (window "years 3-5"), owed by the company, one
// year bullet at 5% ACT/365F; the units are cancelled.
equity_to_debt_terms minimum_terms() {
  equity_to_debt_terms e;
  e.triggers = {conversion_trigger::minimum_missed_in(0), conversion_trigger::milestone_fails("first product")};
  e.debtors = {{"hefei-quantum", ratio(1), true}};
  e.loan.repayment = repayment_type::bullet;
  e.loan.periods = 1;
  e.loan.frequency = tenor(1, time_unit::years);
  e.loan.rate = dec("0.05");
  e.loan.day_count = day_counter(day_count_convention::act_365_fixed);
  return e;
}

repurchase_terms with_minimum() {
  repurchase_terms t = mof_terms();
  t.windows[0].min_by_end = ratio(3, 10);
  return t;
}

const repurchase_plan zhang_buys_a_fifth{{repurchase_tranche::of_proportion(d("2022-03-01"), "zhang", ratio(1, 5))}};

TEST(EquityToDebt, MissedMinimumConvertsAtTheRepurchasePriceInForce) {
  const auto converted = convert_on_first_trigger(minimum_terms(), with_minimum(), zhang_buys_a_fifth);
  ASSERT_TRUE(converted.has_value());
  const conversion_result& c = *converted;
  EXPECT_EQ(c.trigger->kind, conversion_trigger_kind::minimum_missed);
  EXPECT_EQ(c.on, d("2024-03-01"));
  // 1,200,000.00 units, cost 2,400,000; LPR-1Y 3.45% on 2024-03-01; 1,096 days from 2021-03-01:
  // 2,400,000 x (1 + 0.0345 x 1096/365) = 2,648,626.849..., half-up 2,648,626.85.
  EXPECT_EQ(c.units_converted, dec("1200000.00"));
  EXPECT_EQ(c.principal, cny("2648626.85"));
  EXPECT_THAT(c.statement.to_text(), HasSubstr("LPR-1Y fixing of 2024-02-20"));
  EXPECT_TRUE(c.units_cancelled);
  // One payment on 2025-03-01 (365 days): 2,648,626.85 x 1.05 = 2,781,058.1925 -> interest
  // 132,431.34, payment 2,781,058.19.
  ASSERT_EQ(c.loans.size(), 1u);
  ASSERT_EQ(c.loans[0].schedule.size(), 1u);
  EXPECT_EQ(c.loans[0].schedule[0].payment_date, d("2025-03-01"));
  EXPECT_EQ(c.loans[0].schedule[0].payment, dec("2781058.19"));
  ASSERT_EQ(c.fund_flows.size(), 3u);
  EXPECT_EQ(c.fund_multiple, ratio(338105819, 300000000));
  EXPECT_TRUE(within(*c.fund_irr, "0.035303607995999255085738359426724", 27));
  EXPECT_EQ(c.team_cost, cny("600000.00"));  // the company owes the debt
}

TEST(EquityToDebt, FirstTriggerIsTheEarliest) {
  const repurchase_terms t = with_minimum();
  const repurchase_evaluation ev = evaluate_plan(t, zhang_buys_a_fifth);
  equity_to_debt_terms e = minimum_terms();
  // Nothing reported: the missed minimum on 2024-03-01.
  EXPECT_EQ(first_trigger(e, t, ev)->on, d("2024-03-01"));
  // A milestone failing earlier wins.
  const auto failed = first_trigger(e, t, ev, {{conversion_trigger_kind::milestone_failed, d("2023-06-01"), "first product"}});
  EXPECT_EQ(failed->kind, conversion_trigger_kind::milestone_failed);
  EXPECT_EQ(failed->trigger, 1u);
  EXPECT_EQ(failed->on, d("2023-06-01"));
  // No trigger once the stake is gone: 1/5 + 3/10 bought in the first window, the rest in the second.
  const repurchase_plan all{{repurchase_tranche::of_proportion(d("2022-03-01"), "zhang", ratio(1, 5)),
                             repurchase_tranche::of_proportion(d("2023-03-01"), "zhang", ratio(3, 10)),
                             repurchase_tranche::of_proportion(d("2025-01-02"), "li", ratio(1, 2))}};
  e.triggers.push_back(conversion_trigger::deadline_at(tenor(5, time_unit::years)));
  EXPECT_FALSE(first_trigger(e, t, evaluate_plan(t, all)).has_value());
  // What people report must be something the terms name.
  expect_error<invalid_input>(
      [&] { (void)first_trigger(e, t, ev, {{conversion_trigger_kind::milestone_failed, d("2023-06-01"), "ipo"}}); },
      "reported[0].milestone", "'ipo'");
  expect_error<domain_rule_error>(
      [&] { (void)first_trigger(e, t, ev, {{conversion_trigger_kind::team_election, d("2023-06-01"), ""}}); },
      "reported[0]", "elect");
}

TEST(EquityToDebt, BadTermsAndImpossibleConversionsAreRefused) {
  const repurchase_terms t = mof_terms();
  auto convert = [&](const equity_to_debt_terms& e, const char* on) {
    return [&e, &t, on] { (void)convert_to_debt(e, t, zhang_buys_two_fifths, d(on), one_dividend()); };
  };
  equity_to_debt_terms shares = deadline_terms();
  shares.debtors[1].share = ratio(1, 4);  // 1/2 + 1/4 + 1/6 = 11/12
  expect_error<invalid_input>(convert(shares, "2026-03-01"), "debtors", "11/12");
  equity_to_debt_terms zero = deadline_terms();
  zero.debtors[0].share = ratio(0);
  expect_error<invalid_input>(convert(zero, "2026-03-01"), "debtors[0].share", "0");
  equity_to_debt_terms units = deadline_terms();
  units.units_to[0].share = ratio(1, 3);
  expect_error<invalid_input>(convert(units, "2026-03-01"), "units_to", "5/6");
  equity_to_debt_terms principal = deadline_terms();
  principal.loan.principal = dec("5.00");
  expect_error<invalid_input>(convert(principal, "2026-03-01"), "loan.principal", "5.00");
  equity_to_debt_terms deadline = deadline_terms();
  deadline.triggers[0].deadline.reset();
  expect_error<invalid_input>(convert(deadline, "2026-03-01"), "triggers[0].deadline", "needs a deadline");
  equity_to_debt_terms window = deadline_terms();
  window.triggers[1].window = 0;  // window 0 has no minimum
  expect_error<invalid_input>(convert(window, "2026-03-01"), "triggers[1].window", "no minimum");
  // The repurchase price in force is asked for on a day no window covers (after five years).
  equity_to_debt_terms in_force = deadline_terms();
  in_force.principal.formula.reset();
  expect_error<domain_rule_error>(convert(in_force, "2026-06-01"), "principal.formula", "no repurchase window");
  // Nothing left to convert.
  const repurchase_plan all{{repurchase_tranche::of_proportion(d("2023-03-01"), "zhang", ratio(1, 2)),
                             repurchase_tranche::of_proportion(d("2025-01-02"), "li", ratio(1, 2))}};
  const equity_to_debt_terms ok = deadline_terms();
  expect_error<domain_rule_error>([&] { (void)convert_to_debt(ok, t, all, d("2025-06-01")); }, "on", "no units left");
}

}  // namespace
