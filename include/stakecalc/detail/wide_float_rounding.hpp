// stakecalc/detail/wide_float_rounding.hpp: a wide_float known to within a bound, rounded to
// significant decimal digits when the bound allows (Ziv's strategy, as rounding_decision.hpp does
// for amounts).
//
// XIRR's rate e^x - 1 comes out of its last Newton step as a wide_float with an error bound; it
// is returned rounded half-even to 30 significant digits. Deciding that rounding in wide_float's
// 127 bits rather than quad's 113 leaves 2^14 times fewer rates for the 100-digit polish, which
// costs some 200 times a usual XIRR.
//
// Internal: used by src/cash_flow.cpp and its tests.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>

#include "stakecalc/decimal.hpp"
#include "stakecalc/detail/wide_float.hpp"

namespace stakecalc::detail {

// 10^k as a wide_float, exactly (5^k < 2^127), for 0 <= k <= 54.
inline const wide_float& wide_pow10(int k) {
  static const std::array<wide_float, 55> table = [] {
    std::array<wide_float, 55> t{};
    uint128 five = 1;
    for (std::size_t i = 0; i < t.size(); ++i) {
      t[i] = wide_float::of_integer(static_cast<int128>(five)).scaled(static_cast<std::int64_t>(i));
      five *= 5;
    }
    return t;
  }();
  return table[static_cast<std::size_t>(k)];
}

// The rate r rounded half-even to `digits` significant digits (as to_decimal rounds a quad),
// when every number within `radius` of r rounds alike; nothing otherwise, or when r's scaling
// 10^k (k = digits - 1 - floor(log10 |r|)) is not within 0..54 (the caller then uses quad). r
// 10^k is one more rounding, 2^-126 of itself, and its integer part and fraction are read off the
// significand, so the check has 127 bits where rounds_alike has quad's 113.
inline std::optional<decimal> wide_rounded_to_digits(const wide_float& r, double radius, int digits) {
  if (r.is_zero() || !(radius >= 0) || !std::isfinite(radius) || digits > 38) return std::nullopt;
  const wide_float size = r.negative() ? -r : r;
  const double approx = size.to_double();
  int k = digits - 1 - static_cast<int>(std::floor(std::log10(approx)));
  // 10^(digits - 1) and 10^digits (below 2^127: digits <= 38).
  const uint128 low = powers_of_ten<uint128, 39>()[static_cast<std::size_t>(digits - 1)],
                high = powers_of_ten<uint128, 39>()[static_cast<std::size_t>(digits)];
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (k < 0 || k > 54) return std::nullopt;
    const wide_float y = size * wide_pow10(k);
    const std::int64_t e = y.exponent();
    if (e >= 0 || e <= -127) return std::nullopt;
    const auto shift = static_cast<unsigned>(-e);
    const uint128 whole = y.significand() >> shift;
    if (whole >= high) {
      --k;
      continue;
    }
    if (whole < low) {
      ++k;
      continue;
    }
    const double fraction = std::ldexp(static_cast<double>(y.significand() - (whole << shift)), static_cast<int>(e));
    const double rho = radius * std::pow(10.0, k) * (1 + 1e-12) + y.to_double() * 0x1p-125;
    // Within one decade (k unchanged), and away from a half-unit (the rounding).
    if (!(rho < 0.25) || whole == low || whole + 2 >= high || !(std::fabs(fraction - 0.5) > rho)) return std::nullopt;
    uint128 rounded = whole + (fraction > 0.5 ? 1 : 0);
    while (k > 0 && rounded % 10 == 0) {
      rounded /= 10;
      --k;
    }
    big_int c = (big_int(static_cast<std::uint64_t>(rounded >> 64)) << 64) | big_int(static_cast<std::uint64_t>(rounded));
    if (r.negative()) c = -c;
    return decimal::from_parts(c, k);
  }
  return std::nullopt;
}

}  // namespace stakecalc::detail
