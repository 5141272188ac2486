// The debt engine (stakecalc/loan.hpp): validation of the terms, the plan of events, the state
// machine that runs them, and what is read off the events (schedule rows, totals, effective rate,
// accrued interest, payoff, prepayment, legal cap).
//
// The algorithm is the ACTUS one for PAM, LAM and ANN (the standard's reference cases are the
// conformance test, tests/cpp/test_actus.cpp); scripts/loan_engine_prototype.py is the same
// algorithm in Python fractions, kept as an executable sketch.
#include "stakecalc/loan.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/detail/fixed_rate_schedule.hpp"
#include "stakecalc/detail/monthly_accrual.hpp"
#include "stakecalc/detail/quad.hpp"
#include "stakecalc/detail/rounding_decision.hpp"
#include "stakecalc/lpr.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/schedule.hpp"

namespace stakecalc {

namespace {

std::string field_at(const char* list, std::size_t i, const char* member) {
  return std::string(list) + "[" + std::to_string(i) + "]." + member;
}

bool is_positive(const decimal& d) { return d.signum() > 0; }

// The sort key of an event: its moment, then the processing order of its type.
bool before(const moment& a, loan_event_type ta, const moment& b, loan_event_type tb) {
  if (a != b) return a < b;
  return static_cast<int>(ta) < static_cast<int>(tb);
}

ratio max_ratio(const ratio& a, const ratio& b) { return a < b ? b : a; }
ratio min_ratio(const ratio& a, const ratio& b) { return a < b ? a : b; }

// 按月计息: whole months (month end to month end counts whole months) at 1/12, the rest at 1/360.
ratio monthly_fraction(const date& a, const date& b) {
  if (a == b) return ratio(0);
  if (b < a) return -monthly_fraction(b, a);
  return ratio(detail::monthly_accrual_360(a, detail::fields_of(a), b, detail::fields_of(b)), 360);
}

big_int ceil_of(const ratio& x) { return x.round(0, rounding::ceiling).coefficient(); }

}  // namespace

// ---- validation ------------------------------------------------------------------------------

void loan_terms::validate() const {
  if (start.is_special()) throw invalid_input("not a calendar date", "start");
  if (!is_positive(principal)) throw invalid_input("must be positive, got " + principal.to_string(), "principal");
  if (rounding_mode && !money(principal, ccy).is_whole_minor_units())
    throw invalid_input(principal.to_string() + " has more decimal places than the " + std::string(ccy.code()) +
                            " minor unit (" + std::to_string(ccy.minor_units()) + " places)",
                        "principal");
  if (contract_date && contract_date->is_special()) throw invalid_input("not a calendar date", "contract_date");
  if (contract_date && *contract_date > start)
    throw invalid_input("contract date " + to_iso(*contract_date) + " is after the start " + to_iso(start),
                        "contract_date");
  if (maturity && periods)
    throw invalid_input("give maturity or periods, not both (maturity " + maturity->to_string() + ", periods " +
                            std::to_string(*periods) + ")",
                        "periods");
  if (periods && (*periods < 1 || *periods > 12000))
    throw invalid_input("must be between 1 and 12000, got " + std::to_string(*periods), "periods");
  if (maturity && maturity->day.is_special()) throw invalid_input("not a calendar date", "maturity");
  if (maturity && !(*maturity > moment(start)))
    throw invalid_input(maturity->to_string() + " is not after the start " + to_iso(start), "maturity");
  const bool derivable = instalment && (repayment == repayment_type::equal_principal || repayment == repayment_type::annuity);
  if (!maturity && !periods && !derivable)
    throw invalid_input("missing: give the maturity or the number of periods", "maturity");
  if (frequency.length() <= 0) throw invalid_input("must be a positive tenor, got " + frequency.to_string(), "frequency");
  if (rate && *rate <= decimal(-1)) throw invalid_input(rate->to_string() + " is not above -100% (-1)", "rate");
  // A rate is a fraction a year: 3.85 is 385%, almost surely 3.85% written as a percent. No loan the
  // library models (the legal cap on private lending is four times the LPR) comes near 100%.
  if (rate && *rate > decimal(1))
    throw invalid_input("a rate of " + rate->to_string() + " is " + (*rate * decimal(100)).to_string() +
                            "% a year; rates are fractions (0.0385 for 3.85%), at most 1",
                        "rate");
  if (!rate && !floating) throw invalid_input("missing: give a rate, or a benchmark to take it from", "rate");
  if (grace_periods < 0) throw invalid_input("must not be negative, got " + std::to_string(grace_periods), "grace_periods");
  if (instalment && !is_positive(*instalment))
    throw invalid_input("must be positive, got " + instalment->to_string(), "instalment");
  if (instalment && rounding_mode && !money(*instalment, ccy).is_whole_minor_units())
    throw invalid_input(instalment->to_string() + " is not a whole number of " + std::string(ccy.code()) + " minor units",
                        "instalment");
  if (amortization_end && !(*amortization_end > moment(start)))
    throw invalid_input(amortization_end->to_string() + " is not after the start " + to_iso(start), "amortization_end");
  if (repayment == repayment_type::explicit_schedule && principal_schedule.empty())
    throw invalid_input("an EXPLICIT repayment needs at least one principal payment", "principal_schedule");
  if (repayment != repayment_type::explicit_schedule && !principal_schedule.empty())
    throw invalid_input("a principal schedule is for EXPLICIT repayment, not " + to_string(repayment),
                        "principal_schedule");
  decimal scheduled_total;
  for (std::size_t i = 0; i < principal_schedule.size(); ++i) {
    const principal_payment& p = principal_schedule[i];
    if (p.on.is_special()) throw invalid_input("not a calendar date", field_at("principal_schedule", i, "on"));
    if (p.on <= start)
      throw invalid_input(to_iso(p.on) + " is not after the start " + to_iso(start), field_at("principal_schedule", i, "on"));
    if (!is_positive(p.amount))
      throw invalid_input("must be positive, got " + p.amount.to_string(), field_at("principal_schedule", i, "amount"));
    if (rounding_mode && !money(p.amount, ccy).is_whole_minor_units())
      throw invalid_input(p.amount.to_string() + " is not a whole number of " + std::string(ccy.code()) + " minor units",
                          field_at("principal_schedule", i, "amount"));
    scheduled_total += p.amount;
  }
  if (scheduled_total > principal)
    throw invalid_input("the scheduled payments total " + scheduled_total.to_string() + ", more than the principal " +
                            principal.to_string(),
                        "principal_schedule");
  if (floating) {
    const floating_rate& f = *floating;
    if (f.benchmark.empty()) throw invalid_input("missing: the name of the benchmark rate table", "benchmark");
    if (f.reset_anchor && *f.reset_anchor < start)
      throw invalid_input(to_iso(*f.reset_anchor) + " is before the start " + to_iso(start), "reset_anchor");
    if (f.floor && f.cap && *f.floor > *f.cap)
      throw invalid_input("floor " + f.floor->to_string() + " is above the cap " + f.cap->to_string(), "floor");
    if (f.next_reset_rate && *f.next_reset_rate <= decimal(-1))
      throw invalid_input(f.next_reset_rate->to_string() + " is not above -100% (-1)", "next_reset_rate");
  }
  if (penalty_markup.signum() < 0)
    throw invalid_input("must not be negative, got " + penalty_markup.to_string(), "penalty_markup");
  if ((principal + premium_discount).signum() <= 0)
    throw invalid_input("the cash lent, principal " + principal.to_string() + " plus " + premium_discount.to_string() +
                            ", must be positive",
                        "premium_discount");
  for (std::size_t i = 0; i < prepayments.size(); ++i) {
    const prepayment& p = prepayments[i];
    if (p.on.is_special()) throw invalid_input("not a calendar date", field_at("prepayments", i, "on"));
    if (p.on <= start)
      throw invalid_input(to_iso(p.on) + " is not after the start " + to_iso(start), field_at("prepayments", i, "on"));
    if (!is_positive(p.amount))
      throw invalid_input("must be positive, got " + p.amount.to_string(), field_at("prepayments", i, "amount"));
    if (rounding_mode && !money(p.amount, ccy).is_whole_minor_units())
      throw invalid_input(p.amount.to_string() + " is not a whole number of " + std::string(ccy.code()) + " minor units",
                          field_at("prepayments", i, "amount"));
  }
  if (status_date && status_date->is_special()) throw invalid_input("not a calendar date", "status_date");
  if (purchase && sale && !(sale->on > purchase->on))
    throw invalid_input("sale " + sale->on.to_string() + " is not after the purchase " + purchase->on.to_string(), "sale");
  if (base.fixed_amount && !is_positive(base.amount))
    throw invalid_input("must be positive, got " + base.amount.to_string(), "interest_base.amount");
  if (scaling && !is_positive(scaling->base_value))
    throw invalid_input("must be positive, got " + scaling->base_value.to_string(), "scaling.base_value");
}

// ---- the engine ------------------------------------------------------------------------------

namespace detail {

ratio accrual_fraction(const loan_terms& terms, const date& period_start, const date& from, const date& to,
                       const moment& maturity) {
  // Monthly: measured from the start of the interest period, so that pieces of a period (split by
  // a reset or a fixing) add up to whole months.
  if (terms.basis == interest_basis::monthly) {
    if (from == to) return ratio(0);
    if (from == period_start) return monthly_fraction(from, to);  // a whole period: one measurement
    return monthly_fraction(period_start, to) - monthly_fraction(period_start, from);
  }
  std::optional<date> termination;
  if (terms.day_count.convention() == day_count_convention::thirty_e_360_isda) termination = maturity.accrual_date();
  return terms.day_count.year_fraction(from, to, std::nullopt, std::nullopt, termination);
}

namespace {

struct planned_event {
  loan_event_type type;
  moment scheduled;
  moment on;
  date accrual;
  std::size_t index = 0;  // which prepayment or explicit principal payment
};

struct loan_state {
  ratio notional, rate, accrued, base;
  ratio notional_scale{1}, interest_scale{1};
  date accrued_to;
  date period_start;  // interest last paid or capitalised
  std::optional<ratio> instalment;
};

class engine {
public:
  engine(const loan_terms& terms, const rate_tables& rates) : t_(terms), rates_(rates) {}

