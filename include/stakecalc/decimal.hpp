// stakecalc/decimal.hpp: exact decimal numbers for money, rates and prices.
//
// A decimal is coefficient * 10^-scale with scale >= 0, like Java's BigDecimal or Python's
// Decimal: "-1234.5600" keeps its four places. + - * are exact; division takes an explicit scale
// and rounding mode, or is exact and throws when the quotient does not terminate. Values that fit
// a 64-bit coefficient take a fast path with overflow-checked machine arithmetic; anything larger
// moves to an arbitrary-precision integer (Boost.Multiprecision) and comes back when it fits again.
// Nothing ever wraps: past the size limits an operation throws overflow_error.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include "stakecalc/error.hpp"
#include "stakecalc/rounding.hpp"

namespace stakecalc {

// Arbitrary-precision integer without expression templates (they make `auto` capture proxies).
using big_int = boost::multiprecision::number<boost::multiprecision::cpp_int_backend<>,
                                              boost::multiprecision::et_off>;

namespace detail {

inline constexpr std::int64_t pow10_i64[19] = {1LL,
                                               10LL,
                                               100LL,
                                               1000LL,
                                               10000LL,
                                               100000LL,
                                               1000000LL,
                                               10000000LL,
                                               100000000LL,
                                               1000000000LL,
                                               10000000000LL,
                                               100000000000LL,
                                               1000000000000LL,
                                               10000000000000LL,
                                               100000000000000LL,
                                               1000000000000000LL,
                                               10000000000000000LL,
                                               100000000000000000LL,
                                               1000000000000000000LL};

// x *= 10^n without overflow; false (x unchanged) when it would not fit.
inline bool mul_pow10(std::int64_t& x, int n) noexcept {
  if (n < 0 || n > 18) return x == 0 && n >= 0;
  std::int64_t r;
  if (__builtin_mul_overflow(x, pow10_i64[n], &r)) return false;
  x = r;
  return true;
}

inline big_int big_pow10(int n) { return boost::multiprecision::pow(big_int(10), static_cast<unsigned>(n)); }

inline const big_int& int64_min_big() {
  static const big_int v(std::numeric_limits<std::int64_t>::min());
  return v;
}
inline const big_int& int64_max_big() {
  static const big_int v(std::numeric_limits<std::int64_t>::max());
  return v;
}

// Rounded integer quotient num / den (den != 0) under `mode`, for machine integers. Requires
// neither operand to be INT64_MIN (callers route those to the big path).
inline std::int64_t div_round(std::int64_t num, std::int64_t den, rounding mode) {
  std::int64_t q = num / den;
  std::int64_t r = num % den;
  if (r == 0) return q;
  bool negative = (num < 0) != (den < 0);
  std::int64_t ar = r < 0 ? -r : r;
  std::int64_t ad = den < 0 ? -den : den;
  std::int64_t rest = ad - ar;  // compare ar with ad/2 without overflow
  int cmp_half = ar < rest ? -1 : (ar > rest ? 1 : 0);
  if (round_away_from_zero(mode, negative, true, cmp_half, (q & 1) != 0)) q += negative ? -1 : 1;
  return q;
}

inline big_int div_round(const big_int& num, const big_int& den, rounding mode) {
  big_int q, r;
  boost::multiprecision::divide_qr(num, den, q, r);
  if (r.is_zero()) return q;
  bool negative = (num.sign() < 0) != (den.sign() < 0);
  big_int ar = boost::multiprecision::abs(r);
  big_int twice = ar * 2;
  big_int ad = boost::multiprecision::abs(den);
  int cmp_half = twice < ad ? -1 : (twice > ad ? 1 : 0);
  bool odd = boost::multiprecision::bit_test(boost::multiprecision::abs(q), 0);
  if (round_away_from_zero(mode, negative, true, cmp_half, odd)) q += negative ? -1 : 1;
  return q;
}

// An immutable big_int shared between copies of one decimal: a single pointer to a cell holding
// the value and an atomic count. std::shared_ptr would do the same job with two pointers and a
// control block, and every small decimal (the common case: the pointer is null) would pay for
// them in each temporary's construction and destruction.
class shared_big {
public:
  shared_big() noexcept = default;
  explicit shared_big(const big_int& v) : cell_(new cell{{1}, v}) {}
  shared_big(const shared_big& o) noexcept : cell_(o.cell_) {
    if (cell_) cell_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  shared_big(shared_big&& o) noexcept : cell_(o.cell_) { o.cell_ = nullptr; }
  shared_big& operator=(shared_big o) noexcept {
    std::swap(cell_, o.cell_);
    return *this;
  }
  ~shared_big() {
    if (cell_) release(cell_);
  }
  void reset() noexcept { shared_big().swap(*this); }
  void swap(shared_big& o) noexcept { std::swap(cell_, o.cell_); }
  explicit operator bool() const noexcept { return cell_ != nullptr; }
  const big_int& operator*() const noexcept { return cell_->value; }
  const big_int* operator->() const noexcept { return &cell_->value; }

private:
  struct cell {
    std::atomic<long> refs;
    big_int value;
  };
  [[gnu::noinline]] static void release(cell* c) noexcept {
    if (c->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete c;
  }
  cell* cell_ = nullptr;
};

}  // namespace detail

class decimal {
public:
  // Digits after the point a decimal may carry, and the coefficient's size in bits (about 12,000
  // decimal digits): generous for any contract, small enough that a typo such as "1e999999999"
  // is refused instead of exhausting memory.
  static constexpr int max_scale = 10000;
  static constexpr unsigned max_bits = 40000;

