// Results as documents (stakecalc/result_document.hpp): JSON, CSV and text tables.
#include "stakecalc/result_document.hpp"

#include <algorithm>

namespace stakecalc {

result_format parse_result_format(std::string_view name, const std::string& where) {
  if (name == "text") return result_format::text;
  if (name == "json") return result_format::json;
  if (name == "csv") return result_format::csv;
  throw invalid_input("unknown format '" + std::string(name.substr(0, 20)) + "' (expected text, json or csv)", where);
}

std::string exact_ratio_text(const ratio& value) {
  big_int d = value.denominator();
  while (!boost::multiprecision::bit_test(d, 0)) d >>= 1;
  while (d % 5 == 0) d /= 5;
  if (d == 1) return value.to_decimal().normalized().to_string();
  return value.to_string();
}

namespace {
// An amount with at least its currency's minor-unit places ("0" becomes "0.00"): padding is exact,
// and more places than the minor unit (an unrounded amount) are kept.
money with_minor_units(const money& m) {
  const int places = m.currency().minor_units();
  if (m.amount().scale() >= places) return m;
  return money(m.amount().rounded(places, rounding::unnecessary), m.currency());
}
}  // namespace

json money_to_json(const money& amount) {
  return {{"amount", with_minor_units(amount).amount().to_string()}, {"currency", std::string(amount.currency().code())}};
}

json explanation_to_json(const explanation& why) {
  json j = {{"subject", why.subject}, {"formula", why.formula}, {"result", why.result}};
  json inputs = json::array();
  for (const explanation_input& in : why.inputs) {
    json x = {{"name", in.name}, {"value", in.value}};
    if (!in.source.empty()) x["source"] = in.source;
    inputs.push_back(x);
  }
  j["inputs"] = inputs;
  if (!why.exact.empty()) j["exact"] = why.exact;
  if (!why.rounding.empty()) j["rounding"] = why.rounding;
  if (!why.steps.empty()) {
    json steps = json::array();
    for (const explanation& s : why.steps) steps.push_back(explanation_to_json(s));
    j["steps"] = steps;
  }
  return j;
}

// ---- tables -------------------------------------------------------------------------------------

namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Display width of UTF-8 text: code points, with CJK ideographs and full-width forms counting two
// columns, so that Chinese names do not break the alignment.
std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    unsigned cp = c;
    if (len == 3 && i + 2 < s.size())
      cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
    width += (len == 3 && ((cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFF60))) ? 2 : 1;
    i += len;
  }
  return width;
}

std::string padded(const std::string& s, std::size_t width, bool right) {
  const std::size_t w = display_width(s);
  const std::string pad(width > w ? width - w : 0, ' ');
  return right ? pad + s : s + pad;
}

std::string money_cell(const money& m, cell_style style) {
  const money shown = with_minor_units(m);
  return style == cell_style::exact ? shown.amount().to_string() : shown.to_string();
}
std::string decimal_money_cell(const decimal& amount, currency ccy, cell_style style) {
  return money_cell(money(amount, ccy), style);
}
std::string units_cell(const decimal& u, cell_style style) {
  return style == cell_style::exact ? u.to_string() : money::group_thousands(u.to_string());
}
// A share (ownership, proportion): exact text, or a percentage to 4 places.
std::string share_cell(const ratio& q, cell_style style) {
  if (style == cell_style::exact) return exact_ratio_text(q);
  return (q * ratio(100)).round(4, rounding::half_even).to_string() + "%";
}
std::string multiple_cell(const ratio& q, cell_style style) {
  if (style == cell_style::exact) return exact_ratio_text(q);
  return q.round(4, rounding::half_even).to_string() + "x";
}
// A rate or IRR: the decimal as computed, or a percentage to 4 places.
std::string rate_cell(const std::optional<decimal>& r, cell_style style) {
  if (!r) return style == cell_style::exact ? "" : "n/a";
  if (style == cell_style::exact) return r->to_string();
  return (*r * decimal(100)).rounded(4, rounding::half_even).to_string() + "%";
}
std::string per_unit_cell(const ratio& p, currency ccy, cell_style style) {
  if (style == cell_style::exact) return exact_ratio_text(p);
  return std::string(ccy.code()) + " " + money::group_thousands(p.round(6, rounding::half_even).to_string());
}

json flows_json(const std::vector<cash_flow>& flows) {
  json a = json::array();
  for (const cash_flow& f : flows) a.push_back({{"on", to_iso(f.on)}, {"amount", money_to_json(f.amount)}});
  return a;
}

