// Splits a dividend through the installed headers and library; exits non-zero on a wrong cent.
#include <stakecalc/stakecalc.hpp>

#include <iostream>

int main() {
  using namespace stakecalc;
  money dividend("100.00", "CNY");
  auto parts = dividend.allocate(std::vector<decimal>{1, 1, 1});
  for (const auto& p : parts) std::cout << p << "\n";
  return parts.at(0) == money("33.34", "CNY") && parts.at(2) == money("33.33", "CNY") ? 0 : 1;
}
