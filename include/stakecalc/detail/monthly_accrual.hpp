// stakecalc/detail/monthly_accrual.hpp: the 按月计息 (monthly) accrual basis as whole 360ths of a
// year: every whole month counts 30, each remaining day 1, so that months / 12 + days / 360 is one
// integer over 360.
//
// Internal: shared by the loan engine (src/loan.cpp, which makes the fraction a ratio) and the
// direct schedule of plain fixed-rate loans (src/fixed_rate_schedule.cpp, which keeps the integer
// and already knows each date's calendar fields).
#pragma once

#include "stakecalc/date.hpp"
#include "stakecalc/tenor.hpp"

namespace stakecalc::detail {

// A date's year, month and day, read once: boost's date recomputes them from the day number on
// every year(), month() or day().
struct calendar_fields {
  int year = 0, month = 0, day = 0;
};

inline calendar_fields fields_of(const date& d) {
  const auto ymd = d.year_month_day();
  return {static_cast<int>(ymd.year), static_cast<int>(ymd.month), static_cast<int>(ymd.day)};
}

// From a to b (a <= b), in 360ths of a year: 30 per whole month (a month end to a month end counts
// whole months), plus the days left over.
inline long monthly_accrual_360(const date& a, calendar_fields fa, const date& b, calendar_fields fb) {
  long months = 12L * (fb.year - fa.year) + (fb.month - fa.month);
  if (fa.day == days_in_month(fa.year, fa.month) && fb.day == days_in_month(fb.year, fb.month)) return 30 * months;
  if (fa.day <= 28) {
    // a's day exists in every month, so a + k months is that day k months on, never clamped: the
    // whole months end on a's day in b's month, or in the month before when b's day is earlier.
    if (fa.day <= fb.day) return 30 * months + (fb.day - fa.day);
    --months;  // >= 0: b is in a later month than a
    return 30 * months + days_between(add_months(a, months), b);
  }
  while (months > 0 && add_months(a, months) > b) --months;
  return 30 * months + days_between(add_months(a, months), b);
}

}  // namespace stakecalc::detail
