// stakecalc/ratio.hpp: exact fractions for ownership shares and day-count year fractions.
//
// A ratio is always in lowest terms with a positive denominator. It meets decimal exactly:
// decimal * ratio is a ratio, and a ratio becomes a decimal only through round(), once, at the
// point a contract names (181/360 of a year stays 181/360 until the interest is rounded).
//
// Representation: almost every ratio a contract produces (181/360, 1,333,333/10,000,000, a price
// over a day count) has a numerator and a denominator that fit 64 bits. Those are held as two
// machine integers and combined in 128-bit arithmetic, reducing with gcds of the operands' parts
// first (Knuth, TAOCP 4.5.1) so that intermediate products stay small; only a result that does not
// fit 64 bits moves to an arbitrary-precision rational, and it comes back as soon as it fits again.
// The representation is canonical (a value that fits is always held small), so equality compares
// fields, and nothing about it is visible through the interface.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include "stakecalc/decimal.hpp"

namespace stakecalc {

using big_rational = boost::multiprecision::number<
    boost::multiprecision::rational_adaptor<boost::multiprecision::cpp_int_backend<>>, boost::multiprecision::et_off>;

namespace detail {

// __extension__: the GCC/Clang 128-bit integers, without -Wpedantic's complaint.
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

inline int128 abs128(int128 v) noexcept { return v < 0 ? -v : v; }

// Trailing zero bits of a nonzero word, for binary_gcd.
inline int trailing_zeros(std::uint64_t v) noexcept { return __builtin_ctzll(v); }
inline int trailing_zeros(uint128 v) noexcept {
  auto low = static_cast<std::uint64_t>(v);
  return low != 0 ? __builtin_ctzll(low) : 64 + __builtin_ctzll(static_cast<std::uint64_t>(v >> 64));
}

// Binary gcd (Stein): shifts and subtractions, no division, which is slow on 128 bits and not
// fast on 64.
template <class U>
U binary_gcd(U x, U y) noexcept {
  if (x == 0) return y;
  if (y == 0) return x;
  int shift = trailing_zeros(static_cast<U>(x | y));
  x >>= trailing_zeros(x);
  do {
    y >>= trailing_zeros(y);
    if (x > y) std::swap(x, y);
    y -= x;
  } while (y != 0);
  return static_cast<U>(x << shift);
}

// gcd of magnitudes up to 2^127 - 1.
inline int128 gcd128(int128 a, int128 b) noexcept {
  return static_cast<int128>(binary_gcd(static_cast<uint128>(abs128(a)), static_cast<uint128>(abs128(b))));
}

// gcd of two magnitudes below 2^64, on machine words: several times faster than on 128 bits.
// Operands of a sum or product of small ratios are 64-bit, so this is the gcd almost every ratio
// operation runs.
inline std::uint64_t gcd64(std::uint64_t x, std::uint64_t y) noexcept { return binary_gcd(x, y); }
inline std::uint64_t magnitude(std::int64_t v) noexcept {
  return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

// A value that fits the fast path: |v| <= INT64_MAX (INT64_MIN is excluded so that negation and
// absolute values never overflow).
inline bool fits_small(int128 v) noexcept {
  return v <= std::numeric_limits<std::int64_t>::max() && v >= -std::numeric_limits<std::int64_t>::max();
}

inline big_int to_big(int128 v) {
  bool negative = v < 0;
  auto m = static_cast<uint128>(negative ? -v : v);
  big_int r = big_int(static_cast<std::uint64_t>(m >> 64));
  r <<= 64;
  r += big_int(static_cast<std::uint64_t>(m));
  return negative ? big_int(-r) : r;
}

// Rounded integer quotient num / den (den > 0) under `mode`, in 128 bits; |num| < 2^127.
inline int128 div_round_128(int128 num, int128 den, rounding mode) {
  int128 q = num / den;
  int128 r = num % den;
  if (r == 0) return q;
  bool negative = num < 0;
  int128 ar = abs128(r);
  int128 rest = den - ar;  // compare ar with den/2 without overflow
  int cmp_half = ar < rest ? -1 : (ar > rest ? 1 : 0);
  if (round_away_from_zero(mode, negative, true, cmp_half, (q & 1) != 0)) q += negative ? -1 : 1;
  return q;
}

}  // namespace detail

class ratio {
public:
  ratio() = default;
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  ratio(I value) {  // NOLINT(google-explicit-constructor)
    if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(std::int64_t)) {
      if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        set_big(big_rational(big_int(value)));
        return;
      }
    } else if constexpr (std::is_signed_v<I> && sizeof(I) >= sizeof(std::int64_t)) {
      if (value == std::numeric_limits<I>::min()) {
        set_big(big_rational(big_int(value)));
        return;
      }
    }
    num_ = static_cast<std::int64_t>(value);
  }
  ratio(const big_int& numerator, const big_int& denominator) {
    if (denominator.is_zero()) throw division_by_zero("ratio " + numerator.str() + "/0 has a zero denominator");
    // Boost's rational wants a positive denominator; the sign goes to the numerator.
    if (denominator.sign() < 0)
      assign(big_rational(big_int(-numerator), big_int(-denominator)));
    else
      assign(big_rational(numerator, denominator));
  }
  template <class I, class J,
            std::enable_if_t<std::is_integral_v<I> && std::is_integral_v<J> && !std::is_same_v<I, bool>, int> = 0>
  ratio(I numerator, J denominator) {
    if constexpr (sizeof(I) <= sizeof(std::int64_t) && sizeof(J) <= sizeof(std::int64_t) &&
                  !(std::is_unsigned_v<I> && sizeof(I) == sizeof(std::int64_t)) &&
                  !(std::is_unsigned_v<J> && sizeof(J) == sizeof(std::int64_t))) {
      if (denominator == 0)
        throw division_by_zero("ratio " + std::to_string(numerator) + "/0 has a zero denominator");
      set_reduced(static_cast<detail::int128>(numerator), static_cast<detail::int128>(denominator));
    } else {
      *this = ratio(big_int(numerator), big_int(denominator));
    }
  }
  // The exact value of a decimal: 0.035 is 7/200.
  explicit ratio(const decimal& d) {
    if (d.is_small() && d.scale() <= 18)
      set_reduced(d.small_coefficient(), detail::pow10_i64[d.scale()]);
    else
      assign(big_rational(d.coefficient(), detail::big_pow10(d.scale())));
  }
  explicit ratio(const big_rational& v) { assign(v); }
  ratio(double) = delete;
  ratio(float) = delete;

