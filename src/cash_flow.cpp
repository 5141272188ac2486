// Dated cash flows: the XNPV/XIRR engine (see stakecalc/cash_flow.hpp for the contract).
#include "stakecalc/cash_flow.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <utility>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include "stakecalc/detail/quad.hpp"

namespace stakecalc {
namespace detail {

void check_digits(int digits, const std::string& where) {
  if (digits < 1 || digits > 33)
    throw invalid_input("digits " + std::to_string(digits) + " outside 1..33 (the working precision is 34 digits)",
                        where);
}

namespace {

// The precision of the last-resort root polishing (polish_root_precisely).
using precise = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<100>, boost::multiprecision::et_off>;

// sum_i a_i e^(-t_i x), x = ln(1 + r), prepared for evaluation at many x. Every evaluation is
// scaled by e^(t_ref x) with t_ref the smallest time when x >= 0 and the largest when x < 0, so
// that no exponent is positive and nothing overflows; the scale is positive, so signs and the
// ratio f / f' (all the root finders use) are those of the unscaled sum.
class exponential_sum {
public:
  // Times n_i / denominator (whole days over 365, periods over 1): the fast, common case.
  exponential_sum(const std::vector<decimal>& amounts, std::vector<std::int64_t> n, std::int64_t denominator)
      : amounts_(&amounts), integral_(true), denominator_(denominator), n_(std::move(n)) {
    set_amounts(amounts);
    for (std::int64_t v : n_) t_d_.push_back(static_cast<double>(v) / static_cast<double>(denominator_));
    finish();
  }

  // Exact times of any kind; whole powers are still used when the times have a small common
  // denominator.
  exponential_sum(const std::vector<decimal>& amounts, const std::vector<ratio>& times)
      : amounts_(&amounts), times_(&times) {
    set_amounts(amounts);
    for (const ratio& t : times) t_d_.push_back(static_cast<double>(to_quad(t)));
    big_int denominator = 1;
    for (const ratio& t : times) {
      big_int d = t.denominator();
      denominator = denominator / boost::multiprecision::gcd(denominator, d) * d;
      if (denominator > 100000000) break;
    }
    if (denominator <= 100000000) {
      integral_ = true;
      denominator_ = static_cast<std::int64_t>(denominator);
      for (const ratio& t : times) {
        big_int n = t.numerator() * (denominator / t.denominator());
        if (boost::multiprecision::abs(n) > big_int(std::int64_t(1) << 52)) {
          integral_ = false;
          n_.clear();
          break;
        }
        n_.push_back(static_cast<std::int64_t>(n));
      }
    }
    if (!integral_) {
      t_q_.reserve(times.size());
      for (const ratio& t : times) t_q_.push_back(to_quad(t));
    }
    finish();
  }

  double t_min() const { return t_min_; }
  double t_max() const { return t_max_; }

  // {f, f'} at x in double, scaled as described above.
  std::pair<double, double> eval(double x) const {
    double t_ref = x >= 0 ? t_min_ : t_max_;
    double f = 0, df = 0;
    for (std::size_t i = 0; i < a_d_.size(); ++i) {
      double dt = t_d_[i] - t_ref;
      double term = a_d_[i] * std::exp(-dt * x);
      f += term;
      df -= dt * term;
    }
    return {f, df};
  }

