// Spreadsheet-compatible functions.
//
// Oracles, each named where it is used:
// - the examples on Microsoft's Excel help pages (support.microsoft.com, "<NAME> function"),
//   compared to every digit the page publishes (after the page's own rounding, half away from
//   zero, as a spreadsheet displays);
// - the DAX RATE page (learn.microsoft.com), which prints the example's result to 15 digits;
// - numpy-financial's documented examples (doubles: compared at 13 to 14 significant digits);
// - exact derivations in the test (integer periods make PMT, FV, PV, NPV and EFFECT rational),
//   compared at 28 significant digits; and round trips (RATE of a PMT, NPER of a PMT).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <typeinfo>

#include "stakecalc/spreadsheet.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;
namespace ss = stakecalc::spreadsheet;
using ::testing::HasSubstr;

using stakecalc::testing::d;
using stakecalc::testing::dec;
// a / b to 40 places: the spreadsheet's A2/12 as an exact-enough decimal
decimal per(const char* a, long b) { return divide(dec(a), decimal(b), 40, rounding::half_even); }

// As the spreadsheet displays: rounded half away from zero to the published places.
decimal shown(const decimal& v, int places) { return v.rounded(places, rounding::half_up); }

using stakecalc::testing::close_to;
using stakecalc::testing::decimals;
using stakecalc::testing::expect_error;

ratio rpow(const ratio& base, long n) {
  ratio p = 1;
  for (long i = 0; i < n; ++i) p *= base;
  return p;
}

// PMT by its defining equation, exactly, for a whole number of periods.
ratio exact_pmt(const ratio& r, long n, const ratio& pv, const ratio& fv, int type) {
  ratio g = rpow(ratio(1) + r, n);
  return -(fv + pv * g) * r / ((ratio(1) + r * ratio(type)) * (g - ratio(1)));
}

// ---- PMT ---------------------------------------------------------------------------------------

TEST(Pmt, ExcelHelpPage) {
  // PMT: 8% a year, 10 monthly payments, 10,000 -> (1,037.03); payments in advance (1,030.16);
  // 6% a year, 18 years of monthly saving for 50,000 -> (129.08).
  EXPECT_EQ(shown(ss::pmt(per("0.08", 12), dec("10"), dec("10000")), 2), dec("-1037.03"));
  EXPECT_EQ(shown(ss::pmt(per("0.08", 12), dec("10"), dec("10000"), 0, 1), 2), dec("-1030.16"));
  EXPECT_EQ(shown(ss::pmt(per("0.06", 12), dec("216"), dec("0"), dec("50000")), 2), dec("-129.08"));
}

TEST(Pmt, NumpyFinancialDocumentedExample) {
  // np.pmt(0.075/12, 12*15, 200000) = -1854.0247200054619
  EXPECT_EQ(ss::pmt(per("0.075", 12), dec("180"), dec("200000")).rounded(10, rounding::half_even),
            dec("-1854.0247200055"));
}

TEST(Pmt, ExactForWholePeriods) {
  EXPECT_TRUE(close_to(ss::pmt(dec("0.0075"), dec("360"), dec("125000")),
                       exact_pmt(ratio(3, 400), 360, 125000, 0, 0)));
  EXPECT_TRUE(close_to(ss::pmt(dec("0.005"), dec("24"), dec("-8000"), dec("1000"), 1),
                       exact_pmt(ratio(1, 200), 24, -8000, 1000, 1)));
  // rate 0: the payments just repay pv + fv
  EXPECT_EQ(ss::pmt(dec("0"), dec("8"), dec("1000"), dec("200")), dec("-150"));
}

// ---- IPMT, PPMT, CUMIPMT, CUMPRINC -------------------------------------------------------------

TEST(Ipmt, ExcelHelpPage) {
  // IPMT: 10% a year, period 1, 3 years, 8,000: first month's interest (66.67); yearly payments,
  // last year's interest (292.45).
  EXPECT_EQ(shown(ss::ipmt(per("0.1", 12), dec("1"), dec("36"), dec("8000")), 2), dec("-66.67"));
  EXPECT_EQ(shown(ss::ipmt(dec("0.1"), dec("3"), dec("3"), dec("8000")), 2), dec("-292.45"));
}