  ratio(const ratio& o) : num_(o.num_), den_(o.den_), big_(o.big_ ? std::make_unique<big_rational>(*o.big_) : nullptr) {}
  ratio(ratio&&) noexcept = default;
  ratio& operator=(const ratio& o) {
    if (this != &o) {
      num_ = o.num_;
      den_ = o.den_;
      big_ = o.big_ ? std::make_unique<big_rational>(*o.big_) : nullptr;
    }
    return *this;
  }
  ratio& operator=(ratio&&) noexcept = default;
  ~ratio() = default;

  // Parses "181/360", "3", "-0.25" (a decimal), with invalid_input naming `where` on bad text.
  static ratio parse(std::string_view text, const std::string& where = "ratio") {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return ratio(decimal::parse(text, where));
    decimal n = decimal::parse(text.substr(0, slash), where);
    decimal d = decimal::parse(text.substr(slash + 1), where);
    if (d.is_zero()) throw invalid_input("zero denominator in '" + std::string(text) + "'", where);
    return ratio(n) / ratio(d);
  }

  // The 64-bit representation, when the value has one (no big rational behind it): the
  // numerator and the positive denominator in lowest terms. For fast paths that must not build a
  // big_int only to read two machine words.
  bool is_small() const noexcept { return !big_; }
  std::int64_t small_numerator() const noexcept { return num_; }
  std::int64_t small_denominator() const noexcept { return den_; }

  big_int numerator() const { return big_ ? boost::multiprecision::numerator(*big_) : big_int(num_); }
  big_int denominator() const { return big_ ? boost::multiprecision::denominator(*big_) : big_int(den_); }
  big_rational value() const { return big_ ? *big_ : big_rational(big_int(num_), big_int(den_)); }
  int signum() const { return big_ ? big_->sign() : (num_ > 0) - (num_ < 0); }
  bool is_zero() const { return !big_ && num_ == 0; }

  // "181/360", or "3" when the denominator is 1.
  std::string to_string() const {
    if (!big_) return den_ == 1 ? std::to_string(num_) : std::to_string(num_) + "/" + std::to_string(den_);
    big_int d = denominator();
    return d == 1 ? numerator().str() : numerator().str() + "/" + d.str();
  }

