// Distribution of proceeds (stakecalc/distribution.hpp): the rules' checks and the split to the
// cent, deductions first, then the net by largest remainder.
#include "stakecalc/distribution.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace stakecalc {

void distribution_rules::validate() const {
  for (std::size_t i = 0; i < deductions.size(); ++i) {
    const auto& d = deductions[i];
    std::string f = "rules.deductions[" + std::to_string(i) + "]";
    if (d.amount.has_value() == d.fraction_of_gross.has_value())
      throw invalid_input("deduction '" + d.name + "' needs exactly one of amount and fraction_of_gross", f);
    if (d.name.empty()) throw invalid_input("a deduction needs a name", f + ".name");
    if (d.amount && d.amount->signum() < 0)
      throw invalid_input("deduction '" + d.name + "' amount " + d.amount->to_string() + " is negative", f + ".amount");
    if (d.fraction_of_gross && (d.fraction_of_gross->signum() < 0 || *d.fraction_of_gross > ratio(1)))
      throw invalid_input("deduction '" + d.name + "' fraction " + d.fraction_of_gross->to_string() +
                              " is outside 0..1",
                          f + ".fraction_of_gross");
  }
  if (shares.empty()) throw invalid_input("no recipients", "rules.shares");
  ratio sum(0), team(0);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const auto& s = shares[i];
    std::string f = "rules.shares[" + std::to_string(i) + "]";
    if (s.name.empty()) throw invalid_input("a recipient needs a name", f + ".name");
    if (!seen.insert(s.name).second) throw invalid_input("recipient '" + s.name + "' appears twice", f + ".name");
    if (s.share.signum() < 0)
      throw invalid_input("share " + s.share.to_string() + " of '" + s.name + "' is negative", f + ".share");
    sum += s.share;
    if (s.is_team) team += s.share;
  }
  if (sum != ratio(1)) throw invalid_input("shares sum to " + sum.to_string() + ", not 1", "rules.shares");
  if (team_floor && (team_floor->signum() < 0 || *team_floor > ratio(1)))
    throw invalid_input("the team floor is a share of net income, 0..1, got " + team_floor->to_string(), "rules.team_floor");
  if (team_floor && team < *team_floor)
    throw domain_rule_error("team shares sum to " + team.to_string() + ", below the floor of " + team_floor->to_string() +
                                " of net income",
                            "rules.team_floor");
}

money distribution_result::total() const {
  money t = money::zero(gross.currency());
  for (const auto& d : deductions) t += d.amount;
  for (const auto& s : shares) t += s.amount;
  return t;
}

distribution_result distribute(const money& gross, const distribution_rules& rules) {
  rules.validate();
  if (gross.signum() < 0) throw invalid_input("gross " + gross.to_string() + " is negative", "gross");
  if (!gross.is_whole_minor_units())
    throw invalid_input("gross " + gross.to_string() + " has more digits than the currency's minor unit", "gross");
  const currency c = gross.currency();
  distribution_result out{gross, {}, gross, {}};
  for (std::size_t i = 0; i < rules.deductions.size(); ++i) {
    const auto& d = rules.deductions[i];
    std::string f = "rules.deductions[" + std::to_string(i) + "]";
    distribution_line line{d.name, money::zero(c), ""};
    if (d.amount) {
      if (d.amount->currency() != c)
        throw currency_mismatch("deduction '" + d.name + "' " + d.amount->to_string() + " is not in " +
                                    std::string(c.code()) + " like the gross",
                                f);
      if (!d.amount->is_whole_minor_units())
        throw invalid_input("deduction '" + d.name + "' " + d.amount->to_string() + " has more digits than the minor unit", f);
      line.amount = *d.amount;
      line.basis = "fixed";
    } else {
      line.amount = gross.times(*d.fraction_of_gross, rules.deduction_rounding);
      line.basis = d.fraction_of_gross->to_string() + " of gross, " + to_string(rules.deduction_rounding);
    }
    out.net -= line.amount;
    if (out.net.signum() < 0)
      throw domain_rule_error("deductions exceed the gross " + gross.to_string() + " at '" + d.name + "'", f);
    out.deductions.push_back(std::move(line));
  }
  std::vector<ratio> weights;
  for (const auto& s : rules.shares) weights.push_back(s.share);
  std::vector<money> parts;
  if (out.net.is_zero()) {
    parts.assign(rules.shares.size(), money::zero(c));
  } else {
    parts = out.net.allocate(weights);
  }
  for (std::size_t i = 0; i < rules.shares.size(); ++i)
    out.shares.push_back(distribution_line{rules.shares[i].name, parts[i],
                                           rules.shares[i].share.to_string() + " of net, largest remainder"});
  return out;
}

}  // namespace stakecalc
