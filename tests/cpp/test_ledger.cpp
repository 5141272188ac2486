// Tests of the cap table ledger: each expected figure is derived by hand in the comments (exact
// fractions, then the rounding rule the ledger states), never taken from the code's own output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sstream>
#include <typeinfo>

#include "stakecalc/ledger.hpp"
#include "test_support.hpp"

using namespace stakecalc;
using ::testing::HasSubstr;

namespace {

money cny(const char* s) { return money(s, "CNY"); }
money usd(const char* s) { return money(s, "USD"); }
decimal d(const char* s) { return decimal(s); }
date day(const char* s) { return parse_date(s); }

holder make_holder(const std::string& id, holder_kind k, std::vector<std::string> beneficiaries = {}) {
  return holder{id, id, k, std::move(beneficiaries)};
}

// Two institutions, the platform acting for both, three team members, a fund and two investors.
ledger people() {
  ledger l;
  l.add_holder(make_holder("ustc", holder_kind::institution));
  l.add_holder(make_holder("cas", holder_kind::institution));
  l.add_holder(make_holder("plat", holder_kind::platform, {"ustc", "cas"}));
  l.add_holder(make_holder("li", holder_kind::team_member));
  l.add_holder(make_holder("wang", holder_kind::team_member));
  l.add_holder(make_holder("zhao", holder_kind::team_member));
  l.add_holder(make_holder("fund", holder_kind::fund));
  l.add_holder(make_holder("vc", holder_kind::investor));
  l.add_holder(make_holder("angel", holder_kind::investor));
  return l;
}

company llc(const std::string& id, const char* cur = "CNY") {
  return company{id, id, legal_form::limited_liability, currency::of(cur), decimal(1)};
}
company jsc(const std::string& id, const char* cur = "CNY", const char* par = "1") {
  return company{id, id, legal_form::joint_stock, currency::of(cur), decimal(par)};
}

event ev(const char* on, event_body b) { return event{day(on), std::move(b), ""}; }

// Everything a cap table holds, as text: equal text means an unchanged ledger.
std::string snapshot(const ledger& l) {
  std::ostringstream os;
  os << l.size() << "\n";
  for (const auto& id : l.company_ids()) {
    const cap_table& t = l.current(id);
    os << id << " total " << t.total_units << " reserve " << t.capital_reserve << " applied " << t.events_applied;
    if (t.mark) os << " mark " << t.mark->price_per_unit << " " << to_iso(t.mark->on) << " " << t.mark->source;
    os << "\n";
    for (const auto& kv : t.positions)
      for (const auto& lk : kv.second.lots)
        os << "  " << kv.first.first << "/" << to_string(kv.first.second) << "/" << lk.first << " " << lk.second.units
           << " " << lk.second.cost << " " << lk.second.realised_gain << " " << lk.second.proceeds << " "
           << lk.second.dividends << "\n";
  }
  return os.str();
}

using stakecalc::testing::expect_error;

// Records `e`, expecting it to be refused with E and `text`, and the ledger unchanged.
template <class E>
void expect_refused(ledger& l, event e, const std::string& text) {
  std::string before = snapshot(l);
  expect_error<E>([&] { l.record(std::move(e)); }, text);
  EXPECT_EQ(snapshot(l), before);
}

// Company "qlab" (LLC, CNY): incorporated, then an achievement worth 10,000,000.00 contributed at
// par, team 7/10 (li 1/2, wang 3/10, zhao 1/5), institution ustc's 3/10 registered to the platform.
ledger qlab() {
  ledger l = people();
  l.record(ev("2020-01-10", incorporation{llc("qlab"), {}}));
  l.record(ev("2020-01-10", achievement_contribution{"qlab", cny("10000000.00"), ratio(7, 10),
                                                     {{"li", ratio(1, 2)}, {"wang", ratio(3, 10)}, {"zhao", ratio(1, 5)}},
                                                     "ustc", "plat", std::nullopt, share_class::common}));
  return l;
}

ratio sum_ownership(const cap_table& t) {
  ratio s(0);
  for (const auto& line : t.lines()) s += line.ownership;
  return s;
}

}  // namespace

// ---- holders ------------------------------------------------------------------------------

TEST(LedgerHolders, PlatformMustActForRegisteredInstitutions) {
  ledger l;
  l.add_holder(make_holder("ustc", holder_kind::institution));
  l.add_holder(make_holder("li", holder_kind::team_member));
  expect_error<invalid_input>([&] { l.add_holder(make_holder("p", holder_kind::platform)); },
                              "holder.beneficiaries: platform 'p' must name the institutions it holds for");
  expect_error<invalid_input>([&] { l.add_holder(make_holder("p", holder_kind::platform, {"ghost"})); },
                              "holder.beneficiaries[0]: unknown institution 'ghost'");
  expect_error<domain_rule_error>([&] { l.add_holder(make_holder("p", holder_kind::platform, {"ustc", "li"})); },
                                  "holder.beneficiaries[1]: 'li' is a team_member, not an institution");
  expect_error<invalid_input>([&] { l.add_holder(make_holder("f", holder_kind::fund, {"ustc"})); },
                              "only a platform holds on behalf of others");
  expect_error<invalid_input>([&] { l.add_holder(make_holder("li", holder_kind::investor)); },
                              "holder 'li' is already registered");
  expect_error<invalid_input>([&] { l.add_holder(make_holder("", holder_kind::investor)); }, "holder id is empty");
  EXPECT_EQ(l.holders().size(), 2u);
}

