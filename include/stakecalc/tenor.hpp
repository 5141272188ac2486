// stakecalc/tenor.hpp: a length of time such as 3M, 1Y, 2W or 10D, and plain (unadjusted) date
// arithmetic with it.
//
// Months and years move the calendar date and clamp the day to the end of the target month
// (31 January + 1M = 28 or 29 February), as financial date arithmetic does. We do not use
// boost::gregorian::months for this: it snaps month-end dates to month ends (30 April + 1M =
// 31 May), which is the end-of-month *rule* of a schedule, not plain arithmetic; that rule is
// applied explicitly where a contract asks for it (calendar::advance, schedules).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "stakecalc/date.hpp"
#include "stakecalc/error.hpp"

namespace stakecalc {

enum class time_unit { days, weeks, months, years };

class tenor {
public:
  constexpr tenor() = default;
  constexpr tenor(int length, time_unit unit) : length_(length), unit_(unit) {}

  // "3M", "1Y", "2W", "10D" (unit letter in either case, optional leading '-', at most 6 digits).
  static tenor parse(std::string_view text, const std::string& where = "tenor") {
    auto bad = [&](const std::string& why) {
      return invalid_input(why + ": '" + std::string(text.substr(0, 20)) + "' (expected e.g. 10D, 2W, 3M, 1Y)", where);
    };
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    long n = 0;
    std::size_t digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
      if (digits == 6) throw bad("tenor length too large");
      n = n * 10 + (text[i] - '0');
    }
    if (digits == 0 || i + 1 != text.size()) throw bad("not a tenor");
    time_unit unit;
    switch (text[i]) {
      case 'D': case 'd': unit = time_unit::days; break;
      case 'W': case 'w': unit = time_unit::weeks; break;
      case 'M': case 'm': unit = time_unit::months; break;
      case 'Y': case 'y': unit = time_unit::years; break;
      default: throw bad("unknown tenor unit");
    }
    return tenor(static_cast<int>(negative ? -n : n), unit);
  }

  constexpr int length() const noexcept { return length_; }
  constexpr time_unit unit() const noexcept { return unit_; }

  std::string to_string() const {
    static constexpr char letters[] = {'D', 'W', 'M', 'Y'};
    return std::to_string(length_) + letters[static_cast<int>(unit_)];
  }

  constexpr tenor operator-() const { return tenor(-length_, unit_); }
  constexpr tenor operator*(int k) const { return tenor(length_ * k, unit_); }
  // Equal as written (3M and 3M); 1Y and 12M move dates identically but are not the same text.
  friend constexpr bool operator==(const tenor& a, const tenor& b) {
    return a.length_ == b.length_ && a.unit_ == b.unit_;
  }
  friend constexpr bool operator!=(const tenor& a, const tenor& b) { return !(a == b); }

private:
  int length_ = 0;
  time_unit unit_ = time_unit::days;
};

namespace detail {
// Boost represents years 1400..9999; date arithmetic leaving that range is bad input, not a crash.
inline date checked_date(long year, int month, int day) {
  if (year < 1400 || year > 9999)
    throw invalid_input("date arithmetic leaves the supported years 1400..9999 (year " + std::to_string(year) + ")",
                        "date");
  return date(static_cast<unsigned short>(year), static_cast<unsigned short>(month),
              static_cast<unsigned short>(day));
}
inline date add_days(const date& d, long n) {
  // Bounds: 1400-01-01 .. 9999-12-31 as day numbers.
  static const long first = date(1400, 1, 1).day_number(), last = date(9999, 12, 31).day_number();
  long target = static_cast<long>(d.day_number()) + n;
  if (target < first || target > last)
    throw invalid_input("date arithmetic leaves the supported years 1400..9999", "date");
  return d + boost::gregorian::date_duration(n);
}
}  // namespace detail

inline bool is_leap_year(int year) { return boost::gregorian::gregorian_calendar::is_leap_year(year); }
inline int days_in_month(int year, int month) {
  return boost::gregorian::gregorian_calendar::end_of_month_day(year, month);
}
// Each of date's year(), month() and day() converts the day number to a calendar date anew, so
// these read all three with one year_month_day() (schedules call them for every period).
inline bool is_end_of_month(const date& d) {
  const auto ymd = d.year_month_day();
  return ymd.day == days_in_month(ymd.year, ymd.month);
}
inline date end_of_month(const date& d) {
  const auto ymd = d.year_month_day();
  return date(ymd.year, ymd.month, days_in_month(ymd.year, ymd.month));
}

// d moved by n months, the day clamped to the target month's length (2024-01-31 + 1 = 2024-02-29).
inline date add_months(const date& d, long n) {
  const auto ymd = d.year_month_day();
  long total = static_cast<long>(ymd.year) * 12 + (static_cast<long>(ymd.month) - 1) + n;
  long year = total >= 0 ? total / 12 : -((-total + 11) / 12);
  int month = static_cast<int>(total - year * 12) + 1;
  if (year < 1400 || year > 9999) detail::checked_date(year, 1, 1);  // throws with the range
  int day = std::min<int>(ymd.day, days_in_month(static_cast<int>(year), month));
  return detail::checked_date(year, month, day);
}

// d moved by a tenor without any calendar: days and weeks are calendar days; months and years
// clamp the day of month.
inline date add_tenor(const date& d, const tenor& t) {
  switch (t.unit()) {
    case time_unit::days: return detail::add_days(d, t.length());
    case time_unit::weeks: return detail::add_days(d, 7L * t.length());
    case time_unit::months: return add_months(d, t.length());
    case time_unit::years: return add_months(d, 12L * t.length());
  }
  return d;
}

}  // namespace stakecalc