json optional_decimal_json(const std::optional<decimal>& d) { return d ? json(d->to_string()) : json(nullptr); }

}  // namespace

std::string to_csv(const result_table& t) {
  const bool explained = !t.explanations.empty();
  std::string out;
  auto line = [&](const std::vector<std::string>& cells, const std::string* extra) {
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_field(cells[i]);
    if (extra) out += "," + csv_field(*extra);
    out += "\r\n";
  };
  const std::string heading = "explanation";
  line(t.columns, explained ? &heading : nullptr);
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::string why;
    if (explained && r < t.explanations.size()) why = t.explanations[r].to_text();
    line(t.rows[r], explained ? &why : nullptr);
  }
  return out;
}

std::string to_text(const result_table& t) {
  std::vector<std::size_t> width(t.columns.size(), 0);
  for (std::size_t c = 0; c < t.columns.size(); ++c) width[c] = display_width(t.columns[c]);
  for (const auto& row : t.rows)
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], display_width(row[c]));
  std::size_t total = 0;
  for (std::size_t w : width) total += w;
  total += width.empty() ? 0 : 2 * (width.size() - 1);
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < width.size(); ++c) {
      const bool right = c < t.numeric.size() && t.numeric[c];
      std::string cell = padded(c < cells.size() ? cells[c] : std::string(), width[c], right);
      out += (c ? "  " : "") + cell;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();  // no trailing blanks
    return out + "\n";
  };
  std::string out;
  if (!t.title.empty()) out += t.title + "\n\n";
  out += line(t.columns);
  out += std::string(total, '-') + "\n";
  for (const auto& row : t.rows) out += line(row);
  if (!t.explanations.empty()) {
    // Each explanation under the row it belongs to, named by the row's first cell.
    for (std::size_t r = 0; r < t.explanations.size(); ++r) {
      const std::string row = r < t.rows.size() && !t.rows[r].empty() ? t.rows[r][0] : std::to_string(r + 1);
      out += "\n" + (t.columns.empty() ? std::string() : t.columns[0] + " ") + row + ":\n" + t.explanations[r].to_text(2);
    }
  }
  return out;
}

// ---- exit paths ---------------------------------------------------------------------------------

json exit_paths_json(const std::vector<exit_path_result>& results, bool explain) {
  json a = json::array();
  for (const exit_path_result& r : results) {
    json x = {{"path", r.path},
              {"cash_recovered", money_to_json(r.cash_recovered)},
              {"fund_irr", optional_decimal_json(r.fund_irr)},
              {"fund_multiple", exact_ratio_text(r.fund_multiple)},
              {"grant_equivalent", money_to_json(r.grant_equivalent.value)},
              {"grant_equivalent_share", exact_ratio_text(r.grant_equivalent.of_investment)},
              {"team_cost", money_to_json(r.team_cost)},
              {"team_ownership", r.team_ownership ? json(exact_ratio_text(*r.team_ownership)) : json(nullptr)},
              {"fund_units_left", r.fund_units_left.to_string()},
              {"fund_flows", flows_json(r.fund_flows)}};
    if (explain) x["explanation"] = explanation_to_json(r.grant_equivalent.why);
    a.push_back(x);
  }
  return {{"exit_paths", a}};
}

result_table exit_paths_table(const std::vector<exit_path_result>& results, cell_style style, bool explain) {
  result_table t;
  t.title = "Exit paths compared";
  t.columns = {"path", "cash recovered", "IRR", "multiple", "grant-equivalent", "of investment", "team cost", "team ownership"};
  t.numeric = {false, true, true, true, true, true, true, true};
  for (const exit_path_result& r : results) {
    t.rows.push_back({r.path, money_cell(r.cash_recovered, style), rate_cell(r.fund_irr, style),
                      multiple_cell(r.fund_multiple, style), money_cell(r.grant_equivalent.value, style),
                      share_cell(r.grant_equivalent.of_investment, style), money_cell(r.team_cost, style),
                      r.team_ownership ? share_cell(*r.team_ownership, style) : std::string(style == cell_style::exact ? "" : "n/a")});
    if (explain) t.explanations.push_back(r.grant_equivalent.why);
  }
  return t;
}

// ---- repurchase ---------------------------------------------------------------------------------

