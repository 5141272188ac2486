// Tests of the shareholding platform: the full life story of a spin-off (contribution, two rounds,
// a transfer, a dividend, a sale by the platform and its distribution), the portfolio per company
// and per beneficiary institution, FX conversion and distribution rules. Expected figures are
// derived by hand in the comments.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <typeinfo>

#include "stakecalc/distribution.hpp"
#include "stakecalc/fx_table.hpp"
#include "stakecalc/ledger.hpp"
#include "stakecalc/platform.hpp"
#include "test_support.hpp"

using namespace stakecalc;
using ::testing::HasSubstr;

namespace {

money cny(const char* s) { return money(s, "CNY"); }
money usd(const char* s) { return money(s, "USD"); }
decimal d(const char* s) { return decimal(s); }
date day(const char* s) { return parse_date(s); }
event ev(const char* on, event_body b) { return event{day(on), std::move(b), ""}; }

using stakecalc::testing::expect_error;

// The life story. qlab: a CNY limited-liability spin-off of ustc; nanomat: a USD joint-stock
// company abroad in which the platform holds for cas and, after the seed round, also for ustc.
ledger life_story() {
  ledger l;
  for (auto [id, kind] : std::vector<std::pair<std::string, holder_kind>>{{"ustc", holder_kind::institution},
                                                                        {"cas", holder_kind::institution},
                                                                        {"li", holder_kind::team_member},
                                                                        {"wang", holder_kind::team_member},
                                                                        {"zhao", holder_kind::team_member},
                                                                        {"fund", holder_kind::fund},
                                                                        {"vc", holder_kind::investor},
                                                                        {"angel", holder_kind::investor}})
    l.add_holder(holder{id, id, kind, {}});
  l.add_holder(holder{"plat", "USTC achievement platform", holder_kind::platform, {"ustc", "cas"}});

  company qlab{"qlab", "Quantum Lab", legal_form::limited_liability, currency::of("CNY"), decimal(1)};
  l.record(ev("2020-01-10", incorporation{qlab, {}}));
  // 10,000,000.00 at par: li 3,500,000.00, wang 2,100,000.00, zhao 1,400,000.00, plat 3,000,000.00.
  l.record(ev("2020-01-10", achievement_contribution{"qlab", cny("10000000.00"), ratio(7, 10),
                                                     {{"li", ratio(1, 2)}, {"wang", ratio(3, 10)}, {"zhao", ratio(1, 5)}},
                                                     "ustc", "plat", std::nullopt, share_class::common}));
  // Round A at price 4: fund 2,000,000.00, vc 500,000.00. Total 12,500,000.00.
  l.record(ev("2021-03-01", financing_round{"qlab", "a", cny("40000000.00"), std::nullopt,
                                            {{"fund", cny("8000000.00"), {}}, {"vc", cny("2000000.00"), {}}}}));
  // Round B at price 36/5: angel 416,666.66. Total 12,916,666.66.
  l.record(ev("2022-06-30", financing_round{"qlab", "b", cny("90000000.00"), std::nullopt,
                                            {{"angel", cny("3000000.00"), {}}}}));
  // wang sells 100,000.00 to vc for 720,000.00.
  l.record(ev("2022-09-01", transfer{"qlab", "wang", "vc", d("100000"), cny("720000.00")}));
  l.record(ev("2023-05-20", dividend{"qlab", cny("1000000.00"), std::nullopt}));
  // The platform sells a third of its holding to vc for 9,000,000.00.
  l.record(ev("2024-01-15", transfer{"qlab", "plat", "vc", d("1000000"), cny("9000000.00")}));

  company nanomat{"nanomat", "NanoMat Inc.", legal_form::joint_stock, currency::of("USD"), decimal(1)};
  l.record(ev("2021-05-01", incorporation{nanomat, {}}));
  // USD 1,000,000.00 at par 1: 1,000,000 shares; li 9/10, the platform 100,000 for cas.
  l.record(ev("2021-05-01", achievement_contribution{"nanomat", usd("1000000.00"), ratio(9, 10), {{"li", ratio(1)}},
                                                     "cas", "plat", std::nullopt, share_class::common}));
  // Seed at price 5: the platform puts in 10,000.00 for ustc 3/4 and cas 1/4 (2,000 shares:
  // 1,500 and 500); vc 1,234,567.89 buys 246,913 shares (246,913.578 rounded down).
  l.record(ev("2022-03-01", financing_round{"nanomat", "seed", usd("5000000.00"), std::nullopt,
                                            {{"plat", usd("10000.00"), {{"ustc", ratio(3, 4)}, {"cas", ratio(1, 4)}}},
                                             {"vc", usd("1234567.89"), {}}}}));
  // 1,248,913 shares; a dividend of exactly 0.01 per share.
  l.record(ev("2023-12-31", dividend{"nanomat", usd("12489.13"), std::nullopt}));
  return l;
}

const portfolio_line& find_line(const std::vector<portfolio_line>& lines, const std::string& company,
                                const std::string& beneficiary) {
  for (const auto& line : lines)
    if (line.company_id == company && line.beneficiary == beneficiary) return line;
  throw std::runtime_error("no line " + company + "/" + beneficiary);
}

}  // namespace

