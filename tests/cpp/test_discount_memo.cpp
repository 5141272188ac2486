// detail::discount_memo_scope (run_sweep's per-worker discount factors and two-flow roots): with a
// memo, without one, with one being filled, with one full, nested, the present values and rates
// are the same decimals.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;

using stakecalc::testing::d;
using stakecalc::testing::dec;

const std::vector<const char*> rates = {"0.08", "0.080", "0", "-0.5", "0.123456789", "0.0000000001", "5"};

std::vector<decimal> amounts() { return {dec("-1000000.00"), dec("150000.00"), dec("0"), dec("1234567.89"), dec("7")}; }
std::vector<date> dates() { return {d("2021-01-01"), d("2021-06-30"), d("2022-02-28"), d("2024-02-29"), d("2030-12-31")}; }

// Present values to 2021-01-01 and to a later day (flows before it compound forward).
std::vector<decimal> present_values() {
  std::vector<decimal> out;
  for (const char* r : rates) {
    out.push_back(xnpv_at(dec(r), amounts(), dates(), d("2021-01-01")));
    out.push_back(xnpv_at(dec(r), amounts(), dates(), d("2023-03-15")));
  }
  return out;
}

void expect_same(const std::vector<decimal>& a, const std::vector<decimal>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i], b[i]) << i;
    EXPECT_EQ(a[i].scale(), b[i].scale()) << i;
  }
}

TEST(DiscountMemo, RememberedFactorsGiveTheSameValues) {
  const std::vector<decimal> plain = present_values();
  detail::discount_memo_scope memo;
  expect_same(present_values(), plain);  // filling the memo
  expect_same(present_values(), plain);  // from the memo
}

TEST(DiscountMemo, AFullMemoStillGivesTheSameValues) {
  // More distinct times than the memo keeps (4,096 factors): a day each for 5,000 days, twice.
  std::vector<decimal> plain;
  const date t0 = d("2021-01-01");
  for (int k = 0; k < 5000; ++k)
    plain.push_back(xnpv_at(dec("0.08"), {dec("-1.00"), dec("2.00")}, {t0, t0 + boost::gregorian::days(k + 1)}, t0));
  detail::discount_memo_scope memo;
  for (int round = 0; round < 2; ++round)
    for (int k = 0; k < 5000; ++k)
      ASSERT_EQ(xnpv_at(dec("0.08"), {dec("-1.00"), dec("2.00")}, {t0, t0 + boost::gregorian::days(k + 1)}, t0),
                plain[static_cast<std::size_t>(k)])
          << round << " " << k;
  // And a sum with more new times than the memo has room for at once.
  std::vector<decimal> many(5000, dec("1.00"));
  std::vector<date> days;
  for (int k = 0; k < 5000; ++k) days.push_back(t0 + boost::gregorian::days(3 * k + 7));
  detail::discount_memo_scope fresh;
  const decimal with_memo = xnpv_at(dec("0.07"), many, days, t0);
  decimal without;
  {
    // No memo: a scope cannot be switched off, so compare with another thread's value instead.
    std::thread other([&] { without = xnpv_at(dec("0.07"), many, days, t0); });
    other.join();
  }
  EXPECT_EQ(with_memo, without);
  EXPECT_EQ(with_memo.scale(), without.scale());
  expect_same(present_values(), [] {
    std::vector<decimal> out;
    std::thread other([&] { out = present_values(); });
    other.join();
    return out;
  }());
}

TEST(DiscountMemo, ScopesNest) {
  const std::vector<decimal> plain = present_values();
  detail::discount_memo_scope outer;
  expect_same(present_values(), plain);
  {
    detail::discount_memo_scope inner;
    expect_same(present_values(), plain);
  }
  expect_same(present_values(), plain);  // the outer memo again
}

// Two-flow rates (the IRR of an investment and one return): through both root overloads (XIRR's
// whole days over 365 and exact year fractions), at two scales of the same amounts, and a flow set
// with the amounts' order swapped; each must equal the value computed on a thread with no memo,
// with the memo being filled, from the memo, and past the memo's size.
std::vector<decimal> two_flow_rates(int count) {
  std::vector<decimal> out;
  const date t0 = d("2021-01-01");
  for (int k = 0; k < count; ++k) {
    const date later = t0 + boost::gregorian::days(k % 900 + 300);
    const decimal back = decimal::from_parts(100037 + 100 * (k % 997), 2);
    out.push_back(xirr({dec("-1000.00"), back}, {t0, later}));
    out.push_back(xirr({dec("-1000.0000"), back}, {t0, later}));
    out.push_back(xirr({back, dec("-1000.00")}, {later, t0}));
    out.push_back(xirr({dec("-1000.00"), back}, {t0, later}, std::nullopt, day_counter(day_count_convention::act_360)));
    out.push_back(detail::discount_rate_root({dec("-1000.00"), back}, {ratio(0), ratio(k % 900 + 300, 365)}, dec("0.1"),
                                             30, "test"));
    // Amounts beyond 64-bit coefficients (kept apart from the others in the memo).
    const decimal huge = dec("100000000000000000000");
    out.push_back(xirr({dec("-1000.00") * huge, back * huge}, {t0, later}));
  }
  return out;
}

TEST(DiscountMemo, RememberedTwoFlowRatesAreTheSame) {
  std::vector<decimal> plain;
  std::thread other([&] { plain = two_flow_rates(1000); });
  other.join();
  detail::discount_memo_scope memo;
  expect_same(two_flow_rates(1000), plain);  // filling the memo (beyond its 4,096 entries)
  expect_same(two_flow_rates(1000), plain);  // from it, refilled
  const std::vector<decimal> few(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(plain.size() / 100));
  detail::discount_memo_scope fresh;
  expect_same(two_flow_rates(10), few);
  expect_same(two_flow_rates(10), few);  // every one from the memo
}

}  // namespace