namespace {
json tranches_json(const std::vector<tranche_result>& results, bool explain) {
  json tranches = json::array();
  for (const tranche_result& t : results) {
    const price_quote& q = t.price;
    json x = {{"index", t.index},
              {"on", to_iso(q.on)},
              {"buyer", t.buyer},
              {"window", q.window_label},
              {"formula", q.formula},
              {"proportion", exact_ratio_text(q.proportion)},
              {"units", q.units.to_string()},
              {"price_per_unit", exact_ratio_text(q.price_per_unit)},
              {"amount", money_to_json(q.amount)},
              {"units_left_after", t.units_left_after.to_string()},
              {"stake_left_after", exact_ratio_text(t.stake_left_after)},
              {"capital_reduction", t.capital_reduction}};
    if (explain) x["explanation"] = explanation_to_json(q.why);
    tranches.push_back(x);
  }
  return tranches;
}
}  // namespace

json repurchase_json(const repurchase_evaluation& ev, bool explain) {
  json tranches = tranches_json(ev.tranches, explain);
  json missed = json::array();
  for (const missed_minimum& m : ev.missed_minimums)
    missed.push_back({{"window", m.label}, {"end", to_iso(m.end)}, {"required", exact_ratio_text(m.required)},
                      {"bought", exact_ratio_text(m.bought)}});
  json by_buyer = json::object();
  for (const auto& [buyer, cost] : ev.cost_by_buyer) by_buyer[buyer.empty() ? "(company)" : buyer] = money_to_json(cost);
  return {{"tranches", tranches},
          {"units_left", ev.units_left.to_string()},
          {"stake_left", exact_ratio_text(ev.stake_left)},
          {"fund_flows", flows_json(ev.fund_flows)},
          {"fund_irr", optional_decimal_json(ev.fund_irr)},
          {"fund_multiple", exact_ratio_text(ev.fund_multiple)},
          {"fund_cash_recovered", money_to_json(ev.fund_cash_recovered)},
          {"team_cost", money_to_json(ev.team_cost)},
          {"cost_by_buyer", by_buyer},
          {"missed_minimums", missed}};
}

result_table repurchase_table(const repurchase_evaluation& ev, cell_style style, bool explain) {
  result_table t;
  t.title = "Repurchase executions";
  t.columns = {"#", "date", "buyer", "window", "proportion", "units", "price per unit", "amount", "stake left"};
  t.numeric = {true, false, false, false, true, true, true, true, true};
  for (const tranche_result& r : ev.tranches) {
    const price_quote& q = r.price;
    t.rows.push_back({std::to_string(r.index + 1), to_iso(q.on), r.buyer.empty() ? "(company)" : r.buyer,
                      q.window_label, share_cell(q.proportion, style), units_cell(q.units, style),
                      per_unit_cell(q.price_per_unit, q.amount.currency(), style), money_cell(q.amount, style),
                      share_cell(r.stake_left_after, style)});
    if (explain) t.explanations.push_back(q.why);
  }
  return t;
}

// ---- equity to debt -----------------------------------------------------------------------------

json conversion_json(const conversion_result& c, bool explain) {
  const currency ccy = c.principal.currency();
  json loans = json::array();
  for (const debtor_loan& l : c.loans) {
    json rows = json::array();
    for (const loan_schedule_row& r : l.schedule)
      rows.push_back({{"start", to_iso(r.start)},
                      {"end", to_iso(r.end)},
                      {"payment_date", to_iso(r.payment_date)},
                      {"days", r.days},
                      {"rate", r.rate.to_string()},
                      {"opening_balance", r.opening_balance.to_string()},
                      {"interest", r.interest.to_string()},
                      {"principal", r.principal.to_string()},
                      {"payment", r.payment.to_string()},
                      {"closing_balance", r.closing_balance.to_string()}});
    json x = {{"debtor", l.debtor},
              {"share", exact_ratio_text(l.share)},
              {"is_company", l.is_company},
              {"principal", money_to_json(l.principal)},
              {"currency", std::string(ccy.code())},
              {"schedule", rows},
              {"totals",
               {{"principal", l.totals.principal.to_string()},
                {"interest", l.totals.interest.to_string()},
                {"payments", l.totals.payments.to_string()},
                {"instalments", l.totals.instalments},
                {"last_payment", l.totals.last_payment ? json(to_iso(*l.totals.last_payment)) : json(nullptr)}}}};
    if (l.legal_cap) {
      const private_lending_cap_check& k = *l.legal_cap;
      x["legal_cap"] = {{"contract_date", to_iso(k.contract_date)}, {"lpr_1y", k.lpr_1y.to_string()},
                        {"cap", k.cap.to_string()},                 {"rate", k.rate.to_string()},
                        {"penalty_rate", k.penalty_rate.to_string()}, {"rate_within_cap", k.rate_within_cap},
                        {"penalty_within_cap", k.penalty_within_cap}, {"rule", k.rule}};
    }
    loans.push_back(x);
  }
  json units_to = json::array();
  for (const units_transfer& u : c.units_to) units_to.push_back({{"holder", u.holder}, {"units", u.units.to_string()}});
  json j = {{"on", to_iso(c.on)},
            {"trigger", c.trigger ? json{{"kind", to_string(c.trigger->kind)}, {"on", to_iso(c.trigger->on)}, {"reason", c.trigger->reason}}
                                  : json(nullptr)},
            {"units_converted", c.units_converted.to_string()},
            {"stake_converted", exact_ratio_text(c.stake_converted)},
            {"remaining_cost", exact_ratio_text(c.remaining_cost)},
            {"exact_principal", exact_ratio_text(c.exact_principal)},
            {"principal", money_to_json(c.principal)},
            {"statement", explanation_to_json(c.statement)},
            {"loans", loans},
            {"units_cancelled", c.units_cancelled},
            {"units_to", units_to},
            {"fund_flows", flows_json(c.fund_flows)},
            {"fund_irr", optional_decimal_json(c.fund_irr)},
            {"fund_multiple", exact_ratio_text(c.fund_multiple)},
            {"fund_cash_recovered", money_to_json(c.fund_cash_recovered)},
            {"team_cost", money_to_json(c.team_cost)}};
  j["repurchases"] = tranches_json(c.repurchases, explain);
  return j;
}

