// stakecalc/ledger.hpp: the dated events of every company's equity, the single source of truth.
//
// Each event is validated when it is recorded and applied whole or not at all: a refused event
// throws (invalid_input, domain_rule_error or currency_mismatch, the message naming the event's
// index, the field and the value) and leaves the ledger exactly as it was. Events of one company
// must come in date order (same-day events keep the order recorded); companies are independent.
//
// Point-in-time queries do not replay the ledger: each company keeps its own event list and a
// checkpoint of its cap table every `checkpoint_interval` events, so a query finds the last
// event on or before the date by binary search and replays at most that many events from the
// nearest checkpoint. Query cost depends on neither the number of companies nor the number of
// events before the checkpoint.
//
// Rounding rules (each stated once, here):
// - limited liability, new units = C_pre * m / PRE per subscriber, rounded DOWN to the minor unit
//   of registered capital; the rest of m (m - units) goes to capital reserve.
// - joint stock, price per share p = PRE / shares_pre (exact); shares = floor(m / p); the
//   remainder m - shares * p is either kept by the company as capital reserve (the default) or
//   refunded to the subscriber, rounded DOWN to the minor unit (the company keeps under one cent).
// - units split between holders by agreed ratios: largest remainder (allocate), so none is lost.
// - cost removed on a disposal: weighted average, half-even to the minor unit (see cap_table.hpp).
// - dividends: allocate over every lot in proportion to units, so the parts sum to the dividend.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "stakecalc/cap_table.hpp"
#include "stakecalc/company.hpp"
#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/holder.hpp"
#include "stakecalc/money.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc {

// A party and its agreed share (team members' internal split, a platform's beneficiaries, the
// recipients of an exiting holder's units). Shares in one list must sum to exactly 1.
struct share_of {
  std::string id;
  ratio share;
};

// Units taken up for money at incorporation (a founder's subscription).
struct subscription {
  std::string holder;
  decimal units;
  money paid;
  share_class cls = share_class::common;
  std::vector<share_of> on_behalf_of{};  // required when the holder is a platform
};

struct incorporation {
  stakecalc::company company;
  std::vector<subscription> subscriptions{};  // may be empty when a contribution follows
};

// 作价入股: an achievement appraised at `appraised_value` becomes capital. Into a company with no
// units yet it is issued at par (limited liability: registered capital = the value; joint stock:
// value / par shares, rounded down, the remainder to capital reserve); otherwise at
// `pre_money`, priced like a financing round. The issued units are split team / institution by
// `team_share`, the team's part among `team_members` by their shares, and the institution's part
// registered to `platform` on the institution's behalf. Each holder's cost is its part of the
// appraised value, split like the units.
struct achievement_contribution {
  std::string company_id;
  money appraised_value;
  ratio team_share;
  std::vector<share_of> team_members;
  std::string institution;
  std::string platform;
  std::optional<money> pre_money{};
  share_class cls = share_class::common;
};

enum class remainder_rule { capital_reserve, refund };

struct investment {
  std::string holder;
  money amount;
  std::vector<share_of> on_behalf_of{};  // when the investor is a platform
};

// New money at a pre-money valuation or at a price per unit (exactly one of the two).
struct financing_round {
  std::string company_id;
  std::string label;  // "series a"
  std::optional<money> pre_money{};
  std::optional<money> price_per_unit{};
  std::vector<investment> investments{};
  share_class cls = share_class::common;
  remainder_rule remainder = remainder_rule::capital_reserve;  // joint stock only
};

// A sale of units between two holders for `price` (the total paid).
struct transfer {
  std::string company_id;
  std::string seller;
  std::string buyer;
  decimal units;
  money price;
  share_class cls = share_class::common;
  std::vector<share_of> buyer_on_behalf_of{};  // when the buyer is a platform
};

// One purchase in a repurchase: `buyer` is a team member, or empty for the company itself.
struct purchase {
  std::string buyer;
  decimal units;
  money price;
};

// 回购: team members buy the seller's units, or the company buys them back and cancels them
// (which is a capital reduction: registered capital falls by the units cancelled).
struct repurchase {
  std::string company_id;
  std::string seller;
  std::vector<purchase> purchases;
  share_class cls = share_class::common;
};

