// Exact decimal and ratio: published tables (java.math.RoundingMode's javadoc, Python's decimal
// documentation), the classic traps of decimal libraries, and bad input.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "stakecalc/decimal.hpp"
#include "stakecalc/ratio.hpp"

using stakecalc::decimal;
using stakecalc::ratio;
using stakecalc::rounding;

namespace {
decimal D(const char* s) { return decimal(s); }
}  // namespace

TEST(Decimal, ParsesAndPrintsKeepingScale) {
  EXPECT_EQ(D("-1234.5600").to_string(), "-1234.5600");
  EXPECT_EQ(D("-1234.5600").scale(), 4);
  EXPECT_EQ(D("0.000").to_string(), "0.000");
  EXPECT_EQ(D("+7").to_string(), "7");
  EXPECT_EQ(D(".5").to_string(), "0.5");
  EXPECT_EQ(D("5.").to_string(), "5");
  EXPECT_EQ(D("1.5e-3").to_string(), "0.0015");
  EXPECT_EQ(D("1.23E+5").to_string(), "123000");
  EXPECT_EQ(D("-0.00012e2").to_string(), "-0.012");
  EXPECT_EQ(D("123456789012345678901234567890.12").to_string(), "123456789012345678901234567890.12");
  EXPECT_EQ(D("-9223372036854775808").to_string(), "-9223372036854775808");
  EXPECT_EQ(decimal(-42).to_string(), "-42");
  EXPECT_EQ(decimal(18446744073709551615ULL).to_string(), "18446744073709551615");
}

TEST(Decimal, RefusesBadTextNamingIt) {
  for (const char* bad : {"1.2.3", "", "NaN", "nan", "-Infinity", "inf", "1e999999999", "12,5", "abc", "1e",
                          "--1", "1 ", " 1", "0x10", "1_000", "."}) {
    try {
      decimal::parse(bad, "amount");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const stakecalc::invalid_input& e) {
      std::string what = e.what();
      EXPECT_EQ(what.rfind("amount: ", 0), 0u) << what;
      EXPECT_EQ(e.where(), "amount");
      if (*bad) {
        EXPECT_NE(what.find(std::string(bad).substr(0, 5)), std::string::npos) << what;
      }
    }
  }
}

// java.math.RoundingMode javadoc: the table of "input number" 5.5 ... -5.5 rounded to one digit.
TEST(Decimal, RoundingModesMatchTheJavaRoundingModeTable) {
  const std::vector<const char*> inputs = {"5.5", "2.5", "1.6", "1.1", "1.0", "-1.0", "-1.1", "-1.6", "-2.5", "-5.5"};
  const std::vector<std::tuple<rounding, std::vector<int>>> table = {
      {rounding::up, {6, 3, 2, 2, 1, -1, -2, -2, -3, -6}},
      {rounding::down, {5, 2, 1, 1, 1, -1, -1, -1, -2, -5}},
      {rounding::ceiling, {6, 3, 2, 2, 1, -1, -1, -1, -2, -5}},
      {rounding::floor, {5, 2, 1, 1, 1, -1, -2, -2, -3, -6}},
      {rounding::half_up, {6, 3, 2, 1, 1, -1, -1, -2, -3, -6}},
      {rounding::half_down, {5, 2, 2, 1, 1, -1, -1, -2, -2, -5}},
      {rounding::half_even, {6, 2, 2, 1, 1, -1, -1, -2, -2, -6}},
  };
  for (const auto& [mode, expected] : table)
    for (std::size_t i = 0; i < inputs.size(); ++i)
      EXPECT_EQ(D(inputs[i]).rounded(0, mode), decimal(expected[i])) << to_string(mode) << " " << inputs[i];
  // UNNECESSARY: only 1.0 and -1.0 need no rounding.
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::string in = inputs[i];
    if (in == "1.0" || in == "-1.0")
      EXPECT_EQ(D(inputs[i]).rounded(0, rounding::unnecessary), D(inputs[i]));
    else
      EXPECT_THROW(D(inputs[i]).rounded(0, rounding::unnecessary), stakecalc::rounding_needed) << in;
  }
}

