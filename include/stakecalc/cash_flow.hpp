// stakecalc/cash_flow.hpp: dated cash flows in one currency and what finance staff ask of them:
// net present value on a day count (XNPV), internal rate of return (XIRR), their periodic forms
// (NPV, IRR), the multiple on invested capital and the payback date.
//
// Sign convention: money paid out (an investment) is negative, money received is positive, as in
// a spreadsheet. Discounting is to the earliest date of the flows, with year fractions from a
// day_counter (ACT/365F by default, which is the spreadsheet's XNPV/XIRR rule: days / 365).
//
// Precision: rates of return and present values are irrational in general; they are computed in
// quad precision (113-bit significand, about 34 significant digits; detail/quad.hpp) or better and
// returned as a decimal rounded half-even to `digits` significant digits (default 30; at most 33).
// - Present values (xnpv, npv): the error is a few units in the 33rd digit of the largest term, so
//   the default 30 digits are all correct unless the terms cancel (to 1 part in 10^3 or worse).
// - Rates (xirr, irr) are correctly rounded, ill-conditioned flows included: a root is returned
//   only when every value within its estimated error (a statistical estimate of the rounding
//   errors, times 4; measured worst actual error 1.46 times the estimate) rounds to the same
//   decimal. XIRR on whole-day times with amounts of 64-bit coefficients takes one Newton step
//   with the sum in double-double (detail/double_double.hpp) from the double root, then one under
//   a bound on its rounding errors: the sum in binary fixed point with 128 fractional bits
//   (detail/fixed_point.hpp) when the amounts, at one scale, sum below 2^62 in absolute value
//   (cents below some 4.6e16), in a 127-bit float (detail/wide_float.hpp) otherwise or where the
//   fixed point's bound is a poor one (powers of the discount factor far below 1); the discount
//   base e^(-x/D) - 1, the rate e^x - 1 and the decision to round it are in that float
//   (detail/wide_float_rounding.hpp), so only a rate within ~1e-5 units of the 30th digit's
//   rounding boundary is left undecided. Other amounts polish in double-double (about 32 digits)
//   and quad. Newton steps at 100 digits decide what is still at a rounding boundary or
//   ill-conditioned (flows that cancel to 1 part in 10^8, or a rate small against the amounts'
//   size). Over 200 random sets of 100 flows a call takes about 7 us in C++, none 100 digits.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stakecalc/date.hpp"
#include "stakecalc/day_count.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

// Significant digits of the irrational results unless a caller asks otherwise.
inline constexpr int default_result_digits = 30;

// One payment: money on a date. Negative when paid out.
struct cash_flow {
  date on;
  money amount;
};

// ---- dated flows (amounts and dates side by side, any order) -----------------------------------

// sum_i amounts[i] / (1 + rate)^yf(t0, dates[i]), t0 the earliest date. rate > -1.
// invalid_input for empty or mismatched inputs and for rate <= -1.
decimal xnpv(const decimal& rate, const std::vector<decimal>& amounts, const std::vector<date>& dates,
             const day_counter& day_count = {}, int digits = default_result_digits);

// The same, discounted to `valuation_date` instead of the earliest date (flows before it are
// compounded forward: yf is negative for them).
decimal xnpv_at(const decimal& rate, const std::vector<decimal>& amounts, const std::vector<date>& dates,
                const date& valuation_date, const day_counter& day_count = {}, int digits = default_result_digits);

// The rate r > -1 at which xnpv(r) = 0.
//
// Which root: XNPV, as a function of x = ln(1 + r), is a sum of exponentials, so it has at most as
// many roots as the flows (ordered by date) have sign changes; with one sign change (an investment
// then returns) the root is unique. When there are several, the one returned is the first sign
// change found scanning outward from the guess (default 0.1) over x on the grid
// x_guess +- 0.02 (2^k - 1), k = 1, 2, ..., above before below at each k: in practice the root
// nearest the guess. A root where XNPV touches zero without changing sign is not found.
//
// Method: the sign change is bracketed and solved in double precision (grid points above the
// guess where a bound on XNPV's curvature shows it keeps its sign are not evaluated; the first
// point inside the bracket is interpolated from both ends' values and slopes; then Newton steps
// kept inside the bracket, bisection otherwise), then polished by Newton steps in double-double
// and in fixed point or a 127-bit float (see Precision above).
// Errors: invalid_input for empty or mismatched inputs or guess <= -1; no_solution when the
// amounts are not of both signs, or when no rate in (-1, e^40 - 1) makes XNPV change sign.
decimal xirr(const std::vector<decimal>& amounts, const std::vector<date>& dates,
             const std::optional<decimal>& guess = std::nullopt, const day_counter& day_count = {},
             int digits = default_result_digits);

