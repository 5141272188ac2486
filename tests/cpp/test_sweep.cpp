// Scenario sweeps: grid order, rows against values derived by hand, rows equal to the single
// evaluation, the same rows for any thread count and chunk size, slices, cancellation, progress on
// the calling thread, errors recorded per path, bad input refused up front.
//
// The deal is test_exit_paths.cpp's: CNY 1,000,000.00 on 2021-01-01 for 1,000,000 of the company's
// 10,000,000 shares (the team holds 6,000,000); repurchase any time at cost plus a simple rate
// (ACT/365F; the rate axis replaces it); market rate 8%; conversion at cost, owed by the company,
// one-year bullet at 6% (ACT/365F), units cancelled. Exits 1, 2, 3 years after 2021-01-01 are
// 365, 730 and 1,095 days: whole years under ACT/365F, so every amount below is a closed form
// (1.08^2 = 1.1664, 1.08^3 = 1.259712); the two irrational IRRs were found at 60 digits by Newton
// steps in Python's decimal module, independently of this code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "stakecalc/sweep.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;
using ::testing::HasSubstr;

using stakecalc::testing::d;
using stakecalc::testing::dec;
using stakecalc::testing::cny;

::testing::AssertionResult within(const decimal& got, const char* exact_text, int digits) {
  ratio diff = ratio(got) - ratio::parse(exact_text);
  if (diff.signum() < 0) diff = -diff;
  if (diff <= ratio(big_int(1), detail::big_pow10(digits))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << got << " differs from " << exact_text << " by more than 1e-" << digits;
}

template <class E, class F>
void expect_error(F f, const std::string& field, const std::string& fragment) {
  stakecalc::testing::expect_error_at<E>(f, field, fragment);
}

exit_deal the_deal() {
  exit_deal deal;
  deal.repurchase.investment = {d("2021-01-01"), cny("1000000.00"), dec("1000000"), 0};
  repurchase_window w;
  w.label = "any time";
  pricing::simple_interest cost_plus;
  cost_plus.rate = interest_rate::fixed_at(dec("0.02"));
  w.price = cost_plus;
  deal.repurchase.windows = {w};
  const equity_to_debt_terms e = stakecalc::testing::company_bullet_at_six_percent();
  deal.conversion = e;
  deal.company_units = dec("10000000");
  deal.team_units = dec("6000000");
  deal.market_rate = dec("0.08");
  return deal;
}

sweep_spec the_spec() {
  sweep_spec s;
  s.deal = the_deal();
  s.paths = {sweep_path::repurchase, sweep_path::conversion, sweep_path::sale, sweep_path::write_off};
  s.buyer = "zhang";
  return s;
}

// 3 exits x 2 valuations x 2 rates x 2 proportions = 24 scenarios.
scenario_grid the_grid() {
  scenario_grid g;
  g.exit_on = {tenor(1, time_unit::years), tenor(2, time_unit::years), tenor(3, time_unit::years)};
  g.valuation = {dec("15000000"), dec("20000000")};
  g.rate = {dec("0.02"), dec("0.05")};
  g.proportion = {ratio(1, 2), ratio(1)};
  return g;
}

sweep_options on_threads(unsigned threads, std::size_t chunk = 0) {
  sweep_options o;
  o.threads = threads;
  o.chunk = chunk;
  return o;
}

TEST(Sweep, GridIsRowMajorWithTheProportionFastest) {
  const scenario_grid g = the_grid();
  ASSERT_EQ(g.size(), 24u);
  sweep_scenario s = g.at(0);
  EXPECT_EQ(s.exit_on->to_string(), "t0 + 1Y");
  EXPECT_EQ(*s.valuation, dec("15000000"));
  EXPECT_EQ(*s.rate, dec("0.02"));
  EXPECT_EQ(*s.proportion, ratio(1, 2));
  EXPECT_EQ(*g.at(1).proportion, ratio(1));
  EXPECT_EQ(*g.at(2).rate, dec("0.05"));
  // 13 = ((1 x 2 + 1) x 2 + 0) x 2 + 1: exit 2Y, valuation 20M, rate 2%, proportion 1.
  s = g.at(13);
  EXPECT_EQ(s.exit_on->to_string(), "t0 + 2Y");
  EXPECT_EQ(*s.valuation, dec("20000000"));
  EXPECT_EQ(*s.rate, dec("0.02"));
  EXPECT_EQ(*s.proportion, ratio(1));
  EXPECT_EQ(g.at(23).exit_on->to_string(), "t0 + 3Y");
  EXPECT_THROW((void)g.at(24), invalid_input);
  // An empty axis is not varied; no axis at all is the one base scenario.
  scenario_grid only_rates;
  only_rates.rate = {dec("0.01"), dec("0.02"), dec("0.03")};
  EXPECT_EQ(only_rates.size(), 3u);
  EXPECT_FALSE(only_rates.at(2).exit_on.has_value());
  EXPECT_EQ(scenario_grid{}.size(), 1u);
}

TEST(Sweep, RowsAgreeWithValuesDerivedByHand) {
  const std::vector<sweep_row> rows = run_sweep(the_spec(), the_grid(), on_threads(2));
  ASSERT_EQ(rows.size(), 24u);

  // Index 21 = ((2 x 2 + 1) x 2 + 0) x 2 + 1: exit 3Y (2024-01-01), 20M, 2%, the whole stake.
  const sweep_row& r = rows[21];
  EXPECT_EQ(r.index, 21u);
  EXPECT_EQ(r.inputs.exit_on, d("2024-01-01"));
  EXPECT_EQ(*r.inputs.proportion, ratio(1));
  ASSERT_EQ(r.paths.size(), 4u);
  // Repurchase: 1,000,000 x (1 + 0.02 x 3) = 1,060,000.00; GE 1,000,000 - 1,060,000 / 1.259712 =
  // 158,537.82; the team holds 7,000,000 of 10,000,000.
  const sweep_path_result& rep = r.paths[0];
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep.cash_recovered, cny("1060000.00"));
  EXPECT_EQ(rep.fund_multiple, ratio(106, 100));
  EXPECT_TRUE(within(*rep.fund_irr, "0.019612822422216329283827768195181", 27));
  EXPECT_EQ(rep.grant_equivalent, cny("158537.82"));
  EXPECT_EQ(rep.grant_equivalent_share, ratio(dec("158537.82")) / ratio(1000000));
  EXPECT_EQ(rep.team_cost, cny("1060000.00"));
  EXPECT_EQ(rep.fund_units_left, dec("0"));
  EXPECT_EQ(*rep.team_ownership, ratio(7, 10));
  // Conversion: the team bought everything on the day, nothing is left to convert.
  const sweep_path_result& conv = r.paths[1];
  ASSERT_FALSE(conv.ok());
  EXPECT_EQ(conv.failure->kind, sweep_failure_kind::domain_rule);
  EXPECT_EQ(conv.failure->where, "on");
  EXPECT_THAT(conv.failure->message, HasSubstr("no units left"));
  // Sale: 20,000,000 x 1/10 = 2,000,000.00 after three years: multiple 2, IRR 2^(1/3) - 1,
  // GE 1,000,000 - 2,000,000 / 1.259712 = -587,664.48; the team keeps 6,000,000 of 10,000,000.
  const sweep_path_result& sale = r.paths[2];
  ASSERT_TRUE(sale.ok());
  EXPECT_EQ(sale.cash_recovered, cny("2000000.00"));
  EXPECT_EQ(sale.fund_multiple, ratio(2));
  EXPECT_TRUE(within(*sale.fund_irr, "0.259921049894873164767210607278228", 27));
  EXPECT_EQ(sale.grant_equivalent, cny("-587664.48"));
  EXPECT_EQ(sale.team_cost, cny("0.00"));
  EXPECT_EQ(*sale.team_ownership, ratio(3, 5));
  // Write-off: nothing back.
  const sweep_path_result& off = r.paths[3];
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off.fund_irr.has_value());
  EXPECT_EQ(off.fund_multiple, ratio(0));
  EXPECT_EQ(off.grant_equivalent, cny("1000000.00"));
  EXPECT_EQ(off.fund_units_left, dec("1000000"));

  // Index 10 = ((1 x 2 + 0) x 2 + 1) x 2 + 0: exit 2Y (2023-01-01), 15M, 5%, half the stake.
  const sweep_row& h = rows[10];
  EXPECT_EQ(h.inputs.exit_on, d("2023-01-01"));
  EXPECT_EQ(*h.inputs.rate, dec("0.05"));
  // Repurchase of 500,000 units: 500,000 x (1 + 0.05 x 2) = 550,000.00; multiple 11/20; IRR
  // sqrt(0.55) - 1; GE 1,000,000 - 550,000 / 1.1664 = 385,250,000/729 = 528,463.6488... ->
  // 528,463.65; the team holds 6,500,000 of 10,000,000; the fund keeps 500,000 units.
  const sweep_path_result& hr = h.paths[0];
  ASSERT_TRUE(hr.ok());
  EXPECT_EQ(hr.cash_recovered, cny("550000.00"));
  EXPECT_EQ(hr.fund_multiple, ratio(11, 20));
  EXPECT_TRUE(within(*hr.fund_irr, "-0.258380151290433705128860255919928693902", 27));
  EXPECT_EQ(hr.grant_equivalent, cny("528463.65"));
  EXPECT_EQ(hr.team_cost, cny("550000.00"));
  EXPECT_EQ(hr.fund_units_left, dec("500000"));
  EXPECT_EQ(*hr.team_ownership, ratio(13, 20));
  // Conversion on the same day of the other 500,000 units at cost (500,000.00, the rate axis does
  // not touch an at-cost principal), repaid with 6% a year later: 530,000.00 on 2024-01-01.
  // Recovered 1,080,000: multiple 27/25; GE 1,000,000 - 550,000 / 1.1664 - 530,000 / 1.259712 =
  // 2,120,500,000/19,683 = 107,732.56; the company pays the loan, not the team; the converted
  // units are cancelled: 6,500,000 of 9,500,000 = 13/19.
  const sweep_path_result& hc = h.paths[1];
  ASSERT_TRUE(hc.ok()) << hc.failure->message;
  EXPECT_EQ(hc.cash_recovered, cny("1080000.00"));
  EXPECT_EQ(hc.fund_multiple, ratio(27, 25));
  EXPECT_TRUE(within(*hc.fund_irr, "0.031430725838184233566121504094442228509", 27));
  EXPECT_EQ(hc.grant_equivalent, cny("107732.56"));
  EXPECT_EQ(hc.team_cost, cny("550000.00"));
  EXPECT_EQ(hc.fund_units_left, dec("0"));
  EXPECT_EQ(*hc.team_ownership, ratio(13, 19));
  // Sale at 15,000,000: 1,500,000.00 after two years: IRR sqrt(1.5) - 1, GE 1,000,000 -
  // 1,500,000 / 1.1664 = -69,500,000/243 = -286,008.23.
  const sweep_path_result& hs = h.paths[2];
  ASSERT_TRUE(hs.ok());
  EXPECT_EQ(hs.cash_recovered, cny("1500000.00"));
  EXPECT_EQ(hs.fund_multiple, ratio(3, 2));
  EXPECT_TRUE(within(*hs.fund_irr, "0.224744871391589049098642037352945695983", 27));
  EXPECT_EQ(hs.grant_equivalent, cny("-286008.23"));
}

