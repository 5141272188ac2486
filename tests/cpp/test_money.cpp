// Currency, money and allocation: ISO 4217 minor units, no silent currency mixing, allocation
// that never loses or creates a minor unit.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "stakecalc/money.hpp"

using stakecalc::currency;
using stakecalc::decimal;
using stakecalc::money;
using stakecalc::ratio;
using stakecalc::rounding;

TEST(Currency, Iso4217MinorUnits) {
  // ISO 4217 list one: CNY/USD/EUR/HKD/GBP/CHF/SGD/AUD/CAD two places, JPY/KRW none, KWD/BHD three.
  for (const char* two : {"CNY", "USD", "EUR", "HKD", "GBP", "CHF", "SGD", "AUD", "CAD"})
    EXPECT_EQ(currency::of(two).minor_units(), 2) << two;
  EXPECT_EQ(currency::of("JPY").minor_units(), 0);
  EXPECT_EQ(currency::of("KRW").minor_units(), 0);
  EXPECT_EQ(currency::of("KWD").minor_units(), 3);
  EXPECT_EQ(currency::of("CNY").numeric(), 156);
  EXPECT_EQ(currency::of("USD").numeric(), 840);
  for (const char* bad : {"XYZ", "cny", "", "CNYY", "RMB"}) {
    try {
      currency::of(bad);
      ADD_FAILURE() << bad;
    } catch (const stakecalc::invalid_input& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
    }
  }
}

TEST(Money, ArithmeticStaysInOneCurrency) {
  money a("1234.50", "CNY"), b("0.75", "CNY");
  EXPECT_EQ(a + b, money("1235.25", "CNY"));
  EXPECT_EQ(a - b, money("1233.75", "CNY"));
  EXPECT_EQ(a * decimal("0.1"), money("123.450", "CNY"));
  EXPECT_THROW(a + money("1", "USD"), stakecalc::currency_mismatch);
  EXPECT_THROW((void)(a < money("1", "USD")), stakecalc::currency_mismatch);
  EXPECT_NE(money("1", "CNY"), money("1", "USD"));
  EXPECT_EQ(money("1.0", "CNY"), money("1.00", "CNY"));
  try {
    (void)(a + money("2.00", "USD"));
  } catch (const stakecalc::currency_mismatch& e) {
    EXPECT_NE(std::string(e.what()).find("CNY 1,234.50"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("USD 2.00"), std::string::npos);
  }
}

TEST(Money, RoundsToTheMinorUnit) {
  EXPECT_EQ(money("2.345", "CNY").rounded(rounding::half_up).amount().to_string(), "2.35");
  EXPECT_EQ(money("2.345", "CNY").rounded(rounding::half_even).amount().to_string(), "2.34");
  EXPECT_EQ(money("1234.5", "JPY").rounded(rounding::half_even).amount().to_string(), "1234");
  EXPECT_EQ(money("1.2345", "KWD").rounded(rounding::half_up).amount().to_string(), "1.235");
  EXPECT_EQ(money("100.00", "CNY").times(ratio(1, 3), rounding::half_up).amount().to_string(), "33.33");
}

TEST(Money, PrintsForPeople) {
  EXPECT_EQ(money("1234.50", "CNY").to_string(), "CNY 1,234.50");
  EXPECT_EQ(money("-1234567.5", "USD").to_string(), "USD -1,234,567.5");
  EXPECT_EQ(money("999", "JPY").to_string(), "JPY 999");
  EXPECT_EQ(money("0.01", "EUR").to_string(), "EUR 0.01");
}

TEST(Allocation, LargestRemainderTiesToEarlierParts) {
  auto parts = money("100.00", "CNY").allocate(std::vector<decimal>{1, 1, 1});
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].amount().to_string(), "33.34");
  EXPECT_EQ(parts[1].amount().to_string(), "33.33");
  EXPECT_EQ(parts[2].amount().to_string(), "33.33");
  // 0.05 by 1:1:1:1:1:1 -> five parts of a cent, the sixth gets nothing
  auto cents = money("0.05", "CNY").allocate(std::vector<decimal>{1, 1, 1, 1, 1, 1});
  EXPECT_EQ(cents[4].amount().to_string(), "0.01");
  EXPECT_EQ(cents[5].amount().to_string(), "0.00");
  // the largest fraction wins the leftover cent, not the earliest: 1.00 by 30:30:40 is exact;
  // 1.01 by 1:2 -> exact shares 0.3366.. and 0.6733..; floors 0.33 + 0.67 = 1.00; fractions .66 vs .33
  auto two = money("1.01", "CNY").allocate(std::vector<decimal>{1, 2});
  EXPECT_EQ(two[0].amount().to_string(), "0.34");
  EXPECT_EQ(two[1].amount().to_string(), "0.67");
  // negative amounts mirror positive ones
  auto neg = money("-100.00", "CNY").allocate(std::vector<decimal>{1, 1, 1});
  EXPECT_EQ(neg[0].amount().to_string(), "-33.34");
  // JPY has no minor unit
  auto yen = money("1000", "JPY").allocate(std::vector<ratio>{ratio(1, 3), ratio(1, 3), ratio(1, 3)});
  EXPECT_EQ(yen[0].amount().to_string(), "334");
  EXPECT_EQ(yen[2].amount().to_string(), "333");
}

TEST(Allocation, RefusesBadWeightsAndAmounts) {
  EXPECT_THROW(money("1.00", "CNY").allocate(std::vector<decimal>{}), stakecalc::invalid_input);
  EXPECT_THROW(money("1.00", "CNY").allocate(std::vector<decimal>{0, 0}), stakecalc::invalid_input);
  EXPECT_THROW(money("1.00", "CNY").allocate(std::vector<decimal>{1, -1}), stakecalc::invalid_input);
  EXPECT_THROW(money("1.005", "CNY").allocate(std::vector<decimal>{1, 1}), stakecalc::invalid_input);
  EXPECT_NO_THROW(money("1.000", "CNY").allocate(std::vector<decimal>{1, 1}));
}

// Properties: the parts sum exactly, each is within one minor unit of its exact share.
RC_GTEST_PROP(AllocationProperties, SumsExactlyAndStaysWithinOneUnit,
              (std::int64_t cents, std::vector<unsigned short> raw_weights)) {
  RC_PRE(!raw_weights.empty() && raw_weights.size() <= 50);
  std::vector<decimal> weights;
  decimal total_weight;
  for (auto w : raw_weights) {
    weights.push_back(decimal::from_parts(static_cast<std::int64_t>(w), 1));
    total_weight += weights.back();
  }
  RC_PRE(!total_weight.is_zero());
  money amount(decimal::from_parts(cents, 2), currency::of("CNY"));
  auto parts = amount.allocate(weights);
  money sum(decimal(0), currency::of("CNY"));
  for (std::size_t i = 0; i < parts.size(); ++i) {
    sum += parts[i];
    ratio exact = ratio(amount.amount()) * ratio(weights[i]) / ratio(total_weight);
    ratio gap = ratio(parts[i].amount()) - exact;
    if (gap.signum() < 0) gap = -gap;
    RC_ASSERT(gap < ratio(1, 100));
  }
  RC_ASSERT(sum == amount);
}
