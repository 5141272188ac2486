// stakecalc/error.hpp: the one exception family every part of stakecalc throws.
//
// Messages are short and lower-case, say what was wrong, where (a field name or a JSON pointer)
// and the offending value, so that a user can fix a contract file without reading our source.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace stakecalc {

// The base of everything stakecalc throws. `where()` is the field, argument or JSON pointer the
// problem was found at (empty when the caller did not say).
class error : public std::runtime_error {
public:
  explicit error(const std::string& what, std::string where = {})
      : std::runtime_error(where.empty() ? what : where + ": " + what), where_(std::move(where)) {}
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