TEST(Ppmt, ExcelHelpPage) {
  // PPMT: 10% a year, 2 years, 2,000: first month's principal (75.62); 8%, 10 years, 200,000:
  // principal of year 10 (27,598.05).
  EXPECT_EQ(shown(ss::ppmt(per("0.1", 12), dec("1"), dec("24"), dec("2000")), 2), dec("-75.62"));
  EXPECT_EQ(shown(ss::ppmt(dec("0.08"), dec("10"), dec("10"), dec("200000")), 2), dec("-27598.05"));
}

TEST(CumIpmt, ExcelHelpPage) {
  // CUMIPMT: 9% a year, 30 years, 125,000: second year's interest -11135.23213; first month -937.5.
  EXPECT_EQ(shown(ss::cumipmt(per("0.09", 12), dec("360"), dec("125000"), 13, 24, 0), 5), dec("-11135.23213"));
  EXPECT_EQ(ss::cumipmt(dec("0.0075"), dec("360"), dec("125000"), 1, 1, 0), dec("-937.5"));
}

TEST(CumPrinc, ExcelHelpPage) {
  // CUMPRINC: same loan: second year's principal -934.1071234; first month's -68.27827118.
  EXPECT_EQ(shown(ss::cumprinc(per("0.09", 12), dec("360"), dec("125000"), 13, 24, 0), 7), dec("-934.1071234"));
  EXPECT_EQ(shown(ss::cumprinc(per("0.09", 12), dec("360"), dec("125000"), 1, 1, 0), 8), dec("-68.27827118"));
}

TEST(IpmtPpmt, SplitThePaymentExactly) {
  // A 4-period loan at 5%, replayed exactly: interest = 5% of the balance, principal = the rest.
  ratio r(1, 20), pay = exact_pmt(r, 4, 1000, 0, 0), balance = 1000;
  for (long p = 1; p <= 4; ++p) {
    ratio interest = -balance * r;
    EXPECT_TRUE(close_to(ss::ipmt(dec("0.05"), decimal(p), dec("4"), dec("1000")), interest));
    EXPECT_TRUE(close_to(ss::ppmt(dec("0.05"), decimal(p), dec("4"), dec("1000")), pay - interest));
    balance += pay - interest;
  }
  // payments in advance: nothing accrues before the first payment
  EXPECT_EQ(ss::ipmt(dec("0.05"), dec("1"), dec("4"), dec("1000"), 0, 1), dec("0"));
  ratio pay1 = exact_pmt(r, 4, 1000, 0, 1);
  EXPECT_TRUE(close_to(ss::ipmt(dec("0.05"), dec("2"), dec("4"), dec("1000"), 0, 1), -(ratio(1000) + pay1) * r));
}

// ---- FV, PV, NPER, RATE ------------------------------------------------------------------------

TEST(Fv, ExcelHelpPage) {
  // FV: 6% a year, 10 monthly payments of -200, pv -500, in advance: 2,581.40;
  // 12%, 12 payments of -1,000: 12,682.50; 11%, 35 payments of -2,000 in advance: 82,846.25.
  EXPECT_EQ(shown(ss::fv(per("0.06", 12), dec("10"), dec("-200"), dec("-500"), 1), 2), dec("2581.40"));
  EXPECT_EQ(shown(ss::fv(per("0.12", 12), dec("12"), dec("-1000")), 2), dec("12682.50"));
  EXPECT_EQ(shown(ss::fv(per("0.11", 12), dec("35"), dec("-2000"), dec("0"), 1), 2), dec("82846.25"));
}

TEST(Fv, ExactAndNumpyFinancial) {
  // npf.fv(0.05/12, 10*12, -100, -100) = 15692.928894335748 (numpy-financial fv docs, a double);
  // the exact value is 15692.92889433582112387..., so the published double is right to 9 places.
  EXPECT_EQ(ss::fv(per("0.05", 12), dec("120"), dec("-100"), dec("-100")).rounded(9, rounding::half_even),
            dec("15692.928894336"));
  EXPECT_EQ(ss::fv(per("0.05", 12), dec("120"), dec("-100"), dec("-100")).rounded(20, rounding::half_even),
            dec("15692.92889433582112387473507").rounded(20, rounding::half_even));
  ratio g = rpow(ratio(101, 100), 12);
  EXPECT_TRUE(close_to(ss::fv(dec("0.01"), dec("12"), dec("-100"), dec("-1000")),
                       ratio(1000) * g + ratio(100) * (g - ratio(1)) / ratio(1, 100)));
}