  decimal() noexcept = default;

  // Exact from any integer type. Implicit, so that `amount * 2` reads naturally.
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  decimal(I value) {  // NOLINT(google-explicit-constructor)
    if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(std::int64_t)) {
      if (value > static_cast<std::make_unsigned_t<std::int64_t>>(std::numeric_limits<std::int64_t>::max())) {
        set_big(big_int(value));
        return;
      }
    }
    small_ = static_cast<std::int64_t>(value);
  }
  // A binary float is never an exact amount: 0.1 is not one tenth. Parse a string instead.
  decimal(float) = delete;
  decimal(double) = delete;
  decimal(long double) = delete;
  decimal(bool) = delete;

  // Parses "-1234.5600", "1.5e-3", ".5"; refuses "", "1.2.3", "12,5", "NaN", "inf" and exponents
  // beyond the limits with invalid_input naming `where` and the text.
  static decimal parse(std::string_view text, const std::string& where = "decimal");
  explicit decimal(std::string_view text) : decimal(parse(text)) {}
  explicit decimal(const char* text) : decimal(parse(text)) {}
  explicit decimal(const std::string& text) : decimal(parse(text)) {}

  // coefficient * 10^-scale.
  static decimal from_parts(std::int64_t coefficient, int scale) {
    check_scale(scale);
    decimal d;
    d.small_ = coefficient;
    d.scale_ = scale;
    return d;
  }
  static decimal from_parts(const big_int& coefficient, int scale) {
    check_scale(scale);
    decimal d;
    d.assign(coefficient);
    d.scale_ = scale;
    return d;
  }

  int scale() const noexcept { return scale_; }
  big_int coefficient() const { return big_ ? *big_ : big_int(small_); }
  // True when the coefficient fits 64 bits (the fast path); small_coefficient() is then exact.
  bool is_small() const noexcept { return !big_; }
  std::int64_t small_coefficient() const noexcept { return small_; }
  int signum() const noexcept { return big_ ? big_->sign() : (small_ > 0) - (small_ < 0); }
  bool is_zero() const noexcept { return !big_ && small_ == 0; }
  bool is_negative() const noexcept { return signum() < 0; }
  bool is_integer() const { return normalized().scale_ == 0; }

