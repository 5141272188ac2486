// Calendars, business-day conventions and calendar arithmetic.
//
// References:
//  * The State Council General Office holiday notices for 2019..2026 (国办发明电〔2018〕15号,
//    〔2019〕3号, 〔2019〕16号, 〔2020〕1号, 〔2020〕27号, 〔2021〕11号, 〔2022〕16号, 〔2023〕7号,
//    〔2024〕12号 and the notice of 2025-11-04 for 2026); the dates checked below are quoted from them.
//  * 上海证券交易所关于2024年部分节假日休市安排的通知 (2023-12-26): closed 2024-02-09..02-17.
//  * QuantLib test-suite/businessdayconventions.cpp (South Africa 2015 cases), with the South
//    African public holidays of January..May 2015 entered as a data calendar.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <thread>
#include <vector>

#include "stakecalc/calendar.hpp"

using stakecalc::business_day_convention;
using stakecalc::calendar;
using stakecalc::date;
using stakecalc::tenor;
using stakecalc::time_unit;

namespace {

date D(int y, int m, int d) {
  return date(static_cast<unsigned short>(y), static_cast<unsigned short>(m), static_cast<unsigned short>(d));
}
date P(const char* iso) { return stakecalc::parse_date(iso); }

template <class F>
void expect_invalid(F&& f, const std::string& where, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no exception (expected one at " << where << ")";
  } catch (const stakecalc::invalid_input& e) {
    EXPECT_EQ(e.where(), where) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Calendar, WeekendsCalendar) {
  const calendar c = calendar::builtin("WEEKENDS");
  EXPECT_EQ(c, calendar());
  EXPECT_TRUE(c.is_business_day(D(2024, 3, 1)));   // Friday
  EXPECT_FALSE(c.is_business_day(D(2024, 3, 2)));  // Saturday
  EXPECT_FALSE(c.is_business_day(D(2024, 3, 3)));  // Sunday
  EXPECT_TRUE(c.is_business_day(D(1900, 1, 1)));   // any year: Monday
  EXPECT_TRUE(c.holidays(2024).empty());
  EXPECT_EQ(c.weekend(), (std::vector<int>{5, 6}));
}

TEST(Calendar, ChinaOfficialNotices) {
  const calendar cn = calendar::builtin("CN");
  struct fact {
    const char* day;
    bool business;
  };
  const fact facts[] = {
      // 2019: New Year 2018-12-30..2019-01-01; Spring Festival 2-4..2-10, worked 2-2 (Sat), 2-3 (Sun);
      // Labour Day amended to 5-1..5-4, worked 4-28 (Sun), 5-5 (Sun); National Day 10-1..10-7,
      // worked 9-29 (Sun), 10-12 (Sat).
      {"2019-01-01", false}, {"2019-01-02", true}, {"2019-02-02", true}, {"2019-02-03", true},
      {"2019-02-04", false}, {"2019-02-08", false}, {"2019-02-11", true}, {"2019-04-05", false},
      {"2019-04-28", true}, {"2019-05-02", false}, {"2019-05-03", false}, {"2019-05-05", true},
      {"2019-06-07", false}, {"2019-09-13", false}, {"2019-09-29", true}, {"2019-10-07", false},
      {"2019-10-08", true}, {"2019-10-12", true},
      // 2020: Spring Festival 1-24..1-30 extended to 2-2 (国办发明电〔2020〕1号): 1-31 off and the
      // make-up Saturday 2-1 cancelled; 1-19 (Sun) worked; 2-3 back to work.
      {"2020-01-19", true}, {"2020-01-31", false}, {"2020-02-01", false}, {"2020-02-03", true},
      {"2020-04-06", false}, {"2020-04-26", true}, {"2020-05-05", false}, {"2020-05-09", true},
      {"2020-06-26", false}, {"2020-06-28", true}, {"2020-09-27", true}, {"2020-10-08", false},
      {"2020-10-10", true},
      // 2021
      {"2021-02-07", true}, {"2021-02-17", false}, {"2021-02-18", true}, {"2021-02-20", true},
      {"2021-04-05", false}, {"2021-04-25", true}, {"2021-05-08", true}, {"2021-06-14", false},
      {"2021-09-18", true}, {"2021-09-20", false}, {"2021-09-26", true}, {"2021-10-09", true},
      // 2022
      {"2022-01-03", false}, {"2022-01-29", true}, {"2022-01-30", true}, {"2022-01-31", false},
      {"2022-04-02", true}, {"2022-04-04", false}, {"2022-04-24", true}, {"2022-05-04", false},
      {"2022-05-07", true}, {"2022-06-03", false}, {"2022-09-12", false}, {"2022-10-08", true},
      {"2022-10-09", true},
      // 2023
      {"2023-01-02", false}, {"2023-01-27", false}, {"2023-01-28", true}, {"2023-01-29", true},
      {"2023-04-05", false}, {"2023-04-23", true}, {"2023-05-03", false}, {"2023-05-06", true},
      {"2023-06-23", false}, {"2023-06-25", true}, {"2023-09-29", false}, {"2023-10-06", false},
      {"2023-10-07", true}, {"2023-10-08", true},
      // 2024: 除夕 2-9 is NOT a holiday (the notice only encourages employers to give it off).
      {"2024-01-01", false}, {"2024-02-04", true}, {"2024-02-09", true}, {"2024-02-12", false},
      {"2024-02-16", false}, {"2024-02-18", true}, {"2024-04-04", false}, {"2024-04-05", false},
      {"2024-04-07", true}, {"2024-04-28", true}, {"2024-05-03", false}, {"2024-05-11", true},
      {"2024-06-10", false}, {"2024-09-14", true}, {"2024-09-16", false}, {"2024-09-17", false},
      {"2024-09-29", true}, {"2024-10-04", false}, {"2024-10-07", false}, {"2024-10-08", true},
      {"2024-10-12", true},
      // 2025: 除夕 1-28 and 5-2 statutory from 2025.
      {"2025-01-01", false}, {"2025-01-26", true}, {"2025-01-28", false}, {"2025-02-04", false},
      {"2025-02-05", true}, {"2025-02-08", true}, {"2025-04-04", false}, {"2025-04-27", true},
      {"2025-05-02", false}, {"2025-05-05", false}, {"2025-06-02", false}, {"2025-09-28", true},
      {"2025-10-08", false}, {"2025-10-09", true}, {"2025-10-11", true},
      // 2026: New Year 1-1..1-3, worked 1-4 (Sun); Spring Festival 2-15..2-23, worked 2-14, 2-28
      // (Sat); Labour Day 5-1..5-5, worked 5-9 (Sat); National Day 10-1..10-7, worked 9-20 (Sun),
      // 10-10 (Sat).
      {"2026-01-02", false}, {"2026-01-04", true}, {"2026-02-14", true}, {"2026-02-16", false},
      {"2026-02-23", false}, {"2026-02-24", true}, {"2026-02-28", true}, {"2026-04-06", false},
      {"2026-05-04", false}, {"2026-05-05", false}, {"2026-05-09", true}, {"2026-06-19", false},
      {"2026-09-20", true}, {"2026-09-25", false}, {"2026-10-07", false}, {"2026-10-10", true},
  };
  for (const fact& f : facts) EXPECT_EQ(cn.is_business_day(P(f.day)), f.business) << f.day;
}

TEST(Calendar, ChinaYearTotals) {
  // Hand count for 2024 (a leap year starting on a Monday): 366 days, 104 Saturdays and Sundays;
  // weekday holidays 1-1; 2-12..2-16 (5); 4-4, 4-5; 5-1..5-3; 6-10; 9-16, 9-17; 10-1..10-4, 10-7
  // (5): 19 in all; 8 weekend days worked. 366 - 104 - 19 + 8 = 251.
  const calendar cn = calendar::builtin("CN");
  EXPECT_EQ(cn.business_days_between(D(2024, 1, 1), D(2024, 12, 31), true, true), 251);
  // 2025 (starts on a Wednesday): 365 days, 104 weekend days; weekday holidays 1-1; 1-28..1-31,
  // 2-3, 2-4 (6); 4-4; 5-1, 5-2, 5-5; 6-2; 10-1..10-3, 10-6..10-8 (6): 18; 5 weekend days worked.
  // 365 - 104 - 18 + 5 = 248.
  EXPECT_EQ(cn.business_days_between(D(2025, 1, 1), D(2025, 12, 31), true, true), 248);
  // The holiday list of 2025 is the blocks of the notice, weekend days inside them included.
  std::vector<date> h = cn.holidays(2025);
  ASSERT_EQ(h.size(), 1u + 8u + 3u + 5u + 3u + 8u);
  EXPECT_EQ(h.front(), D(2025, 1, 1));
  EXPECT_EQ(h.back(), D(2025, 10, 8));
  EXPECT_EQ(cn.working_days(2025),
            (std::vector<date>{D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)}));
}

