// The fund's exit recorded in the cap-table ledger (the thin bridge of exit_ledger.hpp).
//
// Expected ownership by hand: the company has 10,000,000.00 yuan of registered capital, zhang
// 4,500,000.00, li 4,000,000.00 and the fund 1,500,000.00 (bought for 3,000,000.00).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stakecalc/exit_ledger.hpp"
#include "test_support.hpp"

namespace {

using namespace stakecalc;

using stakecalc::testing::d;
using stakecalc::testing::dec;
using stakecalc::testing::cny;

ledger company_with_fund() {
  ledger book;
  book.add_holder(holder{"zhang", "Zhang", holder_kind::team_member, {}});
  book.add_holder(holder{"li", "Li", holder_kind::team_member, {}});
  book.add_holder(holder{"fund", "Guidance fund", holder_kind::fund, {}});
  const company co{"hefei-quantum", "Hefei Quantum", legal_form::limited_liability, currency::of("CNY")};
  book.record(event{d("2021-03-01"),
                    incorporation{co,
                                  {subscription{"zhang", dec("4500000.00"), cny("4500000.00")},
                                   subscription{"li", dec("4000000.00"), cny("4000000.00")},
                                   subscription{"fund", dec("1500000.00"), cny("3000000.00")}}}});
  return book;
}

repurchase_terms at_cost_for_five_years() {
  repurchase_terms t;
  t.investment = {d("2021-03-01"), cny("3000000.00"), dec("1500000.00"), 2};
  repurchase_window w;
  w.until = tenor(5, time_unit::years);
  t.windows = {w};  // at cost
  return t;
}

TEST(ExitLedger, OwnershipAfterEachTranche) {
  ledger book = company_with_fund();
  const repurchase_evaluation ev = evaluate_plan(
      at_cost_for_five_years(), {{repurchase_tranche::of_proportion(d("2023-03-01"), "zhang", ratio(2, 5)),
                                  repurchase_tranche::of_proportion(d("2025-06-30"), "li", ratio(3, 5))}});
  EXPECT_EQ(record_repurchases(book, "hefei-quantum", "fund", ev).size(), 2u);
  const std::vector<cap_table> tables = cap_tables_after_tranches(book, "hefei-quantum", ev);
  ASSERT_EQ(tables.size(), 2u);
  // After 600,000.00 to zhang: zhang 5,100,000.00, the fund 900,000.00 of 10,000,000.00.
  EXPECT_EQ(tables[0].ownership_of("zhang"), ratio(51, 100));
  EXPECT_EQ(tables[0].ownership_of("fund"), ratio(9, 100));
  // After 900,000.00 to li: the fund is out; li 4,900,000.00.
  EXPECT_EQ(tables[1].ownership_of("fund"), ratio(0));
  EXPECT_EQ(tables[1].ownership_of("li"), ratio(49, 100));
  EXPECT_EQ(tables[1].total_units, dec("10000000.00"));
}

// The second tranche is refused by the ledger (li is not a registered holder of this book), so
// neither tranche is recorded: the bridge is all or nothing.
TEST(ExitLedger, ARefusedTrancheRecordsNothing) {
  ledger book;
  book.add_holder(holder{"zhang", "Zhang", holder_kind::team_member, {}});
  book.add_holder(holder{"fund", "Guidance fund", holder_kind::fund, {}});
  const company co{"hefei-quantum", "Hefei Quantum", legal_form::limited_liability, currency::of("CNY")};
  book.record(event{d("2021-03-01"), incorporation{co,
                                                   {subscription{"zhang", dec("8500000.00"), cny("8500000.00")},
                                                    subscription{"fund", dec("1500000.00"), cny("3000000.00")}}}});
  const repurchase_evaluation ev = evaluate_plan(
      at_cost_for_five_years(), {{repurchase_tranche::of_proportion(d("2023-03-01"), "zhang", ratio(2, 5)),
                                  repurchase_tranche::of_proportion(d("2025-06-30"), "li", ratio(3, 5))}});
  const std::size_t events_before = book.size();
  EXPECT_THROW(record_repurchases(book, "hefei-quantum", "fund", ev), error);
  EXPECT_EQ(book.size(), events_before);
  EXPECT_EQ(book.current("hefei-quantum").ownership_of("fund"), ratio(15, 100));
}

TEST(ExitLedger, ConversionCancelsTheFundsUnits) {
  ledger book = company_with_fund();
  equity_to_debt_terms e;
  e.principal.formula = price_formula(pricing::at_cost{});
  e.debtors = {{"hefei-quantum", ratio(1), true}};
  e.loan.repayment = repayment_type::bullet;
  e.loan.periods = 1;
  e.loan.frequency = tenor(1, time_unit::years);
  e.loan.rate = dec("0.05");
  const conversion_result c = convert_to_debt(e, at_cost_for_five_years(), {}, d("2023-01-01"));
  EXPECT_EQ(c.principal, cny("3000000.00"));
  record_conversion(book, "hefei-quantum", "fund", c);
  const cap_table after = book.cap_table_on("hefei-quantum", d("2023-01-01"));
  // 1,500,000.00 cancelled: 8,500,000.00 left; zhang 4,500,000 / 8,500,000 = 9/17.
  EXPECT_EQ(after.total_units, dec("8500000.00"));
  EXPECT_EQ(after.ownership_of("zhang"), ratio(9, 17));
  EXPECT_EQ(after.ownership_of("fund"), ratio(0));
}

}  // namespace
