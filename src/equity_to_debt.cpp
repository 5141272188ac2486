// Equity-to-debt conversion (stakecalc/equity_to_debt.hpp): triggers, the principal, the loans.
#include "stakecalc/equity_to_debt.hpp"

#include <algorithm>

#include "stakecalc/allocation.hpp"
#include "stakecalc/private_lending_cap.hpp"

namespace stakecalc {

std::string to_string(conversion_trigger_kind k) {
  switch (k) {
    case conversion_trigger_kind::deadline_passed: return "deadline_passed";
    case conversion_trigger_kind::minimum_missed: return "minimum_missed";
    case conversion_trigger_kind::milestone_failed: return "milestone_failed";
    case conversion_trigger_kind::team_election: return "team_election";
  }
  return "deadline_passed";
}

namespace {

std::string indexed(const char* list, std::size_t i, const char* member = "") {
  return std::string(list) + "[" + std::to_string(i) + "]" + (member[0] ? std::string(".") + member : std::string());
}

std::string pct(const ratio& r) { return exact_text(r * ratio(100)) + "%"; }

// Shares of one list: each positive, names present and different, summing to exactly 1.
template <class Item, class Id>
void check_shares(const std::vector<Item>& items, const char* list, const char* id_field, Id id_of) {
  ratio sum;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (id_of(items[i]).empty()) throw invalid_input("an empty name", indexed(list, i, id_field));
    for (std::size_t k = 0; k < i; ++k)
      if (id_of(items[k]) == id_of(items[i]))
        throw invalid_input("'" + id_of(items[i]) + "' again (first at " + indexed(list, k) + "); give each one share",
                            indexed(list, i, id_field));
    if (items[i].share.signum() <= 0)
      throw invalid_input("a share must be positive, got " + items[i].share.to_string(), indexed(list, i, "share"));
    sum += items[i].share;
  }
  if (sum != ratio(1)) throw invalid_input("shares sum to " + sum.to_string() + ", not exactly 1", list);
}

// The fund's units after every tranche dated on or before `on`.
decimal units_left_on(const repurchase_terms& terms, const repurchase_evaluation& plan, const date& on) {
  decimal left = terms.investment.units;
  for (const tranche_result& t : plan.tranches)
    if (t.price.on <= on) left -= t.price.units;
  return left;
}

}  // namespace

void equity_to_debt_terms::validate(const repurchase_terms& terms) const {
  for (std::size_t i = 0; i < triggers.size(); ++i) {
    const conversion_trigger& t = triggers[i];
    switch (t.kind) {
      case conversion_trigger_kind::deadline_passed:
        if (!t.deadline) throw invalid_input("a deadline trigger needs a deadline", indexed("triggers", i, "deadline"));
        t.deadline->validate(indexed("triggers", i, "deadline"));
        break;
      case conversion_trigger_kind::minimum_missed:
        if (t.window) {
          if (*t.window >= terms.windows.size())
            throw invalid_input("no window " + std::to_string(*t.window) + " (the terms have " +
                                    std::to_string(terms.windows.size()) + ")",
                                indexed("triggers", i, "window"));
          if (!terms.windows[*t.window].min_by_end)
            throw invalid_input("window " + std::to_string(*t.window) + " has no minimum to miss",
                                indexed("triggers", i, "window"));
        }
        break;
      case conversion_trigger_kind::milestone_failed:
        if (t.milestone.empty()) throw invalid_input("a milestone trigger needs the milestone's name",
                                                     indexed("triggers", i, "milestone"));
        break;
      case conversion_trigger_kind::team_election: break;
    }
    // A field another kind of trigger uses is a mistake, not a detail to ignore: "deadline" on a
    // team election means the author expected the election to be bounded by it.
    const std::string kind = to_string(t.kind);
    if (t.deadline && t.kind != conversion_trigger_kind::deadline_passed)
      throw invalid_input("a " + kind + " trigger has no deadline (only deadline_passed has)",
                          indexed("triggers", i, "deadline"));
    if (t.window && t.kind != conversion_trigger_kind::minimum_missed)
      throw invalid_input("a " + kind + " trigger has no window (only minimum_missed has)", indexed("triggers", i, "window"));
    if (!t.milestone.empty() && t.kind != conversion_trigger_kind::milestone_failed)
      throw invalid_input("a " + kind + " trigger names no milestone (only milestone_failed does)",
                          indexed("triggers", i, "milestone"));
    for (std::size_t k = 0; k < i; ++k) {
      const conversion_trigger& e = triggers[k];
      const bool same_deadline = e.deadline.has_value() == t.deadline.has_value() &&
                                 (!t.deadline || e.deadline->to_string() == t.deadline->to_string());
      if (e.kind == t.kind && same_deadline && e.window == t.window && e.milestone == t.milestone)
        throw invalid_input("the same trigger as " + indexed("triggers", k), indexed("triggers", i));
    }
  }
  if (principal.formula) principal.formula->validate("principal.formula");
  if (principal.floor) principal.floor->validate("principal.floor");
  if (principal.cap) principal.cap->validate("principal.cap");
  if (debtors.empty()) throw invalid_input("no debtors", "debtors");
  check_shares(debtors, "debtors", "debtor", [](const debtor_share& d) -> const std::string& { return d.debtor; });
  if (!units_to.empty())
    check_shares(units_to, "units_to", "holder", [](const units_recipient& r) -> const std::string& { return r.holder; });
  if (!loan.principal.is_zero())
    throw invalid_input("the conversion sets the principal; leave it 0, got " + loan.principal.to_string(),
                        "loan.principal");
}

