// Ledger benchmarks: recording (validating and applying) a ledger of 10,000 companies and
// 1,000,000 events, and a point-in-time cap table query as the ledger grows tenfold, either in
// companies (1,000 -> 10,000 companies of 100 events) or in history per company (10 -> 100 events
// for each of 10,000 companies). Queries are indexed per company and date, so their cost should
// not grow with the ledger.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "stakecalc/ledger.hpp"

using namespace stakecalc;

namespace {

std::string company_name(int c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "c%05d", c);
  return buf;
}

// Holders shared by every company.
ledger people() {
  ledger l;
  l.add_holder(holder{"ustc", "ustc", holder_kind::institution, {}});
  l.add_holder(holder{"plat", "plat", holder_kind::platform, {"ustc"}});
  l.add_holder(holder{"li", "li", holder_kind::team_member, {}});
  l.add_holder(holder{"wang", "wang", holder_kind::team_member, {}});
  l.add_holder(holder{"fund", "fund", holder_kind::fund, {}});
  l.add_holder(holder{"vc", "vc", holder_kind::investor, {}});
  return l;
}

// Event k (k >= 1) of company c: mostly transfers, a financing round every 10th, a dividend every
// 10th (offset 5), dated one day apart. Event 0 is the incorporation. Even companies are CNY
// limited-liability ones, odd companies USD joint-stock ones.
event make_event(int c, int k) {
  const bool llc = c % 2 == 0;
  const currency cur = currency::of(llc ? "CNY" : "USD");
  const std::string id = company_name(c);
  const date on = date(2020, 1, 1) + boost::gregorian::days(k);
  auto m = [&](const char* amount) { return money(decimal(amount), cur); };
  if (k == 0) {
    company co{id, id, llc ? legal_form::limited_liability : legal_form::joint_stock, cur, decimal(1)};
    return event{on,
                 incorporation{co,
                               {subscription{"li", decimal(1000000), m("1000000"), share_class::common, {}},
                                subscription{"wang", decimal(500000), m("500000"), share_class::common, {}},
                                subscription{"plat", decimal(300000), m("300000"), share_class::common,
                                             {{"ustc", ratio(1)}}}}},
                 ""};
  }
  if (k % 10 == 0)
    return event{on, financing_round{id, "r", std::nullopt, m("2.50"), {{"fund", m("10000.00"), {}}}}, ""};
  if (k % 10 == 5) return event{on, dividend{id, m("1234.56"), std::nullopt}, ""};
  return event{on, transfer{id, k % 2 ? "li" : "wang", k % 3 ? "vc" : "plat", decimal(7), m("17.50"),
                            share_class::common, k % 3 ? std::vector<share_of>{} : std::vector<share_of>{{"ustc", ratio(1)}}},
               ""};
}

// Records `per_company` events for each of `companies` companies, round-robin so the ledger
// interleaves companies the way a real journal would.
std::unique_ptr<ledger> build(int companies, int per_company) {
  auto l = std::make_unique<ledger>(people());
  for (int k = 0; k < per_company; ++k)
    for (int c = 0; c < companies; ++c) l->record(make_event(c, k));
  return l;
}

std::map<std::pair<int, int>, std::unique_ptr<ledger>>& cache() {
  static std::map<std::pair<int, int>, std::unique_ptr<ledger>> ledgers;
  return ledgers;
}
const ledger& cached(int companies, int per_company) {
  auto& slot = cache()[{companies, per_company}];
  if (!slot) slot = build(companies, per_company);
  return *slot;
}

void BM_RecordLedger(benchmark::State& state) {
  const int companies = static_cast<int>(state.range(0)), per_company = static_cast<int>(state.range(1));
  for (auto _ : state) {
    auto l = build(companies, per_company);
    benchmark::DoNotOptimize(l->size());
    state.PauseTiming();
    cache()[{companies, per_company}] = std::move(l);  // reused by the query benchmarks
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(companies) * per_company);
}

// A cap table of a random company on a random date within its history.
void BM_CapTableQuery(benchmark::State& state) {
  const int companies = static_cast<int>(state.range(0)), per_company = static_cast<int>(state.range(1));
  const ledger& l = cached(companies, per_company);
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> pick_company(0, companies - 1), pick_day(0, per_company - 1);
  for (auto _ : state) {
    cap_table t = l.cap_table_on(company_name(pick_company(rng)), date(2020, 1, 1) + boost::gregorian::days(pick_day(rng)));
    benchmark::DoNotOptimize(t.total_units);
  }
  state.SetItemsProcessed(state.iterations());
}

// A query on the latest date (served from the company's current state).
void BM_CapTableQueryLatest(benchmark::State& state) {
  const int companies = static_cast<int>(state.range(0)), per_company = static_cast<int>(state.range(1));
  const ledger& l = cached(companies, per_company);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick_company(0, companies - 1);
  const date last = date(2020, 1, 1) + boost::gregorian::days(per_company - 1);
  for (auto _ : state) {
    cap_table t = l.cap_table_on(company_name(pick_company(rng)), last);
    benchmark::DoNotOptimize(t.total_units);
  }
}

}  // namespace

BENCHMARK(BM_RecordLedger)->Args({10000, 100})->Iterations(1)->Unit(benchmark::kMillisecond);
// 100,000 events -> 1,000,000 events, growing the number of companies or each company's history.
BENCHMARK(BM_CapTableQuery)->Args({1000, 100})->Args({10000, 10})->Args({10000, 100})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CapTableQueryLatest)->Args({1000, 100})->Args({10000, 10})->Args({10000, 100})->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
