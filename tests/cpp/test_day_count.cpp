// Day counts: exact results against published references.
//
// References:
//  * QuantLib test-suite/daycounters.cpp, testActualActual: the ISDA / ICMA (ISMA) / AFB cases from
//    the ISDA paper "EMU and market conventions" (mktc1198), with QuantLib's published doubles.
//    Each case also carries the exact fraction derived by hand from the rule (in the comment).
//  * QuantLib testActualActualIsma / testActualActualWithSchedule: ICMA with schedule-derived
//    reference periods.
//  * QuantLib testThirty360_BondBasis / _EurobondBasis / _ISDA: the tables of the ISDA note
//    "30/360 day count conventions" (2008-12-22), day counts as published.
//  * 30/360 US and ACT/365L: hand derivations from the rule texts, written out per case.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "stakecalc/day_count.hpp"
#include "stakecalc/schedule.hpp"

using stakecalc::date;
using stakecalc::day_count_convention;
using stakecalc::day_counter;
using stakecalc::ratio;

namespace {

date D(int y, int m, int d) {
  return date(static_cast<unsigned short>(y), static_cast<unsigned short>(m), static_cast<unsigned short>(d));
}

double to_double(const ratio& r) {
  return static_cast<double>(r.numerator().convert_to<long double>() / r.denominator().convert_to<long double>());
}

const day_counter isda(day_count_convention::act_act_isda), icma(day_count_convention::act_act_icma),
    afb(day_count_convention::act_act_afb);

struct act_act_case {
  day_counter dc;
  date start, end;
  std::optional<date> ref_start, ref_end;
  ratio exact;      // derived by hand from the rule
  double published;  // QuantLib's expected value (12 significant digits)
};

}  // namespace

TEST(DayCount, ActualActualQuantLibCases) {
  const act_act_case cases[] = {
      // first example: 2003-11-01..2004-05-01
      {isda, D(2003, 11, 1), D(2004, 5, 1), {}, {}, ratio(61, 365) + ratio(121, 366), 0.497724380567},
      {icma, D(2003, 11, 1), D(2004, 5, 1), D(2003, 11, 1), D(2004, 5, 1), ratio(1, 2), 0.5},
      {afb, D(2003, 11, 1), D(2004, 5, 1), {}, {}, ratio(182, 366), 0.497267759563},
      // short first calculation period (first period)
      {isda, D(1999, 2, 1), D(1999, 7, 1), {}, {}, ratio(150, 365), 0.410958904110},
      {icma, D(1999, 2, 1), D(1999, 7, 1), D(1998, 7, 1), D(1999, 7, 1), ratio(150, 365), 0.410958904110},
      {afb, D(1999, 2, 1), D(1999, 7, 1), {}, {}, ratio(150, 365), 0.410958904110},
      // short first calculation period (second period)
      {isda, D(1999, 7, 1), D(2000, 7, 1), {}, {}, ratio(184, 365) + ratio(182, 366), 1.001377348600},
      {icma, D(1999, 7, 1), D(2000, 7, 1), D(1999, 7, 1), D(2000, 7, 1), ratio(1), 1.0},
      {afb, D(1999, 7, 1), D(2000, 7, 1), {}, {}, ratio(1), 1.0},
      // long first calculation period (first period): ICMA splits at 2003-01-15 into half of the
      // notional period 2002-07-15..2003-01-15 (153 of 184 days) plus a full half year.
      {isda, D(2002, 8, 15), D(2003, 7, 15), {}, {}, ratio(334, 365), 0.915068493151},
      {icma, D(2002, 8, 15), D(2003, 7, 15), D(2003, 1, 15), D(2003, 7, 15), ratio(153, 368) + ratio(1, 2),
       0.915760869565},
      {afb, D(2002, 8, 15), D(2003, 7, 15), {}, {}, ratio(334, 365), 0.915068493151},
      // long first calculation period (second period)
      {isda, D(2003, 7, 15), D(2004, 1, 15), {}, {}, ratio(170, 365) + ratio(14, 366), 0.504004790778},
      {icma, D(2003, 7, 15), D(2004, 1, 15), D(2003, 7, 15), D(2004, 1, 15), ratio(1, 2), 0.5},
      {afb, D(2003, 7, 15), D(2004, 1, 15), {}, {}, ratio(184, 365), 0.504109589041},
      // short final calculation period (penultimate period)
      {isda, D(1999, 7, 30), D(2000, 1, 30), {}, {}, ratio(155, 365) + ratio(29, 366), 0.503892506924},
      {icma, D(1999, 7, 30), D(2000, 1, 30), D(1999, 7, 30), D(2000, 1, 30), ratio(1, 2), 0.5},
      {afb, D(1999, 7, 30), D(2000, 1, 30), {}, {}, ratio(184, 365), 0.504109589041},
      // short final calculation period (final period): 152 of the 182 days of a half year
      {isda, D(2000, 1, 30), D(2000, 6, 30), {}, {}, ratio(152, 366), 0.415300546448},
      {icma, D(2000, 1, 30), D(2000, 6, 30), D(2000, 1, 30), D(2000, 7, 30), ratio(152, 364), 0.417582417582},
      {afb, D(2000, 1, 30), D(2000, 6, 30), {}, {}, ratio(152, 366), 0.41530054644},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.dc.name()) + " " + stakecalc::to_iso(c.start) + ".." + stakecalc::to_iso(c.end));
    ratio got = c.dc.year_fraction(c.start, c.end, c.ref_start, c.ref_end);
    EXPECT_EQ(got, c.exact) << got;
    EXPECT_NEAR(to_double(got), c.published, 1e-11);
    EXPECT_EQ(c.dc.day_count(c.start, c.end), stakecalc::days_between(c.start, c.end));
    // Reversed dates give the negative fraction.
    EXPECT_EQ(c.dc.year_fraction(c.end, c.start, c.ref_start, c.ref_end), -c.exact);
  }
}

