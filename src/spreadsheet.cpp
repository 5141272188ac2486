// Spreadsheet-compatible financial functions (see stakecalc/spreadsheet.hpp for the contract).
#include "stakecalc/spreadsheet.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "stakecalc/detail/quad.hpp"
#include "stakecalc/tenor.hpp"

namespace stakecalc::spreadsheet {

using detail::quad;
using detail::to_quad;

namespace {

constexpr int digits = default_result_digits;

void check_type(int type) {
  if (type != 0 && type != 1)
    throw invalid_input("must be 0 (payments at the end of each period) or 1 (at the start), not " +
                            std::to_string(type),
                        "type");
}

void check_rate(const decimal& rate) {
  if (rate <= decimal(-1)) throw invalid_input("must be greater than -1, not " + rate.to_string(), "rate");
}

// (1 + rate)^nper and the annuity factor ((1 + rate)^nper - 1) / rate (nper when rate is 0),
// through log1p/expm1 so that small rates lose nothing to cancellation.
struct growth {
  quad r, power, annuity;
  bool zero_rate;
};

growth grow(const decimal& rate, const quad& n) {
  growth g{to_quad(rate), 1, n, rate.is_zero()};
  if (!g.zero_rate) {
    quad m = detail::quad_expm1(n * detail::quad_log1p(g.r));
    g.power = 1 + m;
    g.annuity = m / g.r;
  }
  return g;
}

quad fv_q(const growth& g, quad pmt, quad pv, int type) {
  return -(pv * g.power + pmt * (1 + g.r * type) * g.annuity);
}

quad pmt_q(const decimal& rate, const decimal& nper, const decimal& pv, const decimal& fv, int type) {
  check_rate(rate);
  check_type(type);
  if (nper.is_zero()) throw invalid_input("must not be 0", "nper");
  growth g = grow(rate, to_quad(nper));
  quad factor = (1 + g.r * type) * g.annuity;
  if (factor == 0) throw invalid_input("the annuity factor is zero: no payment solves the equation", "nper");
  return -(to_quad(fv) + to_quad(pv) * g.power) / factor;
}

void check_period(const decimal& per, const decimal& nper) {
  if (per < decimal(1) || per > nper)
    throw invalid_input("must be between 1 and nper (" + nper.to_string() + "), not " + per.to_string(), "per");
}

// The interest part of payment `per`: the rate times the balance after per - 1 payments
// (for payments in advance, that balance less one payment, over 1 + rate; none in period 1).
quad ipmt_q(const decimal& rate, const quad& per, const decimal& pv, int type, quad payment) {
  if (type == 1 && per == 1) return 0;
  growth g = grow(rate, per - 1);
  quad interest = fv_q(g, payment, to_quad(pv), type) * g.r;
  return type == 1 ? interest / (1 + g.r) : interest;
}

void check_cumulative(const decimal& rate, const decimal& nper, const decimal& pv, long start_period, long end_period,
                      int type) {
  if (rate.signum() <= 0) throw invalid_input("must be greater than 0, not " + rate.to_string(), "rate");
  if (nper.signum() <= 0) throw invalid_input("must be greater than 0, not " + nper.to_string(), "nper");
  if (pv.signum() <= 0) throw invalid_input("must be greater than 0, not " + pv.to_string(), "pv");
  if (start_period < 1) throw invalid_input("must be at least 1, not " + std::to_string(start_period), "start_period");
  if (end_period < start_period)
    throw invalid_input("must not be before start_period (" + std::to_string(start_period) + "), not " +
                            std::to_string(end_period),
                        "end_period");
  if (decimal(end_period) > nper)
    throw invalid_input("must not be after nper (" + nper.to_string() + "), not " + std::to_string(end_period),
                        "end_period");
  check_type(type);
}

quad cumulative_interest(const decimal& rate, const decimal& pv, long start_period, long end_period, int type,
                         quad payment) {
  quad total = 0;
  for (long p = start_period; p <= end_period; ++p)
    total += ipmt_q(rate, static_cast<quad>(p), pv, type, payment);
  return total;
}

void check_values(const std::vector<decimal>& values) {
  if (values.empty()) throw invalid_input("is empty", "values");
}

std::vector<ratio> act_365_times(const std::vector<decimal>& values, const std::vector<date>& dates) {
  check_values(values);
  if (values.size() != dates.size())
    throw invalid_input(std::to_string(values.size()) + " values but " + std::to_string(dates.size()) + " dates",
                        "dates");
  std::vector<ratio> times;
  times.reserve(dates.size());
  for (std::size_t i = 0; i < dates.size(); ++i) {
    if (dates[i].is_special()) throw invalid_input("dates[" + std::to_string(i) + "] is not a calendar date", "dates");
    long days = days_between(dates[0], dates[i]);
    if (days < 0)
      throw invalid_input("dates[" + std::to_string(i) + "] " + to_iso(dates[i]) + " is before dates[0] " +
                              to_iso(dates[0]) + " (the first date is the start of the schedule)",
                          "dates");
    times.emplace_back(days, 365);
  }
  return times;
}

// Days under the 30/360 rules of YEARFRAC: basis 0 (US/NASD, as the spreadsheet applies it,
// including its end-of-February rules) or basis 4 (European: any 31st becomes the 30th).
long days_30_360(const date& start, const date& end, bool european) {
  int y1 = start.year(), m1 = start.month(), d1 = start.day();
  int y2 = end.year(), m2 = end.month(), d2 = end.day();
  if (european) {
    d1 = std::min(d1, 30);
    d2 = std::min(d2, 30);
  } else {
    bool start_last_feb = m1 == 2 && d1 == days_in_month(y1, 2);
    bool end_last_feb = m2 == 2 && d2 == days_in_month(y2, 2);
    if (d2 == 31 && d1 >= 30) d2 = 30;
    if (d1 == 31) d1 = 30;
    if (start_last_feb) {
      d1 = 30;
      if (end_last_feb) d2 = 30;
    }
  }
  return 360L * (y2 - y1) + 30L * (m2 - m1) + (d2 - d1);
}

// Basis 1, the spreadsheet's actual/actual: within one year (up to the same day a year later) the
// days over 366 if that span is in a leap year or covers a 29 February, else 365; across more
// years the days over the average length of the calendar years from start's to end's.
ratio actual_actual(const date& start, const date& end) {
  int y1 = start.year(), y2 = end.year();
  long days = days_between(start, end);
  bool within_year = y1 == y2 || (y2 == y1 + 1 && (start.month() > end.month() ||
                                                  (start.month() == end.month() && start.day() >= end.day())));
  if (within_year) {
    bool leap = false;
    if (y1 == y2) {
      leap = is_leap_year(y1);
    } else {
      for (int y : {y1, y2})
        if (is_leap_year(y)) {
          date feb29(static_cast<unsigned short>(y), 2, 29);
          if (start <= feb29 && feb29 <= end) leap = true;
        }
    }
    return ratio(days, leap ? 366 : 365);
  }
  long years = y2 - y1 + 1;
  long span = days_between(date(static_cast<unsigned short>(y1), 1, 1), date(static_cast<unsigned short>(y2 + 1), 1, 1));
  return ratio(static_cast<long long>(days) * years, span);
}

}  // namespace

decimal round_significant(const ratio& value, int significant) {
  detail::check_digits(significant, "digits");
  if (value.is_zero()) return decimal();
  big_int num = boost::multiprecision::abs(value.numerator());
  int magnitude = static_cast<int>(num.str().size()) - static_cast<int>(value.denominator().str().size());
  // value < 10^(magnitude + 1): rounding at `significant - 1 - magnitude` places keeps at most
  // significant + 1 digits; one digit too many is fixed by rounding the exact value again.
  int places = significant - 1 - magnitude;
  decimal r = value.round(places, rounding::half_even);
  std::string c = boost::multiprecision::abs(r.coefficient()).str();
  if (static_cast<int>(c.size()) > significant) r = value.round(places - 1, rounding::half_even);
  return r.normalized();
}

decimal pmt(const decimal& rate, const decimal& nper, const decimal& pv, const decimal& fv, int type) {
  return detail::to_decimal(pmt_q(rate, nper, pv, fv, type), digits, "pmt");
}

decimal ipmt(const decimal& rate, const decimal& per, const decimal& nper, const decimal& pv, const decimal& fv,
             int type) {
  quad payment = pmt_q(rate, nper, pv, fv, type);
  check_period(per, nper);
  return detail::to_decimal(ipmt_q(rate, to_quad(per), pv, type, payment), digits, "ipmt");
}

decimal ppmt(const decimal& rate, const decimal& per, const decimal& nper, const decimal& pv, const decimal& fv,
             int type) {
  quad payment = pmt_q(rate, nper, pv, fv, type);
  check_period(per, nper);
  return detail::to_decimal(payment - ipmt_q(rate, to_quad(per), pv, type, payment), digits, "ppmt");
}

decimal cumipmt(const decimal& rate, const decimal& nper, const decimal& pv, long start_period, long end_period,
                int type) {
  check_cumulative(rate, nper, pv, start_period, end_period, type);
  quad payment = pmt_q(rate, nper, pv, decimal(), type);
  return detail::to_decimal(cumulative_interest(rate, pv, start_period, end_period, type, payment), digits,
                            "cumipmt");
}

decimal cumprinc(const decimal& rate, const decimal& nper, const decimal& pv, long start_period, long end_period,
                 int type) {
  check_cumulative(rate, nper, pv, start_period, end_period, type);
  quad payment = pmt_q(rate, nper, pv, decimal(), type);
  quad interest = cumulative_interest(rate, pv, start_period, end_period, type, payment);
  return detail::to_decimal(static_cast<quad>(end_period - start_period + 1) * payment - interest, digits,
                            "cumprinc");
}

decimal fv(const decimal& rate, const decimal& nper, const decimal& pmt, const decimal& pv, int type) {
  check_rate(rate);
  check_type(type);
  return detail::to_decimal(fv_q(grow(rate, to_quad(nper)), to_quad(pmt), to_quad(pv), type), digits, "fv");
}

decimal pv(const decimal& rate, const decimal& nper, const decimal& pmt, const decimal& fv, int type) {
  check_rate(rate);
  check_type(type);
  growth g = grow(rate, to_quad(nper));
  return detail::to_decimal(-(to_quad(fv) + to_quad(pmt) * (1 + g.r * type) * g.annuity) / g.power, digits, "pv");
}

decimal nper(const decimal& rate, const decimal& pmt, const decimal& pv, const decimal& fv, int type) {
  check_rate(rate);
  check_type(type);
  quad r = to_quad(rate), p = to_quad(pmt), present = to_quad(pv), future = to_quad(fv);
  if (rate.is_zero()) {
    if (pmt.is_zero()) throw no_solution("with rate and pmt both 0 no number of periods changes the value", "nper");
    return detail::to_decimal(-(present + future) / p, digits, "nper");
  }
  // (1 + r)^n = (c - fv r) / (c + pv r) with c = pmt (1 + r type); written as log1p of the
  // difference from 1 so that small rates keep their digits.
  quad c = p * (1 + r * type);
  quad denominator = c + present * r;
  quad growth_less_one = denominator == 0 ? quad(-1) : -(future + present) * r / denominator;
  if (denominator == 0 || !(growth_less_one > -1))
    throw no_solution("no number of periods reaches fv " + fv.to_string() + " from pv " + pv.to_string() +
                          " with pmt " + pmt.to_string() + " at rate " + rate.to_string(),
                      "nper");
  return detail::to_decimal(detail::quad_log1p(growth_less_one) / detail::quad_log1p(r), digits, "nper");
}

decimal rate(const decimal& nper, const decimal& pmt, const decimal& pv, const decimal& fv, int type,
             const decimal& guess) {
  check_type(type);
  if (nper.signum() <= 0) throw invalid_input("must be greater than 0, not " + nper.to_string(), "nper");
  if (guess <= decimal(-1)) throw invalid_input("must be greater than -1, not " + guess.to_string(), "guess");
  // f(x) = pv (1+r)^n + pmt (1 + r type) ((1+r)^n - 1) / r + fv with r = e^x - 1, divided by
  // (1+r)^n when x > 0 so that nothing overflows (the scale is positive: the roots are the same).
  double n = nper.to_double(), p = pmt.to_double(), present = pv.to_double(), future = fv.to_double();
  auto f = [&](double x) {
    double r = std::expm1(x);
    double annuity = x == 0 ? n : std::expm1(n * x) / r;
    double value = present * std::exp(n * x) + p * (1 + r * type) * annuity + future;
    return x > 0 ? value * std::exp(-n * x) : value;
  };
  auto slope = [&](double x) {
    double h = 1e-6 * std::max(std::fabs(x), 1e-3);
    return (f(x + h) - f(x - h)) / (2 * h);
  };
  quad nq = to_quad(nper), pq = to_quad(pmt), pvq = to_quad(pv), fvq = to_quad(fv);
  auto f_quad = [&](quad x) {
    quad r = detail::quad_expm1(x);
    quad m = detail::quad_expm1(nq * x);
    quad annuity = x == 0 ? nq : m / r;
    quad value = pvq * (1 + m) + pq * (1 + r * type) * annuity + fvq;
    return x > 0 ? value / (1 + m) : value;
  };
  auto found = detail::find_sign_change(f, std::log1p(guess.to_double()), -40.0, 40.0);
  if (!found)
    throw no_solution("no rate between -100% and e^40 - 1 solves the annuity equation for these nper, pmt, pv, fv",
                      "rate");
  double x = detail::refine_root([&](double v) { return std::make_pair(f(v), slope(v)); }, *found);
  quad d = slope(x);
  if (d == 0) d = 1;
  quad root = detail::polish_root([&](quad v) { return std::make_pair(f_quad(v), d); }, x, "rate");
  return detail::to_decimal(detail::quad_expm1(root), digits, "rate");
}

decimal npv(const decimal& rate, const std::vector<decimal>& values) {
  check_values(values);
  check_rate(rate);
  std::vector<ratio> times;
  times.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) times.emplace_back(static_cast<long long>(i + 1));
  return detail::discounted_sum(rate, values, times, digits, "npv");
}

