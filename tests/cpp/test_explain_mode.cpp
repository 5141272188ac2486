// explain_mode::numbers_only (what run_sweep asks for) against explain_mode::full (what every
// single evaluation gives): the same numbers, field by field, and the same errors; only the text
// differs, empty in one and present in the other.
//
// The deal is built to take every branch that writes text: three windows priced by a capped
// waived return over a benchmark hurdle and fair value, the greater of a quarterly compound rate
// (a fractional power) and a floating rate that resets at every fixing, and an annual compound
// rate net of dividends; a dividend before the first tranche; four ways out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

#include "stakecalc/exit_paths.hpp"
#include "stakecalc/grant_equivalent.hpp"
#include "stakecalc/repurchase_plan.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;
using ::testing::HasSubstr;

using stakecalc::testing::d;
using stakecalc::testing::dec;
using stakecalc::testing::cny;

bool is_empty(const explanation& e) {
  return e.subject.empty() && e.formula.empty() && e.inputs.empty() && e.exact.empty() && e.rounding.empty() &&
         e.result.empty() && e.steps.empty();
}

repurchase_terms terms() {
  repurchase_terms t;
  t.investment = {d("2021-03-01"), cny("3000000.00"), dec("1500000.00"), 2};

  repurchase_window early;
  early.label = "years 0-2";
  early.until = tenor(2, time_unit::years);
  pricing::simple_interest hurdle;
  hurdle.rate = interest_rate::benchmark_plus("LPR-1Y", benchmark_day::investment_date);
  early.price = price_formula::capped(price_formula::with_waived_return(pricing::fair_value{}, ratio(1, 2), hurdle),
                                      pricing::fair_value{});

  repurchase_window middle;
  middle.label = "years 2-4";
  middle.until = tenor(4, time_unit::years);
  pricing::compound_interest quarterly;
  quarterly.rate = interest_rate::fixed_at(dec("0.05"));
  quarterly.periods_per_year = 4;
  pricing::floating_interest floating;
  floating.benchmark = "MY-LPR";
  floating.spread = dec("0.005");
  floating.day_count = day_counter(day_count_convention::act_360);
  middle.price = price_formula::greater_of(quarterly, floating);

  repurchase_window late;
  late.label = "after year 4";
  pricing::compound_interest annual;
  annual.rate = interest_rate::fixed_at(dec("0.08"));
  late.price = price_formula::net_of_dividends(annual);

  t.windows = {early, middle, late};
  return t;
}

deal_facts facts() {
  deal_facts f;
  f.rates.add(rate_table("MY-LPR", {{d("2020-12-01"), dec("0.04")},
                                    {d("2021-06-15"), dec("0.035")},
                                    {d("2023-01-10"), dec("0.03")}}));
  f.unit_prices = {{d("2022-05-01"), ratio(dec("2.10")), "series A"}, {d("2024-12-15"), ratio(7, 3), "series B"}};
  f.dividends = {{d("2022-06-30"), cny("150000.00"), dec("1500000.00")}};
  return f;
}

// 20% in the first window, 30% in the second, the rest (by units) in the third.
repurchase_plan plan() {
  return {{repurchase_tranche::of_proportion(d("2022-09-01"), "zhang", ratio(1, 5)),
           repurchase_tranche::of_proportion(d("2024-05-01"), "", ratio(3, 10)),
           repurchase_tranche::of_units(d("2026-01-15"), "li", dec("750000.00"))}};
}

exit_deal deal() {
  exit_deal x;
  x.repurchase = terms();
  x.conversion = stakecalc::testing::company_bullet_at_six_percent();
  x.facts = facts();
  x.company_units = dec("10000000");
  x.team_units = dec("6000000");
  x.market_rate = dec("0.08");
  return x;
}

// Every number of a quote; the explained one has its text, the other none.
void expect_same_quote(const price_quote& full, const price_quote& bare) {
  EXPECT_EQ(full.on, bare.on);
  EXPECT_EQ(full.window, bare.window);
  EXPECT_EQ(full.window_label, bare.window_label);
  EXPECT_EQ(full.units, bare.units);
  EXPECT_EQ(full.proportion, bare.proportion);
  EXPECT_EQ(full.exact_amount, bare.exact_amount);
  EXPECT_EQ(full.amount, bare.amount);
  EXPECT_EQ(full.price_per_unit, bare.price_per_unit);
  EXPECT_FALSE(full.formula.empty());
  EXPECT_FALSE(is_empty(full.why));
  EXPECT_THAT(full.why.to_text(), HasSubstr(full.amount.to_string()));
  EXPECT_TRUE(bare.formula.empty()) << bare.formula;
  EXPECT_TRUE(is_empty(bare.why)) << bare.why.to_text();
}