// ---- achievement contribution -------------------------------------------------------------

TEST(LedgerContribution, LimitedLiabilityAtParSplitsTeamAndPlatform) {
  ledger l = qlab();
  const cap_table& t = l.current("qlab");
  // 10,000,000.00 of registered capital: team 7/10 = 7,000,000.00 (li 1/2 -> 3,500,000.00, wang
  // 3/10 -> 2,100,000.00, zhao 1/5 -> 1,400,000.00), platform 3/10 = 3,000,000.00 for ustc.
  EXPECT_EQ(t.total_units, d("10000000"));
  EXPECT_EQ(t.registered_capital(), cny("10000000"));
  EXPECT_EQ(t.capital_reserve, cny("0"));
  EXPECT_EQ(t.units_of("li"), d("3500000"));
  EXPECT_EQ(t.units_of("wang"), d("2100000"));
  EXPECT_EQ(t.units_of("zhao"), d("1400000"));
  EXPECT_EQ(t.units_of("plat"), d("3000000"));
  EXPECT_EQ(t.ownership_of("li"), ratio(7, 20));
  EXPECT_EQ(t.ownership_of("wang"), ratio(21, 100));
  EXPECT_EQ(t.ownership_of("zhao"), ratio(7, 50));
  EXPECT_EQ(t.ownership_of("plat"), ratio(3, 10));
  const position& p = t.positions.at({"plat", share_class::common});
  ASSERT_EQ(p.lots.size(), 1u);
  EXPECT_EQ(p.lots.at("ustc").units, d("3000000"));
  EXPECT_EQ(p.lots.at("ustc").cost, cny("3000000"));  // its part of the appraised value
  ASSERT_TRUE(t.mark.has_value());
  EXPECT_EQ(t.mark->price_per_unit, ratio(1));
  EXPECT_EQ(t.mark->source, "appraisal");
  EXPECT_EQ(sum_ownership(t), ratio(1));
}

TEST(LedgerContribution, JointStockInJpyWithUnevenSplit) {
  ledger l = people();
  l.record(ev("2021-04-01", incorporation{jsc("kyoto", "JPY", "50"), {}}));
  // JPY 1,000,075 at par 50 = 20,001.5 shares -> 20,001 whole shares, the 25 yen left to reserve.
  // Team 9/10 of 20,001 = 18,000.9 and institution 2,000.1: floors 18,000 + 2,000, the one share
  // left goes to the larger remainder (.9, the team). Team 18,001 split li 1/3, wang 2/3:
  // 6,000.33.. and 12,000.66..: floors 6,000 + 12,000, the share left to wang (.67 > .33).
  l.record(ev("2021-04-01", achievement_contribution{"kyoto", money("1000075", "JPY"), ratio(9, 10),
                                                     {{"li", ratio(1, 3)}, {"wang", ratio(2, 3)}}, "cas", "plat",
                                                     std::nullopt, share_class::common}));
  const cap_table& t = l.current("kyoto");
  EXPECT_EQ(t.total_units, d("20001"));
  EXPECT_EQ(t.units_of("li"), d("6000"));
  EXPECT_EQ(t.units_of("wang"), d("12001"));
  EXPECT_EQ(t.units_of("plat"), d("2000"));
  EXPECT_EQ(t.registered_capital(), money("1000050", "JPY"));
  EXPECT_EQ(t.capital_reserve, money("25", "JPY"));
  // Value 1,000,075 split 9/10 : 1/10 = 900,067.5 : 100,007.5 -> floors 900,067 + 100,007, one
  // yen left, tie at .5 goes to the earlier part (team): 900,068 and 100,007.
  EXPECT_EQ(t.positions.at({"plat", share_class::common}).lots.at("cas").cost, money("100007", "JPY"));
  EXPECT_EQ(t.ownership_of("plat"), ratio(2000, 20001));
  EXPECT_EQ(sum_ownership(t), ratio(1));
}

TEST(LedgerContribution, IntoExistingCompanyNeedsPreMoney) {
  ledger l = people();
  l.record(ev("2021-01-01", incorporation{llc("c"), {subscription{"li", d("100000.00"), cny("100000.00")}}}));
  expect_refused<invalid_input>(l,
                                ev("2021-02-01", achievement_contribution{"c", cny("50000.00"), ratio(1, 2),
                                                                          {{"wang", ratio(1)}}, "ustc", "plat",
                                                                          std::nullopt, share_class::common}),
                                "event[1].pre_money: achievement_contribution: the company already has units");
  // At pre-money 300,000.00 over 100,000.00 units the price is 3: 50,000.00 / 3 = 16,666.666..
  // units, rounded down to 16,666.66; reserve 50,000.00 - 16,666.66 = 33,333.34.
  l.record(ev("2021-02-01", achievement_contribution{"c", cny("50000.00"), ratio(1, 2), {{"wang", ratio(1)}}, "ustc",
                                                     "plat", cny("300000.00"), share_class::common}));
  const cap_table& t = l.current("c");
  EXPECT_EQ(t.total_units, d("116666.66"));
  EXPECT_EQ(t.units_of("wang"), d("8333.33"));
  EXPECT_EQ(t.units_of("plat"), d("8333.33"));
  EXPECT_EQ(t.capital_reserve, cny("33333.34"));
  EXPECT_EQ(t.mark->price_per_unit, ratio(3));
}

