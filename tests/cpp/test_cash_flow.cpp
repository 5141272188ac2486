// Dated cash flows: XNPV, XIRR, NPV, IRR, multiple and payback date.
//
// Oracles: the published examples of the spreadsheet vendor (Microsoft Excel's XIRR and XNPV
// help pages), numpy-financial's documented IRR examples, and flows built in the test so that
// their rate of return is known exactly (every amount is c * q^days for a rational q, so the
// rate is exactly q^365 - 1): those check all 28 digits against exact rational arithmetic.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <algorithm>
#include <typeinfo>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/tenor.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;
using ::testing::HasSubstr;

using stakecalc::testing::d;
using stakecalc::testing::dec;

using stakecalc::testing::close_to;
using stakecalc::testing::decimals;
using stakecalc::testing::expect_error;

// Microsoft Excel, XIRR function help page, example: -10,000 on 1-Jan-2008, 2,750 on 1-Mar-2008,
// 4,250 on 30-Oct-2008, 3,250 on 15-Feb-2009, 2,750 on 1-Apr-2009; XIRR = 0.373362535 (37.34%) as printed;
// the exact root is 0.37336253351883151030845541... (independent bisection at 40 digits).
// The XNPV page (and the WorksheetFunction.Xnpv page) discount the same flows at 9%: 2086.6476.
const std::vector<decimal> excel_amounts = decimals({"-10000", "2750", "4250", "3250", "2750"});
const std::vector<date> excel_dates = {d("2008-01-01"), d("2008-03-01"), d("2008-10-30"), d("2009-02-15"),
                                       d("2009-04-01")};

TEST(Xirr, ExcelHelpPageExample) {
  decimal r = xirr(excel_amounts, excel_dates);
  // Excel stops iterating early; its 9th place is off by one. 7 places agree with the exact root.
  EXPECT_EQ(r.rounded(7, rounding::half_up), dec("0.3733625"));
  EXPECT_EQ(r.rounded(25, rounding::half_even), dec("0.3733625335188315103084554"));
  EXPECT_GE(r.normalized().scale(), 28);  // carries its 30 significant digits
}

TEST(Xnpv, ExcelHelpPageExample) {
  decimal v = xnpv(dec("0.09"), excel_amounts, excel_dates);
  EXPECT_EQ(v.rounded(4, rounding::half_up), dec("2086.6476"));
  EXPECT_EQ(v.rounded(2, rounding::half_up), dec("2086.65"));
}

TEST(Xirr, DatesInAnyOrderGiveTheSameRate) {
  std::vector<std::size_t> order = {3, 0, 4, 2, 1};
  std::vector<decimal> amounts;
  std::vector<date> dates;
  for (std::size_t i : order) {
    amounts.push_back(excel_amounts[i]);
    dates.push_back(excel_dates[i]);
  }
  EXPECT_EQ(xirr(amounts, dates), xirr(excel_amounts, excel_dates));
}

// Flows c_i * q^(days_i) with q = 1001/1000 per day and sum c_i = 0 are worth zero at the rate
// r = q^365 - 1 exactly (ACT/365F), and at no other rate (one sign change).
TEST(Xirr, ExactRateToTwentyEightDigits) {
  ratio q(1001, 1000);
  auto qpow = [&](long n) {
    ratio p = 1;
    for (long i = 0; i < n; ++i) p *= q;
    return p;
  };
  std::vector<long> days = {0, 100, 250, 400, 1000};
  std::vector<long> weights = {-4, 1, 1, 1, 1};
  std::vector<decimal> amounts;
  std::vector<date> dates;
  for (std::size_t i = 0; i < days.size(); ++i) {
    // amounts are exact decimals: 1000 * 1.001^n has 3n decimal places
    amounts.push_back((ratio(weights[i] * 1000) * qpow(days[i])).to_decimal());
    dates.push_back(d("2020-01-01") + boost::gregorian::days(days[i]));
  }
  ratio exact = qpow(365) - ratio(1);
  EXPECT_TRUE(close_to(xirr(amounts, dates), exact, 29));
  // and discounting at that rate gives zero (to 1e-25 of the amounts' size)
  decimal rate = exact.round(40, rounding::half_even);
  EXPECT_LT(xnpv(rate, amounts, dates).abs(), dec("1e-25"));
}