namespace {

// The trigger a reported event fires (its index in terms.triggers); the errors of
// validate_reported, naming reported[r].
std::size_t trigger_of_reported(const equity_to_debt_terms& terms, const reported_event& e, std::size_t r) {
  if (e.on.is_special()) throw invalid_input("not a calendar date", indexed("reported", r, "on"));
  switch (e.kind) {
    case conversion_trigger_kind::deadline_passed:
    case conversion_trigger_kind::minimum_missed:
      throw invalid_input(to_string(e.kind) + " is found from the plan, not reported", indexed("reported", r, "kind"));
    case conversion_trigger_kind::milestone_failed: {
      if (e.milestone.empty()) throw invalid_input("a failed milestone needs its name", indexed("reported", r, "milestone"));
      auto it = std::find_if(terms.triggers.begin(), terms.triggers.end(), [&](const conversion_trigger& t) {
        return t.kind == conversion_trigger_kind::milestone_failed && t.milestone == e.milestone;
      });
      if (it == terms.triggers.end()) {
        std::string named;
        for (const conversion_trigger& t : terms.triggers)
          if (t.kind == conversion_trigger_kind::milestone_failed) named += (named.empty() ? "'" : ", '") + t.milestone + "'";
        throw invalid_input("milestone '" + e.milestone + "' is not a conversion trigger of the terms (" +
                                (named.empty() ? std::string("they name no milestone") : "they name " + named) + ")",
                            indexed("reported", r, "milestone"));
      }
      return static_cast<std::size_t>(it - terms.triggers.begin());
    }
    case conversion_trigger_kind::team_election: {
      if (!e.milestone.empty())
        throw invalid_input("only a failed milestone names a milestone, got '" + e.milestone + "'",
                            indexed("reported", r, "milestone"));
      auto it = std::find_if(terms.triggers.begin(), terms.triggers.end(), [](const conversion_trigger& t) {
        return t.kind == conversion_trigger_kind::team_election;
      });
      if (it == terms.triggers.end())
        throw domain_rule_error("the terms do not let the team elect conversion", indexed("reported", r));
      return static_cast<std::size_t>(it - terms.triggers.begin());
    }
  }
  throw invalid_input("unknown trigger kind", indexed("reported", r, "kind"));
}

}  // namespace

void validate_reported(const equity_to_debt_terms& terms, const std::vector<reported_event>& reported) {
  for (std::size_t r = 0; r < reported.size(); ++r) {
    (void)trigger_of_reported(terms, reported[r], r);
    for (std::size_t k = 0; k < r; ++k)
      if (reported[k].kind == reported[r].kind && reported[k].milestone == reported[r].milestone)
        throw invalid_input(reported[r].kind == conversion_trigger_kind::team_election
                                ? "the team's election was already reported at " + indexed("reported", k)
                                : "milestone '" + reported[r].milestone + "' was already reported failed at " +
                                      indexed("reported", k),
                            indexed("reported", r));
  }
}