  // Exact text without exponent, keeping the scale: "-1234.5600".
  std::string to_string() const;
  // For plots and logging only: the nearest double. Never feed it back into a money path.
  double to_double() const;

  // This value with exactly `places` digits after the point (places may be negative: -3 rounds to
  // thousands, with scale 0). Padding with zeros is exact; dropping digits rounds under `mode`.
  decimal rounded(int places, rounding mode) const;
  // The same value with trailing zeros after the point removed ("1.500" -> "1.5", "100.00" -> "100").
  decimal normalized() const;
  decimal abs() const { return signum() < 0 ? -*this : *this; }

  decimal operator-() const {
    if (!big_ && small_ != std::numeric_limits<std::int64_t>::min()) return from_parts(-small_, scale_);
    return negate_big(*this);
  }
  decimal operator+() const { return *this; }

  friend decimal operator+(const decimal& a, const decimal& b) {
    if (!a.big_ && !b.big_) {
      std::int64_t x = a.small_, y = b.small_, r;
      if (a.scale_ == b.scale_ || (a.scale_ < b.scale_ ? detail::mul_pow10(x, b.scale_ - a.scale_)
                                                        : detail::mul_pow10(y, a.scale_ - b.scale_))) {
        if (!__builtin_add_overflow(x, y, &r)) return from_parts(r, std::max(a.scale_, b.scale_));
      }
    }
    return add_big(a, b);
  }
  friend decimal operator-(const decimal& a, const decimal& b) {
    if (!a.big_ && !b.big_) {
      std::int64_t x = a.small_, y = b.small_, r;
      if (a.scale_ == b.scale_ || (a.scale_ < b.scale_ ? detail::mul_pow10(x, b.scale_ - a.scale_)
                                                        : detail::mul_pow10(y, a.scale_ - b.scale_))) {
        if (!__builtin_sub_overflow(x, y, &r)) return from_parts(r, std::max(a.scale_, b.scale_));
      }
    }
    return subtract_big(a, b);
  }
  friend decimal operator*(const decimal& a, const decimal& b) {
    int s = a.scale_ + b.scale_;
    if (!a.big_ && !b.big_) {
      std::int64_t r;
      if (!__builtin_mul_overflow(a.small_, b.small_, &r)) return from_parts(r, s);
    }
    return multiply_big(a, b);
  }
  // Exact division: the quotient when it has a finite decimal expansion (15 / 3 = 5,
  // 158.946 / 0.059 = 2694); rounding_needed otherwise (1 / 3). Use divide() to round.
  friend decimal operator/(const decimal& a, const decimal& b);

  // In place when both sides are small at one scale (a running total): no temporary decimal.
  decimal& operator+=(const decimal& o) {
    std::int64_t r;  // the builtin stores the wrapped sum on overflow, so never into small_ directly
    if (!big_ && !o.big_ && scale_ == o.scale_ && !__builtin_add_overflow(small_, o.small_, &r)) {
      small_ = r;
      return *this;
    }
    return *this = *this + o;
  }
  decimal& operator-=(const decimal& o) {
    std::int64_t r;
    if (!big_ && !o.big_ && scale_ == o.scale_ && !__builtin_sub_overflow(small_, o.small_, &r)) {
      small_ = r;
      return *this;
    }
    return *this = *this - o;
  }
  decimal& operator*=(const decimal& o) { return *this = *this * o; }
  decimal& operator/=(const decimal& o) { return *this = *this / o; }