// Two flows of opposite signs have one rate, found in closed form: (1 + r)^t = received / paid.
TEST(Xirr, TwoFlowsAreExact) {
  // 1,000,000.01 a year (365 days, ACT/365F) after 1,000,000.00: r = 10^-8, the flows nearly cancel.
  EXPECT_TRUE(close_to(xirr(decimals({"-1000000.00", "1000000.01"}), {d("2021-01-01"), d("2022-01-01")}),
                       ratio(1, 100000000), 28));
  // Out of order, with a zero flow between: 121 two years (730 days) after 100 is 10% a year.
  EXPECT_TRUE(close_to(xirr(decimals({"121", "0", "-100"}), {d("2023-01-01"), d("2021-06-01"), d("2021-01-01")}),
                       ratio(1, 10), 28));
  // A year fraction that is not days over a constant: ACT/ACT ISDA, 2021-01-01 to 2022-01-01 is 1.
  EXPECT_TRUE(close_to(xirr(decimals({"-100", "110"}), {d("2021-01-01"), d("2022-01-01")}, std::nullopt,
                            day_counter::parse("ACT/ACT ISDA")),
                       ratio(1, 10), 28));
  // Everything lost: 0.01 back on 1,000,000 after a year is a rate of 10^-8 - 1.
  EXPECT_TRUE(close_to(xirr(decimals({"-1000000", "0.01"}), {d("2021-01-01"), d("2022-01-01")}),
                       ratio(1, 100000000) - ratio(1), 28));
}

TEST(Xirr, OtherDayCountsChangeTheYearFraction) {
  // 1,100 received 360 days after paying 1,000: exactly 10% on ACT/360, less on ACT/365F.
  std::vector<decimal> amounts = decimals({"-1000", "1100"});
  std::vector<date> dates = {d("2021-03-01"), d("2022-02-24")};
  EXPECT_TRUE(close_to(xirr(amounts, dates, std::nullopt, day_counter::parse("ACT/360")), ratio(1, 10)));
  // ACT/365F: 1.1^(365/360) - 1 = 0.10149...; check against the equation at 25 digits by bracketing
  decimal r = xirr(amounts, dates);
  EXPECT_GT(r, dec("0.1014"));
  EXPECT_LT(r, dec("0.1016"));
}

TEST(Xirr, GuessSelectsAmongSeveralRoots) {
  // -100 + 230 v - 132 v^2 = 0 at 1 + r = 1.1 and 1.2: two rates of return.
  std::vector<decimal> amounts = decimals({"-100", "230", "-132"});
  EXPECT_TRUE(close_to(irr(amounts), ratio(1, 10)));
  EXPECT_TRUE(close_to(irr(amounts, dec("0.25")), ratio(2, 10)));
  EXPECT_TRUE(close_to(irr(amounts, dec("0")), ratio(1, 10)));
  EXPECT_TRUE(close_to(irr(amounts, dec("0.5")), ratio(2, 10)));
}

TEST(Xirr, TheRootRuleHoldsWhereTheSearchSkipsGridPoints) {
  // -100 now, 100 (u + w) after a year and -100 u w after two have the roots 1 + r = u and w. The
  // rule (cash_flow.hpp): grid intervals of x = ln(1 + r) from the guess 0.1 outward, above before
  // below. The search skips grid points above the guess where a bound on f'' shows f keeps its
  // sign; these cases put a root just above the guess (it must not be skipped), roots far off on
  // both sides (the one below comes first in the rule's order), and a root two intervals up that
  // comes first (the skipped point below it is then evaluated to bracket it).
  const std::vector<date> dates = {d("2021-01-01"), d("2022-01-01"), d("2023-01-01")};  // 365 days each
  auto rate = [&](const char* u_plus_w, const char* u_times_w) {
    return xirr({dec("-100"), dec(u_plus_w), -dec(u_times_w)}, dates);
  };
  // 12% (x = 0.1133, in [0.0953, 0.1153], the first interval up) before 8% (the first below).
  EXPECT_TRUE(close_to(rate("220", "120.96"), ratio(12, 100)));
  // 30% (x = 0.262, fourth interval up) and 1% (x = 0.00995, third interval down): 1% comes first.
  EXPECT_TRUE(close_to(rate("231", "131.3"), ratio(1, 100)));
  // 14% (x = 0.131, second interval up) before 3% (third down).
  EXPECT_TRUE(close_to(rate("217", "117.42"), ratio(14, 100)));
}

