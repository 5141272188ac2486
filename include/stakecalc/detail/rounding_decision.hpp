// stakecalc/detail/rounding_decision.hpp: rounding a value known only approximately, when the
// approximation is enough to decide it (Ziv's strategy).
//
// An annuity instalment is an exact fraction of some 1,500 digits for 360 monthly periods, but a
// contract keeps only its rounding to the minor unit. Computed in quad or double-double with a
// bound on the error, that rounding is certain unless the value lies within the bound of a point
// where the rounding changes (an integer for every mode, a half too for the half modes); only then
// must the exact value decide.
//
// Internal: used by src/loan.cpp and src/fixed_rate_schedule.cpp.
#pragma once

#include <cstdint>
#include <optional>

#include "stakecalc/rounding.hpp"

namespace stakecalc::detail {

// The integer that a positive value x = whole + part (0 <= part < 1 up to the error) rounds to
// under `mode`, when every value within `margin` of x rounds to it; nullopt when the interval
// touches a boundary, or for UNNECESSARY (whose answer, an error or not, needs the exact value).
template <class Real>
std::optional<std::int64_t> rounding_if_decided(std::int64_t whole, Real part, Real margin, rounding mode) {
  if (mode == rounding::unnecessary) return std::nullopt;
  const bool half_mode = mode == rounding::half_up || mode == rounding::half_down || mode == rounding::half_even;
  const Real half = Real(1) / 2;
  const Real distance_to_half = part < half ? half - part : part - half;
  if (part <= margin || part >= 1 - margin || (half_mode && distance_to_half <= margin)) return std::nullopt;
  // Away from every boundary: the directed modes up and ceiling go up (x > 0), down and floor
  // stay, the half modes go to the nearer integer (no tie is possible here).
  const bool up = mode == rounding::up || mode == rounding::ceiling || (half_mode && part > half);
  return whole + (up ? 1 : 0);
}

}  // namespace stakecalc::detail
