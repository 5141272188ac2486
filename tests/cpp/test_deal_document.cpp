// Deal documents (deal_document.hpp) and result documents (result_document.hpp).
//
// The samples in examples/data load, and survive a round trip exactly; every document of the bad
// corpus (tests/data/bad/deal-*.json) is refused at the JSON pointer and with the message its
// manifest (deal-expected.json) names. Result documents are checked on a small deal whose figures
// are derived by hand below (and again, independently, by scripts/derive_document_expectations.py
// with Python's decimal module), never from this code's own earlier output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "stakecalc/deal_document.hpp"
#include "stakecalc/platform.hpp"
#include "stakecalc/result_document.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;
using ::testing::HasSubstr;

const std::string source_dir = STAKECALC_SOURCE_DIR;
const std::string samples = source_dir + "/examples/data/";
const std::string bad_dir = source_dir + "/tests/data/bad/";

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

using stakecalc::testing::d;
using stakecalc::testing::cny;

// ---- samples ------------------------------------------------------------------------------------

class Sample : public ::testing::TestWithParam<const char*> {};

TEST_P(Sample, LoadsAndRoundTripsExactly) {
  const deal_document first = read_deal_document(samples + GetParam());
  // load(to_json(load(x))) == load(x)
  const deal_document again = load_deal_document(to_json(first));
  EXPECT_TRUE(again == first);
  // The canonical text is a fixed point: written, read and written again, byte for byte.
  const std::string text = to_json_text(first);
  EXPECT_EQ(to_json_text(parse_deal_document(text)), text);
  EXPECT_EQ(to_json_text(first), text);  // and writing twice gives the same bytes
  EXPECT_EQ(text.substr(0, 4), "{\n  ");  // two-space indent
  EXPECT_EQ(text.back(), '\n');
}

INSTANTIATE_TEST_SUITE_P(DealDocument, Sample,
                         ::testing::Values("ustc-deal.json", "anhui-repurchase.json", "county-conversion.json"));

TEST(DealDocument, UstcSampleSaysWhatItMeans) {
  const deal_document doc = read_deal_document(samples + "ustc-deal.json");
  ASSERT_TRUE(doc.repurchase);
  EXPECT_EQ(doc.repurchase->investment.amount, cny("30000000.00"));
  EXPECT_EQ(doc.repurchase->investment.units, decimal::parse("2500000.00"));
  EXPECT_EQ(doc.repurchase->windows.size(), 3u);
  // "3Y" after 2021-06-30.
  EXPECT_EQ(doc.repurchase->windows[0].until->resolve(doc.repurchase->investment.on), d("2024-06-30"));
  EXPECT_EQ(doc.plan.tranches.size(), 2u);
  EXPECT_EQ(*doc.plan.tranches[1].proportion, ratio(3, 10));
  // The ledger replayed: 1,000,000 founders' capital + 9,000,000 for the achievement + 2,500,000
  // for the fund's 30,000,000 at 120,000,000 pre-money (10,000,000 x 30/120).
  const cap_table t = doc.equity_ledger.cap_table_on("photon-membrane", d("2021-06-30"));
  EXPECT_EQ(t.total_units, decimal::parse("12500000.00"));
  EXPECT_EQ(t.ownership_of("hefei-fund"), ratio(1, 5));
  // The percent LPR table became fractions: 3.85% on 2021-06-30.
  EXPECT_EQ(doc.facts.rates.at("LPR-1Y").rate_on(d("2021-06-30")), decimal::parse("0.0385"));
  ASSERT_TRUE(doc.conversion);
  EXPECT_EQ(doc.conversion->debtors.size(), 2u);
  EXPECT_EQ(doc.conversion->loan.day_count.convention(), day_count_convention::act_360);
  EXPECT_EQ(find_loan(doc, "talent-bridge-loan").terms.convention, business_day_convention::modified_following);
  ASSERT_TRUE(doc.exit);
  EXPECT_EQ(doc.exit->paths.size(), 4u);
  // The sweep grid: 3 exit dates x 2 valuations x 2 market rates.
  EXPECT_EQ(make_sweep_scenarios(doc).size(), 12u);
}

