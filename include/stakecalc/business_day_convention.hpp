// stakecalc/business_day_convention.hpp: how a date that is not a business day is moved to one.
//
// The meanings are QuantLib's (and ISDA 2006 section 4.12's for the first four):
//   FOLLOWING           the first business day after;
//   MODIFIED_FOLLOWING  the first business day after, unless that is in the next month: then the
//                       last business day before;
//   PRECEDING           the last business day before;
//   MODIFIED_PRECEDING  the last business day before, unless that is in the previous month: then
//                       the first business day after;
//   UNADJUSTED          the date itself, business day or not;
//   NEAREST             the nearest business day, the following one on a tie (QuantLib's Nearest).
#pragma once

#include <array>
#include <cctype>
#include <string>
#include <string_view>

#include "stakecalc/error.hpp"
#include "stakecalc/detail/name_key.hpp"

namespace stakecalc {

enum class business_day_convention { following, modified_following, preceding, modified_preceding, unadjusted, nearest };

inline constexpr std::array<std::string_view, 6> business_day_convention_names = {
    "FOLLOWING", "MODIFIED_FOLLOWING", "PRECEDING", "MODIFIED_PRECEDING", "UNADJUSTED", "NEAREST"};

inline constexpr std::string_view to_string_view(business_day_convention c) noexcept {
  return business_day_convention_names[static_cast<std::size_t>(c)];
}
inline std::string to_string(business_day_convention c) { return std::string(to_string_view(c)); }

// "MODIFIED_FOLLOWING" etc.; case is not significant and '-' or ' ' may stand for '_'.
inline business_day_convention parse_business_day_convention(std::string_view name,
                                                             const std::string& where = "convention") {
  const std::string key = detail::name_key(name);
  for (std::size_t i = 0; i < business_day_convention_names.size(); ++i)
    if (business_day_convention_names[i] == key) return static_cast<business_day_convention>(i);
  throw invalid_input("unknown business day convention '" + std::string(name.substr(0, 40)) +
                          "' (expected FOLLOWING, MODIFIED_FOLLOWING, PRECEDING, MODIFIED_PRECEDING, UNADJUSTED or "
                          "NEAREST)",
                      where);
}

}  // namespace stakecalc