TEST(DayCount, ActualActualIcmaWithoutReferenceUsesTheAccrualPeriod) {
  // QuantLib's reading: the accrual period is its own reference period, whose length in months is
  // round(12 * days / 365): 182 days -> 6 months -> exactly 1/2.
  EXPECT_EQ(icma.year_fraction(D(2024, 1, 15), D(2024, 7, 15)), ratio(1, 2));
  // Shorter than half a month: a one-year reference period from the start.
  EXPECT_EQ(icma.year_fraction(D(2024, 1, 15), D(2024, 1, 20)), ratio(5, 366));
}

TEST(DayCount, ActualActualIcmaFromSchedule) {
  using stakecalc::business_day_convention;
  using stakecalc::date_generation;
  const stakecalc::calendar none("NULL", {});  // no weekend, no holidays: QuantLib's NullCalendar
  // QuantLib testActualActualIsma, case 1: semi-annual, odd last period, expected 152 / (182 * 2).
  stakecalc::schedule s1(D(1999, 1, 30), D(2000, 6, 30), stakecalc::tenor(6, stakecalc::time_unit::months), none,
                         business_day_convention::unadjusted, {}, date_generation::backward, false, D(1999, 7, 30),
                         D(2000, 1, 30));
  EXPECT_EQ(stakecalc::icma_year_fraction(s1, D(2000, 1, 30), D(2000, 6, 30)), ratio(152, 182 * 2));
  // Case 2: quarterly with the end-of-month rule: 91 / (91 * 4) + 61 / (92 * 4).
  stakecalc::schedule s2(D(1999, 5, 31), D(2000, 4, 30), stakecalc::tenor(3, stakecalc::time_unit::months), none,
                         business_day_convention::unadjusted, {}, date_generation::backward, true, D(1999, 8, 31),
                         D(1999, 11, 30));
  EXPECT_EQ(stakecalc::icma_year_fraction(s2, D(1999, 11, 30), D(2000, 4, 30)), ratio(91, 91 * 4) + ratio(61, 92 * 4));
  // Case 3: the same without the end-of-month rule: 91 / (91 * 4) + 61 / (90 * 4).
  stakecalc::schedule s3(D(1999, 5, 31), D(2000, 4, 30), stakecalc::tenor(3, stakecalc::time_unit::months), none,
                         business_day_convention::unadjusted, {}, date_generation::backward, false, D(1999, 8, 31),
                         D(1999, 11, 30));
  EXPECT_EQ(stakecalc::icma_year_fraction(s3, D(1999, 11, 30), D(2000, 4, 30)), ratio(91, 91 * 4) + ratio(61, 90 * 4));

  // QuantLib testActualActualWithSchedule: long first coupon 2017-01-17..2017-08-31, semi-annual
  // to 2026-02-28, end of month; notional coupons 2016-08-31 and 2017-02-28. Published 0.6160220994
  // = 1/2 + 42 / (2 * 181); settlement 2017-01-29 gives 12 / 362.
  stakecalc::schedule s4(D(2017, 1, 17), D(2026, 2, 28), stakecalc::tenor(6, stakecalc::time_unit::months),
                         stakecalc::calendar(), business_day_convention::unadjusted, {}, date_generation::backward, true,
                         D(2017, 8, 31));
  ASSERT_EQ(s4[0], D(2017, 1, 17));
  ASSERT_EQ(s4[1], D(2017, 8, 31));
  ratio full = stakecalc::icma_year_fraction(s4, D(2017, 1, 17), D(2017, 8, 31));
  EXPECT_EQ(full, ratio(1, 2) + ratio(42, 362));
  EXPECT_NEAR(to_double(full), 0.6160220994, 1e-10);
  ratio part = stakecalc::icma_year_fraction(s4, D(2017, 1, 17), D(2017, 1, 29));
  EXPECT_EQ(part, ratio(12, 362));
  EXPECT_EQ(part + stakecalc::icma_year_fraction(s4, D(2017, 1, 29), D(2017, 8, 31)), full);
  // A regular period is exactly half a year.
  EXPECT_EQ(stakecalc::icma_year_fraction(s4, s4[1], s4[2]), ratio(1, 2));
  // Outside the schedule's reference periods: invalid_input.
  EXPECT_THROW(stakecalc::icma_year_fraction(s4, D(2016, 1, 1), D(2017, 8, 31)), stakecalc::invalid_input);
}