  // {f, f'} at x in quad, scaled as described above.
  std::pair<quad, quad> eval(quad x) const {
    quad f = 0, df = 0;
    if (!integral_) {
      quad t_ref = x >= 0 ? to_quad_time(t_min_index()) : to_quad_time(t_max_index());
      for (std::size_t i = 0; i < a_q_.size(); ++i) {
        quad dt = t_q_[i] - t_ref;
        quad term = a_q_[i] * quad_exp(-dt * x);
        f += term;
        df -= dt * term;
      }
      return {f, df};
    }
    // Powers of b = e^(-|x|/D) are carried as b^k - 1, which keeps their relative precision
    // when b is close to 1 (b^k - 1 = m: squaring gives m (m + 2), a product m1 + m2 + m1 m2).
    quad m_base = quad_expm1(-quad_abs(x) / static_cast<quad>(denominator_));
    std::array<quad, 64> squares{};  // b^(2^j) - 1
    int squares_known = 0;
    auto power = [&](std::int64_t k) {  // b^k - 1
      quad m = 0;
      for (int j = 0; k != 0; ++j, k >>= 1) {
        if (j == squares_known) {
          squares[static_cast<std::size_t>(j)] =
              j == 0 ? m_base : squares[static_cast<std::size_t>(j - 1)] * (squares[static_cast<std::size_t>(j - 1)] + 2);
          ++squares_known;
        }
        if (k & 1) m = m + squares[static_cast<std::size_t>(j)] + m * squares[static_cast<std::size_t>(j)];
      }
      return m;
    };
    bool up = x >= 0;  // exponents n_i - n_min ascending in n, or n_max - n_i descending
    std::int64_t n_ref = up ? n_min_ : n_max_;
    quad m = 0;
    std::int64_t at = 0;
    for (std::size_t k = 0; k < order_.size(); ++k) {
      std::size_t i = up ? order_[k] : order_[order_.size() - 1 - k];
      std::int64_t e = up ? n_[i] - n_ref : n_ref - n_[i];
      if (e != at) {
        quad g = power(e - at);
        m = m + g + m * g;
        at = e;
      }
      quad term = a_q_[i] * (1 + m);
      f += term;
      df -= static_cast<quad>(n_[i] - n_ref) * term;
    }
    return {f, df / static_cast<quad>(denominator_)};
  }

  // {f, f'} at x in 100-digit binary floating point, from the exact amounts and times, scaled as
  // eval does. For the rare roots quad cannot settle: when the flows nearly cancel (7,162,000,000
  // out and back with a few hundred between them), quad's rounding noise of ~1e-34 of the largest
  // term can exceed 1e-28 of the root.
  std::pair<precise, precise> eval_precise(const precise& x) const {
    const std::size_t count = amounts_->size();
    std::vector<precise> t(count);
    for (std::size_t i = 0; i < count; ++i)
      t[i] = integral_ ? precise(n_[i]) / precise(denominator_)
                       : precise((*times_)[i].numerator()) / precise((*times_)[i].denominator());
    precise t_ref = t[0];
    for (const precise& v : t) t_ref = x >= 0 ? (v < t_ref ? v : t_ref) : (v > t_ref ? v : t_ref);
    precise f = 0, df = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const decimal& a = (*amounts_)[i];
      const precise amount = precise(a.coefficient()) / boost::multiprecision::pow(precise(10), a.scale());
      const precise dt = t[i] - t_ref;
      const precise term = amount * exp(-dt * x);
      f += term;
      df -= dt * term;
    }
    return {f, df};
  }

private:
  void set_amounts(const std::vector<decimal>& amounts) {
    a_q_.reserve(amounts.size());
    a_d_.reserve(amounts.size());
    t_d_.reserve(amounts.size());
    for (const decimal& a : amounts) {
      a_q_.push_back(to_quad(a));
      a_d_.push_back(static_cast<double>(a_q_.back()));
    }
  }
  void finish() {
    t_min_ = *std::min_element(t_d_.begin(), t_d_.end());
    t_max_ = *std::max_element(t_d_.begin(), t_d_.end());
    if (integral_) {
      order_.resize(n_.size());
      std::iota(order_.begin(), order_.end(), std::size_t{0});
      std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return n_[a] < n_[b]; });
      n_min_ = n_[order_.front()];
      n_max_ = n_[order_.back()];
    }
  }

  std::size_t t_min_index() const { return static_cast<std::size_t>(std::min_element(t_q_.begin(), t_q_.end()) - t_q_.begin()); }
  std::size_t t_max_index() const { return static_cast<std::size_t>(std::max_element(t_q_.begin(), t_q_.end()) - t_q_.begin()); }
  quad to_quad_time(std::size_t i) const { return t_q_[i]; }

  const std::vector<decimal>* amounts_ = nullptr;  // the caller's, alive while the sum is
  const std::vector<ratio>* times_ = nullptr;      // exact times when not integral
  std::vector<quad> a_q_, t_q_;
  std::vector<double> a_d_, t_d_;
  double t_min_ = 0, t_max_ = 0;
  bool integral_ = false;
  std::int64_t denominator_ = 1, n_min_ = 0, n_max_ = 0;
  std::vector<std::int64_t> n_;
  std::vector<std::size_t> order_;
};

