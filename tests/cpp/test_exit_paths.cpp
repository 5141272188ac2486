// Grant-equivalents and exit-path comparison on one deal.
//
// The deal: CNY 1,000,000.00 on 2021-01-01 for 1,000,000 of the company's 10,000,000 shares (the
// team holds 6,000,000); repurchase any time at cost plus 2% a year simple; market rate 8%.
// Dates are chosen so that year fractions are whole (ACT/365F: 2021-01-01 to 2024-01-01 is 1,095
// days = 3 years, to 2023-01-01 730 = 2), which makes every expected value a closed form:
// 1.08^3 = 1.259712, 1.08^2 = 1.1664. Irrational IRRs (cube and square roots) by mpmath in
// scripts/derive_contract_expectations.py.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <typeinfo>
#include <vector>

#include "stakecalc/exit_paths.hpp"
#include "stakecalc/grant_equivalent.hpp"
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

exit_deal the_deal() {
  exit_deal deal;
  deal.repurchase.investment = {d("2021-01-01"), cny("1000000.00"), dec("1000000"), 0};
  repurchase_window w;
  w.label = "any time";
  pricing::simple_interest two_percent;
  two_percent.rate = interest_rate::fixed_at(dec("0.02"));
  w.price = two_percent;
  deal.repurchase.windows = {w};
  // Conversion: the remaining cost, owed by the company, one year bullet at 6%; units cancelled.
  const equity_to_debt_terms e = stakecalc::testing::company_bullet_at_six_percent();
  deal.conversion = e;
  deal.company_units = dec("10000000");
  deal.team_units = dec("6000000");
  deal.market_rate = dec("0.08");
  return deal;
}

const repurchase_plan whole_stake_in_year_3{{repurchase_tranche::of_proportion(d("2024-01-01"), "zhang", ratio(1))}};

TEST(GrantEquivalent, TrancheByTrancheEqualsTheFlowsReading) {
  // The team pays 1,000,000 x (1 + 0.02 x 3) = 1,060,000.00; a market price (8% compound) would
  // be 1,000,000 x 1.259712 = 1,259,712.00. The forgone 199,712 discounted three years at 8%:
  // 199,712 / 1.259712 = 3,120,500,000 / 19,683 = 158,537.8245..., half-up 158,537.82.
  const exit_deal deal = the_deal();
  const repurchase_evaluation ev = evaluate_plan(deal.repurchase, whole_stake_in_year_3);
  EXPECT_EQ(ev.tranches[0].price.amount, cny("1060000.00"));
  pricing::compound_interest market;
  market.rate = interest_rate::fixed_at(dec("0.08"));
  const grant_equivalent_result g = grant_equivalent(deal.repurchase, ev, market, dec("0.08"));
  EXPECT_EQ(g.value, cny("158537.82"));
  EXPECT_TRUE(within(g.exact, "158537.824518620129045369100239", 20));
  EXPECT_EQ(g.of_investment, ratio(dec("158537.82")) / ratio(1000000));
  EXPECT_THAT(g.why.to_text(), HasSubstr("1259712.00 - 1060000.00 = 199712.00"));
  // The same from the fund's flows: 1,000,000 - 1,060,000 / 1.259712.
  const grant_equivalent_result f = grant_equivalent_of_flows(deal.repurchase.investment, ev.fund_flows, dec("0.08"));
  EXPECT_EQ(f.value, cny("158537.82"));
}

TEST(ExitPaths, FourWaysOutCompared) {
  const exit_deal deal = the_deal();
  const std::vector<exit_path> paths{exit_by_repurchase{whole_stake_in_year_3}, exit_by_conversion{d("2022-01-01"), {}},
                                     exit_by_sale{d("2024-01-01"), cny("20000000.00")},
                                     exit_by_write_off{d("2023-01-01"), std::nullopt}};
  const std::vector<exit_path_result> r = compare_exit_paths(deal, paths);
  ASSERT_EQ(r.size(), 4u);

  // Repurchase: 1,060,000 after three years: multiple 1.06, IRR 1.06^(1/3) - 1; the team pays it
  // and holds 7,000,000 of 10,000,000.
  EXPECT_EQ(r[0].fund_multiple, ratio(106, 100));
  EXPECT_TRUE(within(*r[0].fund_irr, "0.019612822422216329283827768195181", 27));
  EXPECT_EQ(r[0].grant_equivalent.value, cny("158537.82"));
  EXPECT_EQ(r[0].team_cost, cny("1060000.00"));
  EXPECT_EQ(*r[0].team_ownership, ratio(7, 10));
  EXPECT_EQ(r[0].fund_units_left, dec("0"));

  // Conversion on 2022-01-01 at cost, repaid with 6% on 2023-01-01: 1,060,000 after two years,
  // IRR sqrt(1.06) - 1; grant-equivalent 1,000,000 - 1,060,000 / 1.1664 = 66,500,000/729 =
  // 91,220.8504..., so 91,220.85. The company pays; its units are cancelled: 6/9 for the team.
  EXPECT_EQ(r[1].path, "conversion on 2022-01-01");
  EXPECT_EQ(r[1].cash_recovered, cny("1060000.00"));
  EXPECT_TRUE(within(*r[1].fund_irr, "0.029563014098700031579736946419755", 27));
  EXPECT_EQ(r[1].grant_equivalent.value, cny("91220.85"));
  EXPECT_EQ(r[1].team_cost, cny("0.00"));
  EXPECT_EQ(*r[1].team_ownership, ratio(2, 3));

  // Sale at a valuation of 20,000,000: 10% of it, 2,000,000, after three years: multiple 2, IRR
  // 2^(1/3) - 1; the fund gains, so the grant-equivalent is negative: 1,000,000 - 2,000,000 /
  // 1.259712 = -11,567,000,000/19,683 = -587,664.482..., half-up -587,664.48.
  EXPECT_EQ(r[2].fund_multiple, ratio(2));
  EXPECT_TRUE(within(*r[2].fund_irr, "0.259921049894873164767210607278228", 27));
  EXPECT_EQ(r[2].grant_equivalent.value, cny("-587664.48"));
  EXPECT_EQ(*r[2].team_ownership, ratio(3, 5));

  // Write-off: nothing back; no IRR; the whole investment was, in effect, a grant.
  EXPECT_FALSE(r[3].fund_irr.has_value());
  EXPECT_EQ(r[3].fund_multiple, ratio(0));
  EXPECT_EQ(r[3].grant_equivalent.value, cny("1000000.00"));
  EXPECT_EQ(r[3].grant_equivalent.of_investment, ratio(1));
  EXPECT_EQ(r[3].fund_units_left, dec("1000000"));
}

TEST(ExitPaths, ErrorsNameThePath) {
  exit_deal deal = the_deal();
  deal.conversion.reset();
  try {
    (void)compare_exit_paths(deal, {exit_by_sale{d("2024-01-01"), cny("20000000.00")},
                                    exit_by_conversion{d("2022-01-01"), {}}});
    ADD_FAILURE() << "nothing thrown";
  } catch (const invalid_input& e) {
    EXPECT_EQ(e.where(), "paths[1].conversion");
    EXPECT_THAT(e.what(), HasSubstr("no equity-to-debt terms"));
  }
  deal = the_deal();
  deal.company_units = decimal();
  EXPECT_THROW((void)evaluate_exit_path(deal, exit_by_sale{d("2024-01-01"), cny("20000000.00")}), invalid_input);
}

}  // namespace
