// Schedule generation and XIRR against QuantLib, the library finance developers already trust.
//
// - schedule: 100 monthly schedules of 30 years (361 dates each), MODIFIED_FOLLOWING on a
//   weekends-only calendar, BACKWARD, with and without the end-of-month rule; QuantLib's Schedule
//   with WeekendsOnly on the same inputs.
// - xirr: 100 dated flows (an investment, then mixed flows over ten years). QuantLib has no XIRR
//   function; its equivalent is CashFlows::yield on a leg of SimpleCashFlows with ACT/365F, annual
//   compounding, solved to 1e-10 in double. stakecalc solves to 30 significant digits in quad
//   precision, so the comparison favours QuantLib on precision; the ratio is what we report.
//
// QuantLib (Debian's libquantlib0-dev) is optional: without it only stakecalc's timings run.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/schedule.hpp"

#ifdef STAKECALC_HAVE_QUANTLIB
#include <ql/cashflows/cashflows.hpp>
#include <ql/cashflows/simplecashflow.hpp>
#include <ql/time/calendars/weekendsonly.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>
#include <ql/time/schedule.hpp>
#endif

namespace {

using stakecalc::date;

// Start dates of the schedules: one per month-ish step from 2001, so that month ends, weekends and
// short months all occur.
std::vector<date> schedule_starts() {
  std::vector<date> starts;
  date d(2001, 1, 31);
  for (int i = 0; i < 100; ++i) {
    starts.push_back(d);
    d += boost::gregorian::days(37);
  }
  return starts;
}

struct flows {
  std::vector<stakecalc::decimal> amounts;
  std::vector<date> dates;
  flows() {
    std::mt19937_64 rng(20240101);
    std::uniform_int_distribution<int> day(30, 3650);
    std::uniform_int_distribution<std::int64_t> cents(-500000, 3500000);
    const date start(2015, 3, 31);
    amounts.push_back(stakecalc::decimal("-1000000.00"));
    dates.push_back(start);
    for (int i = 0; i < 99; ++i) {
      amounts.push_back(stakecalc::decimal::from_parts(cents(rng), 2));
      dates.push_back(start + boost::gregorian::days(day(rng)));
    }
  }
};
const flows& xirr_flows() {
  static const flows f;
  return f;
}

void schedule_stakecalc(benchmark::State& state) {
  const bool eom = state.range(0) != 0;
  const auto starts = schedule_starts();
  const stakecalc::calendar weekends = stakecalc::calendar::builtin("WEEKENDS");
  const stakecalc::tenor month(1, stakecalc::time_unit::months);
  std::size_t dates = 0;
  for (auto _ : state) {
    for (const auto& start : starts) {
      const date end = start + boost::gregorian::years(30);
      stakecalc::schedule s(start, end, month, weekends, stakecalc::business_day_convention::modified_following, {},
                            stakecalc::date_generation::backward, eom);
      dates += s.size();
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(dates));
}
BENCHMARK(schedule_stakecalc)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void xirr_stakecalc(benchmark::State& state) {
  const auto& f = xirr_flows();
  for (auto _ : state) benchmark::DoNotOptimize(stakecalc::xirr(f.amounts, f.dates));
}
BENCHMARK(xirr_stakecalc)->Unit(benchmark::kMicrosecond);

#ifdef STAKECALC_HAVE_QUANTLIB
QuantLib::Date to_ql(const date& d) {
  return QuantLib::Date(static_cast<QuantLib::Day>(d.day()), static_cast<QuantLib::Month>(static_cast<int>(d.month())),
                        static_cast<QuantLib::Year>(d.year()));
}

void schedule_quantlib(benchmark::State& state) {
  const bool eom = state.range(0) != 0;
  std::vector<QuantLib::Date> starts;
  for (const auto& d : schedule_starts()) starts.push_back(to_ql(d));
  const QuantLib::WeekendsOnly weekends;
  std::size_t dates = 0;
  for (auto _ : state) {
    for (const auto& start : starts) {
      const QuantLib::Date end = start + QuantLib::Period(30, QuantLib::Years);
      QuantLib::Schedule s(start, end, QuantLib::Period(1, QuantLib::Months), weekends, QuantLib::ModifiedFollowing,
                           QuantLib::ModifiedFollowing, QuantLib::DateGeneration::Backward, eom);
      dates += s.size();
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(dates));
}
BENCHMARK(schedule_quantlib)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void xirr_quantlib(benchmark::State& state) {
  const auto& f = xirr_flows();
  // The leg is what a QuantLib user would build from the same numbers: the investment is the price
  // paid on the first date, every later flow a SimpleCashFlow.
  QuantLib::Leg leg;
  for (std::size_t i = 1; i < f.amounts.size(); ++i)
    leg.push_back(QuantLib::ext::make_shared<QuantLib::SimpleCashFlow>(f.amounts[i].to_double(), to_ql(f.dates[i])));
  const QuantLib::Date settlement = to_ql(f.dates[0]);
  const double price = -f.amounts[0].to_double();
  const QuantLib::Actual365Fixed act365;
  for (auto _ : state) {
    // Built inside the loop, as stakecalc's input conversion is inside its call.
    benchmark::DoNotOptimize(QuantLib::CashFlows::yield(leg, price, act365, QuantLib::Compounded, QuantLib::Annual,
                                                        false, settlement, settlement, 1.0e-10, 100, 0.1));
  }
}
BENCHMARK(xirr_quantlib)->Unit(benchmark::kMicrosecond);
#endif

}  // namespace

BENCHMARK_MAIN();