TEST(PlatformLifeStory, CapTableAfterEveryStep) {
  ledger l = life_story();
  cap_table t = l.cap_table_on("qlab", day("2023-12-31"));
  // Units in fen after the transfer: li 350000000, wang 200000000, zhao 140000000, plat 300000000,
  // fund 200000000, vc 60000000, angel 41666666; total 1291666666.
  EXPECT_EQ(t.total_units, d("12916666.66"));
  EXPECT_EQ(t.units_of("wang"), d("2000000"));
  EXPECT_EQ(t.units_of("vc"), d("600000"));
  EXPECT_EQ(t.ownership_of("plat"), ratio(300000000, 1291666666));
  ratio sum(0);
  for (const auto& line : t.lines()) sum += line.ownership;
  EXPECT_EQ(sum, ratio(1));
  EXPECT_EQ(t.lines().size(), 7u);
  // The dividend of 1,000,000.00 (100000000 fen) by units: exact shares 100000000 * u / 1291666666
  // floor to li 27096774, wang 15483870, zhao 10838709, plat 23225806, fund 15483870, vc 4645161,
  // angel 3225806 (sum 99999996); the 4 fen left go to the largest fractions: wang and fund
  // (.976 each), zhao (.683), plat (.464).
  auto div = [&](const char* h) { return t.positions.at({h, share_class::common}).dividends(currency::of("CNY")); };
  EXPECT_EQ(div("li"), cny("270967.74"));
  EXPECT_EQ(div("wang"), cny("154838.71"));
  EXPECT_EQ(div("zhao"), cny("108387.10"));
  EXPECT_EQ(div("plat"), cny("232258.07"));
  EXPECT_EQ(div("fund"), cny("154838.71"));
  EXPECT_EQ(div("vc"), cny("46451.61"));
  EXPECT_EQ(div("angel"), cny("32258.06"));
  // wang's transfer: cost out 2,100,000.00 * 100,000/2,100,000 = 100,000.00, gain 620,000.00.
  EXPECT_EQ(t.positions.at({"wang", share_class::common}).realised_gain(currency::of("CNY")), cny("620000.00"));
  // Before round B: 12,500,000.00 units, ownership of the platform 3/12.5 = 6/25, mark 4.
  cap_table before_b = l.cap_table_on("qlab", day("2022-06-29"));
  EXPECT_EQ(before_b.ownership_of("plat"), ratio(6, 25));
  EXPECT_EQ(before_b.mark->price_per_unit, ratio(4));
}