TEST(Calendar, ShanghaiStockExchange) {
  const calendar sse = calendar::builtin("cn-sse");
  EXPECT_EQ(sse.name(), "CN-SSE");
  EXPECT_FALSE(sse.is_business_day(D(2024, 2, 4)));   // make-up Sunday: no trading
  EXPECT_FALSE(sse.is_business_day(D(2024, 2, 9)));   // exchange closure on 除夕
  EXPECT_FALSE(sse.is_business_day(D(2024, 2, 16)));  // holiday
  EXPECT_TRUE(sse.is_business_day(D(2024, 2, 19)));   // reopened Monday
  EXPECT_FALSE(sse.is_business_day(D(2025, 2, 8)));
  // Thursday 2024-02-08 up to (not including) Monday 2024-02-19: CN works 2-8, 2-9 and Sunday
  // 2-18; the exchange trades on 2-8 only.
  EXPECT_EQ(calendar::builtin("CN").business_days_between(D(2024, 2, 8), D(2024, 2, 19)), 3);
  EXPECT_EQ(sse.business_days_between(D(2024, 2, 8), D(2024, 2, 19)), 1);
  EXPECT_EQ(sse.business_days_between(D(2024, 2, 19), D(2024, 2, 8)), -1);
}

TEST(Calendar, ChinaOutsideTheDataRange) {
  const calendar cn = calendar::builtin("CN");
  expect_invalid([&] { (void)cn.is_business_day(D(2027, 1, 4)); }, "date",
                 "date 2027-01-04 is outside the years 2019..2026 covered by calendar 'CN'");
  expect_invalid([&] { (void)cn.is_business_day(D(2018, 12, 29)); }, "date", "2019..2026");
  expect_invalid([&] { (void)cn.holidays(2027); }, "date", "2019..2026");
  // Walking off the end of the data is an error too, not a guess.
  expect_invalid([&] { (void)cn.advance(D(2026, 12, 31), 1, time_unit::days); }, "date", "2019..2026");
}

