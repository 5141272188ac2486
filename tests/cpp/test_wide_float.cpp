// wide_float (detail/wide_float.hpp), the 127-bit float of XIRR's last Newton step.
//
// Oracle: 100-digit binary floating point (Boost cpp_bin_float<100>, 333 bits), in which every
// product of two 127-bit significands and every sum the type computes rather than short-cuts is
// exact. Each operation must land within 3/4 of a unit in its result's last place of the exact
// value (half a unit for one rounding; a sum can round twice), every result must be normalized,
// and the conversions from double and quad must be exact.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

#include "stakecalc/detail/wide_float.hpp"

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

}  // namespace