TEST(DealDocument, UstcSampleNumbersByHand) {
  const deal_document doc = read_deal_document(samples + "ustc-deal.json");
  const repurchase_evaluation ev = evaluate_plan(*doc.repurchase, doc.plan, doc.facts);
  ASSERT_EQ(ev.tranches.size(), 2u);
  // 20% of 30,000,000 at cost.
  EXPECT_EQ(ev.tranches[0].price.amount, cny("6000000.00"));
  // 30% = 9,000,000 x (1 + 3.85% x 1461/365): 9,000,000 x 0.0385 = 346,500; x 1461 / 365 =
  // 506,236,500 / 365 = 1,386,949.3150..., so 10,386,949.32.
  EXPECT_EQ(ev.tranches[1].price.amount, cny("10386949.32"));
  // Conversion on the 5-year deadline, 2026-06-30 (1826 days): 15,000,000 x 0.0385 = 577,500;
  // x 1826 / 365 = 2,889,082.1917..., principal 17,889,082.19; chen 3/5 = 10,733,449.314 and liu
  // 2/5 = 7,155,632.876: the leftover cent goes to the larger remainder (liu).
  const exit_deal deal = make_exit_deal(doc);
  const std::vector<exit_path_result> r = compare_exit_paths(deal, doc.exit->paths);
  ASSERT_EQ(r.size(), 4u);
  const conversion_result c = convert_to_debt(*doc.conversion, *doc.repurchase, doc.plan, d("2026-06-30"), doc.facts);
  EXPECT_EQ(c.principal, cny("17889082.19"));
  ASSERT_EQ(c.loans.size(), 2u);
  EXPECT_EQ(c.loans[0].principal, cny("10733449.31"));
  EXPECT_EQ(c.loans[1].principal, cny("7155632.88"));
  // The sale: 300,000,000 x 2,500,000 / 12,500,000 = 60,000,000.00, plus the dividend scaled to
  // the full stake: 200,000.00 / 2,000,000 x 2,500,000 = 250,000.00.
  EXPECT_EQ(r[2].cash_recovered, cny("60250000.00"));
  // Repurchase per plan: 6,000,000.00 + 10,386,949.32 + the 200,000.00 dividend.
  EXPECT_EQ(r[0].cash_recovered, cny("16586949.32"));
  EXPECT_EQ(compare_document_exit_paths(doc).at(2).cash_recovered, cny("60250000.00"));
}

// ---- the county sample: reported events, a path's own plan, a list of scenarios ----------------

// The county deal: CNY 3,000,000.00 for 1,000,000 units on 2022-04-01, at cost plus 2% simple
// (ACT/365) for 3 years, then cost plus 5%; wang buys 25% on 2024-04-01 for 750,000 x (1 + 0.02 x
// 731/365) = 750,000 + 10,965,000/365 = 780,041.0958... -> 780,041.10.