TEST(Irr, NumpyFinancialDocumentedExamples) {
  // numpy-financial index page: npf.irr([-250000, 100000, 150000, 200000, 250000, 300000])
  // = 0.5672303344358536; numpy.irr docs: np.irr([-100, 39, 59, 55, 20]) = 0.2809484211599611.
  // Doubles: compare at 14 significant digits.
  decimal a = irr(decimals({"-250000", "100000", "150000", "200000", "250000", "300000"}));
  EXPECT_EQ(a.rounded(14, rounding::half_even), dec("0.56723033443585"));
  decimal b = irr(decimals({"-100", "39", "59", "55", "20"}));
  EXPECT_EQ(b.rounded(14, rounding::half_even), dec("0.28094842115996"));
}

TEST(Npv, PeriodicWithFirstFlowUndiscounted) {
  // Exact: -100 + 60/1.1 + 60/1.21 = 4.1322314049586776859504132231404958677... (= 500/121)
  decimal v = npv(dec("0.1"), decimals({"-100", "60", "60"}));
  EXPECT_TRUE(close_to(v, ratio(500, 121), 29));
}

TEST(Xnpv, WholeYearsAreExact) {
  // 1000 paid, 600 after 365 days and 600 after 730: -1000 + 600/1.09 + 600/1.09^2 exactly.
  std::vector<date> dates = {d("2021-01-01"), d("2022-01-01"), d("2023-01-01")};
  ratio v = ratio(-1000) + ratio(600) / ratio(109, 100) + ratio(600) / (ratio(109, 100) * ratio(109, 100));
  EXPECT_TRUE(close_to(xnpv(dec("0.09"), decimals({"-1000", "600", "600"}), dates), v, 29));
  // discounted to another date: one year later, everything is worth 1.09 times more
  EXPECT_TRUE(close_to(xnpv_at(dec("0.09"), decimals({"-1000", "600", "600"}), dates, d("2022-01-01")),
                       v * ratio(109, 100), 29));
}

TEST(CashFlow, MoneyFlowsInOneCurrency) {
  std::vector<cash_flow> flows;
  for (std::size_t i = 0; i < excel_amounts.size(); ++i)
    flows.push_back({excel_dates[i], money(excel_amounts[i], currency::of("CNY"))});
  EXPECT_EQ(xirr(flows), xirr(excel_amounts, excel_dates));
  EXPECT_EQ(xnpv(dec("0.09"), flows), xnpv(dec("0.09"), excel_amounts, excel_dates));
  EXPECT_EQ(multiple(flows), ratio(13000, 10000));
  flows[2].amount = money(dec("4250"), currency::of("USD"));
  expect_error<currency_mismatch>([&] { xirr(flows); }, "flows[2] is in USD but flows[0] is in CNY");
}

TEST(Multiple, InflowsOverOutflows) {
  EXPECT_EQ(multiple(decimals({"-100", "50", "80"})), ratio(13, 10));
  EXPECT_EQ(multiple(decimals({"-100", "-50", "30", "0"})), ratio(1, 5));
  expect_error<invalid_input>([] { multiple(decimals({"100", "50"})); }, "no amount was paid out");
}

TEST(PaybackDate, FirstDayTheCumulativeFlowStaysNonNegative) {
  std::vector<date> dates = {d("2020-01-01"), d("2021-01-01"), d("2022-01-01"), d("2023-01-01")};
  EXPECT_EQ(payback_date(decimals({"-100", "60", "60", "5"}), dates), d("2022-01-01"));
  // dips below zero again, then recovers: the later date
  EXPECT_EQ(payback_date(decimals({"-100", "120", "-30", "50"}), dates), d("2023-01-01"));
  // never paid back
  EXPECT_EQ(payback_date(decimals({"-100", "30", "80", "-20"}), dates), std::nullopt);
  // flows of one day count together, whatever their order in the input
  std::vector<date> same_day = {d("2021-01-01"), d("2020-01-01"), d("2021-01-01")};
  EXPECT_EQ(payback_date(decimals({"150", "-100", "-40"}), same_day), d("2021-01-01"));
}