TEST(Sweep, SameRowsWhateverTheThreadsAndChunks) {
  const sweep_spec spec = the_spec();
  const scenario_set grid = the_grid();
  const std::vector<sweep_row> one = run_sweep(spec, grid, on_threads(1));
  for (unsigned threads : {2u, 3u, 8u})
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{100}}) {
      const std::vector<sweep_row> many = run_sweep(spec, grid, on_threads(threads, chunk));
      ASSERT_EQ(many.size(), one.size());
      for (std::size_t i = 0; i < one.size(); ++i)
        EXPECT_TRUE(many[i] == one[i]) << "row " << i << " on " << threads << " threads, chunk " << chunk;
    }
}

// What differs between a sweep row and the same scenario evaluated on its own, twice over: by
// evaluate_scenario, and straight from the exit-path API on make_scenario_case's deal and paths
// (every number of every path, or the same failure). Empty when nothing does.
std::string difference_from_single_evaluation(const sweep_spec& spec, const sweep_scenario& scenario,
                                              const sweep_row& row) {
  std::ostringstream out;
  if (!(row == evaluate_scenario(spec, scenario, row.index))) out << "evaluate_scenario differs; ";
  const scenario_case c = make_scenario_case(spec, scenario);
  if (!(c.inputs == row.inputs)) out << "inputs differ; ";
  if (c.paths.size() != row.paths.size()) return out.str() + "path count differs";
  for (std::size_t p = 0; p < c.paths.size(); ++p) {
    const sweep_path_result& cell = row.paths[p];
    try {
      const exit_path_result x = evaluate_exit_path(c.deal, c.paths[p]);
      if (!cell.ok()) {
        out << "path " << p << " failed in the sweep only: " << cell.failure->message << "; ";
        continue;
      }
      if (cell.fund_irr != x.fund_irr || cell.fund_multiple != x.fund_multiple ||
          cell.cash_recovered != x.cash_recovered || cell.grant_equivalent != x.grant_equivalent.value ||
          cell.grant_equivalent_share != x.grant_equivalent.of_investment || cell.team_cost != x.team_cost ||
          cell.fund_units_left != x.fund_units_left || cell.team_ownership != x.team_ownership)
        out << "path " << p << " numbers differ; ";
    } catch (const error& e) {
      if (cell.ok() || cell.failure->message != std::string(e.what()))
        out << "path " << p << " failed alone (" << e.what() << ") but not so in the sweep; ";
    }
  }
  return out.str();
}

