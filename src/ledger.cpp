// The ledger's rule book: how each event changes a company's cap table, and the per-company
// index that answers point-in-time queries without replaying the whole ledger.
#include "stakecalc/ledger.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "stakecalc/allocation.hpp"

namespace stakecalc {

// ------------------------------------------------------------------------------------------
// cap_table and position

namespace {
template <class F>
money sum_lots(const position& p, currency c, F field) {
  money total(decimal(), c);
  for (const auto& kv : p.lots) total += field(kv.second);
  return total;
}
}  // namespace

decimal position::units() const {
  decimal total;
  for (const auto& kv : lots) total += kv.second.units;
  return total;
}
money position::cost(currency c) const { return sum_lots(*this, c, [](const lot& l) { return l.cost; }); }
money position::realised_gain(currency c) const {
  return sum_lots(*this, c, [](const lot& l) { return l.realised_gain; });
}
money position::proceeds(currency c) const { return sum_lots(*this, c, [](const lot& l) { return l.proceeds; }); }
money position::dividends(currency c) const { return sum_lots(*this, c, [](const lot& l) { return l.dividends; }); }

money cap_table::registered_capital() const {
  if (company.form == legal_form::limited_liability) return money(total_units, company.currency);
  return money(total_units * company.par_value, company.currency);
}

decimal cap_table::units_of(const std::string& holder) const {
  return units_of(holder, share_class::common) + units_of(holder, share_class::preferred);
}
decimal cap_table::units_of(const std::string& holder, share_class cls) const {
  auto it = positions.find({holder, cls});
  return it == positions.end() ? decimal() : it->second.units();
}
decimal cap_table::class_units(share_class cls) const {
  decimal total;
  for (const auto& kv : positions)
    if (kv.first.second == cls) total += kv.second.units();
  return total;
}
ratio cap_table::ownership_of(const std::string& holder) const {
  if (total_units.is_zero()) return ratio(0);
  return ratio(units_of(holder)) / ratio(total_units);
}
std::optional<money> cap_table::mark_value(const decimal& units) const {
  if (!mark) return std::nullopt;
  return money((units * mark->price_per_unit).round(company.currency.minor_units(), rounding::half_even),
               company.currency);
}
std::vector<cap_table_line> cap_table::lines() const {
  std::vector<cap_table_line> out;
  for (const auto& kv : positions) {
    decimal u = kv.second.units();
    if (u.is_zero()) continue;
    cap_table_line line;
    line.holder = kv.first.first;
    line.cls = kv.first.second;
    line.units = u;
    line.ownership = ratio(u) / ratio(total_units);
    line.cost = kv.second.cost(company.currency);
    line.mark_value = mark_value(u);
    out.push_back(std::move(line));
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// event helpers

namespace {
struct kind_name {
  std::string operator()(const incorporation&) const { return "incorporation"; }
  std::string operator()(const achievement_contribution&) const { return "achievement_contribution"; }
  std::string operator()(const financing_round&) const { return "financing_round"; }
  std::string operator()(const transfer&) const { return "transfer"; }
  std::string operator()(const repurchase&) const { return "repurchase"; }
  std::string operator()(const capital_reduction&) const { return "capital_reduction"; }
  std::string operator()(const share_split&) const { return "share_split"; }
  std::string operator()(const dividend&) const { return "dividend"; }
  std::string operator()(const equity_to_debt_exit&) const { return "equity_to_debt_exit"; }
};
}  // namespace

const std::string& event::company_id() const {
  return std::visit(
      [](const auto& b) -> const std::string& {
        if constexpr (std::is_same_v<std::decay_t<decltype(b)>, incorporation>)
          return b.company.id;
        else
          return b.company_id;
      },
      body);
}
std::string event::kind() const { return std::visit(kind_name{}, body); }

// ------------------------------------------------------------------------------------------
// applying one event

namespace {

// Everything one event application needs, with the checks every event shares. Messages name the
// event as "event[i].field" (the error's where()) and the offending value.
class applier {
public:
  applier(cap_table& t, const event& e, std::size_t index, const std::map<std::string, holder>& holders,
          std::vector<movement>* sink)
      : t_(t), e_(e), index_(index), holders_(holders), sink_(sink), kind_(e.kind()) {}

  std::string where(const std::string& field) const { return "event[" + std::to_string(index_) + "]." + field; }
  currency cur() const { return t_.company.currency; }
  int places() const { return t_.company.unit_places(); }
  money zero() const { return money::zero(cur()); }

  [[noreturn]] void fail_input(const std::string& field, const std::string& what) const {
    throw invalid_input(kind_ + ": " + what, where(field));
  }
  [[noreturn]] void fail_rule(const std::string& field, const std::string& what) const {
    throw domain_rule_error(kind_ + ": " + what, where(field));
  }

  const holder& need_holder(const std::string& id, const std::string& field) const {
    auto it = holders_.find(id);
    if (it == holders_.end()) fail_input(field, "unknown holder '" + id + "'");
    return it->second;
  }
  const holder& need_kind(const std::string& id, const std::string& field, holder_kind k) const {
    const holder& h = need_holder(id, field);
    if (h.kind != k) fail_rule(field, "holder '" + id + "' is " + with_article(h.kind) + ", not " + with_article(k));
    return h;
  }

  // An amount of this company's currency, a whole number of minor units, >= 0 (> 0 if `positive`).
  void check_money(const money& m, const std::string& field, bool positive) const {
    if (m.currency() != cur())
      throw currency_mismatch(kind_ + ": amount " + m.to_string() + " is not in the company's currency " +
                                  std::string(cur().code()),
                              where(field));
    if (!m.is_whole_minor_units())
      fail_input(field, "amount " + m.to_string() + " has more digits than the currency's minor unit");
    if (m.signum() < 0 || (positive && m.is_zero()))
      fail_input(field, "amount " + m.to_string() + (positive ? " must be positive" : " must not be negative"));
  }
  void check_units(const decimal& u, const std::string& field) const {
    if (u.signum() <= 0) fail_input(field, "units " + u.to_string() + " must be positive");
    if (!t_.company.is_whole_units(u))
      fail_input(field, "units " + u.to_string() + " are not whole (at most " + std::to_string(places()) +
                            " digits after the point for this company)");
  }
  // Non-empty, unique ids, each share > 0, sum exactly 1.
  void check_shares(const std::vector<share_of>& shares, const std::string& field) const {
    if (shares.empty()) fail_input(field, "no parties given");
    std::set<std::string> seen;
    ratio sum(0);
    for (std::size_t i = 0; i < shares.size(); ++i) {
      const auto& s = shares[i];
      std::string f = field + "[" + std::to_string(i) + "]";
      if (!seen.insert(s.id).second) fail_input(f, "'" + s.id + "' appears twice");
      if (s.share.signum() <= 0) fail_input(f, "share " + s.share.to_string() + " of '" + s.id + "' must be positive");
      sum += s.share;
    }
    if (sum != ratio(1)) fail_input(field, "shares sum to " + sum.to_string() + ", not 1");
  }
  // The beneficiaries of units a platform takes up; must be institutions it acts for.
  void check_beneficiaries(const holder& h, const std::vector<share_of>& on_behalf_of, const std::string& field) const {
    if (h.kind != holder_kind::platform) {
      if (!on_behalf_of.empty()) fail_input(field, "holder '" + h.id + "' is not a platform and holds for itself");
      return;
    }
    if (on_behalf_of.empty()) fail_input(field, "platform '" + h.id + "' must name the institutions it holds for");
    check_shares(on_behalf_of, field);
    for (std::size_t i = 0; i < on_behalf_of.size(); ++i)
      if (!h.acts_for(on_behalf_of[i].id))
        fail_rule(field + "[" + std::to_string(i) + "]",
                  "platform '" + h.id + "' does not hold on behalf of '" + on_behalf_of[i].id + "'");
  }

  std::vector<decimal> split_units(const decimal& units, const std::vector<ratio>& weights, const std::string& field) const {
    return allocate(units, weights, places(), where(field));
  }
  static std::vector<ratio> weights_of(const std::vector<share_of>& shares) {
    std::vector<ratio> w;
    for (const auto& s : shares) w.push_back(s.share);
    return w;
  }

  // The share capital `units` represent: the units themselves (limited liability) or units * par.
  decimal par_amount(const decimal& units) const {
    return t_.company.form == legal_form::limited_liability ? units : units * t_.company.par_value;
  }

  position& pos(const std::string& holder_id, share_class cls) {
    auto& p = t_.positions[{holder_id, cls}];
    p.holder = holder_id;
    p.cls = cls;
    return p;
  }
  lot& lot_of(position& p, const std::string& beneficiary) {
    auto it = p.lots.find(beneficiary);
    if (it == p.lots.end()) it = p.lots.emplace(beneficiary, lot(cur())).first;
    return it->second;
  }
  void note_move(const position& p, const std::string& beneficiary, const lot& l, const decimal& change, const money& cash,
            const money& gain) {
    if (!sink_) return;
    movement m;
    m.event_index = index_;
    m.on = e_.on;
    m.kind = kind_;
    m.company_id = t_.company.id;
    m.holder = p.holder;
    m.cls = p.cls;
    m.beneficiary = beneficiary;
    m.units_change = change;
    m.units_after = l.units;
    m.cash = cash;
    m.realised_gain = gain;
    sink_->push_back(std::move(m));
  }

  // `units` taken up by a holder at `cost`; `cash` is what it paid (cost, or zero for an
  // appraised contribution). Adds to the company's total units.
  void acquire(const std::string& holder_id, share_class cls, const decimal& units, const money& cost, bool paid_cash,
               const std::vector<share_of>& on_behalf_of, const std::string& field) {
    const holder& h = need_holder(holder_id, field);
    // The beneficiaries are the holder's sibling field where the event has one:
    // "subscriptions[1].on_behalf_of" beside "subscriptions[1].holder", "buyer_on_behalf_of" beside
    // "buyer"; a contribution's platform holds for its institution (no field of its own).
    const std::string suffix = ".holder";
    const bool nested = field.size() > suffix.size() && field.compare(field.size() - suffix.size(), suffix.size(), suffix) == 0;
    check_beneficiaries(h, on_behalf_of,
                        nested            ? field.substr(0, field.size() - suffix.size()) + ".on_behalf_of"
                        : field == "buyer" ? std::string("buyer_on_behalf_of")
                                           : field + ".on_behalf_of");
    position& p = pos(holder_id, cls);
    std::vector<std::string> keys;
    std::vector<decimal> unit_parts;
    std::vector<money> cost_parts;
    if (h.kind == holder_kind::platform) {
      auto w = weights_of(on_behalf_of);
      unit_parts = split_units(units, w, field);
      cost_parts = cost.allocate(w);
      for (const auto& s : on_behalf_of) keys.push_back(s.id);
    } else {
      keys = {""};
      unit_parts = {units};
      cost_parts = {cost};
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
      lot& l = lot_of(p, keys[i]);
      l.units += unit_parts[i];
      l.cost += cost_parts[i];
      note_move(p, keys[i], l, unit_parts[i], paid_cash ? -cost_parts[i] : zero(), zero());
    }
    t_.total_units += units;
  }

  // `units` given up by a holder for `proceeds`; removed from its lots in proportion to their
  // units (largest remainder). Does not change the company's total (the caller decides whether
  // the units move or are cancelled). Returns the units taken from each beneficiary.
  std::vector<std::pair<std::string, decimal>> dispose(const std::string& holder_id, share_class cls,
                                                       const decimal& units, const money& proceeds,
                                                       const std::string& field) {
    need_holder(holder_id, field);
    auto it = t_.positions.find({holder_id, cls});
    decimal held = it == t_.positions.end() ? decimal() : it->second.units();
    if (units > held)
      fail_rule(field, "units " + units.to_string() + " exceed the " + held.to_string() + " " + to_string(cls) +
                           " units held by '" + holder_id + "'");
    position& p = it->second;
    std::vector<std::string> keys;
    std::vector<big_int> weights;
    for (const auto& kv : p.lots) {
      keys.push_back(kv.first);
      weights.push_back(kv.second.units.aligned(places()));
    }
    std::vector<big_int> taken_units =
        allocate_units(units.rounded(places(), rounding::unnecessary).coefficient(), weights, where(field));
    std::vector<decimal> taken;
    for (const auto& u : taken_units) taken.push_back(decimal::from_parts(u, places()));
    std::vector<money> proceeds_parts = proceeds.allocate(taken);
    std::vector<std::pair<std::string, decimal>> out;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (taken[i].is_zero()) continue;
      lot& l = p.lots.at(keys[i]);
      money cost_out = taken[i] == l.units
                           ? l.cost
                           : money((ratio(l.cost.amount()) * ratio(taken[i]) / ratio(l.units))
                                       .round(cur().minor_units(), rounding::half_even),
                                   cur());
      money gain = proceeds_parts[i] - cost_out;
      l.units -= taken[i];
      l.cost -= cost_out;
      l.proceeds += proceeds_parts[i];
      l.realised_gain += gain;
      note_move(p, keys[i], l, -taken[i], proceeds_parts[i], gain);
      out.emplace_back(keys[i], taken[i]);
    }
    return out;
  }

  void cancel(const decimal& units, const std::string& field) {
    t_.total_units -= units;
    if (t_.total_units.signum() <= 0) fail_rule(field, "the company would be left with no units");
  }

  void set_mark(const ratio& price, const std::string& source) { t_.mark = price_mark{price, e_.on, source}; }

  // ---- the events ------------------------------------------------------------------------

  void operator()(const incorporation& ev) {
    const company& c = ev.company;
    if (c.id.empty()) fail_input("company.id", "company id is empty");
    if (c.form == legal_form::joint_stock && c.par_value.signum() <= 0)
      fail_input("company.par_value", "par value " + c.par_value.to_string() + " must be positive");
    t_ = cap_table(c);
    money paid_total = zero();
    decimal units_total;
    for (std::size_t i = 0; i < ev.subscriptions.size(); ++i) {
      const auto& s = ev.subscriptions[i];
      std::string f = "subscriptions[" + std::to_string(i) + "]";
      check_units(s.units, f + ".units");
      check_money(s.paid, f + ".paid", false);
      money par(par_amount(s.units), cur());
      if (s.paid < par)
        fail_rule(f + ".paid", "paid " + s.paid.to_string() + " is below the par value " + par.to_string() +
                                   " of the units subscribed");
      acquire(s.holder, s.cls, s.units, s.paid, true, s.on_behalf_of, f + ".holder");
      t_.capital_reserve += s.paid - par;
      paid_total += s.paid;
      units_total += s.units;
    }
    if (!units_total.is_zero()) set_mark(ratio(paid_total.amount()) / ratio(units_total), "incorporation");
  }

  void operator()(const achievement_contribution& ev) {
    check_money(ev.appraised_value, "appraised_value", true);
    if (ev.team_share.signum() < 0 || ev.team_share > ratio(1))
      fail_input("team_share", "team share " + ev.team_share.to_string() + " is outside 0..1");
    const money& v = ev.appraised_value;
    decimal issued;
    ratio price;
    std::string source = "appraisal";
    if (t_.total_units.is_zero()) {
      if (ev.pre_money) fail_input("pre_money", "the company has no units yet, so the value is issued at par");
      ratio par_per_unit = ratio(par_amount(decimal(1)));
      issued = (ratio(v.amount()) / par_per_unit).round(places(), rounding::down);
    } else {
      if (!ev.pre_money) fail_input("pre_money", "the company already has units: a pre-money valuation is required");
      check_money(*ev.pre_money, "pre_money", true);
      price = ratio(ev.pre_money->amount()) / ratio(t_.total_units);
      issued = (ratio(v.amount()) / price).round(places(), rounding::down);
      source = "appraisal at pre-money " + ev.pre_money->to_string();
    }
    if (issued.signum() <= 0) fail_rule("appraised_value", "value " + v.to_string() + " buys no units");
    if (t_.total_units.is_zero()) price = ratio(v.amount()) / ratio(issued);
    std::vector<ratio> split{ev.team_share, ratio(1) - ev.team_share};
    auto unit_parts = split_units(issued, split, "team_share");
    auto value_parts = v.allocate(split);
    if (ev.team_share.signum() > 0) {
      check_shares(ev.team_members, "team_members");
      for (std::size_t i = 0; i < ev.team_members.size(); ++i)
        need_kind(ev.team_members[i].id, "team_members[" + std::to_string(i) + "]", holder_kind::team_member);
      auto w = weights_of(ev.team_members);
      auto member_units = split_units(unit_parts[0], w, "team_members");
      auto member_values = value_parts[0].allocate(w);
      for (std::size_t i = 0; i < w.size(); ++i)
        if (member_units[i].signum() > 0 || !member_values[i].is_zero())
          acquire(ev.team_members[i].id, ev.cls, member_units[i], member_values[i], false, {},
                  "team_members[" + std::to_string(i) + "]");
    } else if (!ev.team_members.empty()) {
      fail_input("team_members", "team members given but the team share is 0");
    }
    if (ev.team_share < ratio(1)) {
      need_kind(ev.institution, "institution", holder_kind::institution);
      need_kind(ev.platform, "platform", holder_kind::platform);
      acquire(ev.platform, ev.cls, unit_parts[1], value_parts[1], false, {share_of{ev.institution, ratio(1)}},
              "platform");
    }
    t_.capital_reserve += v - money(par_amount(issued), cur());
    set_mark(price, source);
  }

  void operator()(const financing_round& ev) {
    if (ev.pre_money.has_value() == ev.price_per_unit.has_value())
      fail_input("pre_money", "give exactly one of pre_money and price_per_unit");
    if (t_.total_units.is_zero()) fail_rule("pre_money", "the company has no units to price a round on");
    ratio price;
    if (ev.pre_money) {
      check_money(*ev.pre_money, "pre_money", true);
      price = ratio(ev.pre_money->amount()) / ratio(t_.total_units);
    } else {
      if (ev.price_per_unit->currency() != cur())
        throw currency_mismatch(kind_ + ": price " + ev.price_per_unit->to_string() +
                                    " is not in the company's currency " + std::string(cur().code()),
                                where("price_per_unit"));
      if (ev.price_per_unit->signum() <= 0)
        fail_input("price_per_unit", "price " + ev.price_per_unit->to_string() + " must be positive");
      price = ratio(ev.price_per_unit->amount());
    }
    ratio par_per_unit(par_amount(decimal(1)));
    if (price < par_per_unit)
      fail_rule(ev.pre_money ? "pre_money" : "price_per_unit",
                "price per unit " + price.to_string() + " is below par " + par_per_unit.to_string());
    if (ev.investments.empty()) fail_input("investments", "no investments");
    for (std::size_t i = 0; i < ev.investments.size(); ++i) {
      const auto& inv = ev.investments[i];
      std::string f = "investments[" + std::to_string(i) + "]";
      check_money(inv.amount, f + ".amount", true);
      decimal units = (ratio(inv.amount.amount()) / price).round(places(), rounding::down);
      if (units.signum() <= 0)
        fail_rule(f + ".amount", "amount " + inv.amount.to_string() + " buys no units at " + price.to_string());
      money paid = inv.amount;
      if (t_.company.form == legal_form::joint_stock && ev.remainder == remainder_rule::refund)
        paid -= money((ratio(inv.amount.amount()) - ratio(units) * price).round(cur().minor_units(), rounding::down),
                      cur());
      t_.capital_reserve += paid - money(par_amount(units), cur());
      acquire(inv.holder, ev.cls, units, paid, true, inv.on_behalf_of, f + ".holder");
    }
    set_mark(price, "financing round '" + ev.label + "'");
  }

  void operator()(const transfer& ev) {
    check_units(ev.units, "units");
    check_money(ev.price, "price", false);
    need_holder(ev.seller, "seller");
    need_holder(ev.buyer, "buyer");
    if (ev.seller == ev.buyer) fail_input("buyer", "seller and buyer are both '" + ev.seller + "'");
    dispose(ev.seller, ev.cls, ev.units, ev.price, "units");
    t_.total_units -= ev.units;  // acquire adds them back
    acquire(ev.buyer, ev.cls, ev.units, ev.price, true, ev.buyer_on_behalf_of, "buyer");
  }

  void operator()(const repurchase& ev) {
    need_holder(ev.seller, "seller");
    if (ev.purchases.empty()) fail_input("purchases", "no purchases");
    for (std::size_t i = 0; i < ev.purchases.size(); ++i) {
      const auto& pu = ev.purchases[i];
      std::string f = "purchases[" + std::to_string(i) + "]";
      check_units(pu.units, f + ".units");
      check_money(pu.price, f + ".price", false);
      if (!pu.buyer.empty()) {
        need_kind(pu.buyer, f + ".buyer", holder_kind::team_member);
        if (pu.buyer == ev.seller) fail_input(f + ".buyer", "seller and buyer are both '" + pu.buyer + "'");
      }
      dispose(ev.seller, ev.cls, pu.units, pu.price, f + ".units");
      if (pu.buyer.empty()) {
        cancel(pu.units, f + ".units");  // bought back by the company: a capital reduction
      } else {
        t_.total_units -= pu.units;
        acquire(pu.buyer, ev.cls, pu.units, pu.price, true, {}, f + ".buyer");
      }
    }
  }

  void operator()(const capital_reduction& ev) {
    if (ev.reductions.empty()) fail_input("reductions", "no reductions");
    for (std::size_t i = 0; i < ev.reductions.size(); ++i) {
      const auto& r = ev.reductions[i];
      std::string f = "reductions[" + std::to_string(i) + "]";
      check_units(r.units, f + ".units");
      check_money(r.payment, f + ".payment", false);
      dispose(r.holder, r.cls, r.units, r.payment, f + ".units");
      cancel(r.units, f + ".units");
    }
  }

  void operator()(const share_split& ev) {
    if (ev.factor.signum() <= 0) fail_input("factor", "split factor " + ev.factor.to_string() + " must be positive");
    for (auto& kv : t_.positions)
      for (auto& lk : kv.second.lots) {
        ratio exact = ratio(lk.second.units) * ev.factor;
        decimal whole = exact.round(places(), rounding::down);
        if (ratio(whole) != exact)
          fail_rule("factor", "split by " + ev.factor.to_string() + " gives '" + kv.first.first + "' " +
                                  exact.to_string() + " units, not a whole number");
        decimal change = whole - lk.second.units;
        lk.second.units = whole;
        note_move(kv.second, lk.first, lk.second, change, zero(), zero());
      }
    t_.total_units = (ratio(t_.total_units) * ev.factor).round(places(), rounding::unnecessary);
    if (t_.mark) t_.mark->price_per_unit /= ev.factor;
  }

  void operator()(const dividend& ev) {
    check_money(ev.amount, "amount", true);
    std::vector<lot*> lots;
    std::vector<const position*> owners;
    std::vector<std::string> keys;
    std::vector<big_int> weights;
    for (auto& kv : t_.positions) {
      if (ev.cls && kv.first.second != *ev.cls) continue;
      for (auto& lk : kv.second.lots) {
        if (lk.second.units.is_zero()) continue;
        lots.push_back(&lk.second);
        owners.push_back(&kv.second);
        keys.push_back(lk.first);
        weights.push_back(lk.second.units.aligned(places()));
      }
    }
    if (lots.empty()) fail_rule("cls", "no units of the class to pay a dividend on");
    auto parts = allocate_units(ev.amount.amount().rounded(cur().minor_units(), rounding::unnecessary).coefficient(),
                                weights, where("amount"));
    for (std::size_t i = 0; i < lots.size(); ++i) {
      money part(decimal::from_parts(parts[i], cur().minor_units()), cur());
      lots[i]->dividends += part;
      note_move(*owners[i], keys[i], *lots[i], decimal(), part, zero());
    }
  }

  void operator()(const equity_to_debt_exit& ev) {
    const holder& h = need_holder(ev.holder, "holder");
    check_money(ev.principal, "principal", false);
    if (!ev.recipients.empty()) {
      check_shares(ev.recipients, "recipients");
      for (std::size_t i = 0; i < ev.recipients.size(); ++i) {
        std::string f = "recipients[" + std::to_string(i) + "]";
        const holder& r = need_holder(ev.recipients[i].id, f);
        if (r.id == h.id) fail_input(f, "the exiting holder '" + h.id + "' cannot receive its own units");
        if (r.kind == holder_kind::platform)
          fail_input(f, "platform '" + r.id + "' cannot receive units here without named beneficiaries");
      }
    }
    std::vector<share_class> classes;
    std::vector<decimal> held;
    for (auto cls : {share_class::common, share_class::preferred}) {
      decimal u = t_.units_of(h.id, cls);
      if (u.signum() > 0) {
        classes.push_back(cls);
        held.push_back(u);
      }
    }
    if (classes.empty()) fail_rule("holder", "holder '" + h.id + "' holds no units to convert");
    auto principal_parts = ev.principal.allocate(held);
    auto w = weights_of(ev.recipients);
    for (std::size_t c = 0; c < classes.size(); ++c) {
      dispose(h.id, classes[c], held[c], principal_parts[c], "holder");
      if (ev.recipients.empty()) {
        cancel(held[c], "holder");
        continue;
      }
      t_.total_units -= held[c];
      auto unit_parts = split_units(held[c], w, "recipients");
      auto cost_parts = principal_parts[c].allocate(w);
      for (std::size_t i = 0; i < w.size(); ++i)
        if (unit_parts[i].signum() > 0 || !cost_parts[i].is_zero())
          acquire(ev.recipients[i].id, classes[c], unit_parts[i], cost_parts[i], false, {},
                  "recipients[" + std::to_string(i) + "]");
    }
  }

private:
  cap_table& t_;
  const event& e_;
  std::size_t index_;
  const std::map<std::string, holder>& holders_;
  std::vector<movement>* sink_;
  std::string kind_;
};

}  // namespace

void apply_event(cap_table& table, const event& e, std::size_t index, const std::map<std::string, holder>& holders,
                 std::vector<movement>* sink) {
  if (e.on.is_special()) throw invalid_input(e.kind() + ": not a calendar date", "event[" + std::to_string(index) + "].on");
  std::visit(applier(table, e, index, holders, sink), e.body);
  table.as_of = e.on;
  ++table.events_applied;
}

// ------------------------------------------------------------------------------------------
// ledger

void ledger::add_holder(holder h) {
  if (h.id.empty()) throw invalid_input("holder id is empty", "holder.id");
  if (holders_.count(h.id)) throw invalid_input("holder '" + h.id + "' is already registered", "holder.id");
  if (h.kind == holder_kind::platform) {
    if (h.beneficiaries.empty())
      throw invalid_input("platform '" + h.id + "' must name the institutions it holds for", "holder.beneficiaries");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < h.beneficiaries.size(); ++i) {
      const auto& b = h.beneficiaries[i];
      std::string f = "holder.beneficiaries[" + std::to_string(i) + "]";
      auto it = holders_.find(b);
      if (it == holders_.end()) throw invalid_input("unknown institution '" + b + "'", f);
      if (it->second.kind != holder_kind::institution)
        throw domain_rule_error("'" + b + "' is " + with_article(it->second.kind) + ", not an institution", f);
      if (!seen.insert(b).second) throw invalid_input("'" + b + "' appears twice", f);
    }
  } else if (!h.beneficiaries.empty()) {
    throw invalid_input("only a platform holds on behalf of others ('" + h.id + "' is " + with_article(h.kind) + ")",
                        "holder.beneficiaries");
  }
  std::string id = h.id;
  holders_.emplace(std::move(id), std::move(h));
}

const holder& ledger::find_holder(const std::string& id) const {
  auto it = holders_.find(id);
  if (it == holders_.end()) throw invalid_input("unknown holder '" + id + "'", "holder");
  return it->second;
}

std::vector<holder> ledger::holders() const {
  std::vector<holder> out;
  for (const auto& kv : holders_) out.push_back(kv.second);
  return out;
}

std::size_t ledger::record(event e) {
  const std::size_t index = events_.size();
  const std::string where = "event[" + std::to_string(index) + "]";
  const std::string cid = e.company_id();
  if (e.on.is_special()) throw invalid_input(e.kind() + ": not a calendar date", where + ".on");
  auto it = companies_.find(cid);
  const bool is_new = std::holds_alternative<incorporation>(e.body);
  if (is_new && it != companies_.end())
    throw domain_rule_error(e.kind() + ": company '" + cid + "' is already incorporated", where + ".company.id");
  if (!is_new && it == companies_.end())
    throw invalid_input(e.kind() + ": unknown company '" + cid + "' (record its incorporation first)",
                        where + ".company_id");
  if (!is_new && e.on < it->second.dates.back())
    throw domain_rule_error(e.kind() + ": date " + to_iso(e.on) + " is before the company's latest event on " +
                                to_iso(it->second.dates.back()) + " (record events in date order)",
                            where + ".on");
  // Apply to a copy: a refused event leaves everything untouched.
  cap_table next = is_new ? cap_table() : it->second.latest;
  std::vector<movement> moves;
  apply_event(next, e, index, holders_, &moves);

  if (is_new) {
    company_track t;
    t.checkpoints.push_back(cap_table());
    it = companies_.emplace(cid, std::move(t)).first;
  }
  company_track& t = it->second;
  t.event_indices.push_back(index);
  t.dates.push_back(e.on);
  t.latest = std::move(next);
  if (t.event_indices.size() % checkpoint_interval == 0) t.checkpoints.push_back(t.latest);
  // Each holder's companies stay sorted by id: a binary search, not a scan of every company the
  // holder is in (a platform or a fund can be in thousands, and every event asks).
  for (const auto& m : moves) {
    auto& list = holder_companies_[m.holder];
    const auto at = std::lower_bound(list.begin(), list.end(), cid);
    if (at == list.end() || *at != cid) list.insert(at, cid);
  }
  events_.push_back(std::move(e));
  return index;
}

ledger ledger::replay(const std::vector<holder>& holders, const std::vector<event>& events) {
  ledger out;
  // Institutions first: a platform names them.
  for (const auto& h : holders)
    if (h.kind != holder_kind::platform) out.add_holder(h);
  for (const auto& h : holders)
    if (h.kind == holder_kind::platform) out.add_holder(h);
  for (const auto& e : events) out.record(e);
  return out;
}

std::vector<std::string> ledger::company_ids() const {
  std::vector<std::string> out;
  for (const auto& kv : companies_) out.push_back(kv.first);
  return out;
}

const ledger::company_track& ledger::track(const std::string& company_id, const std::string& where) const {
  auto it = companies_.find(company_id);
  if (it == companies_.end()) throw invalid_input("unknown company '" + company_id + "'", where);
  return it->second;
}

cap_table ledger::replay_until(const company_track& t, std::size_t count, std::vector<movement>* sink) const {
  std::size_t k = sink ? 0 : count / checkpoint_interval;
  cap_table state = t.checkpoints[k];
  for (std::size_t i = k * checkpoint_interval; i < count; ++i)
    apply_event(state, events_[t.event_indices[i]], t.event_indices[i], holders_, sink);
  return state;
}

cap_table ledger::cap_table_on(const std::string& company_id, const date& on) const {
  const company_track& t = track(company_id, "company_id");
  std::size_t count = static_cast<std::size_t>(std::upper_bound(t.dates.begin(), t.dates.end(), on) - t.dates.begin());
  if (count == 0)
    throw domain_rule_error("company '" + company_id + "' was not yet incorporated on " + to_iso(on), "on");
  if (count == t.dates.size()) return t.latest;
  return replay_until(t, count, nullptr);
}

const cap_table& ledger::current(const std::string& company_id) const { return track(company_id, "company_id").latest; }

std::vector<std::string> ledger::companies_of(const std::string& holder_id) const {
  find_holder(holder_id);
  auto it = holder_companies_.find(holder_id);
  return it == holder_companies_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<movement> ledger::holder_history(const std::string& holder_id) const {
  std::vector<movement> out;
  for (const auto& cid : companies_of(holder_id)) {
    const company_track& t = companies_.at(cid);
    std::vector<movement> all;
    replay_until(t, t.event_indices.size(), &all);
    for (auto& m : all)
      if (m.holder == holder_id) out.push_back(std::move(m));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const movement& a, const movement& b) { return a.event_index < b.event_index; });
  return out;
}

}  // namespace stakecalc