  loan_run run(bool with_events) {
    t_.validate();
    if (t_.rounding_mode) places_ = t_.ccy.minor_units();
    resolve_rate();
    resolve_anchors();
    resolve_maturity();
    check_dates();
    loan_run out;
    out.maturity = maturity_;
    out.initial_rate = initial_rate_;
    if (with_events) out.events = execute(make_plan());
    return out;
  }

private:
  const loan_terms& t_;
  const rate_tables& rates_;
  std::optional<int> places_;
  decimal initial_rate_;
  moment maturity_;
  date interest_anchor_, principal_anchor_;
  bool interest_anchor_is_event_ = false, principal_anchor_is_event_ = false;
  std::optional<cycle> interest_cycle_, principal_cycle_;
  bool fix_instalment_at_start_ = false;
  bool backward_ = false;

  // A contract rounds where it says: to the minor unit with its mode; unrounded, nothing changes.
  ratio rounded(const ratio& x) const { return places_ ? ratio(x.round(*places_, *t_.rounding_mode)) : x; }
  // x times an index scaling multiplier, which is 1 unless the contract scales.
  static ratio scaled(const ratio& multiplier, const ratio& x) { return multiplier == ratio(1) ? x : multiplier * x; }
  // Interest accrual within the current interest period of `s`.
  ratio fraction(const loan_state& s, const date& from, const date& to) const {
    return accrual_fraction(t_, s.period_start, from, to, maturity_);
  }
  // A whole period from `from` to `to`.
  ratio period_fraction(const date& from, const date& to) const { return accrual_fraction(t_, from, from, to, maturity_); }

