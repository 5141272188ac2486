// Schedule generation and XIRR against QuantLib, the library finance developers already trust.
//
// - schedule: 100 monthly schedules of 30 years (361 dates each), MODIFIED_FOLLOWING on a
//   weekends-only calendar, BACKWARD, with and without the end-of-month rule; QuantLib's Schedule
//   with WeekendsOnly on the same inputs.
// - xirr: the 100 dated flows of scripts/bench_xirr.py (an investment, then mixed flows over ten
//   years, in date order, which QuantLib's leg needs). QuantLib has no XIRR
//   function; its equivalent is CashFlows::yield on a leg of SimpleCashFlows with ACT/365F, annual
//   compounding, solved to 1e-10 in double. stakecalc solves to 30 significant digits in quad
//   precision, so the comparison favours QuantLib on precision; the ratio is what we report.
//
// QuantLib (Debian's libquantlib0-dev) is optional: without it only stakecalc's timings run.
#include <benchmark/benchmark.h>

#include <cstdint>
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

// The 100 flows of scripts/bench_xirr.py (flows(), seed 20240101), so that the C++ and Python
// timings are of the same problem: amounts in cents, days after 2015-03-31.
constexpr std::int64_t flow_cents[100] = {
    -100000000, -20907, 853050, 847539, 3116814, 394561, 1512133, 2545667,
    160586, 2371053, 1719812, 644889, -259214, 968836, 1343812, 2763083,
    -361479, 678616, 224405, -139516, 2316756, 2845862, 2085369, 3314555,
    2909702, 3137150, 1010225, 1526672, 2143722, 333555, 2755775, -384729,
    2224214, 1896820, 2292198, 3344981, 638607, 556544, 2747860, 1564928,
    1738121, 1964888, 2767964, 355838, -33704, 2311413, 1747559, 2813525,
    141340, 2051085, 1586666, 558492, 3006515, 196140, 1595762, 1232848,
    710104, 2564525, 2927299, 3440766, 3298858, 2358277, 3018800, 387868,
    2793734, 3349324, -413354, 3127228, 170431, 2392737, 1400623, 1125616,
    -320316, 2130807, 3279494, -14202, 1658254, 1978861, 1394531, 3468422,
    379792, 2728493, 910270, -361867, 3151442, 1866479, 389459, 2736988,
    1870084, -57012, 2223266, 2729451, 608068, 101703, 3218478, 2014179,
    3058064, 49857, 845672, 1166719,
};
constexpr int flow_days[100] = {
    0, 49, 75, 109, 115, 154, 158, 234, 270, 283, 344, 444, 458, 484,
    497, 518, 587, 666, 690, 694, 702, 725, 735, 794, 858, 892, 932, 939,
    953, 990, 1041, 1042, 1091, 1152, 1211, 1269, 1288, 1307, 1318, 1344, 1379, 1390,
    1400, 1472, 1479, 1510, 1564, 1577, 1609, 1609, 1663, 1667, 1722, 1741, 1901, 1927,
    1939, 2042, 2093, 2118, 2156, 2189, 2314, 2321, 2323, 2329, 2338, 2387, 2461, 2470,
    2490, 2492, 2510, 2547, 2554, 2652, 2669, 2683, 2748, 2760, 2822, 2870, 2879, 2897,
    2956, 2970, 2974, 2981, 3043, 3064, 3083, 3155, 3204, 3406, 3441, 3456, 3465, 3493,
    3588, 3602,
};

struct flows {
  std::vector<stakecalc::decimal> amounts;
  std::vector<date> dates;
  flows() {
    const date start(2015, 3, 31);
    for (int i = 0; i < 100; ++i) {
      amounts.push_back(stakecalc::decimal::from_parts(flow_cents[i], 2));
      dates.push_back(start + boost::gregorian::days(flow_days[i]));
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