void check_rate(const decimal& rate, const std::string& where) {
  if (rate <= decimal(-1))
    throw invalid_input("rate " + rate.to_string() + " must be greater than -1 (100% loss per period)", where);
}

void check_flows(std::size_t amounts, std::size_t times, const std::string& where) {
  if (amounts == 0) throw invalid_input("no cash flows (amounts is empty)", where);
  if (amounts != times)
    throw invalid_input(std::to_string(amounts) + " amounts but " + std::to_string(times) + " dates", where);
}

}  // namespace

decimal discounted_sum(const decimal& rate, const std::vector<decimal>& amounts, const std::vector<ratio>& times,
                       int digits, const std::string& where) {
  check_digits(digits, where);
  check_flows(amounts.size(), times.size(), where);
  check_rate(rate, where);
  quad x = quad_log1p(to_quad(rate));
  quad sum = 0;
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    if (amounts[i].is_zero()) continue;
    if (times[i].is_zero()) {
      sum += to_quad(amounts[i]);  // e^0: no exponential needed for a flow on the valuation date
      continue;
    }
    sum += to_quad(amounts[i]) * quad_exp(-to_quad(times[i]) * x);
  }
  return to_decimal(sum, digits, where);
}

namespace {

void check_root_inputs(const std::vector<decimal>& amounts, std::size_t times, const decimal& guess, int digits,
                       const std::string& where) {
  check_digits(digits, where);
  check_flows(amounts.size(), times, where);
  if (guess <= decimal(-1)) throw invalid_input("guess " + guess.to_string() + " must be greater than -1", where);
  bool positive = false, negative = false;
  for (const decimal& a : amounts) {
    positive = positive || a.signum() > 0;
    negative = negative || a.signum() < 0;
  }
  if (!positive || !negative)
    throw no_solution(std::string("the amounts must include a positive and a negative one (all are ") +
                          (positive ? "positive" : negative ? "negative" : "zero") + "): no rate makes them worth zero",
                      where);
}

// Newton steps at 100 digits from the double root, when quad's could not settle (see
// eval_precise): each step costs ~n exponentials at 100 digits, microseconds, and only these rare
// flows pay it. The root leaves as the nearest quad (two doubles' worth of it is plenty).
quad polish_root_precisely(const exponential_sum& sum, double x0, const std::string& where) {
  precise x = x0;
  for (int i = 0; i < 60; ++i) {
    const auto [f, df] = sum.eval_precise(x);
    if (f == 0) break;
    if (df == 0) throw no_solution("the rate iteration did not converge (a flat present value at the root)", where);
    const precise dx = f / df;
    x -= dx;
    if (abs(dx) <= abs(x) * precise("1e-60") || abs(dx) < precise("1e-90")) break;
    if (i == 59) throw no_solution("the rate iteration did not converge to 28 significant digits", where);
  }
  const double hi = static_cast<double>(x);
  const double lo = static_cast<double>(x - precise(hi));
  return static_cast<quad>(hi) + static_cast<quad>(lo);
}

decimal solve(const exponential_sum& sum, const decimal& guess, int digits, const std::string& where) {
  if (sum.t_min() == sum.t_max())
    throw no_solution("all flows fall on one date: no rate, or every rate, makes them worth zero", where);
  double x0 = std::log1p(guess.to_double());
  auto value = [&](double x) { return sum.eval(x).first; };
  auto found = find_sign_change(value, x0, -40.0, 40.0);
  if (!found)
    throw no_solution("no rate between -100% and e^40 - 1 makes the present value change sign", where);
  double x = refine_root([&](double v) { return sum.eval(v); }, *found);
  quad root = 0;
  try {
    root = polish_root([&](quad v) { return sum.eval(v); }, x, where);
  } catch (const no_solution&) {
    root = polish_root_precisely(sum, x, where);
  }
  return to_decimal(quad_expm1(root), digits, where);
}

}  // namespace

namespace {

// The two non-zero flows when there are exactly two (an investment and one return: the commonest
// case by far), their indexes in order of the input.
std::optional<std::pair<std::size_t, std::size_t>> two_flows(const std::vector<decimal>& amounts) {
  std::optional<std::size_t> first, second;
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    if (amounts[i].is_zero()) continue;
    if (!first)
      first = i;
    else if (!second)
      second = i;
    else
      return std::nullopt;
  }
  if (!second) return std::nullopt;
  return std::pair{*first, *second};
}