namespace {
struct thirty_case {
  date start, end;
  long expected;
};
void check_thirty(const day_counter& dc, const std::vector<thirty_case>& cases, std::optional<date> termination = {}) {
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(dc.name()) + " " + stakecalc::to_iso(c.start) + ".." + stakecalc::to_iso(c.end));
    EXPECT_EQ(dc.day_count(c.start, c.end, termination), c.expected);
    EXPECT_EQ(dc.year_fraction(c.start, c.end, {}, {}, termination), ratio(c.expected, 360));
  }
}
}  // namespace

TEST(DayCount, Thirty360BondBasisIsdaTables) {
  check_thirty(day_counter::parse("30/360"),
               {// Example 1: end dates do not involve the last day of February
                {D(2006, 8, 20), D(2007, 2, 20), 180}, {D(2007, 2, 20), D(2007, 8, 20), 180},
                {D(2007, 8, 20), D(2008, 2, 20), 180}, {D(2008, 2, 20), D(2008, 8, 20), 180},
                {D(2008, 8, 20), D(2009, 2, 20), 180}, {D(2009, 2, 20), D(2009, 8, 20), 180},
                // Example 2: end dates include some end-February dates
                {D(2006, 8, 31), D(2007, 2, 28), 178}, {D(2007, 2, 28), D(2007, 8, 31), 183},
                {D(2007, 8, 31), D(2008, 2, 29), 179}, {D(2008, 2, 29), D(2008, 8, 31), 182},
                {D(2008, 8, 31), D(2009, 2, 28), 178}, {D(2009, 2, 28), D(2009, 8, 31), 183},
                // Example 3: miscellaneous calculations
                {D(2006, 1, 31), D(2006, 2, 28), 28}, {D(2006, 1, 30), D(2006, 2, 28), 28},
                {D(2006, 2, 28), D(2006, 3, 3), 5}, {D(2006, 2, 14), D(2006, 2, 28), 14},
                {D(2006, 9, 30), D(2006, 10, 31), 30}, {D(2006, 10, 31), D(2006, 11, 28), 28},
                {D(2007, 8, 31), D(2008, 2, 28), 178}, {D(2008, 2, 28), D(2008, 8, 28), 180},
                {D(2008, 2, 28), D(2008, 8, 30), 182}, {D(2008, 2, 28), D(2008, 8, 31), 183},
                {D(2007, 2, 26), D(2008, 2, 28), 362}, {D(2007, 2, 26), D(2008, 2, 29), 363},
                {D(2008, 2, 29), D(2009, 2, 28), 359}, {D(2008, 2, 28), D(2008, 3, 30), 32},
                {D(2008, 2, 28), D(2008, 3, 31), 33}});
}

