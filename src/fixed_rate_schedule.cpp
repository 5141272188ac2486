// The repayment table of a plain fixed-rate loan in whole minor units (see
// stakecalc/detail/fixed_rate_schedule.hpp for what "plain" means and why this exists).
//
// What the engine does for such a loan, and so what is done here (src/loan.cpp, engine::execute):
// - the payment dates are start + k cycles (k = 1..n), the day clamped to the month, or every
//   month end under the end-of-month rule;
// - period k's interest is round(balance x rate x f_k), f_k the accrual fraction from date k-1 to
//   date k (按月计息: whole months / 12 + days / 360; or days / 360 or days / 365);
// - an annuity pays the instalment A = round(N (1 + r f_1) P / (1 + T)), P the product of the
//   growth factors g_k = 1 + r f_k for k = 2..n and T the sum of their tail products (the textbook
//   P r (1+r)^n / ((1+r)^n - 1) when the periods are equal), of which the principal is A less the
//   period's interest; equal principal repays round(N / n) a period; a bullet loan repays nothing
//   before maturity; a payment never repays more than the balance;
// - the last period pays its interest and whatever principal is left.
#include "stakecalc/detail/fixed_rate_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "stakecalc/detail/monthly_accrual.hpp"
#include "stakecalc/detail/rounding_decision.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/tenor.hpp"

