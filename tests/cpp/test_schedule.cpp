// Schedules against QuantLib's published schedule tests (test-suite/schedule.cpp).
//
// QuantLib runs them on its TARGET, Japan and US government-bond calendars; only a few of their
// holidays touch these dates, and those are entered here as data calendars (facts: Good Friday and
// Easter Monday for TARGET, Labor Day for the United States). The Japan cases fall on weekends only.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stakecalc/schedule.hpp"

using stakecalc::business_day_convention;
using stakecalc::calendar;
using stakecalc::date;
using stakecalc::date_generation;
using stakecalc::schedule;
using stakecalc::tenor;
using stakecalc::time_unit;

namespace {

date D(int y, int m, int d) {
  return date(static_cast<unsigned short>(y), static_cast<unsigned short>(m), static_cast<unsigned short>(d));
}

const calendar target_sample("TARGET-SAMPLE", {5, 6},
                             {D(2013, 3, 29), D(2013, 4, 1), D(2014, 4, 18), D(2014, 4, 21), D(2015, 4, 3),
                              D(2015, 4, 6)});
const calendar us_labor_days("US-SAMPLE", {5, 6}, {D(1996, 9, 2), D(1997, 9, 1), D(1998, 9, 7)});
const calendar null_calendar("NULL", {});

const tenor M1(1, time_unit::months), M3(3, time_unit::months), M6(6, time_unit::months), Y1(1, time_unit::years);
constexpr auto F = business_day_convention::following;
constexpr auto MF = business_day_convention::modified_following;
constexpr auto U = business_day_convention::unadjusted;
constexpr auto P = business_day_convention::preceding;
constexpr auto BWD = date_generation::backward;
constexpr auto FWD = date_generation::forward;

}  // namespace

TEST(Schedule, DailySkipsDuplicatesAfterAdjustment) {
  schedule s(D(2012, 1, 17), D(2012, 1, 24), tenor(1, time_unit::days), calendar(), P, {}, BWD);
  EXPECT_EQ(s.dates(), (std::vector<date>{D(2012, 1, 17), D(2012, 1, 18), D(2012, 1, 19), D(2012, 1, 20),
                                          D(2012, 1, 23), D(2012, 1, 24)}));
}

// End-of-month with FOLLOWING: since QuantLib pull request 2154 (2025, issue 2141) inner dates go to the
// calendar month end and are then adjusted, so a Saturday 31 March 2012 rolls to Monday 2 April. QuantLib's
// test suite changed these expectations with it (before: the last business day, 30 March).
TEST(Schedule, EndDateWithEomAdjustment) {
  schedule s(D(2009, 9, 30), D(2012, 6, 15), M6, calendar(), F, F, FWD, true);
  EXPECT_EQ(s.dates(), (std::vector<date>{D(2009, 9, 30), D(2010, 3, 31), D(2010, 9, 30), D(2011, 3, 31),
                                          D(2011, 9, 30), D(2012, 4, 2), D(2012, 6, 15)}));
  // The longer schedule of QuantLib's truncation test.
  schedule t(D(2009, 9, 30), D(2020, 6, 15), M6, calendar(), F, F, FWD, true);
  EXPECT_EQ(t.dates(),
            (std::vector<date>{D(2009, 9, 30), D(2010, 3, 31), D(2010, 9, 30), D(2011, 3, 31), D(2011, 9, 30),
                               D(2012, 4, 2), D(2012, 10, 1), D(2013, 4, 1), D(2013, 9, 30), D(2014, 3, 31),
                               D(2014, 9, 30), D(2015, 3, 31), D(2015, 9, 30), D(2016, 3, 31), D(2016, 9, 30),
                               D(2017, 3, 31), D(2017, 10, 2), D(2018, 4, 2), D(2018, 10, 1), D(2019, 4, 1),
                               D(2019, 9, 30), D(2020, 3, 31), D(2020, 6, 15)}));
  // With MODIFIED_FOLLOWING the month end stays in its month: the last business day.
  schedule mf(D(2009, 9, 30), D(2012, 6, 15), M6, calendar(), MF, MF, FWD, true);
  EXPECT_EQ(mf[5], D(2012, 3, 30));
}

// QuantLib issue 2141: a holiday on a month end with FOLLOWING rolls into the next month.
TEST(Schedule, EomHolidayOnMonthEndRollsForward) {
  const calendar holiday_31_march("NULL-PLUS", {}, {D(2020, 3, 31)});
  schedule s(D(2020, 1, 31), D(2020, 5, 31), M1, holiday_31_march, F, F, FWD, true);
  EXPECT_EQ(s.dates(),
            (std::vector<date>{D(2020, 1, 31), D(2020, 2, 29), D(2020, 4, 1), D(2020, 4, 30), D(2020, 5, 31)}));
}