// The same on cash_flow values (all in one currency, else currency_mismatch).
decimal xnpv(const decimal& rate, const std::vector<cash_flow>& flows, const day_counter& day_count = {},
             int digits = default_result_digits);
decimal xirr(const std::vector<cash_flow>& flows, const std::optional<decimal>& guess = std::nullopt,
             const day_counter& day_count = {}, int digits = default_result_digits);

// ---- periodic flows (amounts[i] at the end of period i; amounts[0] is not discounted) ---------

// sum_i amounts[i] / (1 + rate)^i. Note: the spreadsheet's NPV discounts its first value by one
// period; spreadsheet::npv keeps that convention, this function does not (numpy-financial's).
decimal npv(const decimal& rate, const std::vector<decimal>& amounts, int digits = default_result_digits);

// The periodic rate at which npv() is zero; the root rule and errors are those of xirr().
decimal irr(const std::vector<decimal>& amounts, const std::optional<decimal>& guess = std::nullopt,
            int digits = default_result_digits);

// ---- simple analytics (exact) ------------------------------------------------------------------

// Multiple on invested capital: total received / total paid out (sum of positive amounts over
// the absolute sum of negative ones), exact. invalid_input when nothing was paid out.
ratio multiple(const std::vector<decimal>& amounts);
ratio multiple(const std::vector<cash_flow>& flows);

// The date from which the cumulative net flow (flows added in date order, all flows of a day
// together) is >= 0 and stays so through the last date: the day the investment has been paid
// back for good. Nothing when the cumulative flow ends negative. invalid_input for empty or
// mismatched inputs.
std::optional<date> payback_date(const std::vector<decimal>& amounts, const std::vector<date>& dates);
std::optional<date> payback_date(const std::vector<cash_flow>& flows);

namespace detail {
// The shared engine of xnpv/xirr/npv/irr and of the spreadsheet functions: flows at exact times
// (in years or periods, >= 0). `where` prefixes error messages (e.g. "xirr").
decimal discounted_sum(const decimal& rate, const std::vector<decimal>& amounts, const std::vector<ratio>& times,
                       int digits, const std::string& where);
decimal discount_rate_root(const std::vector<decimal>& amounts, const std::vector<ratio>& times,
                           const decimal& guess, int digits, const std::string& where);
// The same with times numerators[i] / denominator (whole days over 365, periods over 1).
decimal discount_rate_root(const std::vector<decimal>& amounts, std::vector<std::int64_t> numerators,
                           std::int64_t denominator, const decimal& guess, int digits, const std::string& where);
void check_digits(int digits, const std::string& where);
// Whether the double-double polish of discount_rate_root runs its copy compiled for fused
// multiply-add (an x86-64 processor that has it, and not turned off): the same results, sooner.
bool fused_multiply_add_in_use();
// Tests turn it off (and on again) to check the other copy; the setting is for the whole process.
void allow_fused_multiply_add(bool allowed);
class wide_float;  // detail/wide_float.hpp (internal)
// For tests: the sum discount_rate_root solves, at x = ln(1 + rate) (amounts at whole times
// numerators[i] / denominator), evaluated as the step that decides a rate evaluates it (in fixed
// point, or in wide_float where the amounts do not allow that), with its bound on the error. Scaled
// as the root finder scales it: every amount at the largest scale as a whole number, times
// e^(x t_ref), t_ref the earliest time for x >= 0 and the latest otherwise. False, and nothing
// set, where that evaluation does not apply.
bool deciding_evaluation(const std::vector<decimal>& amounts, const std::vector<std::int64_t>& numerators,
                         std::int64_t denominator, const wide_float& x, wide_float& value, double& bound);

// While one of these lives on a thread, discounted_sum on that thread keeps the discount factors
// e^(-t ln(1 + rate)) it computes, by rate (value and scale) and time, and reuses them. A sweep
// worker discounts a hundred thousand flow sets at one market rate on a handful of dates, and
// the quad logarithm and exponential behind each factor were about a sixth of its time. A kept
// factor is the very value the computation gives, so no result changes. For run_sweep's workers:
// one per thread, for the thread's batch of work (scopes nest: the inner one is used until it ends).
// The same scope keeps the rates of two-flow roots (an investment and one return, the IRR of
// most exit paths) by the two amounts (value and scale), the time between them and the digits:
// a grid's dimensions that a path ignores (a sale's proceeds do not depend on the repurchase
// rate or proportion) repeat the very same flows.
class discount_memo_scope {
public:
  discount_memo_scope();
  ~discount_memo_scope();
  discount_memo_scope(const discount_memo_scope&) = delete;
  discount_memo_scope& operator=(const discount_memo_scope&) = delete;

  struct memo;  // defined in cash_flow.cpp (it holds quads, which public headers never name)

private:
  std::unique_ptr<memo> memo_;
  memo* outer_;
};
}  // namespace detail

}  // namespace stakecalc