TEST(Calendar, QuantLibBusinessDayConventionCases) {
  // South Africa, public holidays January..May 2015 (New Year, Human Rights Day (a Saturday),
  // Good Friday, Family Day, Freedom Day, Workers' Day).
  const calendar za("ZA-2015", {5, 6},
                    {D(2015, 1, 1), D(2015, 3, 21), D(2015, 4, 3), D(2015, 4, 6), D(2015, 4, 27), D(2015, 5, 1)}, {},
                    2015, 2015);
  using c = business_day_convention;
  struct ql_case {
    c convention;
    date start;
    tenor period;
    bool eom;
    date expected;
  };
  const tenor M1(1, time_unit::months), D4(4, time_unit::days), Mm1(-1, time_unit::months), Dm2(-2, time_unit::days);
  const ql_case cases[] = {
      {c::following, D(2015, 2, 3), M1, false, D(2015, 3, 3)},
      {c::following, D(2015, 2, 3), D4, false, D(2015, 2, 9)},
      {c::following, D(2015, 1, 31), M1, true, D(2015, 2, 27)},
      {c::following, D(2015, 1, 31), M1, false, D(2015, 3, 2)},
      {c::modified_following, D(2015, 2, 3), M1, false, D(2015, 3, 3)},
      {c::modified_following, D(2015, 2, 3), D4, false, D(2015, 2, 9)},
      {c::modified_following, D(2015, 1, 31), M1, true, D(2015, 2, 27)},
      {c::modified_following, D(2015, 1, 31), M1, false, D(2015, 2, 27)},
      {c::modified_following, D(2015, 3, 25), M1, false, D(2015, 4, 28)},
      {c::modified_following, D(2015, 2, 7), M1, false, D(2015, 3, 9)},
      {c::preceding, D(2015, 3, 3), Mm1, false, D(2015, 2, 3)},
      {c::preceding, D(2015, 2, 3), Dm2, false, D(2015, 1, 30)},
      {c::preceding, D(2015, 3, 1), Mm1, true, D(2015, 1, 30)},
      {c::preceding, D(2015, 3, 1), Mm1, false, D(2015, 1, 30)},
      {c::modified_preceding, D(2015, 3, 3), Mm1, false, D(2015, 2, 3)},
      {c::modified_preceding, D(2015, 2, 3), Dm2, false, D(2015, 1, 30)},
      {c::modified_preceding, D(2015, 3, 1), Mm1, true, D(2015, 2, 2)},
      {c::modified_preceding, D(2015, 3, 1), Mm1, false, D(2015, 2, 2)},
      {c::unadjusted, D(2015, 2, 3), M1, false, D(2015, 3, 3)},
      {c::unadjusted, D(2015, 2, 3), D4, false, D(2015, 2, 9)},
      // QuantLib before 1.30 gave 2015-02-27 here; since then UNADJUSTED with the end-of-month
      // rule moves to the last calendar day (QuantLib's current code and test).
      {c::unadjusted, D(2015, 1, 31), M1, true, D(2015, 2, 28)},
      {c::unadjusted, D(2015, 1, 31), M1, false, D(2015, 2, 28)},
      {c::nearest, D(2015, 2, 3), M1, false, D(2015, 3, 3)},
      {c::nearest, D(2015, 2, 3), D4, false, D(2015, 2, 9)},
      {c::nearest, D(2015, 4, 16), M1, false, D(2015, 5, 15)},
      {c::nearest, D(2015, 4, 17), M1, false, D(2015, 5, 18)},
      {c::nearest, D(2015, 3, 4), M1, false, D(2015, 4, 2)},
      {c::nearest, D(2015, 4, 2), M1, false, D(2015, 5, 4)},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(std::string(stakecalc::to_string_view(k.convention)) + " " + stakecalc::to_iso(k.start) + " " +
                 k.period.to_string() + (k.eom ? " eom" : ""));
    EXPECT_EQ(za.advance(k.start, k.period, k.convention, k.eom), k.expected);
  }
}