TEST(Sweep, EveryRowEqualsTheSingleEvaluation) {
  const sweep_spec spec = the_spec();
  const scenario_grid grid = the_grid();
  const std::vector<sweep_row> rows = run_sweep(spec, grid, on_threads(2, 3));
  ASSERT_EQ(rows.size(), 24u);
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(difference_from_single_evaluation(spec, grid.at(i), rows[i]), "") << "row " << i;
  // The rate axis really reaches the price: 5% instead of 2% over two years on half the stake.
  const scenario_case c = make_scenario_case(spec, grid.at(10));
  const auto& price = std::get<pricing::simple_interest>(c.deal.repurchase.windows[0].price.get());
  EXPECT_EQ(*price.rate.fixed, dec("0.05"));
}

// The factoring (sweep.hpp): each path is evaluated once per combination of the inputs it reads.
// The counts are the_grid's (3 exits x 2 valuations x 2 rates x 2 proportions) worked out by hand:
// a price or market rate reaches every path, a loan rate only the conversion; repurchase and
// conversion read the proportion, the sale the valuation, the write-off neither.
TEST(Sweep, EachPathIsEvaluatedOncePerCombinationOfWhatItReads) {
  sweep_spec spec = the_spec();
  struct expected {
    sweep_rate target;
    std::size_t repurchase, conversion, sale, write_off;
  };
  for (const expected& e : {expected{sweep_rate::price, 12, 12, 12, 6}, expected{sweep_rate::market, 12, 12, 12, 6},
                            expected{sweep_rate::loan, 6, 12, 6, 3}}) {
    spec.rate_applies_to = e.target;
    const factored_sweep table = run_factored_sweep(spec, the_grid(), 0, 24, on_threads(2, 5));
    ASSERT_EQ(table.size(), 24u);
    EXPECT_EQ(table.distinct(0).size(), e.repurchase) << to_string(e.target);
    EXPECT_EQ(table.distinct(1).size(), e.conversion) << to_string(e.target);
    EXPECT_EQ(table.distinct(2).size(), e.sale) << to_string(e.target);
    EXPECT_EQ(table.distinct(3).size(), e.write_off) << to_string(e.target);
    EXPECT_EQ(table.evaluations(), e.repurchase + e.conversion + e.sale + e.write_off);
  }
}