TEST(PlatformLifeStory, PortfolioPerCompanyAndBeneficiary) {
  ledger l = life_story();
  platform_portfolio p = portfolio_on(l, "plat", day("2024-01-15"));
  ASSERT_EQ(p.by_company.size(), 2u);
  EXPECT_EQ(p.by_company[0].company_id, "nanomat");
  EXPECT_EQ(p.by_company[1].company_id, "qlab");

  // qlab: 2,000,000.00 units left of 12,916,666.66; cost 3,000,000.00 - 1,000,000.00 removed;
  // mark at round B's 36/5: 14,400,000.00; sold for 9,000,000.00 against 1,000,000.00 of cost.
  const portfolio_line& q = find_line(p.by_company, "qlab", "");
  EXPECT_EQ(q.units, d("2000000"));
  EXPECT_EQ(q.ownership, ratio(200000000, 1291666666));
  EXPECT_EQ(q.cost, cny("2000000.00"));
  EXPECT_EQ(*q.mark_value, cny("14400000.00"));
  EXPECT_EQ(*q.unrealised_gain, cny("12400000.00"));
  EXPECT_EQ(q.realised_gain, cny("8000000.00"));
  EXPECT_EQ(q.proceeds, cny("9000000.00"));
  EXPECT_EQ(q.dividends, cny("232258.07"));
  EXPECT_EQ(*q.mark_date, day("2022-06-30"));
  EXPECT_EQ(q.mark_source, "financing round 'b'");
  EXPECT_EQ(find_line(p.by_beneficiary, "qlab", "ustc").units, d("2000000"));

  // nanomat: 100,000 shares for cas (cost 100,000.00, the 1/10 of the appraised value) + 2,000
  // bought at 5 (1,500 for ustc at 7,500.00, 500 for cas at 2,500.00). Mark 5.
  const portfolio_line& n = find_line(p.by_company, "nanomat", "");
  EXPECT_EQ(n.units, d("102000"));
  EXPECT_EQ(n.ownership, ratio(102000, 1248913));
  EXPECT_EQ(n.cost, usd("110000.00"));
  EXPECT_EQ(*n.mark_value, usd("510000.00"));
  EXPECT_EQ(*n.unrealised_gain, usd("400000.00"));
  EXPECT_EQ(n.dividends, usd("1020.00"));
  const portfolio_line& cas = find_line(p.by_beneficiary, "nanomat", "cas");
  EXPECT_EQ(cas.units, d("100500"));
  EXPECT_EQ(cas.cost, usd("102500.00"));
  EXPECT_EQ(*cas.mark_value, usd("502500.00"));
  EXPECT_EQ(cas.dividends, usd("1005.00"));
  EXPECT_EQ(cas.ownership, ratio(100500, 1248913));
  const portfolio_line& ustc = find_line(p.by_beneficiary, "nanomat", "ustc");
  EXPECT_EQ(ustc.units, d("1500"));
  EXPECT_EQ(ustc.cost, usd("7500.00"));
  EXPECT_EQ(*ustc.unrealised_gain, usd("0.00"));
  EXPECT_EQ(ustc.dividends, usd("15.00"));
}

TEST(PlatformLifeStory, PortfolioOnEarlierDates) {
  ledger l = life_story();
  // Before the sale and the dividend: 3,000,000.00 units, mark 36/5 -> 21,600,000.00.
  platform_portfolio p = portfolio_on(l, "plat", day("2022-12-31"));
  const portfolio_line& q = find_line(p.by_company, "qlab", "");
  EXPECT_EQ(q.units, d("3000000"));
  EXPECT_EQ(*q.mark_value, cny("21600000.00"));
  EXPECT_EQ(*q.unrealised_gain, cny("18600000.00"));
  EXPECT_EQ(q.realised_gain, cny("0"));
  EXPECT_EQ(q.dividends, cny("0"));
  // Before nanomat existed, only qlab, at the appraisal mark of 1 per unit.
  platform_portfolio early = portfolio_on(l, "plat", day("2020-06-01"));
  ASSERT_EQ(early.by_company.size(), 1u);
  EXPECT_EQ(*early.by_company[0].mark_value, cny("3000000.00"));
  EXPECT_EQ(early.by_company[0].mark_source, "appraisal");
  expect_error<domain_rule_error>([&] { portfolio_on(l, "fund", day("2024-01-01")); },
                                  "platform: holder 'fund' is a fund, not a platform");
  expect_error<invalid_input>([&] { portfolio_on(l, "nobody", day("2024-01-01")); }, "unknown holder 'nobody'");
}

TEST(PlatformLifeStory, ReportInOneCurrencyNamesEachRate) {
  ledger l = life_story();
  fx_table fx;
  fx.add(currency::of("USD"), currency::of("CNY"), d("7.0"), day("2023-06-30"), "PBOC");
  fx.add(currency::of("USD"), currency::of("CNY"), d("7.1234"), day("2024-01-02"), "PBOC");
  platform_portfolio p = portfolio_on(l, "plat", day("2024-01-15"));
  converted_portfolio r = convert_lines(p.by_company, fx, currency::of("CNY"), day("2024-01-15"), rounding::half_even);
  ASSERT_EQ(r.lines.size(), 2u);
  const converted_line& n = r.lines[0];
  // 110,000.00 * 7.1234 = 783,574.00; 510,000.00 * 7.1234 = 3,632,934.00; dividends 1,020.00 *
  // 7.1234 = 7,265.868 -> 7,265.87 (half-even).
  EXPECT_EQ(n.cost, cny("783574.00"));
  EXPECT_EQ(*n.mark_value, cny("3632934.00"));
  EXPECT_EQ(*n.unrealised_gain, cny("2849360.00"));
  EXPECT_EQ(n.dividends, cny("7265.87"));
  EXPECT_EQ(n.rate.describe(), "USD/CNY 7.1234 on 2024-01-02 (PBOC)");
  EXPECT_EQ(r.lines[1].rate.describe(), "same currency");
  EXPECT_EQ(r.lines[1].cost, cny("2000000.00"));
  EXPECT_EQ(r.total_cost, cny("2783574.00"));
  EXPECT_EQ(r.total_mark_value, cny("18032934.00"));
  EXPECT_EQ(r.total_realised_gain, cny("8000000.00"));
  EXPECT_EQ(r.total_dividends, cny("239523.94"));
  // A day before the newer quote, the older one applies: 110,000.00 * 7 = 770,000.00.
  converted_portfolio older = convert_lines(p.by_company, fx, currency::of("CNY"), day("2024-01-01"), rounding::half_even);
  EXPECT_EQ(older.lines[0].cost, cny("770000.00"));
  expect_error<invalid_input>(
      [&] { convert_lines(p.by_company, fx, currency::of("CNY"), day("2023-01-01"), rounding::half_even); },
      "fx: no rate for USD to CNY on or before 2023-01-01");
}

