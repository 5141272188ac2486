// Explanations of computed amounts (stakecalc/explanation.hpp).
#include "stakecalc/explanation.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace stakecalc {

namespace {

// exact_text's terminating case on machine words: value = n / d with d = 2^twos 5^fives is
// n 2^(s - twos) 5^(s - fives) / 10^s, s = max(twos, fives). Every explanation of every sweep
// scenario passes here, where the big-integer route cost more than the computation it describes.
// Nothing when the coefficient does not fit 64 bits (the general route then decides).
std::optional<std::string> small_terminating_text(const ratio& value) {
  if (!value.is_small()) return std::nullopt;
  auto d = static_cast<std::uint64_t>(value.small_denominator());
  const int twos = __builtin_ctzll(d);
  d >>= twos;
  int fives = 0;
  while (d % 5 == 0) {
    d /= 5;
    ++fives;
  }
  if (d != 1 || twos > 30 || fives > 30) return std::nullopt;
  const int scale = std::max(twos, fives);
  detail::int128 c = value.small_numerator();
  // Only one of the two loops runs. Doubling at most 30 times keeps |c| below 2^93 (int128 holds
  // it; fits_small decides after); each factor of five is checked at once.
  for (int i = twos; i < scale; ++i) c *= 2;
  for (int i = fives; i < scale; ++i) {
    c *= 5;
    if (!detail::fits_small(c)) return std::nullopt;
  }
  if (!detail::fits_small(c)) return std::nullopt;
  return decimal::from_parts(static_cast<std::int64_t>(c), scale).normalized().to_string();
}

}  // namespace

std::string exact_text(const ratio& value) {
  // A terminating decimal of at most 30 places reads as itself; anything else as the fraction and
  // an approximation, so that 1/3 is never shown as if 0.33333333 were exact.
  if (auto text = small_terminating_text(value)) return *text;
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