result_table conversion_summary_table(const conversion_result& c, cell_style style) {
  result_table t;
  t.title = "Conversion statement";
  t.columns = {"item", "value"};
  t.numeric = {false, false};  // a listing: the trigger's reason is a sentence
  const currency ccy = c.principal.currency();
  t.rows.push_back({"conversion date", to_iso(c.on)});
  if (c.trigger) t.rows.push_back({"trigger", c.trigger->reason});
  t.rows.push_back({"units converted", units_cell(c.units_converted, style)});
  t.rows.push_back({"stake converted", share_cell(c.stake_converted, style)});
  t.rows.push_back({"remaining cost",
                    style == cell_style::exact ? exact_ratio_text(c.remaining_cost)
                                               : decimal_money_cell(c.remaining_cost.round(ccy.minor_units(), rounding::half_even), ccy, style)});
  t.rows.push_back({"principal", money_cell(c.principal, style)});
  for (const debtor_loan& l : c.loans)
    t.rows.push_back({"owed by " + l.debtor + " (" + share_cell(l.share, style) + ")", money_cell(l.principal, style)});
  t.rows.push_back({"units", c.units_cancelled ? std::string("cancelled") : std::string("to the team")});
  t.rows.push_back({"fund cash recovered", money_cell(c.fund_cash_recovered, style)});
  t.rows.push_back({"fund IRR", rate_cell(c.fund_irr, style)});
  t.rows.push_back({"fund multiple", multiple_cell(c.fund_multiple, style)});
  t.rows.push_back({"team cost", money_cell(c.team_cost, style)});
  return t;
}

result_table repayment_table(const conversion_result& c, cell_style style) {
  result_table t;
  t.title = "Repayment schedule";
  t.columns = {"debtor", "#", "payment date", "days", "rate", "opening", "interest", "principal", "payment", "closing", "currency"};
  t.numeric = {false, true, false, true, true, true, true, true, true, true, false};
  const currency ccy = c.principal.currency();
  auto amount = [&](const decimal& d) {
    return style == cell_style::exact ? d.to_string() : money::group_thousands(d.to_string());
  };
  for (const debtor_loan& l : c.loans) {
    std::size_t n = 0;
    for (const loan_schedule_row& r : l.schedule)
      t.rows.push_back({l.debtor, std::to_string(++n), to_iso(r.payment_date), std::to_string(r.days),
                        rate_cell(r.rate, style), amount(r.opening_balance), amount(r.interest), amount(r.principal),
                        amount(r.payment), amount(r.closing_balance), std::string(ccy.code())});
    t.rows.push_back({l.debtor, "total", "", "", "", "", amount(l.totals.interest), amount(l.totals.principal),
                      amount(l.totals.payments), "", std::string(ccy.code())});
  }
  return t;
}

// ---- sweeps -------------------------------------------------------------------------------------

