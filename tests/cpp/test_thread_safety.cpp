// Thread safety (issue 8, item 3): the read-only objects the headers promise can be shared
// (calendars, rate tables and the built-in LPR, repurchase terms and exit deals, whole documents,
// a loan whose events run on first use) are used from many threads at once, each thread's answers
// compared with a reference computed on one thread first; sweeps give equal rows on 1, 2 and 8 threads, and several sweeps may share one
// spec. The checks pass in any build; their point is the ThreadSanitizer build (scripts/test-threads),
// where a data race is a report that fails the run. Each test runs in its own process under ctest
// (gtest_discover_tests), so the first use of the built-in tables also happens on many threads.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "stakecalc/calendar.hpp"
#include "stakecalc/deal_document.hpp"
#include "stakecalc/loan.hpp"
#include "stakecalc/lpr.hpp"
#include "stakecalc/result_document.hpp"
#include "stakecalc/sweep.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;

constexpr unsigned thread_count = 8;
const std::string sample = std::string(STAKECALC_SOURCE_DIR) + "/examples/data/ustc-deal.json";

using stakecalc::testing::d;

// Runs work(i) on `n` threads released together (each waits until all have started, so that the
// calls overlap instead of running one after another), and returns what each returned, by index.
template <class Work>
std::vector<std::string> on_threads(unsigned n, Work work) {
  std::vector<std::string> results(n);
  std::atomic<unsigned> ready{0};
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < n) std::this_thread::yield();
      try {
        results[i] = work(i);
      } catch (const std::exception& e) {
        results[i] = std::string("exception: ") + e.what();
      }
    });
  for (std::thread& t : threads) t.join();
  return results;
}

void expect_all_equal(const std::vector<std::string>& results, const std::string& reference) {
  ASSERT_FALSE(reference.empty());
  for (std::size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i], reference) << "thread " << i;
}

// A calendar's answers over its years, as text: business days, adjustments, advances, counts.
std::string calendar_answers(const calendar& c) {
  std::string out;
  for (date day = d("2019-01-01"); day <= d("2026-12-31"); day = detail::add_days(day, 1)) {
    out += c.is_business_day(day) ? '1' : '0';
    if (day.day() == 1) {
      const date next_month = add_months(day, 1);
      out += to_iso(c.adjust(day, business_day_convention::modified_following));
      out += std::to_string(c.business_days_between(day, next_month));
      if (day < d("2026-11-01")) out += to_iso(c.advance(day, 1, time_unit::months, business_day_convention::following, true));
    }
  }
  return out;
}

TEST(ThreadSafety, OneCalendarSharedByManyThreads) {
  const calendar shared = calendar::builtin("CN");
  const std::string reference = calendar_answers(shared);
  const std::vector<std::string> results = on_threads(thread_count, [&](unsigned i) {
    // Half the threads also look the calendar up themselves (the built-in data's first use may
    // happen here) and extend their own copy: copies share data, and extending one must not touch
    // the calendar the others read.
    if (i % 2 == 1) {
      calendar mine = calendar::builtin("cn");
      if (!(mine == shared)) return std::string("builtin lookup differs");
      mine.add_holidays({d("2024-03-05")});
      if (mine.is_business_day(d("2024-03-05"))) return std::string("own copy not extended");
    }
    return calendar_answers(shared);
  });
  expect_all_equal(results, reference);
  EXPECT_TRUE(shared.is_business_day(d("2024-03-05")));
}

// Every day's rate from a table, as text.
std::string rate_answers(const rate_table& t, const date& from, const date& to) {
  std::string out;
  for (date day = from; day <= to; day = detail::add_days(day, 3)) {
    const std::optional<decimal> r = t.find_rate_on(day);
    out += r ? r->to_string() : "-";
    out += ';';
  }
  return out;
}

TEST(ThreadSafety, TheBuiltInLprAndOneRateTableSharedByManyThreads) {
  const rate_table user = rate_table::parse_json(
      R"({"name": "SHIBOR-3M", "unit": "percent", "fixings": [{"date": "2023-01-03", "rate": "2.4170"},)"
      R"( {"date": "2023-07-03", "rate": "2.1620"}, {"date": "2024-01-02", "rate": "2.5550"}]})");
  // No reference from this thread before the others start: the first calls to lpr_table and lpr()
  // happen on the worker threads, and they must agree with each other.
  const std::vector<std::string> results = on_threads(thread_count, [&](unsigned) {
    std::string out = rate_answers(lpr_table(lpr_tenor::one_year), d("2019-08-20"), lpr_known_through());
    out += rate_answers(lpr_table(lpr_tenor::five_year), d("2019-08-20"), lpr_known_through());
    out += lpr(lpr_tenor::one_year, d("2021-06-30")).to_string();
    out += rate_answers(user, d("2022-12-01"), d("2024-06-30"));
    return out;
  });
  const std::string reference = rate_answers(lpr_table(lpr_tenor::one_year), d("2019-08-20"), lpr_known_through()) +
                                rate_answers(lpr_table(lpr_tenor::five_year), d("2019-08-20"), lpr_known_through()) +
                                lpr(lpr_tenor::one_year, d("2021-06-30")).to_string() +
                                rate_answers(user, d("2022-12-01"), d("2024-06-30"));
  expect_all_equal(results, reference);
  EXPECT_EQ(lpr(lpr_tenor::one_year, d("2021-06-30")), decimal::parse("0.0385"));
}