TEST(FxTable, InverseQuotesAndErrors) {
  fx_table fx;
  fx.add(currency::of("CNY"), currency::of("EUR"), d("0.128"), day("2024-01-01"), "ECB");
  fx.add(currency::of("USD"), currency::of("CNY"), d("7.1234"), day("2024-01-01"));
  // EUR 100.00 at 1/0.128 = 7.8125 exactly: CNY 781.25.
  fx_conversion e = fx.convert(money("100.00", "EUR"), currency::of("CNY"), day("2024-02-01"), rounding::half_even);
  EXPECT_EQ(e.converted, cny("781.25"));
  EXPECT_TRUE(e.rate.inverted);
  EXPECT_EQ(e.rate.factor, ratio(125, 16));
  EXPECT_EQ(e.rate.describe(), "CNY/EUR 0.128 on 2024-01-01 (ECB), inverted");
  // CNY 1,000.00 / 7.1234 = 140.3824..: USD 140.38; rounded up: 140.39.
  EXPECT_EQ(fx.convert(cny("1000.00"), currency::of("USD"), day("2024-02-01"), rounding::half_even).converted,
            usd("140.38"));
  EXPECT_EQ(fx.convert(cny("1000.00"), currency::of("USD"), day("2024-02-01"), rounding::up).converted, usd("140.39"));
  // JPY has no minor unit: USD 10.01 at 150.5 = 1,506.505 -> JPY 1,507 (half-up).
  fx.add(currency::of("USD"), currency::of("JPY"), d("150.5"), day("2024-01-01"));
  EXPECT_EQ(fx.convert(usd("10.01"), currency::of("JPY"), day("2024-01-01"), rounding::half_up).converted,
            money("1507", "JPY"));
  expect_error<invalid_input>(
      [&] { fx.convert(money("1", "JPY"), currency::of("CNY"), day("2024-02-01"), rounding::half_even); },
      "fx: no rate for JPY to CNY on or before 2024-02-01");
  expect_error<invalid_input>([&] { fx.add(currency::of("USD"), currency::of("CNY"), d("0"), day("2024-01-01")); },
                              "fx.rate: rate 0 must be positive");
  expect_error<invalid_input>([&] { fx.add(currency::of("USD"), currency::of("USD"), d("1"), day("2024-01-01")); },
                              "fx.quote: a quote needs two different currencies, got USD twice");
}

TEST(Distribution, SaleProceedsAfterDeductions) {
  // The platform's 9,000,000.00 from the sale: costs 50,000.00, fee 2/100 of gross = 180,000.00;
  // net 8,770,000.00: team pool 1/2 = 4,385,000.00, institution 1/3 = 2,923,333.333..,
  // department 1/6 = 1,461,666.666..: floors leave one fen, which goes to the larger fraction
  // (.67, the department).
  distribution_rules rules;
  rules.deductions = {deduction{"transaction costs", cny("50000.00"), std::nullopt},
                      deduction{"platform fee", std::nullopt, ratio(2, 100)}};
  rules.shares = {{"team reward pool", ratio(1, 2), true}, {"ustc", ratio(1, 3), false}, {"department", ratio(1, 6), false}};
  rules.team_floor = ratio(1, 2);
  distribution_result r = distribute(cny("9000000.00"), rules);
  ASSERT_EQ(r.deductions.size(), 2u);
  EXPECT_EQ(r.deductions[1].amount, cny("180000.00"));
  EXPECT_EQ(r.net, cny("8770000.00"));
  ASSERT_EQ(r.shares.size(), 3u);
  EXPECT_EQ(r.shares[0].amount, cny("4385000.00"));
  EXPECT_EQ(r.shares[1].amount, cny("2923333.33"));
  EXPECT_EQ(r.shares[2].amount, cny("1461666.67"));
  EXPECT_EQ(r.total(), cny("9000000.00"));
}

