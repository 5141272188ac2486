// stakecalc/schedule.hpp: regular date schedules (coupon, instalment and reset dates) from an
// effective date to a termination date by a tenor, with stubs, the end-of-month rule and
// business-day adjustment; and ACT/ACT ICMA year fractions whose reference periods come from a
// schedule.
//
// Generation follows QuantLib's Schedule (rules Backward and Forward) so that the same inputs give
// the same dates:
//   * BACKWARD: dates are stepped back from the termination date (or from the next-to-last date,
//     when given) by whole multiples of the tenor, so an irregular stub falls at the start;
//     FORWARD: stepped forward from the effective date (or the first date), stub at the end.
//   * Unadjusted candidate dates that would land on the same adjusted date are skipped.
//   * With end_of_month (months/years tenors only): when the seed date is the last business day
//     of its month, all inner dates go to the last calendar day of their months, then are adjusted
//     by the convention (MODIFIED_FOLLOWING and PRECEDING give the last business day).
//   * The first date is adjusted with `convention`, the inner dates too, the termination date with
//     `termination_convention` (by default the same as `convention`).
#pragma once

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/business_day_convention.hpp"
#include "stakecalc/calendar.hpp"
#include "stakecalc/date.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/tenor.hpp"
#include "stakecalc/detail/name_key.hpp"

namespace stakecalc {

enum class date_generation { backward, forward };

inline date_generation parse_date_generation(std::string_view name, const std::string& where = "rule") {
  const std::string key = detail::name_key(name);
  if (key == "BACKWARD") return date_generation::backward;
  if (key == "FORWARD") return date_generation::forward;
  throw invalid_input("unknown date generation rule '" + std::string(name.substr(0, 40)) +
                          "' (expected BACKWARD or FORWARD)",
                      where);
}
inline std::string_view to_string_view(date_generation r) noexcept {
  return r == date_generation::backward ? "BACKWARD" : "FORWARD";
}

class schedule {
public:
  // effective < termination. A zero-length tenor gives the two dates only. first_date (a short or
  // long first period) must lie in (effective, termination]; next_to_last_date in
  // [effective, termination). A first date equal to the effective date, or a next-to-last date
  // equal to the termination date, is no stub and is ignored.
  schedule(const date& effective, const date& termination, const tenor& step, calendar cal = calendar(),
           business_day_convention convention = business_day_convention::unadjusted,
           std::optional<business_day_convention> termination_convention = {},
           date_generation rule = date_generation::backward, bool end_of_month = false,
           std::optional<date> first_date = {}, std::optional<date> next_to_last_date = {})
      : calendar_(std::move(cal)),
        tenor_(step),
        convention_(convention),
        termination_convention_(termination_convention.value_or(convention)),
        rule_(rule),
        end_of_month_(step.length() > 0 && (step.unit() == time_unit::months || step.unit() == time_unit::years) &&
                      end_of_month) {
    if (effective.is_special()) throw invalid_input("not a calendar date", "effective");
    if (termination.is_special()) throw invalid_input("not a calendar date", "termination");
    if (!(effective < termination))
      throw invalid_input("termination date " + to_iso(termination) + " must be after the effective date " +
                              to_iso(effective),
                          "termination");
    if (step.length() < 0) throw invalid_input("negative tenor " + step.to_string() + " not allowed", "tenor");
    if (first_date && *first_date == effective) first_date.reset();
    if (next_to_last_date && *next_to_last_date == termination) next_to_last_date.reset();
    if (first_date && !(*first_date > effective && *first_date <= termination))
      throw invalid_input("first date " + to_iso(*first_date) + " must be after the effective date " +
                              to_iso(effective) + " and not after the termination date " + to_iso(termination),
                          "first_date");
    if (next_to_last_date && !(*next_to_last_date >= effective && *next_to_last_date < termination))
      throw invalid_input("next-to-last date " + to_iso(*next_to_last_date) + " must not be before the effective date " +
                              to_iso(effective) + " and must be before the termination date " + to_iso(termination),
                          "next_to_last_date");
    generate(effective, termination, first_date, next_to_last_date);
  }