TEST(LedgerContribution, RefusesBadSplitsAndWrongKinds) {
  ledger l = people();
  l.record(ev("2020-01-01", incorporation{llc("c"), {}}));
  auto contribution = [](std::vector<share_of> team, const char* institution, const char* platform) {
    return ev("2020-01-02", achievement_contribution{"c", cny("1000.00"), ratio(7, 10), std::move(team), institution,
                                                     platform, std::nullopt, share_class::common});
  };
  expect_refused<invalid_input>(l, contribution({{"li", ratio(1, 2)}, {"wang", ratio(2, 5)}}, "ustc", "plat"),
                                "event[1].team_members: achievement_contribution: shares sum to 9/10, not 1");
  expect_refused<invalid_input>(l, contribution({{"li", ratio(1, 2)}, {"ghost", ratio(1, 2)}}, "ustc", "plat"),
                                "event[1].team_members[1]: achievement_contribution: unknown holder 'ghost'");
  expect_refused<domain_rule_error>(l, contribution({{"li", ratio(1, 2)}, {"vc", ratio(1, 2)}}, "ustc", "plat"),
                                    "event[1].team_members[1]: achievement_contribution: holder 'vc' is an investor, "
                                    "not a team_member");
  expect_refused<domain_rule_error>(l, contribution({{"li", ratio(1)}}, "ustc", "fund"),
                                    "event[1].platform: achievement_contribution: holder 'fund' is a fund, not a platform");
  expect_refused<invalid_input>(l, contribution({{"li", ratio(1)}, {"li", ratio(0)}}, "ustc", "plat"),
                                "event[1].team_members[1]: achievement_contribution: 'li' appears twice");
  expect_refused<currency_mismatch>(
      l,
      ev("2020-01-02", achievement_contribution{"c", usd("1000.00"), ratio(7, 10), {{"li", ratio(1)}}, "ustc", "plat",
                                                std::nullopt, share_class::common}),
      "event[1].appraised_value: achievement_contribution: amount USD 1,000.00 is not in the company's currency CNY");
  expect_refused<invalid_input>(
      l,
      ev("2020-01-02", achievement_contribution{"c", cny("1000.00"), ratio(3, 2), {{"li", ratio(1)}}, "ustc", "plat",
                                                std::nullopt, share_class::common}),
      "event[1].team_share: achievement_contribution: team share 3/2 is outside 0..1");
}

TEST(LedgerContribution, PlatformMustActForTheInstitution) {
  ledger l = people();
  l.add_holder(make_holder("hfut", holder_kind::institution));
  l.record(ev("2020-01-01", incorporation{llc("c"), {}}));
  expect_refused<domain_rule_error>(
      l,
      ev("2020-01-02", achievement_contribution{"c", cny("1000.00"), ratio(7, 10), {{"li", ratio(1)}}, "hfut", "plat",
                                                std::nullopt, share_class::common}),
      "event[1].platform.on_behalf_of[0]: achievement_contribution: platform 'plat' does not hold on behalf of 'hfut'");
}

// ---- financing rounds -----------------------------------------------------------------------

TEST(LedgerRound, LimitedLiabilityCapitalIncreaseAndReserve) {
  ledger l = qlab();
  // PRE 40,000,000.00 over C_pre 10,000,000.00: price 4. Fund 8,000,000.00 -> 2,000,000.00 of
  // capital, vc 2,000,000.00 -> 500,000.00; reserve 6,000,000.00 + 1,500,000.00.
  l.record(ev("2021-03-01", financing_round{"qlab", "a", cny("40000000.00"), std::nullopt,
                                            {{"fund", cny("8000000.00"), {}}, {"vc", cny("2000000.00"), {}}}}));
  // PRE 90,000,000.00 over 12,500,000.00: price 36/5. Angel 3,000,000.00 -> 416,666.666.. ->
  // 416,666.66 (down); reserve + 3,000,000.00 - 416,666.66 = 2,583,333.34.
  l.record(ev("2022-06-30", financing_round{"qlab", "b", cny("90000000.00"), std::nullopt,
                                            {{"angel", cny("3000000.00"), {}}}}));
  const cap_table& t = l.current("qlab");
  EXPECT_EQ(t.units_of("fund"), d("2000000"));
  EXPECT_EQ(t.units_of("vc"), d("500000"));
  EXPECT_EQ(t.units_of("angel"), d("416666.66"));
  EXPECT_EQ(t.total_units, d("12916666.66"));
  EXPECT_EQ(t.registered_capital(), cny("12916666.66"));
  EXPECT_EQ(t.capital_reserve, cny("10083333.34"));
  EXPECT_EQ(t.mark->price_per_unit, ratio(36, 5));
  EXPECT_EQ(t.mark->on, day("2022-06-30"));
  EXPECT_EQ(t.mark->source, "financing round 'b'");
  EXPECT_EQ(t.positions.at({"angel", share_class::common}).cost(t.company.currency), cny("3000000.00"));
  // li: 3,500,000.00 / 12,916,666.66 = 350000000/1291666666 = 175000000/645833333.
  EXPECT_EQ(t.ownership_of("li"), ratio(175000000, 645833333));
  EXPECT_EQ(sum_ownership(t), ratio(1));
  // Mark of li's units: 3,500,000 * 36/5 = 25,200,000.00.
  EXPECT_EQ(*t.mark_value(t.units_of("li")), cny("25200000.00"));
}