TEST(Pv, ExcelHelpPage) {
  // PV: 500 a month for 20 years at 8%: (59,777.15).
  EXPECT_EQ(shown(ss::pv(per("0.08", 12), dec("240"), dec("500"), dec("0"), 0), 2), dec("-59777.15"));
  // exact: 100 a year for 3 years at 10%
  EXPECT_TRUE(close_to(ss::pv(dec("0.1"), dec("3"), dec("100")),
                       -(ratio(100) / ratio(11, 10) + ratio(100) / rpow(ratio(11, 10), 2) + ratio(100) / rpow(ratio(11, 10), 3))));
}

TEST(Nper, ExcelHelpPage) {
  // NPER: 12% a year, -100 a month, pv -1,000, fv 10,000: in advance 59.6738657, at the end
  // 60.0821229; without fv -9.57859404.
  EXPECT_EQ(shown(ss::nper(per("0.12", 12), dec("-100"), dec("-1000"), dec("10000"), 1), 7), dec("59.6738657"));
  EXPECT_EQ(shown(ss::nper(per("0.12", 12), dec("-100"), dec("-1000"), dec("10000")), 7), dec("60.0821229"));
  EXPECT_EQ(shown(ss::nper(per("0.12", 12), dec("-100"), dec("-1000")), 8), dec("-9.57859404"));
}

TEST(Nper, RoundTripsAPayment) {
  decimal payment = exact_pmt(ratio(1, 100), 48, 8000, 0, 0).round(45, rounding::half_even);
  EXPECT_TRUE(close_to(ss::nper(dec("0.01"), payment, dec("8000")), ratio(48)));
  EXPECT_EQ(ss::nper(dec("0"), dec("-125"), dec("1000")), dec("8"));
}

TEST(Rate, ExcelAndDaxHelpPages) {
  // RATE: 4 years of -200 a month for 8,000: 1% a month (shown with 0 decimals), 9.24% a year.
  // The DAX RATE page prints 0.00770147248820137 and 0.0924176698584164, but DAX stops iterating at
  // 1e-7, so only its first 12 significant digits are right; the exact root (bisection at 60 digits
  // in an independent derivation) is 0.007701472488202043815969130104...
  decimal monthly = ss::rate(dec("48"), dec("-200"), dec("8000"));
  EXPECT_EQ(shown(monthly * 100, 0), dec("1"));
  EXPECT_EQ(shown(monthly * 1200, 2), dec("9.24"));
  EXPECT_EQ(monthly.rounded(14, rounding::half_even), dec("0.00770147248820137").rounded(14, rounding::half_even));
  EXPECT_EQ(monthly.rounded(28, rounding::half_even), dec("0.007701472488202043815969130104").rounded(28, rounding::half_even));
  EXPECT_EQ((monthly * 12).rounded(26, rounding::half_even), dec("0.09241766985842452579162956125").rounded(26, rounding::half_even));
}

TEST(Rate, RoundTripsAPaymentToTwentyEightDigits) {
  decimal payment = exact_pmt(ratio(1, 100), 48, 8000, 0, 0).round(45, rounding::half_even);
  EXPECT_TRUE(close_to(ss::rate(dec("48"), payment, dec("8000")), ratio(1, 100)));
  decimal advance = exact_pmt(ratio(3, 400), 360, 125000, 5000, 1).round(45, rounding::half_even);
  EXPECT_TRUE(close_to(ss::rate(dec("360"), advance, dec("125000"), dec("5000"), 1), ratio(3, 400)));
}

// ---- NPV, IRR, XNPV, XIRR ----------------------------------------------------------------------

TEST(Npv, ExcelHelpPage) {
  // NPV: 10%, -10,000 after one year then 3,000, 4,200, 6,800: 1,188.44.
  EXPECT_EQ(shown(ss::npv(dec("0.1"), decimals({"-10000", "3000", "4200", "6800"})), 2), dec("1188.44"));
  // 8%, an investment of 40,000 today and returns 8,000 ... 14,500: NPV(...) + A3 = 1,922.06;
  // with a loss of 9,000 in year 6: (3,749.47).
  std::vector<decimal> returns = decimals({"8000", "9200", "10000", "12000", "14500"});
  EXPECT_EQ(shown(ss::npv(dec("0.08"), returns) - dec("40000"), 2), dec("1922.06"));
  returns.push_back(dec("-9000"));
  EXPECT_EQ(shown(ss::npv(dec("0.08"), returns) - dec("40000"), 2), dec("-3749.47"));
}