TEST(Schedule, DatesPastOrAtEndDateWithEomAdjustment) {
  schedule past(D(2013, 3, 28), D(2015, 3, 30), Y1, target_sample, U, U, FWD, true);
  EXPECT_EQ(past.dates(), (std::vector<date>{D(2013, 3, 28), D(2014, 3, 31), D(2015, 3, 30)}));
  EXPECT_FALSE(past.is_regular().back());
  schedule same(D(2013, 3, 28), D(2015, 3, 31), Y1, target_sample, U, U, FWD, true);
  EXPECT_EQ(same.dates(), (std::vector<date>{D(2013, 3, 28), D(2014, 3, 31), D(2015, 3, 31)}));
  EXPECT_TRUE(same.is_regular().back());
}

TEST(Schedule, EomWithUnadjustedDates) {
  schedule fwd(D(1996, 8, 31), D(1997, 9, 15), M6, us_labor_days, U, U, FWD, true);
  EXPECT_EQ(fwd.dates(), (std::vector<date>{D(1996, 8, 31), D(1997, 2, 28), D(1997, 8, 31), D(1997, 9, 15)}));
  schedule bwd(D(1996, 8, 22), D(1997, 8, 31), M6, us_labor_days, U, U, BWD, true);
  EXPECT_EQ(bwd.dates(), (std::vector<date>{D(1996, 8, 22), D(1996, 8, 31), D(1997, 2, 28), D(1997, 8, 31)}));
}

TEST(Schedule, EomWithFollowing) {
  schedule s(D(1996, 8, 22), D(1997, 8, 31), M6, us_labor_days, F, F, BWD, true);
  EXPECT_EQ(s.dates(), (std::vector<date>{D(1996, 8, 22), D(1996, 9, 3), D(1997, 2, 28), D(1997, 9, 2)}));
  schedule first(D(1996, 8, 10), D(1998, 8, 10), M6, us_labor_days, F, F, FWD, true, D(1997, 2, 28));
  EXPECT_EQ(first.dates(),
            (std::vector<date>{D(1996, 8, 12), D(1997, 2, 28), D(1997, 9, 2), D(1998, 3, 2), D(1998, 8, 10)}));
  schedule ntl(D(1996, 8, 10), D(1998, 8, 10), M6, us_labor_days, F, F, BWD, true, {}, D(1998, 2, 28));
  EXPECT_EQ(ntl.dates(), (std::vector<date>{D(1996, 8, 12), D(1996, 9, 3), D(1997, 2, 28), D(1997, 9, 2),
                                            D(1998, 3, 2), D(1998, 8, 10)}));
}

TEST(Schedule, EffectiveDateNotMovedToMonthEnd) {
  schedule s(D(2023, 1, 16), D(2023, 3, 16), M1, null_calendar, U, U, FWD, true, D(2023, 1, 31));
  EXPECT_EQ(s.dates(), (std::vector<date>{D(2023, 1, 16), D(2023, 1, 31), D(2023, 2, 28), D(2023, 3, 16)}));
}

TEST(Schedule, AlwaysStartsAtTheEffectiveDate) {
  schedule a(D(2017, 1, 10), D(2026, 2, 28), M6, us_labor_days, U, {}, BWD, false, D(2017, 8, 31));
  EXPECT_EQ(a[0], D(2017, 1, 10));
  EXPECT_EQ(a[1], D(2017, 8, 31));
  schedule b(D(2017, 1, 10), D(2026, 2, 28), M6, us_labor_days, U, {}, BWD);
  EXPECT_EQ(b[0], D(2017, 1, 10));
  EXPECT_EQ(b[1], D(2017, 2, 28));
  schedule c(D(2017, 8, 31), D(2026, 2, 28), M6, us_labor_days, U, {}, BWD);
  EXPECT_EQ(c[0], D(2017, 8, 31));
}