TEST(DealDocument, AReportedMilestoneFailureFiresBeforeTheMissedMinimum) {
  const deal_document doc = read_deal_document(samples + "county-conversion.json");
  ASSERT_EQ(doc.reported_events.size(), 1u);
  EXPECT_EQ(doc.reported_events[0].kind, conversion_trigger_kind::milestone_failed);
  EXPECT_EQ(doc.reported_events[0].on, d("2024-10-08"));
  const repurchase_evaluation plan = evaluate_plan(*doc.repurchase, doc.plan, doc.facts);
  // Without the report the 100% minimum of years 0-3, missed (25% bought), fires at its end.
  const std::optional<trigger_event> unreported = first_trigger(*doc.conversion, *doc.repurchase, plan);
  ASSERT_TRUE(unreported);
  EXPECT_EQ(unreported->on, d("2025-04-01"));
  EXPECT_EQ(unreported->kind, conversion_trigger_kind::minimum_missed);
  // With it, the milestone (trigger 1) fires first, on the day it was reported.
  const std::optional<trigger_event> reported =
      first_trigger(*doc.conversion, *doc.repurchase, plan, doc.reported_events);
  ASSERT_TRUE(reported);
  EXPECT_EQ(reported->on, d("2024-10-08"));
  EXPECT_EQ(reported->trigger, 1u);
  const std::optional<conversion_result> c =
      convert_on_first_trigger(*doc.conversion, *doc.repurchase, doc.plan, doc.facts, doc.reported_events);
  ASSERT_TRUE(c);
  // 75% left at cost: 2,250,000.00; 8 quarters of 281,250.00, the first (92 days to 2025-01-08)
  // with 2,250,000 x 0.0435 x 92/360 = 25,012.50 of interest.
  EXPECT_EQ(c->principal, cny("2250000.00"));
  ASSERT_EQ(c->loans.size(), 1u);
  ASSERT_FALSE(c->loans[0].schedule.empty());
  EXPECT_EQ(c->loans[0].schedule[0].payment_date, d("2025-01-08"));
  EXPECT_EQ(c->loans[0].schedule[0].interest, decimal::parse("25012.50"));
}

TEST(DealDocument, ReportedEventsRoundTripAndAreChecked) {
  const json sample = to_json(read_deal_document(samples + "county-conversion.json"));
  EXPECT_EQ(sample.at("reported_events"),
            json::parse(R"([{"kind": "milestone_failed", "on": "2024-10-08",
                            "milestone": "pilot line in production by 2024-09-30"}])"));
  json j = sample;
  j["conversion"]["triggers"].push_back({{"kind", "team_election"}});
  j["reported_events"].push_back({{"kind", "team_election"}, {"on", "2024-06-30"}});
  const deal_document doc = load_deal_document(j);
  EXPECT_TRUE(load_deal_document(to_json(doc)) == doc);
  // The election is earlier than the milestone, and wins.
  const std::optional<conversion_result> c =
      convert_on_first_trigger(*doc.conversion, *doc.repurchase, doc.plan, doc.facts, doc.reported_events);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->on, d("2024-06-30"));
  // A milestone on a team election is refused where it is written.
  j["reported_events"][1]["milestone"] = "pilot line in production by 2024-09-30";
  stakecalc::testing::expect_error_at<invalid_input>([&] { (void)load_deal_document(j); }, "/reported_events/1/milestone",
                                                     "only a failed milestone names a milestone");
}

TEST(DealDocument, AnExitPathRunsOnItsOwnPlanWhenItHasOne) {
  const deal_document doc = read_deal_document(samples + "county-conversion.json");
  ASSERT_EQ(doc.exit->paths.size(), 4u);
  const auto& per_plan = std::get<exit_by_repurchase>(doc.exit->paths[0]);
  const auto& own = std::get<exit_by_repurchase>(doc.exit->paths[1]);
  EXPECT_EQ(per_plan.plan.tranches.size(), doc.plan.tranches.size());
  EXPECT_TRUE(per_plan.label.empty());
  ASSERT_EQ(own.plan.tranches.size(), 2u);
  EXPECT_EQ(own.label, "wang buys the rest at the end of year 3");
  const std::vector<exit_path_result> r = compare_document_exit_paths(doc);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].path, "repurchase per plan");
  EXPECT_EQ(r[0].cash_recovered, cny("780041.10"));
  // Then 75% on 2025-03-31, 1095 days: 2,250,000 x (1 + 0.02 x 1095/365) = 2,385,000.00.
  EXPECT_EQ(r[1].path, "wang buys the rest at the end of year 3");
  EXPECT_EQ(r[1].cash_recovered, cny("3165041.10"));
  EXPECT_EQ(r[1].team_ownership, ratio(7, 10));  // (6,000,000 + 1,000,000) / 10,000,000
  EXPECT_EQ(r[2].path, "conversion on the milestone failure");
  EXPECT_EQ(r[3].path, "conversion on 2025-04-01");
  // Written back: only the path whose plan differs from the document's carries one.
  const json j = to_json(doc);
  EXPECT_FALSE(j["exit"]["paths"][0].contains("plan"));
  EXPECT_TRUE(j["exit"]["paths"][1].contains("plan"));
  EXPECT_FALSE(j["exit"]["paths"][3].contains("plan"));
  EXPECT_EQ(j["exit"]["paths"][1]["plan"]["tranches"][1],
            json::parse(R"({"on": "2025-03-31", "buyer": "wang", "proportion": "0.75"})"));
  EXPECT_TRUE(load_deal_document(j) == doc);
  // A path that spells out the document's own plan is the same document.
  json spelled = j;
  spelled["exit"]["paths"][0]["plan"] = j["plan"];
  EXPECT_TRUE(load_deal_document(spelled) == doc);
}