void expect_same_flows(const std::vector<cash_flow>& a, const std::vector<cash_flow>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].on, b[i].on) << i;
    EXPECT_EQ(a[i].amount, b[i].amount) << i;
  }
}

void expect_same_grant(const grant_equivalent_result& full, const grant_equivalent_result& bare) {
  EXPECT_EQ(full.value, bare.value);
  EXPECT_EQ(full.exact, bare.exact);
  EXPECT_EQ(full.exact.scale(), bare.exact.scale());
  EXPECT_EQ(full.of_investment, bare.of_investment);
  EXPECT_THAT(full.why.to_text(), HasSubstr("grant-equivalent"));
  EXPECT_THAT(full.why.to_text(), HasSubstr(full.value.to_string()));
  EXPECT_TRUE(is_empty(bare.why)) << bare.why.to_text();
}

template <class F>
void expect_same_error(F evaluate) {
  std::string full_type, full_where, full_what;
  try {
    evaluate(explain_mode::full);
    ADD_FAILURE() << "explained: nothing was thrown";
  } catch (const error& e) {
    full_type = typeid(e).name();
    full_where = e.where();
    full_what = e.what();
  }
  try {
    evaluate(explain_mode::numbers_only);
    ADD_FAILURE() << "numbers only: nothing was thrown";
  } catch (const error& e) {
    EXPECT_EQ(typeid(e).name(), full_type);
    EXPECT_EQ(e.where(), full_where);
    EXPECT_EQ(e.what(), full_what);
  }
}

TEST(ExplainMode, EveryFormulaGivesTheSameQuote) {
  const repurchase_terms t = terms();
  const deal_facts f = facts();
  // Each window on a few days (a whole and a fractional number of quarters, before and after a
  // fixing, with fair value above and below the hurdle), whole and partial stakes.
  for (const char* day : {"2021-03-01", "2022-09-01", "2023-02-28", "2023-03-01", "2024-05-01", "2024-06-01",
                          "2025-03-01", "2026-01-15", "2030-12-31"}) {
    for (const char* units : {"1500000.00", "333333.33", "0.01"}) {
      SCOPED_TRACE(std::string(day) + ", " + units + " units");
      if (d(day) < d("2022-05-01")) {  // no fair value yet: the first window cannot price
        expect_same_error([&](explain_mode m) { (void)t.quote(d(day), dec(units), f, "on", m); });
        continue;
      }
      expect_same_quote(t.quote(d(day), dec(units), f), t.quote(d(day), dec(units), f, "on", explain_mode::numbers_only));
    }
  }
}

TEST(ExplainMode, APlanGivesTheSameEvaluation) {
  const repurchase_evaluation full = evaluate_plan(terms(), plan(), facts());
  const repurchase_evaluation bare = evaluate_plan(terms(), plan(), facts(), explain_mode::numbers_only);
  ASSERT_EQ(full.tranches.size(), 3u);
  ASSERT_EQ(bare.tranches.size(), full.tranches.size());
  for (std::size_t k = 0; k < full.tranches.size(); ++k) {
    SCOPED_TRACE("tranche " + std::to_string(k));
    const tranche_result &a = full.tranches[k], &b = bare.tranches[k];
    EXPECT_EQ(a.index, b.index);
    EXPECT_EQ(a.buyer, b.buyer);
    expect_same_quote(a.price, b.price);
    EXPECT_THAT(a.price.why.subject, HasSubstr("tranche " + std::to_string(k)));
    EXPECT_EQ(a.price.window, k);  // one tranche in each window
    EXPECT_EQ(a.units_left_after, b.units_left_after);
    EXPECT_EQ(a.stake_left_after, b.stake_left_after);
    EXPECT_EQ(a.capital_reduction, b.capital_reduction);
  }
  EXPECT_EQ(full.units_left, bare.units_left);
  EXPECT_EQ(full.stake_left, bare.stake_left);
  expect_same_flows(full.fund_flows, bare.fund_flows);
  ASSERT_TRUE(full.fund_irr.has_value());
  EXPECT_EQ(full.fund_irr, bare.fund_irr);
  EXPECT_EQ(full.fund_irr->scale(), bare.fund_irr->scale());
  EXPECT_EQ(full.fund_multiple, bare.fund_multiple);
  EXPECT_EQ(full.fund_cash_recovered, bare.fund_cash_recovered);
  EXPECT_EQ(full.team_cost, bare.team_cost);
  EXPECT_EQ(full.cost_by_buyer, bare.cost_by_buyer);
  ASSERT_EQ(full.missed_minimums.size(), bare.missed_minimums.size());
}

