// stakecalc/repayment_type.hpp: how a loan's principal is repaid.
//
//   BULLET            interest each period, all principal at maturity (ACTUS PAM, 先息后本);
//   EQUAL_PRINCIPAL   the same principal each period plus interest on the balance, so instalments
//                     fall over time (ACTUS LAM, 等额本金);
//   ANNUITY           equal instalments of principal and interest, recomputed after each rate
//                     reset (ACTUS ANN, 等额本息);
//   EXPLICIT          principal repaid on listed dates in listed amounts, the rest at maturity.
// An interest-only grace period before amortising is a property of the loan, not a type.
#pragma once

#include <array>
#include <cctype>
#include <string>
#include <string_view>

#include "stakecalc/error.hpp"
#include "stakecalc/detail/name_key.hpp"

namespace stakecalc {

enum class repayment_type { bullet, equal_principal, annuity, explicit_schedule };

inline constexpr std::array<std::string_view, 4> repayment_type_names = {"BULLET", "EQUAL_PRINCIPAL", "ANNUITY",
                                                                           "EXPLICIT"};

inline constexpr std::string_view to_string_view(repayment_type t) noexcept {
  return repayment_type_names[static_cast<std::size_t>(t)];
}
inline std::string to_string(repayment_type t) { return std::string(to_string_view(t)); }

// The names above, case not significant, '-' or ' ' for '_'; also the Chinese terms 先息后本,
// 等额本金 and 等额本息, and ACTUS's contract types PAM, LAM and ANN.
inline repayment_type parse_repayment_type(std::string_view name, const std::string& where = "repayment") {
  const std::string key = detail::name_key(name);
  for (std::size_t i = 0; i < repayment_type_names.size(); ++i)
    if (repayment_type_names[i] == key) return static_cast<repayment_type>(i);
  if (key == "PAM" || key == "先息后本") return repayment_type::bullet;
  if (key == "LAM" || key == "等额本金") return repayment_type::equal_principal;
  if (key == "ANN" || key == "等额本息") return repayment_type::annuity;
  throw invalid_input("unknown repayment type '" + std::string(name.substr(0, 40)) +
                          "' (expected BULLET, EQUAL_PRINCIPAL, ANNUITY or EXPLICIT)",
                      where);
}

}  // namespace stakecalc