  // Three-way comparison by value: 1.0 and 1.00 are equal.
  friend int compare(const decimal& a, const decimal& b) {
    if (!a.big_ && !b.big_) {
      std::int64_t x = a.small_, y = b.small_;
      if (a.scale_ == b.scale_ || (a.scale_ < b.scale_ ? detail::mul_pow10(x, b.scale_ - a.scale_)
                                                        : detail::mul_pow10(y, a.scale_ - b.scale_)))
        return (x > y) - (x < y);
    }
    return compare_big(a, b);
  }
  friend bool operator==(const decimal& a, const decimal& b) { return compare(a, b) == 0; }
  friend bool operator!=(const decimal& a, const decimal& b) { return compare(a, b) != 0; }
  friend bool operator<(const decimal& a, const decimal& b) { return compare(a, b) < 0; }
  friend bool operator<=(const decimal& a, const decimal& b) { return compare(a, b) <= 0; }
  friend bool operator>(const decimal& a, const decimal& b) { return compare(a, b) > 0; }
  friend bool operator>=(const decimal& a, const decimal& b) { return compare(a, b) >= 0; }

  // Hash by value, consistent with ==.
  std::size_t hash() const;

  friend std::ostream& operator<<(std::ostream& os, const decimal& d) { return os << d.to_string(); }

  // The coefficient at scale s >= scale() (exact).
  big_int aligned(int s) const {
    big_int c = coefficient();
    if (s > scale_) c *= detail::big_pow10(s - scale_);
    return c;
  }

private:
  // The arbitrary-precision halves of the operators above, kept out of line so that the 64-bit paths
  // inline small: a loop over amounts then holds no big-integer code.
  [[gnu::noinline]] static decimal negate_big(const decimal& a) { return from_parts(-a.coefficient(), a.scale_); }
  [[gnu::noinline]] static decimal add_big(const decimal& a, const decimal& b) {
    int s = std::max(a.scale_, b.scale_);
    return from_parts(a.aligned(s) + b.aligned(s), s);
  }
  [[gnu::noinline]] static decimal subtract_big(const decimal& a, const decimal& b) {
    int s = std::max(a.scale_, b.scale_);
    return from_parts(a.aligned(s) - b.aligned(s), s);
  }
  [[gnu::noinline]] static decimal multiply_big(const decimal& a, const decimal& b) {
    return from_parts(a.coefficient() * b.coefficient(), a.scale_ + b.scale_);
  }
  [[gnu::noinline]] static int compare_big(const decimal& a, const decimal& b) {
    int s = std::max(a.scale_, b.scale_);
    big_int x = a.aligned(s), y = b.aligned(s);
    return (x > y) - (x < y);
  }
  // The test stays inline on every arithmetic result; the message is built out of line, so the hot
  // path carries one compare and no string code.
  static void check_scale(int scale) {
    if (scale < 0 || scale > max_scale) throw_scale_out_of_range(scale);
  }
  [[noreturn, gnu::cold, gnu::noinline]] static void throw_scale_out_of_range(int scale) {
    throw overflow_error("decimal scale " + std::to_string(scale) + " is outside 0.." + std::to_string(max_scale));
  }
  // Stores v, on the fast path when it fits 64 bits; refuses coefficients beyond max_bits.
  void assign(const big_int& v) {
    if (v >= detail::int64_min_big() && v <= detail::int64_max_big()) {
      small_ = static_cast<std::int64_t>(v);
      big_.reset();
    } else {
      set_big(v);
    }
  }
  void set_big(const big_int& v) {
    if (boost::multiprecision::msb(boost::multiprecision::abs(v)) + 1 > max_bits)
      throw overflow_error("decimal exceeds " + std::to_string(max_bits) + " bits (about 12000 digits)");
    big_ = detail::shared_big(v);
    small_ = 0;
  }