TEST(DayCount, Thirty360EurobondIsdaTables) {
  check_thirty(day_counter::parse("30E/360"),
               {{D(2006, 8, 20), D(2007, 2, 20), 180}, {D(2007, 2, 20), D(2007, 8, 20), 180},
                {D(2007, 8, 20), D(2008, 2, 20), 180}, {D(2008, 2, 20), D(2008, 8, 20), 180},
                {D(2008, 8, 20), D(2009, 2, 20), 180}, {D(2009, 2, 20), D(2009, 8, 20), 180},
                {D(2006, 2, 28), D(2006, 8, 31), 182}, {D(2006, 8, 31), D(2007, 2, 28), 178},
                {D(2007, 2, 28), D(2007, 8, 31), 182}, {D(2007, 8, 31), D(2008, 2, 29), 179},
                {D(2008, 2, 29), D(2008, 8, 31), 181}, {D(2008, 8, 31), D(2009, 2, 28), 178},
                {D(2009, 2, 28), D(2009, 8, 31), 182}, {D(2009, 8, 31), D(2010, 2, 28), 178},
                {D(2010, 2, 28), D(2010, 8, 31), 182}, {D(2010, 8, 31), D(2011, 2, 28), 178},
                {D(2011, 2, 28), D(2011, 8, 31), 182}, {D(2011, 8, 31), D(2012, 2, 29), 179},
                {D(2006, 1, 31), D(2006, 2, 28), 28}, {D(2006, 1, 30), D(2006, 2, 28), 28},
                {D(2006, 2, 28), D(2006, 3, 3), 5}, {D(2006, 2, 14), D(2006, 2, 28), 14},
                {D(2006, 9, 30), D(2006, 10, 31), 30}, {D(2006, 10, 31), D(2006, 11, 28), 28},
                {D(2007, 8, 31), D(2008, 2, 28), 178}, {D(2008, 2, 28), D(2008, 8, 28), 180},
                {D(2008, 2, 28), D(2008, 8, 30), 182}, {D(2008, 2, 28), D(2008, 8, 31), 182},
                {D(2007, 2, 26), D(2008, 2, 28), 362}, {D(2007, 2, 26), D(2008, 2, 29), 363},
                {D(2008, 2, 29), D(2009, 2, 28), 359}, {D(2008, 2, 28), D(2008, 3, 30), 32},
                {D(2008, 2, 28), D(2008, 3, 31), 32}});
}