  decimal clamp_rate(decimal r) const {
    const floating_rate& f = *t_.floating;
    if (f.floor && r < *f.floor) r = *f.floor;
    if (f.cap && r > *f.cap) r = *f.cap;
    return r;
  }
  decimal benchmark_rate(const date& on) const {
    const floating_rate& f = *t_.floating;
    const date fixing = f.fixing == fixing_rule::contract_date ? t_.contract_day() : on;
    return f.multiplier * rates_.at(f.benchmark, "benchmark").rate_on(fixing, "benchmark") + f.spread;
  }

  void resolve_rate() {
    if (t_.rate) {
      initial_rate_ = *t_.rate;
    } else {
      initial_rate_ = clamp_rate(benchmark_rate(t_.contract_day()));
      if (initial_rate_ <= decimal(-1))
        throw invalid_input("the benchmark gives a rate of " + initial_rate_.to_string() + ", not above -100%", "rate");
    }
  }

  bool month_end_rule(const date& base, const tenor& step) const {
    return t_.end_of_month && is_end_of_month(base) &&
           (step.unit() == time_unit::months || step.unit() == time_unit::years);
  }
  // base + n steps, kept at month end under the end-of-month rule.
  date step_from(const date& base, const tenor& step, int n) const {
    date d = add_tenor(base, step * n);
    return month_end_rule(base, step) ? stakecalc::end_of_month(d) : d;
  }

  void resolve_anchors() {
    const bool initial_stub = t_.stub.position == stub_position::initial_period;
    const cycle default_cycle(t_.frequency, initial_stub ? stub_kind::short_stub : t_.stub.kind);
    // An initial stub with default anchors: the dates run back from maturity (backward_dates).
    backward_ = initial_stub && !t_.interest_anchor && !t_.principal_anchor;
    if (backward_ && !t_.maturity && !t_.periods)
      throw invalid_input("an initial stub needs the maturity or the number of periods", "stub");
    interest_anchor_ = t_.interest_anchor.value_or(t_.start);
    interest_anchor_is_event_ = t_.interest_anchor.has_value();
    interest_cycle_ = t_.interest_cycle ? t_.interest_cycle : std::optional<cycle>(default_cycle);
    principal_anchor_ = t_.principal_anchor.value_or(t_.start);
    principal_anchor_is_event_ = t_.principal_anchor.has_value();
    principal_cycle_ = t_.principal_cycle ? t_.principal_cycle : std::optional<cycle>(default_cycle);
  }

  // The regular dates counted back from `end` by the payment frequency (QuantLib's backward rule,
  // schedule.hpp), after the start; with a long initial stub the first irregular period absorbs
  // the next one. `end` itself is last when include_end.
  std::vector<moment> backward_dates(const moment& end, bool include_end) const {
    static const calendar every_day("NULL", {});
    const schedule s(t_.start, end.day, t_.frequency, every_day, business_day_convention::unadjusted, std::nullopt,
                     date_generation::backward, t_.end_of_month);
    std::vector<moment> out;
    for (std::size_t i = 1; i < s.size(); ++i) out.emplace_back(s[i]);
    if (t_.stub.kind == stub_kind::long_stub && !s.is_regular().front() && out.size() > 1) out.erase(out.begin());
    out.back() = end;
    if (!include_end) out.pop_back();
    return out;
  }

  // Interest payment dates: the interest cycle to maturity (the start excluded when it is only
  // the default anchor).
  std::vector<moment> interest_dates() const {
    if (backward_) return backward_dates(maturity_, true);
    std::vector<moment> d = cycle_dates(interest_anchor_, maturity_, interest_cycle_, t_.end_of_month, true);
    if (!interest_anchor_is_event_) d.erase(std::remove(d.begin(), d.end(), moment(t_.start)), d.end());
    return d;
  }

  // The maturity when the terms fix it (given, or start + periods).
  moment fixed_maturity() const {
    if (t_.maturity) return *t_.maturity;
    if (t_.periods) return moment(step_from(t_.start, t_.frequency, *t_.periods));
    throw invalid_input("missing: give the maturity or the number of periods", "maturity");
  }

  void resolve_maturity() {
    if (t_.maturity || t_.periods) {
      maturity_ = fixed_maturity();
      return;
    }
    // ACTUS: the maturity follows from the instalment. The first principal date...
    const tenor step = principal_cycle_->step();
    date base = principal_anchor_;
    int offset = principal_anchor_is_event_ ? 0 : 1;
    offset += t_.grace_periods;
    const ratio n(t_.principal);
    ratio per(*t_.instalment);
    if (t_.repayment == repayment_type::annuity) {
      const date first = step_from(base, step, offset);
      per -= period_fraction(first, step_from(first, step, 1)) * ratio(initial_rate_) * n;
      if (per.signum() <= 0)
        throw invalid_input("the instalment " + t_.instalment->to_string() +
                                " does not cover one period's interest, so the loan never amortises",
                            "instalment");
    }
    big_int k = ceil_of(n / per) - 1;
    if (k > 12000) throw invalid_input("the instalment " + t_.instalment->to_string() + " needs over 12000 periods", "instalment");
    maturity_ = moment(step_from(base, step, offset + static_cast<int>(k)));
    if (!(maturity_ > moment(t_.start)))
      throw invalid_input("the instalment " + t_.instalment->to_string() + " gives a maturity not after the start",
                          "instalment");
  }

