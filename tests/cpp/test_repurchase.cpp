// Team repurchase (团队回购): price formulas, windows, plans, their evaluation and refusal.
//
// Oracles: every expected amount is derived here by hand in exact fractions (shown in the
// comments) or, for the irrational ones (a fractional power, an IRR), by mpmath at 60 digits in
// scripts/derive_contract_expectations.py, which is independent of the C++ code. The LPR fixings used are the
// published ones (NIFC announcements): 3.85% from 2020-04-20 to 2021-12-19, 3.45% from 2023-08-21
// to 2024-07-21, 3.00% from 2025-05-20.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>

#include <string>
#include <typeinfo>
#include <vector>

#include "stakecalc/repurchase_plan.hpp"
#include "stakecalc/repurchase_terms.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;
using ::testing::HasSubstr;

using stakecalc::testing::d;
using stakecalc::testing::dec;
using stakecalc::testing::cny;

// The error thrown by f is exactly E, names `field` and its message contains `fragment`.
template <class E, class F>
void expect_error(F f, const std::string& field, const std::string& fragment) {
  stakecalc::testing::expect_error_at<E>(f, field, fragment);
}

// |got - exact| <= 10^-digits, in exact arithmetic.
::testing::AssertionResult within(const decimal& got, const char* exact_text, int digits) {
  ratio diff = ratio(got) - ratio::parse(exact_text);
  if (diff.signum() < 0) diff = -diff;
  if (diff <= ratio(big_int(1), detail::big_pow10(digits))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << got << " differs from " << exact_text << " by more than 1e-" << digits;
}

// The fund puts CNY 3,000,000.00 into a limited-liability company on 2021-03-01 for 1,500,000.00
// yuan of registered capital (units to the fen).
fund_investment fund_3m() { return {d("2021-03-01"), cny("3000000.00"), dec("1500000.00"), 2}; }

// The Ministry of Finance template (财企〔2007〕128号 art. 15): at cost within 3 years (at most
// half of the stake by then), cost plus the 1-year LPR from 3 to 5 years. The LPR is the one in
// force on the repurchase day; interest runs from the investment, or only from year 3.
repurchase_terms mof_terms(bool interest_only_after_year_3 = false) {
  repurchase_terms t;
  t.investment = fund_3m();
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
  if (interest_only_after_year_3) lpr.accrues_from = tenor(3, time_unit::years);
  second.price = lpr;
  t.windows = {first, second};
  return t;
}

repurchase_plan two_tranches() {
  return {{repurchase_tranche::of_proportion(d("2023-03-01"), "zhang", ratio(2, 5)),
           repurchase_tranche::of_proportion(d("2025-06-30"), "li", ratio(3, 5))}};
}

// One open window from the investment with the given price; 1,000,000.00 invested on 2021-01-01
// for 1,000,000 shares (a joint-stock company: whole shares).
repurchase_terms one_window(price_formula price, fund_investment inv = {d("2021-01-01"), cny("1000000.00"),
                                                                        dec("1000000"), 0}) {
  repurchase_terms t;
  t.investment = inv;
  repurchase_window w;
  w.label = "any time";
  w.price = std::move(price);
  t.windows = {w};
  return t;
}

// ---- the MoF template ------------------------------------------------------------------------

TEST(RepurchaseTemplate, AtCostWithinThreeYearsThenCostPlusLpr) {
  const repurchase_evaluation ev = evaluate_plan(mof_terms(), two_tranches());
  ASSERT_EQ(ev.tranches.size(), 2u);

  // Tranche 0, 2023-03-01, in "years 0-3": 2/5 of 1,500,000.00 units = 600,000.00 units at cost:
  // 3,000,000 x 2/5 = 1,200,000.00.
  const tranche_result& t0 = ev.tranches[0];
  EXPECT_EQ(t0.price.window, 0u);
  EXPECT_EQ(t0.price.window_label, "years 0-3");
  EXPECT_EQ(t0.price.units, dec("600000.00"));
  EXPECT_EQ(t0.price.amount, cny("1200000.00"));
  EXPECT_EQ(t0.price.price_per_unit, ratio(2));
  EXPECT_EQ(t0.units_left_after, dec("900000.00"));
  EXPECT_EQ(t0.stake_left_after, ratio(3, 5));

  // Tranche 1, 2025-06-30, in "years 3-5": 900,000.00 units, cost 1,800,000. The 1-year LPR in
  // force that day is 3.00% (fixing of 2025-06-20). 2021-03-01 to 2025-06-30 is 1,582 days
  // (365 x 4 + 1 leap day + 121 days from 2025-03-01). Interest 1,800,000 x 0.03 x 1582/365 =
  // 234,049.3150...; price 148,485,600/73 = 2,034,049.31506..., half-up 2,034,049.32.
  const tranche_result& t1 = ev.tranches[1];
  EXPECT_EQ(t1.price.window, 1u);
  EXPECT_EQ(t1.price.units, dec("900000.00"));
  EXPECT_EQ(t1.price.exact_amount, ratio(148485600, 73));
  EXPECT_EQ(t1.price.amount, cny("2034049.32"));
  EXPECT_EQ(t1.price.price_per_unit, ratio(dec("2034049.32")) / ratio(dec("900000")));
  EXPECT_EQ(t1.units_left_after, dec("0.00"));
  EXPECT_EQ(ev.units_left, dec("0"));

  // The fund: -3,000,000 then 1,200,000 and 2,034,049.32. Multiple 3,234,049.32 / 3,000,000 =
  // 26,950,411 / 25,000,000. XIRR by mpmath: 0.021986225350993224899236225319...
  ASSERT_EQ(ev.fund_flows.size(), 3u);
  EXPECT_EQ(ev.fund_flows[0].amount, cny("-3000000.00"));
  EXPECT_EQ(ev.fund_flows[2].on, d("2025-06-30"));
  EXPECT_EQ(ev.fund_multiple, ratio(26950411, 25000000));
  EXPECT_EQ(ev.fund_cash_recovered, cny("3234049.32"));
  ASSERT_TRUE(ev.fund_irr.has_value());
  EXPECT_TRUE(within(*ev.fund_irr, "0.021986225350993224899236225319", 27));
  EXPECT_EQ(ev.team_cost, cny("3234049.32"));
  EXPECT_EQ(ev.cost_by_buyer.at("zhang"), cny("1200000.00"));
  EXPECT_EQ(ev.cost_by_buyer.at("li"), cny("2034049.32"));
  EXPECT_TRUE(ev.missed_minimums.empty());
}

TEST(RepurchaseTemplate, InterestOnlyAfterYearThree) {
  // The other reading of the template: interest from 2024-03-01 (year 3) to 2025-06-30, 486
  // days: 1,800,000 x (1 + 0.03 x 486/365) = 1,871,901.3698..., half-up 1,871,901.37.
  const repurchase_evaluation ev = evaluate_plan(mof_terms(true), two_tranches());
  EXPECT_EQ(ev.tranches[1].price.amount, cny("1871901.37"));
  // Before year 3 nothing accrues: on the first day of the second window the price is the cost.
  const price_quote q = mof_terms(true).quote(d("2024-03-01"), dec("900000.00"), {});
  EXPECT_EQ(q.amount, cny("1800000.00"));
}

TEST(RepurchaseTemplate, WindowBoundaryBelongsToTheNextWindow) {
  const repurchase_terms t = mof_terms();
  EXPECT_EQ(t.window_on(d("2024-02-29"))->index, 0u);
  EXPECT_EQ(t.window_on(d("2024-03-01"))->index, 1u);
  EXPECT_FALSE(t.window_on(d("2026-03-01")).has_value());  // five years: the last window has ended
  const auto spans = t.spans();
  EXPECT_EQ(spans[1].from, d("2024-03-01"));
  EXPECT_EQ(*spans[1].until, d("2026-03-01"));
}

TEST(RepurchaseTemplate, ExplanationNamesTheFixingTheDaysAndTheRounding) {
  const repurchase_evaluation ev = evaluate_plan(mof_terms(), two_tranches());
  const std::string text = ev.tranches[1].price.why.to_text();
  EXPECT_THAT(text, HasSubstr("LPR-1Y fixing of 2025-06-20"));
  EXPECT_THAT(text, HasSubstr("3%"));
  EXPECT_THAT(text, HasSubstr("days = 1582"));
  EXPECT_THAT(text, HasSubstr("ACT/365F"));
  EXPECT_THAT(text, HasSubstr("HALF_UP"));
  EXPECT_THAT(text, HasSubstr("CNY 2,034,049.32"));
  EXPECT_THAT(text, HasSubstr("years 3-5"));
}

// ---- the other formulas ------------------------------------------------------------------------

TEST(PriceFormula, CompoundInterestWholeAndFractionalYears) {
  pricing::compound_interest c;
  c.rate = interest_rate::fixed_at(dec("0.08"));
  const repurchase_terms t = one_window(c);
  // One year (2021-01-01 to 2022-01-01, 365 days, ACT/365F): 1,000,000 x 1.08 = 1,080,000.00,
  // and the fund's IRR is exactly 8%.
  const repurchase_evaluation year =
      evaluate_plan(t, {{repurchase_tranche::of_proportion(d("2022-01-01"), "zhang", ratio(1))}});
  EXPECT_EQ(year.tranches[0].price.amount, cny("1080000.00"));
  EXPECT_EQ(year.tranches[0].price.exact_amount, ratio(1080000));
  EXPECT_TRUE(within(*year.fund_irr, "0.08", 27));
  // 547 days (to 2022-07-02): 1.08^(547/365) = 1.12225060258168269826338998277068976... (mpmath),
  // so 1,122,250.6025816..., half-up 1,122,250.60.
  const price_quote q = t.quote(d("2022-07-02"), dec("1000000"), {});
  EXPECT_EQ(q.amount, cny("1122250.60"));
  EXPECT_TRUE(within(q.exact_amount.round(20, rounding::half_even), "1122250.602581682698263389982770689760", 18));
  EXPECT_THAT(q.why.to_text(), HasSubstr("30 significant digits"));
}

TEST(PriceFormula, FloatingInterestFollowsTheBenchmark) {
  // A user's benchmark with three fixings; 2,000,000.00 invested on 2021-03-01, bought back whole
  // on 2022-03-01 at the benchmark + 0.5%, ACT/360, simple:
  //   2021-03-01 .. 2021-06-15: 106 days at 4.5%
  //   2021-06-15 .. 2022-01-10: 209 days at 4.0%
  //   2022-01-10 .. 2022-03-01:  50 days at 3.5%
  // interest = 2,000,000 x (0.045 x 106 + 0.04 x 209 + 0.035 x 50) / 360 = 248,000/3 = 82,666.666...
  // price 2,082,666.67.
  deal_facts facts;
  facts.rates.add(rate_table("MY-LPR", {{d("2020-12-01"), dec("0.04")},
                                        {d("2021-06-15"), dec("0.035")},
                                        {d("2022-01-10"), dec("0.03")}}));
  pricing::floating_interest f;
  f.benchmark = "MY-LPR";
  f.spread = dec("0.005");
  f.day_count = day_counter(day_count_convention::act_360);
  const fund_investment inv{d("2021-03-01"), cny("2000000.00"), dec("2000000"), 0};
  const price_quote q = one_window(f, inv).quote(d("2022-03-01"), dec("2000000"), facts);
  EXPECT_EQ(q.exact_amount, ratio(2000000) + ratio(248000, 3));
  EXPECT_EQ(q.amount, cny("2082666.67"));
  EXPECT_THAT(q.why.to_text(), HasSubstr("MY-LPR fixing of 2021-06-15"));
  // Reset yearly instead: one period at the rate in force on 2021-03-01 (4.5%), 365 days:
  // 2,000,000 x 0.045 x 365/360 = 91,250.
  f.reset_every = tenor(1, time_unit::years);
  EXPECT_EQ(one_window(f, inv).quote(d("2022-03-01"), dec("2000000"), facts).amount, cny("2091250.00"));
}

TEST(PriceFormula, HurdlePlusHalfTheExcessCappedAtFairValue) {
  // The concession of the Anhui programmes: cost plus a hurdle of the 1-year LPR on the
  // investment date (3.85%, fixing of 2021-02-20), plus half of the excess of fair value over it,
  // capped at fair value. Whole stake on 2024-03-01, 1,096 days after 2021-03-01.
  //   hurdle = 3,000,000 x (1 + 0.0385 x 1096/365) = 244,317,600/73 = 3,346,816.438...
  //   fair value = 1,500,000 x 3.20 = 4,800,000
  //   price = hurdle + (4,800,000 - hurdle) / 2 = 297,358,800/73 = 4,073,408.219..., so 4,073,408.22.
  pricing::simple_interest hurdle;
  hurdle.rate = interest_rate::benchmark_plus("LPR-1Y", benchmark_day::investment_date);
  const price_formula price = price_formula::capped(
      price_formula::with_waived_return(pricing::fair_value{}, ratio(1, 2), hurdle), pricing::fair_value{});
  repurchase_terms t = one_window(price, fund_3m());
  deal_facts facts;
  facts.unit_prices = {{d("2023-12-15"), ratio(dec("3.20")), "series B"}, {d("2022-05-01"), ratio(dec("2.10")), "series A"}};
  const price_quote q = t.quote(d("2024-03-01"), dec("1500000.00"), facts);
  EXPECT_EQ(q.exact_amount, ratio(297358800, 73));
  EXPECT_EQ(q.amount, cny("4073408.22"));
  EXPECT_THAT(q.why.to_text(), HasSubstr("series B of 2023-12-15"));
  // Fair value 1.90 a unit (2,850,000) is below the hurdle: nothing is waived and the cap holds
  // the price at fair value, below cost.
  facts.unit_prices.push_back({d("2024-01-10"), ratio(dec("1.90")), "down round"});
  EXPECT_EQ(t.quote(d("2024-03-01"), dec("1500000.00"), facts).amount, cny("2850000.00"));
}

TEST(PriceFormula, GreaterOfCostAndFairValue) {
  const repurchase_terms t =
      one_window(price_formula::greater_of(pricing::at_cost{}, pricing::fair_value{}), fund_3m());
  deal_facts facts;
  facts.unit_prices = {{d("2022-01-01"), ratio(5, 2), ""}};
  // 1,500,000 x 2.5 = 3,750,000 beats the cost of 3,000,000.
  EXPECT_EQ(t.quote(d("2022-06-01"), dec("1500000.00"), facts).amount, cny("3750000.00"));
  facts.unit_prices = {{d("2022-01-01"), ratio(3, 2), ""}};
  EXPECT_EQ(t.quote(d("2022-06-01"), dec("1500000.00"), facts).amount, cny("3000000.00"));
  // No fair value known yet: the formula cannot be evaluated, and says so.
  expect_error<invalid_input>([&] { (void)t.quote(d("2021-06-01"), dec("1500000.00"), facts); }, "on",
                              "no fair value");
}

TEST(PriceFormula, LessDividendsReceivedOnTheRepurchasedPart) {
  // At cost less dividends. The fund receives 150,000.00 on 1,500,000.00 units (0.10 a unit) on
  // 2022-06-30, sells 600,000.00 units on 2023-03-01 for 1,200,000 - 60,000 = 1,140,000.00,
  // receives 90,000.00 on its remaining 900,000.00 units on 2023-06-30 (0.10 a unit), and sells
  // them on 2024-03-01 for 1,800,000 - 900,000 x 0.20 = 1,620,000.00. It gets back exactly
  // 3,000,000: multiple 1, IRR 0.
  const repurchase_terms t = one_window(price_formula::net_of_dividends(pricing::at_cost{}), fund_3m());
  deal_facts facts;
  facts.dividends = {{d("2022-06-30"), cny("150000.00"), dec("1500000.00")},
                     {d("2023-06-30"), cny("90000.00"), dec("900000.00")}};
  const repurchase_plan plan{{repurchase_tranche::of_units(d("2023-03-01"), "zhang", dec("600000.00")),
                              repurchase_tranche::of_units(d("2024-03-01"), "zhang", dec("900000.00"))}};
  const repurchase_evaluation ev = evaluate_plan(t, plan, facts);
  EXPECT_EQ(ev.tranches[0].price.amount, cny("1140000.00"));
  EXPECT_EQ(ev.tranches[1].price.amount, cny("1620000.00"));
  EXPECT_EQ(ev.fund_flows.size(), 5u);
  EXPECT_EQ(ev.fund_cash_recovered, cny("3000000.00"));
  EXPECT_EQ(ev.fund_multiple, ratio(1));
  EXPECT_TRUE(within(*ev.fund_irr, "0", 25));
  EXPECT_EQ(ev.team_cost, cny("2760000.00"));
  // A dividend that disagrees with the plan is refused.
  facts.dividends[1].units_held = dec("1500000.00");
  expect_error<domain_rule_error>([&] { (void)evaluate_plan(t, plan, facts); }, "facts.dividends[1].units_held",
                                  "900000.00");
}

// ---- plans ---------------------------------------------------------------------------------------

TEST(RepurchasePlan, ProportionsRoundCumulativelySoNoUnitIsLost) {
  // Thirds of 1,000,000 shares: floor(333,333.33) = 333,333, floor(666,666.67) - 333,333 = 333,333,
  // 1,000,000 - 666,666 = 333,334. At cost (3.00 a share): 999,999.00, 999,999.00, 1,000,002.00.
  const repurchase_terms t =
      one_window(pricing::at_cost{}, {d("2021-01-01"), cny("3000000.00"), dec("1000000"), 0});
  const repurchase_plan plan{{repurchase_tranche::of_proportion(d("2022-01-01"), "a", ratio(1, 3)),
                              repurchase_tranche::of_proportion(d("2022-01-01"), "b", ratio(1, 3)),
                              repurchase_tranche::of_proportion(d("2023-01-01"), "c", ratio(1, 3))}};
  EXPECT_EQ(tranche_units(t, plan), (std::vector<decimal>{dec("333333"), dec("333333"), dec("333334")}));
  const repurchase_evaluation ev = evaluate_plan(t, plan);
  EXPECT_EQ(ev.tranches[0].price.amount, cny("999999.00"));
  EXPECT_EQ(ev.tranches[2].price.amount, cny("1000002.00"));
  EXPECT_EQ(ev.team_cost, cny("3000000.00"));
}

TEST(RepurchasePlan, MissedMinimumIsReported) {
  // At least 30% by the end of year 3; the team buys 20% (2022-03-01). Missed on 2024-03-01.
  repurchase_terms t = mof_terms();
  t.windows[0].min_by_end = ratio(3, 10);
  const repurchase_evaluation ev =
      evaluate_plan(t, {{repurchase_tranche::of_proportion(d("2022-03-01"), "zhang", ratio(1, 5))}});
  ASSERT_EQ(ev.missed_minimums.size(), 1u);
  EXPECT_EQ(ev.missed_minimums[0].window, 0u);
  EXPECT_EQ(ev.missed_minimums[0].end, d("2024-03-01"));
  EXPECT_EQ(ev.missed_minimums[0].required, ratio(3, 10));
  EXPECT_EQ(ev.missed_minimums[0].bought, ratio(1, 5));
  EXPECT_EQ(ev.units_left, dec("1200000.00"));
  EXPECT_FALSE(ev.fund_irr.has_value() && ev.fund_irr->signum() > 0);  // 600,000 back of 3,000,000
}

TEST(RepurchasePlan, BadPlansAreRefusedNamingTheTranche) {
  const repurchase_terms t = mof_terms();
  auto plan_of = [](std::vector<repurchase_tranche> ts) { return repurchase_plan{std::move(ts)}; };
  // Above the window's maximum: 60% by year 3 where at most 50% is allowed.
  expect_error<domain_rule_error>(
      [&] { (void)evaluate_plan(t, plan_of({repurchase_tranche::of_proportion(d("2023-03-01"), "zhang", ratio(3, 5))})); },
      "tranches[0].proportion", "exceeds the maximum 50%");
  // More than is left: 2/5, then 7/10 with 3/5 (900,000.00 units) left.
  expect_error<domain_rule_error>(
      [&] {
        (void)evaluate_plan(t, plan_of({repurchase_tranche::of_proportion(d("2023-03-01"), "zhang", ratio(2, 5)),
                                        repurchase_tranche::of_proportion(d("2025-01-01"), "li", ratio(7, 10))}));
      },
      "tranches[1].proportion", "900000.00 units");
  // Outside every window: after five years.
  expect_error<domain_rule_error>(
      [&] { (void)evaluate_plan(t, plan_of({repurchase_tranche::of_proportion(d("2026-03-01"), "zhang", ratio(1, 5))})); },
      "tranches[0].on", "outside every repurchase window");
  // Before the investment.
  expect_error<domain_rule_error>(
      [&] { (void)evaluate_plan(t, plan_of({repurchase_tranche::of_proportion(d("2021-02-28"), "zhang", ratio(1, 5))})); },
      "tranches[0].on", "before the investment");
  // Out of date order.
  expect_error<invalid_input>(
      [&] {
        (void)evaluate_plan(t, plan_of({repurchase_tranche::of_proportion(d("2023-03-01"), "zhang", ratio(1, 5)),
                                        repurchase_tranche::of_proportion(d("2022-03-01"), "li", ratio(1, 5))}));
      },
      "tranches[1].on", "2022-03-01");
  // Both a proportion and units; neither; a proportion above 1; units below the fen.
  repurchase_tranche both = repurchase_tranche::of_units(d("2023-03-01"), "zhang", dec("100.00"));
  both.proportion = ratio(1, 5);
  expect_error<invalid_input>([&] { (void)evaluate_plan(t, plan_of({both})); }, "tranches[0]", "not both");
  repurchase_tranche neither{d("2023-03-01"), "zhang", std::nullopt, std::nullopt};
  expect_error<invalid_input>([&] { (void)evaluate_plan(t, plan_of({neither})); }, "tranches[0]", "proportion or units");
  expect_error<invalid_input>(
      [&] { (void)evaluate_plan(t, plan_of({repurchase_tranche::of_proportion(d("2023-03-01"), "zhang", ratio(3, 2))})); },
      "tranches[0].proportion", "3/2");
  expect_error<invalid_input>(
      [&] { (void)evaluate_plan(t, plan_of({repurchase_tranche::of_units(d("2023-03-01"), "zhang", dec("100.005"))})); },
      "tranches[0].units", "100.005");
}

// ---- terms -----------------------------------------------------------------------------------

TEST(RepurchaseTerms, BadTermsAreRefusedNamingTheField) {
  auto refused_at = [](const std::string& field, const std::string& fragment, auto change) {
    repurchase_terms t = mof_terms();
    change(t);
    expect_error<invalid_input>([&] { t.validate(); }, field, fragment);
  };
  refused_at("windows[0].until", "only the last window", [](repurchase_terms& t) { t.windows[0].until.reset(); });
  refused_at("windows[1].from", "before the previous window", [](repurchase_terms& t) {
    t.windows[1].from = tenor(2, time_unit::years);
  });
  refused_at("windows[1].until", "not after its start", [](repurchase_terms& t) { t.windows[1].until = d("2023-01-01"); });
  refused_at("windows[0].max_by_end", "5/4", [](repurchase_terms& t) { t.windows[0].max_by_end = ratio(5, 4); });
  refused_at("windows[1].max_by_end", "below an earlier window's maximum",
             [](repurchase_terms& t) { t.windows[1].max_by_end = ratio(2, 5); });
  refused_at("windows[0].min_by_end", "above the maximum", [](repurchase_terms& t) { t.windows[0].min_by_end = ratio(3, 5); });
  refused_at("windows", "no repurchase windows", [](repurchase_terms& t) { t.windows.clear(); });
  refused_at("investment.amount", "-5.00", [](repurchase_terms& t) { t.investment.amount = cny("-5.00"); });
  refused_at("investment.units", "0.001", [](repurchase_terms& t) { t.investment.units = dec("0.001"); });
  refused_at("windows[0].price.waived", "3/2", [](repurchase_terms& t) {
    t.windows[0].price = price_formula::with_waived_return(pricing::fair_value{}, ratio(3, 2));
  });
  refused_at("windows[1].price.rate", "not both", [](repurchase_terms& t) {
    pricing::simple_interest s;
    s.rate = interest_rate::benchmark_plus("LPR-1Y", benchmark_day::investment_date);
    s.rate.fixed = dec("0.05");
    t.windows[1].price = s;
  });
  // The fields of a rate and of a limit are named only when the check fails: every one still says where.
  refused_at("windows[1].price.rate", "no fixed rate and no benchmark", [](repurchase_terms& t) {
    pricing::simple_interest s;
    s.rate = interest_rate{};
    t.windows[1].price = s;
  });
  refused_at("windows[1].price.rate.fixed", "-100%", [](repurchase_terms& t) {
    pricing::compound_interest c;
    c.rate = interest_rate::fixed_at(dec("-1"));
    t.windows[1].price = c;
  });
  refused_at("windows[1].price.second.rate.fixed", "-100%", [](repurchase_terms& t) {
    pricing::compound_interest c;
    c.rate = interest_rate::fixed_at(dec("-1.5"));
    t.windows[1].price = price_formula::capped(pricing::at_cost{}, c);
  });
  refused_at("windows[0].price.rate.spread", "add it to the fixed rate", [](repurchase_terms& t) {
    pricing::simple_interest s;
    s.rate = interest_rate::fixed_at(dec("0.05"));
    s.rate.spread = dec("0.01");
    t.windows[0].price = s;
  });
  refused_at("windows[1].min_by_end", "between 0 and 1", [](repurchase_terms& t) { t.windows[1].min_by_end = ratio(-1, 5); });
  refused_at("windows[1].price.periods_per_year", "0", [](repurchase_terms& t) {
    pricing::compound_interest c;
    c.rate = interest_rate::fixed_at(dec("0.05"));
    c.periods_per_year = 0;
    t.windows[1].price = c;
  });
  // An unknown benchmark is found when the price is needed, naming the tranche.
  repurchase_terms shibor = mof_terms();
  pricing::simple_interest s;
  s.rate = interest_rate::benchmark_plus("SHIBOR-3M", benchmark_day::repurchase_date);
  shibor.windows[1].price = s;
  expect_error<invalid_input>(
      [&] { (void)evaluate_plan(shibor, {{repurchase_tranche::of_proportion(d("2025-01-02"), "li", ratio(1, 5))}}); },
      "tranches[0].rate", "SHIBOR-3M");
}

// ---- property: a price with interest never falls as the date moves later -----------------------

// One open window priced at cost plus a positive fixed rate, simple or compounded 1, 2, 4 or 12
// times a year, on ACT/365F, ACT/360 or 30E/360; any part of the stake; two dates up to ten
// years after the investment. The later date's price is never below the earlier one's. For simple
// interest on ACT/365F the price is also derived here, with Boost's exact rationals: cost x u/U x
// (1 + r x days / 365), rounded half up to the fen.
RC_GTEST_PROP(RepurchaseProperties, APriceWithInterestNeverFallsLater, ()) {
  using exact = boost::multiprecision::cpp_rational;
  const std::int64_t invested = *rc::gen::inRange<std::int64_t>(100, 100000000000);  // fen
  const std::int64_t units = *rc::gen::inRange<std::int64_t>(1, 10000000);
  const std::int64_t part = *rc::gen::inRange<std::int64_t>(1, units + 1);
  const std::int64_t basis_points = *rc::gen::inRange<std::int64_t>(1, 2001);
  const int kind = *rc::gen::inRange(0, 5);  // 0: simple; 1..4: compounded 1, 2, 4, 12 times a year
  const int convention = *rc::gen::inRange(0, 3);
  const int first = *rc::gen::inRange(0, 3651);
  const int later = first + *rc::gen::inRange(0, 3651 - first);

  const day_counter day_count(convention == 0   ? day_count_convention::act_365_fixed
                              : convention == 1 ? day_count_convention::act_360
                                                : day_count_convention::thirty_e_360);
  const interest_rate rate = interest_rate::fixed_at(decimal::from_parts(basis_points, 4));
  repurchase_terms t;
  t.investment = {d("2021-03-01"), money(decimal::from_parts(invested, 2), currency::of("CNY")), decimal(units), 0};
  repurchase_window open;
  if (kind == 0) {
    open.price = pricing::simple_interest{rate, day_count, std::nullopt};
  } else {
    const int per_year[] = {1, 2, 4, 12};
    open.price = pricing::compound_interest{rate, per_year[kind - 1], day_count, std::nullopt};
  }
  t.windows = {open};
  const date early = detail::add_days(t.investment.on, first);
  const date late = detail::add_days(t.investment.on, later);
  const price_quote a = t.quote(early, decimal(part), {});
  const price_quote b = t.quote(late, decimal(part), {});
  RC_ASSERT(a.amount <= b.amount);
  // Never below cost (the rate is positive), give or take the half fen of rounding.
  RC_ASSERT(ratio(a.amount.amount()) >= ratio(invested, 100) * ratio(part, units) - ratio(1, 200));
  if (kind == 0 && convention == 0) {
    const exact price = exact(invested, 100) * exact(part, units) * (1 + exact(basis_points, 10000) * exact(first, 365));
    const exact fen = price * 100 + exact(1, 2);  // half up: floor(x + 1/2) for x >= 0
    const boost::multiprecision::cpp_int rounded = numerator(fen) / denominator(fen);
    RC_ASSERT(a.amount.amount() == decimal::from_parts(static_cast<std::int64_t>(rounded), 2));
  }
}

}  // namespace