decimal irr(const std::vector<decimal>& values, const decimal& guess) {
  check_values(values);
  std::vector<ratio> times;
  times.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) times.emplace_back(static_cast<long long>(i));
  return detail::discount_rate_root(values, times, guess, digits, "irr");
}

decimal xnpv(const decimal& rate, const std::vector<decimal>& values, const std::vector<date>& dates) {
  std::vector<ratio> times = act_365_times(values, dates);
  check_rate(rate);
  return detail::discounted_sum(rate, values, times, digits, "xnpv");
}

decimal xirr(const std::vector<decimal>& values, const std::vector<date>& dates, const decimal& guess) {
  std::vector<ratio> times = act_365_times(values, dates);  // checks the inputs
  std::vector<std::int64_t> days;
  days.reserve(dates.size());
  for (const date& d : dates) days.push_back(days_between(dates[0], d));
  return detail::discount_rate_root(values, std::move(days), 365, guess, digits, "xirr");
}

ratio year_fraction(const date& start_date, const date& end_date, int basis) {
  if (basis < 0 || basis > 4)
    throw invalid_input("must be 0 (US 30/360), 1 (actual/actual), 2 (actual/360), 3 (actual/365) or "
                        "4 (European 30/360), not " + std::to_string(basis),
                        "basis");
  if (start_date.is_special()) throw invalid_input("not a calendar date", "start_date");
  if (end_date.is_special()) throw invalid_input("not a calendar date", "end_date");
  const date& a = std::min(start_date, end_date);
  const date& b = std::max(start_date, end_date);
  switch (basis) {
    case 0: return ratio(days_30_360(a, b, false), 360);
    case 1: return actual_actual(a, b);
    case 2: return ratio(days_between(a, b), 360);
    case 3: return ratio(days_between(a, b), 365);
    default: return ratio(days_30_360(a, b, true), 360);
  }
}

