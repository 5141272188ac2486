// stakecalc/allocation.hpp: splitting a whole number of units by weights without losing or
// creating a unit.
//
// The largest-remainder method: every part first gets the floor of its exact share, then the units
// left over go one each to the parts with the largest discarded fractions; equal fractions go to
// earlier positions first. So 100.00 split 1:1:1 is 33.34, 33.33, 33.33, each part is within one
// unit of its exact share, and the parts always sum to the total.
#pragma once

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "stakecalc/decimal.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

// Splits `total` (any sign) by non-negative integer weights whose sum is positive.
inline std::vector<big_int> allocate_units(const big_int& total, const std::vector<big_int>& weights,
                                           const std::string& where = "weights") {
  if (weights.empty()) throw invalid_input("no weights to allocate by", where);
  big_int sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i].sign() < 0)
      throw invalid_input("weight " + weights[i].str() + " is negative", where + "[" + std::to_string(i) + "]");
    sum += weights[i];
  }
  if (sum.is_zero()) throw invalid_input("weights sum to zero", where);
  const bool negative = total.sign() < 0;
  const big_int t = boost::multiprecision::abs(total);
  std::vector<big_int> parts(weights.size()), remainders(weights.size());
  big_int given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    boost::multiprecision::divide_qr(big_int(t * weights[i]), sum, parts[i], remainders[i]);
    given += parts[i];
  }
  big_int left = t - given;  // fewer units than there are parts
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  for (std::size_t k = 0; left > 0; ++k, --left) parts[order[k]] += 1;
  if (negative)
    for (auto& p : parts) p = -p;
  return parts;
}

namespace detail {
// Decimal weights as integers on a common scale (exact: 0.5 and 0.25 become 50 and 25).
inline std::vector<big_int> integer_weights(const std::vector<decimal>& weights) {
  int scale = 0;
  for (const auto& w : weights) scale = std::max(scale, w.scale());
  std::vector<big_int> out;
  out.reserve(weights.size());
  for (const auto& w : weights) out.push_back(w.aligned(scale));
  return out;
}
// Ratio weights as integers over a common denominator (exact).
inline std::vector<big_int> integer_weights(const std::vector<ratio>& weights) {
  big_int lcm = 1;
  for (const auto& w : weights) lcm = boost::multiprecision::lcm(lcm, w.denominator());
  std::vector<big_int> out;
  out.reserve(weights.size());
  for (const auto& w : weights) out.push_back(w.numerator() * (lcm / w.denominator()));
  return out;
}
}  // namespace detail

// Splits a decimal whose scale is at most `places` into parts with `places` digits after the
// point, by decimal or ratio weights.
template <class Weight>
std::vector<decimal> allocate(const decimal& total, const std::vector<Weight>& weights, int places,
                              const std::string& where = "weights") {
  if (total.scale() > places && total.rounded(places, rounding::down) != total)
    throw invalid_input("amount " + total.to_string() + " has more than " + std::to_string(places) +
                        " digits after the point; round it before allocating");
  big_int units = total.rounded(places, rounding::unnecessary).coefficient();
  std::vector<big_int> parts = allocate_units(units, detail::integer_weights(weights), where);
  std::vector<decimal> out;
  out.reserve(parts.size());
  for (const auto& p : parts) out.push_back(decimal::from_parts(p, places));
  return out;
}

}  // namespace stakecalc