struct reduction {
  std::string holder;
  decimal units;
  money payment;  // paid back to the holder
  share_class cls = share_class::common;
};

// 减资: units cancelled and paid back to their holders.
struct capital_reduction {
  std::string company_id;
  std::vector<reduction> reductions;
};

// Every holding multiplied by `factor` (2 for a two-for-one split). Each result must be a whole
// number of units; costs are unchanged and the mark price is divided by the factor.
struct share_split {
  std::string company_id;
  ratio factor;
};

// A cash dividend allocated by units over every holder (or every holder of one class).
struct dividend {
  std::string company_id;
  money amount;
  std::optional<share_class> cls{};
};

// 股转债: `holder` leaves the cap table; its claim `principal` becomes a debt. Its units go to
// `recipients` by their shares (who, as debtors, take the principal as their cost in the same
// shares), or are cancelled when there are no recipients (the company is the debtor).
struct equity_to_debt_exit {
  std::string company_id;
  std::string holder;
  money principal;
  std::vector<share_of> recipients{};
};

using event_body = std::variant<incorporation, achievement_contribution, financing_round, transfer, repurchase,
                                capital_reduction, share_split, dividend, equity_to_debt_exit>;

struct event {
  date on;
  event_body body;
  std::string note{};  // free text for the audit trail

  const std::string& company_id() const;
  std::string kind() const;  // "incorporation", "transfer", ...
};

// A change to one lot caused by one event, for a holder's history.
struct movement {
  std::size_t event_index = 0;
  date on;
  std::string kind;  // the event's kind
  std::string company_id;
  std::string holder;
  share_class cls = share_class::common;
  std::string beneficiary;  // platform lots only
  decimal units_change;
  decimal units_after;
  money cash;  // paid (negative) or received (positive) by the holder in this event
  money realised_gain;
};

class ledger {
public:
  static constexpr std::size_t checkpoint_interval = 32;

  ledger() = default;

  // Registers a holder; ids are unique, a platform's beneficiaries are registered institutions.
  void add_holder(holder h);
  const holder& find_holder(const std::string& id) const;  // invalid_input when unknown
  bool has_holder(const std::string& id) const { return holders_.count(id) != 0; }
  std::vector<holder> holders() const;

  // Validates and applies the event; returns its index. Throws and changes nothing when refused.
  std::size_t record(event e);
  const std::vector<event>& events() const { return events_; }
  std::size_t size() const { return events_.size(); }

  // Rebuilds a ledger from its holders and events, validating each in order.
  static ledger replay(const std::vector<holder>& holders, const std::vector<event>& events);

  std::vector<std::string> company_ids() const;
  bool has_company(const std::string& id) const { return companies_.count(id) != 0; }
  // The cap table after every event of the company dated on or before `on`.
  cap_table cap_table_on(const std::string& company_id, const date& on) const;
  // After all of the company's events.
  const cap_table& current(const std::string& company_id) const;

  // Every change to the holder's lots, in event order.
  std::vector<movement> holder_history(const std::string& holder_id) const;
  // Companies in which the holder has ever had a position.
  std::vector<std::string> companies_of(const std::string& holder_id) const;

private:
  struct company_track {
    std::vector<std::size_t> event_indices;  // into events_, date order
    std::vector<date> dates;                 // dates of those events, for binary search
    std::vector<cap_table> checkpoints;      // checkpoints[k]: state after k*interval events
    cap_table latest;
  };
  const company_track& track(const std::string& company_id, const std::string& where) const;
  cap_table replay_until(const company_track& t, std::size_t count, std::vector<movement>* sink) const;

  std::map<std::string, holder> holders_;
  std::vector<event> events_;
  std::map<std::string, company_track> companies_;
  std::map<std::string, std::vector<std::string>> holder_companies_;
};

// Applies one event to a company's cap table (the ledger's rule book, exposed for tests and
// tools). `index` is the event's position in the ledger, used in messages.
void apply_event(cap_table& table, const event& e, std::size_t index, const std::map<std::string, holder>& holders,
                 std::vector<movement>* sink = nullptr);

}  // namespace stakecalc