// Whatever the rate replaces, every row of a grid is still its scenario's single evaluation: a
// factoring that ignored an input a path reads (the market rate in a sale's grant-equivalent, the
// loan rate in a conversion, the proportion in a repurchase) would hand some row another
// scenario's numbers.
TEST(Sweep, FactoredRowsAreTheSingleEvaluationForEveryRateTarget) {
  sweep_spec spec = the_spec();
  const scenario_grid grid = the_grid();
  for (sweep_rate target : {sweep_rate::price, sweep_rate::market, sweep_rate::loan}) {
    spec.rate_applies_to = target;
    const std::vector<sweep_row> rows = run_sweep(spec, grid, on_threads(2, 3));
    ASSERT_EQ(rows.size(), 24u);
    for (std::size_t i = 0; i < rows.size(); ++i)
      EXPECT_EQ(difference_from_single_evaluation(spec, grid.at(i), rows[i]), "")
          << "row " << i << ", rate applied to the " << to_string(target);
  }
}

// A list is factored by value: repeated scenarios are evaluated once, and the same rate written
// at another scale (0.05, 0.050) is kept apart, as the single evaluation keeps it.
TEST(Sweep, AListIsFactoredByValue) {
  sweep_spec spec = the_spec();
  spec.rate_applies_to = sweep_rate::market;
  const scenario_grid grid = the_grid();
  std::vector<sweep_scenario> list;
  for (std::size_t i : {0u, 5u, 0u, 11u, 5u, 23u, 0u}) list.push_back(grid.at(i));
  sweep_scenario rescaled = grid.at(5);
  rescaled.rate = dec("0.050");
  list.push_back(rescaled);
  const factored_sweep table = run_factored_sweep(spec, list, 0, list.size(), on_threads(2, 1));
  ASSERT_EQ(table.size(), list.size());
  // Scenarios 0, 5, 11, 23 and 5 at the other scale are (exit, valuation, rate, proportion) =
  // (1Y, 15M, 0.02, 1/2), (1Y, 20M, 0.02, 1), (2Y, 15M, 0.05, 1), (3Y, 20M, 0.05, 1) and
  // (1Y, 20M, 0.050, 1): five distinct repurchases, conversions and sales; the write-off reads
  // only (exit, rate), where 0 and 5 agree: four.
  const std::size_t distinct[] = {5, 5, 5, 4};
  for (std::size_t p = 0; p < 4; ++p) EXPECT_EQ(table.distinct(p).size(), distinct[p]) << "path " << p;
  EXPECT_EQ(table.which(1, 3), table.which(0, 3));
  EXPECT_EQ(table.which(2, 0), table.which(0, 0));
  EXPECT_EQ(table.which(6, 0), table.which(0, 0));
  EXPECT_NE(table.which(7, 0), table.which(1, 0));
  const std::vector<sweep_row> rows = table.rows();
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(difference_from_single_evaluation(spec, list[i], rows[i]), "") << "row " << i;
}