TEST(Calendar, AdjustConventions) {
  const calendar c;  // WEEKENDS
  // Saturday 2024-08-31: following crosses into September, so modified following goes back.
  EXPECT_EQ(c.adjust(D(2024, 8, 31)), D(2024, 9, 2));
  EXPECT_EQ(c.adjust(D(2024, 8, 31), business_day_convention::modified_following), D(2024, 8, 30));
  EXPECT_EQ(c.adjust(D(2024, 8, 31), business_day_convention::preceding), D(2024, 8, 30));
  EXPECT_EQ(c.adjust(D(2024, 8, 31), business_day_convention::nearest), D(2024, 8, 30));
  EXPECT_EQ(c.adjust(D(2024, 9, 1), business_day_convention::nearest), D(2024, 9, 2));
  EXPECT_EQ(c.adjust(D(2024, 9, 1), business_day_convention::modified_preceding), D(2024, 9, 2));
  EXPECT_EQ(c.adjust(D(2024, 9, 1), business_day_convention::unadjusted), D(2024, 9, 1));
  EXPECT_EQ(stakecalc::parse_business_day_convention("modified following"), business_day_convention::modified_following);
  expect_invalid([] { stakecalc::parse_business_day_convention("FOLLOW"); }, "convention",
                 "unknown business day convention 'FOLLOW'");
  // Business days through the Chinese 2024 Spring Festival: Thursday 2-8 + 2 business days is
  // Sunday 2-18 (2-9 works, 2-10..2-17 off, 2-18 is a make-up working day).
  const calendar cn = calendar::builtin("CN");
  EXPECT_EQ(cn.advance(D(2024, 2, 8), 2, time_unit::days), D(2024, 2, 18));
  EXPECT_EQ(cn.advance(D(2024, 2, 18), -1, time_unit::days), D(2024, 2, 9));
  EXPECT_EQ(cn.advance(D(2024, 1, 10), tenor(1, time_unit::months)), D(2024, 2, 18));  // 2-10 off -> 2-18
  EXPECT_TRUE(cn.is_end_of_month(D(2024, 9, 30)));
  EXPECT_EQ(cn.end_of_month(D(2024, 2, 1)), D(2024, 2, 29));
}

