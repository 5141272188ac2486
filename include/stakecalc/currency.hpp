// stakecalc/currency.hpp: ISO 4217 currencies with their minor units.
//
// A currency is a cheap value (a pointer to an entry of the built-in table); two currencies are
// equal when their codes are. The table lives in src/currency.cpp.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/error.hpp"

namespace stakecalc {

struct currency_info {
  const char* code;    // "CNY"
  int numeric;         // 156
  int minor_units;     // 2: amounts are rounded to 0.01
  const char* name;    // "Yuan Renminbi"
};

// Every currency the library knows, in code order.
const std::vector<currency_info>& currency_table();

class currency {
public:
  // The yuan renminbi: the zone's home currency and the default throughout (looked up once: every
  // default money, and a sweep's rows hold several, made one before).
  currency() : currency(home()) {}
  // Looks a code up (upper case, as ISO 4217 spells it); invalid_input for unknown codes.
  static currency of(std::string_view code, const std::string& where = "currency");

  std::string_view code() const noexcept { return info_->code; }
  int numeric() const noexcept { return info_->numeric; }
  int minor_units() const noexcept { return info_->minor_units; }
  std::string_view name() const noexcept { return info_->name; }

  friend bool operator==(currency a, currency b) noexcept { return a.info_ == b.info_; }
  friend bool operator!=(currency a, currency b) noexcept { return a.info_ != b.info_; }
  friend std::ostream& operator<<(std::ostream& os, currency c) { return os << c.code(); }

private:
  explicit currency(const currency_info* info) : info_(info) {}
  static currency home();
  const currency_info* info_;
};

}  // namespace stakecalc
