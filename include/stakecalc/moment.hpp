// stakecalc/moment.hpp: a contract date, or the end of that date.
//
// Contracts almost always mean "on this day": interest runs up to (not through) the day. A few
// contract documents (ACTUS timestamps such as 2013-12-31T23:59:59) mean "through the end of this
// day": interest runs one more day, yet the event still falls on that day and sorts after every
// event of the same day at its start. A moment keeps the two apart without a time-of-day type.
#pragma once

#include <string>

#include "stakecalc/date.hpp"
#include "stakecalc/tenor.hpp"

namespace stakecalc {

struct moment {
  date day;
  bool end_of_day = false;

  moment() = default;
  moment(const date& d, bool at_end_of_day = false)  // NOLINT(google-explicit-constructor): a date is a moment
      : day(d), end_of_day(at_end_of_day) {}

  // The date interest runs up to: the day itself, or the next day for the end of a day.
  date accrual_date() const { return end_of_day ? detail::add_days(day, 1) : day; }

  // "2013-12-31" or "2013-12-31 (end of day)".
  std::string to_string() const { return to_iso(day) + (end_of_day ? " (end of day)" : ""); }

  friend bool operator==(const moment& a, const moment& b) { return a.day == b.day && a.end_of_day == b.end_of_day; }
  friend bool operator!=(const moment& a, const moment& b) { return !(a == b); }
  friend bool operator<(const moment& a, const moment& b) {
    return a.day < b.day || (a.day == b.day && !a.end_of_day && b.end_of_day);
  }
  friend bool operator>(const moment& a, const moment& b) { return b < a; }
  friend bool operator<=(const moment& a, const moment& b) { return !(b < a); }
  friend bool operator>=(const moment& a, const moment& b) { return !(a < b); }
};

}  // namespace stakecalc
