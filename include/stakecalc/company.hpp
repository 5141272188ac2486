// stakecalc/company.hpp: a company on the cap table, its legal form and share classes.
//
// The legal form decides what a "unit" of ownership is. In a limited-liability company (有限责任公司)
// ownership is registered capital (出资额), an amount of money: a unit count such as 1234567.89 is
// yuan of registered capital, so units carry the currency's minor-unit places. In a joint-stock
// company (股份有限公司) ownership is whole shares, each with a par value. Both are kept as a decimal
// unit count with a fixed number of places (unit_places), so one ledger handles both.
#pragma once

#include <string>
#include <string_view>

#include "stakecalc/currency.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/error.hpp"

namespace stakecalc {

enum class legal_form { limited_liability, joint_stock };

inline std::string to_string(legal_form f) {
  return f == legal_form::limited_liability ? "limited_liability" : "joint_stock";
}
inline legal_form parse_legal_form(std::string_view text, const std::string& where = "legal_form") {
  if (text == "limited_liability") return legal_form::limited_liability;
  if (text == "joint_stock") return legal_form::joint_stock;
  throw invalid_input("unknown legal form '" + std::string(text) + "' (expected limited_liability or joint_stock)",
                      where);
}

// Common and preferred units count alike for ownership fractions (the cap table shows both); a
// dividend may be declared on one class only, which is where the class matters here.
enum class share_class { common, preferred };

inline std::string to_string(share_class c) { return c == share_class::common ? "common" : "preferred"; }
inline share_class parse_share_class(std::string_view text, const std::string& where = "share_class") {
  if (text == "common") return share_class::common;
  if (text == "preferred") return share_class::preferred;
  throw invalid_input("unknown share class '" + std::string(text) + "' (expected common or preferred)", where);
}

struct company {
  std::string id;    // the ledger's key, e.g. "hefei-quantum"
  std::string name;  // for reports
  legal_form form = legal_form::limited_liability;
  stakecalc::currency currency;  // units and every amount of this company are in it
  // Par value of one share (joint-stock only): share capital is shares * par_value.
  decimal par_value = decimal(1);

  // Digits after the point a unit count may have: registered capital is money to the minor unit
  // (fen for CNY, none for JPY); shares are whole.
  int unit_places() const { return form == legal_form::limited_liability ? currency.minor_units() : 0; }

  // True when `units` is a whole number of the smallest unit (a fen of capital, one share).
  bool is_whole_units(const decimal& units) const {
    return units.scale() <= unit_places() || units.normalized().scale() <= unit_places();
  }
};

}  // namespace stakecalc