TEST(DealDocument, ASweepCanListItsScenarios) {
  const deal_document doc = read_deal_document(samples + "county-conversion.json");
  const scenario_set scenarios = make_sweep_scenarios(doc);
  ASSERT_FALSE(scenarios.is_grid());
  ASSERT_EQ(scenarios.size(), 3u);
  const std::vector<sweep_row> rows = run_sweep(make_sweep_spec(doc), scenarios);
  ASSERT_EQ(rows.size(), 3u);
  for (const sweep_row& row : rows) ASSERT_TRUE(row.paths.at(0).ok()) << row.index;
  // The plan's 780,041.10, then wang's tranche on the exit date:
  //   75% on 2025-03-31 (1095 days at 2%): 2,385,000.00                      -> 3,165,041.10
  //   75% on 2026-04-01 (1461 days, after year 3 at 5%): 2,250,000 + 112,500 x 1461/365
  //     = 2,250,000 + 450,308.2191... -> 2,700,308.22                         -> 3,480,349.32
  //   50% on 2025-03-31: 1,500,000 x 1.06 = 1,590,000.00                     -> 2,370,041.10
  EXPECT_EQ(rows[0].paths[0].cash_recovered, cny("3165041.10"));
  EXPECT_EQ(rows[1].paths[0].cash_recovered, cny("3480349.32"));
  EXPECT_EQ(rows[2].paths[0].cash_recovered, cny("2370041.10"));
  EXPECT_EQ(rows[2].paths[0].fund_units_left, decimal::parse("250000"));
  // The list is written back as a list, and an empty grid is no grid.
  const json j = to_json(doc);
  EXPECT_TRUE(j["sweep"].contains("scenarios"));
  EXPECT_FALSE(j["sweep"].contains("grid"));
  EXPECT_EQ(j["sweep"]["scenarios"][1], json::parse(R"({"exit_on": "2026-04-01", "proportion": "0.75"})"));
  EXPECT_TRUE(load_deal_document(j) == doc);
  // A grid over the same dates and proportions crosses them: four scenarios, a different document.
  json as_grid = j;
  as_grid["sweep"].erase("scenarios");
  as_grid["sweep"]["grid"] = json::parse(R"({"exit_on": ["2025-03-31", "2026-04-01"], "proportion": ["0.75", "0.5"]})");
  EXPECT_EQ(make_sweep_scenarios(load_deal_document(as_grid)).size(), 4u);
  EXPECT_FALSE(load_deal_document(as_grid) == doc);
}

TEST(DealDocument, ExitPathErrorsFoundWhenEvaluatingNameThePointer) {
  // A sale dated before the investment loads (the loader leaves evaluation rules to the library),
  // and the evaluation's refusal names the path in the document.
  json j = to_json(read_deal_document(samples + "ustc-deal.json"));
  j["exit"]["paths"][2]["on"] = "2020-01-01";
  const deal_document doc = load_deal_document(j);
  stakecalc::testing::expect_error_at<invalid_input>([&] { (void)compare_document_exit_paths(doc); }, "/exit/paths/2/on",
                                                     "the sale must be on or after the investment on 2021-06-30");
}