TEST(LedgerRound, JointStockRemainderToReserveOrRefunded) {
  // 300,000 shares, par 1; PRE 1,000,000.00 gives a price of 10/3 per share. 1,004.00 buys
  // 301.2 -> 301 shares costing 1,003.333..; the 0.666.. left over is either kept (reserve gets
  // 1,004.00 - 301 par) or refunded rounded down (0.66, paid 1,003.34, reserve 1,003.34 - 301).
  for (auto rule : {remainder_rule::capital_reserve, remainder_rule::refund}) {
    ledger l = people();
    l.record(ev("2021-01-01", incorporation{jsc("j"), {subscription{"li", d("300000"), cny("300000.00")}}}));
    financing_round r{"j", "seed", cny("1000000.00"), std::nullopt, {{"vc", cny("1004.00"), {}}}};
    r.remainder = rule;
    l.record(ev("2021-06-01", r));
    const cap_table& t = l.current("j");
    EXPECT_EQ(t.units_of("vc"), d("301"));
    EXPECT_EQ(t.registered_capital(), cny("300301"));
    const money paid = rule == remainder_rule::refund ? cny("1003.34") : cny("1004.00");
    EXPECT_EQ(t.positions.at({"vc", share_class::common}).cost(t.company.currency), paid);
    EXPECT_EQ(t.capital_reserve, paid - cny("301"));
    EXPECT_EQ(t.mark->price_per_unit, ratio(10, 3));
  }
}

TEST(LedgerRound, PricePerUnitPreferredAndErrors) {
  ledger l = people();
  l.record(ev("2021-01-01", incorporation{jsc("j", "USD", "0.01"), {subscription{"li", d("1000000"), usd("10000.00")}}}));
  // Par 0.01: 1,000,000 shares paid 10,000.00 -> share capital 10,000.00, no reserve.
  EXPECT_EQ(l.current("j").registered_capital(), usd("10000.00"));
  EXPECT_EQ(l.current("j").capital_reserve, usd("0"));
  financing_round r{"j", "a", std::nullopt, usd("2.50"), {{"vc", usd("500000.00"), {}}}};
  r.cls = share_class::preferred;
  l.record(ev("2021-02-01", r));
  const cap_table& t = l.current("j");
  // 500,000.00 / 2.50 = 200,000 preferred shares; reserve 500,000.00 - 200,000 * 0.01.
  EXPECT_EQ(t.units_of("vc", share_class::preferred), d("200000"));
  EXPECT_EQ(t.class_units(share_class::preferred), d("200000"));
  EXPECT_EQ(t.capital_reserve, usd("498000.00"));
  EXPECT_EQ(t.ownership_of("vc"), ratio(1, 6));

  expect_refused<invalid_input>(l, ev("2021-03-01", financing_round{"j", "b", usd("1.00"), usd("1.00"), {}}),
                                "event[2].pre_money: financing_round: give exactly one of pre_money and price_per_unit");
  expect_refused<currency_mismatch>(
      l, ev("2021-03-01", financing_round{"j", "b", std::nullopt, usd("3.00"), {{"fund", cny("100.00"), {}}}}),
      "event[2].investments[0].amount: financing_round: amount CNY 100.00 is not in the company's currency USD");
  expect_refused<domain_rule_error>(
      l, ev("2021-03-01", financing_round{"j", "b", std::nullopt, usd("0.005"), {{"fund", usd("100.00"), {}}}}),
      "event[2].price_per_unit: financing_round: price per unit 1/200 is below par 1/100");
  expect_refused<domain_rule_error>(
      l, ev("2021-03-01", financing_round{"j", "b", std::nullopt, usd("3.00"), {{"fund", usd("2.99"), {}}}}),
      "event[2].investments[0].amount: financing_round: amount USD 2.99 buys no units at 3");
  expect_refused<invalid_input>(
      l, ev("2021-03-01", financing_round{"j", "b", std::nullopt, usd("3.00"), {{"fund", usd("-3.00"), {}}}}),
      "event[2].investments[0].amount: financing_round: amount USD -3.00 must be positive");
  expect_refused<invalid_input>(
      l, ev("2021-03-01", financing_round{"j", "b", std::nullopt, usd("3.00"), {{"fund", usd("3.001"), {}}}}),
      "has more digits than the currency's minor unit");
  // The second investment fails: the first must not stay recorded either.
  expect_refused<invalid_input>(l,
                                ev("2021-03-01", financing_round{"j", "b", std::nullopt, usd("3.00"),
                                                                 {{"fund", usd("300.00"), {}}, {"ghost", usd("3.00"), {}}}}),
                                "event[2].investments[1].holder: financing_round: unknown holder 'ghost'");
  expect_refused<invalid_input>(
      l, ev("2021-03-01", financing_round{"j", "b", std::nullopt, usd("3.00"), {{"plat", usd("300.00"), {}}}}),
      "event[2].investments[0].on_behalf_of: financing_round: platform 'plat' must name the institutions");
}

