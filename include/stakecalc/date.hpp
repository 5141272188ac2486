// stakecalc/date.hpp: calendar dates (Boost.Date_Time's gregorian date) and ISO 8601 text.
#pragma once

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include <cstdio>
#include <string>
#include <string_view>

#include "stakecalc/error.hpp"

namespace stakecalc {

using date = boost::gregorian::date;

// "2024-02-29" -> date; invalid_input naming `where` for anything else (wrong shape, 2023-02-29,
// years outside 1400..9999 which Boost cannot represent).
inline date parse_date(std::string_view text, const std::string& where = "date") {
  auto bad = [&](const std::string& why) {
    return invalid_input(why + ": '" + std::string(text.substr(0, 40)) + "' (expected YYYY-MM-DD)", where);
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') throw bad("not an ISO 8601 date");
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k)
    for (std::size_t i = starts[k]; i < starts[k] + lengths[k]; ++i) {
      if (text[i] < '0' || text[i] > '9') throw bad("not an ISO 8601 date");
      parts[k] = parts[k] * 10 + (text[i] - '0');
    }
  if (parts[0] < 1400 || parts[0] > 9999) throw bad("year out of range 1400..9999");
  if (parts[1] < 1 || parts[1] > 12) throw bad("month out of range");
  int last = boost::gregorian::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(parts[0]),
                                                                    static_cast<unsigned short>(parts[1]));
  if (parts[2] < 1 || parts[2] > last) throw bad("day out of range for the month");
  return date(static_cast<unsigned short>(parts[0]), static_cast<unsigned short>(parts[1]),
              static_cast<unsigned short>(parts[2]));
}

// date -> "2024-02-29".
inline std::string to_iso(const date& d) {
  if (d.is_special()) throw invalid_input("not a calendar date", "date");
  char buf[32];  // roomy: gcc cannot see that the year has four digits
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(d.year()), static_cast<int>(d.month()),
                static_cast<int>(d.day()));
  return buf;
}

// Whole days from a to b (negative when b is earlier).
inline long days_between(const date& a, const date& b) { return (b - a).days(); }

}  // namespace stakecalc
