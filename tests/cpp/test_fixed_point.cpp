// unit_fraction and fixed_sum (detail/fixed_point.hpp), the fixed-point numbers of XIRR's last
// Newton steps.
//
// Oracle: exact integer arithmetic (Boost cpp_int). A unit_fraction is bits / 2^128 and a
// fixed_sum a 192-bit two's complement integer over 2^128, so each product's exact value is an
// integer product, and the types' results must be its floor, bit for bit; the conversions to
// wide_float must be the nearest 127-bit value (checked against the exact value in cpp_bin_float).
// Then the evaluation built on them, which decides every XIRR of whole-cent amounts: its value must
// lie within its error bound of the exact sum (100 digits), in fixed point and in the wide_float
// evaluation that takes amounts too large for it.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/cpp_int.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/detail/fixed_point.hpp"

namespace {

using stakecalc::decimal;
using stakecalc::detail::fixed_sum;
using stakecalc::detail::uint128;
using stakecalc::detail::unit_fraction;
using stakecalc::detail::wide_float;
using big_int = boost::multiprecision::cpp_int;
using big_float = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<100>, boost::multiprecision::et_off>;

big_int as_big(uint128 v) { return (big_int(static_cast<std::uint64_t>(v >> 64)) << 64) + static_cast<std::uint64_t>(v); }

// A fixed_sum's integer (value times 2^128), signed.
big_int as_big(const fixed_sum& s) {
  const std::uint64_t* l = s.limbs();
  big_int u = (big_int(l[2]) << 128) + (big_int(l[1]) << 64) + l[0];
  return s.negative() ? u - (big_int(1) << 192) : u;
}

// floor(a / 2^k) for a signed big integer (cpp_int's shift of a negative value truncates).
big_int floor_shift(const big_int& a, unsigned k) {
  const big_int d = big_int(1) << k;
  big_int q = a / d;
  if (a < 0 && q * d != a) q -= 1;
  return q;
}

big_float exact(const wide_float& w) {
  const uint128 s = w.significand();
  big_float v = ldexp(big_float(static_cast<std::uint64_t>(s >> 64)), 64) + big_float(static_cast<std::uint64_t>(s));
  v = ldexp(v, static_cast<int>(w.exponent()));
  return w.negative() ? -v : v;
}

unit_fraction random_fraction() {
  // Fractions near 1 (the powers of a daily discount factor) and spread over every size.
  unit_fraction f;
  const auto high = *rc::gen::arbitrary<std::uint64_t>(), low = *rc::gen::arbitrary<std::uint64_t>();
  const auto shift = *rc::gen::inRange(0, 128);
  f.bits = ((static_cast<uint128>(high) << 64) | low) >> shift;
  return f;
}

// A sum of a random whole amount (within +-2^62) times random fractions, plus whole amounts: the
// values the Horner sums pass through, fraction bits included.
fixed_sum random_sum() {
  fixed_sum s(*rc::gen::inRange<std::int64_t>(-(std::int64_t(1) << 62), std::int64_t(1) << 62));
  for (int i = *rc::gen::inRange(0, 4); i > 0; --i) s = s.times(random_fraction());
  return s;
}

TEST(FixedPoint, AFractionsProductIsTheFloorOfTheExactOne) {
  EXPECT_TRUE(rc::check([] {
    const unit_fraction a = random_fraction(), b = random_fraction();
    RC_ASSERT(as_big((a * b).bits) == (as_big(a.bits) * as_big(b.bits)) >> 128);
  }));
}

TEST(FixedPoint, ASumTimesAFractionIsTheFloorOfTheExactProduct) {
  EXPECT_TRUE(rc::check([] {
    const fixed_sum s = random_sum();
    const unit_fraction p = random_fraction();
    RC_ASSERT(as_big(s.times(p)) == floor_shift(as_big(s) * as_big(p.bits), 128));
  }));
}

TEST(FixedPoint, TheExtremesMultiplyExactly) {
  unit_fraction almost_one;
  almost_one.bits = ~uint128(0);
  for (std::int64_t whole : {std::int64_t(0), std::int64_t(1), std::int64_t(-1), (std::int64_t(1) << 62) - 1,
                             -(std::int64_t(1) << 62)}) {
    const fixed_sum s(whole);
    for (const unit_fraction& p : {unit_fraction{}, almost_one, almost_one * almost_one}) {
      EXPECT_EQ(as_big(s.times(p)), floor_shift(as_big(s) * as_big(p.bits), 128)) << whole;
    }
  }
}

TEST(FixedPoint, AddingAWholeNumberIsExact) {
  EXPECT_TRUE(rc::check([] {
    fixed_sum s = random_sum();
    const auto v = *rc::gen::inRange<std::int64_t>(-(std::int64_t(1) << 61), std::int64_t(1) << 61);
    const big_int before = as_big(s);
    s.add_whole(v);
    RC_ASSERT(as_big(s) == before + (big_int(v) << 128));
  }));
}

TEST(FixedPoint, TheWideValueIsTheNearest) {
  EXPECT_TRUE(rc::check([] {
    const fixed_sum s = random_sum();
    const wide_float w = s.to_wide();
    const big_float value = ldexp(big_float(as_big(s).str()), -128);
    RC_ASSERT(w.is_zero() || (w.significand() >> 126) == 1);
    if (value == 0) {
      RC_ASSERT(w.is_zero());
      return;
    }
    // Half a unit of the last of 127 bits: 2^-127 of the value at most, relative.
    RC_ASSERT(abs(exact(w) - value) <= abs(value) * ldexp(big_float(1), -127));
    RC_ASSERT(std::fabs(s.to_double() - static_cast<double>(value)) <= 1e-15 * std::fabs(static_cast<double>(value)));
  }));
  // Small magnitudes (kept whole) and a value with bits in every limb.
  fixed_sum tiny;
  unit_fraction f;
  f.bits = 3;
  tiny = fixed_sum(1).times(f);
  EXPECT_EQ(exact(tiny.to_wide()), ldexp(big_float(3), -128));
  EXPECT_EQ(exact(fixed_sum(-5).to_wide()), big_float(-5));
  // The largest magnitude the limbs hold (-2^63: 65 bits dropped).
  EXPECT_EQ(exact(fixed_sum(std::numeric_limits<std::int64_t>::min()).to_wide()), -ldexp(big_float(1), 63));
}

TEST(FixedPoint, AWideValueInTheUnitIntervalIsRoundedDownToAFraction) {
  EXPECT_TRUE(rc::check([] {
    const double v = *rc::gen::inRange(0, 1 << 30) / double(1 << 30);
    const wide_float w = wide_float(v) * wide_float(1.0 - 0x1p-53);  // 127 bits, below 1
    const unit_fraction f = unit_fraction::below(w);
    const big_float scaled = ldexp(exact(w), 128);
    RC_ASSERT(big_float(as_big(f.bits).str()) <= scaled);
    RC_ASSERT(scaled - big_float(as_big(f.bits).str()) < 1);
  }));
  EXPECT_EQ(unit_fraction::below(wide_float(1.0)).bits, ~uint128(0));  // 1: the largest fraction
  EXPECT_EQ(unit_fraction::below(wide_float(0.5)).bits, uint128(1) << 127);
  EXPECT_EQ(unit_fraction::below(wide_float(0x1p-129)).bits, uint128(0));
  EXPECT_EQ(unit_fraction::below(wide_float(0x1p-128)).bits, uint128(1));
  EXPECT_EQ(unit_fraction::below(wide_float(-0.25)).bits, uint128(0));
}

// Flows like XIRR's (an investment, then returns and some payments, cents or coarser, over up to
// 30 years, in any order; or periods), at a random x or at the root itself, where the terms
// cancel. With `large`, amounts whose sum passes 2^62: the wide_float evaluation's bound is checked.
TEST(FixedPoint, TheDecidingEvaluationIsWithinItsBound) {
  EXPECT_TRUE(rc::check([] {
    const bool periods = *rc::gen::inRange(0, 5) == 0, large = *rc::gen::inRange(0, 4) == 0;
    const std::int64_t denominator = periods ? 1 : 365;
    const std::int64_t span = periods ? *rc::gen::inRange<std::int64_t>(1, 600) : *rc::gen::inRange<std::int64_t>(1, 30 * 365);
    const int count = *rc::gen::inRange(2, 60);
    const int digits = large ? 18 : *rc::gen::inRange(1, 12);
    std::vector<decimal> amounts;
    std::vector<std::int64_t> numerators;
    for (int i = 0; i < count; ++i) {
      std::int64_t magnitude = 1;
      for (int d = *rc::gen::inRange(1, digits + 1); d > 0; --d) magnitude *= 10;
      std::int64_t c = *rc::gen::inRange<std::int64_t>(0, magnitude);
      if (i == 0 || *rc::gen::inRange(0, 8) == 0) c = -c;
      const int scale = *rc::gen::inRange(0, 8) == 0 ? *rc::gen::inRange(0, 4) : 2;
      amounts.push_back(decimal::from_parts(c, scale));
      numerators.push_back(i == 0 ? 0 : *rc::gen::inRange<std::int64_t>(0, span + 1));
    }
    double x = *rc::gen::inRange(-300, 1000) / 1000.0 * (periods ? 0.3 : 1.0);
    if (*rc::gen::arbitrary<bool>()) {
      try {
        const decimal rate = stakecalc::detail::discount_rate_root(amounts, numerators, denominator, decimal("0.1"), 30, "test");
        if (const double root = std::log1p(rate.to_double()); std::isfinite(root)) x = root;  // (not at -100%)
      } catch (const std::exception&) {
        // no root: the random x stands
      }
    }
    for (std::size_t i = 0; i < amounts.size(); ++i) RC_LOG() << amounts[i] << "@" << numerators[i] << " ";
    RC_LOG() << " D " << denominator << " x " << x << "\n";
    wide_float value;
    double bound = 0;
    if (!stakecalc::detail::deciding_evaluation(amounts, numerators, denominator, wide_float(x), value, bound)) {
      RC_ASSERT(std::fabs(x) / static_cast<double>(denominator) > 0.36);
      return;
    }
    // The exact sum, scaled as the root finder scales it.
    int high = 0;
    for (const decimal& a : amounts) high = std::max(high, a.scale());
    std::int64_t low_n = numerators[0], high_n = numerators[0];
    for (std::int64_t n : numerators) low_n = std::min(low_n, n), high_n = std::max(high_n, n);
    const std::int64_t reference = x >= 0 ? low_n : high_n;
    const big_float xx(x);
    big_float sum = 0, size = 0;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
      big_float a(amounts[i].coefficient().str());
      for (int k = amounts[i].scale(); k < high; ++k) a *= 10;
      const big_float t = big_float(numerators[i] - reference) / big_float(denominator);
      const big_float term = a * exp(-xx * t);
      sum += term;
      // The bound's base term grows with f' (sum t a e^(-xt)); both evaluations' precision is
      // relative to the amounts, not to the terms (a power of b far below 1 keeps its absolute
      // precision only).
      size += abs(a) * (1 + abs(t));
    }
    RC_ASSERT(abs(exact(value) - sum) <= big_float(bound));
    // And the bound is a tight one: far below a unit of a 30-digit rate (relative to the amounts
    // and to f'; each product adds a unit of 2^-128 whatever the terms' size).
    RC_ASSERT(big_float(bound) <= size * big_float("1e-33") + ldexp(big_float(count), -120));
  }));
}

}  // namespace