// A slice of a grid much larger than the slice numbers its evaluations through a hash table
// rather than a table as large as the grid; its rows are still the single evaluations.
TEST(Sweep, ASliceOfABigGridIsTheSingleEvaluations) {
  const sweep_spec spec = the_spec();
  scenario_grid grid = the_grid();
  grid.proportion.clear();
  for (int k = 1; k <= 1000; ++k) grid.proportion.push_back(ratio(k, 1000));
  const std::size_t first = 5995, count = 10;  // the second exit: one valuation's last proportions, the next's first
  const factored_sweep table = run_factored_sweep(spec, grid, first, count, on_threads(2, 2));
  ASSERT_EQ(table.size(), count);
  EXPECT_EQ(table.index(0), first);
  const std::vector<sweep_row> rows = table.rows();
  for (std::size_t i = 0; i < count; ++i) {
    EXPECT_EQ(rows[i].index, first + i);
    EXPECT_EQ(difference_from_single_evaluation(spec, grid.at(first + i), rows[i]), "") << "row " << first + i;
  }
}

// A slice numbers its evaluations in 32 bits: 2^32 scenarios at once are refused before any work
// (the grid of 256 values on each axis is counted, not built).
TEST(Sweep, TooManyScenariosAtOnceAreRefusedUpFront) {
  sweep_spec spec = the_spec();
  spec.paths = {sweep_path::sale};
  scenario_grid grid;
  for (int i = 1; i <= 256; ++i) {
    grid.exit_on.push_back(tenor(i, time_unit::days));
    grid.valuation.push_back(decimal(i));
    grid.rate.push_back(decimal::from_parts(i, 4));
    grid.proportion.push_back(ratio(i, 256));
  }
  expect_error<invalid_input>([&] { (void)run_factored_sweep(spec, grid, 0, grid.size()); }, "count",
                              "4294967296 scenarios at once");
  EXPECT_EQ(run_factored_sweep(spec, grid, 1000, 3).size(), 3u);  // a slice of the same grid runs
}