  void check_dates() const {
    for (std::size_t i = 0; i < t_.principal_schedule.size(); ++i)
      if (moment(t_.principal_schedule[i].on) > maturity_)
        throw invalid_input(to_iso(t_.principal_schedule[i].on) + " is after the maturity " + maturity_.to_string(),
                            field_at("principal_schedule", i, "on"));
    for (std::size_t i = 0; i < t_.prepayments.size(); ++i)
      if (!(moment(t_.prepayments[i].on) < maturity_))
        throw invalid_input(to_iso(t_.prepayments[i].on) + " is not before the maturity " + maturity_.to_string(),
                            field_at("prepayments", i, "on"));
    // Only a grace period can leave nothing to amortise (and listing the dates is not free).
    if (t_.grace_periods > 0 &&
        (t_.repayment == repayment_type::equal_principal || t_.repayment == repayment_type::annuity)) {
      const std::size_t regular = principal_dates(false, maturity_, false).size();
      if (static_cast<std::size_t>(t_.grace_periods) >= regular + 1)
        throw invalid_input(std::to_string(t_.grace_periods) + " grace periods leave nothing to amortise in a loan of " +
                                std::to_string(regular + 1) + " periods",
                            "grace_periods");
    }
  }

  // The principal dates of an amortising loan up to `end` (and `end` itself when include_end):
  // the cycle from its anchor, without the start when the anchor is only a default, and without
  // the grace periods.
  std::vector<moment> principal_dates(bool include_end, const moment& end, bool apply_grace = true) const {
    std::vector<moment> d;
    if (backward_) {
      d = backward_dates(end, include_end);
    } else {
      d = cycle_dates(principal_anchor_, end, principal_cycle_, t_.end_of_month, include_end);
      if (!principal_anchor_is_event_) d.erase(std::remove(d.begin(), d.end(), moment(t_.start)), d.end());
    }
    if (apply_grace) {
      std::size_t regular = d.size() - (include_end && !d.empty() && d.back() == end ? 1 : 0);
      std::size_t drop = std::min<std::size_t>(static_cast<std::size_t>(t_.grace_periods), regular);
      d.erase(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(drop));
    }
    return d;
  }

  planned_event adjusted(loan_event_type type, const moment& scheduled) const {
    planned_event p{type, scheduled, scheduled, scheduled.accrual_date(), 0};
    if (t_.convention != business_day_convention::unadjusted) {
      p.on = moment(t_.payment_calendar.adjust(scheduled.day, t_.convention), scheduled.end_of_day);
      if (t_.accrue_to_payment_date) p.accrual = p.on.accrual_date();
    }
    return p;
  }
  planned_event unadjusted(loan_event_type type, const moment& on, std::size_t index = 0) const {
    return planned_event{type, on, on, on.accrual_date(), index};
  }

  std::vector<planned_event> make_plan() {
    using T = loan_event_type;
    const repayment_type kind = t_.repayment;
    const bool amortising = kind == repayment_type::equal_principal || kind == repayment_type::annuity;
    std::vector<planned_event> plan;
    plan.push_back(unadjusted(T::start, moment(t_.start)));

    std::vector<moment> pr;
    if (amortising) pr = principal_dates(false, maturity_);
    for (const moment& m : pr) plan.push_back(adjusted(T::principal, m));
    for (std::size_t i = 0; i < t_.principal_schedule.size(); ++i) {
      planned_event p = adjusted(T::principal, moment(t_.principal_schedule[i].on));
      p.index = i;
      plan.push_back(p);
    }
    plan.push_back(adjusted(T::maturity, maturity_));

    // Interest payments: the interest cycle up to maturity.
    std::vector<moment> ip = interest_dates();
    if (kind == repayment_type::annuity &&
        (interest_anchor_ != principal_anchor_ || interest_cycle_ != principal_cycle_) && principal_cycle_) {
      // ACTUS ANN: interest follows its own cycle only until one principal cycle before the first
      // principal date; from there it is paid with every instalment.
      const moment pivot(add_tenor(principal_anchor_, -principal_cycle_->step()));
      std::vector<moment> merged;
      for (const moment& m : ip)
        if (m < pivot) merged.push_back(m);
      merged.push_back(pivot);
      for (const moment& m : principal_dates(true, maturity_)) merged.push_back(m);
      std::sort(merged.begin(), merged.end());
      merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
      ip = merged;
    }
    std::vector<planned_event> interest;
    for (const moment& m : ip) interest.push_back(adjusted(T::interest, m));
    if (t_.capitalization_end) {
      const moment ce = *t_.capitalization_end;
      interest.erase(std::remove_if(interest.begin(), interest.end(),
                                    [&](const planned_event& p) { return p.scheduled == ce; }),
                     interest.end());
      for (planned_event& p : interest)
        if (p.scheduled < ce) p.type = T::capitalisation;
      interest.push_back(adjusted(T::capitalisation, ce));
    }
    plan.insert(plan.end(), interest.begin(), interest.end());

    // Rate resets (and, for an annuity, the instalment recomputed after each).
    if (t_.floating && (t_.floating->reset_anchor || t_.floating->reset_cycle)) {
      const floating_rate& f = *t_.floating;
      std::vector<moment> rr = cycle_dates(f.reset_anchor.value_or(t_.start), maturity_, f.reset_cycle, t_.end_of_month, false);
      if (!f.reset_anchor) rr.erase(std::remove(rr.begin(), rr.end(), moment(t_.start)), rr.end());
      const moment status(t_.status_date.value_or(t_.start));
      bool fixed_pending = f.next_reset_rate.has_value();
      for (const moment& m : rr) {
        planned_event p = adjusted(T::rate_reset, m);
        if (fixed_pending && m > status) {
          p.type = T::fixed_rate_reset;
          fixed_pending = false;
        }
        plan.push_back(p);
        if (kind == repayment_type::annuity) plan.push_back(adjusted(T::instalment_fixing, m));
      }
    }
    if (kind == repayment_type::annuity && !t_.instalment) {
      // The first instalment is fixed the day before the first principal date, or at the start.
      if (!pr.empty() && pr.front().day > t_.start && detail::add_days(pr.front().day, -1) >= t_.start)
        plan.push_back(adjusted(T::instalment_fixing, moment(detail::add_days(pr.front().day, -1))));
      else
        fix_instalment_at_start_ = true;
    }
    if (t_.scaling) {
      for (const moment& m : cycle_dates(t_.scaling->anchor, maturity_, t_.scaling->reset_cycle, t_.end_of_month, false))
        plan.push_back(adjusted(T::scaling, m));
    }
    if (t_.base.fixed_amount && (t_.base.reset_anchor || t_.base.reset_cycle)) {
      for (const moment& m : cycle_dates(t_.base.reset_anchor.value_or(t_.start), maturity_, t_.base.reset_cycle,
                                         t_.end_of_month, false))
        plan.push_back(adjusted(T::interest_base_reset, m));
    }
    for (std::size_t i = 0; i < t_.prepayments.size(); ++i)
      plan.push_back(unadjusted(T::prepayment, moment(t_.prepayments[i].on), i));
    if (t_.purchase) plan.push_back(unadjusted(T::purchase, t_.purchase->on));
    if (t_.sale) {
      const moment td = t_.sale->on;
      plan.erase(std::remove_if(plan.begin(), plan.end(),
                                [&](const planned_event& p) { return before(td, T::sale, p.on, p.type); }),
                 plan.end());
      plan.push_back(unadjusted(T::sale, td));
    }
    if (t_.status_date) {
      const moment status(*t_.status_date);
      plan.erase(std::remove_if(plan.begin(), plan.end(), [&](const planned_event& p) { return p.on < status; }),
                 plan.end());
    }
    std::stable_sort(plan.begin(), plan.end(), [](const planned_event& a, const planned_event& b) {
      return before(a.on, a.type, b.on, b.type);
    });
    return plan;
  }