  std::int64_t small_ = 0;
  detail::shared_big big_;  // set only when the coefficient does not fit small_
  std::int32_t scale_ = 0;
};

// a / b rounded to `places` digits after the point under `mode`. Throws division_by_zero.
decimal divide(const decimal& a, const decimal& b, int places, rounding mode);

// The decimal to `places` digits (free-function spelling of decimal::rounded).
inline decimal round(const decimal& value, int places, rounding mode) { return value.rounded(places, mode); }

// ------------------------------------------------------------------------------------------
// Out-of-class definitions (inline: the header is the library for the number types).

inline decimal decimal::parse(std::string_view text, const std::string& where) {
  auto fail = [&](const std::string& why) -> decimal {
    throw invalid_input(why + " in '" + std::string(text.substr(0, 64)) + (text.size() > 64 ? "...'" : "'"), where);
  };
  if (text.empty()) throw invalid_input("empty string is not a decimal", where);
  std::size_t i = 0, n = text.size();
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') negative = text[i++] == '-';
  {
    // A friendly word for the special values that other libraries accept.
    std::string rest;
    for (std::size_t k = i; k < n && k < i + 9; ++k) rest += static_cast<char>(std::tolower(static_cast<unsigned char>(text[k])));
    if (rest.rfind("nan", 0) == 0 || rest.rfind("snan", 0) == 0 || rest.rfind("inf", 0) == 0)
      fail("not a finite decimal");
  }
  std::string digits;
  int frac_digits = 0;
  bool seen_point = false, any_digit = false;
  for (; i < n; ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (!(digits.empty() && c == '0')) digits += c;
      if (seen_point) ++frac_digits;
    } else if (c == '.') {
      if (seen_point) fail("second decimal point at position " + std::to_string(i));
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) fail("no digits");
  long long exponent = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) eneg = text[i++] == '-';
    std::size_t start = i;
    for (; i < n && text[i] >= '0' && text[i] <= '9'; ++i) {
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > 2LL * max_scale) fail("exponent out of range (at most " + std::to_string(2 * max_scale) + ")");
    }
    if (i == start) fail("exponent without digits");
    if (eneg) exponent = -exponent;
  }
  if (i < n) fail("unexpected character '" + std::string(1, text[i]) + "' at position " + std::to_string(i));
  long long scale = static_cast<long long>(frac_digits) - exponent;
  if (scale > max_scale) fail("more than " + std::to_string(max_scale) + " digits after the point");
  if (digits.size() + static_cast<std::size_t>(scale < 0 ? -scale : 0) > 12000) fail("more than 12000 digits");
  decimal d;
  if (digits.empty()) {
    d.scale_ = static_cast<std::int32_t>(scale < 0 ? 0 : scale);
    return d;
  }
  if (digits.size() <= 18) {
    std::int64_t c = std::stoll(digits);
    if (negative) c = -c;
    if (scale < 0) {
      if (detail::mul_pow10(c, static_cast<int>(-scale))) return from_parts(c, 0);
      return from_parts(big_int(c) * detail::big_pow10(static_cast<int>(-scale)), 0);
    }
    return from_parts(c, static_cast<int>(scale));
  }
  big_int c(digits);
  if (negative) c = -c;
  if (scale < 0) return from_parts(c * detail::big_pow10(static_cast<int>(-scale)), 0);
  return from_parts(c, static_cast<int>(scale));
}