namespace stakecalc::detail {

namespace {

// Rate coefficients up to 2^30 and accrual numerators below 2^22 (8,700 years of months) keep
// their product, plus 10^scale x 365 for a scale up to 12, exact in 53 bits.
constexpr std::int64_t max_rate_coefficient = std::int64_t{1} << 30;
constexpr int max_rate_scale = 12;
// Balances up to 10^15 minor units (10^13 yuan) keep every product and sum below in 64 bits, with
// room; a larger loan is the engine's.
constexpr std::int64_t max_principal_minor_units = 1'000'000'000'000'000;

// A decimal as an integer number of 10^-places units, when it is one and fits.
std::optional<std::int64_t> in_minor_units(const decimal& amount, int places) {
  if (!amount.is_small() || amount.scale() < 0) return std::nullopt;
  std::int64_t units = amount.small_coefficient();
  const int scale = amount.scale();
  if (scale <= places) {
    if (!mul_pow10(units, places - scale)) return std::nullopt;
    return units;
  }
  if (scale - places > 18) return std::nullopt;
  const std::int64_t divisor = pow10_i64[scale - places];
  if (units % divisor != 0) return std::nullopt;
  return units / divisor;
}

// The accrual fraction of one period as numerator / denominator (not reduced: only its value and
// the rounding of products with it matter).
struct accrual {
  long numerator = 0;
  long denominator = 1;
};

// The annuity instalment in minor units, when long double (64-bit significand on x86-64; whatever
// it is elsewhere, the bound below uses its epsilon) decides its rounding; nullopt otherwise, or
// when the instalment is not a positive 62-bit integer. `periods` holds f_1..f_n.
std::optional<std::int64_t> rounded_instalment(std::int64_t principal, std::int64_t rate_coefficient,
                                               std::int64_t rate_pow10, const std::vector<accrual>& periods,
                                               rounding mode) {
  using real = long double;
  // g = (10^s d + c m) / (10^s d) for f = m / d: both integers are exact, so each factor is one
  // rounding of relative size at most u = epsilon / 2 (computing 1 + c m / (10^s d) instead would
  // magnify the quotient's rounding by |c m| / (10^s d + c m), large for rates near -100%).
  long cached_numerator = -1, cached_denominator = 0;
  real cached = 1;
  auto growth = [&](const accrual& f) {
    if (f.numerator != cached_numerator || f.denominator != cached_denominator) {
      cached_numerator = f.numerator;
      cached_denominator = f.denominator;
      const std::int64_t scale = rate_pow10 * f.denominator;
      cached = static_cast<real>(scale + rate_coefficient * f.numerator) / static_cast<real>(scale);
    }
    return cached;
  };
  // P and T as the engine forms them, from the last period back: P_j = g_j ... g_n, T = sum P_j.
  real product = 1, tail = 0;
  for (std::size_t k = periods.size() - 1; k >= 1; --k) {
    const real g = growth(periods[k]);
    if (!(g > 0)) return std::nullopt;
    product *= g;
    tail += product;
  }
  const real first = growth(periods.front());
  if (!(first > 0)) return std::nullopt;
  const real x = static_cast<real>(principal) * first * product / (1 + tail);
  if (!(x > 1) || x > 0x1p62L) return std::nullopt;
  // Every factor and partial sum is positive, so relative errors add: P_j is within 2(n - j + 1)
  // roundings (its factors' and its products'), T within 3n, x within 5n + 6: (4n + 64) epsilon =
  // (8n + 128) u bounds the lot with room. The fractional part x - floor(x) is exact.
  const real margin = x * static_cast<real>(4 * periods.size() + 64) * std::numeric_limits<real>::epsilon();
  const real whole = std::floor(x);
  return rounding_if_decided<real>(static_cast<std::int64_t>(whole), x - whole, margin, mode);
}

// round(balance x c f / 10^s) in minor units, when it fits 64 bits.
std::optional<std::int64_t> period_interest(std::int64_t balance, std::int64_t rate_coefficient, std::int64_t rate_pow10,
                                            const accrual& f, rounding mode) {
  const int128 numerator = static_cast<int128>(balance) * rate_coefficient * f.numerator;
  const std::int64_t denominator = rate_pow10 * f.denominator;
  if (fits_small(numerator) && numerator != std::numeric_limits<std::int64_t>::min())
    return div_round(static_cast<std::int64_t>(numerator), denominator, mode);
  const int128 q = div_round_128(numerator, denominator, mode);
  if (!fits_small(q)) return std::nullopt;
  return static_cast<std::int64_t>(q);
}

}  // namespace

bool is_plain_fixed_rate(const loan_terms& t) {
  const bool repayment =
      t.repayment == repayment_type::annuity || t.repayment == repayment_type::equal_principal ||
      t.repayment == repayment_type::bullet;
  const time_unit unit = t.frequency.unit();
  const bool cycle = (unit == time_unit::months || unit == time_unit::years) && t.frequency.length() > 0 &&
                     t.periods && !t.maturity && t.stub.position == stub_position::final_period &&
                     !t.interest_anchor && !t.interest_cycle && !t.principal_anchor && !t.principal_cycle &&
                     !t.amortization_end && t.grace_periods == 0 &&
                     t.convention == business_day_convention::unadjusted;
  const day_count_convention dc = t.day_count.convention();
  const bool basis = t.basis == interest_basis::monthly || dc == day_count_convention::act_360 ||
                     dc == day_count_convention::act_365_fixed;
  const bool rate = t.rate && !t.floating && t.rate->is_small() && t.rate->scale() >= 0 &&
                    t.rate->scale() <= max_rate_scale && t.rate->small_coefficient() < max_rate_coefficient &&
                    t.rate->small_coefficient() > -max_rate_coefficient;
  const bool money = t.rounding_mode && *t.rounding_mode != rounding::unnecessary && t.ccy.minor_units() <= 6;
  const bool plain_life = !t.instalment && t.principal_schedule.empty() && !t.capitalization_end &&
                          t.accrued_at_start.is_zero() && t.prepayments.empty() && !t.status_date && !t.purchase &&
                          !t.sale && !t.base.fixed_amount && !t.scaling;
  if (!(repayment && cycle && basis && rate && money && plain_life)) return false;
  const std::optional<std::int64_t> principal = in_minor_units(t.principal, t.ccy.minor_units());
  return principal && *principal <= max_principal_minor_units;
}

std::optional<std::vector<loan_schedule_row>> fixed_rate_schedule(const loan_terms& t, const decimal& shown_rate) {
  const int places = t.ccy.minor_units();
  const rounding mode = *t.rounding_mode;
  const std::int64_t principal = *in_minor_units(t.principal, places);
  const std::int64_t c = t.rate->small_coefficient();
  const std::int64_t rate_pow10 = pow10_i64[t.rate->scale()];
  const auto n = static_cast<std::size_t>(*t.periods);

  // The payment dates and each period's accrual. Maturity (the last date) was checked to lie in
  // the supported years when the loan was made, so every date before it does too.
  const long step = t.frequency.unit() == time_unit::years ? 12L * t.frequency.length() : t.frequency.length();
  const calendar_fields first = fields_of(t.start);
  const bool month_ends = t.end_of_month && first.day == days_in_month(first.year, first.month);
  const long first_month = 12L * first.year + (first.month - 1);
  std::vector<date> dates;
  std::vector<accrual> periods;
  dates.reserve(n + 1);
  periods.reserve(n);
  dates.push_back(t.start);
  calendar_fields previous = first;
  for (std::size_t k = 1; k <= n; ++k) {
    const long month = first_month + step * static_cast<long>(k);
    calendar_fields f{static_cast<int>(month / 12), static_cast<int>(month % 12) + 1, 0};
    const int last_day = days_in_month(f.year, f.month);
    f.day = month_ends ? last_day : std::min(first.day, last_day);
    const date d(static_cast<unsigned short>(f.year), static_cast<unsigned short>(f.month),
                 static_cast<unsigned short>(f.day));
    if (t.basis == interest_basis::monthly)
      periods.push_back({monthly_accrual_360(dates.back(), previous, d, f), 360});
    else
      periods.push_back({days_between(dates.back(), d),
                         t.day_count.convention() == day_count_convention::act_360 ? 360L : 365L});
    dates.push_back(d);
    previous = f;
  }

  // The fixed amount repaid per period before the last, if any.
  std::int64_t instalment = 0;
  if (n >= 2 && t.repayment == repayment_type::annuity) {
    if (c == 0) {
      instalment = div_round(principal, static_cast<std::int64_t>(n), mode);  // no interest: N / n
    } else {
      const std::optional<std::int64_t> a = rounded_instalment(principal, c, rate_pow10, periods, mode);
      if (!a) return std::nullopt;
      instalment = *a;
    }
  } else if (t.repayment == repayment_type::equal_principal) {
    instalment = div_round(principal, static_cast<std::int64_t>(n), mode);
  }

  std::vector<loan_schedule_row> rows;
  rows.reserve(n);
  std::int64_t balance = principal;
  for (std::size_t k = 1; k <= n; ++k) {
    const std::optional<std::int64_t> interest = period_interest(balance, c, rate_pow10, periods[k - 1], mode);
    if (!interest) return std::nullopt;
    std::int64_t repaid = balance;  // the last period: whatever is left
    if (k < n) {
      if (t.repayment == repayment_type::annuity) {
        if (__builtin_sub_overflow(instalment, *interest, &repaid)) return std::nullopt;
      } else {
        repaid = t.repayment == repayment_type::equal_principal ? instalment : 0;
      }
      repaid = std::min(repaid, balance);
    }
    std::int64_t payment = 0, closing = 0;
    if (__builtin_add_overflow(*interest, repaid, &payment) || __builtin_sub_overflow(balance, repaid, &closing))
      return std::nullopt;
    // The engine shows no row for a day where nothing is charged or paid (a balance repaid early).
    if (*interest != 0 || repaid != 0 || payment != 0)
      rows.push_back(loan_schedule_row{dates[k - 1], dates[k], dates[k], t.day_count.day_count(dates[k - 1], dates[k]),
                                       shown_rate, decimal::from_parts(balance, places),
                                       decimal::from_parts(*interest, places), decimal::from_parts(repaid, places),
                                       decimal::from_parts(payment, places), decimal::from_parts(closing, places)});
    balance = closing;
  }
  return rows;
}

}  // namespace stakecalc::detail