// ---- the bad corpus -----------------------------------------------------------------------------

TEST(DealDocument, EveryBadDocumentIsRefusedWhereAndHowTheManifestSays) {
  const json manifest = parse_json_text(file_text(bad_dir + "deal-expected.json"), "deal-expected.json");
  ASSERT_GE(manifest.size(), 30u);
  for (const auto& item : manifest.items()) {
    const std::string name = item.key();
    const std::string pointer = item.value().at("pointer").get<std::string>();
    const std::string message = item.value().at("message").get<std::string>();
    SCOPED_TRACE(name);
    try {
      (void)parse_deal_document(file_text(bad_dir + name), name);
      ADD_FAILURE() << name << " was accepted";
    } catch (const invalid_input& e) {
      EXPECT_EQ(e.where(), pointer) << e.what();
      EXPECT_THAT(e.what(), HasSubstr(message));
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << ": not an invalid_input: " << e.what();
    }
  }
}

TEST(DealDocument, TheManifestListsEveryBadDocument) {
  const json manifest = parse_json_text(file_text(bad_dir + "deal-expected.json"), "deal-expected.json");
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(bad_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("deal-", 0) == 0 && name != "deal-expected.json") files.insert(name);
  }
  std::set<std::string> listed;
  for (const auto& item : manifest.items()) listed.insert(item.key());
  EXPECT_EQ(files, listed);
}

TEST(DealDocument, NothingIsHalfLoaded) {
  // A good document with one bad field at the very end: the caller's document is untouched.
  deal_document kept = read_deal_document(samples + "anhui-repurchase.json");
  json j = to_json(kept);
  j["exit"]["market_rate"] = "not a rate";
  EXPECT_THROW(kept = load_deal_document(j), invalid_input);
  EXPECT_TRUE(kept == read_deal_document(samples + "anhui-repurchase.json"));
}

TEST(DealDocument, SizeLimitsApply) {
  json_limits tiny;
  tiny.max_bytes = 100;
  stakecalc::testing::expect_error_at<invalid_input>(
      [&] { (void)parse_deal_document(file_text(samples + "ustc-deal.json"), "ustc-deal.json", tiny); }, "ustc-deal.json",
      "exceeds the limit of 100");
}

// ---- result documents on a small deal -----------------------------------------------------------
//
// CNY 3,000,000.00 on 2021-01-01 for 1,000,000 units; one window, cost plus 3.1% simple (ACT/365F).
// The team ("Zhang, Wei": a comma, to exercise CSV quoting) buys the whole stake on 2025-01-01,
// 1461 days later:
//   3,000,000 x (1 + 3.1% x 1461/365) = 3,000,000 + 93,000 x 1461 / 365
//                                     = 3,000,000 + 135,873,000 / 365 = 3,000,000 + 372,254.7945...
//                                     = 3,372,254.79 (half-up).
// Price per unit 3.37225479; multiple 3,372,254.79 / 3,000,000 = 1.12408493 (exact: the digit sum
// of 337,225,479 is 42, so it divides by 3). IRR = 1.12408493^(365/1461) - 1 = 0.029653473352398...
// (Python decimal, 50 digits). Conversion alternative: the whole stake at cost on 2022-01-01, owed
// by the company, a one-year bullet at 6% ACT/365F: 3,000,000 x 6% x 365/365 = 180,000.00 interest.

repurchase_terms small_terms() {
  repurchase_terms t;
  t.investment = {d("2021-01-01"), cny("3000000.00"), decimal(1000000), 0};
  repurchase_window w;
  w.label = "the \"any time\" window";  // quotes, to exercise CSV quoting
  pricing::simple_interest p;
  p.rate = interest_rate::fixed_at(decimal::parse("0.031"));
  w.price = p;
  t.windows = {w};
  return t;
}

