// Assertions shared by the C++ tests: an error of exactly the expected type that says what and where,
// and closeness of a decimal to an exact value in significant digits.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <typeinfo>
#include <vector>

#include "stakecalc/decimal.hpp"
#include "stakecalc/equity_to_debt.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc::testing {

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