json sweep_json(const std::vector<sweep_row>& rows) {
  json a = json::array();
  for (const sweep_row& row : rows) {
    json inputs = {{"exit_on", to_iso(row.inputs.exit_on)}};
    if (row.inputs.valuation) inputs["valuation"] = row.inputs.valuation->to_string();
    if (row.inputs.rate) inputs["rate"] = row.inputs.rate->to_string();
    if (row.inputs.proportion) inputs["proportion"] = exact_ratio_text(*row.inputs.proportion);
    json paths = json::array();
    for (const sweep_path_result& p : row.paths) {
      json x = {{"path", to_string(p.path)}};
      if (p.failure) {
        x["failure"] = {{"kind", to_string(p.failure->kind)}, {"where", p.failure->where}, {"message", p.failure->message}};
      } else {
        x["fund_irr"] = optional_decimal_json(p.fund_irr);
        x["fund_multiple"] = exact_ratio_text(p.fund_multiple);
        x["cash_recovered"] = money_to_json(p.cash_recovered);
        x["grant_equivalent"] = money_to_json(p.grant_equivalent);
        x["grant_equivalent_share"] = exact_ratio_text(p.grant_equivalent_share);
        x["team_cost"] = money_to_json(p.team_cost);
        x["fund_units_left"] = p.fund_units_left.to_string();
        x["team_ownership"] = p.team_ownership ? json(exact_ratio_text(*p.team_ownership)) : json(nullptr);
      }
      paths.push_back(x);
    }
    a.push_back({{"index", row.index}, {"inputs", inputs}, {"paths", paths}});
  }
  return {{"rows", a}};
}

result_table sweep_table(const std::vector<sweep_row>& rows, cell_style style) {
  result_table t;
  t.title = "Sweep";
  t.columns = {"#", "exit on", "valuation", "rate", "proportion"};
  t.numeric = {true, false, true, true, true};
  if (!rows.empty())
    for (const sweep_path_result& p : rows.front().paths)
      for (const char* col : {"IRR", "multiple", "cash recovered", "grant-equivalent", "team cost"}) {
        t.columns.push_back(to_string(p.path) + " " + col);
        t.numeric.push_back(true);
      }
  for (const sweep_row& row : rows) {
    std::vector<std::string> cells = {std::to_string(row.index), to_iso(row.inputs.exit_on),
                                      row.inputs.valuation ? units_cell(*row.inputs.valuation, style) : "",
                                      rate_cell(row.inputs.rate, style),
                                      row.inputs.proportion ? share_cell(*row.inputs.proportion, style) : ""};
    for (const sweep_path_result& p : row.paths) {
      if (p.failure) {
        cells.push_back(p.failure->message);
        for (int k = 0; k < 4; ++k) cells.emplace_back();
        continue;
      }
      cells.push_back(rate_cell(p.fund_irr, style));
      cells.push_back(multiple_cell(p.fund_multiple, style));
      cells.push_back(money_cell(p.cash_recovered, style));
      cells.push_back(money_cell(p.grant_equivalent, style));
      cells.push_back(money_cell(p.team_cost, style));
    }
    t.rows.push_back(std::move(cells));
  }
  return t;
}

// ---- platform -----------------------------------------------------------------------------------

namespace {
json portfolio_line_json(const portfolio_line& l) {
  json x = {{"company_id", l.company_id},
            {"units", l.units.to_string()},
            {"ownership", exact_ratio_text(l.ownership)},
            {"cost", money_to_json(l.cost)},
            {"mark_value", l.mark_value ? money_to_json(*l.mark_value) : json(nullptr)},
            {"unrealised_gain", l.unrealised_gain ? money_to_json(*l.unrealised_gain) : json(nullptr)},
            {"realised_gain", money_to_json(l.realised_gain)},
            {"proceeds", money_to_json(l.proceeds)},
            {"dividends", money_to_json(l.dividends)},
            {"mark_date", l.mark_date ? json(to_iso(*l.mark_date)) : json(nullptr)},
            {"mark_source", l.mark_source}};
  if (!l.beneficiary.empty()) x["beneficiary"] = l.beneficiary;
  return x;
}
}  // namespace

json portfolio_json(const platform_portfolio& p) {
  json by_company = json::array(), by_beneficiary = json::array();
  for (const portfolio_line& l : p.by_company) by_company.push_back(portfolio_line_json(l));
  for (const portfolio_line& l : p.by_beneficiary) by_beneficiary.push_back(portfolio_line_json(l));
  return {{"platform", p.platform}, {"on", to_iso(p.on)}, {"by_company", by_company}, {"by_beneficiary", by_beneficiary}};
}