const repurchase_plan whole_stake{{repurchase_tranche::of_proportion(d("2025-01-01"), "Zhang, Wei", ratio(1))}};

TEST(ResultDocument, RepurchaseAsJsonCsvAndText) {
  const repurchase_evaluation ev = evaluate_plan(small_terms(), whole_stake);
  const json j = repurchase_json(ev, /*explain=*/true);
  const json& t = j.at("tranches").at(0);
  EXPECT_EQ(t.at("amount"), json({{"amount", "3372254.79"}, {"currency", "CNY"}}));
  EXPECT_EQ(t.at("price_per_unit"), "3.37225479");
  EXPECT_EQ(t.at("proportion"), "1");
  EXPECT_EQ(t.at("units"), "1000000");
  EXPECT_EQ(t.at("stake_left_after"), "0");
  EXPECT_EQ(j.at("fund_multiple"), "1.12408493");
  EXPECT_TRUE(t.at("explanation").contains("formula"));
  EXPECT_TRUE(stakecalc::testing::close_to(decimal::parse(j.at("fund_irr").get<std::string>()),
                                ratio::parse("0.0296534733523981356921592679263614912972659568380"), 27));

  const std::string csv = to_csv(repurchase_table(ev, cell_style::exact));
  EXPECT_EQ(csv,
            "#,date,buyer,window,proportion,units,price per unit,amount,stake left\r\n"
            "1,2025-01-01,\"Zhang, Wei\",\"the \"\"any time\"\" window\",1,1000000,3.37225479,3372254.79,0\r\n");
  // With explanations, a last column holds the multi-line text, quoted.
  const std::string explained = to_csv(repurchase_table(ev, cell_style::exact, true));
  EXPECT_THAT(explained, HasSubstr(",explanation\r\n"));
  EXPECT_THAT(explained, HasSubstr(",0,\"tranche 0: repurchase price of 1000000 units on 2025-01-01 = CNY 3,372,254.79\n"));
  EXPECT_THAT(explained, HasSubstr("days = 1461\n"));

  const std::string text = to_text(repurchase_table(ev, cell_style::readable));
  EXPECT_THAT(text, HasSubstr("CNY 3,372,254.79"));
  EXPECT_THAT(text, HasSubstr("100.0000%"));
  EXPECT_THAT(text, HasSubstr("1,000,000"));
  EXPECT_THAT(text, HasSubstr("CNY 3.372255"));  // price per unit to 6 places
}