// ---- transfers --------------------------------------------------------------------------------

TEST(LedgerTransfer, WeightedAverageCostAndRealisedGain) {
  ledger l = people();
  l.record(ev("2021-01-01", incorporation{jsc("j"), {subscription{"li", d("300"), cny("300.00")}}}));
  // vc buys 100 at 1.00 and 100 at 2.00: 200 shares, cost 300.00 (1.50 each on average).
  l.record(ev("2021-02-01", transfer{"j", "li", "vc", d("100"), cny("100.00")}));
  l.record(ev("2021-03-01", transfer{"j", "li", "vc", d("100"), cny("200.00")}));
  // vc sells 70 for 140.00: cost out 300.00 * 70/200 = 105.00, gain 35.00.
  l.record(ev("2021-04-01", transfer{"j", "vc", "angel", d("70"), cny("140.00")}));
  // vc sells 1 of 130 for 0.00: cost 195.00 * 1/130 = 1.50.
  l.record(ev("2021-05-01", transfer{"j", "vc", "angel", d("1"), cny("0")}));
  // vc then sells 3 of 129 for 10.00: cost 193.50 * 3/129 = 4.5 exactly.
  l.record(ev("2021-06-01", transfer{"j", "vc", "angel", d("3"), cny("10.00")}));
  const cap_table& t = l.current("j");
  const lot& vc = t.positions.at({"vc", share_class::common}).lots.at("");
  EXPECT_EQ(vc.units, d("126"));
  EXPECT_EQ(vc.cost, cny("189.00"));
  EXPECT_EQ(vc.realised_gain, cny("35.00") + cny("-1.50") + cny("5.50"));
  EXPECT_EQ(vc.proceeds, cny("150.00"));
  // li sold its 200 original shares (cost 1.00 each) for 300.00: gain 100.00.
  EXPECT_EQ(t.positions.at({"li", share_class::common}).lots.at("").realised_gain, cny("100.00"));
  EXPECT_EQ(t.total_units, d("300"));
  EXPECT_EQ(t.positions.at({"angel", share_class::common}).lots.at("").cost, cny("150.00"));
}

TEST(LedgerTransfer, CostRemovedRoundsHalfEven) {
  ledger l = people();
  l.record(ev("2021-01-01", incorporation{jsc("j", "CNY", "0.01"), {subscription{"li", d("3"), cny("1.00")}}}));
  // 1.00 * 1/3 = 0.333.. -> 0.33; then 0.67 * 1/2 = 0.335 -> 0.34 (half-even: 33.5 fen -> 34).
  l.record(ev("2021-02-01", transfer{"j", "li", "vc", d("1"), cny("0")}));
  l.record(ev("2021-03-01", transfer{"j", "li", "vc", d("1"), cny("0")}));
  const lot& li = l.current("j").positions.at({"li", share_class::common}).lots.at("");
  EXPECT_EQ(li.cost, cny("0.33"));
  EXPECT_EQ(li.realised_gain, cny("-0.67"));
  // The last unit carries all the remaining cost.
  l.record(ev("2021-04-01", transfer{"j", "li", "vc", d("1"), cny("0")}));
  EXPECT_EQ(l.current("j").positions.at({"li", share_class::common}).lots.at("").cost, cny("0"));
  EXPECT_EQ(l.current("j").positions.at({"vc", share_class::common}).lots.at("").cost, cny("0"));
}

TEST(LedgerTransfer, RefusedTransfersLeaveTheLedgerUnchanged) {
  ledger l = qlab();
  expect_refused<domain_rule_error>(l, ev("2021-01-01", transfer{"qlab", "li", "vc", d("3500000.01"), cny("1.00")}),
                                    "event[2].units: transfer: units 3500000.01 exceed the 3500000.00 common units "
                                    "held by 'li'");
  expect_refused<domain_rule_error>(l, ev("2021-01-01", transfer{"qlab", "vc", "li", d("1"), cny("1.00")}),
                                    "event[2].units: transfer: units 1 exceed the 0 common units held by 'vc'");
  expect_refused<invalid_input>(l, ev("2021-01-01", transfer{"qlab", "li", "vc", d("-5"), cny("1.00")}),
                                "event[2].units: transfer: units -5 must be positive");
  expect_refused<invalid_input>(l, ev("2021-01-01", transfer{"qlab", "li", "vc", d("0.001"), cny("1.00")}),
                                "event[2].units: transfer: units 0.001 are not whole (at most 2 digits");
  expect_refused<invalid_input>(l, ev("2021-01-01", transfer{"qlab", "li", "ghost", d("5"), cny("1.00")}),
                                "event[2].buyer: transfer: unknown holder 'ghost'");
  expect_refused<invalid_input>(l, ev("2021-01-01", transfer{"qlab", "li", "li", d("5"), cny("1.00")}),
                                "event[2].buyer: transfer: seller and buyer are both 'li'");
  expect_refused<currency_mismatch>(l, ev("2021-01-01", transfer{"qlab", "li", "vc", d("5"), usd("1.00")}),
                                    "event[2].price: transfer: amount USD 1.00 is not in the company's currency CNY");
  expect_refused<domain_rule_error>(l, ev("2019-12-31", transfer{"qlab", "li", "vc", d("5"), cny("1.00")}),
                                    "event[2].on: transfer: date 2019-12-31 is before the company's latest event on "
                                    "2020-01-10");
  expect_refused<invalid_input>(l, ev("2021-01-01", transfer{"nope", "li", "vc", d("5"), cny("1.00")}),
                                "event[2].company_id: transfer: unknown company 'nope'");
  expect_refused<domain_rule_error>(l, ev("2021-01-01", incorporation{llc("qlab"), {}}),
                                    "event[2].company.id: incorporation: company 'qlab' is already incorporated");
  // Platform buying for an institution it does not act for.
  l.add_holder(make_holder("hfut", holder_kind::institution));
  expect_refused<domain_rule_error>(
      l, ev("2021-01-01", transfer{"qlab", "li", "plat", d("5"), cny("1.00"), share_class::common, {{"hfut", ratio(1)}}}),
      "event[2].buyer_on_behalf_of[0]: transfer: platform 'plat' does not hold on behalf of 'hfut'");
}