result_table portfolio_table(const platform_portfolio& p, cell_style style) {
  result_table t;
  t.title = "Portfolio of " + p.platform + " on " + to_iso(p.on);
  t.columns = {"company", "for", "units", "ownership", "cost", "mark value", "unrealised", "realised", "dividends"};
  t.numeric = {false, false, true, true, true, true, true, true, true};
  auto add = [&](const portfolio_line& l) {
    const std::string none = style == cell_style::exact ? "" : "n/a";
    t.rows.push_back({l.company_id, l.beneficiary.empty() ? "(all)" : l.beneficiary, units_cell(l.units, style),
                      share_cell(l.ownership, style), money_cell(l.cost, style),
                      l.mark_value ? money_cell(*l.mark_value, style) : none,
                      l.unrealised_gain ? money_cell(*l.unrealised_gain, style) : none,
                      money_cell(l.realised_gain, style), money_cell(l.dividends, style)});
  };
  for (const portfolio_line& l : p.by_company) add(l);
  for (const portfolio_line& l : p.by_beneficiary) add(l);
  return t;
}

json converted_portfolio_json(const converted_portfolio& p) {
  json lines = json::array();
  for (const converted_line& l : p.lines)
    lines.push_back({{"company_id", l.line.company_id},
                     {"original_cost", money_to_json(l.line.cost)},
                     {"rate", l.rate.describe()},
                     {"factor", exact_ratio_text(l.rate.factor)},
                     {"cost", money_to_json(l.cost)},
                     {"mark_value", l.mark_value ? money_to_json(*l.mark_value) : json(nullptr)},
                     {"unrealised_gain", l.unrealised_gain ? money_to_json(*l.unrealised_gain) : json(nullptr)},
                     {"realised_gain", money_to_json(l.realised_gain)},
                     {"dividends", money_to_json(l.dividends)}});
  return {{"currency", std::string(p.currency.code())},
          {"on", to_iso(p.on)},
          {"lines", lines},
          {"total_cost", money_to_json(p.total_cost)},
          {"total_mark_value", money_to_json(p.total_mark_value)},
          {"total_realised_gain", money_to_json(p.total_realised_gain)},
          {"total_dividends", money_to_json(p.total_dividends)}};
}

result_table converted_portfolio_table(const converted_portfolio& p, cell_style style) {
  result_table t;
  t.title = "Portfolio in " + std::string(p.currency.code()) + " on " + to_iso(p.on);
  t.columns = {"company", "original cost", "rate", "cost", "mark value", "realised", "dividends"};
  t.numeric = {false, true, false, true, true, true, true};
  const std::string none = style == cell_style::exact ? "" : "n/a";
  for (const converted_line& l : p.lines)
    t.rows.push_back({l.line.company_id, money_cell(l.line.cost, style), l.rate.describe(), money_cell(l.cost, style),
                      l.mark_value ? money_cell(*l.mark_value, style) : none, money_cell(l.realised_gain, style),
                      money_cell(l.dividends, style)});
  t.rows.push_back({"total (unmarked lines at cost)", "", "", money_cell(p.total_cost, style),
                    money_cell(p.total_mark_value, style), money_cell(p.total_realised_gain, style),
                    money_cell(p.total_dividends, style)});
  return t;
}

json distribution_json(const distribution_result& d) {
  auto lines = [](const std::vector<distribution_line>& v) {
    json a = json::array();
    for (const distribution_line& l : v) a.push_back({{"name", l.name}, {"amount", money_to_json(l.amount)}, {"basis", l.basis}});
    return a;
  };
  return {{"gross", money_to_json(d.gross)},
          {"deductions", lines(d.deductions)},
          {"net", money_to_json(d.net)},
          {"shares", lines(d.shares)},
          {"total", money_to_json(d.total())}};
}

result_table distribution_table(const distribution_result& d, cell_style style) {
  result_table t;
  t.title = "Distribution of " + d.gross.to_string();
  t.columns = {"line", "amount", "basis"};
  t.numeric = {false, true, false};
  for (const distribution_line& l : d.deductions) t.rows.push_back({"less " + l.name, money_cell(l.amount, style), l.basis});
  t.rows.push_back({"net", money_cell(d.net, style), ""});
  for (const distribution_line& l : d.shares) t.rows.push_back({l.name, money_cell(l.amount, style), l.basis});
  t.rows.push_back({"total", money_cell(d.total(), style), "equals the gross"});
  return t;
}

}  // namespace stakecalc
