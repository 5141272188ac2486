// The debt engine on the workload: 10,000 annuity loans (等额本息) of 360 monthly periods,
// rounded per instalment to the fen, each loan's whole repayment table generated.
//
// - stakecalc: stakecalc::loan from its terms (monthly basis: the monthly rate is the annual rate / 12,
//   as Chinese banks' tables), then schedule(): every row with exact decimals.
// - double: the same algorithm written directly in binary floating point (instalment
//   P m / (1 - (1 + m)^-n) rounded to cents; each period's interest round(balance x m); the last
//   instalment repays the balance), with the same payment dates. The baseline for "within 4x".
// - QuantLib: sinkingSchedule + sinkingNotionals + AmortizingFixedRateBond (the amortizing fixed-rate
//   bond's cash-flow generation) for the same loans, then every cash flow's amount read. QuantLib
//   does not round, so it does less than the other two.
//
// The loans differ in start date and rate (2.5% to 7.5%) so that no result can be reused.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "stakecalc/loan.hpp"
#include "stakecalc/tenor.hpp"

#ifdef STAKECALC_HAVE_QUANTLIB
#include <ql/instruments/bonds/amortizingfixedratebond.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/daycounters/thirty360.hpp>
#endif

namespace {

using stakecalc::date;
using stakecalc::decimal;

constexpr int loans_per_run = 10000;
constexpr int periods = 360;

struct loan_input {
  date start;
  std::int64_t principal_cents;  // 500,000.00 to 1,499,999.99 CNY
  int rate_bp_hundredths;        // annual rate in 1/100 basis points: 25000 = 2.5000%
};

const std::vector<loan_input>& inputs() {
  static const std::vector<loan_input> all = [] {
    std::vector<loan_input> v;
    std::uint64_t x = 20240101;  // a fixed linear congruential sequence: same loans every run
    const date first(2020, 1, 1);
    for (int i = 0; i < loans_per_run; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      const auto r = x >> 11;
      v.push_back({first + boost::gregorian::days(static_cast<long>(r % 1500)),
                   50000000 + static_cast<std::int64_t>((r / 1500) % 100000000),
                   25000 + static_cast<int>((r / 150000000000ULL) % 50001)});
    }
    return v;
  }();
  return all;
}

stakecalc::loan_terms terms_for(const loan_input& in) {
  stakecalc::loan_terms t;
  t.principal = decimal::from_parts(in.principal_cents, 2);
  t.start = in.start;
  t.periods = periods;
  t.repayment = stakecalc::repayment_type::annuity;
  t.rate = decimal::from_parts(in.rate_bp_hundredths, 6);
  t.basis = stakecalc::interest_basis::monthly;
  return t;
}

void loan_schedule_stakecalc(benchmark::State& state) {
  std::vector<stakecalc::loan_terms> terms;
  for (const auto& in : inputs()) terms.push_back(terms_for(in));
  std::size_t rows = 0;
  for (auto _ : state) {
    for (const auto& t : terms) {
      const stakecalc::loan l(t);
      const auto schedule = l.schedule();
      rows += schedule.size();
      benchmark::DoNotOptimize(schedule.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
}
BENCHMARK(loan_schedule_stakecalc)->Unit(benchmark::kMillisecond)->Iterations(1);

// The same table in double: what a quick implementation would do.
struct double_row {
  date start, end;
  double rate, opening, interest, principal, payment, closing;
};

double round_cents(double x) { return std::round(x * 100.0) / 100.0; }

void loan_schedule_double(benchmark::State& state) {
  std::size_t rows = 0;
  for (auto _ : state) {
    for (const auto& in : inputs()) {
      std::vector<double_row> schedule;
      schedule.reserve(periods);
      const double principal = static_cast<double>(in.principal_cents) / 100.0;
      const double annual = in.rate_bp_hundredths / 1e6;
      const double m = annual / 12.0;
      const double instalment = round_cents(principal * m / (1.0 - std::pow(1.0 + m, -periods)));
      double balance = principal;
      date from = in.start;
      for (int k = 1; k <= periods; ++k) {
        const date to = stakecalc::add_months(in.start, k);
        const double interest = round_cents(balance * m);
        const double repaid = k == periods ? balance : instalment - interest;
        schedule.push_back({from, to, annual, balance, interest, repaid, interest + repaid, balance - repaid});
        balance -= repaid;
        from = to;
      }
      rows += schedule.size();
      benchmark::DoNotOptimize(schedule.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
}
BENCHMARK(loan_schedule_double)->Unit(benchmark::kMillisecond)->Iterations(1);

#ifdef STAKECALC_HAVE_QUANTLIB
QuantLib::Date to_ql(const date& d) {
  return QuantLib::Date(static_cast<QuantLib::Day>(d.day()), static_cast<QuantLib::Month>(static_cast<int>(d.month())),
                        static_cast<QuantLib::Year>(d.year()));
}

void loan_schedule_quantlib(benchmark::State& state) {
  const QuantLib::Period length(periods, QuantLib::Months);
  const QuantLib::NullCalendar no_holidays;
  const QuantLib::Thirty360 thirty_360(QuantLib::Thirty360::BondBasis);
  std::size_t rows = 0;
  for (auto _ : state) {
    for (const auto& in : inputs()) {
      const double rate = in.rate_bp_hundredths / 1e6;
      const QuantLib::Schedule schedule = QuantLib::sinkingSchedule(to_ql(in.start), length, QuantLib::Monthly, no_holidays);
      const std::vector<QuantLib::Real> notionals = QuantLib::sinkingNotionals(
          length, QuantLib::Monthly, rate, static_cast<double>(in.principal_cents) / 100.0);
      const QuantLib::AmortizingFixedRateBond bond(0, notionals, schedule, {rate}, thirty_360);
      double total = 0;
      for (const auto& flow : bond.cashflows()) total += flow->amount();
      rows += bond.cashflows().size();
      benchmark::DoNotOptimize(total);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
}
BENCHMARK(loan_schedule_quantlib)->Unit(benchmark::kMillisecond)->Iterations(1);
#endif

}  // namespace

BENCHMARK_MAIN();