// ---- repurchase, capital reduction, split, dividend, exit -------------------------------------------

TEST(LedgerRepurchase, ByTeamMembersAndByTheCompany) {
  ledger l = people();
  l.record(ev("2020-01-01", incorporation{llc("c"), {subscription{"li", d("800000.00"), cny("800000.00")},
                                                     subscription{"fund", d("200000.00"), cny("3000000.00")}}}));
  // The fund paid 3,000,000.00 for 200,000.00 of capital: reserve 2,800,000.00.
  EXPECT_EQ(l.current("c").capital_reserve, cny("2800000.00"));
  // Team buys half the stake at cost (1,500,000.00 for 100,000.00): split li 60,000 / wang 40,000.
  l.record(ev("2023-01-01", repurchase{"c", "fund", {{"li", d("60000.00"), cny("900000.00")},
                                                     {"wang", d("40000.00"), cny("600000.00")}}}));
  // The company buys back 50,000.00 for 800,000.00 and cancels them: capital 1,000,000 -> 950,000.
  l.record(ev("2024-01-01", repurchase{"c", "fund", {{"", d("50000.00"), cny("800000.00")}}}));
  const cap_table& t = l.current("c");
  EXPECT_EQ(t.registered_capital(), cny("950000.00"));
  EXPECT_EQ(t.units_of("fund"), d("50000"));
  EXPECT_EQ(t.units_of("li"), d("860000"));
  EXPECT_EQ(t.units_of("wang"), d("40000"));
  // Fund cost 3,000,000.00 -> 1,500,000.00 after selling half at cost (gain 0) -> 750,000.00 after
  // the buy-back of half of what remained, which paid 800,000.00: gain 50,000.00.
  const lot& fund = t.positions.at({"fund", share_class::common}).lots.at("");
  EXPECT_EQ(fund.cost, cny("750000.00"));
  EXPECT_EQ(fund.realised_gain, cny("50000.00"));
  EXPECT_EQ(t.ownership_of("fund"), ratio(1, 19));
  EXPECT_EQ(sum_ownership(t), ratio(1));
  expect_refused<domain_rule_error>(l, ev("2024-02-01", repurchase{"c", "fund", {{"vc", d("1.00"), cny("1.00")}}}),
                                    "event[3].purchases[0].buyer: repurchase: holder 'vc' is an investor, not a "
                                    "team_member");
  expect_refused<domain_rule_error>(l,
                                    ev("2024-02-01", repurchase{"c", "fund", {{"li", d("30000.00"), cny("1.00")},
                                                                             {"", d("30000.00"), cny("1.00")}}}),
                                    "event[3].purchases[1].units: repurchase: units 30000.00 exceed the 20000.00 "
                                    "common units held by 'fund'");
}

TEST(LedgerCapitalReduction, CancelsAndPaysBack) {
  ledger l = people();
  l.record(ev("2020-01-01", incorporation{llc("c"), {subscription{"li", d("600.00"), cny("600.00")},
                                                     subscription{"vc", d("400.00"), cny("400.00")}}}));
  l.record(ev("2021-01-01", capital_reduction{"c", {{"vc", d("100.00"), cny("150.00")}}}));
  const cap_table& t = l.current("c");
  EXPECT_EQ(t.total_units, d("900"));
  EXPECT_EQ(t.ownership_of("li"), ratio(2, 3));
  EXPECT_EQ(t.positions.at({"vc", share_class::common}).lots.at("").realised_gain, cny("50.00"));
  expect_refused<domain_rule_error>(
      l, ev("2021-02-01", capital_reduction{"c", {{"vc", d("300.00"), cny("0")}, {"li", d("600.00"), cny("0")}}}),
      "event[2].reductions[1].units: capital_reduction: the company would be left with no units");
}