  const std::vector<date>& dates() const noexcept { return dates_; }
  std::size_t size() const noexcept { return dates_.size(); }
  const date& operator[](std::size_t i) const { return dates_[i]; }
  std::vector<date>::const_iterator begin() const noexcept { return dates_.begin(); }
  std::vector<date>::const_iterator end() const noexcept { return dates_.end(); }
  const date& start_date() const { return dates_.front(); }
  const date& end_date() const { return dates_.back(); }
  // One flag per period (dates()[i] .. dates()[i + 1]): false for stubs.
  const std::vector<bool>& is_regular() const noexcept { return is_regular_; }

  const calendar& cal() const noexcept { return calendar_; }
  const tenor& step() const noexcept { return tenor_; }
  business_day_convention convention() const noexcept { return convention_; }
  business_day_convention termination_convention() const noexcept { return termination_convention_; }
  date_generation rule() const noexcept { return rule_; }
  bool end_of_month() const noexcept { return end_of_month_; }

private:
  calendar calendar_;
  tenor tenor_;
  business_day_convention convention_, termination_convention_;
  date_generation rule_;
  bool end_of_month_;
  std::vector<date> dates_;
  std::vector<bool> is_regular_;

  // Calendar-free stepping (QuantLib uses a NullCalendar here): k tenors from seed, to the month
  // end when the end-of-month rule applies and seed is a month end.
  date step_from(const date& seed, int k) const {
    date d = add_tenor(seed, tenor_ * k);
    if (end_of_month_ && is_end_of_month(seed)) d = stakecalc::end_of_month(d);
    return d;
  }
  bool same_adjusted(const date& a, const date& b, business_day_convention c) const {
    return calendar_.adjust(a, c) == calendar_.adjust(b, c);
  }