TEST(ExplainMode, EveryExitPathGivesTheSameResult) {
  const exit_deal x = deal();
  const repurchase_plan first_two{{plan().tranches[0], plan().tranches[1]}};
  const std::vector<exit_path> paths = {
      exit_by_repurchase{plan()},
      exit_by_repurchase{first_two, "two tranches, the fund keeps half"},
      exit_by_conversion{d("2025-06-30"), plan()},
      exit_by_sale{d("2024-03-01"), cny("25000000.00")},
      exit_by_sale{d("2027-03-01"), cny("3000000.00")},  // a loss
      exit_by_write_off{d("2023-03-01"), cny("100000.00")},
      exit_by_write_off{d("2023-03-01"), std::nullopt},  // nothing back but the dividend
  };
  for (std::size_t i = 0; i < paths.size(); ++i) {
    SCOPED_TRACE("path " + std::to_string(i));
    const exit_path_result full = evaluate_exit_path(x, paths[i]);
    const exit_path_result bare = evaluate_exit_path(x, paths[i], explain_mode::numbers_only);
    EXPECT_EQ(full.path, bare.path);
    expect_same_flows(full.fund_flows, bare.fund_flows);
    EXPECT_EQ(full.fund_irr, bare.fund_irr);
    if (full.fund_irr && bare.fund_irr) {
      EXPECT_EQ(full.fund_irr->scale(), bare.fund_irr->scale());
    }
    EXPECT_EQ(full.fund_multiple, bare.fund_multiple);
    EXPECT_EQ(full.cash_recovered, bare.cash_recovered);
    expect_same_grant(full.grant_equivalent, bare.grant_equivalent);
    EXPECT_EQ(full.team_cost, bare.team_cost);
    EXPECT_EQ(full.fund_units_left, bare.fund_units_left);
    EXPECT_EQ(full.team_ownership, bare.team_ownership);
  }
}

TEST(ExplainMode, TheGrantEquivalentOfFlowsAndItsErrors) {
  const fund_investment inv = terms().investment;
  const std::vector<cash_flow> flows = {{d("2021-03-01"), cny("-3000000.00")},
                                        {d("2022-06-30"), cny("150000.00")},
                                        {d("2023-07-17"), cny("1234567.89")},
                                        {d("2026-02-28"), cny("2500000.01")}};
  for (const char* rate : {"0.08", "0.0800", "0", "-0.5", "0.123456789"}) {
    for (rounding mode : {rounding::half_up, rounding::down, rounding::ceiling}) {
      SCOPED_TRACE(rate);
      expect_same_grant(grant_equivalent_of_flows(inv, flows, dec(rate), mode),
                        grant_equivalent_of_flows(inv, flows, dec(rate), mode, explain_mode::numbers_only));
    }
  }
  expect_same_error([&](explain_mode m) { (void)grant_equivalent_of_flows(inv, {}, dec("0.08"), rounding::half_up, m); });
  expect_same_error([&](explain_mode m) { (void)grant_equivalent_of_flows(inv, flows, dec("-1"), rounding::half_up, m); });
  const std::vector<cash_flow> in_dollars = {flows[0], {d("2024-01-01"), money("100.00", "USD")}};
  expect_same_error(
      [&](explain_mode m) { (void)grant_equivalent_of_flows(inv, in_dollars, dec("0.08"), rounding::half_up, m); });
}

TEST(ExplainMode, ErrorsOnTheWayAreTheSame) {
  exit_deal x = deal();
  // A tranche outside every window is impossible here (the last is open); one before the
  // investment, and a benchmark without fixings, are not.
  const repurchase_plan too_early{{repurchase_tranche::of_proportion(d("2021-01-01"), "zhang", ratio(1, 5))}};
  expect_same_error([&](explain_mode m) { (void)evaluate_exit_path(x, exit_by_repurchase{too_early}, m); });
  x.facts.rates = {};
  expect_same_error([&](explain_mode m) { (void)evaluate_exit_path(x, exit_by_repurchase{plan()}, m); });
}

}  // namespace