// Two flows a (at time 0) and b (at time dt != 0) of opposite signs are worth zero at exactly one
// rate: a + b e^(-dt x) = 0 gives x = ln(-b / a) / dt. ln(-b / a) = log1p(-(a + b) / a), with a + b
// exact, keeps its relative precision when the two nearly cancel (a multiple close to 1). None
// when the root lies outside the range the general search covers, so that case keeps its error.
std::optional<decimal> two_flow_root(const decimal& a, const decimal& b, quad dt, int digits,
                                     const std::string& where) {
  const quad u = -to_quad(a + b) / to_quad(a);
  const quad x = quad_log1p(u) / dt;
  if (!quad_finite(x) || quad_abs(x) > 40) return std::nullopt;
  return to_decimal(quad_expm1(x), digits, where);
}

}  // namespace

decimal discount_rate_root(const std::vector<decimal>& amounts, const std::vector<ratio>& times, const decimal& guess,
                           int digits, const std::string& where) {
  check_root_inputs(amounts, times.size(), guess, digits, where);
  if (auto pair = two_flows(amounts); pair && times[pair->first] != times[pair->second]) {
    const quad dt = to_quad(times[pair->second] - times[pair->first]);
    if (auto r = two_flow_root(amounts[pair->first], amounts[pair->second], dt, digits, where)) return *r;
  }
  return solve(exponential_sum(amounts, times), guess, digits, where);
}

decimal discount_rate_root(const std::vector<decimal>& amounts, std::vector<std::int64_t> numerators,
                           std::int64_t denominator, const decimal& guess, int digits, const std::string& where) {
  check_root_inputs(amounts, numerators.size(), guess, digits, where);
  if (auto pair = two_flows(amounts); pair && numerators[pair->first] != numerators[pair->second]) {
    const quad dt = static_cast<quad>(numerators[pair->second] - numerators[pair->first]) / static_cast<quad>(denominator);
    if (auto r = two_flow_root(amounts[pair->first], amounts[pair->second], dt, digits, where)) return *r;
  }
  return solve(exponential_sum(amounts, std::move(numerators), denominator), guess, digits, where);
}

}  // namespace detail

namespace {

std::vector<ratio> year_fractions(const std::vector<date>& dates, const date& from, const day_counter& day_count) {
  std::vector<ratio> out;
  out.reserve(dates.size());
  for (const date& d : dates) out.push_back(day_count.year_fraction(from, d));
  return out;
}

void check_dated(const std::vector<decimal>& amounts, const std::vector<date>& dates, const std::string& where) {
  if (amounts.empty()) throw invalid_input("no cash flows (amounts is empty)", where);
  if (amounts.size() != dates.size())
    throw invalid_input(std::to_string(amounts.size()) + " amounts but " + std::to_string(dates.size()) + " dates",
                        where);
  for (std::size_t i = 0; i < dates.size(); ++i)
    if (dates[i].is_special()) throw invalid_input("dates[" + std::to_string(i) + "] is not a calendar date", where);
}

std::vector<ratio> periods(std::size_t count) {
  std::vector<ratio> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.emplace_back(static_cast<long long>(i));
  return out;
}

void split(const std::vector<cash_flow>& flows, std::vector<decimal>& amounts, std::vector<date>& dates,
           const std::string& where) {
  for (std::size_t i = 0; i < flows.size(); ++i) {
    if (flows[i].amount.currency() != flows.front().amount.currency())
      throw currency_mismatch("flows[" + std::to_string(i) + "] is in " + std::string(flows[i].amount.currency().code()) +
                                  " but flows[0] is in " + std::string(flows.front().amount.currency().code()) +
                                  ": convert with an explicit FX rate first",
                              where);
    amounts.push_back(flows[i].amount.amount());
    dates.push_back(flows[i].on);
  }
}

}  // namespace

decimal xnpv(const decimal& rate, const std::vector<decimal>& amounts, const std::vector<date>& dates,
             const day_counter& day_count, int digits) {
  check_dated(amounts, dates, "xnpv");
  date first = *std::min_element(dates.begin(), dates.end());
  return detail::discounted_sum(rate, amounts, year_fractions(dates, first, day_count), digits, "xnpv");
}