TEST(Sweep, SlicesConcatenateIntoTheWholeSweep) {
  const sweep_spec spec = the_spec();
  const scenario_set grid = the_grid();
  const std::vector<sweep_row> all = run_sweep(spec, grid, on_threads(2));
  const std::vector<sweep_row> part = run_sweep(spec, grid, 5, 7, on_threads(2));
  ASSERT_EQ(part.size(), 7u);
  for (std::size_t i = 0; i < part.size(); ++i) EXPECT_TRUE(part[i] == all[5 + i]);
  EXPECT_TRUE(run_sweep(spec, grid, 24, 0).empty());
  expect_error<invalid_input>([&] { (void)run_sweep(spec, grid, 20, 5); }, "first", "beyond the 24");
}

TEST(Sweep, AnExplicitListTakesTheBaseForWhatItLeavesOut) {
  sweep_spec spec = the_spec();
  spec.paths = {sweep_path::sale, sweep_path::repurchase};
  spec.base.valuation = dec("20000000");
  spec.base.proportion = ratio(1);
  sweep_scenario a;
  a.exit_on = d("2024-01-01");
  sweep_scenario b;
  b.exit_on = tenor(2, time_unit::years);
  b.valuation = dec("15000000");
  b.proportion = ratio(1, 2);
  b.rate = dec("0.05");
  const std::vector<sweep_row> rows = run_sweep(spec, std::vector<sweep_scenario>{a, b}, on_threads(2));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(*rows[0].inputs.valuation, dec("20000000"));
  EXPECT_FALSE(rows[0].inputs.rate.has_value());
  EXPECT_EQ(rows[0].paths[0].path, sweep_path::sale);
  EXPECT_EQ(rows[0].paths[0].cash_recovered, cny("2000000.00"));
  EXPECT_EQ(rows[0].paths[1].cash_recovered, cny("1060000.00"));  // the deal's own 2%
  EXPECT_EQ(rows[1].paths[0].cash_recovered, cny("1500000.00"));
  EXPECT_EQ(rows[1].paths[1].cash_recovered, cny("550000.00"));
}

TEST(Sweep, TheCommonPlanRunsBeforeTheScenariosTranche) {
  // 30% at 2% after one year in every scenario; the scenario buys 70% on its exit date.
  sweep_spec spec = the_spec();
  spec.paths = {sweep_path::repurchase};
  spec.plan.tranches = {repurchase_tranche::of_proportion(d("2022-01-01"), "li", ratio(3, 10))};
  sweep_scenario s;
  s.exit_on = tenor(3, time_unit::years);
  s.proportion = ratio(7, 10);
  const sweep_row row = evaluate_scenario(spec, s);
  ASSERT_TRUE(row.paths[0].ok()) << row.paths[0].failure->message;
  // 300,000 x 1.02 = 306,000.00 and 700,000 x 1.06 = 742,000.00.
  EXPECT_EQ(row.paths[0].cash_recovered, cny("1048000.00"));
  EXPECT_EQ(row.paths[0].team_cost, cny("1048000.00"));
  // An exit before the common tranche's day drops that tranche: 70% on 2021-07-01, 30% stays.
  s.exit_on = d("2021-07-01");
  const sweep_row early = evaluate_scenario(spec, s);
  ASSERT_TRUE(early.paths[0].ok());
  EXPECT_EQ(early.paths[0].fund_units_left, dec("300000"));
}

TEST(Sweep, OtherRateTargets) {
  sweep_spec spec = the_spec();
  spec.paths = {sweep_path::repurchase, sweep_path::conversion};
  sweep_scenario s;
  s.exit_on = tenor(2, time_unit::years);
  s.proportion = ratio(1, 2);
  s.rate = dec("0.10");
  // The loan's rate: 500,000 x 10% for a year: 550,000.00 back on 2024-01-01; the price keeps 2%.
  spec.rate_applies_to = sweep_rate::loan;
  sweep_row row = evaluate_scenario(spec, s);
  EXPECT_EQ(row.paths[0].cash_recovered, cny("520000.00"));
  EXPECT_EQ(row.paths[1].cash_recovered, cny("1070000.00"));
  // The market rate: 1,000,000 - 520,000 / 1.21 = 570,247.93... -> 570,247.93.
  spec.rate_applies_to = sweep_rate::market;
  row = evaluate_scenario(spec, s);
  EXPECT_EQ(row.paths[0].cash_recovered, cny("520000.00"));
  EXPECT_EQ(row.paths[0].grant_equivalent, cny("570247.93"));
}