std::optional<trigger_event> first_trigger(const equity_to_debt_terms& terms, const repurchase_terms& repurchase,
                                           const repurchase_evaluation& plan,
                                           const std::vector<reported_event>& reported) {
  repurchase.validate();
  terms.validate(repurchase);
  const fund_investment& inv = repurchase.investment;
  std::optional<trigger_event> best;
  auto offer = [&](std::size_t index, const date& on, std::string reason) {
    if (on < inv.on) return;
    const decimal left = units_left_on(repurchase, plan, on);
    if (left.signum() <= 0) return;
    reason += " with " + pct(inv.share_of_stake(left)) + " of the stake left";
    if (!best || on < best->on || (on == best->on && index < best->trigger))
      best = trigger_event{index, terms.triggers[index].kind, on, std::move(reason)};
  };
  for (std::size_t i = 0; i < terms.triggers.size(); ++i) {
    const conversion_trigger& t = terms.triggers[i];
    if (t.kind == conversion_trigger_kind::deadline_passed) {
      const date d = t.deadline->resolve(inv.on);
      offer(i, d, "deadline " + t.deadline->to_string() + " (" + to_iso(d) + ") passed");
    } else if (t.kind == conversion_trigger_kind::minimum_missed) {
      for (const missed_minimum& m : plan.missed_minimums)
        if (!t.window || *t.window == m.window)
          offer(i, m.end,
                "minimum " + pct(m.required) + " of window '" + m.label + "' missed by its end " + to_iso(m.end) +
                    " (" + pct(m.bought) + " bought)");
    }
  }
  for (std::size_t r = 0; r < reported.size(); ++r) {
    const reported_event& e = reported[r];
    const std::size_t index = trigger_of_reported(terms, e, r);
    offer(index, e.on,
          e.kind == conversion_trigger_kind::milestone_failed
              ? "milestone '" + e.milestone + "' failed on " + to_iso(e.on)
              : "the team elected conversion on " + to_iso(e.on));
  }
  return best;
}