TEST(LedgerSplit, TwoForOneAndRefusedFraction) {
  ledger l = people();
  l.record(ev("2020-01-01", incorporation{jsc("j"), {subscription{"li", d("1001"), cny("1001.00")},
                                                     subscription{"vc", d("999"), cny("2997.00")}}}));
  // Mark at incorporation: 3,998.00 paid for 2,000 shares = 1999/1000 per share.
  EXPECT_EQ(l.current("j").mark->price_per_unit, ratio(1999, 1000));
  l.record(ev("2020-06-01", share_split{"j", ratio(2)}));
  const cap_table& t = l.current("j");
  EXPECT_EQ(t.units_of("li"), d("2002"));
  EXPECT_EQ(t.units_of("vc"), d("1998"));
  EXPECT_EQ(t.total_units, d("4000"));
  EXPECT_EQ(t.mark->price_per_unit, ratio(1999, 2000));
  EXPECT_EQ(t.positions.at({"vc", share_class::common}).lots.at("").cost, cny("2997.00"));
  // 3 for 2 of 2002 gives 3003 but of 1998 gives 2997: both whole; 5 for 4 of 2002 is 2502.5.
  expect_refused<domain_rule_error>(l, ev("2020-07-01", share_split{"j", ratio(5, 4)}),
                                    "event[2].factor: share_split: split by 5/4 gives 'li' 5005/2 units, not a whole "
                                    "number");
  expect_refused<invalid_input>(l, ev("2020-07-01", share_split{"j", ratio(-2)}),
                                "event[2].factor: share_split: split factor -2 must be positive");
}

TEST(LedgerDividend, AllocatedByUnitsWithoutLosingACent) {
  ledger l = people();
  l.record(ev("2020-01-01", incorporation{jsc("j"), {subscription{"li", d("1"), cny("1")},
                                                     subscription{"wang", d("1"), cny("1")},
                                                     subscription{"zhao", d("1"), cny("1")}}}));
  l.record(ev("2020-12-31", dividend{"j", cny("100.00"), std::nullopt}));
  // 100.00 / 3: 33.33 each and one cent left, to the earliest (largest-remainder tie): li.
  const cap_table& t = l.current("j");
  EXPECT_EQ(t.positions.at({"li", share_class::common}).lots.at("").dividends, cny("33.34"));
  EXPECT_EQ(t.positions.at({"wang", share_class::common}).lots.at("").dividends, cny("33.33"));
  EXPECT_EQ(t.positions.at({"zhao", share_class::common}).lots.at("").dividends, cny("33.33"));
  expect_refused<domain_rule_error>(l, ev("2021-01-01", dividend{"j", cny("10.00"), share_class::preferred}),
                                    "event[2].cls: dividend: no units of the class to pay a dividend on");
  expect_refused<invalid_input>(l, ev("2021-01-01", dividend{"j", cny("0"), std::nullopt}),
                                "event[2].amount: dividend: amount CNY 0 must be positive");
}

TEST(LedgerDividend, PreferredClassOnly) {
  ledger l = people();
  l.record(ev("2020-01-01", incorporation{jsc("j", "EUR"), {subscription{"li", d("100"), money("100", "EUR")},
                                                            subscription{"vc", d("30"), money("300", "EUR"),
                                                                         share_class::preferred},
                                                            subscription{"angel", d("10"), money("100", "EUR"),
                                                                         share_class::preferred}}}));
  // 1.00 on 40 preferred: vc 30/40 = 0.75, angel 0.25; li gets nothing.
  l.record(ev("2020-12-31", dividend{"j", money("1.00", "EUR"), share_class::preferred}));
  const cap_table& t = l.current("j");
  EXPECT_EQ(t.positions.at({"vc", share_class::preferred}).lots.at("").dividends, money("0.75", "EUR"));
  EXPECT_EQ(t.positions.at({"angel", share_class::preferred}).lots.at("").dividends, money("0.25", "EUR"));
  EXPECT_EQ(t.positions.at({"li", share_class::common}).lots.at("").dividends, money("0", "EUR"));
}

TEST(LedgerExit, EquityToDebtToTeamOrCancelled) {
  for (bool to_team : {true, false}) {
    ledger l = people();
    l.record(ev("2020-01-01", incorporation{llc("c"), {subscription{"li", d("700000.00"), cny("700000.00")},
                                                       subscription{"fund", d("300000.00"), cny("3000000.00")}}}));
    std::vector<share_of> recipients;
    if (to_team) recipients = {{"li", ratio(2, 3)}, {"wang", ratio(1, 3)}};
    // Principal 3,330,000.01: the fund's cost 3,000,000.00 gives a realised gain of 330,000.01.
    l.record(ev("2025-01-01", equity_to_debt_exit{"c", "fund", cny("3330000.01"), recipients}));
    const cap_table& t = l.current("c");
    EXPECT_EQ(t.units_of("fund"), d("0"));
    const lot& fund = t.positions.at({"fund", share_class::common}).lots.at("");
    EXPECT_EQ(fund.realised_gain, cny("330000.01"));
    EXPECT_EQ(fund.cost, cny("0"));
    if (to_team) {
      // 300,000.00 units: li 200,000.00, wang 100,000.00; principal as cost 2/3 : 1/3 =
      // 2,220,000.006.. and 1,110,000.003..: floors 2,220,000.00 + 1,110,000.00, the cent left to li.
      EXPECT_EQ(t.total_units, d("1000000"));
      EXPECT_EQ(t.units_of("li"), d("900000"));
      EXPECT_EQ(t.units_of("wang"), d("200000") - d("100000"));
      EXPECT_EQ(t.positions.at({"li", share_class::common}).cost(t.company.currency), cny("2920000.01"));
      EXPECT_EQ(t.positions.at({"wang", share_class::common}).cost(t.company.currency), cny("1110000.00"));
    } else {
      EXPECT_EQ(t.total_units, d("700000"));
      EXPECT_EQ(t.ownership_of("li"), ratio(1));
    }
    EXPECT_EQ(sum_ownership(t), ratio(1));
    expect_refused<domain_rule_error>(l, ev("2025-02-01", equity_to_debt_exit{"c", "fund", cny("1.00"), {}}),
                                      "event[2].holder: equity_to_debt_exit: holder 'fund' holds no units to convert");
  }
}