TEST(Sweep, CancelledBeforeItStarts) {
  std::atomic<bool> cancel{true};
  sweep_options o = on_threads(2);
  o.cancel = &cancel;
  expect_error<sweep_cancelled>([&] { (void)run_sweep(the_spec(), the_grid(), o); }, "cancel", "cancelled after 0 of 24");
}

// Many scenarios, so that the sweep is still running at the first poll (when it is not, the
// checks below accept a complete sweep).
std::vector<sweep_scenario> many_scenarios(std::size_t n) {
  const scenario_grid g = the_grid();
  std::vector<sweep_scenario> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(g.at(i % g.size()));
  return out;
}

TEST(Sweep, CancelledFromTheProgressCallback) {
  std::atomic<bool> cancel{false};
  std::size_t last_done = 0, calls = 0;
  sweep_options o = on_threads(2);
  o.poll_interval = std::chrono::milliseconds(1);
  o.cancel = &cancel;
  o.progress = [&](std::size_t done, std::size_t) {
    ++calls;
    last_done = done;
    cancel = true;
  };
  const std::vector<sweep_scenario> list = many_scenarios(3000);
  try {
    const std::vector<sweep_row> rows = run_sweep(the_spec(), list, o);
    // Finished before the first poll: the only call is the final one.
    EXPECT_EQ(rows.size(), list.size());
    EXPECT_EQ(calls, 1u);
    EXPECT_EQ(last_done, list.size());
  } catch (const sweep_cancelled& e) {
    EXPECT_EQ(e.where(), "cancel");
    EXPECT_LT(last_done, list.size());
  }
}

TEST(Sweep, AnExceptionFromTheProgressCallbackStopsTheWorkers) {
  sweep_options o = on_threads(2);
  o.poll_interval = std::chrono::milliseconds(1);
  o.progress = [](std::size_t, std::size_t) { throw std::runtime_error("interrupted"); };
  // Thrown at the first poll, or at the final call when the sweep was quicker: either way it
  // leaves run_sweep, after the workers have joined.
  EXPECT_THROW((void)run_sweep(the_spec(), many_scenarios(3000), o), std::runtime_error);
}

TEST(Sweep, ProgressIsCalledOnTheCallingThreadOnly) {
  std::vector<std::thread::id> callers;
  std::size_t last_done = 0, last_total = 0;
  sweep_options o = on_threads(2);
  o.poll_interval = std::chrono::milliseconds(1);
  o.progress = [&](std::size_t done, std::size_t total) {
    callers.push_back(std::this_thread::get_id());
    EXPECT_GE(done, last_done);
    last_done = done;
    last_total = total;
  };
  (void)run_sweep(the_spec(), many_scenarios(500), o);
  ASSERT_FALSE(callers.empty());
  for (const std::thread::id& id : callers) EXPECT_EQ(id, std::this_thread::get_id());
  EXPECT_EQ(last_done, 500u);
  EXPECT_EQ(last_total, 500u);
}

