// ACTUS conformance: every reference case of tests/data/actus (25 PAM, 31 LAM, 31 ANN) run through
// the loan engine in its unrounded mode, ACTUS terms mapped by stakecalc/actus.hpp. Every expected
// event is compared: date, type, payoff, notional, rate and accrued interest, within 1e-6 (the
// reference values are doubles; ours are exact fractions).
//
// Cases that need features outside the engine's purpose would be listed in `outside_purpose`
// with the reason, reported and skipped. The list is empty: all 87 cases are in scope (purchase and
// termination of the claim, capitalisation, index scaling and a fixed interest base included).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "stakecalc/actus.hpp"
#include "stakecalc/json_reader.hpp"

namespace {

using namespace stakecalc;

const std::map<std::string, std::string> outside_purpose = {};

ratio expected_number(const json& v, const std::string& where) {
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    std::size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
    return ratio(decimal::parse(a == std::string::npos ? s : s.substr(a, b - a + 1), where));
  }
  if (v.is_number()) return ratio(decimal::parse(v.dump(), where));
  throw invalid_input("expected a number, got " + quote_json(v), where);
}

std::string show(const ratio& r) { return r.round(10, rounding::half_even).to_string(); }

// The differences between the engine and the reference for one case (empty when it conforms).
std::vector<std::string> compare_case(const json& test_case, const std::string& pointer) {
  std::vector<std::string> problems;
  const actus_contract contract = actus_contract_from_json(test_case, pointer);
  const std::vector<actus_event> got = actus_events(contract);
  const json& want = test_case.at("results");
  if (got.size() != want.size())
    problems.push_back(std::to_string(got.size()) + " events, expected " + std::to_string(want.size()));
  const ratio tolerance(1, 1000000);
  for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    const std::string at = json_pointer_join(json_pointer_join(pointer, "results"), i);
    const json& w = want[i];
    const moment when = parse_actus_time(w.at("eventDate").get<std::string>(), at + "/eventDate");
    const std::string type = w.at("eventType").get<std::string>();
    if (got[i].on != when || got[i].type != type) {
      problems.push_back("event " + std::to_string(i) + " is " + got[i].on.to_string() + " " + got[i].type +
                         ", expected " + when.to_string() + " " + type);
      break;  // the rest is shifted: one message is enough
    }
    const std::pair<const char*, const ratio*> fields[] = {{"payoff", &got[i].payoff},
                                                           {"notionalPrincipal", &got[i].notional},
                                                           {"nominalInterestRate", &got[i].rate},
                                                           {"accruedInterest", &got[i].accrued}};
    for (const auto& [name, value] : fields) {
      const ratio expected = expected_number(w.at(name), at + "/" + name);
      ratio diff = *value - expected;
      if (diff.signum() < 0) diff = -diff;
      if (diff > tolerance)
        problems.push_back(to_iso(when.day) + " " + type + " " + name + " " + show(*value) + ", expected " +
                           show(expected));
    }
  }
  return problems;
}

TEST(ActusConformance, AllReferenceCases) {
  std::size_t total = 0, passed = 0, skipped = 0;
  std::ostringstream report;
  for (const char* kind : {"pam", "lam", "ann"}) {
    const std::string path = std::string(STAKECALC_TEST_DATA) + "/actus/actus-tests-" + kind + ".json";
    const json cases = read_json_file(path);
    ASSERT_TRUE(cases.is_object()) << path;
    for (auto it = cases.begin(); it != cases.end(); ++it) {
      ++total;
      if (auto reason = outside_purpose.find(it.key()); reason != outside_purpose.end()) {
        ++skipped;
        report << "  " << it.key() << ": skipped, " << reason->second << "\n";
        continue;
      }
      std::vector<std::string> problems;
      try {
        problems = compare_case(it.value(), "/" + it.key());
      } catch (const std::exception& e) {
        problems.push_back(std::string("error: ") + e.what());
      }
      if (problems.empty()) {
        ++passed;
        continue;
      }
      std::ostringstream msg;
      for (std::size_t k = 0; k < problems.size() && k < 4; ++k) msg << "\n    " << problems[k];
      if (problems.size() > 4) msg << "\n    ... " << problems.size() - 4 << " more";
      report << "  " << it.key() << ": FAIL" << msg.str() << "\n";
      ADD_FAILURE() << it.key() << msg.str();
    }
  }
  std::cout << "ACTUS conformance: " << passed << " of " << total << " cases pass";
  if (skipped) std::cout << " (" << skipped << " outside the engine's purpose)";
  std::cout << "\n" << report.str();
  EXPECT_EQ(total, 87u);
  EXPECT_EQ(passed + skipped, total);
}