TEST(ResultDocument, ExitPathsAsJsonCsvAndText) {
  exit_deal deal;
  deal.repurchase = small_terms();
  const equity_to_debt_terms e = stakecalc::testing::company_bullet_at_six_percent();
  deal.conversion = e;
  deal.company_units = decimal(10000000);
  deal.team_units = decimal(6000000);
  deal.market_rate = decimal::parse("0.08");
  const std::vector<exit_path_result> r =
      compare_exit_paths(deal, {exit_by_repurchase{whole_stake}, exit_by_conversion{d("2022-01-01"), {}}});

  const json j = exit_paths_json(r);
  const json& rep = j.at("exit_paths").at(0);
  EXPECT_EQ(rep.at("cash_recovered").at("amount"), "3372254.79");
  EXPECT_EQ(rep.at("fund_multiple"), "1.12408493");
  // The team held 6,000,000 of 10,000,000 and buys the fund's 1,000,000: 7/10.
  EXPECT_EQ(rep.at("team_ownership"), "0.7");
  EXPECT_EQ(rep.at("team_cost").at("amount"), "3372254.79");
  // Grant-equivalent at 8%: 3,000,000 - 3,372,254.79 / 1.08^(1461/365) = 521,814.6439... (Python
  // decimal, 50 digits), so 521,814.64.
  EXPECT_EQ(rep.at("grant_equivalent").at("amount"), "521814.64");
  const json& conv = j.at("exit_paths").at(1);
  // 3,000,000 at cost + 180,000 interest; the company pays, so the team's cost is nothing.
  EXPECT_EQ(conv.at("cash_recovered").at("amount"), "3180000.00");
  EXPECT_EQ(conv.at("fund_multiple"), "1.06");
  EXPECT_EQ(conv.at("team_cost").at("amount"), "0.00");
  EXPECT_FALSE(rep.contains("explanation"));
  EXPECT_TRUE(exit_paths_json(r, true).at("exit_paths").at(0).contains("explanation"));

  const std::string csv = to_csv(exit_paths_table(r, cell_style::exact));
  EXPECT_THAT(csv, HasSubstr("path,cash recovered,IRR,multiple,grant-equivalent,of investment,team cost,team ownership\r\n"));
  EXPECT_THAT(csv, HasSubstr("repurchase per plan,3372254.79,0.0296534733523981356921592679"));
  EXPECT_THAT(csv, HasSubstr(",1.12408493,521814.64,"));
  const std::string text = to_text(exit_paths_table(r, cell_style::readable));
  EXPECT_THAT(text, HasSubstr("CNY 3,372,254.79"));
  EXPECT_THAT(text, HasSubstr("2.9653%"));  // the IRR to 4 places
  EXPECT_THAT(text, HasSubstr("1.1241x"));
  EXPECT_THAT(text, HasSubstr("70.0000%"));
}

TEST(ResultDocument, ConversionStatementAndRepaymentTable) {
  const equity_to_debt_terms e = stakecalc::testing::company_bullet_at_six_percent();
  const conversion_result c = convert_to_debt(e, small_terms(), {}, d("2022-01-01"));
  const json j = conversion_json(c);
  EXPECT_EQ(j.at("principal").at("amount"), "3000000.00");
  EXPECT_EQ(j.at("stake_converted"), "1");
  EXPECT_TRUE(j.at("statement").contains("formula"));
  const json& row = j.at("loans").at(0).at("schedule").at(0);
  EXPECT_EQ(row.at("payment_date"), "2023-01-01");
  EXPECT_EQ(row.at("days"), 365);
  EXPECT_EQ(decimal::parse(row.at("interest").get<std::string>()), decimal::parse("180000.00"));
  EXPECT_EQ(decimal::parse(row.at("payment").get<std::string>()), decimal::parse("3180000.00"));

  const std::string csv = to_csv(repayment_table(c, cell_style::exact));
  EXPECT_THAT(csv, HasSubstr("debtor,#,payment date,days,rate,opening,interest,principal,payment,closing,currency\r\n"));
  EXPECT_THAT(csv, HasSubstr("company,1,2023-01-01,365,0.06,"));
  const std::string text = to_text(repayment_table(c, cell_style::readable)) + to_text(conversion_summary_table(c, cell_style::readable));
  EXPECT_THAT(text, HasSubstr("3,180,000.00"));
  EXPECT_THAT(text, HasSubstr("180,000.00"));
  EXPECT_THAT(text, HasSubstr("CNY 3,000,000.00"));
  EXPECT_THAT(text, HasSubstr("cancelled"));
}