conversion_result convert_to_debt(const equity_to_debt_terms& terms, const repurchase_terms& repurchase,
                                  const repurchase_plan& plan, const date& on, const deal_facts& facts,
                                  std::optional<trigger_event> trigger) {
  repurchase.validate();
  terms.validate(repurchase);
  facts.validate("facts");
  const fund_investment& inv = repurchase.investment;
  const currency ccy = inv.currency();
  if (on.is_special()) throw invalid_input("not a calendar date", "on");
  if (on < inv.on) throw domain_rule_error(to_iso(on) + " is before the investment on " + to_iso(inv.on), "on");

  // What happened before: the tranches and dividends up to the conversion day.
  repurchase_plan executed;
  for (const repurchase_tranche& t : plan.tranches)
    if (!t.on.is_special() && t.on <= on) executed.tranches.push_back(t);
  deal_facts before = facts;
  before.dividends.clear();
  for (const fund_dividend& d : facts.dividends)
    if (d.on <= on) before.dividends.push_back(d);
  const repurchase_evaluation history = evaluate_plan(repurchase, executed, before);

  conversion_result c;
  c.on = on;
  c.trigger = std::move(trigger);
  c.repurchases = history.tranches;
  c.units_converted = history.units_left;
  if (c.units_converted.signum() <= 0)
    throw domain_rule_error("the fund has no units left on " + to_iso(on) + " to convert", "on");
  c.stake_converted = inv.share_of_stake(c.units_converted);
  c.remaining_cost = inv.cost_of(c.units_converted);

  // The principal: the formula (or the window's), then floor and cap, rounded once.
  price_formula formula;
  std::string formula_source = "principal.formula";
  if (terms.principal.formula) {
    formula = *terms.principal.formula;
  } else {
    const std::optional<window_span> w = repurchase.window_on(on);
    if (!w)
      throw domain_rule_error("no repurchase window contains " + to_iso(on) +
                                  ", so there is no repurchase price in force; give principal.formula",
                              "principal.formula");
    formula = repurchase.windows[w->index].price;
    formula_source = "the repurchase price of window '" + w->label + "' in force on " + to_iso(on);
  }
  formula_value base = evaluate(formula, inv, on, c.units_converted, before, "principal.formula");
  explanation& st = c.statement;
  st.subject = "conversion principal on " + to_iso(on);
  st.formula = std::string("formula") + (terms.principal.floor ? ", at least the floor" : "") +
               (terms.principal.cap ? ", at most the cap" : "");
  if (c.trigger) st.add("trigger", to_string(c.trigger->kind), c.trigger->reason);
  st.add("units converted", c.units_converted.to_string(), pct(c.stake_converted) + " of the original stake");
  st.add("remaining cost", std::string(ccy.code()) + " " + exact_text(c.remaining_cost), "I x u / U");
  st.add("formula", std::string(ccy.code()) + " " + exact_text(base.amount), formula.describe() + "; " + formula_source);
  ratio exact = base.amount;
  bool approximate = base.approximate;
  st.steps.push_back(std::move(base.why));
  if (terms.principal.floor) {
    formula_value f = evaluate(*terms.principal.floor, inv, on, c.units_converted, before, "principal.floor");
    const bool binds = f.amount > exact;
    st.add("floor", std::string(ccy.code()) + " " + exact_text(f.amount),
           terms.principal.floor->describe() + (binds ? "; applies" : "; does not bind"));
    if (binds) {
      exact = f.amount;
      approximate = f.approximate;
    }
    st.steps.push_back(std::move(f.why));
  }
  if (terms.principal.cap) {
    formula_value f = evaluate(*terms.principal.cap, inv, on, c.units_converted, before, "principal.cap");
    const bool binds = f.amount < exact;
    st.add("cap", std::string(ccy.code()) + " " + exact_text(f.amount),
           terms.principal.cap->describe() + (binds ? "; applies" : "; does not bind"));
    if (binds) {
      exact = f.amount;
      approximate = f.approximate;
    }
    st.steps.push_back(std::move(f.why));
  }
  c.exact_principal = exact;
  c.principal = money(exact.round(ccy.minor_units(), repurchase.rounding_mode), ccy);
  st.exact = std::string(ccy.code()) + " " + exact_text(exact) +
             (approximate ? " (a fractional power rounded to 30 significant digits on the way)" : "");
  st.rounding = "once, to " + decimal::from_parts(1, ccy.minor_units()).to_string() + " " + std::string(ccy.code()) +
                ", " + to_string(repurchase.rounding_mode);
  st.result = c.principal.to_string();
  if (c.principal.signum() <= 0)
    throw domain_rule_error("the principal is " + c.principal.to_string() + "; there is no debt to create", "principal");

  // The debtors' parts, to the cent, and a loan for each.
  std::vector<ratio> shares;
  for (const debtor_share& d : terms.debtors) shares.push_back(d.share);
  const std::vector<money> parts = c.principal.allocate(shares);
  for (std::size_t i = 0; i < terms.debtors.size(); ++i) {
    const debtor_share& d = terms.debtors[i];
    if (parts[i].is_zero())
      throw domain_rule_error("share " + d.share.to_string() + " of " + c.principal.to_string() + " is nothing",
                              indexed("debtors", i, "share"));
    loan_terms t = terms.loan;
    t.principal = parts[i].amount();
    t.ccy = ccy;
    t.start = on;
    if (!t.contract_date) t.contract_date = on;
    loan debt(t, facts.rates);
    std::optional<private_lending_cap_check> cap;
    if (t.contract_day() >= private_lending_cap_start()) cap = debt.legal_cap_check();
    std::vector<loan_schedule_row> rows = debt.schedule();
    loan_totals totals = debt.totals();
    c.loans.push_back(debtor_loan{d.debtor, d.share, d.is_company, parts[i], std::move(debt), std::move(rows),
                                  std::move(totals), std::move(cap)});
  }

  // The units: to the recipients by their shares (no unit lost), or cancelled.
  if (terms.units_to.empty()) {
    c.units_cancelled = true;
  } else {
    std::vector<ratio> unit_shares;
    for (const units_recipient& r : terms.units_to) unit_shares.push_back(r.share);
    const std::vector<decimal> units = allocate(c.units_converted, unit_shares, inv.unit_places, "units_to");
    for (std::size_t i = 0; i < units.size(); ++i) c.units_to.push_back({terms.units_to[i].holder, units[i]});
  }

  // The fund's whole life and the team's cost.
  c.fund_flows = history.fund_flows;
  c.team_cost = history.team_cost;
  for (const debtor_loan& l : c.loans)
    for (const loan_schedule_row& row : l.schedule) {
      if (row.payment.is_zero()) continue;
      const money paid(row.payment, ccy);
      c.fund_flows.push_back({row.payment_date, paid});
      if (!l.is_company) c.team_cost += paid;
    }
  detail::sort_flows(c.fund_flows);
  c.fund_cash_recovered = money::zero(ccy);
  for (const cash_flow& f : c.fund_flows)
    if (f.amount.signum() > 0) c.fund_cash_recovered += f.amount;
  c.fund_irr = detail::irr_or_none(c.fund_flows);
  c.fund_multiple = multiple(c.fund_flows);
  return c;
}

std::optional<conversion_result> convert_on_first_trigger(const equity_to_debt_terms& terms,
                                                          const repurchase_terms& repurchase,
                                                          const repurchase_plan& plan, const deal_facts& facts,
                                                          const std::vector<reported_event>& reported) {
  const repurchase_evaluation whole = evaluate_plan(repurchase, plan, facts);
  std::optional<trigger_event> t = first_trigger(terms, repurchase, whole, reported);
  if (!t) return std::nullopt;
  const date day = t->on;
  return convert_to_debt(terms, repurchase, plan, day, facts, std::move(t));
}

}  // namespace stakecalc