// Python's decimal module documentation (tutorial and quantize examples).
TEST(Decimal, MatchesPythonDecimalDocumentation) {
  EXPECT_EQ(D("7.325").rounded(2, rounding::down).to_string(), "7.32");
  EXPECT_EQ(D("7.325").rounded(0, rounding::up).to_string(), "8");
  EXPECT_EQ((D("1.30") + D("1.20")).to_string(), "2.50");
  EXPECT_EQ((D("1.3") * D("1.2")).to_string(), "1.56");
  EXPECT_EQ((D("0.1") + D("0.1") + D("0.1") - D("0.3")).to_string(), "0.0");
  decimal sum;
  for (const char* s : {"1.34", "1.87", "3.45", "2.35", "1.00", "0.03", "9.25"}) sum += D(s);
  EXPECT_EQ(sum.to_string(), "19.29");
  EXPECT_EQ((D("1.34") * D("1.87")).to_string(), "2.5058");
  EXPECT_EQ(D("1.34").rounded(1, rounding::half_even).to_string(), "1.3");
  // Decimal(1) / Decimal(7) in the default context (28 digits, ROUND_HALF_EVEN).
  EXPECT_EQ(divide(decimal(1), decimal(7), 28, rounding::half_even).to_string(), "0.1428571428571428571428571429");
}

TEST(Decimal, KnownTrapsOfDecimalLibraries) {
  EXPECT_EQ(D("15") / D("3"), decimal(5));
  EXPECT_EQ((D("15") / D("3")).to_string(), "5");
  EXPECT_EQ(D("158.946") / D("0.059"), decimal(2694));
  EXPECT_EQ((D("158.946") / D("0.059")).to_string(), "2694");
  EXPECT_EQ((D("1") / D("8")).to_string(), "0.125");
  EXPECT_EQ((D("-7") / D("0.25")).to_string(), "-28");
  EXPECT_THROW(D("1") / D("3"), stakecalc::rounding_needed);
  EXPECT_THROW(D("1") / D("0"), stakecalc::division_by_zero);
  EXPECT_THROW(divide(D("1"), D("0.00"), 2, rounding::half_up), stakecalc::division_by_zero);
  // 0.1 + 0.2 is exactly 0.3 (the float trap)
  EXPECT_EQ(D("0.1") + D("0.2"), D("0.3"));
}

TEST(Decimal, DivideRoundsOnceWithTheNamedMode) {
  EXPECT_EQ(divide(D("2"), D("3"), 4, rounding::half_up).to_string(), "0.6667");
  EXPECT_EQ(divide(D("2"), D("3"), 4, rounding::down).to_string(), "0.6666");
  EXPECT_EQ(divide(D("-2"), D("3"), 4, rounding::floor).to_string(), "-0.6667");
  EXPECT_EQ(divide(D("1"), D("8"), 2, rounding::half_even).to_string(), "0.12");
  EXPECT_EQ(divide(D("3"), D("8"), 2, rounding::half_even).to_string(), "0.38");
  EXPECT_EQ(divide(D("1"), D("8"), 2, rounding::half_up).to_string(), "0.13");
  EXPECT_EQ(divide(D("1"), D("8"), 2, rounding::half_down).to_string(), "0.12");
  EXPECT_EQ(divide(D("1234567"), D("1"), -3, rounding::half_up).to_string(), "1235000");
  // balance * rate * days / 360, the loan engine's daily interest: 1,000,000.00 at 4.35% for 31 days
  // is 3745.8333..., so 3745.83 at HALF_UP.
  EXPECT_EQ(divide(D("1000000.00") * D("0.0435") * decimal(31), decimal(360), 2, rounding::half_up).to_string(),
            "3745.83");
  // Beyond 64 bits the same rules hold.
  decimal huge = D("123456789012345678901234567890");
  EXPECT_EQ(divide(huge, D("7"), 3, rounding::half_up).to_string(), "17636684144620811271604938270.000");
  EXPECT_EQ(divide(huge + D("1"), D("7"), 3, rounding::half_up).to_string(), "17636684144620811271604938270.143");
}

TEST(Decimal, ComparesAndHashesByValue) {
  EXPECT_EQ(D("1.0"), D("1.00"));
  EXPECT_EQ(D("1.0").hash(), D("1.00").hash());
  EXPECT_EQ(D("100").hash(), D("100.000").hash());
  EXPECT_LT(D("-0.01"), D("0"));
  EXPECT_GT(D("99999999999999999999.1"), D("99999999999999999999.09"));
  std::unordered_set<decimal> set = {D("2.50"), D("2.5"), D("2.500")};
  EXPECT_EQ(set.size(), 1u);
  // the same value reached on the fast path and through the big path hashes the same
  decimal via_big = (D("92233720368547758070") - D("92233720368547758000")) / D("10");
  EXPECT_TRUE(via_big.is_small());
  EXPECT_EQ(via_big, decimal(7));
  EXPECT_EQ(via_big.hash(), decimal(7).hash());
}