TEST(Sweep, BadInputIsRefusedBeforeAnyWork) {
  const sweep_spec spec = the_spec();
  scenario_grid g = the_grid();
  g.proportion = {ratio(1, 2), ratio(3, 2)};
  expect_error<invalid_input>([&] { (void)run_sweep(spec, g); }, "grid.proportion[1]", "between 0 and 1");
  g = the_grid();
  g.exit_on = {d("2020-06-30")};
  expect_error<invalid_input>([&] { (void)run_sweep(spec, g); }, "grid.exit_on[0]", "before the investment");
  g = the_grid();
  g.exit_on.clear();
  expect_error<invalid_input>([&] { (void)run_sweep(spec, g); }, "grid.exit_on", "no exit date");
  g = the_grid();
  g.valuation.clear();
  expect_error<invalid_input>([&] { (void)run_sweep(spec, g); }, "grid.valuation", "needs a valuation");
  g = the_grid();
  g.rate = {dec("-1")};
  expect_error<invalid_input>([&] { (void)run_sweep(spec, g); }, "grid.rate[0]", "above -100%");
  g = the_grid();
  g.valuation = {dec("-1")};
  expect_error<invalid_input>([&] { (void)run_sweep(spec, g); }, "grid.valuation[0]", "negative valuation");

  sweep_scenario ok, bad;
  ok.exit_on = tenor(1, time_unit::years);
  ok.valuation = dec("1");
  bad = ok;
  bad.proportion = ratio(-1, 4);
  expect_error<invalid_input>([&] { (void)run_sweep(spec, std::vector<sweep_scenario>{ok, bad}); },
                              "scenarios[1].proportion", "between 0 and 1");

  sweep_spec s = spec;
  s.deal.conversion.reset();
  expect_error<invalid_input>([&] { (void)run_sweep(s, the_grid()); }, "paths[1]", "equity-to-debt terms");
  s = spec;
  s.paths = {sweep_path::sale, sweep_path::sale};
  expect_error<invalid_input>([&] { (void)run_sweep(s, the_grid()); }, "paths[1]", "listed twice");
  s = spec;
  s.paths.clear();
  expect_error<invalid_input>([&] { (void)run_sweep(s, the_grid()); }, "paths", "no exit paths");
  s = spec;
  s.deal.repurchase.windows[0].price = price_formula(pricing::at_cost{});
  expect_error<invalid_input>([&] { (void)run_sweep(s, the_grid()); }, "rate_applies_to", "have none");
  s = spec;
  s.plan.tranches = {repurchase_tranche::of_proportion(d("2022-01-01"), "li", ratio(3, 2))};
  expect_error<invalid_input>([&] { (void)run_sweep(s, the_grid()); }, "plan.tranches[0].proportion", "at most 1");
  expect_error<invalid_input>([] { (void)parse_sweep_path("ipo"); }, "paths", "unknown exit path 'ipo'");
  EXPECT_EQ(parse_sweep_path("Write-Off"), sweep_path::write_off);
  EXPECT_EQ(parse_sweep_rate("LOAN"), sweep_rate::loan);
}

// ---- property: sweep rows equal single evaluations ----------------------------------------------

// A generated grid (1-3 exit dates from half a year to eight years, 1-3 valuations, 0-2 price
// rates, 1-3 proportions including 0 and the whole stake), swept on 1 or 2 threads in chunks of
// 1-7: every row is the single evaluation of its scenario. Some scenarios fail (a conversion
// with nothing left, a date beyond a window); those must fail alike.
RC_GTEST_PROP(SweepProperties, RowsEqualSingleEvaluations, ()) {
  const sweep_spec spec = the_spec();
  scenario_grid grid;
  const int exits = *rc::gen::inRange(1, 4);
  for (int i = 0; i < exits; ++i) grid.exit_on.emplace_back(tenor(*rc::gen::inRange(6, 97), time_unit::months));
  const int valuations = *rc::gen::inRange(1, 4);
  for (int i = 0; i < valuations; ++i)
    grid.valuation.push_back(decimal::from_parts(*rc::gen::inRange<std::int64_t>(100, 5000000000), 2));
  const int rates = *rc::gen::inRange(0, 3);
  for (int i = 0; i < rates; ++i) grid.rate.push_back(decimal::from_parts(*rc::gen::inRange<std::int64_t>(0, 2001), 4));
  const int proportions = *rc::gen::inRange(1, 4);
  for (int i = 0; i < proportions; ++i) grid.proportion.emplace_back(*rc::gen::inRange(0, 9), 8);
  const unsigned threads = static_cast<unsigned>(*rc::gen::inRange(1, 3));
  const std::size_t chunk = static_cast<std::size_t>(*rc::gen::inRange(1, 8));
  const std::vector<sweep_row> rows = run_sweep(spec, grid, on_threads(threads, chunk));
  RC_ASSERT(rows.size() == grid.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    RC_ASSERT(rows[i].index == i);
    const std::string difference = difference_from_single_evaluation(spec, grid.at(i), rows[i]);
    RC_ASSERT(difference == "");
  }
}

}  // namespace