TEST(Calendar, JsonRoundTripAndExtension) {
  const char* text = R"({"name": "HK-2024-SAMPLE", "weekend": ["Sat", "sunday"],
                         "holidays": ["2024-01-01", "2024-02-10", "2024-02-12"],
                         "working_days": [], "first_year": 2024, "last_year": 2024})";
  calendar hk = calendar::parse_json(text);
  EXPECT_EQ(hk.name(), "HK-2024-SAMPLE");
  EXPECT_FALSE(hk.is_business_day(D(2024, 2, 12)));
  EXPECT_EQ(calendar::from_json(hk.to_json()), hk);
  EXPECT_EQ(calendar::parse_json(hk.to_json_text()), hk);
  // Extension returns new data; the copy taken before keeps the old.
  calendar copy = hk;
  hk.add_holidays({D(2024, 3, 29)});
  EXPECT_FALSE(hk.is_business_day(D(2024, 3, 29)));
  EXPECT_TRUE(copy.is_business_day(D(2024, 3, 29)));
  hk.add_working_days({D(2024, 2, 10)});  // a Saturday holiday made a working day
  EXPECT_TRUE(hk.is_business_day(D(2024, 2, 10)));
  EXPECT_TRUE(hk.holidays(2024) == (std::vector<date>{D(2024, 1, 1), D(2024, 2, 12), D(2024, 3, 29)}));
  expect_invalid([&] { hk.add_holidays({D(2025, 1, 1)}); }, "holidays/0", "outside the calendar's years 2024..2024");
  expect_invalid([&] { hk.add_working_days({D(2024, 2, 13)}); }, "working_days/0", "not a weekend day");

  // A weekday-only weekend (Friday/Saturday) calendar.
  calendar gulf = calendar::parse_json(R"({"name": "FRI-SAT", "weekend": [4, 5]})");
  EXPECT_FALSE(gulf.is_business_day(D(2024, 3, 1)));  // Friday
  EXPECT_TRUE(gulf.is_business_day(D(2024, 3, 3)));   // Sunday
}

TEST(Calendar, Merge) {
  const calendar cn = calendar::builtin("CN");
  const calendar other("X", {5, 6}, {D(2024, 5, 6)}, {}, 2024, 2030);
  calendar both = cn.merged(other);
  EXPECT_EQ(both.name(), "CN+X");
  EXPECT_EQ(both.first_year(), 2024);
  EXPECT_EQ(both.last_year(), 2026);
  EXPECT_FALSE(both.is_business_day(D(2024, 5, 6)));  // holiday of X
  EXPECT_FALSE(both.is_business_day(D(2024, 5, 1)));  // holiday of CN
  EXPECT_FALSE(both.is_business_day(D(2024, 2, 4)));  // CN works this Sunday, X does not
  EXPECT_EQ(cn.merged(calendar::builtin("CN")).working_days(2024), cn.working_days(2024));
  expect_invalid([&] { (void)both.is_business_day(D(2023, 6, 1)); }, "date", "2024..2026");
  expect_invalid([&] { (void)cn.merged(calendar("Y", {5, 6}, {}, {}, 1990, 1991)); }, "calendar", "no common year");
}

