// The platform's portfolio view, explicit FX conversion for reports, and proceeds distribution.
#include "stakecalc/platform.hpp"

#include <algorithm>
#include <set>

#include "stakecalc/distribution.hpp"
#include "stakecalc/fx_table.hpp"

namespace stakecalc {

// ------------------------------------------------------------------------------------------
// fx_table

std::string fx_rate_used::describe() const {
  if (!quote) return "same currency";
  std::string s = std::string(quote->base.code()) + "/" + std::string(quote->quote.code()) + " " +
                  quote->rate.to_string() + " on " + to_iso(quote->as_of);
  if (!quote->source.empty()) s += " (" + quote->source + ")";
  if (inverted) s += ", inverted";
  return s;
}

void fx_table::add(currency base, currency quote, const decimal& rate, const date& as_of, std::string source) {
  if (base == quote)
    throw invalid_input("a quote needs two different currencies, got " + std::string(base.code()) + " twice", "fx.quote");
  if (rate.signum() <= 0) throw invalid_input("rate " + rate.to_string() + " must be positive", "fx.rate");
  if (as_of.is_special()) throw invalid_input("not a calendar date", "fx.as_of");
  // One quote a pair a day (either way round): with two, the rate used would depend on their order.
  for (const fx_quote& q : quotes_)
    if (q.as_of == as_of && ((q.base == base && q.quote == quote) || (q.base == quote && q.quote == base)))
      throw invalid_input("a second " + std::string(q.base.code()) + "/" + std::string(q.quote.code()) + " quote on " +
                              to_iso(as_of) + " (the first says " + q.rate.to_string() + "); a pair has one quote a day",
                          "fx.as_of");
  quotes_.push_back(fx_quote{base, quote, rate, as_of, std::move(source)});
}

fx_rate_used fx_table::rate_for(currency from, currency to, const date& on) const {
  fx_rate_used used;
  if (from == to) return used;
  const fx_quote* direct = nullptr;
  const fx_quote* reverse = nullptr;
  for (const auto& q : quotes_) {
    if (q.as_of > on) continue;
    if (q.base == from && q.quote == to && (!direct || q.as_of >= direct->as_of)) direct = &q;
    if (q.base == to && q.quote == from && (!reverse || q.as_of >= reverse->as_of)) reverse = &q;
  }
  if (direct) {
    used.quote = *direct;
    used.factor = ratio(direct->rate);
  } else if (reverse) {
    used.quote = *reverse;
    used.inverted = true;
    used.factor = ratio(1) / ratio(reverse->rate);
  } else {
    throw invalid_input("no rate for " + std::string(from.code()) + " to " + std::string(to.code()) +
                            " on or before " + to_iso(on),
                        "fx");
  }
  return used;
}

fx_conversion fx_table::convert(const money& amount, currency to, const date& on, rounding mode) const {
  fx_rate_used used = rate_for(amount.currency(), to, on);
  money converted((ratio(amount.amount()) * used.factor).round(to.minor_units(), mode), to);
  return fx_conversion{amount, converted, used};
}

// ------------------------------------------------------------------------------------------
// the platform portfolio

platform_portfolio portfolio_on(const ledger& l, const std::string& platform_id, const date& on) {
  const holder& p = l.find_holder(platform_id);
  if (p.kind != holder_kind::platform)
    throw domain_rule_error("holder '" + platform_id + "' is " + with_article(p.kind) + ", not a platform", "platform");
  platform_portfolio out;
  out.platform = platform_id;
  out.on = on;
  std::vector<std::string> companies = l.companies_of(platform_id);
  std::sort(companies.begin(), companies.end());
  for (const auto& cid : companies) {
    cap_table t;
    try {
      t = l.cap_table_on(cid, on);
    } catch (const domain_rule_error&) {
      continue;  // not incorporated yet on that date
    }
    const currency c = t.company.currency;
    auto blank = [&](const std::string& beneficiary) {
      portfolio_line line{cid, beneficiary, decimal(), ratio(0), money::zero(c), std::nullopt, std::nullopt,
                          money::zero(c), money::zero(c), money::zero(c), std::nullopt, std::string()};
      if (t.mark) {
        line.mark_date = t.mark->on;
        line.mark_source = t.mark->source;
      }
      return line;
    };
    std::map<std::string, portfolio_line> per_beneficiary;
    portfolio_line total = blank("");
    bool any = false;
    for (const auto& kv : t.positions) {
      if (kv.first.first != platform_id) continue;
      for (const auto& lk : kv.second.lots) {
        any = true;
        auto it = per_beneficiary.find(lk.first);
        if (it == per_beneficiary.end()) it = per_beneficiary.emplace(lk.first, blank(lk.first)).first;
        for (portfolio_line* line : {&it->second, &total}) {
          line->units += lk.second.units;
          line->cost += lk.second.cost;
          line->realised_gain += lk.second.realised_gain;
          line->proceeds += lk.second.proceeds;
          line->dividends += lk.second.dividends;
        }
      }
    }
    if (!any) continue;
    auto finish = [&](portfolio_line& line) {
      line.ownership = t.total_units.is_zero() ? ratio(0) : ratio(line.units) / ratio(t.total_units);
      line.mark_value = t.mark_value(line.units);
      if (line.mark_value) line.unrealised_gain = *line.mark_value - line.cost;
    };
    finish(total);
    out.by_company.push_back(total);
    for (auto& kv : per_beneficiary) {
      finish(kv.second);
      out.by_beneficiary.push_back(kv.second);
    }
  }
  return out;
}

converted_portfolio convert_lines(const std::vector<portfolio_line>& lines, const fx_table& fx, currency to, const date& on, rounding mode) {
  converted_portfolio out{to, on, {}, money::zero(to), money::zero(to), money::zero(to),
                          money::zero(to)};
  for (const auto& line : lines) {
    const currency from = line.cost.currency();
    fx_rate_used rate = fx.rate_for(from, to, on);
    auto conv = [&](const money& m) { return money((ratio(m.amount()) * rate.factor).round(to.minor_units(), mode), to); };
    converted_line c{line, conv(line.cost), std::nullopt, std::nullopt, conv(line.realised_gain), conv(line.proceeds),
                     conv(line.dividends), rate};
    if (line.mark_value) {
      c.mark_value = conv(*line.mark_value);
      c.unrealised_gain = *c.mark_value - c.cost;
    }
    out.total_cost += c.cost;
    out.total_mark_value += c.mark_value ? *c.mark_value : c.cost;
    out.total_realised_gain += c.realised_gain;
    out.total_dividends += c.dividends;
    out.lines.push_back(std::move(c));
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// proceeds distribution

distribution_rules distribution_rules::china_statutory_default(const std::string& institution, const std::string& team,
                                                               std::vector<deduction> deductions,
                                                               const ratio& team_share) {
  distribution_rules r;
  r.deductions = std::move(deductions);
  r.shares = {recipient_share{team, team_share, true}, recipient_share{institution, ratio(1) - team_share, false}};
  r.team_floor = ratio(1, 2);
  r.validate();
  return r;
}

}  // namespace stakecalc