TEST(CashFlowErrors, BadInputIsRefusedWithItsName) {
  expect_error<invalid_input>([] { xirr(std::vector<decimal>{}, std::vector<date>{}); }, "xirr: no cash flows (amounts is empty)");
  expect_error<invalid_input>([] { xirr(decimals({"-1", "2"}), {d("2020-01-01")}); }, "xirr: 2 amounts but 1 dates");
  expect_error<no_solution>([] { xirr(decimals({"1", "2"}), {d("2020-01-01"), d("2021-01-01")}); },
                            "all are positive");
  expect_error<no_solution>([] { xirr(decimals({"-1", "-2"}), {d("2020-01-01"), d("2021-01-01")}); },
                            "all are negative");
  expect_error<no_solution>([] { irr(decimals({"100", "-50", "100"})); }, "no rate between -100% and e^40 - 1");
  expect_error<no_solution>([] { xirr(decimals({"-100", "100"}), {d("2020-01-01"), d("2020-01-01")}); },
                            "all flows fall on one date");
  expect_error<invalid_input>([] { xirr(excel_amounts, excel_dates, dec("-1")); }, "guess -1 must be greater than -1");
  expect_error<invalid_input>([] { xnpv(dec("-1"), excel_amounts, excel_dates); }, "rate -1 must be greater than -1");
  expect_error<invalid_input>([] { xnpv(dec("-1.5"), excel_amounts, excel_dates); }, "xnpv: rate -1.5");
  expect_error<invalid_input>([] { npv(dec("0.1"), {}); }, "npv: no cash flows");
  expect_error<invalid_input>([] { xirr(excel_amounts, excel_dates, std::nullopt, {}, 34); }, "digits 34 outside 1..33");
  expect_error<invalid_input>([] { payback_date(decimals({"1"}), {}); }, "payback_date: 1 amounts but 0 dates");
}

// ---- property: XNPV at the XIRR is zero ---------------------------------------------------------

// An investment then up to 11 returns from a month to 15 years later (one sign change, so the
// root is unique; their sum is at least a tenth of the investment, so the IRR is at worst about
// -100% + 6e-13, a rate 30 digits can hold: a tenth back after one day would be -100% + 1e-365). The test evaluates XNPV itself, sum a_i (1 + r)^(-days_i / 365) in 50-digit binary
// floating point (not the library's engine), just below and just above the rate xirr returned:
// r (1 -+ 1e-24) must bracket the root, i.e. xirr's 30 significant digits are right to at least
// 24 of them, and |XNPV(r)| is at most 1e-18 of the flows' size.
RC_GTEST_PROP(XirrProperties, XnpvAtTheXirrIsZero, ()) {
  using big_float = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>, boost::multiprecision::et_off>;
  const int returns = *rc::gen::inRange(1, 12);
  const std::int64_t invested = *rc::gen::inRange<std::int64_t>(100000, 100000000000);  // cents
  std::vector<decimal> amounts{decimal::from_parts(-invested, 2)};
  std::vector<date> dates{d("2020-03-31")};
  std::vector<int> days{0};
  std::int64_t received = 0;
  for (int i = 0; i < returns; ++i) {
    const int day = *rc::gen::inRange(30, 15 * 365);
    const std::int64_t cents = *rc::gen::inRange<std::int64_t>(0, 3 * invested);
    amounts.push_back(decimal::from_parts(cents, 2));
    days.push_back(day);
    dates.push_back(detail::add_days(dates[0], day));
    received += cents;
  }
  RC_PRE(received * 10 >= invested);
  const decimal r = xirr(amounts, dates);
  auto xnpv_at = [&](const big_float& rate) {
    big_float sum = 0;
    for (std::size_t i = 0; i < amounts.size(); ++i)
      sum += big_float(amounts[i].to_string()) * pow(1 + rate, -big_float(days[i]) / 365);
    return sum;
  };
  const big_float rate(r.to_string());
  big_float size = 0;
  for (const decimal& a : amounts) size += abs(big_float(a.to_string()));
  RC_ASSERT(abs(xnpv_at(rate)) <= size * big_float("1e-18"));
  if (rate == 0) return;  // the returns sum to the investment: XNPV(0) is exactly 0
  const big_float below = xnpv_at(rate - abs(rate) * big_float("1e-24"));
  const big_float above = xnpv_at(rate + abs(rate) * big_float("1e-24"));
  RC_ASSERT(below.sign() * above.sign() <= 0);
}

}  // namespace