TEST(Distribution, StatutoryDefaultHalfToTheTeam) {
  // The platform's qlab dividend 232,258.07: half is 116,129.035 each; the fen left goes to the
  // earlier of the tied parts, the team.
  distribution_rules rules = distribution_rules::china_statutory_default("ustc", "team");
  distribution_result r = distribute(cny("232258.07"), rules);
  EXPECT_EQ(r.shares[0].name, "team");
  EXPECT_EQ(r.shares[0].amount, cny("116129.04"));
  EXPECT_EQ(r.shares[1].amount, cny("116129.03"));
  // The team may get more than the floor, never less.
  EXPECT_EQ(distribute(cny("100.00"), distribution_rules::china_statutory_default("ustc", "team", {}, ratio(7, 10)))
                .shares[0]
                .amount,
            cny("70.00"));
  expect_error<domain_rule_error>(
      [&] { distribution_rules::china_statutory_default("ustc", "team", {}, ratio(2, 5)); },
      "rules.team_floor: team shares sum to 2/5, below the floor of 1/2 of net income");
}

TEST(Distribution, RoundingModeAndErrors) {
  distribution_rules rules;
  rules.deductions = {deduction{"fee", std::nullopt, ratio(1, 200)}};
  rules.shares = {{"ustc", ratio(1), false}};
  // 1/200 of 1.00 = 0.005: half-up 0.01, half-even 0.00.
  EXPECT_EQ(distribute(cny("1.00"), rules).deductions[0].amount, cny("0.01"));
  rules.deduction_rounding = rounding::half_even;
  EXPECT_EQ(distribute(cny("1.00"), rules).deductions[0].amount, cny("0.00"));

  distribution_rules bad;
  bad.shares = {{"a", ratio(1, 2), false}, {"b", ratio(1, 3), false}};
  expect_error<invalid_input>([&] { distribute(cny("1.00"), bad); }, "rules.shares: shares sum to 5/6, not 1");
  bad.shares = {{"a", ratio(1), false}};
  bad.deductions = {deduction{"costs", cny("10000.00"), std::nullopt}};
  expect_error<domain_rule_error>([&] { distribute(cny("5000.00"), bad); },
                                  "rules.deductions[0]: deductions exceed the gross CNY 5,000.00 at 'costs'");
  bad.deductions = {deduction{"costs", usd("1.00"), std::nullopt}};
  expect_error<currency_mismatch>([&] { distribute(cny("5000.00"), bad); },
                                  "rules.deductions[0]: deduction 'costs' USD 1.00 is not in CNY like the gross");
  bad.deductions = {deduction{"costs", cny("1.00"), ratio(1, 2)}};
  expect_error<invalid_input>([&] { distribute(cny("5000.00"), bad); },
                              "rules.deductions[0]: deduction 'costs' needs exactly one of amount and fraction_of_gross");
  bad.deductions = {};
  expect_error<invalid_input>([&] { distribute(cny("-1.00"), bad); }, "gross: gross CNY -1.00 is negative");
}

RC_GTEST_PROP(DistributionProperty, ReconcilesToTheFenAndStaysWithinAFen, ()) {
  const long long gross_fen = *rc::gen::inRange<long long>(0, 100000000000LL);
  const int n = *rc::gen::inRange(1, 6);
  std::vector<long long> weights;
  long long total = 0;
  for (int i = 0; i < n; ++i) {
    weights.push_back(*rc::gen::inRange<long long>(1, 1000));
    total += weights.back();
  }
  distribution_rules rules;
  for (int i = 0; i < n; ++i) rules.shares.push_back({"r" + std::to_string(i), ratio(weights[i], total), false});
  rules.deductions = {deduction{"fee", std::nullopt, ratio(*rc::gen::inRange(0, 100), 1000)}};
  const money gross(decimal::from_parts(gross_fen, 2), currency::of("CNY"));
  distribution_result r = distribute(gross, rules);
  RC_ASSERT(r.total() == gross);
  for (int i = 0; i < n; ++i) {
    ratio exact = ratio(r.net.amount()) * ratio(weights[i], total);
    ratio diff = ratio(r.shares[i].amount.amount()) - exact;
    RC_ASSERT(diff > ratio(-1, 100));
    RC_ASSERT(diff < ratio(1, 100));
  }
}