  void generate(const date& effective, const date& termination, const std::optional<date>& first,
                const std::optional<date>& next_to_last) {
    date seed;
    if (tenor_.length() == 0) {
      dates_ = {effective, termination};
      is_regular_ = {true};
      seed = effective;
    } else if (rule_ == date_generation::backward) {
      dates_.push_back(termination);
      seed = termination;
      if (next_to_last) {
        dates_.push_back(*next_to_last);
        is_regular_.push_back(step_from(seed, -1) == *next_to_last);
        seed = *next_to_last;
      }
      const date exit = first ? *first : effective;
      for (int periods = 1;; ++periods) {
        date candidate = step_from(seed, -periods);
        if (candidate < exit) {
          if (first && !same_adjusted(dates_.back(), *first, convention_)) {
            dates_.push_back(*first);
            is_regular_.push_back(false);
          }
          break;
        }
        if (!same_adjusted(dates_.back(), candidate, convention_)) {
          dates_.push_back(candidate);
          is_regular_.push_back(true);
        }
      }
      if (!same_adjusted(dates_.back(), effective, convention_)) {
        dates_.push_back(effective);
        is_regular_.push_back(false);
      }
      std::reverse(dates_.begin(), dates_.end());
      std::reverse(is_regular_.begin(), is_regular_.end());
    } else {
      dates_.push_back(effective);
      seed = effective;
      if (first) {
        dates_.push_back(*first);
        is_regular_.push_back(step_from(seed, 1) == *first);
        seed = *first;
      }
      const date exit = next_to_last ? *next_to_last : termination;
      for (int periods = 1;; ++periods) {
        date candidate = step_from(seed, periods);
        if (candidate > exit) {
          if (next_to_last && !same_adjusted(dates_.back(), *next_to_last, convention_)) {
            dates_.push_back(*next_to_last);
            is_regular_.push_back(false);
          }
          break;
        }
        if (!same_adjusted(dates_.back(), candidate, convention_)) {
          dates_.push_back(candidate);
          is_regular_.push_back(true);
        }
      }
      if (!same_adjusted(dates_.back(), termination, termination_convention_)) {
        dates_.push_back(termination);
        is_regular_.push_back(false);
      }
    }

    // Adjustments.
    if (convention_ != business_day_convention::unadjusted) dates_.front() = calendar_.adjust(dates_.front(), convention_);
    if (termination_convention_ != business_day_convention::unadjusted)
      dates_.back() = calendar_.adjust(dates_.back(), termination_convention_);
    const bool to_month_ends = end_of_month_ && calendar_.is_end_of_month(seed);
    // Month ends: the calendar month end, then the convention (QuantLib since pull request 2154, 2025; before, inner
    // dates went to the last business day whatever the convention, so FOLLOWING could not roll a
    // Sunday 31 December into January).
    for (std::size_t i = 1; i + 1 < dates_.size(); ++i)
      dates_[i] = calendar_.adjust(to_month_ends ? stakecalc::end_of_month(dates_[i]) : dates_[i], convention_);

    // The end-of-month move can push the next-to-last date onto or past the end (or the second
    // date onto or before the start): such a date is dropped and the period it closed absorbs it.
    if (dates_.size() >= 2 && dates_[dates_.size() - 2] >= dates_.back()) {
      if (is_regular_.size() >= 2) is_regular_[is_regular_.size() - 2] = dates_[dates_.size() - 2] == dates_.back();
      dates_[dates_.size() - 2] = dates_.back();
      dates_.pop_back();
      is_regular_.pop_back();
    }
    if (dates_.size() >= 2 && dates_[1] <= dates_.front()) {
      if (is_regular_.size() >= 2) is_regular_[1] = dates_[1] == dates_.front();
      dates_[1] = dates_.front();
      dates_.erase(dates_.begin());
      is_regular_.erase(is_regular_.begin());
    }
    if (dates_.size() < 2)
      throw invalid_input("the schedule from " + to_iso(effective) + " to " + to_iso(termination) +
                              " collapses to the single date " + to_iso(dates_.front()) + " after adjustment",
                          "termination");
  }
};

namespace detail {
// QuantLib's ISMA year fraction within one reference period [ref_start, ref_end]: days over
// (reference days * coupons per year), the coupon frequency guessed from the reference length.
inline ratio icma_fraction_in_period(const date& d1, const date& d2, const date& ref_start, const date& ref_end) {
  long ref_days = days_between(ref_start, ref_end);
  long coupons_per_year;
  if (ref_days < 16) {
    coupons_per_year = 1;
    ref_days = days_between(d1, add_months(d1, 12));
  } else {
    long months = (24 * ref_days + 365) / 730;           // round(12 * days / 365)
    coupons_per_year = (24 + months) / (2 * months);     // round(12 / months)
  }
  return ratio(days_between(d1, d2), ref_days * coupons_per_year);
}
}  // namespace detail

// ACT/ACT ICMA with the reference periods taken from a schedule (QuantLib's
// ActualActual(ISMA, schedule)): irregular first and last periods are measured against notional
// regular periods obtained by stepping one tenor back from the first coupon date (two when the
// first period is long) and one forward from the next-to-last date (two when long). start and end
// must lie within the span of those periods.
inline ratio icma_year_fraction(const schedule& s, const date& start, const date& end) {
  if (start == end) return ratio(0);
  if (end < start) return -icma_year_fraction(s, end, start);
  const calendar& cal = s.cal();
  const std::vector<date>& d = s.dates();
  std::vector<date> periods = d;
  const tenor back = -s.step();
  if (!s.is_regular().front()) {
    date notional_first = cal.advance(d[1], back, s.convention(), s.end_of_month());
    periods.front() = notional_first;
    if (notional_first > d.front())
      periods.insert(periods.begin(), cal.advance(notional_first, back, s.convention(), s.end_of_month()));
  }
  if (!s.is_regular().back()) {
    date notional_last = cal.advance(d[d.size() - 2], s.step(), s.convention(), s.end_of_month());
    periods.back() = notional_last;
    if (notional_last < d.back()) periods.push_back(cal.advance(notional_last, s.step(), s.convention(), s.end_of_month()));
  }
  const date first = *std::min_element(periods.begin(), periods.end());
  const date last = *std::max_element(periods.begin(), periods.end());
  if (start < first || end > last)
    throw invalid_input("dates " + to_iso(start) + " to " + to_iso(end) + " fall outside the schedule's reference periods " +
                            to_iso(first) + " to " + to_iso(last),
                        "end");
  ratio sum(0);
  for (std::size_t i = 0; i + 1 < periods.size(); ++i) {
    const date &a = periods[i], &b = periods[i + 1];
    if (start < b && end > a) sum += detail::icma_fraction_in_period(std::max(start, a), std::min(end, b), a, b);
  }
  return sum;
}

}  // namespace stakecalc
