// stakecalc/ratio.hpp: exact fractions for ownership shares and day-count year fractions.
//
// A ratio is always in lowest terms with a positive denominator. It meets decimal exactly:
// decimal * ratio is a ratio, and a ratio becomes a decimal only through round(), once, at the
// point a contract names (181/360 of a year stays 181/360 until the interest is rounded).
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include "stakecalc/decimal.hpp"

namespace stakecalc {

using big_rational = boost::multiprecision::number<
    boost::multiprecision::rational_adaptor<boost::multiprecision::cpp_int_backend<>>, boost::multiprecision::et_off>;

class ratio {
public:
  ratio() = default;
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  ratio(I value) : value_(big_int(value)) {}  // NOLINT(google-explicit-constructor)
  ratio(const big_int& numerator, const big_int& denominator) {
    if (denominator.is_zero())
      throw division_by_zero("ratio " + numerator.str() + "/0 has a zero denominator");
    value_ = big_rational(numerator, denominator);
  }
  template <class I, class J,
            std::enable_if_t<std::is_integral_v<I> && std::is_integral_v<J> && !std::is_same_v<I, bool>, int> = 0>
  ratio(I numerator, J denominator) : ratio(big_int(numerator), big_int(denominator)) {}
  // The exact value of a decimal: 0.035 is 7/200.
  explicit ratio(const decimal& d) : value_(big_rational(d.coefficient(), detail::big_pow10(d.scale()))) {}
  explicit ratio(const big_rational& v) : value_(v) {}
  ratio(double) = delete;
  ratio(float) = delete;

  // Parses "181/360", "3", "-0.25" (a decimal), with invalid_input naming `where` on bad text.
  static ratio parse(std::string_view text, const std::string& where = "ratio") {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return ratio(decimal::parse(text, where));
    decimal n = decimal::parse(text.substr(0, slash), where);
    decimal d = decimal::parse(text.substr(slash + 1), where);
    if (d.is_zero()) throw invalid_input("zero denominator in '" + std::string(text) + "'", where);
    return ratio(n) / ratio(d);
  }

  big_int numerator() const { return boost::multiprecision::numerator(value_); }
  big_int denominator() const { return boost::multiprecision::denominator(value_); }
  const big_rational& value() const noexcept { return value_; }
  int signum() const { return value_.sign(); }
  bool is_zero() const { return value_.is_zero(); }

  // "181/360", or "3" when the denominator is 1.
  std::string to_string() const {
    big_int d = denominator();
    return d == 1 ? numerator().str() : numerator().str() + "/" + d.str();
  }

  // The nearest decimal with `places` digits after the point under `mode`: the one rounding.
  decimal round(int places, rounding mode) const {
    big_int num = numerator(), den = denominator();
    if (places >= 0)
      num *= detail::big_pow10(places);
    else
      den *= detail::big_pow10(-places);
    big_int q = detail::div_round(num, den, mode);
    if (places < 0) return decimal::from_parts(q * detail::big_pow10(-places), 0);
    return decimal::from_parts(q, places);
  }
  // The exact decimal when the expansion terminates; rounding_needed otherwise.
  decimal to_decimal() const { return decimal::from_parts(numerator(), 0) / decimal::from_parts(denominator(), 0); }

  ratio operator-() const { return ratio(big_rational(-value_)); }
  friend ratio operator+(const ratio& a, const ratio& b) { return ratio(big_rational(a.value_ + b.value_)); }
  friend ratio operator-(const ratio& a, const ratio& b) { return ratio(big_rational(a.value_ - b.value_)); }
  friend ratio operator*(const ratio& a, const ratio& b) { return ratio(big_rational(a.value_ * b.value_)); }
  friend ratio operator/(const ratio& a, const ratio& b) {
    if (b.is_zero()) throw division_by_zero("division of " + a.to_string() + " by a zero ratio");
    return ratio(big_rational(a.value_ / b.value_));
  }
  ratio& operator+=(const ratio& o) { return *this = *this + o; }
  ratio& operator-=(const ratio& o) { return *this = *this - o; }
  ratio& operator*=(const ratio& o) { return *this = *this * o; }
  ratio& operator/=(const ratio& o) { return *this = *this / o; }

  // decimal and ratio mix exactly, giving a ratio.
  friend ratio operator*(const decimal& a, const ratio& b) { return ratio(a) * b; }
  friend ratio operator*(const ratio& a, const decimal& b) { return a * ratio(b); }
  friend ratio operator/(const decimal& a, const ratio& b) { return ratio(a) / b; }
  friend ratio operator+(const decimal& a, const ratio& b) { return ratio(a) + b; }
  friend ratio operator+(const ratio& a, const decimal& b) { return a + ratio(b); }
  friend ratio operator-(const decimal& a, const ratio& b) { return ratio(a) - b; }
  friend ratio operator-(const ratio& a, const decimal& b) { return a - ratio(b); }

  friend bool operator==(const ratio& a, const ratio& b) { return a.value_ == b.value_; }
  friend bool operator!=(const ratio& a, const ratio& b) { return a.value_ != b.value_; }
  friend bool operator<(const ratio& a, const ratio& b) { return a.value_ < b.value_; }
  friend bool operator<=(const ratio& a, const ratio& b) { return a.value_ <= b.value_; }
  friend bool operator>(const ratio& a, const ratio& b) { return a.value_ > b.value_; }
  friend bool operator>=(const ratio& a, const ratio& b) { return a.value_ >= b.value_; }

  friend std::ostream& operator<<(std::ostream& os, const ratio& r) { return os << r.to_string(); }

private:
  big_rational value_;
};

}  // namespace stakecalc