TEST(Npv, ExactAndNumpyFinancial) {
  EXPECT_TRUE(close_to(ss::npv(dec("0.1"), decimals({"110", "121"})), ratio(200)));
  // npf.npv discounts its first value by zero periods: npf.npv(rate, v) = v[0] + NPV(rate, v[1:]).
  // numpy-financial npv docs: npf.npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000]) = 3065.22267
  EXPECT_EQ((ss::npv(dec("0.08"), decimals({"5000", "8000", "12000", "30000"})) - dec("40000")).rounded(5, rounding::half_even),
            dec("3065.22267"));
}

TEST(Irr, ExcelHelpPage) {
  // IRR: -70,000 then 12,000, 15,000, 18,000, 21,000, 26,000: after four years -2.1%, after five
  // 8.7%, after two years with guess -10%: -44.4%.
  std::vector<decimal> v = decimals({"-70000", "12000", "15000", "18000", "21000", "26000"});
  EXPECT_EQ(shown(ss::irr({v.begin(), v.begin() + 5}) * 100, 1), dec("-2.1"));
  EXPECT_EQ(shown(ss::irr(v) * 100, 1), dec("8.7"));
  EXPECT_EQ(shown(ss::irr({v.begin(), v.begin() + 3}, dec("-0.1")) * 100, 1), dec("-44.4"));
}

TEST(XnpvXirr, ExcelHelpPages) {
  std::vector<decimal> values = decimals({"-10000", "2750", "4250", "3250", "2750"});
  std::vector<date> dates = {d("2008-01-01"), d("2008-03-01"), d("2008-10-30"), d("2009-02-15"), d("2009-04-01")};
  EXPECT_EQ(shown(ss::xnpv(dec("0.09"), values, dates), 2), dec("2086.65"));
  // Excel prints 0.373362535, but it stops iterating within 0.000001%, so only 7 places agree with
  // the exact root 0.3733625335188315103084554119 (bisection at 40 digits, independent derivation).
  EXPECT_EQ(shown(ss::xirr(values, dates), 7), dec("0.3733625"));
  EXPECT_EQ(ss::xirr(values, dates).rounded(25, rounding::half_even),
            dec("0.3733625335188315103084554119").rounded(25, rounding::half_even));
  EXPECT_EQ(ss::xirr(values, dates), xirr(values, dates));  // same as the ACT/365F cash_flow function
  // the spreadsheet discounts to the first date in the list, which must be the earliest
  dates[3] = d("2007-12-31");
  expect_error<invalid_input>([&] { ss::xnpv(dec("0.09"), values, dates); },
                              "dates: dates[3] 2007-12-31 is before dates[0] 2008-01-01");
}

// ---- YEARFRAC, EFFECT, NOMINAL, EDATE, EOMONTH -------------------------------------------------

TEST(Yearfrac, ExcelHelpPage) {
  // YEARFRAC(1-Jan-2012, 30-Jul-2012): basis 0 0.58055556, basis 1 0.57650273, basis 3 0.57808219.
  EXPECT_EQ(shown(ss::yearfrac(d("2012-01-01"), d("2012-07-30")), 8), dec("0.58055556"));
  EXPECT_EQ(shown(ss::yearfrac(d("2012-01-01"), d("2012-07-30"), 1), 8), dec("0.57650273"));
  EXPECT_EQ(shown(ss::yearfrac(d("2012-01-01"), d("2012-07-30"), 3), 8), dec("0.57808219"));
  EXPECT_EQ(ss::year_fraction(d("2012-01-01"), d("2012-07-30"), 0), ratio(209, 360));
  EXPECT_EQ(ss::year_fraction(d("2012-01-01"), d("2012-07-30"), 1), ratio(211, 366));
  EXPECT_EQ(ss::year_fraction(d("2012-01-01"), d("2012-07-30"), 2), ratio(211, 360));
  EXPECT_EQ(ss::year_fraction(d("2012-07-30"), d("2012-01-01"), 3), ratio(211, 365));  // either order
}

