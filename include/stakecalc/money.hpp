// stakecalc/money.hpp: an exact amount in one currency.
//
// Arithmetic stays within one currency: adding yuan to dollars throws currency_mismatch instead of
// producing a number that means nothing. Amounts are exact until rounded(), which goes to the
// currency's minor unit under a named mode. Conversion between currencies is an explicit FX step
// elsewhere, never implicit.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/allocation.hpp"
#include "stakecalc/currency.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

class money {
public:
  money() = default;  // CNY 0
  money(decimal amount, currency c) : amount_(std::move(amount)), currency_(c) {}
  // money("1234.50", "CNY"): both parsed, with errors naming the field.
  money(std::string_view amount, std::string_view code)
      : amount_(decimal::parse(amount, "amount")), currency_(currency::of(code)) {}
  // Zero at the currency's minor units (CNY 0.00, JPY 0): what a total starts from, so that an
  // untouched total prints like the amounts around it.
  static money zero(stakecalc::currency c) { return money(decimal::from_parts(std::int64_t{0}, c.minor_units()), c); }

  const decimal& amount() const noexcept { return amount_; }
  stakecalc::currency currency() const noexcept { return currency_; }
  int signum() const noexcept { return amount_.signum(); }
  bool is_zero() const noexcept { return amount_.is_zero(); }

  // To the currency's minor unit (2 places for CNY, 0 for JPY, 3 for KWD).
  money rounded(rounding mode) const { return {amount_.rounded(currency_.minor_units(), mode), currency_}; }
  // True when the amount is a whole number of minor units.
  bool is_whole_minor_units() const {
    return amount_.scale() <= currency_.minor_units() || amount_.normalized().scale() <= currency_.minor_units();
  }

  money operator-() const { return {-amount_, currency_}; }
  friend money operator+(const money& a, const money& b) { return {a.amount_ + b.amount_, same(a, b, "add")}; }
  friend money operator-(const money& a, const money& b) { return {a.amount_ - b.amount_, same(a, b, "subtract")}; }
  money& operator+=(const money& o) { return *this = *this + o; }
  money& operator-=(const money& o) { return *this = *this - o; }
  // Scaling by a number is exact; round afterwards where the contract says.
  friend money operator*(const money& a, const decimal& k) { return {a.amount_ * k, a.currency_}; }
  friend money operator*(const decimal& k, const money& a) { return {a.amount_ * k, a.currency_}; }
  // Scaling by an exact fraction rounds once, to the minor unit, under `mode`.
  money times(const ratio& k, rounding mode) const {
    return {(amount_ * k).round(currency_.minor_units(), mode), currency_};
  }
  // Division of two amounts of one currency: an exact ratio (what share of b is a).
  friend ratio operator/(const money& a, const money& b) {
    same(a, b, "divide");
    return ratio(a.amount_) / ratio(b.amount_);
  }

  // Splits this amount (a whole number of minor units) by weights so that the parts sum to it
  // exactly: largest remainder, ties to earlier positions. 100.00 by 1:1:1 is 33.34, 33.33, 33.33.
  template <class Weight>
  std::vector<money> allocate(const std::vector<Weight>& weights) const {
    if (!is_whole_minor_units())
      throw invalid_input("cannot allocate " + to_string() + ": not a whole number of minor units; round it first",
                          "amount");
    std::vector<money> out;
    for (auto& part : stakecalc::allocate(amount_, weights, currency_.minor_units())) out.emplace_back(part, currency_);
    return out;
  }

  // Ordering needs one currency; equality does not (CNY 1 != USD 1).
  friend int compare(const money& a, const money& b) { return (same(a, b, "compare"), compare(a.amount_, b.amount_)); }
  friend bool operator==(const money& a, const money& b) { return a.currency_ == b.currency_ && a.amount_ == b.amount_; }
  friend bool operator!=(const money& a, const money& b) { return !(a == b); }
  friend bool operator<(const money& a, const money& b) { return compare(a, b) < 0; }
  friend bool operator<=(const money& a, const money& b) { return compare(a, b) <= 0; }
  friend bool operator>(const money& a, const money& b) { return compare(a, b) > 0; }
  friend bool operator>=(const money& a, const money& b) { return compare(a, b) >= 0; }

  // "CNY 1,234.50": code, then the exact amount with thousands separators.
  std::string to_string() const { return std::string(currency_.code()) + " " + group_thousands(amount_.to_string()); }
  friend std::ostream& operator<<(std::ostream& os, const money& m) { return os << m.to_string(); }

  // "-1234567.5" -> "-1,234,567.5".
  static std::string group_thousands(const std::string& plain) {
    std::size_t start = (!plain.empty() && plain[0] == '-') ? 1 : 0;
    std::size_t point = plain.find('.');
    std::size_t int_end = point == std::string::npos ? plain.size() : point;
    std::string out = plain.substr(0, start);
    for (std::size_t i = start; i < int_end; ++i) {
      out += plain[i];
      std::size_t left = int_end - i - 1;
      if (left > 0 && left % 3 == 0) out += ',';
    }
    return out + plain.substr(int_end);
  }

private:
  static stakecalc::currency same(const money& a, const money& b, const char* op) {
    if (a.currency_ != b.currency_)
      throw currency_mismatch(std::string("cannot ") + op + " " + a.to_string() + " and " + b.to_string() +
                              ": different currencies (convert with an explicit FX rate first)");
    return a.currency_;
  }

  decimal amount_;
  stakecalc::currency currency_;
};

}  // namespace stakecalc

template <>
struct std::hash<stakecalc::money> {
  std::size_t operator()(const stakecalc::money& m) const {
    return m.amount().hash() ^ (static_cast<std::size_t>(m.currency().numeric()) << 1);
  }
};
