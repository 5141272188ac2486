// stakecalc/day_count.hpp: day count conventions: the number of days between two dates and the
// year fraction they make, as exact integers and exact fractions (ACT/360 of 181 days is exactly
// 181/360, never 0.50277...).
//
// Every convention gives the same results as QuantLib's day counter of the same name (QuantLib's
// doubles agree with these fractions to rounding); the rules are those of the 2006 ISDA
// Definitions section 4.16 and ICMA Rule 251. Where a rule has several readings, the comment on
// that convention says which one we follow and why.
#pragma once

#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "stakecalc/date.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/tenor.hpp"

namespace stakecalc {

enum class day_count_convention {
  act_365_fixed,     // ACT/365F: actual days / 365 (ISDA 4.16(d))
  act_360,           // ACT/360: actual days / 360 (4.16(e)); RMB loans use it
  act_365_l,         // ACT/365L: actual days / 365 or 366 (ICMA Rule 251.1(i)), see below
  act_act_isda,      // ACT/ACT ISDA: each calendar year's days over that year's length (4.16(b))
  act_act_icma,      // ACT/ACT ICMA: days over days of the coupon (reference) period, times its length in years (4.16(c))
  act_act_afb,       // ACT/ACT AFB: whole years counted back from the end, remainder over 365 or 366
  thirty_360_bond,   // 30/360, bond basis (4.16(f))
  thirty_360_us,     // 30/360 US (NASD/SIA), with the end-of-February rules
  thirty_e_360,      // 30E/360, Eurobond basis (4.16(g))
  thirty_e_360_isda  // 30E/360 ISDA (4.16(h)): needs the termination date
};

inline constexpr std::array<std::string_view, 10> day_count_names = {
    "ACT/365F", "ACT/360", "ACT/365L", "ACT/ACT ISDA", "ACT/ACT ICMA", "ACT/ACT AFB",
    "30/360",   "30/360 US", "30E/360", "30E/360 ISDA"};

// A day count convention as a cheap value: copy it, compare it, share it between threads.
class day_counter {
public:
  day_counter(day_count_convention c = day_count_convention::act_365_fixed)  // NOLINT(google-explicit-constructor)
      : convention_(c) {}

  // The names above (case and spacing are not significant), plus a few common spellings:
  // "ACTUAL/360", "ACT/365 FIXED", "ACT/ACT ISMA", "ACT/ACT EURO", "BOND BASIS", "30/360 BOND BASIS",
  // "EUROBOND BASIS", "30/360 GERMAN". Unknown names are invalid_input listing the valid ones.
  static day_counter parse(std::string_view name, const std::string& where = "day_count") {
    // A name as written canonically (every default, "ACT/365F") needs no normalizing copy.
    for (std::size_t i = 0; i < day_count_names.size(); ++i)
      if (day_count_names[i] == name) return day_counter(static_cast<day_count_convention>(i));
    std::string key;
    for (char ch : name) {
      if (std::isspace(static_cast<unsigned char>(ch))) {
        if (!key.empty() && key.back() != ' ') key += ' ';
      } else {
        key += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      }
    }
    if (!key.empty() && key.back() == ' ') key.pop_back();
    for (std::size_t at; (at = key.find("ACTUAL")) != std::string::npos;) key.replace(at, 6, "ACT");
    for (std::size_t i = 0; i < day_count_names.size(); ++i)
      if (day_count_names[i] == key) return day_counter(static_cast<day_count_convention>(i));
    struct alias {
      std::string_view name;
      day_count_convention convention;
    };
    static constexpr alias aliases[] = {
        {"ACT/365 FIXED", day_count_convention::act_365_fixed},
        {"ACT/365 LEAP", day_count_convention::act_365_l},
        {"ACT/ACT ISMA", day_count_convention::act_act_icma},
        {"ACT/ACT EURO", day_count_convention::act_act_afb},
        {"BOND BASIS", day_count_convention::thirty_360_bond},
        {"30/360 BOND BASIS", day_count_convention::thirty_360_bond},
        {"30/360 ISDA", day_count_convention::thirty_360_bond},
        {"EUROBOND BASIS", day_count_convention::thirty_e_360},
        {"30E/360 EUROBOND BASIS", day_count_convention::thirty_e_360},
        {"30/360 GERMAN", day_count_convention::thirty_e_360_isda},
    };
    for (const alias& a : aliases)
      if (a.name == key) return day_counter(a.convention);
    std::string list;
    for (std::size_t i = 0; i < day_count_names.size(); ++i)
      list += (i == 0 ? "" : ", ") + std::string(day_count_names[i]);
    throw invalid_input("unknown day count convention '" + std::string(name.substr(0, 40)) + "' (expected one of " +
                            list + ")",
                        where);
  }

  std::string_view name() const { return day_count_names[static_cast<std::size_t>(convention_)]; }
  day_count_convention convention() const { return convention_; }