// ---- point-in-time views ------------------------------------------------------------------------

TEST(LedgerPointInTime, QueriesAcrossCheckpointsMatchHandCounts) {
  ledger l = people();
  l.record(ev("2020-01-01", incorporation{jsc("j"), {subscription{"li", d("10000"), cny("10000")}}}));
  // On day k (k = 1..70, from 2020-01-02) li sells k shares to vc: after day k vc holds
  // 1+2+..+k = k(k+1)/2 shares. The 71 events cross two checkpoints (one every 32 events).
  const date first = day("2020-01-01");
  for (int k = 1; k <= 70; ++k)
    l.record(event{first + boost::gregorian::days(k), transfer{"j", "li", "vc", decimal(k), cny("0")}, ""});
  for (int k = 0; k <= 75; ++k) {
    date on = first + boost::gregorian::days(k);
    int sold = k > 70 ? 70 * 71 / 2 : k * (k + 1) / 2;
    cap_table t = l.cap_table_on("j", on);
    EXPECT_EQ(t.units_of("vc"), decimal(sold)) << to_iso(on);
    EXPECT_EQ(t.ownership_of("li"), ratio(10000 - sold, 10000)) << to_iso(on);
    EXPECT_EQ(t.as_of, k > 70 ? first + boost::gregorian::days(70) : on);
    EXPECT_EQ(t.events_applied, static_cast<std::size_t>(std::min(k, 70) + 1));
  }
  expect_error<domain_rule_error>([&] { l.cap_table_on("j", day("2019-12-31")); },
                                  "on: company 'j' was not yet incorporated on 2019-12-31");
  expect_error<invalid_input>([&] { l.cap_table_on("x", day("2019-12-31")); }, "unknown company 'x'");
}

TEST(LedgerPointInTime, HolderHistoryAndReplay) {
  ledger l = qlab();
  l.record(ev("2021-03-01", financing_round{"qlab", "a", cny("40000000.00"), std::nullopt,
                                            {{"fund", cny("8000000.00"), {}}}}));
  l.record(ev("2022-01-01", transfer{"qlab", "wang", "fund", d("100000"), cny("500000.00")}));
  auto h = l.holder_history("fund");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].kind, "financing_round");
  EXPECT_EQ(h[0].units_change, d("2000000"));
  EXPECT_EQ(h[0].cash, cny("-8000000.00"));
  EXPECT_EQ(h[1].kind, "transfer");
  EXPECT_EQ(h[1].units_after, d("2100000"));
  auto w = l.holder_history("wang");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].cash, cny("0"));  // contributed know-how, no cash
  EXPECT_EQ(w[1].realised_gain, cny("400000.00"));  // 500,000.00 - 2,100,000.00 * 1/21
  EXPECT_EQ(l.companies_of("plat"), std::vector<std::string>{"qlab"});

  ledger copy = ledger::replay(l.holders(), l.events());
  EXPECT_EQ(snapshot(copy), snapshot(l));
}

// ---- properties -----------------------------------------------------------------------------------

RC_GTEST_PROP(LedgerProperty, TransfersConserveUnitsAndOwnershipSumsToOne, ()) {
  ledger l = people();
  const std::vector<std::string> ids{"li", "wang", "zhao", "fund", "vc"};
  l.record(ev("2020-01-01", incorporation{llc("c"), {subscription{"li", d("1000.00"), cny("1000.00")}}}));
  const int n = *rc::gen::inRange(1, 30);
  date on = day("2020-01-01");
  for (int i = 0; i < n; ++i) {
    const std::string seller = ids[*rc::gen::inRange<std::size_t>(0, ids.size())];
    const std::string buyer = ids[*rc::gen::inRange<std::size_t>(0, ids.size())];
    const long long cents = *rc::gen::inRange<long long>(1, 100001);
    on += boost::gregorian::days(*rc::gen::inRange(0, 3));
    std::string before = snapshot(l);
    try {
      l.record(event{on, transfer{"c", seller, buyer, decimal::from_parts(cents, 2), cny("1.00")}, ""});
    } catch (const domain_rule_error&) {
      RC_ASSERT(snapshot(l) == before);  // too many units: refused whole
    } catch (const invalid_input&) {
      RC_ASSERT(seller == buyer);
      RC_ASSERT(snapshot(l) == before);
    }
    const cap_table& t = l.current("c");
    RC_ASSERT(t.total_units == d("1000.00"));
    RC_ASSERT(sum_ownership(t) == ratio(1));
  }
  const long long div = *rc::gen::inRange<long long>(1, 10000000);
  l.record(event{on, dividend{"c", money(decimal::from_parts(div, 2), currency::of("CNY")), std::nullopt}, ""});
  money paid = cny("0");
  for (const auto& kv : l.current("c").positions) paid += kv.second.dividends(currency::of("CNY"));
  RC_ASSERT(paid == money(decimal::from_parts(div, 2), currency::of("CNY")));
}
