// stakecalc/error.hpp: the one exception family every part of stakecalc throws.
//
// Messages are short and lower-case, say what was wrong, where (a field name or a JSON pointer)
// and the offending value, so that a user can fix a contract file without reading our source.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace stakecalc {

namespace detail {

// `text` with every byte that does not belong to a well-formed UTF-8 sequence replaced by U+FFFD.
// Messages quote what the user wrote, cut to a length or byte by byte; a cut through a multi-byte
// character (a currency sign, a Chinese name) must not make the message itself undecodable, which
// Python's str() of the exception would turn into a UnicodeDecodeError (found by fuzzing).
inline std::string valid_utf8(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = length > 0 && i + length <= n;
    unsigned long code = length == 1 ? c : length == 2 ? (c & 0x1Fu) : length == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; ok && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      ok = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3Fu);
    }
    // No overlong forms, no surrogates, nothing past U+10FFFF.
    if (ok && length == 2) ok = code >= 0x80;
    if (ok && length == 3) ok = code >= 0x800 && (code < 0xD800 || code > 0xDFFF);
    if (ok && length == 4) ok = code >= 0x10000 && code <= 0x10FFFF;
    if (ok) {
      out.append(text, i, length);
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

}  // namespace detail

// The base of everything stakecalc throws. `where()` is the field, argument or JSON pointer the
// problem was found at (empty when the caller did not say).
class error : public std::runtime_error {
public:
  explicit error(const std::string& what, std::string where = {})
      : std::runtime_error(detail::valid_utf8(where.empty() ? what : where + ": " + what)),
        where_(detail::valid_utf8(where)) {}
  const std::string& where() const noexcept { return where_; }

private:
  std::string where_;
};

// Input that cannot be what the caller meant: malformed text, a negative amount where none is
// allowed, an unknown name. Python maps it to a ValueError.
class invalid_input : public error {
public:
  using error::error;
};

// Well-formed input that breaks a rule of the domain: currencies mixed, a transfer of more
// units than are held, a tranche outside every window.
class domain_rule_error : public error {
public:
  using error::error;
};

// Amounts of two different currencies met in one operation.
class currency_mismatch : public domain_rule_error {
public:
  using domain_rule_error::domain_rule_error;
};

// Arithmetic that cannot give an exact, in-range answer. Python maps these to ArithmeticError.
class arithmetic_error : public error {
public:
  using error::error;
};
class overflow_error : public arithmetic_error {
public:
  using arithmetic_error::arithmetic_error;
};
class division_by_zero : public arithmetic_error {
public:
  using arithmetic_error::arithmetic_error;
};
// Rounding mode UNNECESSARY met a value that needs rounding, or an exact operation (such as
// exact division) has no finite decimal result.
class rounding_needed : public arithmetic_error {
public:
  using arithmetic_error::arithmetic_error;
};
// An equation (an IRR, a rate) has no solution in the domain searched.
class no_solution : public arithmetic_error {
public:
  using arithmetic_error::arithmetic_error;
};

// Precondition check in the QuantLib style: STAKECALC_REQUIRE(cond, invalid_input, "message").
#define STAKECALC_REQUIRE(cond, kind, ...)                                                        \
  do {                                                                                            \
    if (!(cond)) throw kind(__VA_ARGS__);                                                         \
  } while (false)

}  // namespace stakecalc
