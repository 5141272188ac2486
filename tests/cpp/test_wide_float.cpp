// wide_float (detail/wide_float.hpp), the 127-bit float of XIRR's last Newton step.
//
// Oracle: 100-digit binary floating point (Boost cpp_bin_float<100>, 333 bits), in which every
// product of two 127-bit significands and every sum the type computes rather than short-cuts is
// exact. Each operation must land within 3/4 of a unit in its result's last place of the exact
// value (half a unit for one rounding; a sum can round twice), every result must be normalized,
// and the conversions from double and quad must be exact. The functions built on them: 1/d
// correctly rounded, expm1 within its documented bound, and the decision to round to decimal
// digits taken only when every value within the bound rounds alike, and then correctly.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "stakecalc/detail/wide_float.hpp"
#include "stakecalc/detail/wide_float_rounding.hpp"

namespace {

using stakecalc::detail::quad;
using stakecalc::detail::uint128;
using stakecalc::detail::wide_float;
using big_float = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<100>, boost::multiprecision::et_off>;

big_float exact(const wide_float& w) {
  const uint128 s = w.significand();
  big_float v = ldexp(big_float(static_cast<std::uint64_t>(s >> 64)), 64) + big_float(static_cast<std::uint64_t>(s));
  v = ldexp(v, static_cast<int>(w.exponent()));
  return w.negative() ? -v : v;
}

// A quad's exact value: three doubles hold its 113 bits without rounding.
big_float exact(quad q) {
  const double hi = static_cast<double>(q);
  const double mid = static_cast<double>(q - hi);
  const double lo = static_cast<double>(q - hi - mid);
  return big_float(hi) + big_float(mid) + big_float(lo);
}

bool normalized(const wide_float& w) {
  return w.is_zero() || (w.significand() >> 126) == 1;
}

// A wide_float with a random 127-bit significand, sign, and binary exponent in [-e, e].
wide_float random_wide(int e) {
  const auto high = *rc::gen::inRange<std::int64_t>(0, std::numeric_limits<std::int64_t>::max());
  const auto low = *rc::gen::arbitrary<std::uint64_t>();
  // (high, low) as a 127-bit integer with the top bit set, scaled by 2^exponent via a product
  // with an exact power of two.
  const uint128 significand = (static_cast<uint128>(static_cast<std::uint64_t>(high) | (std::uint64_t(1) << 62)) << 64) | low;
  wide_float w = wide_float::of_integer(static_cast<stakecalc::detail::int128>(significand));
  w = w * wide_float(std::ldexp(1.0, *rc::gen::inRange(-e, e + 1) - 126));
  return *rc::gen::arbitrary<bool>() ? -w : w;
}

// |computed - truth| <= units * ulp(computed), ulp = 2^exponent of the normalized result.
bool within_ulps(const wide_float& computed, const big_float& truth, double units) {
  if (computed.is_zero()) return truth == 0;
  return abs(exact(computed) - truth) <= big_float(units) * ldexp(big_float(1), static_cast<int>(computed.exponent()));
}

TEST(WideFloat, ConvertsDoublesAndQuadsExactly) {
  for (double v : {1.0, -1.0, 0.1, -3.5e-300, 1.7976931348623157e308, 4.9e-324, 123456789.125}) {
    EXPECT_EQ(exact(wide_float(v)), big_float(v)) << v;
    EXPECT_TRUE(normalized(wide_float(v)));
  }
  EXPECT_TRUE(wide_float(0.0).is_zero());
  // 1/3 in quad has 113 significant bits; all are kept.
  const quad third = quad(1) / 3;
  const wide_float w(third);
  EXPECT_EQ(exact(w), exact(third));
  EXPECT_EQ(w.to_quad(), third);
  EXPECT_EQ(exact(wide_float::of_integer(-1234567890123456789LL)), big_float(-1234567890123456789LL));
}

TEST(WideFloat, RoundsToNearestWhenNarrowed) {
  // A quad's ulp at 1 is 2^-112: 1 + 2^-120 is below half of it and narrows to 1; 1 + 2^-113 +
  // 2^-120 is above half and narrows to 1 + 2^-112.
  const wide_float one(1.0);
  const wide_float tiny = wide_float(std::ldexp(1.0, -120));
  EXPECT_EQ((one + tiny).to_quad(), quad(1));
  const wide_float above_half = one + wide_float(std::ldexp(1.0, -113)) + tiny;
  EXPECT_EQ(above_half.to_quad(), quad(1) + quad(std::ldexp(1.0, -112)));
  EXPECT_EQ((one + wide_float(std::ldexp(1.0, -60))).to_double(), 1.0);
  EXPECT_EQ(wide_float(-0.75).to_double(), -0.75);
}

TEST(WideFloat, CancellationIsExact) {
  // Close numbers subtract exactly, as in any binary float: (1 + 2^-126) - 1 = 2^-126.
  const wide_float one(1.0);
  const wide_float next = one + wide_float(std::ldexp(1.0, -126));
  EXPECT_EQ(exact(next - one), ldexp(big_float(1), -126));
  EXPECT_TRUE((one - one).is_zero());
}

RC_GTEST_PROP(WideFloat, ProductsAreWithinHalfAnUlp, ()) {
  const wide_float a = random_wide(200), b = random_wide(200);
  const wide_float p = a * b;
  RC_ASSERT(normalized(p));
  RC_ASSERT(within_ulps(p, exact(a) * exact(b), 0.5));
}

RC_GTEST_PROP(WideFloat, SumsAreWithinThreeQuartersOfAnUlp, ()) {
  // Exponents close together (carries, cancellations) as often as far apart.
  const wide_float a = random_wide(*rc::gen::element(2, 140));
  const wide_float b = random_wide(*rc::gen::element(2, 140));
  const wide_float s = a + b;
  RC_ASSERT(normalized(s));
  RC_ASSERT(within_ulps(s, exact(a) + exact(b), 0.75));
  RC_ASSERT(within_ulps(a - b, exact(a) - exact(b), 0.75));
}

RC_GTEST_PROP(WideFloat, NarrowingToQuadAndDoubleIsCorrectlyRounded, ()) {
  const wide_float a = random_wide(800);
  const big_float truth = exact(a);
  const quad q = a.to_quad();
  // Within half a quad ulp (2^-112 relative to a significand in [1, 2)).
  RC_ASSERT(abs(exact(q) - truth) <= abs(truth) * ldexp(big_float(1), -113));
  RC_ASSERT(abs(big_float(a.to_double()) - truth) <= abs(truth) * ldexp(big_float(1), -53));
}

TEST(WideFloat, ReciprocalsAreCorrectlyRounded) {
  std::vector<std::uint64_t> divisors{1, 2, 3, 5, 7, 10, 12, 360, 365, 366, 1000003, std::uint64_t(1) << 40,
                                      (std::uint64_t(1) << 63) + 1, std::numeric_limits<std::uint64_t>::max()};
  for (std::uint64_t d = 1; d <= 40; ++d) divisors.push_back(d);
  for (std::uint64_t d : divisors) {
    const wide_float w = wide_float::reciprocal(d);
    EXPECT_TRUE(normalized(w)) << d;
    // Within half an ulp of 1/d (the 333-bit 1/d errs by 2^-333 of itself, far below).
    EXPECT_TRUE(within_ulps(w, big_float(1) / big_float(d), 0.5)) << d;
  }
  EXPECT_EQ(exact(wide_float::reciprocal(1)), big_float(1));
  EXPECT_EQ(exact(wide_float::reciprocal(std::uint64_t(1) << 40)), ldexp(big_float(1), -40));
}

RC_GTEST_PROP(WideFloat, ReciprocalsOfRandomDivisorsAreCorrectlyRounded, ()) {
  const auto d = *rc::gen::inRange<std::uint64_t>(1, std::numeric_limits<std::uint64_t>::max());
  const wide_float w = wide_float::reciprocal(d);
  RC_ASSERT(normalized(w));
  RC_ASSERT(within_ulps(w, big_float(1) / big_float(d), 0.5));
}

// A wide_float of full 127-bit precision near v (v plus random lower bits).
wide_float full_precision_near(double v) {
  const int e = std::ilogb(v);
  const wide_float middle(std::ldexp(*rc::gen::inRange(-1000000, 1000000) / 1e6, e - 53));
  const wide_float low(std::ldexp(*rc::gen::inRange(-1000000, 1000000) / 1e6, e - 106));
  return wide_float(v) + middle + low;
}

RC_GTEST_PROP(WideFloat, Expm1IsWithinItsBound, ()) {
  // |y| from 1e-20 to 0.36: the series alone (|y| <= 2^-8), and with up to 7 halvings.
  const double magnitude = std::pow(10.0, -20 + (20 + std::log10(0.36)) * (*rc::gen::inRange(0, 1000001) / 1e6));
  const double v = *rc::gen::arbitrary<bool>() ? -magnitude : magnitude;
  const wide_float y = full_precision_near(v);
  const big_float truth = expm1(exact(y));
  const double units = stakecalc::detail::wide_expm1_error_units(y.to_double());
  RC_ASSERT(abs(exact(stakecalc::detail::wide_expm1(y)) - truth) <= abs(truth) * ldexp(big_float(units), -127));
}

TEST(WideFloat, Expm1AtTheReductionBoundaries) {
  for (double v : {0x1p-8, -0x1p-8, 0x1p-7, 0.36, -0.36, 0.1, -0.1 / 365, 1e-300}) {
    const wide_float y(v);
    const big_float truth = expm1(exact(y));
    const double units = stakecalc::detail::wide_expm1_error_units(v);
    EXPECT_LE(abs(exact(stakecalc::detail::wide_expm1(y)) - truth), abs(truth) * ldexp(big_float(units), -127)) << v;
  }
  EXPECT_TRUE(stakecalc::detail::wide_expm1(wide_float()).is_zero());
}

// The wide_float nearest a positive big_float v (127 significant bits of it, rounded down).
wide_float wide_of(const big_float& v) {
  int e = 0;
  frexp(v, &e);  // v = m 2^e, m in [1/2, 1)
  const big_float scaled = ldexp(v, 127 - e);  // in [2^126, 2^127)
  const auto high = static_cast<std::uint64_t>(floor(ldexp(scaled, -64)));
  const auto low = static_cast<std::uint64_t>(floor(scaled - ldexp(big_float(high), 64)));
  const uint128 bits = (static_cast<uint128>(high) << 64) | low;
  return wide_float::of_integer(static_cast<stakecalc::detail::int128>(bits)).scaled(e - 127);
}

// v rounded half-even to `digits` significant digits, as a decimal string's value.
big_float rounded(const big_float& v, int digits) {
  const int k = digits - 1 - static_cast<int>(floor(log10(v)));
  const big_float y = v * pow(big_float(10), k);
  big_float whole = floor(y);
  const big_float part = y - whole;
  if (part > big_float(0.5) || (part == big_float(0.5) && fmod(whole, big_float(2)) != 0)) whole += 1;
  return whole / pow(big_float(10), k);
}

// Rates near a rounding boundary (a half-unit in the last digit kept) or anywhere, with radii from
// 0 to 1e-30 of the rate: a decided rounding must be that of every value within the radius, and
// a refusal must come from the radius (or the wide rounding of r 10^k) reaching a boundary.
RC_GTEST_PROP(WideFloat, RoundingToDigitsIsDecidedOnlyWhenCertain, ()) {
  const int digits = *rc::gen::element(1, 6, 15, 28, 30, 33);
  // A random coefficient of `digits` digits, not 10...0 or 99...9 (the check refuses the decade's
  // ends), and a decimal exponent that keeps 10^k within 1..54.
  big_float whole = 0;
  for (int i = 0; i < digits; ++i) whole = whole * 10 + (i == 0 ? *rc::gen::inRange(1, 9) : *rc::gen::inRange(0, 10));
  RC_PRE(whole > pow(big_float(10), digits - 1) && whole + 2 < pow(big_float(10), digits));
  const int k = *rc::gen::inRange(digits, 50);  // the rate is whole / 10^k, below 1 down to ~1e-50
  const bool near_boundary = *rc::gen::arbitrary<bool>();
  const big_float offset = near_boundary ? big_float(*rc::gen::inRange(-1000000, 1000001)) * big_float("1e-12")
                                         : big_float(*rc::gen::inRange(-499999, 500000)) / 1000000;
  const big_float target = (whole + big_float(0.5) + offset) / pow(big_float(10), k);
  const bool negative = *rc::gen::arbitrary<bool>();
  const wide_float r = negative ? -wide_of(target) : wide_of(target);
  const big_float value = abs(exact(r));
  const double relative_radius = *rc::gen::element(0.0, 1e-40, 1e-36, 1e-33, 1e-30);
  const double radius = relative_radius * static_cast<double>(value);
  const auto got = stakecalc::detail::wide_rounded_to_digits(r, radius, digits);
  // The distance from r to the boundary whole + 1/2, in units of the last digit kept.
  const big_float scale = pow(big_float(10), k);
  const big_float distance = abs(value * scale - (whole + big_float(0.5)));
  const big_float rho = big_float(radius) * scale;
  if (got) {
    const big_float g = abs(big_float(got->to_string()));
    RC_ASSERT(g == rounded(value - big_float(radius), digits));
    RC_ASSERT(g == rounded(value + big_float(radius), digits));
    RC_ASSERT((got->signum() < 0) == negative);
    RC_ASSERT(got->to_string() == stakecalc::decimal::from_parts(0, 0).to_string() ||
              got->to_string().back() != '0' || got->scale() == 0);  // trailing zeros removed
  } else {
    // Refused: the radius plus the roundings of r 10^k (2^-125 of it, here below 1e-4 units)
    // reach the boundary.
    RC_ASSERT(distance <= rho * (1 + 1e-9) + value * scale * ldexp(big_float(1), -125) || rho >= 0.25);
  }
}

}  // namespace