inline std::string decimal::to_string() const {
  std::string digits;
  bool negative = signum() < 0;
  // Up to 128 bits (a rate to 30 significant digits, most big coefficients): the magnitude's
  // limbs read directly and divided by 10^19 on 128 bits, where cpp_int's str() took ~300 ns.
  if (big_ && big_->backend().size() <= 2) {
    __extension__ typedef unsigned __int128 word;
    const auto* limbs = big_->backend().limbs();
    static_assert(sizeof(*limbs) == 8, "64-bit limbs");
    word v = big_->backend().size() == 2 ? (static_cast<word>(limbs[1]) << 64) | limbs[0] : static_cast<word>(limbs[0]);
    constexpr std::uint64_t nineteen = 10000000000000000000ULL;  // 10^19
    char buffer[40];
    char* end = buffer + sizeof buffer;
    char* at = end;
    while (v >= nineteen) {  // a group of exactly 19 digits, zeros kept
      auto group = static_cast<std::uint64_t>(v % nineteen);
      v /= nineteen;
      for (int d = 0; d < 19; ++d, group /= 10) *--at = static_cast<char>('0' + group % 10);
    }
    for (auto rest = static_cast<std::uint64_t>(v); rest != 0 || at == end; rest /= 10)
      *--at = static_cast<char>('0' + rest % 10);
    digits.assign(at, end);
  } else if (big_) {
    digits = boost::multiprecision::abs(*big_).str();
  } else if (small_ == std::numeric_limits<std::int64_t>::min()) {
    digits = "9223372036854775808";
  } else {
    digits = std::to_string(small_ < 0 ? -small_ : small_);
  }
  if (scale_ > 0) {
    if (digits.size() <= static_cast<std::size_t>(scale_)) digits.insert(0, static_cast<std::size_t>(scale_) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(scale_), 1, '.');
  }
  if (negative) digits.insert(0, 1, '-');
  return digits;
}

inline double decimal::to_double() const {
  // from_chars, not stod: the nearest double must not depend on the C locale's decimal point
  // (under de_DE, stod read "0.25" as 0, which moved the IRR solvers' starting guess; found by fuzzing).
  const std::string text = to_string();
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec == std::errc::result_out_of_range) {
    // Beyond the doubles: infinity for a huge magnitude, zero for a tiny one, with the sign.
    const bool huge = abs() >= decimal(1);
    value = huge ? std::numeric_limits<double>::infinity() : 0.0;
    return signum() < 0 ? -value : value;
  }
  return value;
}

inline decimal decimal::rounded(int places, rounding mode) const {
  if (places < -max_scale || places > max_scale)
    throw invalid_input("places " + std::to_string(places) + " outside -" + std::to_string(max_scale) + ".." +
                        std::to_string(max_scale));
  if (places >= scale_) {
    if (!big_) {
      std::int64_t c = small_;
      if (detail::mul_pow10(c, places - scale_)) return from_parts(c, places);
    }
    return from_parts(aligned(places), places);
  }
  int drop = scale_ - places;  // digits to remove, > 0
  int out_scale = places < 0 ? 0 : places;
  if (!big_ && drop <= 18 && small_ != std::numeric_limits<std::int64_t>::min()) {
    std::int64_t q = detail::div_round(small_, detail::pow10_i64[drop], mode);
    if (places < 0) {
      if (detail::mul_pow10(q, -places)) return from_parts(q, 0);
      return from_parts(big_int(q) * detail::big_pow10(-places), 0);
    }
    return from_parts(q, out_scale);
  }
  big_int q = detail::div_round(coefficient(), detail::big_pow10(drop), mode);
  if (places < 0) q *= detail::big_pow10(-places);
  return from_parts(q, out_scale);
}

inline decimal decimal::normalized() const {
  if (scale_ == 0) return *this;
  if (!big_) {
    std::int64_t c = small_;
    int s = scale_;
    if (c == 0) return decimal();
    while (s > 0 && c % 10 == 0) {
      c /= 10;
      --s;
    }
    return from_parts(c, s);
  }
  big_int c = *big_;
  int s = scale_;
  while (s > 0) {
    big_int q, r;
    boost::multiprecision::divide_qr(c, big_int(10), q, r);
    if (!r.is_zero()) break;
    c = q;
    --s;
  }
  return from_parts(c, s);
}