TEST(DayCount, Thirty360IsdaTablesWithTerminationDate) {
  const day_counter dc = day_counter::parse("30E/360 ISDA");
  check_thirty(dc,
               {{D(2006, 8, 20), D(2007, 2, 20), 180}, {D(2007, 2, 20), D(2007, 8, 20), 180},
                {D(2007, 8, 20), D(2008, 2, 20), 180}, {D(2008, 2, 20), D(2008, 8, 20), 180},
                {D(2008, 8, 20), D(2009, 2, 20), 180}, {D(2009, 2, 20), D(2009, 8, 20), 180}},
               D(2009, 8, 20));
  check_thirty(dc,
               {{D(2006, 2, 28), D(2006, 8, 31), 180}, {D(2006, 8, 31), D(2007, 2, 28), 180},
                {D(2007, 2, 28), D(2007, 8, 31), 180}, {D(2007, 8, 31), D(2008, 2, 29), 180},
                {D(2008, 2, 29), D(2008, 8, 31), 180}, {D(2008, 8, 31), D(2009, 2, 28), 180},
                {D(2009, 2, 28), D(2009, 8, 31), 180}, {D(2009, 8, 31), D(2010, 2, 28), 180},
                {D(2010, 2, 28), D(2010, 8, 31), 180}, {D(2010, 8, 31), D(2011, 2, 28), 180},
                {D(2011, 2, 28), D(2011, 8, 31), 180}, {D(2011, 8, 31), D(2012, 2, 29), 179}},
               D(2012, 2, 29));
  check_thirty(dc,
               {{D(2006, 1, 31), D(2006, 2, 28), 30}, {D(2006, 1, 30), D(2006, 2, 28), 30},
                {D(2006, 2, 28), D(2006, 3, 3), 3}, {D(2006, 2, 14), D(2006, 2, 28), 16},
                {D(2006, 9, 30), D(2006, 10, 31), 30}, {D(2006, 10, 31), D(2006, 11, 28), 28},
                {D(2007, 8, 31), D(2008, 2, 28), 178}, {D(2008, 2, 28), D(2008, 8, 28), 180},
                {D(2008, 2, 28), D(2008, 8, 30), 182}, {D(2008, 2, 28), D(2008, 8, 31), 182},
                {D(2007, 2, 28), D(2008, 2, 28), 358}, {D(2007, 2, 28), D(2008, 2, 29), 359},
                {D(2008, 2, 29), D(2009, 2, 28), 360}, {D(2008, 2, 29), D(2008, 3, 30), 30},
                {D(2008, 2, 29), D(2008, 3, 31), 30}},
               D(2008, 2, 29));
  // Without a termination date every end-of-February D2 moves to the 30th.
  EXPECT_EQ(dc.day_count(D(2011, 8, 31), D(2012, 2, 29)), 180);
}

TEST(DayCount, Thirty360UsFebruaryRules) {
  // 30/360 US (SIA): (1) D1 and D2 both last of February -> D2 = 30; (2) D1 last of February ->
  // D1 = 30; (3) D2 = 31 and D1 >= 30 -> D2 = 30; (4) D1 = 31 -> D1 = 30.
  check_thirty(day_counter::parse("30/360 US"),
               {
                   {D(2007, 2, 28), D(2007, 8, 31), 180},  // rules 2, 3: 30*6 + (30 - 30)
                   {D(2007, 2, 28), D(2008, 2, 29), 360},  // rules 1, 2: 360 + (30 - 30)
                   {D(2008, 2, 29), D(2008, 3, 31), 30},   // rules 2, 3
                   {D(2008, 2, 28), D(2008, 3, 31), 33},   // 28 February 2008 is not the last: 30 + (31 - 28)
                   {D(2006, 1, 31), D(2006, 2, 28), 28},   // rule 4 only; D2 kept: 30 + (28 - 30)
                   {D(2006, 1, 15), D(2006, 3, 31), 76},   // D1 < 30: D2 = 31 kept: 60 + 16
                   {D(2006, 3, 31), D(2006, 5, 31), 60},   // rules 3, 4
                   {D(2006, 8, 31), D(2007, 2, 28), 178},  // D2 last of February alone is kept
               });
}