TEST(Yearfrac, BasisRules) {
  // Basis 1 across calendar years: days over the average year length of 2010 and 2011
  // (647 days, 730 days in 2 years): 1.77260; basis 2 1.79722, 4 1.77500; basis 0
  // 2008-01-01..2009-10-10 1.775. Derived by hand from the basis rules as reverse-engineered by
  // David A. Wheeler ("YEARFRAC incompatibilities between Excel 2007 and OOXML/OpenFormula").
  EXPECT_EQ(ss::year_fraction(d("2010-01-01"), d("2011-10-10"), 1), ratio(647 * 2, 730));
  EXPECT_EQ(shown(ss::yearfrac(d("2010-01-01"), d("2011-10-10"), 1), 5), dec("1.77260"));
  EXPECT_EQ(shown(ss::yearfrac(d("2010-01-01"), d("2011-10-10"), 2), 5), dec("1.79722"));
  EXPECT_EQ(shown(ss::yearfrac(d("2010-01-01"), d("2011-10-10"), 4), 5), dec("1.77500"));
  EXPECT_EQ(ss::yearfrac(d("2008-01-01"), d("2009-10-10")), dec("1.775"));
  // basis 1 within a year that covers 29 February 2012: 366-day year
  EXPECT_EQ(ss::year_fraction(d("2011-12-01"), d("2012-03-01"), 1), ratio(91, 366));
  EXPECT_EQ(ss::year_fraction(d("2011-01-01"), d("2011-12-31"), 1), ratio(364, 365));
  // basis 0 end-of-February rules: last of February to last of February counts as the 30th
  EXPECT_EQ(ss::year_fraction(d("2011-02-28"), d("2012-02-29"), 0), ratio(360, 360));
  EXPECT_EQ(ss::year_fraction(d("2011-02-28"), d("2011-03-31"), 0), ratio(31, 360));
  // basis 4 moves every 31st to the 30th
  EXPECT_EQ(ss::year_fraction(d("2011-01-31"), d("2011-03-31"), 4), ratio(60, 360));
  EXPECT_EQ(ss::year_fraction(d("2011-01-30"), d("2011-03-31"), 0), ratio(60, 360));
  EXPECT_EQ(ss::year_fraction(d("2011-01-29"), d("2011-03-31"), 0), ratio(62, 360));
}

TEST(EffectNominal, ExcelHelpPages) {
  // EFFECT(5.25%, 4) = 0.0535427 (shown to 7 places); NOMINAL(5.3543%, 4) = 0.05250032.
  EXPECT_EQ(shown(ss::effect(dec("0.0525"), 4), 7), dec("0.0535427"));
  EXPECT_EQ(ss::effect(dec("0.0525"), 4), (rpow(ratio(1013125, 1000000), 4) - ratio(1)).to_decimal());  // exact
  EXPECT_EQ(shown(ss::nominal(dec("0.053543"), 4), 8), dec("0.05250032"));
}

RC_GTEST_PROP(EffectNominal, NominalUndoesEffect, ()) {
  long n = *rc::gen::inRange<long>(1, 366);
  long basis_points = *rc::gen::inRange<long>(1, 5000);
  decimal r = decimal::from_parts(basis_points, 4);
  decimal back = ss::nominal(ss::effect(r, n), n);
  RC_ASSERT(static_cast<bool>(close_to(back, ratio(r), 27)));
}

TEST(EdateEomonth, ExcelHelpPages) {
  // EDATE(15-Jan-2011, 1) = 15-Feb-2011, -1 -> 15-Dec-2010, 2 -> 15-Mar-2011.
  EXPECT_EQ(ss::edate(d("2011-01-15"), 1), d("2011-02-15"));
  EXPECT_EQ(ss::edate(d("2011-01-15"), -1), d("2010-12-15"));
  EXPECT_EQ(ss::edate(d("2011-01-15"), 2), d("2011-03-15"));
  // EOMONTH(1-Jan-2011, 1) = 28-Feb-2011; -3 -> 31-Oct-2010.
  EXPECT_EQ(ss::eomonth(d("2011-01-01"), 1), d("2011-02-28"));
  EXPECT_EQ(ss::eomonth(d("2011-01-01"), -3), d("2010-10-31"));
  // the day is clamped, never rolled into the next month; an end of month does not stick
  EXPECT_EQ(ss::edate(d("2011-01-31"), 1), d("2011-02-28"));
  EXPECT_EQ(ss::edate(d("2011-02-28"), 1), d("2011-03-28"));
  expect_error<invalid_input>([] { ss::edate(d("9999-12-01"), 1); }, "leaves the supported years");
}

// ---- bad input ---------------------------------------------------------------------------------