decimal yearfrac(const date& start_date, const date& end_date, int basis) {
  return round_significant(year_fraction(start_date, end_date, basis));
}

decimal effect(const decimal& nominal_rate, long npery) {
  if (nominal_rate.signum() <= 0)
    throw invalid_input("must be greater than 0, not " + nominal_rate.to_string(), "nominal_rate");
  if (npery < 1) throw invalid_input("must be at least 1, not " + std::to_string(npery), "npery");
  if (npery <= 1000) {
    // A whole number of compoundings: (1 + r/n)^n - 1 is a rational number, computed exactly.
    ratio step = ratio(1) + ratio(nominal_rate) / ratio(npery);
    ratio power = 1;
    for (long i = 0; i < npery; ++i) power *= step;
    return round_significant(power - ratio(1));
  }
  quad n = static_cast<quad>(npery);
  return detail::to_decimal(detail::quad_expm1(n * detail::quad_log1p(to_quad(nominal_rate) / n)), digits, "effect");
}

decimal nominal(const decimal& effect_rate, long npery) {
  if (effect_rate.signum() <= 0)
    throw invalid_input("must be greater than 0, not " + effect_rate.to_string(), "effect_rate");
  if (npery < 1) throw invalid_input("must be at least 1, not " + std::to_string(npery), "npery");
  quad n = static_cast<quad>(npery);
  return detail::to_decimal(n * detail::quad_expm1(detail::quad_log1p(to_quad(effect_rate)) / n), digits, "nominal");
}

date edate(const date& start_date, long months) {
  if (start_date.is_special()) throw invalid_input("not a calendar date", "start_date");
  return add_months(start_date, months);
}

date eomonth(const date& start_date, long months) {
  if (start_date.is_special()) throw invalid_input("not a calendar date", "start_date");
  return end_of_month(add_months(date(start_date.year(), start_date.month(), 1), months));
}

}  // namespace stakecalc::spreadsheet
