// stakecalc/rounding.hpp: the named rounding modes. A contract says how an amount is rounded;
// the code never picks a mode silently.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "stakecalc/error.hpp"

namespace stakecalc {

// The eight modes of java.math.RoundingMode, with the same meaning:
// up / down are away from / towards zero; ceiling / floor towards +inf / -inf; the half_ modes
// round to the nearest neighbour and differ only on an exact tie; unnecessary throws
// rounding_needed when the value is not already representable at the requested scale.
enum class rounding { up, down, ceiling, floor, half_up, half_down, half_even, unnecessary };

inline constexpr std::array<std::string_view, 8> rounding_names = {
    "UP", "DOWN", "CEILING", "FLOOR", "HALF_UP", "HALF_DOWN", "HALF_EVEN", "UNNECESSARY"};

inline constexpr std::string_view to_string_view(rounding mode) noexcept {
  return rounding_names[static_cast<std::size_t>(mode)];
}
inline std::string to_string(rounding mode) { return std::string(to_string_view(mode)); }

// Parses "HALF_UP" etc. (upper case, as contract files and the Python API spell them).
inline rounding parse_rounding(std::string_view name, const std::string& where = "rounding") {
  for (std::size_t i = 0; i < rounding_names.size(); ++i)
    if (rounding_names[i] == name) return static_cast<rounding>(i);
  throw invalid_input("unknown rounding mode '" + std::string(name) +
                          "' (expected UP, DOWN, CEILING, FLOOR, HALF_UP, HALF_DOWN, HALF_EVEN or UNNECESSARY)",
                      where);
}

namespace detail {
// Decides whether a truncated quotient moves one step away from zero. `negative` is the sign of
// the exact value; `cmp_half` compares the discarded remainder with half a unit (-1 less, 0 equal,
// +1 more); `inexact` says the remainder is non-zero; `odd` is the parity of the truncated result.
inline bool round_away_from_zero(rounding mode, bool negative, bool inexact, int cmp_half, bool odd) {
  if (!inexact) return false;
  switch (mode) {
    case rounding::up: return true;
    case rounding::down: return false;
    case rounding::ceiling: return !negative;
    case rounding::floor: return negative;
    case rounding::half_up: return cmp_half >= 0;
    case rounding::half_down: return cmp_half > 0;
    case rounding::half_even: return cmp_half > 0 || (cmp_half == 0 && odd);
    case rounding::unnecessary: throw rounding_needed("rounding mode UNNECESSARY but the value needs rounding");
  }
  return false;
}
}  // namespace detail

}  // namespace stakecalc