// ---- the mapping itself ------------------------------------------------------------------------

TEST(ActusMapping, Timestamps) {
  EXPECT_EQ(parse_actus_time("2013-01-01T00:00:00", "t"), moment(date(2013, 1, 1)));
  EXPECT_EQ(parse_actus_time("2013-01-01T00:00", "t"), moment(date(2013, 1, 1)));
  EXPECT_EQ(parse_actus_time("2013-12-31T23:59:59", "t"), moment(date(2013, 12, 31), true));
  EXPECT_EQ(moment(date(2013, 12, 31), true).accrual_date(), date(2014, 1, 1));
  EXPECT_THROW(parse_actus_time("2013-01-01T12:00:00", "t"), invalid_input);
}

TEST(ActusMapping, Cycles) {
  EXPECT_EQ(cycle::parse("P1ML0"), cycle(tenor(1, time_unit::months), stub_kind::long_stub));
  EXPECT_EQ(cycle::parse("P3ML1"), cycle(tenor(3, time_unit::months), stub_kind::short_stub));
  EXPECT_EQ(cycle::parse("P27DL1").step(), tenor(27, time_unit::days));
  EXPECT_EQ(cycle::parse("P1Q").step(), tenor(3, time_unit::months));
  EXPECT_EQ(cycle::parse("6M"), cycle(tenor(6, time_unit::months)));
  EXPECT_THROW(cycle::parse("P0ML1"), invalid_input);
  EXPECT_THROW(cycle::parse("P1ML2"), invalid_input);
}

// The ACTUS rule for a long stub: 2013-01-01 monthly to 2013-12-31 drops 2013-12-01 (the last period
// runs 1 November to 31 December); ending on the grid, nothing is dropped.
TEST(ActusMapping, LongStubMergesTheLastPeriod) {
  const auto long_stub = cycle_dates(date(2013, 1, 1), moment(date(2013, 12, 31)), cycle::parse("P1ML0"), false, true);
  ASSERT_EQ(long_stub.size(), 12u);
  EXPECT_EQ(long_stub[10], moment(date(2013, 11, 1)));
  EXPECT_EQ(long_stub[11], moment(date(2013, 12, 31)));
  const auto short_stub = cycle_dates(date(2013, 1, 1), moment(date(2013, 12, 31)), cycle::parse("P1ML1"), false, true);
  EXPECT_EQ(short_stub.size(), 13u);
  const auto on_grid = cycle_dates(date(2013, 1, 1), moment(date(2014, 1, 1)), cycle::parse("P1ML0"), false, true);
  EXPECT_EQ(on_grid.size(), 13u);
  // End of month: anchored on 31 January, every date is a month end.
  const auto eom = cycle_dates(date(2013, 1, 31), moment(date(2013, 6, 30)), cycle::parse("P1ML1"), true, true);
  EXPECT_EQ(eom[1], moment(date(2013, 2, 28)));
  EXPECT_EQ(eom[2], moment(date(2013, 3, 31)));
  EXPECT_EQ(eom[3], moment(date(2013, 4, 30)));
}

TEST(ActusMapping, RefusesWhatItDoesNotUnderstand) {
  json terms = {{"contractType", "PAM"},
                {"contractRole", "RPA"},
                {"notionalPrincipal", "1000"},
                {"initialExchangeDate", "2013-01-01T00:00:00"},
                {"maturityDate", "2014-01-01T00:00:00"},
                {"nominalInterestRate", "0.05"},
                {"cycleOfInterestPayment", "P1YL1"},
                {"dayCountConvention", "A365"}};
  EXPECT_NO_THROW(actus_contract_from_json(terms));
  json typo = terms;
  typo["nominalIntrestRate"] = "0.05";
  try {
    actus_contract_from_json(typo);
    ADD_FAILURE() << "an unknown term was accepted";
  } catch (const invalid_input& e) {
    EXPECT_EQ(e.where(), "/nominalIntrestRate");
  }
  json swap = terms;
  swap["contractType"] = "SWAPS";
  EXPECT_THROW(actus_contract_from_json(swap), invalid_input);
  json bdc = terms;
  bdc["dayCountConvention"] = "B252";
  EXPECT_THROW(actus_contract_from_json(bdc), invalid_input);
}

}  // namespace