  // Days from start to end under the convention (negative when end is earlier). The termination
  // date matters only for 30E/360 ISDA, where the last day of February is not moved to the 30th
  // when it is the termination date.
  long day_count(const date& start, const date& end, const std::optional<date>& termination = {}) const {
    check(start, "start");
    check(end, "end");
    switch (convention_) {
      case day_count_convention::thirty_360_bond:
      case day_count_convention::thirty_360_us:
      case day_count_convention::thirty_e_360:
      case day_count_convention::thirty_e_360_isda:
        return thirty_360_days(start, end, termination);
      default:
        return days_between(start, end);
    }
  }

  // The exact year fraction from start to end (negative when end is earlier).
  // ref_start / ref_end: the regular coupon period containing the accrual; used by ACT/ACT ICMA
  // (QuantLib's reading when absent: the accrual period itself) and ACT/365L (which uses the
  // period end as the payment date, and its length to tell annual from shorter coupons).
  // termination: for 30E/360 ISDA only.
  ratio year_fraction(const date& start, const date& end, const std::optional<date>& ref_start = {},
                      const std::optional<date>& ref_end = {}, const std::optional<date>& termination = {}) const {
    check(start, "start");
    check(end, "end");
    if (ref_start) check(*ref_start, "ref_start");
    if (ref_end) check(*ref_end, "ref_end");
    switch (convention_) {
      case day_count_convention::act_365_fixed: return ratio(days_between(start, end), 365);
      case day_count_convention::act_360: return ratio(days_between(start, end), 360);
      case day_count_convention::act_365_l: return act_365_l(start, end, ref_start, ref_end);
      case day_count_convention::act_act_isda: return act_act_isda(start, end);
      case day_count_convention::act_act_icma: return act_act_icma(start, end, ref_start, ref_end);
      case day_count_convention::act_act_afb: return act_act_afb(start, end);
      default: return ratio(thirty_360_days(start, end, termination), 360);
    }
  }

  friend bool operator==(const day_counter& a, const day_counter& b) { return a.convention_ == b.convention_; }
  friend bool operator!=(const day_counter& a, const day_counter& b) { return a.convention_ != b.convention_; }

private:
  day_count_convention convention_;

  static void check(const date& d, const char* where) {
    if (d.is_special()) throw invalid_input("not a calendar date", where);
  }
  static bool is_last_of_february(int y, int m, int d) { return m == 2 && d == days_in_month(y, 2); }

  // The 30/360 family: 360 * years + 30 * months + days, after moving some day numbers to 30.
  long thirty_360_days(const date& start, const date& end, const std::optional<date>& termination) const {
    int y1 = start.year(), m1 = start.month(), d1 = start.day();
    int y2 = end.year(), m2 = end.month(), d2 = end.day();
    switch (convention_) {
      case day_count_convention::thirty_360_bond:
        // 4.16(f): D1 = 31 -> 30; D2 = 31 -> 30 only when D1 is (now) 30 or 31.
        if (d1 == 31) d1 = 30;
        if (d2 == 31 && d1 == 30) d2 = 30;
        break;
      case day_count_convention::thirty_360_us:
        // SIA rules, in this order: both ends last of February -> D2 = 30; start last of
        // February -> D1 = 30; D2 = 31 with D1 >= 30 -> 30; D1 = 31 -> 30.
        if (is_last_of_february(y1, m1, d1)) {
          if (is_last_of_february(y2, m2, d2)) d2 = 30;
          d1 = 30;
        }
        if (d2 == 31 && d1 >= 30) d2 = 30;
        if (d1 == 31) d1 = 30;
        break;
      case day_count_convention::thirty_e_360:
        // 4.16(g): any 31st is the 30th.
        if (d1 == 31) d1 = 30;
        if (d2 == 31) d2 = 30;
        break;
      default:
        // 4.16(h): any 31st is the 30th; the last day of February is the 30th, except D2 when it
        // is the termination date. Without a termination date every end-of-February D2 moves
        // (QuantLib's behaviour when its termination date is left empty).
        if (d1 == 31) d1 = 30;
        if (d2 == 31) d2 = 30;
        if (is_last_of_february(y1, m1, start.day())) d1 = 30;
        if (!(termination && *termination == end) && is_last_of_february(y2, m2, end.day())) d2 = 30;
        break;
    }
    return 360L * (y2 - y1) + 30L * (m2 - m1) + (d2 - d1);
  }

  static int days_in_year(int y) { return is_leap_year(y) ? 366 : 365; }

  // 4.16(b): the days falling in a leap year over 366 plus the days in a non-leap year over 365.
  static ratio act_act_isda(const date& d1, const date& d2) {
    if (d1 == d2) return ratio(0);
    if (d1 > d2) return -act_act_isda(d2, d1);
    int y1 = d1.year(), y2 = d2.year();
    ratio sum(y2 - y1 - 1);
    sum += ratio(days_between(d1, date(static_cast<unsigned short>(y1 + 1), 1, 1)), days_in_year(y1));
    sum += ratio(days_between(date(static_cast<unsigned short>(y2), 1, 1), d2), days_in_year(y2));
    return sum;
  }