inline std::size_t decimal::hash() const {
  decimal n = normalized();
  std::size_t h = n.big_ ? std::hash<std::string>{}(n.big_->str()) : std::hash<std::int64_t>{}(n.small_);
  return h ^ (static_cast<std::size_t>(n.scale_) * 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

namespace detail {
// divide() past its machine-integer path: zero divisors, negative places, big coefficients. Out of
// line (a static member: GCC accepts noinline there without a warning) so that divide() inlines small.
struct division {
  [[gnu::noinline]] static decimal general(const decimal& a, const decimal& b, int places, rounding mode) {
    if (b.is_zero()) throw division_by_zero("division of " + a.to_string() + " by zero");
    if (places < -decimal::max_scale || places > decimal::max_scale)
      throw invalid_input("places " + std::to_string(places) + " outside the allowed range");
    // quotient coefficient q = round(ca * 10^e / cb), e = places + sb - sa
    long long e = static_cast<long long>(places < 0 ? 0 : places) + b.scale() - a.scale();
    int out_scale = places < 0 ? 0 : places;
    big_int num = a.coefficient(), den = b.coefficient();
    if (e >= 0)
      num *= detail::big_pow10(static_cast<int>(e));
    else
      den *= detail::big_pow10(static_cast<int>(-e));
    if (places < 0) {
      // round to a multiple of 10^-places
      den *= detail::big_pow10(-places);
      big_int q = detail::div_round(num, den, mode) * detail::big_pow10(-places);
      return decimal::from_parts(q, 0);
    }
    return decimal::from_parts(detail::div_round(num, den, mode), out_scale);
  }
};
}  // namespace detail

// The common case (64-bit coefficients, places >= 0, the rescaled operands still 64-bit) inline: one
// machine division and the rounding decision. Everything else goes to division::general.
inline decimal divide(const decimal& a, const decimal& b, int places, rounding mode) {
  constexpr auto min64 = std::numeric_limits<std::int64_t>::min();
  if (a.is_small() && b.is_small() && places >= 0 && places <= decimal::max_scale && !b.is_zero()) {
    std::int64_t num = a.small_coefficient(), den = b.small_coefficient();
    int e = places + b.scale() - a.scale();
    bool ok = e >= 0 ? detail::mul_pow10(num, e) : detail::mul_pow10(den, -e);
    if (ok && num != min64 && den != min64) return decimal::from_parts(detail::div_round(num, den, mode), places);
  }
  return detail::division::general(a, b, places, mode);
}


inline decimal operator/(const decimal& a, const decimal& b) {
  if (b.is_zero()) throw division_by_zero("division of " + a.to_string() + " by zero");
  if (a.is_zero()) return decimal();
  // a/b = (ca/cb) * 10^(sb-sa); reduce ca/cb, then the denominator must be 2^p 5^q.
  big_int ca = a.coefficient(), cb = b.coefficient();
  big_int g = boost::multiprecision::gcd(ca, cb);
  big_int n = ca / g, d = cb / g;
  if (d.sign() < 0) {
    n = -n;
    d = -d;
  }
  int p = 0, q = 0;
  while (!boost::multiprecision::bit_test(d, 0)) {
    d >>= 1;
    ++p;
  }
  while (d % 5 == 0) {
    d /= 5;
    ++q;
  }
  if (d != 1)
    throw rounding_needed("quotient " + a.to_string() + " / " + b.to_string() +
                          " has no finite decimal expansion; use divide() with places and a rounding mode");
  int k = std::max(p, q);
  n *= boost::multiprecision::pow(big_int(2), static_cast<unsigned>(k - p)) *
       boost::multiprecision::pow(big_int(5), static_cast<unsigned>(k - q));
  long long exp10 = static_cast<long long>(b.scale()) - a.scale() - k;  // value = n * 10^exp10
  if (exp10 >= 0) return decimal::from_parts(n * detail::big_pow10(static_cast<int>(exp10)), 0);
  if (-exp10 > decimal::max_scale) throw overflow_error("quotient needs more than the maximum scale");
  return decimal::from_parts(n, static_cast<int>(-exp10));
}

}  // namespace stakecalc

template <>
struct std::hash<stakecalc::decimal> {
  std::size_t operator()(const stakecalc::decimal& d) const { return d.hash(); }
};
