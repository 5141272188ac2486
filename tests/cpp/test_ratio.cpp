// Exact ratios at the edges of the 64-bit fast path: every case here is a value whose numerator or
// denominator crosses 2^63 on the way, and the expected results are worked out by hand below.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "stakecalc/explanation.hpp"
#include "stakecalc/ratio.hpp"

namespace {

using stakecalc::big_int;
using stakecalc::decimal;
using stakecalc::ratio;
using stakecalc::rounding;

constexpr std::int64_t max64 = std::numeric_limits<std::int64_t>::max();  // 9223372036854775807
constexpr std::int64_t min64 = std::numeric_limits<std::int64_t>::min();

TEST(Ratio, TheSmallestInt64AndItsNegationAreExact) {
  EXPECT_EQ(ratio(min64).to_string(), "-9223372036854775808");
  EXPECT_EQ((-ratio(min64)).to_string(), "9223372036854775808");
  EXPECT_EQ(ratio(min64, -1).to_string(), "9223372036854775808");
  EXPECT_EQ(ratio(std::numeric_limits<std::uint64_t>::max()).to_string(), "18446744073709551615");
  // -2^63 / 2^62 = -2: the big operands reduce to a small result.
  EXPECT_EQ(ratio(min64, std::int64_t(1) << 62), ratio(-2));
}

TEST(Ratio, SumsThatLeaveAndReenter64Bits) {
  ratio big = ratio(max64) + ratio(1);  // 2^63
  EXPECT_EQ(big.to_string(), "9223372036854775808");
  EXPECT_EQ(big - ratio(1), ratio(max64));
  EXPECT_EQ((big - ratio(1)).to_string(), "9223372036854775807");
  // 1/max64 + 1/(max64 - 1): the denominators are coprime (consecutive), so the sum is
  // (2 max64 - 1) / (max64 (max64 - 1)), an 126-bit denominator.
  ratio s = ratio(1, max64) + ratio(1, max64 - 1);
  big_int m(max64);
  EXPECT_EQ(s.numerator(), 2 * m - 1);
  EXPECT_EQ(s.denominator(), m * (m - 1));
  EXPECT_EQ(s - ratio(1, max64 - 1), ratio(1, max64));
}

TEST(Ratio, SumsOnOneDenominatorReduce) {
  // Same denominators add numerators and reduce: 1/6 + 1/6 = 2/6 = 1/3; 1/6 - 1/6 is the canonical 0.
  EXPECT_EQ(ratio(1, 6) + ratio(1, 6), ratio(1, 3));
  EXPECT_EQ((ratio(1, 6) - ratio(1, 6)).to_string(), "0");
  EXPECT_EQ(ratio(1, 6) - ratio(1, 6), ratio(0));
  // max64/2 + max64/2: the numerators' sum 2 max64 = 2^64 - 2 passes 63 bits; over 2 it is max64.
  EXPECT_EQ(ratio(max64, 2) + ratio(max64, 2), ratio(max64));
  EXPECT_EQ(ratio(-max64, 2) + ratio(-max64, 2), ratio(-max64));
  // Cents held in lowest terms: 12345/100 = 2469/20 and 5/100 = 1/20 share a denominator again.
  EXPECT_EQ(ratio(decimal::parse("123.45")) + ratio(decimal::parse("0.05")), ratio(247, 2));
}

TEST(Ratio, SumsWhoseCrossTermPasses64Bits) {
  // a/6 + c/10 with a = max64 - 2 (odd, 2 mod 3) and c = max64 - 4 (odd, 3 mod 5), both in lowest
  // terms: gcd(6, 10) = 2, so the sum is (5a + 3c) / 30 with 5a + 3c = 73,786,976,294,838,206,434,
  // past 64 bits, and even: over 2 it is 36,893,488,147,419,103,217 / 15.
  const ratio s = ratio(max64 - 2, 6) + ratio(max64 - 4, 10);
  EXPECT_EQ(s.to_string(), "36893488147419103217/15");
  // max64/6 + max64/4: gcd 2, 2 max64 + 3 max64 = 5 max64 is odd, so nothing cancels: 5 max64 / 12.
  EXPECT_EQ((ratio(max64, 6) + ratio(max64, 4)).to_string(), "46116860184273879035/12");
  // 1/6 + 1/10 = 8/30 = 4/15: the second gcd cancels within 64 bits.
  EXPECT_EQ(ratio(1, 6) + ratio(1, 10), ratio(4, 15));
}

TEST(Ratio, ProductsCancelBeforeMultiplying) {
  // (max64 / 3) x (3 / max64) = 1 even though max64 x 3 overflows 64 bits. max64 = 7^2 x 73 x ...
  // is not a multiple of 3, so both fractions are in lowest terms.
  EXPECT_EQ(ratio(max64, 3) * ratio(3, max64), ratio(1));
  // 1,333,333 units of 10,000,000 times a dividend of 1,250,000.00 = 166,666.625 exactly.
  EXPECT_EQ(ratio(1333333, 10000000) * ratio(decimal::parse("1250000.00")), ratio(1333333, 8));
  EXPECT_EQ((ratio(1333333, 8)).round(2, rounding::half_up).to_string(), "166666.63");
  // Division by a negative ratio puts the sign on the numerator.
  EXPECT_EQ(ratio(1, 2) / ratio(-3, 4), ratio(-2, 3));
  EXPECT_EQ(ratio(min64 + 1, 2) / ratio(-1, 2), ratio(max64));
}

TEST(Ratio, ABigRatioEqualsTheSameSmallValue) {
  big_int two63 = big_int(1) << 63;
  // Built from 2^63 / 2^63 through the big constructor, held small once reduced.
  EXPECT_EQ(ratio(two63, two63), ratio(1));
  EXPECT_EQ(ratio(big_int(3), big_int(-6)), ratio(-1, 2));
  EXPECT_EQ(ratio(two63 * 5, two63 * -10), ratio(-1, 2));
  EXPECT_LT(ratio(two63, 3), ratio(two63, 2));
  EXPECT_GT(ratio(two63, 1), ratio(max64));
}

TEST(Ratio, RoundingNearTheLimits) {
  // max64 / 2 = 4611686018427387903.5: HALF_EVEN goes to ...904 (even), HALF_DOWN stays at ...903.
  EXPECT_EQ(ratio(max64, 2).round(0, rounding::half_even).to_string(), "4611686018427387904");
  EXPECT_EQ(ratio(max64, 2).round(0, rounding::half_down).to_string(), "4611686018427387903");
  // max64 with 18 places: the scaled numerator needs 123 bits, the coefficient stays exact.
  EXPECT_EQ(ratio(max64).round(18, rounding::unnecessary).to_string(),
            "9223372036854775807.000000000000000000");
  EXPECT_EQ(ratio(-1, 3).round(20, rounding::floor).to_string(), "-0.33333333333333333334");
  EXPECT_EQ(ratio(2, 3).round(-1, rounding::half_up).to_string(), "0");
  EXPECT_EQ(ratio(25).round(-1, rounding::half_even).to_string(), "20");
  EXPECT_THROW(ratio(1, 3).round(2, rounding::unnecessary), stakecalc::rounding_needed);
}

TEST(Ratio, DecimalsOfEveryScale) {
  EXPECT_EQ(ratio(decimal::parse("0.0435")), ratio(87, 2000));
  EXPECT_EQ(ratio(decimal::parse("-9223372036854775808")), ratio(min64));
  // 20 places is past the fast path's 10^18 table.
  EXPECT_EQ(ratio(decimal::parse("0.00000000000000000001")), ratio(big_int(1), big_int(10) * big_int(1000000000000000000LL) * 10));
}

TEST(ExactText, TerminatingValuesReadAsDecimalsOthersAsFractions) {
  using stakecalc::exact_text;
  EXPECT_EQ(exact_text(ratio(1, 4)), "0.25");
  EXPECT_EQ(exact_text(ratio(3)), "3");
  EXPECT_EQ(exact_text(ratio(-7, 8)), "-0.875");
  EXPECT_EQ(exact_text(ratio(12345, 100)), "123.45");
  EXPECT_EQ(exact_text(ratio(166666625, 1000)), "166666.625");
  // 1/2^30 = 9.31322574615478515625e-10: 30 places, the most shown as a decimal.
  EXPECT_EQ(exact_text(ratio(1, std::int64_t(1) << 30)), "0.000000000931322574615478515625");
  // 3/5^27 = 3 x 2^27 / 10^27 = 402,653,184e-27.
  EXPECT_EQ(exact_text(ratio(3, 7450580596923828125LL)), "0.000000000000000000402653184");
  // 31 places: the fraction, with 20 places half-even (4.6566128730773925781e-10 -> ...8731).
  EXPECT_EQ(exact_text(ratio(1, std::int64_t(1) << 31)), "1/2147483648 = 0.00000000046566128731...");
  EXPECT_EQ(exact_text(ratio(-2, 3)), "-2/3 = -0.66666666666666666667...");
  // max64/2^20 terminates, but its 20-place coefficient passes 64 bits: the general route.
  EXPECT_EQ(exact_text(ratio(max64, std::int64_t(1) << 20)), "8796093022207.99999904632568359375");
  // A big ratio: (10^20 + 1) / 2.
  EXPECT_EQ(exact_text(ratio(big_int("100000000000000000001"), big_int(2))), "50000000000000000000.5");
}

}  // namespace