  // AFB (Association Française des Banques, "Euro"): whole years are counted backwards from the
  // end date; the remaining stub is over 366 if it contains 29 February, else 365. A year back
  // from 29 February is 28 February; landing on 28 February of a leap year means 29 February.
  static ratio act_act_afb(const date& d1, const date& d2) {
    if (d1 == d2) return ratio(0);
    if (d1 > d2) return -act_act_afb(d2, d1);
    date stub_end = d2;
    long years = 0;
    for (;;) {
      date back = add_months(stub_end, -12);
      if (back.month() == 2 && back.day() == 28 && is_leap_year(back.year())) back = back + boost::gregorian::days(1);
      if (back < d1) break;
      ++years;
      stub_end = back;
      if (back == d1) break;
    }
    int den = 365;
    auto contains_feb29 = [&](int y) {
      date feb29(static_cast<unsigned short>(y), 2, 29);
      return stub_end > feb29 && d1 <= feb29;
    };
    if (is_leap_year(stub_end.year())) {
      if (contains_feb29(stub_end.year())) den = 366;
    } else if (is_leap_year(d1.year())) {
      if (contains_feb29(d1.year())) den = 366;
    }
    return ratio(years) + ratio(days_between(d1, stub_end), den);
  }

  // ICMA Rule 251 with an explicit reference (regular coupon) period [ref_start, ref_end]:
  // fraction = (months of the period / 12) * days / days of the period. Accruals reaching before
  // the reference period (long first coupons) or after it (long last coupons) are split over
  // notional periods of the same length stepped back or forward, as QuantLib does. The period
  // length in months is the day count * 12 / 365 rounded to the nearest integer; a period shorter
  // than half a month is replaced by one year from the start.
  static ratio act_act_icma(const date& d1, const date& d2, const std::optional<date>& rs,
                            const std::optional<date>& re) {
    if (d1 == d2) return ratio(0);
    if (d1 > d2) return -act_act_icma(d2, d1, rs, re);
    date ref_start = rs ? *rs : d1, ref_end = re ? *re : d2;
    if (!(ref_end > ref_start && ref_end > d1))
      throw invalid_input("invalid reference period " + to_iso(ref_start) + " to " + to_iso(ref_end) +
                              " for the accrual " + to_iso(d1) + " to " + to_iso(d2),
                          "ref_end");
    long months = (24 * days_between(ref_start, ref_end) + 365) / 730;  // round(12 * days / 365)
    if (months == 0) {
      ref_start = d1;
      ref_end = add_months(d1, 12);
      months = 12;
    }
    const ratio period(months, 12);
    if (d2 <= ref_end) {
      if (d1 >= ref_start) return period * ratio(days_between(d1, d2), days_between(ref_start, ref_end));
      // Long first coupon: the part before ref_start lies in the notional period before it.
      date previous = add_months(ref_start, -months);
      if (d2 > ref_start)
        return act_act_icma(d1, ref_start, previous, ref_start) + act_act_icma(ref_start, d2, ref_start, ref_end);
      return act_act_icma(d1, d2, previous, ref_start);
    }
    if (ref_start > d1)
      throw invalid_input("the accrual " + to_iso(d1) + " to " + to_iso(d2) + " covers the whole reference period " +
                              to_iso(ref_start) + " to " + to_iso(ref_end),
                          "ref_start");
    // Long last coupon: the rest of this period, whole notional periods after it, then the stub.
    ratio sum = act_act_icma(d1, ref_end, ref_start, ref_end);
    for (long i = 0;; ++i) {
      date s = add_months(ref_end, months * i), e = add_months(ref_end, months * (i + 1));
      if (d2 < e) return sum + act_act_icma(s, d2, s, e);
      sum += period;
    }
  }

  // ACT/365L (ICMA Rule 251.1(i), "ISMA-Year"): actual days over 365 or 366. For annual coupons
  // the divisor is 366 when 29 February falls after the start and on or before the period end;
  // for more frequent coupons it is 366 when the period end (the payment date) is in a leap year.
  // The period end is ref_end when given, else `end`; the coupons count as annual when no
  // reference period is given or when it is about 12 months or longer (as OpenGamma Strata reads
  // the rule for a plain pair of dates).
  static ratio act_365_l(const date& d1, const date& d2, const std::optional<date>& rs, const std::optional<date>& re) {
    if (d1 == d2) return ratio(0);
    if (d1 > d2) return -act_365_l(d2, d1, rs, re);
    date period_end = re ? *re : d2;
    bool annual = true;
    if (rs && re) {
      if (!(*re > *rs))
        throw invalid_input("reference period ends " + to_iso(*re) + " before it starts " + to_iso(*rs), "ref_end");
      annual = (24 * days_between(*rs, *re) + 365) / 730 >= 12;
    }
    int den = 365;
    if (annual) {
      for (int y = d1.year(); y <= period_end.year(); ++y)
        if (is_leap_year(y)) {
          date feb29(static_cast<unsigned short>(y), 2, 29);
          if (feb29 > d1 && feb29 <= period_end) den = 366;
        }
    } else if (is_leap_year(period_end.year())) {
      den = 366;
    }
    return ratio(days_between(d1, d2), den);
  }
};

}  // namespace stakecalc