TEST(DayCount, ActualFixedAndActual360AreExact) {
  const date a = D(2024, 1, 1), b = D(2024, 6, 30);  // 181 days
  EXPECT_EQ(day_counter::parse("ACT/360").year_fraction(a, b), ratio(181, 360));
  EXPECT_EQ(day_counter::parse("ACT/360").year_fraction(a, b).to_string(), "181/360");
  EXPECT_EQ(day_counter::parse("ACT/365F").year_fraction(a, b), ratio(181, 365));
  EXPECT_EQ(day_counter().year_fraction(b, a), ratio(-181, 365));
  EXPECT_EQ(day_counter::parse("ACT/360").day_count(a, b), 181);
}

TEST(DayCount, Actual365LeapYearRule) {
  const day_counter dc = day_counter::parse("ACT/365L");
  // Annual reading (no reference period): 366 when 29 February falls in (start, end].
  EXPECT_EQ(dc.year_fraction(D(2023, 11, 1), D(2024, 5, 1)), ratio(182, 366));
  EXPECT_EQ(dc.year_fraction(D(2024, 3, 1), D(2025, 3, 1)), ratio(365, 365));
  EXPECT_EQ(dc.year_fraction(D(2024, 2, 29), D(2024, 3, 29)), ratio(29, 365));  // start excluded
  // Semi-annual coupons (reference period of 6 months): 366 when the period end is in a leap year.
  EXPECT_EQ(dc.year_fraction(D(2023, 9, 15), D(2023, 12, 15), D(2023, 9, 15), D(2024, 3, 15)), ratio(91, 366));
  EXPECT_EQ(dc.year_fraction(D(2024, 7, 15), D(2024, 10, 15), D(2024, 7, 15), D(2025, 1, 15)), ratio(92, 365));
}

TEST(DayCount, NamesRoundTripAndAliases) {
  for (auto name : stakecalc::day_count_names) EXPECT_EQ(day_counter::parse(name).name(), name);
  EXPECT_EQ(day_counter::parse("  act/act   isda ").convention(), day_count_convention::act_act_isda);
  EXPECT_EQ(day_counter::parse("Actual/360").convention(), day_count_convention::act_360);
  EXPECT_EQ(day_counter::parse("ACTUAL/ACTUAL ICMA").convention(), day_count_convention::act_act_icma);
  EXPECT_EQ(day_counter::parse("Bond Basis").convention(), day_count_convention::thirty_360_bond);
}

TEST(DayCount, BadInput) {
  try {
    day_counter::parse("ACT/366", "loan/day_count");
    FAIL() << "no exception";
  } catch (const stakecalc::invalid_input& e) {
    EXPECT_EQ(e.where(), "loan/day_count");
    EXPECT_NE(std::string(e.what()).find("unknown day count convention 'ACT/366'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("30E/360 ISDA"), std::string::npos) << e.what();
  }
  // ICMA reference period that ends before it starts.
  try {
    icma.year_fraction(D(2024, 1, 1), D(2024, 3, 1), D(2024, 7, 1), D(2024, 1, 1));
    FAIL() << "no exception";
  } catch (const stakecalc::invalid_input& e) {
    EXPECT_EQ(e.where(), "ref_end");
    EXPECT_NE(std::string(e.what()).find("invalid reference period"), std::string::npos) << e.what();
  }
  // ACT/365L reference period that ends before it starts.
  EXPECT_THROW(day_counter::parse("ACT/365L").year_fraction(D(2024, 1, 1), D(2024, 3, 1), D(2024, 7, 1), D(2024, 1, 1)),
               stakecalc::invalid_input);
  // Not-a-date input.
  EXPECT_THROW(isda.year_fraction(date(boost::gregorian::not_a_date_time), D(2024, 1, 1)), stakecalc::invalid_input);
}
