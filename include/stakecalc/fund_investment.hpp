// stakecalc/fund_investment.hpp: the fund's investment that repurchase and equity-to-debt terms
// refer to: the date t0, the amount I and the units U it bought.
//
// Everything downstream prices "a part of the original stake": a tranche of u units has cost
// I * u / U, exactly. Units are whole shares (unit_places 0, joint-stock company) or registered
// capital to the minor unit (unit_places 2 for CNY, limited-liability company).
#pragma once

#include <string>

#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

struct fund_investment {
  date on;              // t0: the money was paid in
  money amount;         // I: positive, a whole number of minor units
  decimal units;        // U: positive, a whole number at unit_places
  int unit_places = 0;  // digits after the point a unit count may have

  stakecalc::currency currency() const { return amount.currency(); }

  // invalid_input naming `where`.<field> and the value.
  void validate(const std::string& where = "investment") const {
    if (on.is_special()) throw invalid_input("not a calendar date", where + ".on");
    if (amount.signum() <= 0)
      throw invalid_input("the investment must be positive, got " + amount.to_string(), where + ".amount");
    if (!amount.is_whole_minor_units())
      throw invalid_input(amount.to_string() + " is not a whole number of minor units", where + ".amount");
    if (unit_places < 0 || unit_places > 18)
      throw invalid_input("unit places must be 0..18, got " + std::to_string(unit_places), where + ".unit_places");
    if (units.signum() <= 0) throw invalid_input("units must be positive, got " + units.to_string(), where + ".units");
    if (!is_whole_units(units))
      throw invalid_input(units.to_string() + " is not a whole number of units (" + std::to_string(unit_places) +
                              " places)",
                          where + ".units");
  }

  bool is_whole_units(const decimal& u) const {
    return u.scale() <= unit_places || u.normalized().scale() <= unit_places;
  }
  // u / U, exact.
  ratio share_of_stake(const decimal& u) const { return ratio(u) / ratio(units); }
  // I * u / U, exact: the cost of a part of the stake.
  ratio cost_of(const decimal& u) const { return ratio(amount.amount()) * share_of_stake(u); }
};

}  // namespace stakecalc