  // The annuity instalment from the state `s` at the event (on, type) whose accrual date is
  // `at`: the exact payment that repays notional and accrued interest over the principal dates
  // still to come (to the amortisation end), each period growing by 1 + rate x its year fraction:
  //   A = (N + accrued + N r y0) x prod(g) / (1 + sum over i of prod(g_i .. g_last)).
  // With equal periods this is N r (1+r)^n / ((1+r)^n - 1), computed without a power.
  // The accrual dates of the principal payments still to come after (on, type), to the end of
  // amortisation: the periods an annuity spreads the balance over.
  std::vector<date> annuity_dates(const moment& on, loan_event_type type) const {
    const moment end = t_.amortization_end.value_or(maturity_);
    std::vector<date> dates;
    for (const moment& m : principal_dates(true, end)) {
      planned_event p = adjusted(loan_event_type::principal, m);
      if (before(on, type, p.on, loan_event_type::principal)) dates.push_back(p.accrual);
    }
    return dates;
  }

  ratio annuity(const loan_state& s, const std::vector<date>& dates, const date& at) const {
    if (dates.empty()) return s.notional + s.accrued;
    // product = p_num / p_den and tail = t_num / p_den, kept unreduced: reducing a 1,500-digit
    // fraction at each of 360 steps (a gcd each time) cost 50 ms per loan; multiplying by the
    // small numerator and denominator of each factor costs microseconds, and the one reduction
    // happens in the result's constructor.
    big_int p_num(1), p_den(1), t_num(0);
    for (std::size_t i = dates.size() - 1; i >= 1; --i) {
      const ratio growth = ratio(1) + s.rate * period_fraction(dates[i - 1], dates[i]);
      const big_int a = growth.numerator(), b = growth.denominator();
      p_num *= a;
      p_den *= b;
      t_num = t_num * b + p_num;
    }
    const ratio scale = s.notional + s.accrued + fraction(s, at, dates.front()) * s.rate * s.notional;
    // product / (1 + tail) = (p_num / p_den) / ((p_den + t_num) / p_den)
    return scale * ratio(p_num, p_den + t_num);
  }

  // The annuity rounded as the contract rounds it (places_ set). The exact annuity is a fraction
  // of some 1,500 digits for 360 monthly periods, and reducing it was most of a loan's cost; but
  // only its rounding to the minor unit is kept. So it is first computed in quad precision (113-bit
  // significand) with a bound on the error; when the scaled value is farther than that bound from
  // every point where the rounding could change (the integers for directed modes, the halves too
  // for half modes), the quad value's rounding is the exact value's. Otherwise (a near tie, a
  // negative or huge value, a big rational input) the exact computation decides, as before.
  ratio rounded_annuity(const loan_state& s, const moment& on, loan_event_type type, const date& at) const {
    const std::vector<date> dates = annuity_dates(on, type);
    auto exactly = [&] { return rounded(annuity(s, dates, at)); };
    if (!places_ || *places_ < 0 || *places_ > 18 || *t_.rounding_mode == rounding::unnecessary || dates.empty() ||
        !s.rate.is_small())
      return exactly();
    using detail::quad;
    // product and tail as in annuity(), each step one rounding of relative size <= u = 2^-113.
    quad product = 1, tail = 0;
    for (std::size_t i = dates.size() - 1; i >= 1; --i) {
      const ratio growth = ratio(1) + s.rate * period_fraction(dates[i - 1], dates[i]);
      if (!growth.is_small() || growth.signum() <= 0) return exactly();
      product *= detail::to_quad(growth);
      tail += product;
    }
    const ratio scale = s.notional + s.accrued + fraction(s, at, dates.front()) * s.rate * s.notional;
    if (!scale.is_small() || scale.signum() <= 0) return exactly();
    const quad x = detail::to_quad(scale) * product / (1 + tail) * detail::quad_pow10(*places_);
    if (!(x > 1) || x > detail::quad_ldexp(1, 62)) return exactly();
    // Every factor and sum above is positive, so the relative errors add: at most 3 per period
    // (growth, product, tail) and a few for the rest; (4n + 64) u is a safe margin.
    const quad margin = x * static_cast<quad>(4 * dates.size() + 64) / detail::quad_ldexp(1, 113) + detail::quad_ldexp(1, -100);
    const auto whole = static_cast<std::int64_t>(x);  // floor, x > 0
    const std::optional<std::int64_t> decided =
        detail::rounding_if_decided<quad>(whole, x - static_cast<quad>(whole), margin, *t_.rounding_mode);
    if (!decided) return exactly();
    return ratio(decimal::from_parts(*decided, *places_));
  }

