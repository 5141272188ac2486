// stakecalc/calendar.hpp: business-day calendars built from data, and date arithmetic on them.
//
// A calendar is a weekend rule (which weekdays are off), a set of holidays, and a set of weekend
// days made working days. The last set is what mainland China needs: each year the State Council
// moves some weekend days into the public holidays and makes other weekend days working days
// (调休), so no rule can generate the calendar; it comes from the published notices, as data the
// user can extend (add holidays or working days, merge calendars, load JSON).
//
// A calendar whose data covers only some years (first_year..last_year) refuses to answer for a
// date outside them (invalid_input naming the range) instead of guessing that the date is an
// ordinary day. Calendars are immutable values sharing their data: copying is cheap and one
// calendar can be read from many threads at once (there is no cache or other hidden state);
// add_holidays / add_working_days give the calendar object new data and leave copies alone.
//
// Built in: "WEEKENDS" (Saturday and Sunday off, any year), "CN" (mainland China working days
// 2019..2026) and "CN-SSE" (Shanghai Stock Exchange trading days 2019..2026); see
// src/calendar_data.cpp for the sources.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/business_day_convention.hpp"
#include "stakecalc/date.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/tenor.hpp"

namespace stakecalc {

// Weekdays are numbered as Python's date.weekday(): Monday 0 .. Sunday 6.
inline int weekday_index(const date& d) { return (static_cast<int>(d.day_of_week().as_number()) + 6) % 7; }

class calendar {
public:
  // "WEEKENDS": Saturday and Sunday off, no holidays, any year.
  calendar();
  // A calendar from data. weekend: weekday numbers (Monday 0 .. Sunday 6), not all seven;
  // working_days must fall on weekend days; no date may be both a holiday and a working day.
  // first_year / last_year: both or neither; when given, every date listed must lie in that range
  // and the calendar answers only for dates in it.
  calendar(std::string name, const std::vector<int>& weekend, const std::vector<date>& holidays = {},
           const std::vector<date>& working_days = {}, std::optional<int> first_year = {},
           std::optional<int> last_year = {});

  // A built-in calendar by name ("WEEKENDS", "CN", "CN-SSE"; case is not significant).
  static calendar builtin(std::string_view name, const std::string& where = "calendar");
  static std::vector<std::string> builtin_names();

  // {"name": ..., "weekend": [5, 6] or ["Sat", "Sun"], "holidays": ["2024-01-01", ...],
  //  "working_days": [...], "first_year": 2019, "last_year": 2026}: name is required, the rest
  // optional (weekend defaults to Saturday and Sunday). Errors name the JSON pointer of the bad
  // field, prefixed by `pointer` (the calendar's own location in a larger document).
  static calendar from_json(const nlohmann::json& j, const std::string& pointer = "");
  static calendar parse_json(std::string_view text, const std::string& pointer = "");
  nlohmann::json to_json() const;
  std::string to_json_text() const;

  const std::string& name() const { return data_->name; }
  std::vector<int> weekend() const;
  std::optional<int> first_year() const { return data_->first_year; }
  std::optional<int> last_year() const { return data_->last_year; }

  bool is_weekend(int weekday) const { return weekday >= 0 && weekday < 7 && ((data_->weekend_mask >> weekday) & 1U); }
  bool is_business_day(const date& d) const {
    check_range(d);
    const long n = static_cast<long>(d.day_number());
    if (contains(data_->holidays, n)) return false;
    if (is_weekend(weekday_index(d))) return contains(data_->working_days, n);
    return true;
  }
  bool is_holiday(const date& d) const { return !is_business_day(d); }
  // d is the last business day of its month.
  bool is_end_of_month(const date& d) const { return d.month() != adjust(detail::add_days(d, 1)).month(); }
  // The last business day of d's month.
  date end_of_month(const date& d) const {
    return adjust(stakecalc::end_of_month(d), business_day_convention::preceding);
  }

  date adjust(const date& d, business_day_convention c = business_day_convention::following) const;
  // QuantLib's Calendar::advance: days move by business days (n = 0 only adjusts); weeks, months
  // and years move the calendar date, then adjust. With end_of_month, a start on the last business
  // day of its month (the last calendar day under UNADJUSTED) lands on the last business
  // (calendar) day of the target month.
  date advance(const date& d, int n, time_unit unit, business_day_convention c = business_day_convention::following,
               bool end_of_month = false) const;
  date advance(const date& d, const tenor& t, business_day_convention c = business_day_convention::following,
               bool end_of_month = false) const {
    return advance(d, t.length(), t.unit(), c, end_of_month);
  }
  // Business days from `from` to `to`; by default (as in QuantLib) `from` is counted and `to` is
  // not. Negative when `to` is earlier (the roles of the two flags then swap, as in QuantLib).
  long business_days_between(const date& from, const date& to, bool include_first = true,
                             bool include_last = false) const;

  // The holidays listed for `year` (official holiday blocks include the weekend days inside
  // them), sorted; for a calendar with a year range, a year outside it is invalid_input.
  std::vector<date> holidays(int year) const;
  // The weekend days made working days in `year`, sorted.
  std::vector<date> working_days(int year) const;

  // Extension: these replace this object's data (copies made earlier are unaffected). A date
  // added as a holiday stops being a working day and vice versa.
  calendar& add_holidays(const std::vector<date>& days);
  calendar& add_working_days(const std::vector<date>& days);
  calendar& rename(std::string name);
  // A calendar on which a day is a business day only when it is one on both: weekends and
  // holidays are united; the year range is the overlap of the two ranges.
  calendar merged(const calendar& other) const;

  friend bool operator==(const calendar& a, const calendar& b);
  friend bool operator!=(const calendar& a, const calendar& b) { return !(a == b); }

private:
  struct data {
    std::string name;
    std::uint8_t weekend_mask = 0;
    std::vector<long> holidays, working_days;  // sorted day numbers
    std::optional<int> first_year, last_year;
  };
  std::shared_ptr<const data> data_;

  explicit calendar(std::shared_ptr<const data> d) : data_(std::move(d)) {}
  static bool contains(const std::vector<long>& v, long n);
  void check_range(const date& d) const {
    if (data_->first_year && (d.year() < *data_->first_year || d.year() > *data_->last_year)) out_of_range(d);
  }
  [[noreturn]] void out_of_range(const date& d) const;
};

// A calendar given as a built-in name or as JSON text (starting with '{').
calendar calendar_from_name_or_json(std::string_view text, const std::string& where = "calendar");

}  // namespace stakecalc