TEST(ResultDocument, PlatformDistributionOfTheUstcSample) {
  const deal_document doc = read_deal_document(samples + "ustc-deal.json");
  // 270,000.00 received: 2% platform fee 5,400.00; net 264,600.00; team pool 1/2 = 132,300.00,
  // USTC 35% = 92,610.00, the school 15% = 39,690.00 (all exact, no remainder to place).
  const distribution_result dist = distribute(doc.platform->proceeds.at(0).gross, *doc.platform->rules);
  const std::string csv = to_csv(distribution_table(dist, cell_style::exact));
  EXPECT_THAT(csv, HasSubstr("less platform fee,5400.00,"));
  EXPECT_THAT(csv, HasSubstr("net,264600.00,\r\n"));
  EXPECT_THAT(csv, HasSubstr("team reward pool,132300.00,"));
  EXPECT_THAT(csv, HasSubstr("USTC,92610.00,"));
  EXPECT_THAT(csv, HasSubstr("School of Physical Sciences,39690.00,"));
  EXPECT_EQ(distribution_json(dist).at("total").at("amount"), "270000.00");
  // The platform's 2,700,000 units of 12,500,000 (0.216), cost 30% of the 9,000,000 appraisal, marked
  // at the fund's round price of 12 a unit: 32,400,000.00.
  const platform_portfolio p = portfolio_on(doc.equity_ledger, doc.platform->holder, *doc.platform->report_on);
  const std::string pcsv = to_csv(portfolio_table(p, cell_style::exact));
  EXPECT_THAT(pcsv, HasSubstr("photon-membrane,(all),2700000.00,0.216,2700000.00,32400000.00,29700000.00,0.00,270000.00\r\n"));
  EXPECT_THAT(to_text(portfolio_table(p, cell_style::readable)), HasSubstr("CNY 32,400,000.00"));
  // In CNY: the US company's line (cost USD 200.00, 2,000,000 shares marked at the seed price of
  // USD 0.50 = USD 1,000,000.00) at USD/CNY 7.1268: 1,425.36 and 7,126,800.00; totals
  // 2,700,000.00 + 1,425.36 = 2,701,425.36 and 32,400,000.00 + 7,126,800.00 = 39,526,800.00.
  const converted_portfolio cp = convert_lines(p.by_company, doc.fx, *doc.platform->report_currency, p.on, rounding::half_even);
  const json cj = converted_portfolio_json(cp);
  EXPECT_EQ(cj.at("total_cost").at("amount"), "2701425.36");
  EXPECT_EQ(cj.at("total_mark_value").at("amount"), "39526800.00");
  EXPECT_THAT(to_csv(converted_portfolio_table(cp, cell_style::exact)),
              HasSubstr("photon-labs-us,200.00,USD/CNY 7.1268 on 2024-06-28 (PBOC central parity),1425.36,7126800.00,0.00,0.00\r\n"));
}

TEST(ResultDocument, SweepOfTheUstcSample) {
  const deal_document doc = read_deal_document(samples + "ustc-deal.json");
  const std::vector<sweep_row> rows = run_sweep(make_sweep_spec(doc), make_sweep_scenarios(doc));
  ASSERT_EQ(rows.size(), 12u);
  const json j = sweep_json(rows);
  EXPECT_EQ(j.at("rows").size(), 12u);
  // Row 0: exit 5Y = 2026-06-30, valuation 150,000,000, market rate 6%. The sale path: 20% of
  // 150,000,000 = 30,000,000.00 plus the dividend scaled to the full stake, 250,000.00.
  EXPECT_EQ(j.at("rows").at(0).at("inputs").at("exit_on"), "2026-06-30");
  EXPECT_EQ(j.at("rows").at(0).at("paths").at(2).at("cash_recovered").at("amount"), "30250000.00");
  const std::string csv = to_csv(sweep_table(rows, cell_style::exact));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 13);  // header + 12 rows
}

TEST(ResultDocument, CsvQuotingFollowsRfc4180) {
  result_table t;
  t.columns = {"a", "b"};
  t.numeric = {false, true};
  t.rows = {{"plain", "line\nbreak"}, {"comma, here", "quote \" here"}};
  EXPECT_EQ(to_csv(t), "a,b\r\nplain,\"line\nbreak\"\r\n\"comma, here\",\"quote \"\" here\"\r\n");
  EXPECT_EQ(parse_result_format("csv"), result_format::csv);
  stakecalc::testing::expect_error_at<invalid_input>([] { (void)parse_result_format("xml", "--format"); }, "--format",
                                          "expected text, json or csv");
}

}  // namespace