  // Principal dates still to come after (on, type), to maturity, counting maturity itself.
  std::size_t remaining_principal_dates(const moment& on, loan_event_type type) const {
    std::size_t n = 0;
    for (const moment& m : principal_dates(true, maturity_)) {
      planned_event p = adjusted(loan_event_type::principal, m);
      if (before(on, type, p.on, loan_event_type::principal)) ++n;
    }
    return n;
  }

  std::vector<loan_event> execute(const std::vector<planned_event>& plan) {
    using T = loan_event_type;
    const ratio principal(t_.principal);
    const ratio start_base = t_.base.fixed_amount ? ratio(t_.base.amount) : principal;
    loan_state s;
    s.accrued_to = t_.start;
    s.period_start = t_.start;
    if (t_.status_date) {
      s.accrued_to = *t_.status_date;
      s.period_start = *t_.status_date;
      if (t_.start <= *t_.status_date) {
        s.notional = principal;
        s.rate = ratio(initial_rate_);
        s.accrued = ratio(t_.accrued_at_start);
        s.base = start_base;
      }
    }
    if (t_.instalment) {
      s.instalment = ratio(*t_.instalment);
    } else if (t_.repayment == repayment_type::equal_principal) {
      std::size_t n = remaining_principal_dates(moment(t_.status_date.value_or(t_.start)), T::start);
      s.instalment = rounded(principal / ratio(static_cast<long>(std::max<std::size_t>(n, 1))));
    }

    std::vector<loan_event> out;
    out.reserve(plan.size());
    for (const planned_event& p : plan) {
      // Interest from where accrual stopped to this event; zero when an earlier event on the same
      // day (an annuity's principal before its interest) already accrued to it.
      auto accrual_since = [&]() {
        return s.accrued_to == p.accrual ? ratio(0) : fraction(s, s.accrued_to, p.accrual) * s.rate * s.base;
      };
      auto accrue = [&]() {
        if (s.accrued_to != p.accrual) s.accrued += accrual_since();
        s.accrued_to = p.accrual;
      };
      // Interest is settled (paid or capitalised): a new interest period starts.
      auto new_period = [&]() { s.period_start = p.accrual; };
      loan_event e;
      e.type = p.type;
      e.scheduled = p.scheduled;
      e.on = p.on;
      e.accrual_date = p.accrual;
      switch (p.type) {
        case T::start: {
          s.notional = principal;
          s.rate = ratio(initial_rate_);
          s.base = start_base;
          s.accrued = ratio(t_.accrued_at_start);
          s.accrued_to = p.accrual;
          new_period();
          e.payoff = -(principal + ratio(t_.premium_discount));
          e.principal = -principal;
          if (fix_instalment_at_start_ && t_.repayment == repayment_type::annuity)
            s.instalment = rounded_annuity(s, p.on, p.type, p.accrual);
          break;
        }
        case T::interest: {
          accrue();
          e.interest = rounded(scaled(s.interest_scale, s.accrued));
          e.payoff = e.interest;
          s.accrued = ratio(0);
          new_period();
          break;
        }
        case T::capitalisation: {
          accrue();
          e.interest = rounded(s.accrued);
          e.principal = -e.interest;
          s.notional += e.interest;
          if (!t_.base.fixed_amount) s.base = s.notional;
          s.accrued = ratio(0);
          new_period();
          break;
        }
        case T::principal: {
          ratio amount;
          if (t_.repayment == repayment_type::explicit_schedule) {
            amount = ratio(t_.principal_schedule[p.index].amount);
          } else if (t_.repayment == repayment_type::annuity) {
            // The interest due at this date, accrued once: the accrual below reuses it.
            s.accrued += accrual_since();
            s.accrued_to = p.accrual;
            amount = s.instalment.value_or(ratio(0)) - rounded(scaled(s.interest_scale, s.accrued));
          } else {
            amount = s.instalment.value_or(ratio(0));
          }
          amount = min_ratio(amount, s.notional);
          accrue();
          s.notional -= amount;
          if (!t_.base.fixed_amount) s.base = s.notional;
          e.principal = amount;
          e.payoff = s.notional_scale == ratio(1) ? amount : rounded(s.notional_scale * amount);
          break;
        }
        case T::prepayment: {
          const prepayment& pp = t_.prepayments[p.index];
          accrue();
          const ratio amount = min_ratio(ratio(pp.amount), s.notional);
          e.interest = rounded(scaled(s.interest_scale, s.accrued));
          e.principal = amount;
          e.payoff = e.interest + amount;
          s.accrued = ratio(0);
          new_period();
          s.notional -= amount;
          if (!t_.base.fixed_amount) s.base = s.notional;
          if (pp.effect == prepayment_effect::keep_term) {
            if (t_.repayment == repayment_type::annuity) {
              s.instalment = rounded_annuity(s, p.on, p.type, p.accrual);
            } else if (t_.repayment == repayment_type::equal_principal) {
              std::size_t n = remaining_principal_dates(p.on, p.type);
              s.instalment = rounded(s.notional / ratio(static_cast<long>(std::max<std::size_t>(n, 1))));
            }
          }
          break;
        }
        case T::maturity: {
          accrue();
          e.interest = rounded(scaled(s.interest_scale, s.accrued));
          e.principal = s.notional;
          e.payoff = (s.notional_scale == ratio(1) ? s.notional : rounded(s.notional_scale * s.notional)) + e.interest;
          s.notional = ratio(0);
          s.accrued = ratio(0);
          s.base = ratio(0);
          new_period();
          break;
        }
        case T::fixed_rate_reset:
        case T::rate_reset: {
          accrue();
          decimal r = p.type == T::fixed_rate_reset ? *t_.floating->next_reset_rate : clamp_rate(benchmark_rate(p.on.day));
          s.rate = ratio(r);
          break;
        }
        case T::instalment_fixing: {
          accrue();
          s.instalment = rounded_annuity(s, p.on, p.type, p.accrual);
          break;
        }
        case T::scaling: {
          accrue();
          const index_scaling& sc = *t_.scaling;
          const ratio factor = ratio(rates_.at(sc.index, "scaling.index").rate_on(p.on.day, "scaling.index")) /
                               ratio(sc.base_value);
          if (sc.scales_interest) s.interest_scale = factor;
          if (sc.scales_principal) s.notional_scale = factor;
          break;
        }
        case T::interest_base_reset: {
          accrue();
          s.base = s.notional;
          break;
        }
        case T::purchase: {
          accrue();
          e.interest = -rounded(s.accrued);
          e.principal = -ratio(t_.purchase->price);
          e.payoff = e.principal + e.interest;
          break;
        }
        case T::sale: {
          accrue();
          e.interest = rounded(s.accrued);
          e.principal = ratio(t_.sale->price);
          e.payoff = e.principal + e.interest;
          s.notional = ratio(0);
          s.accrued = ratio(0);
          new_period();
          break;
        }
      }
      e.notional = s.notional;
      e.rate = s.rate;
      e.accrued = s.accrued;
      e.interest_base = s.base;
      e.period_start = s.period_start;
      out.push_back(std::move(e));
    }
    if (t_.purchase) {
      const moment cut = t_.purchase->on;
      out.erase(std::remove_if(out.begin(), out.end(),
                               [&](const loan_event& e) { return before(e.on, e.type, cut, T::purchase); }),
                out.end());
    }
    return out;
  }
};

}  // namespace

loan_run run_loan(const loan_terms& terms, const rate_tables& rates, bool with_events) {
  return engine(terms, rates).run(with_events);
}

}  // namespace detail

// ---- the loan ----------------------------------------------------------------------------------

struct loan::event_cache {
  std::once_flag once;
  std::vector<loan_event> events;
};

loan::loan(loan_terms terms, rate_tables rates)
    : terms_(std::move(terms)), rates_(std::move(rates)), events_(std::make_shared<event_cache>()) {
  plain_fixed_rate_ = detail::is_plain_fixed_rate(terms_);
  // Every check of the terms runs here either way: a loan that exists is valid.
  detail::loan_run run = detail::run_loan(terms_, rates_, !plain_fixed_rate_);
  maturity_ = run.maturity;
  initial_rate_ = run.initial_rate;
  if (!plain_fixed_rate_) std::call_once(events_->once, [&] { events_->events = std::move(run.events); });
}

const std::vector<loan_event>& loan::events() const {
  if (!events_) {  // a moved-from loan
    static const std::vector<loan_event> none;
    return none;
  }
  std::call_once(events_->once, [this] { events_->events = detail::run_loan(terms_, rates_).events; });
  return events_->events;
}

int loan::amount_places() const { return terms_.rounding_mode ? terms_.ccy.minor_units() : unrounded_places; }

decimal loan::to_amount(const ratio& value) const { return value.round(amount_places(), rounding::half_even); }

namespace {

decimal to_rate(const ratio& r) { return r.round(loan::unrounded_places, rounding::half_even).normalized(); }

bool is_cash_event(loan_event_type t) {
  return t == loan_event_type::interest || t == loan_event_type::principal || t == loan_event_type::prepayment ||
         t == loan_event_type::maturity || t == loan_event_type::capitalisation;
}

}  // namespace

std::vector<loan_schedule_row> loan::schedule() const {
  if (plain_fixed_rate_) {
    std::optional<std::vector<loan_schedule_row>> direct = detail::fixed_rate_schedule(terms_, to_rate(ratio(initial_rate_)));
    if (direct) return std::move(*direct);
  }
  return detail::schedule_from_events(*this);
}

std::vector<loan_schedule_row> detail::schedule_from_events(const loan& l) {
  const loan_terms& terms = l.terms();
  const std::vector<loan_event>& loan_events = l.events();
  std::vector<loan_schedule_row> rows;
  {
    // At most a row per payment day: one allocation for the table (a 360-period loan has 720 events).
    std::size_t days = 0;
    for (std::size_t k = 0; k < loan_events.size(); ++k) days += k == 0 || loan_events[k].on.day != loan_events[k - 1].on.day;
    rows.reserve(days);
  }
  date period_start = terms.start;
  ratio period_rate(l.initial_rate());
  // The rate shown changes only at resets: converted once per rate, not per row.
  ratio shown_rate = period_rate;
  decimal shown_rate_text = to_rate(shown_rate);
  // A loan taken over running (status date after the start) has no start event.
  ratio notional = terms.status_date && terms.start <= *terms.status_date ? ratio(terms.principal) : ratio(0);
  std::size_t i = 0;
  while (i < loan_events.size()) {
    const date day = loan_events[i].on.day;
    std::size_t j = i;
    bool cash = false, started = false;
    ratio opening, interest, principal, payment;
    date end = period_start;
    for (; j < loan_events.size() && loan_events[j].on.day == day; ++j) {
      const loan_event& e = loan_events[j];
      if (is_cash_event(e.type)) {
        if (!cash) opening = notional;
        cash = true;
        interest += e.interest;
        principal += e.principal;
        if (e.type != loan_event_type::capitalisation) payment += e.payoff;
        if (e.accrual_date > end) end = e.accrual_date;
      }
      if (e.type == loan_event_type::start) {
        started = true;
        period_start = e.accrual_date;
        end = period_start;
      }
      notional = e.notional;
    }
    const ratio rate_after = loan_events[j - 1].rate;
    if (cash && !(interest.is_zero() && principal.is_zero() && payment.is_zero())) {
      loan_schedule_row row;
      row.start = period_start;
      row.end = end;
      row.payment_date = day;
      row.days = terms.day_count.day_count(period_start, end);
      if (period_rate != shown_rate) {
        shown_rate = period_rate;
        shown_rate_text = to_rate(shown_rate);
      }
      row.rate = shown_rate_text;
      row.opening_balance = l.to_amount(opening);
      row.interest = l.to_amount(interest);
      row.principal = l.to_amount(principal);
      row.payment = l.to_amount(payment);
      row.closing_balance = l.to_amount(notional);
      rows.push_back(std::move(row));
    }
    if (cash || started) {
      period_start = std::max(period_start, end);
      period_rate = rate_after;
    }
    i = j;
  }
  return rows;
}

loan_totals loan::totals() const {
  loan_totals t;
  for (const loan_schedule_row& r : schedule()) {
    t.principal += r.principal;
    t.interest += r.interest;
    t.payments += r.payment;
    if (!r.payment.is_zero()) {
      ++t.instalments;
      t.last_payment = r.payment_date;
    }
  }
  ratio capitalised(0);
  if (!plain_fixed_rate_)  // a plain loan capitalises nothing
    for (const loan_event& e : events())
      if (e.type == loan_event_type::capitalisation) capitalised += e.interest;
  t.capitalised = to_amount(capitalised);
  // Rows show principal net of capitalisation; the total repaid is the gross.
  t.principal += t.capitalised;
  return t;
}

decimal loan::effective_annual_rate() const {
  std::vector<decimal> amounts;
  std::vector<date> dates;
  for (const loan_event& e : events())
    if (e.type == loan_event_type::start) {
      amounts.push_back(to_amount(-e.payoff));  // the borrower receives what the lender pays out
      dates.push_back(e.on.day);
    }
  for (const loan_schedule_row& r : schedule())
    if (!r.payment.is_zero()) {
      amounts.push_back(-r.payment);
      dates.push_back(r.payment_date);
    }
  if (amounts.size() < 2) throw no_solution("the loan has no payments, so no effective rate", "effective_annual_rate");
  return xirr(amounts, dates);
}

const loan_event* loan::state_at(const date& on) const {
  const loan_event* last = nullptr;
  for (const loan_event& e : events()) {
    if (e.on.day > on) break;
    last = &e;
  }
  return last;
}

ratio loan::accrued_exact(const date& on) const {
  if (on.is_special()) throw invalid_input("not a calendar date", "on");
  if (on < terms_.start)
    throw invalid_input(to_iso(on) + " is before the loan starts on " + to_iso(terms_.start), "on");
  const loan_event* e = state_at(on);
  if (!e) return ratio(0);
  ratio accrued = e->accrued;
  if (on > e->accrual_date)
    accrued += detail::accrual_fraction(terms_, e->period_start, e->accrual_date, on, maturity_) * e->rate *
               e->interest_base;
  return accrued;
}

decimal loan::accrued_interest(const date& on) const {
  ratio a = accrued_exact(on);
  if (terms_.rounding_mode) return a.round(terms_.ccy.minor_units(), *terms_.rounding_mode);
  return to_amount(a);
}

decimal loan::outstanding_principal(const date& on) const {
  (void)accrued_exact(on);  // the same checks of `on`
  const loan_event* e = state_at(on);
  return e ? to_amount(e->notional) : decimal();
}

decimal loan::payoff_amount(const date& on) const { return outstanding_principal(on) + accrued_interest(on); }

loan loan::with_prepayment(const date& on, const decimal& amount, prepayment_effect effect) const {
  if (on.is_special()) throw invalid_input("not a calendar date", "on");
  if (on <= terms_.start) throw invalid_input(to_iso(on) + " is not after the start " + to_iso(terms_.start), "on");
  if (!(moment(on) < maturity_))
    throw invalid_input(to_iso(on) + " is not before the maturity " + maturity_.to_string(), "on");
  if (!is_positive(amount)) throw invalid_input("must be positive, got " + amount.to_string(), "amount");
  const decimal owed = outstanding_principal(on);
  if (amount > owed)
    throw invalid_input(amount.to_string() + " exceeds the principal outstanding on " + to_iso(on) + ", " +
                            owed.to_string(),
                        "amount");
  loan_terms t = terms_;
  t.prepayments.push_back({on, amount, effect});
  std::stable_sort(t.prepayments.begin(), t.prepayments.end(),
                   [](const prepayment& a, const prepayment& b) { return a.on < b.on; });
  return loan(std::move(t), rates_);
}

private_lending_cap_check loan::legal_cap_check() const {
  ratio highest(initial_rate_);
  if (!plain_fixed_rate_)  // a plain loan's rate is its initial rate throughout
    for (const loan_event& e : events())
      if (!(e.notional.is_zero() && e.accrued.is_zero())) highest = max_ratio(highest, e.rate);
  const decimal rate = to_rate(highest);
  const decimal penalty = rate * (decimal(1) + terms_.penalty_markup);
  return check_private_lending_cap(rate, penalty, terms_.contract_day(), rates_.at("LPR-1Y", "benchmark"));
}

}  // namespace stakecalc
