// stakecalc/distribution.hpp: splitting what the platform receives among its beneficiaries.
//
// Gross proceeds (a dividend, a sale) first pay the agreed deductions in order (costs, a platform
// fee: fixed amounts or fractions of the gross, each rounded once with the rule's mode), then the
// net is split by the agreed shares with the largest-remainder method, so the lines reconcile to
// the gross to the cent. China's Law on Promoting the Transformation of Scientific and
// Technological Achievements rewards the team with at least 50% of the net income where no
// agreement says otherwise: `team_floor` expresses such a floor and validate() enforces it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stakecalc/money.hpp"
#include "stakecalc/ratio.hpp"
#include "stakecalc/rounding.hpp"

namespace stakecalc {

struct deduction {
  std::string name;                          // "legal costs", "platform fee"
  std::optional<money> amount;               // a fixed amount, or
  std::optional<ratio> fraction_of_gross;    // a fraction of the gross (exactly one of the two)
};

struct recipient_share {
  std::string name;  // "institution", "department", "team reward pool"
  ratio share;       // of the net
  bool is_team = false;
};

struct distribution_rules {
  std::vector<deduction> deductions;
  std::vector<recipient_share> shares;  // must sum to exactly 1
  std::optional<ratio> team_floor;      // the team's shares must sum to at least this
  rounding deduction_rounding = rounding::half_up;

  // The statutory default: at least half of the net to the team; the rest to the institution.
  // `team_share` (default 1/2) may be larger, never smaller.
  static distribution_rules china_statutory_default(const std::string& institution, const std::string& team,
                                                    std::vector<deduction> deductions = {},
                                                    const ratio& team_share = ratio(1, 2));
  // invalid_input / domain_rule_error naming "rules.<field>" and the value.
  void validate() const;
};

struct distribution_line {
  std::string name;
  money amount;
  std::string basis;  // "fixed", "1/50 of gross", "3/10 of net"
};

struct distribution_result {
  money gross;
  std::vector<distribution_line> deductions;
  money net;
  std::vector<distribution_line> shares;
  // Deductions plus shares: always equal to gross.
  money total() const;
};

distribution_result distribute(const money& gross, const distribution_rules& rules);

}  // namespace stakecalc
