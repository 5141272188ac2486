// Repurchase terms (stakecalc/repurchase_terms.hpp): validation, windows, quotes.
#include "stakecalc/repurchase_terms.hpp"

#include <algorithm>

namespace stakecalc {

namespace {

std::string field(std::size_t i, const char* member) {
  return "windows[" + std::to_string(i) + "]" + (member[0] ? std::string(".") + member : std::string());
}

std::string label_of(const repurchase_window& w, std::size_t i) {
  return w.label.empty() ? "window " + std::to_string(i) : w.label;
}

// The field is named only when the check fails: the terms are validated several times for every
// evaluation (a sweep's), and building the names of valid fields was most of that cost.
void check_limit(const std::optional<ratio>& limit, std::size_t i, const char* member) {
  if (limit && (limit->signum() < 0 || *limit > ratio(1)))
    throw invalid_input("a proportion of the stake must be between 0 and 1, got " + limit->to_string(),
                        field(i, member));
}

// Resolves the windows' dates, refusing gaps in the ordering rules.
std::vector<window_span> build_spans(const repurchase_terms& t) {
  const date t0 = t.investment.on;
  if (t.windows.empty()) throw invalid_input("no repurchase windows", "windows");
  std::vector<window_span> spans;
  for (std::size_t i = 0; i < t.windows.size(); ++i) {
    const repurchase_window& w = t.windows[i];
    window_span s;
    s.index = i;
    s.label = label_of(w, i);
    if (w.from) {
      w.from->validate(field(i, "from"));
      s.from = w.from->resolve(t0);
    } else if (i == 0) {
      s.from = t0;
    } else {
      s.from = *spans.back().until;  // the previous one is closed: checked below when it was built
    }
    if (w.until) {
      w.until->validate(field(i, "until"));
      s.until = w.until->resolve(t0);
    } else if (i + 1 < t.windows.size()) {
      throw invalid_input("only the last window may be open-ended; '" + s.label + "' has no end", field(i, "until"));
    }
    if (s.from < t0)
      throw invalid_input("window '" + s.label + "' starts " + to_iso(s.from) + ", before the investment on " +
                              to_iso(t0),
                          field(i, "from"));
    if (s.until && *s.until <= s.from)
      throw invalid_input("window '" + s.label + "' ends " + to_iso(*s.until) + ", not after its start " + to_iso(s.from),
                          field(i, "until"));
    if (!spans.empty() && s.from < *spans.back().until)
      throw invalid_input("window '" + s.label + "' starts " + to_iso(s.from) + ", before the previous window '" +
                              spans.back().label + "' ends on " + to_iso(*spans.back().until),
                          field(i, "from"));
    spans.push_back(s);
  }
  return spans;
}

std::string windows_text(const std::vector<window_span>& spans) {
  std::string out;
  for (const window_span& s : spans) {
    if (!out.empty()) out += "; ";
    out += "'" + s.label + "' " + to_iso(s.from) + " to " + (s.until ? to_iso(*s.until) + " (exclusive)" : "open");
  }
  return out;
}

}  // namespace

void repurchase_terms::validate() const {
  investment.validate("investment");
  build_spans(*this);
  std::optional<ratio> max_so_far;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const repurchase_window& w = windows[i];
    check_limit(w.min_by_end, i, "min_by_end");
    check_limit(w.max_by_end, i, "max_by_end");
    if (w.min_by_end && w.max_by_end && *w.min_by_end > *w.max_by_end)
      throw invalid_input("minimum " + w.min_by_end->to_string() + " is above the maximum " + w.max_by_end->to_string(),
                          field(i, "min_by_end"));
    // Limits are cumulative: a later maximum below an earlier one would make a purchase that was
    // lawful in the earlier window unlawful afterwards.
    if (w.max_by_end) {
      if (max_so_far && *w.max_by_end < *max_so_far)
        throw invalid_input("maximum " + w.max_by_end->to_string() + " is below an earlier window's maximum " +
                                max_so_far->to_string() + " (the limits are cumulative)",
                            field(i, "max_by_end"));
      max_so_far = w.max_by_end;
    }
    w.price.validate(field(i, "price"));
  }
  // A minimum no later window's maximum allows cannot be met.
  for (std::size_t i = 0; i < windows.size(); ++i)
    if (windows[i].min_by_end)
      for (std::size_t j = i + 1; j < windows.size(); ++j)
        if (windows[j].max_by_end && *windows[j].max_by_end < *windows[i].min_by_end)
          throw invalid_input("maximum " + windows[j].max_by_end->to_string() + " is below the minimum " +
                                  windows[i].min_by_end->to_string() + " of the earlier window " + std::to_string(i),
                              field(j, "max_by_end"));
}

std::vector<window_span> repurchase_terms::spans() const {
  validate();
  return build_spans(*this);
}

std::optional<window_span> repurchase_terms::window_on(const date& on) const {
  for (const window_span& s : spans())
    if (s.contains(on)) return s;
  return std::nullopt;
}

price_quote repurchase_terms::quote(const date& on, const decimal& units, const deal_facts& facts,
                                    const std::string& where, explain_mode explain) const {
  const std::vector<window_span> all = spans();
  auto it = std::find_if(all.begin(), all.end(), [&](const window_span& s) { return s.contains(on); });
  if (it == all.end())
    throw domain_rule_error(to_iso(on) + " is outside every repurchase window (" + windows_text(all) + ")", where);
  price_quote q = quote_with(windows[it->index].price, on, units, facts, "repurchase price", where, explain);
  q.window = it->index;
  q.window_label = it->label;
  if (explain == explain_mode::full) q.why.add("window", "'" + it->label + "'", windows_text({*it}));
  return q;
}

price_quote repurchase_terms::quote_with(const price_formula& formula, const date& on, const decimal& units,
                                         const deal_facts& facts, const std::string& subject,
                                         const std::string& where, explain_mode explain) const {
  if (!investment.is_whole_units(units))
    throw invalid_input(units.to_string() + " is not a whole number of units (" +
                            std::to_string(investment.unit_places) + " places)",
                        where);
  formula_value v = evaluate(formula, investment, on, units, facts, where, explain);
  const currency ccy = investment.currency();
  decimal rounded;
  try {
    rounded = v.amount.round(ccy.minor_units(), rounding_mode);
  } catch (const rounding_needed&) {
    throw rounding_needed("the amount " + exact_text(v.amount) + " is not a whole number of minor units and the terms' "
                          "rounding is UNNECESSARY",
                          where);
  }
  price_quote q;
  q.on = on;
  q.units = units;
  q.proportion = investment.share_of_stake(units);
  q.exact_amount = v.amount;
  q.amount = money(rounded, ccy);
  q.price_per_unit = ratio(rounded) / ratio(units);
  if (explain == explain_mode::numbers_only) return q;
  q.formula = formula.describe();
  q.why.subject = subject + " of " + units.to_string() + " units on " + to_iso(on);
  q.why.formula = q.formula;
  q.why.add("proportion", exact_text(q.proportion), "u / U of the original stake");
  q.why.exact = std::string(ccy.code()) + " " + exact_text(v.amount) +
                (v.approximate ? " (a fractional power rounded to 30 significant digits on the way)" : "");
  const decimal step = decimal::from_parts(1, ccy.minor_units());
  q.why.rounding = "once, to " + step.to_string() + " " + std::string(ccy.code()) + ", " + to_string(rounding_mode);
  q.why.result = q.amount.to_string();
  q.why.steps.push_back(std::move(v.why));
  return q;
}

}  // namespace stakecalc