decimal xnpv_at(const decimal& rate, const std::vector<decimal>& amounts, const std::vector<date>& dates,
                const date& valuation_date, const day_counter& day_count, int digits) {
  check_dated(amounts, dates, "xnpv");
  if (valuation_date.is_special()) throw invalid_input("valuation_date is not a calendar date", "xnpv");
  return detail::discounted_sum(rate, amounts, year_fractions(dates, valuation_date, day_count), digits, "xnpv");
}

decimal xirr(const std::vector<decimal>& amounts, const std::vector<date>& dates, const std::optional<decimal>& guess,
             const day_counter& day_count, int digits) {
  check_dated(amounts, dates, "xirr");
  date first = *std::min_element(dates.begin(), dates.end());
  decimal start = guess.value_or(decimal::from_parts(1, 1));
  std::int64_t denominator = 0;
  switch (day_count.convention()) {
    case day_count_convention::act_365_fixed: denominator = 365; break;
    case day_count_convention::act_360: denominator = 360; break;
    case day_count_convention::thirty_360_bond:
    case day_count_convention::thirty_360_us:
    case day_count_convention::thirty_e_360: denominator = 360; break;
    default: break;
  }
  if (denominator != 0) {
    // Whole days over a fixed denominator: no exact fraction needs building per flow.
    std::vector<std::int64_t> days;
    days.reserve(dates.size());
    for (const date& d : dates) days.push_back(day_count.day_count(first, d));
    return detail::discount_rate_root(amounts, std::move(days), denominator, start, digits, "xirr");
  }
  return detail::discount_rate_root(amounts, year_fractions(dates, first, day_count), start, digits, "xirr");
}

decimal xnpv(const decimal& rate, const std::vector<cash_flow>& flows, const day_counter& day_count, int digits) {
  std::vector<decimal> amounts;
  std::vector<date> dates;
  split(flows, amounts, dates, "xnpv");
  return xnpv(rate, amounts, dates, day_count, digits);
}

decimal xirr(const std::vector<cash_flow>& flows, const std::optional<decimal>& guess, const day_counter& day_count,
             int digits) {
  std::vector<decimal> amounts;
  std::vector<date> dates;
  split(flows, amounts, dates, "xirr");
  return xirr(amounts, dates, guess, day_count, digits);
}

decimal npv(const decimal& rate, const std::vector<decimal>& amounts, int digits) {
  if (amounts.empty()) throw invalid_input("no cash flows (amounts is empty)", "npv");
  return detail::discounted_sum(rate, amounts, periods(amounts.size()), digits, "npv");
}

decimal irr(const std::vector<decimal>& amounts, const std::optional<decimal>& guess, int digits) {
  if (amounts.empty()) throw invalid_input("no cash flows (amounts is empty)", "irr");
  return detail::discount_rate_root(amounts, periods(amounts.size()), guess.value_or(decimal::from_parts(1, 1)),
                                    digits, "irr");
}

ratio multiple(const std::vector<decimal>& amounts) {
  decimal in, out;
  for (const decimal& a : amounts) {
    if (a.signum() > 0) in += a;
    if (a.signum() < 0) out -= a;
  }
  if (out.is_zero()) throw invalid_input("no amount was paid out (no negative amount): the multiple is undefined", "multiple");
  return ratio(in) / ratio(out);
}

ratio multiple(const std::vector<cash_flow>& flows) {
  std::vector<decimal> amounts;
  std::vector<date> dates;
  split(flows, amounts, dates, "multiple");
  return multiple(amounts);
}

std::optional<date> payback_date(const std::vector<decimal>& amounts, const std::vector<date>& dates) {
  check_dated(amounts, dates, "payback_date");
  std::vector<std::size_t> order(amounts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return dates[a] < dates[b]; });
  decimal cumulative;
  std::optional<date> since;  // the first date of the current run of non-negative cumulative flow
  for (std::size_t k = 0; k < order.size();) {
    date day = dates[order[k]];
    for (; k < order.size() && dates[order[k]] == day; ++k) cumulative += amounts[order[k]];
    if (cumulative.signum() < 0)
      since.reset();
    else if (!since)
      since = day;
  }
  return since;
}

std::optional<date> payback_date(const std::vector<cash_flow>& flows) {
  std::vector<decimal> amounts;
  std::vector<date> dates;
  split(flows, amounts, dates, "payback_date");
  return payback_date(amounts, dates);
}

}  // namespace stakecalc
