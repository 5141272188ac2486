// Explanations of computed amounts (stakecalc/explanation.hpp).
#include "stakecalc/explanation.hpp"

#include <string>

namespace stakecalc {

std::string exact_text(const ratio& value) {
  // A terminating decimal of at most 30 places reads as itself; anything else as the fraction and
  // an approximation, so that 1/3 is never shown as if 0.33333333 were exact.
  big_int d = value.denominator();
  int twos = 0, fives = 0;
  while (!boost::multiprecision::bit_test(d, 0)) {
    d >>= 1;
    ++twos;
  }
  while (d % 5 == 0) {
    d /= 5;
    ++fives;
  }
  if (d == 1 && twos <= 30 && fives <= 30) return value.to_decimal().normalized().to_string();
  return value.to_string() + " = " + value.round(20, rounding::half_even).to_string() + "...";
}

std::string explanation::to_text(int indent) const {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  const std::string inner(static_cast<std::size_t>(indent) + 2, ' ');
  std::string out = pad + (subject.empty() ? std::string("amount") : subject);
  if (!result.empty()) out += " = " + result;
  out += "\n";
  if (!formula.empty()) out += inner + "formula: " + formula + "\n";
  for (const explanation_input& in : inputs) {
    out += inner + in.name + " = " + in.value;
    if (!in.source.empty()) out += " (" + in.source + ")";
    out += "\n";
  }
  if (!exact.empty() && exact != result) out += inner + "exact: " + exact + "\n";
  if (!rounding.empty()) out += inner + "rounded: " + rounding + "\n";
  if (!steps.empty()) {
    out += inner + "where:\n";
    for (const explanation& s : steps) out += s.to_text(indent + 4);
  }
  return out;
}

}  // namespace stakecalc