TEST(ThreadSafety, OneExitDealAndItsTermsSharedByManyThreads) {
  const deal_document doc = read_deal_document(sample);
  const exit_deal deal = make_exit_deal(doc);
  const std::vector<exit_path>& paths = doc.exit->paths;
  auto answers = [&] {
    std::string out = exit_paths_json(compare_exit_paths(deal, paths), true).dump();
    out += repurchase_json(evaluate_plan(deal.repurchase, doc.plan, deal.facts), true).dump();
    const std::optional<conversion_result> c =
        convert_on_first_trigger(*deal.conversion, deal.repurchase, doc.plan, deal.facts);
    out += c ? conversion_json(*c, true).dump() : "none";
    return out;
  };
  const std::string reference = answers();
  expect_all_equal(on_threads(thread_count, [&](unsigned) { return answers(); }), reference);
}

// A plain fixed-rate loan runs its events on first use (loan.hpp): many threads asking at once for
// its events, accrued interest and payoff must get one run, and every thread the same answers.
TEST(ThreadSafety, OneLoanRunsItsEventsOnceForManyThreads) {
  loan_terms t;
  t.principal = decimal::parse("1000000.00");
  t.rate = decimal::parse("0.049");
  t.start = d("2024-01-15");
  t.periods = 240;
  t.basis = interest_basis::monthly;
  auto answers = [](const loan& l) {
    std::string out = std::to_string(l.events().size());
    out += l.accrued_interest(d("2030-06-30")).to_string() + " " + l.payoff_amount(d("2035-02-01")).to_string();
    out += " " + l.schedule().back().payment.to_string();
    return out;
  };
  const std::string reference = answers(loan(t));
  const loan shared(t);  // events not yet run: the threads race to run them
  expect_all_equal(on_threads(thread_count, [&](unsigned) { return answers(shared); }), reference);
}

TEST(ThreadSafety, OneDocumentSharedByManyThreads) {
  const deal_document doc = read_deal_document(sample);
  auto answers = [&] {
    std::string out = to_json_text(doc);
    out += exit_paths_json(compare_document_exit_paths(doc)).dump();
    const sweep_spec spec = make_sweep_spec(doc);
    const scenario_set scenarios = make_sweep_scenarios(doc);
    std::vector<sweep_row> rows;
    for (std::size_t i = 0; i < scenarios.size(); ++i) rows.push_back(evaluate_scenario(spec, scenarios.at(i), i));
    out += sweep_json(rows).dump();
    return out;
  };
  const std::string reference = answers();
  expect_all_equal(on_threads(thread_count, [&](unsigned) { return answers(); }), reference);
}

std::vector<sweep_row> sweep_on(const sweep_spec& spec, const scenario_set& scenarios, unsigned threads) {
  sweep_options options;
  options.threads = threads;
  options.chunk = 1;  // every scenario its own chunk: the most hand-offs between workers
  return run_sweep(spec, scenarios, options);
}

TEST(ThreadSafety, SweepRowsAreEqualOnOneTwoAndEightThreads) {
  const deal_document doc = read_deal_document(sample);
  const sweep_spec spec = make_sweep_spec(doc);
  const scenario_set scenarios = make_sweep_scenarios(doc);
  const std::vector<sweep_row> one = sweep_on(spec, scenarios, 1);
  ASSERT_EQ(one.size(), scenarios.size());
  for (unsigned threads : {2u, 8u}) {
    const std::vector<sweep_row> rows = sweep_on(spec, scenarios, threads);
    EXPECT_TRUE(rows == one) << threads << " threads";
    EXPECT_EQ(sweep_json(rows).dump(), sweep_json(one).dump()) << threads << " threads";
  }
}

TEST(ThreadSafety, ConcurrentSweepsShareOneSpec) {
  const deal_document doc = read_deal_document(sample);
  const sweep_spec spec = make_sweep_spec(doc);
  const scenario_set scenarios = make_sweep_scenarios(doc);
  const std::string reference = sweep_json(sweep_on(spec, scenarios, 1)).dump();
  expect_all_equal(on_threads(4, [&](unsigned) { return sweep_json(sweep_on(spec, scenarios, 2)).dump(); }), reference);
}

}  // namespace