TEST(Calendar, MalformedJsonNamesThePointer) {
  expect_invalid([] { calendar::parse_json("{\"name\": \"A\", "); }, "calendar", "malformed JSON");
  expect_invalid([] { calendar::parse_json("[1, 2]"); }, "calendar", "must be a JSON object");
  expect_invalid([] { calendar::parse_json(R"({"weekend": [5, 6]})"); }, "/name", "needs a \"name\"");
  expect_invalid([] { calendar::parse_json(R"({"name": "A", "holiday": []})"); }, "/holiday", "unknown field 'holiday'");
  expect_invalid([] { calendar::parse_json(R"({"name": "A", "weekend": [5, 7]})"); }, "/weekend/1",
                 "weekday 7 out of range");
  expect_invalid([] { calendar::parse_json(R"({"name": "A", "weekend": ["Caturday"]})"); }, "/weekend/0",
                 "unknown weekday 'Caturday'");
  expect_invalid([] { calendar::parse_json(R"({"name": "A", "weekend": [0, 1, 2, 3, 4, 5, 6]})"); }, "/weekend",
                 "no business days");
  expect_invalid([] { calendar::parse_json(R"({"name": "A", "holidays": ["2024-01-01", "2024-02-30"]})"); },
                 "/holidays/1", "day out of range for the month");
  expect_invalid([] { calendar::parse_json(R"({"name": "A", "holidays": "2024-01-01"})"); }, "/holidays",
                 "must be an array");
  expect_invalid([] { calendar::parse_json(R"({"name": "A", "working_days": ["2024-02-05"]})"); }, "/working_days/0",
                 "2024-02-05 is a monday, not a weekend day");
  expect_invalid(
      [] { calendar::parse_json(R"({"name": "A", "holidays": ["2024-02-04"], "working_days": ["2024-02-04"]})"); },
      "/working_days/0", "both as a holiday and as a working day");
  expect_invalid([] { calendar::parse_json(R"({"name": "A", "first_year": 2019})"); }, "/last_year", "go together");
  expect_invalid([] { calendar::parse_json(R"({"name": "A", "first_year": 2020, "last_year": 2019})"); }, "/last_year",
                 "must be in 2020..9999");
  expect_invalid(
      [] { calendar::parse_json(R"({"name": "A", "holidays": ["2018-12-31"], "first_year": 2019, "last_year": 2026})"); },
      "/holidays/0", "outside the calendar's years 2019..2026");
  // Inside a larger document the pointer is prefixed.
  expect_invalid([] { calendar::parse_json(R"({"name": "A", "holidays": [1]})", "/loan/calendar"); },
                 "/loan/calendar/holidays/0", "must be a \"YYYY-MM-DD\" string");
  expect_invalid([] { calendar::builtin("CN-SZSE"); }, "calendar",
                 "unknown calendar 'CN-SZSE' (expected WEEKENDS, CN or CN-SSE)");
  expect_invalid([] { stakecalc::calendar_from_name_or_json("  {\"name\": 5}", "cal"); }, "cal/name", "needs a \"name\"");
}

TEST(Calendar, SharedReadOnlyBetweenThreads) {
  const calendar cn = calendar::builtin("CN");
  auto count = [&cn] { return cn.business_days_between(D(2019, 1, 1), D(2026, 12, 31), true, true); };
  const long expected = count();
  std::vector<long> results(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] { results[i] = calendar::builtin("CN").business_days_between(D(2019, 1, 1), D(2026, 12, 31), true, true); });
  for (auto& t : threads) t.join();
  for (long r : results) EXPECT_EQ(r, expected);
}
