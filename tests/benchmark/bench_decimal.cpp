// What the library does most: a period's interest, balance * rate * days / 360 rounded to the cent,
// over 1,000,000 balances. stakecalc::decimal against double (the floor: fast but inexact) and
// Boost's cpp_dec_float_50 (the naive exact-looking choice), all in one run.
#include <benchmark/benchmark.h>

#include <boost/multiprecision/cpp_dec_float.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "stakecalc/decimal.hpp"

namespace {

constexpr std::size_t count = 1'000'000;

struct inputs {
  std::vector<std::int64_t> cents;  // balances in cents, 1.00 .. 10,000,000.00
  std::vector<int> days;            // 28 .. 31
  inputs() {
    std::mt19937_64 rng(20240820);
    std::uniform_int_distribution<std::int64_t> balance(100, 1'000'000'000);
    std::uniform_int_distribution<int> d(28, 31);
    for (std::size_t i = 0; i < count; ++i) {
      cents.push_back(balance(rng));
      days.push_back(d(rng));
    }
  }
};
const inputs& data() {
  static const inputs in;
  return in;
}

void interest_stakecalc_decimal(benchmark::State& state) {
  using stakecalc::decimal;
  const auto& in = data();
  std::vector<decimal> balances;
  for (auto c : in.cents) balances.push_back(decimal::from_parts(c, 2));
  const decimal rate("0.0435"), basis(360);
  for (auto _ : state) {
    decimal total;
    for (std::size_t i = 0; i < count; ++i)
      total += divide(balances[i] * rate * decimal(in.days[i]), basis, 2, stakecalc::rounding::half_up);
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}

void interest_double(benchmark::State& state) {
  const auto& in = data();
  std::vector<double> balances;
  for (auto c : in.cents) balances.push_back(static_cast<double>(c) / 100.0);
  const double rate = 0.0435;
  for (auto _ : state) {
    double total = 0;
    for (std::size_t i = 0; i < count; ++i) total += std::round(balances[i] * rate * in.days[i] / 360.0 * 100.0) / 100.0;
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}

void interest_cpp_dec_float_50(benchmark::State& state) {
  using boost::multiprecision::cpp_dec_float_50;
  const auto& in = data();
  std::vector<cpp_dec_float_50> balances;
  for (auto c : in.cents) balances.push_back(cpp_dec_float_50(c) / 100);
  const cpp_dec_float_50 rate("0.0435");
  for (auto _ : state) {
    cpp_dec_float_50 total = 0;
    for (std::size_t i = 0; i < count; ++i) {
      cpp_dec_float_50 interest = balances[i] * rate * in.days[i] / 360;
      total += cpp_dec_float_50(boost::multiprecision::round(interest * 100)) / 100;
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}

}  // namespace

BENCHMARK(interest_double)->Unit(benchmark::kMillisecond);
BENCHMARK(interest_stakecalc_decimal)->Unit(benchmark::kMillisecond);
BENCHMARK(interest_cpp_dec_float_50)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_MAIN();