TEST(SpreadsheetErrors, EachArgumentNamedWithItsValue) {
  expect_error<invalid_input>([] { ss::pmt(dec("0.01"), dec("12"), dec("100"), 0, 2); },
                              "type: must be 0 (payments at the end of each period) or 1 (at the start), not 2");
  expect_error<invalid_input>([] { ss::fv(dec("0.01"), dec("12"), dec("-1"), 0, -1); }, "type: must be 0");
  expect_error<invalid_input>([] { ss::pv(dec("-1"), dec("12"), dec("-1")); }, "rate: must be greater than -1, not -1");
  expect_error<invalid_input>([] { ss::pmt(dec("-1.5"), dec("12"), dec("100")); }, "rate: must be greater than -1");
  expect_error<invalid_input>([] { ss::pmt(dec("0.01"), dec("0"), dec("100")); }, "nper: must not be 0");
  expect_error<invalid_input>([] { ss::ipmt(dec("0.01"), dec("13"), dec("12"), dec("100")); },
                              "per: must be between 1 and nper (12), not 13");
  expect_error<invalid_input>([] { ss::ppmt(dec("0.01"), dec("0"), dec("12"), dec("100")); }, "per: must be between 1");
  expect_error<invalid_input>([] { ss::cumipmt(dec("0"), dec("12"), dec("100"), 1, 2, 0); },
                              "rate: must be greater than 0, not 0");
  expect_error<invalid_input>([] { ss::cumipmt(dec("0.01"), dec("12"), dec("-100"), 1, 2, 0); }, "pv: must be greater than 0");
  expect_error<invalid_input>([] { ss::cumprinc(dec("0.01"), dec("12"), dec("100"), 0, 2, 0); },
                              "start_period: must be at least 1, not 0");
  expect_error<invalid_input>([] { ss::cumprinc(dec("0.01"), dec("12"), dec("100"), 3, 2, 0); },
                              "end_period: must not be before start_period (3), not 2");
  expect_error<invalid_input>([] { ss::cumprinc(dec("0.01"), dec("12"), dec("100"), 1, 13, 0); },
                              "end_period: must not be after nper (12), not 13");
  expect_error<invalid_input>([] { ss::cumipmt(dec("0.01"), dec("12"), dec("100"), 1, 2, 3); }, "type: must be 0");
  expect_error<no_solution>([] { ss::nper(dec("0"), dec("0"), dec("100")); }, "nper: with rate and pmt both 0");
  expect_error<no_solution>([] { ss::nper(dec("0.01"), dec("1"), dec("-200")); }, "nper: no number of periods reaches fv 0");
  expect_error<invalid_input>([] { ss::rate(dec("0"), dec("-1"), dec("10")); }, "nper: must be greater than 0, not 0");
  expect_error<no_solution>([] { ss::rate(dec("10"), dec("100"), dec("100")); }, "rate: no rate between -100% and e^40 - 1");
  expect_error<invalid_input>([] { ss::npv(dec("0.1"), {}); }, "values: is empty");
  expect_error<invalid_input>([] { ss::npv(dec("-1"), decimals({"1"})); }, "rate: must be greater than -1");
  expect_error<no_solution>([] { ss::irr(decimals({"1", "2"})); }, "irr: the amounts must include a positive and a negative one (all are positive)");
  expect_error<invalid_input>([] { ss::xirr(decimals({"-1", "2"}), {d("2020-01-01")}); }, "dates: 2 values but 1 dates");
  expect_error<invalid_input>([] { ss::xirr({}, {}); }, "values: is empty");
  expect_error<invalid_input>([] { ss::yearfrac(d("2020-01-01"), d("2021-01-01"), 5); },
                              "basis: must be 0 (US 30/360), 1 (actual/actual), 2 (actual/360), 3 (actual/365) or 4 (European 30/360), not 5");
  expect_error<invalid_input>([] { ss::yearfrac(d("2020-01-01"), d("2021-01-01"), -1); }, "not -1");
  expect_error<invalid_input>([] { ss::effect(dec("0"), 4); }, "nominal_rate: must be greater than 0, not 0");
  expect_error<invalid_input>([] { ss::effect(dec("0.05"), 0); }, "npery: must be at least 1, not 0");
  expect_error<invalid_input>([] { ss::nominal(dec("-0.05"), 4); }, "effect_rate: must be greater than 0, not -0.05");
  expect_error<invalid_input>([] { ss::nominal(dec("0.05"), -2); }, "npery: must be at least 1, not -2");
}

}  // namespace
