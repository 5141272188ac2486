// What the C++ tests share: literals as they write them (d, dec, cny), the standard bank loan, an
// error of exactly the expected type that says what and where, and closeness of a decimal to an
// exact value in significant digits.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <typeinfo>
#include <vector>

#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/equity_to_debt.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/loan_terms.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc::testing {

// d("2024-01-15"), dec("0.049"), cny("100.00"): a test's literals, read as a contract file is.
inline date d(const char* iso) { return parse_date(iso); }
inline decimal dec(const char* text) { return decimal::parse(text); }
inline money cny(const char* amount) { return money(amount, "CNY"); }

// The standard bank example: 1,000,000.00 CNY at 4.9% from 2024-01-15 on the monthly basis
// (按月计息: the monthly rate is the annual / 12), which the published tables use.
inline loan_terms bank_loan(repayment_type kind, int periods = 240) {
  loan_terms t;
  t.principal = dec("1000000.00");
  t.start = d("2024-01-15");
  t.periods = periods;
  t.repayment = kind;
  t.rate = dec("0.049");
  t.basis = interest_basis::monthly;
  return t;
}

// The error thrown by f is exactly of type E (not a base or a sibling) and its message contains
// `fragment`.
template <class E, class F>
void expect_error(F f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "expected " << typeid(E).name() << " containing '" << fragment << "', nothing was thrown";
  } catch (const error& e) {
    EXPECT_EQ(typeid(e), typeid(E)) << e.what();
    EXPECT_THAT(e.what(), ::testing::HasSubstr(fragment));
  }
}

// As expect_error, and the error names `field` as where it happened.
template <class E, class F>
void expect_error_at(F f, const std::string& field, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "expected " << typeid(E).name() << " at '" << field << "', nothing was thrown";
  } catch (const error& e) {
    EXPECT_EQ(typeid(e), typeid(E)) << e.what();
    EXPECT_EQ(e.where(), field) << e.what();
    EXPECT_THAT(e.what(), ::testing::HasSubstr(fragment));
  }
}

// |got - exact| <= |exact| * 10^-digits, in exact arithmetic.
inline ::testing::AssertionResult close_to(const decimal& got, const ratio& exact, int digits = 28) {
  ratio diff = ratio(got) - exact;
  if (diff.signum() < 0) diff = -diff;
  const ratio scale = exact.signum() < 0 ? -exact : exact;
  if (diff <= scale * ratio(big_int(1), detail::big_pow10(digits))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << got << " differs from " << exact.round(40, rounding::half_even)
                                       << " beyond " << digits << " significant digits";
}

inline std::vector<decimal> decimals(std::initializer_list<const char*> texts) {
  std::vector<decimal> out;
  for (const char* t : texts) out.push_back(decimal::parse(t));
  return out;
}

// The conversion the contract tests share: the remaining stake at cost, owed by the company (its
// units cancelled), repaid in one bullet a year later at 6%, ACT/365F.
inline equity_to_debt_terms company_bullet_at_six_percent() {
  equity_to_debt_terms e;
  e.principal.formula = price_formula(pricing::at_cost{});
  e.debtors = {{"company", ratio(1), true}};
  e.loan.repayment = repayment_type::bullet;
  e.loan.periods = 1;
  e.loan.frequency = tenor(1, time_unit::years);
  e.loan.rate = decimal::parse("0.06");
  e.loan.day_count = day_counter(day_count_convention::act_365_fixed);
  return e;
}

}  // namespace stakecalc::testing