  // The nearest decimal with `places` digits after the point under `mode`: the one rounding.
  decimal round(int places, rounding mode) const {
    if (!big_ && places >= 0 && places <= 18) {
      std::int64_t scaled = num_;
      if (detail::mul_pow10(scaled, places) && scaled != std::numeric_limits<std::int64_t>::min())
        return decimal::from_parts(detail::div_round(scaled, den_, mode), places);  // 64 bits: the common case
      // |num| x 10^18 < 2^63 x 2^60 < 2^127: the scaled numerator always fits 128 bits.
      detail::int128 q = detail::div_round_128(static_cast<detail::int128>(num_) * detail::pow10_i64[places], den_, mode);
      if (detail::fits_small(q)) return decimal::from_parts(static_cast<std::int64_t>(q), places);
      return decimal::from_parts(detail::to_big(q), places);
    }
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

  ratio operator-() const {
    if (!big_) return from_small(-num_, den_);  // num_ != INT64_MIN
    return ratio(big_rational(-*big_));
  }
  friend ratio operator+(const ratio& a, const ratio& b) {
    if (!a.big_ && !b.big_) return sum(a.num_, a.den_, b.num_, b.den_);
    return ratio(big_rational(a.value() + b.value()));
  }
  friend ratio operator-(const ratio& a, const ratio& b) {
    if (!a.big_ && !b.big_) return sum(a.num_, a.den_, -b.num_, b.den_);
    return ratio(big_rational(a.value() - b.value()));
  }
  friend ratio operator*(const ratio& a, const ratio& b) {
    if (!a.big_ && !b.big_) return product(a.num_, a.den_, b.num_, b.den_);
    return ratio(big_rational(a.value() * b.value()));
  }
  friend ratio operator/(const ratio& a, const ratio& b) {
    if (b.is_zero()) throw division_by_zero("division of " + a.to_string() + " by a zero ratio");
    if (!a.big_ && !b.big_) {
      // Multiply by the reciprocal, its sign on the numerator (b.num_ != INT64_MIN, so -b.num_ fits).
      return b.num_ > 0 ? product(a.num_, a.den_, b.den_, b.num_) : product(a.num_, a.den_, -b.den_, -b.num_);
    }
    return ratio(big_rational(a.value() / b.value()));
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

  // Canonical: a value that fits is always small, so a small and a big ratio are never equal.
  friend bool operator==(const ratio& a, const ratio& b) {
    if (!a.big_ && !b.big_) return a.num_ == b.num_ && a.den_ == b.den_;
    if (a.big_ && b.big_) return *a.big_ == *b.big_;
    return false;
  }
  friend bool operator!=(const ratio& a, const ratio& b) { return !(a == b); }
  friend bool operator<(const ratio& a, const ratio& b) { return compare(a, b) < 0; }
  friend bool operator<=(const ratio& a, const ratio& b) { return compare(a, b) <= 0; }
  friend bool operator>(const ratio& a, const ratio& b) { return compare(a, b) > 0; }
  friend bool operator>=(const ratio& a, const ratio& b) { return compare(a, b) >= 0; }

  friend std::ostream& operator<<(std::ostream& os, const ratio& r) { return os << r.to_string(); }

private:
  static ratio from_small(std::int64_t num, std::int64_t den) {
    ratio r;
    r.num_ = num;
    r.den_ = den;
    return r;
  }

  // num / den in lowest terms, den != 0, |num| and |den| < 2^127.
  void set_reduced(detail::int128 num, detail::int128 den) {
    if (den < 0) {
      num = -num;
      den = -den;
    }
    if (detail::fits_small(num) && detail::fits_small(den)) {
      // The usual case (a decimal, a day count over a basis): 64-bit gcd and division.
      auto n = static_cast<std::int64_t>(num), d = static_cast<std::int64_t>(den);
      const auto g = static_cast<std::int64_t>(detail::gcd64(detail::magnitude(n), static_cast<std::uint64_t>(d)));
      if (g > 1) {
        n /= g;
        d /= g;
      }
      num_ = n;
      den_ = d;
      big_.reset();
      return;
    }
    detail::int128 g = detail::gcd128(num, den);
    if (g > 1) {
      num /= g;
      den /= g;
    }
    set_lowest(num, den);
  }
  // num / den already in lowest terms with den > 0.
  void set_lowest(detail::int128 num, detail::int128 den) {
    if (detail::fits_small(num) && detail::fits_small(den)) {
      num_ = static_cast<std::int64_t>(num);
      den_ = static_cast<std::int64_t>(den);
      big_.reset();
    } else {
      set_big(big_rational(detail::to_big(num), detail::to_big(den)));
    }
  }
  void set_big(big_rational v) {
    num_ = 0;
    den_ = 1;
    big_ = std::make_unique<big_rational>(std::move(v));
  }
  // Any value: held small when it fits.
  void assign(big_rational v) {
    const big_int& n = boost::multiprecision::numerator(v);
    const big_int& d = boost::multiprecision::denominator(v);
    if (n >= -detail::int64_max_big() && n <= detail::int64_max_big() && d <= detail::int64_max_big()) {
      num_ = static_cast<std::int64_t>(n);
      den_ = static_cast<std::int64_t>(d);
      big_.reset();
    } else {
      set_big(std::move(v));
    }
  }

  // a/b + c/d with b, d > 0 and both in lowest terms (|a|, |c| <= INT64_MAX, so negating c is safe).
  // The gcds and quotients run on 64-bit words (128-bit division is a library call); only the
  // cross products need 128 bits.
  static ratio sum(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
    ratio r;
    if (b == d) {
      // Common in a schedule (amounts over one power of ten): (a + c) / b, then reduce.
      // |a + c| <= 2^64 - 2: its magnitude is one machine word.
      const detail::int128 t = static_cast<detail::int128>(a) + c;
      std::uint64_t m = static_cast<std::uint64_t>(detail::abs128(t));
      const std::uint64_t g = detail::gcd64(m, static_cast<std::uint64_t>(b));  // b when t = 0: 0/1
      m /= g;
      r.set_lowest(t < 0 ? -static_cast<detail::int128>(m) : static_cast<detail::int128>(m),
                   b / static_cast<std::int64_t>(g));
      return r;
    }
    const auto g = static_cast<std::int64_t>(detail::gcd64(static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(d)));
    if (g == 1) {
      // gcd(ad + bc, bd) = 1 when a/b and c/d are in lowest terms and gcd(b, d) = 1.
      r.set_lowest(static_cast<detail::int128>(a) * d + static_cast<detail::int128>(b) * c,
                   static_cast<detail::int128>(b) * d);
      return r;
    }
    const std::int64_t bg = b / g, dg = d / g;
    detail::int128 t = static_cast<detail::int128>(a) * dg + static_cast<detail::int128>(c) * bg;  // |t| < 2^127
    // gcd(t, g) = gcd(t mod g, g); t mod g by 128-bit remainder only when t does not fit 64 bits.
    std::uint64_t t_mod_g = detail::fits_small(t) ? detail::magnitude(static_cast<std::int64_t>(t)) % static_cast<std::uint64_t>(g)
                                                   : static_cast<std::uint64_t>(detail::abs128(t) % g);
    const auto g2 = static_cast<std::int64_t>(detail::gcd64(t_mod_g, static_cast<std::uint64_t>(g)));
    if (g2 > 1) t = detail::fits_small(t) ? static_cast<std::int64_t>(t) / g2 : t / g2;
    r.set_lowest(t, static_cast<detail::int128>(bg) * (d / g2));
    return r;
  }
  // (a/b) x (c/d) with b, d > 0 and both in lowest terms: cancel across (Knuth) on 64-bit words,
  // then one 128-bit product each way.
  static ratio product(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
    ratio r;
    const auto g1 = static_cast<std::int64_t>(detail::gcd64(detail::magnitude(a), static_cast<std::uint64_t>(d)));
    const auto g2 = static_cast<std::int64_t>(detail::gcd64(detail::magnitude(c), static_cast<std::uint64_t>(b)));
    if (g1 > 1) {
      a /= g1;
      d /= g1;
    }
    if (g2 > 1) {
      c /= g2;
      b /= g2;
    }
    r.set_lowest(static_cast<detail::int128>(a) * c, static_cast<detail::int128>(b) * d);
    return r;
  }
  static int compare(const ratio& a, const ratio& b) {
    if (!a.big_ && !b.big_) {
      detail::int128 x = static_cast<detail::int128>(a.num_) * b.den_, y = static_cast<detail::int128>(b.num_) * a.den_;
      return (x > y) - (x < y);
    }
    big_rational x = a.value(), y = b.value();
    return (x > y) - (x < y);
  }

  // The value is num_/den_ (lowest terms, den_ > 0, both within +-INT64_MAX) unless big_ is set.
  std::int64_t num_ = 0;
  std::int64_t den_ = 1;
  std::unique_ptr<big_rational> big_;
};

}  // namespace stakecalc