TEST(Schedule, ShortSchedulesAndStubsOnTheEnds) {
  schedule eom(D(2019, 2, 21), D(2019, 2, 28), Y1, calendar(), MF, MF, BWD, true);
  EXPECT_EQ(eom.dates(), (std::vector<date>{D(2019, 2, 21), D(2019, 2, 28)}));
  const std::vector<date> two{D(2016, 9, 20), D(2016, 12, 20)};
  EXPECT_EQ(schedule(D(2016, 9, 20), D(2016, 12, 20), M3, us_labor_days, U, {}, BWD, false, D(2016, 12, 20)).dates(), two);
  EXPECT_EQ(schedule(D(2016, 9, 20), D(2016, 12, 20), M3, us_labor_days, U, {}, FWD, false, D(2016, 12, 20)).dates(), two);
  EXPECT_EQ(schedule(D(2016, 9, 20), D(2016, 12, 20), M3, us_labor_days, U, {}, BWD, false, {}, D(2016, 9, 20)).dates(),
            two);
  // A zero tenor gives the two ends.
  EXPECT_EQ(schedule(D(2016, 9, 20), D(2017, 12, 20), tenor(0, time_unit::months)).dates(),
            (std::vector<date>{D(2016, 9, 20), D(2017, 12, 20)}));
  // Four weeks works.
  schedule w(D(2016, 1, 13), D(2016, 5, 4), tenor(4, time_unit::weeks), calendar(), F, {}, FWD);
  EXPECT_EQ(w[1], D(2016, 2, 10));
  EXPECT_EQ(w.end_date(), D(2016, 5, 4));
}

TEST(Schedule, ChinaMonthlyRepaymentsAcrossSpringFestival) {
  // Monthly dates on the 10th, FOLLOWING on the CN calendar: 2024-02-10 is inside the Spring
  // Festival block 2-10..2-17 and Sunday 2-18 is a make-up working day; 2024-03-10 is a Sunday;
  // 2024-06-10 is the Dragon Boat holiday.
  schedule s(D(2024, 1, 10), D(2024, 6, 10), M1, calendar::builtin("CN"), F);
  EXPECT_EQ(s.dates(), (std::vector<date>{D(2024, 1, 10), D(2024, 2, 18), D(2024, 3, 11), D(2024, 4, 10),
                                          D(2024, 5, 10), D(2024, 6, 11)}));
  // The exchange calendar does not trade on the make-up Sunday: 2-19.
  schedule t(D(2024, 1, 10), D(2024, 6, 10), M1, calendar::builtin("CN-SSE"), F);
  EXPECT_EQ(t[1], D(2024, 2, 19));
  // Backward with a short first period, and a termination date left unadjusted.
  schedule u(D(2024, 1, 25), D(2024, 6, 10), M1, calendar::builtin("CN"), F, U);
  EXPECT_EQ(u.dates(), (std::vector<date>{D(2024, 1, 25), D(2024, 2, 18), D(2024, 3, 11), D(2024, 4, 10),
                                          D(2024, 5, 10), D(2024, 6, 10)}));
  EXPECT_EQ(u.is_regular(), (std::vector<bool>{false, true, true, true, true}));
}

TEST(Schedule, BadInput) {
  auto expect_invalid = [](auto&& f, const std::string& where, const std::string& fragment) {
    try {
      f();
      ADD_FAILURE() << "no exception";
    } catch (const stakecalc::invalid_input& e) {
      EXPECT_EQ(e.where(), where) << e.what();
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_invalid([] { schedule(D(2024, 6, 1), D(2024, 1, 1), M1); }, "termination",
                 "termination date 2024-01-01 must be after the effective date 2024-06-01");
  expect_invalid([] { schedule(D(2024, 1, 1), D(2024, 1, 1), M1); }, "termination", "must be after");
  expect_invalid([] { schedule(D(2024, 1, 1), D(2024, 6, 1), tenor(-1, time_unit::months)); }, "tenor",
                 "negative tenor -1M");
  expect_invalid([] { schedule(D(2024, 1, 1), D(2024, 6, 1), M1, calendar(), U, {}, BWD, false, D(2024, 7, 1)); },
                 "first_date", "first date 2024-07-01");
  expect_invalid([] { schedule(D(2024, 1, 1), D(2024, 6, 1), M1, calendar(), U, {}, BWD, false, {}, D(2023, 7, 1)); },
                 "next_to_last_date", "next-to-last date 2023-07-01");
  expect_invalid([] { stakecalc::parse_date_generation("SIDEWAYS"); }, "rule", "unknown date generation rule 'SIDEWAYS'");
  expect_invalid([] { tenor::parse("3Q"); }, "tenor", "unknown tenor unit: '3Q'");
  expect_invalid([] { tenor::parse("M"); }, "tenor", "not a tenor");
  expect_invalid([] { schedule(D(2026, 1, 10), D(2027, 6, 10), M1, calendar::builtin("CN"), F); }, "date",
                 "outside the years 2019..2026");
  EXPECT_EQ(tenor::parse("10d"), tenor(10, time_unit::days));
  EXPECT_EQ(tenor::parse("-1Y").to_string(), "-1Y");
}