TEST(Decimal, NeverWrapsOnOverflow) {
  decimal max64(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ((max64 + decimal(1)).to_string(), "9223372036854775808");
  EXPECT_EQ((max64 * max64).to_string(), "85070591730234615847396907784232501249");
  EXPECT_EQ((-max64 - decimal(2)).to_string(), "-9223372036854775809");
  decimal huge = decimal::parse("1e11000");
  EXPECT_THROW(huge * huge * huge * huge, stakecalc::overflow_error);
  EXPECT_THROW(decimal::parse("1e-20000"), stakecalc::invalid_input);
}

TEST(Decimal, RunningTotalsNeverWrap) {
  // += and -= add in place on the 64-bit path; past it they must not keep the wrapped sum.
  decimal total = decimal::from_parts(std::numeric_limits<std::int64_t>::max(), 2);  // 92233720368547758.07
  total += D("0.01");
  EXPECT_EQ(total.to_string(), "92233720368547758.08");
  EXPECT_FALSE(total.is_small());
  total -= D("0.02");
  EXPECT_EQ(total.to_string(), "92233720368547758.06");
  EXPECT_TRUE(total.is_small());
  decimal low = decimal::from_parts(-std::numeric_limits<std::int64_t>::max(), 0);
  low -= decimal(2);
  EXPECT_EQ(low.to_string(), "-9223372036854775809");
  // Different scales align: 1.5 + 0.25 = 1.75.
  decimal mixed = D("1.5");
  mixed += D("0.25");
  EXPECT_EQ(mixed.to_string(), "1.75");
}

TEST(Decimal, CopiesOfABigValueAreIndependent) {
  // A big coefficient is shared between copies; changing one copy must leave the other alone.
  decimal a = D("123456789012345678901234567890.12");
  decimal b = a;
  a += D("0.01");
  EXPECT_EQ(a.to_string(), "123456789012345678901234567890.13");
  EXPECT_EQ(b.to_string(), "123456789012345678901234567890.12");
  decimal c;
  c = b;
  b = D("1");
  EXPECT_EQ(c.to_string(), "123456789012345678901234567890.12");
  decimal moved = std::move(c);
  EXPECT_EQ(moved.to_string(), "123456789012345678901234567890.12");
}

TEST(Decimal, DivideOutsideTheMachinePath) {
  // The inline 64-bit path hands these to the general one: a zero divisor, negative places, a
  // quotient whose rescaled numerator passes 64 bits.
  EXPECT_THROW(divide(D("1"), D("0.00"), 2, rounding::half_up), stakecalc::division_by_zero);
  EXPECT_EQ(divide(D("123456"), D("1"), -3, rounding::half_up).to_string(), "123000");
  // 10^18 / 3 to 2 places: 10^20 does not fit 64 bits; 333333333333333333.33.
  EXPECT_EQ(divide(D("1000000000000000000"), D("3"), 2, rounding::half_up).to_string(), "333333333333333333.33");
  // 2 / 3 half-even to 3 places, on the machine path: 0.667.
  EXPECT_EQ(divide(D("2"), D("3"), 3, rounding::half_even).to_string(), "0.667");
}

TEST(Decimal, NormalizedAndPadding) {
  EXPECT_EQ(D("1.500").normalized().to_string(), "1.5");
  EXPECT_EQ(D("100.00").normalized().to_string(), "100");
  EXPECT_EQ(D("2.5").rounded(4, rounding::unnecessary).to_string(), "2.5000");
  EXPECT_TRUE(D("3.000").is_integer());
  EXPECT_FALSE(D("3.001").is_integer());
}

TEST(Ratio, StaysExactUntilRoundedOnce) {
  ratio year = ratio(181, 360);
  EXPECT_EQ(year.to_string(), "181/360");
  // 1,000,000.00 * 4.35% * 181/360: exact 21870.8333..., rounded once.
  ratio interest = D("1000000.00") * D("0.0435") * year;
  EXPECT_EQ(interest, ratio(787350, 36));
  EXPECT_EQ(interest.round(2, rounding::half_up).to_string(), "21870.83");
  EXPECT_EQ(ratio(D("0.035")).to_string(), "7/200");
  EXPECT_EQ(ratio(1, 3) + ratio(1, 6), ratio(1, 2));
  EXPECT_EQ(ratio(1, 3).round(5, rounding::half_even).to_string(), "0.33333");
  EXPECT_EQ(ratio(-1, 8).round(2, rounding::half_even).to_string(), "-0.12");
  EXPECT_EQ(ratio(3, 8).to_decimal().to_string(), "0.375");
  EXPECT_THROW(ratio(1, 3).to_decimal(), stakecalc::rounding_needed);
  EXPECT_THROW(ratio(1, 0), stakecalc::division_by_zero);
  EXPECT_EQ(ratio::parse("181/360"), year);
  EXPECT_THROW(ratio::parse("1/0", "share"), stakecalc::invalid_input);
}

// Property: rounding a ratio under HALF_EVEN is within half a unit, and exact sums never drift.
RC_GTEST_PROP(DecimalProperties, AdditionIsExactAndAssociative, (std::int64_t a, std::int64_t b, std::int64_t c)) {
  decimal x = decimal::from_parts(a, 2), y = decimal::from_parts(b, 3), z = decimal::from_parts(c, 1);
  RC_ASSERT((x + y) + z == x + (y + z));
  RC_ASSERT((x + y) - y == x);
  RC_ASSERT(decimal::parse((x * y).to_string()) == x * y);
}

RC_GTEST_PROP(DecimalProperties, DivideIsWithinHalfAUnit, (std::int64_t a, std::int64_t b)) {
  RC_PRE(b != 0);
  decimal x = decimal::from_parts(a, 2), y = decimal::from_parts(b, 4);
  decimal q = divide(x, y, 6, rounding::half_even);
  ratio exact = ratio(x) / ratio(y);
  ratio error = ratio(q) - exact;
  if (error.signum() < 0) error = -error;
  RC_ASSERT(error <= ratio(1, 2000000));
}

// Big coefficients print through a 128-bit path up to 127 bits and through cpp_int's str()
// beyond: both must give the digits of the exact value, zeros inside a 19-digit group kept, with
// the point and sign in place. The reference is the integer's own decimal text.
RC_GTEST_PROP(DecimalProperties, BigCoefficientsPrintTheirDigits, ()) {
  const int bits = *rc::gen::inRange(64, 140);
  stakecalc::big_int c = 1;
  for (int i = 0; i < bits; ++i) c = c * 2 + (*rc::gen::arbitrary<bool>() ? 1 : 0);
  // Runs of zeros now and then (a group of 19 digits that starts with zeros, or is all zeros).
  if (*rc::gen::arbitrary<bool>()) c *= boost::multiprecision::pow(stakecalc::big_int(10), *rc::gen::inRange(1, 25));
  const bool negative = *rc::gen::arbitrary<bool>();
  const int scale = *rc::gen::inRange(0, 45);
  const decimal d = decimal::from_parts(negative ? stakecalc::big_int(-c) : c, scale);
  std::string expected = c.str();
  if (scale > 0) {
    if (expected.size() <= static_cast<std::size_t>(scale)) expected.insert(0, static_cast<std::size_t>(scale) + 1 - expected.size(), '0');
    expected.insert(expected.size() - static_cast<std::size_t>(scale), 1, '.');
  }
  if (negative) expected.insert(0, 1, '-');
  RC_ASSERT(d.to_string() == expected);
  RC_ASSERT(decimal::parse(expected) == d);
}

TEST(Decimal, BigCoefficientsAtTheEdgesOfThe128BitPath) {
  // 2^64 (the first big coefficient), 10^19 and 10^38 (a group boundary), 2^127 - 1 and 2^127.
  for (const char* text : {"18446744073709551616", "10000000000000000000", "100000000000000000000000000000000000000",
                           "170141183460469231731687303715884105727", "170141183460469231731687303715884105728",
                           "-0.105102154620550006706340453495", "0.00000000000000000000000000000000000001"}) {
    EXPECT_EQ(decimal::parse(text).to_string(), std::string(text)) << text;
  }
}
