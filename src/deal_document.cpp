// Deal documents (stakecalc/deal_document.hpp): the strict loader and the canonical writer.
//
// The loader reads each section into locals with object_reader (which refuses unknown fields),
// builds the library's values and asks them to validate themselves. The library names a bad field
// the way its structs do ("windows[1].price.rate.spread", "event[3].units", "rules.shares[0]");
// the JSON keys are the struct members' names, so located() turns that into a JSON pointer below
// the section ("/repurchase/windows/1/price/rate/spread"). Only when every section has loaded is
// the document assembled and returned.
#include "stakecalc/deal_document.hpp"

#include "stakecalc/detail/relocated_error.hpp"

#include <algorithm>
#include <climits>
#include <initializer_list>
#include <utility>

namespace stakecalc {

namespace {

// ---- errors located in the document ------------------------------------------------------------

// "windows[1].price.rate" -> "/windows/1/price/rate" (keys escaped as RFC 6901 asks).
std::string dotted_to_pointer(std::string_view dotted) {
  std::string out;
  for (char c : dotted) {
    if (c == '.' || c == '[')
      out += '/';
    else if (c == ']')
      continue;
    else if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  if (!out.empty() && out[0] != '/') out.insert(out.begin(), '/');
  return out;
}

// A library field path prefix and the JSON pointer it stands for in this document.
struct field_prefix {
  std::string dotted;   // "event", "rules", "" (anything)
  std::string pointer;  // "/ledger/events", "/platform/rules", "/repurchase"
};

// Segments whose JSON key differs from the struct member's name.
std::string renamed_segments(const std::string& pointer) {
  static const std::pair<const char*, const char*> renames[] = {{"cls", "share_class"}, {"ccy", "currency"}};
  std::string out;
  std::size_t start = 0;
  while (start < pointer.size()) {
    std::size_t slash = pointer.find('/', start + 1);
    std::string segment = pointer.substr(start + 1, slash == std::string::npos ? std::string::npos : slash - start - 1);
    for (const auto& r : renames)
      if (segment == r.first) segment = r.second;
    out += "/" + segment;
    if (slash == std::string::npos) break;
    start = slash;
  }
  return out;
}

// The JSON pointer of a field the library named: already a pointer, a prefix the section maps,
// or a path below `fallback`.
std::string locate(const std::string& where, const std::vector<field_prefix>& prefixes, const std::string& fallback) {
  if (!where.empty() && where[0] == '/') return where;
  for (const field_prefix& p : prefixes) {
    if (p.dotted.empty()) return renamed_segments(p.pointer + dotted_to_pointer(where));
    if (where.compare(0, p.dotted.size(), p.dotted) != 0) continue;
    if (where.size() == p.dotted.size() || where[p.dotted.size()] == '.' || where[p.dotted.size()] == '[')
      return renamed_segments(p.pointer + dotted_to_pointer(where.substr(p.dotted.size())));
  }
  return renamed_segments(fallback + dotted_to_pointer(where));
}

// Runs f (a constructor, a validate()); any stakecalc error becomes an invalid_input located in the
// document. One helper for every section, so that every refusal reads the same way.
template <class F>
decltype(auto) located(const std::vector<field_prefix>& prefixes, const std::string& fallback, F&& f) {
  try {
    return f();
  } catch (const error& e) {
    throw invalid_input(detail::bare_message(e), locate(e.where(), prefixes, fallback));
  }
}

// ---- values -------------------------------------------------------------------------------------

std::string type_and_value(const json& v) { return std::string(v.type_name()) + " " + quote_json(v); }

constexpr std::size_t max_whole_digits = 24;

// Money and rates are decimal strings: a JSON number, even an integer, is refused so that the
// format has one spelling for an amount and no parser in between can turn it into a float.
decimal decimal_string(const json& v, const std::string& at) {
  if (v.is_number())
    throw invalid_input("expected a decimal string such as \"" + v.dump() + "\", got the JSON number " + v.dump() +
                            " (amounts and rates are written as strings, so no binary float touches them)",
                        at);
  if (!v.is_string()) throw invalid_input("expected a decimal string, got " + type_and_value(v), at);
  decimal d = decimal::parse(v.get<std::string>(), at);
  // No amount, count or rate of a contract needs more than 24 digits before the point (10^24 is
  // beyond the world's money in any currency); more is a slip of the keyboard, refused here rather
  // than overflowing a present value or an IRR later.
  const std::string text = d.to_string();
  const std::size_t first = text.find_first_not_of("-0");
  const std::size_t point = text.find('.');
  const std::size_t whole = first == std::string::npos || (point != std::string::npos && first >= point)
                                ? 0
                                : (point == std::string::npos ? text.size() : point) - first;
  if (whole > max_whole_digits)
    throw invalid_input(std::to_string(whole) + " digits before the point, more than the " +
                            std::to_string(max_whole_digits) + " any amount, count or rate of a contract needs",
                        at);
  return d;
}

// Proportions and shares: "0.3" or an exact fraction "1/3".
ratio ratio_string(const json& v, const std::string& at) {
  if (v.is_number())
    throw invalid_input("expected a proportion as a string (\"0.25\" or \"1/4\"), got the JSON number " + v.dump(), at);
  if (!v.is_string()) throw invalid_input("expected a proportion as a string (\"0.25\" or \"1/4\"), got " + type_and_value(v), at);
  return ratio::parse(v.get<std::string>(), at);
}

// "3Y" (after the investment) or "2027-06-30".
term_date term_date_string(const json& v, const std::string& at) {
  const std::string text = string_from_json(v, at);
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') return term_date(parse_date(text, at));
  return term_date(tenor::parse(text, at));
}

// An object_reader (which refuses unknown fields at finish()) with the value readers of this
// format: decimal strings, proportions, term dates, optional small integers and arrays.
struct reader {
  object_reader r;

  reader(const json& v, const std::string& at) : r(v, at) {}
  std::string at(std::string_view key) const { return r.at(key); }

  decimal dec(std::string_view key) { return decimal_string(r.required(key), at(key)); }
  std::optional<decimal> opt_dec(std::string_view key) {
    const json* v = r.optional(key);
    if (!v) return std::nullopt;
    return decimal_string(*v, at(key));
  }
  decimal dec_or(std::string_view key, const decimal& fallback) { return opt_dec(key).value_or(fallback); }
  ratio rat(std::string_view key) { return ratio_string(r.required(key), at(key)); }
  std::optional<ratio> opt_rat(std::string_view key) {
    const json* v = r.optional(key);
    if (!v) return std::nullopt;
    return ratio_string(*v, at(key));
  }
  std::optional<term_date> opt_term(std::string_view key) {
    const json* v = r.optional(key);
    if (!v) return std::nullopt;
    return term_date_string(*v, at(key));
  }
  int small_int(std::string_view key, int fallback) {
    if (!r.optional(key)) return fallback;
    return static_cast<int>(r.integer(key, INT_MIN, INT_MAX));
  }
  // An array, possibly empty; none when absent.
  const json* list(std::string_view key) {
    const json* v = r.optional(key);
    if (v && !v->is_array()) throw invalid_input("expected an array, got " + type_and_value(*v), at(key));
    return v;
  }
  std::string text_or(std::string_view key, std::string fallback) {
    return r.optional_string(key).value_or(std::move(fallback));
  }
};

// One of a closed set of names; a near miss is suggested.
template <class E>
E choose(const json& v, const std::string& at, const char* what, std::initializer_list<std::pair<const char*, E>> options) {
  const std::string text = string_from_json(v, at);
  std::vector<std::string> names;
  for (const auto& o : options) {
    if (text == o.first) return o.second;
    names.emplace_back(o.first);
  }
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) list += (i ? (i + 1 == names.size() ? " or " : ", ") : "") + names[i];
  std::string message = "unknown " + std::string(what) + " " + quote_json(v) + " (expected " + list + ")";
  if (auto near = closest_name(text, names)) message += "; did you mean '" + *near + "'?";
  throw invalid_input(message, at);
}

// A name the library parses (with its aliases), which a document must write canonically so that
// it has one spelling and to_json reproduces it.
template <class E, class Parse, class Name>
E canonical(const json& v, const std::string& at, Parse parse, Name name_of, const std::vector<std::string>& names = {}) {
  const std::string text = string_from_json(v, at);
  std::optional<E> parsed;
  try {
    parsed.emplace(parse(text, at));
  } catch (const invalid_input& refused) {
    // The library's parsers list what they accept; add the nearest, as the document's own
    // closed sets do ("HALF_EVN": did you mean 'HALF_EVEN'?).
    const auto near = closest_name(text, names);
    if (!near) throw;
    throw invalid_input(detail::bare_message(refused) + "; did you mean '" + *near + "'?", at);
  }
  E e = std::move(*parsed);
  const std::string name(name_of(e));
  if (text != name) throw invalid_input("write \"" + name + "\" for " + quote_json(v) + " (the canonical spelling)", at);
  return e;
}

template <std::size_t N>
std::vector<std::string> names_of(const std::array<std::string_view, N>& names) {
  return {names.begin(), names.end()};
}

rounding rounding_value(const json& v, const std::string& at) {
  return canonical<rounding>(v, at, [](std::string_view t, const std::string& w) { return parse_rounding(t, w); },
                             [](rounding m) { return to_string(m); }, names_of(rounding_names));
}
day_counter day_count_value(const json& v, const std::string& at) {
  return canonical<day_counter>(v, at, [](std::string_view t, const std::string& w) { return day_counter::parse(t, w); },
                                [](const day_counter& d) { return std::string(d.name()); }, names_of(day_count_names));
}
business_day_convention convention_value(const json& v, const std::string& at) {
  return canonical<business_day_convention>(
      v, at, [](std::string_view t, const std::string& w) { return parse_business_day_convention(t, w); },
      [](business_day_convention c) { return to_string(c); }, names_of(business_day_convention_names));
}
share_class class_value(reader& r, std::string_view key) {
  const json* v = r.r.optional(key);
  if (!v) return share_class::common;
  return parse_share_class(string_from_json(*v, r.at(key)), r.at(key));
}

const char* benchmark_day_name(benchmark_day d) {
  return d == benchmark_day::investment_date ? "investment_date" : "repurchase_date";
}

std::string cycle_text(const cycle& c) {
  return c.stub() == stub_kind::long_stub ? "P" + c.step().to_string() + "L0" : c.step().to_string();
}

// A ratio as a document writes it: the decimal when it terminates, else the fraction.
std::string ratio_text(const ratio& q) {
  big_int d = q.denominator();
  while (!boost::multiprecision::bit_test(d, 0)) d >>= 1;
  while (d % 5 == 0) d /= 5;
  if (d == 1) return q.to_decimal().normalized().to_string();
  return q.to_string();
}

std::string term_text(const term_date& t) {
  const std::string s = t.to_string();  // "t0 + 3Y" or "2027-06-30"
  return s.rfind("t0 + ", 0) == 0 ? s.substr(5) : s;
}

// ---- calendars, rate tables ---------------------------------------------------------------------

std::vector<calendar> load_calendars(const json* list, const std::string& at) {
  std::vector<calendar> out;
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = json_pointer_join(at, i);
    {
      // calendar::from_json refuses unknown fields too; checking them here first adds the
      // "did you mean" that a document's other sections give.
      reader fields((*list)[i], p);
      for (const char* key : {"name", "weekend", "holidays", "working_days", "first_year", "last_year"})
        (void)fields.r.optional(key);
      fields.r.finish();
    }
    calendar c = calendar::from_json((*list)[i], p);
    for (const calendar& earlier : out)
      if (earlier.name() == c.name())
        throw invalid_input("a second calendar named " + quote_json(c.name()), json_pointer_join(p, "name"));
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<rate_table> load_rate_tables(const json* list, const std::string& at) {
  std::vector<rate_table> out;
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = json_pointer_join(at, i);
    rate_table t = rate_table::from_json((*list)[i], p);
    for (const rate_table& earlier : out)
      if (earlier.name() == t.name())
        throw invalid_input("a second rate table named " + quote_json(t.name()), json_pointer_join(p, "name"));
    out.push_back(std::move(t));
  }
  return out;
}

calendar calendar_named(const std::string& name, const std::vector<calendar>& calendars, const std::string& at) {
  for (const calendar& c : calendars)
    if (c.name() == name) return c;
  if (calendars.empty()) return calendar::builtin(name, at);
  try {
    return calendar::builtin(name, at);
  } catch (const invalid_input&) {
    // Name the document's own calendars too, and the nearest of all.
    std::vector<std::string> names{"WEEKENDS", "CN", "CN-SSE"};
    for (const calendar& c : calendars) names.push_back(c.name());
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    std::string message = "unknown calendar " + quote_json(name) + " (known: " + known + ")";
    if (auto near = closest_name(name, names)) message += "; did you mean '" + *near + "'?";
    throw invalid_input(message, at);
  }
}

fx_table load_fx(const json* list, const std::string& at) {
  fx_table fx;
  if (!list) return fx;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = json_pointer_join(at, i);
    reader r((*list)[i], p);
    const currency base = r.r.currency_value("base");
    const currency quote = r.r.currency_value("quote");
    const decimal rate = r.dec("rate");
    const date as_of = r.r.date_value("as_of");
    std::string source = r.text_or("source", "");
    r.r.finish();
    located({{"fx", p}}, p, [&] { fx.add(base, quote, rate, as_of, std::move(source)); });
  }
  return fx;
}

json fx_to_json(const fx_table& fx) {
  json a = json::array();
  for (const fx_quote& q : fx.quotes()) {
    json x = {{"base", std::string(q.base.code())}, {"quote", std::string(q.quote.code())},
              {"rate", q.rate.to_string()}, {"as_of", to_iso(q.as_of)}};
    if (!q.source.empty()) x["source"] = q.source;
    a.push_back(x);
  }
  return a;
}

// ---- loans --------------------------------------------------------------------------------------

// loan_terms::validate names the floating rate's fields without their struct.
std::vector<field_prefix> loan_prefixes(const std::string& at) {
  return {{"benchmark", at + "/floating/benchmark"},
          {"reset_anchor", at + "/floating/reset_anchor"},
          {"floor", at + "/floating/floor"},
          {"next_reset_rate", at + "/floating/next_reset_rate"},
          {"", at}};
}

// The fields of a loan. A conversion's loan is a template: the conversion sets principal, start,
// currency and maturity, so the template may not.
loan_terms read_loan(reader& r, bool is_template, const std::vector<calendar>& calendars) {
  loan_terms t;
  if (is_template) {
    for (const char* set_by_conversion : {"principal", "start", "currency", "maturity", "contract_date"})
      if (r.r.has(set_by_conversion))
        throw invalid_input(std::string("the conversion sets the loan's ") + set_by_conversion +
                                " (principal, start, currency, maturity and contract date follow the conversion); "
                                "remove it and give the length as periods",
                            r.at(set_by_conversion));
  } else {
    t.principal = r.dec("principal");
    if (const json* c = r.r.optional("currency")) t.ccy = currency::of(string_from_json(*c, r.at("currency")), r.at("currency"));
    t.contract_date = r.r.optional_date("contract_date");
    t.start = r.r.date_value("start");
    if (auto m = r.r.optional_date("maturity")) t.maturity = moment(*m);
  }
  if (r.r.optional("periods")) t.periods = r.small_int("periods", 0);
  if (const json* v = r.r.optional("repayment"))
    t.repayment = canonical<repayment_type>(
        *v, r.at("repayment"), [](std::string_view s, const std::string& w) { return parse_repayment_type(s, w); },
        [](repayment_type x) { return to_string(x); }, names_of(repayment_type_names));
  if (auto f = r.r.optional_string("frequency")) t.frequency = tenor::parse(*f, r.at("frequency"));
  if (const json* v = r.r.optional("stub"))
    t.stub = canonical<stub_rule>(*v, r.at("stub"), [](std::string_view s, const std::string& w) { return stub_rule::parse(s, w); },
                                  [](const stub_rule& s) { return s.to_string(); });
  t.grace_periods = r.small_int("grace_periods", 0);
  t.instalment = r.opt_dec("instalment");
  if (const json* list = r.list("principal_schedule"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      reader p((*list)[i], json_pointer_join(r.at("principal_schedule"), i));
      principal_payment pay{p.r.date_value("on"), p.dec("amount")};
      p.r.finish();
      t.principal_schedule.push_back(std::move(pay));
    }
  t.rate = r.opt_dec("rate");
  if (const json* v = r.r.optional("floating")) {
    reader f(*v, r.at("floating"));
    floating_rate fl;
    fl.benchmark = f.text_or("benchmark", "LPR-1Y");
    fl.spread = f.dec_or("spread", decimal());
    fl.multiplier = f.dec_or("multiplier", decimal(1));
    fl.reset_anchor = f.r.optional_date("reset_anchor");
    if (auto c = f.r.optional_string("reset_cycle")) fl.reset_cycle = cycle::parse(*c, f.at("reset_cycle"));
    if (const json* x = f.r.optional("fixing"))
      fl.fixing = canonical<fixing_rule>(*x, f.at("fixing"), [](std::string_view s, const std::string& w) { return parse_fixing_rule(s, w); },
                                         [](fixing_rule k) { return std::string(to_string_view(k)); });
    fl.floor = f.opt_dec("floor");
    fl.cap = f.opt_dec("cap");
    f.r.finish();
    t.floating = std::move(fl);
  }
  if (const json* v = r.r.optional("day_count")) t.day_count = day_count_value(*v, r.at("day_count"));
  if (const json* v = r.r.optional("basis"))
    t.basis = canonical<interest_basis>(*v, r.at("basis"), [](std::string_view s, const std::string& w) { return parse_interest_basis(s, w); },
                                        [](interest_basis b) { return std::string(to_string_view(b)); });
  if (auto name = r.r.optional_string("payment_calendar")) t.payment_calendar = calendar_named(*name, calendars, r.at("payment_calendar"));
  if (const json* v = r.r.optional("convention")) t.convention = convention_value(*v, r.at("convention"));
  t.accrue_to_payment_date = r.r.boolean("accrue_to_payment_date", true);
  t.end_of_month = r.r.boolean("end_of_month", false);
  if (const json* v = r.r.optional("rounding_mode")) {
    if (v->is_string() && v->get<std::string>() == "NONE")
      t.rounding_mode.reset();
    else
      t.rounding_mode = rounding_value(*v, r.at("rounding_mode"));
  }
  t.premium_discount = r.dec_or("premium_discount", decimal());
  if (auto m = r.opt_dec("penalty_markup")) t.penalty_markup = *m;
  t.penalty_on_overdue_interest = r.r.boolean("penalty_on_overdue_interest", true);
  if (const json* list = r.list("prepayments"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      reader p((*list)[i], json_pointer_join(r.at("prepayments"), i));
      prepayment pp{p.r.date_value("on"), p.dec("amount"), prepayment_effect::keep_term};
      if (const json* e = p.r.optional("effect"))
        pp.effect = canonical<prepayment_effect>(*e, p.at("effect"),
                                                 [](std::string_view s, const std::string& w) { return parse_prepayment_effect(s, w); },
                                                 [](prepayment_effect x) { return std::string(to_string_view(x)); });
      p.r.finish();
      t.prepayments.push_back(std::move(pp));
    }
  return t;
}

json loan_to_json(const loan_terms& t, bool is_template) {
  const loan_terms defaults;
  json j = json::object();
  if (!is_template) {
    j["principal"] = t.principal.to_string();
    j["currency"] = std::string(t.ccy.code());
    if (t.contract_date) j["contract_date"] = to_iso(*t.contract_date);
    j["start"] = to_iso(t.start);
    if (t.maturity) j["maturity"] = to_iso(t.maturity->day);
  }
  if (t.periods) j["periods"] = *t.periods;
  if (t.repayment != defaults.repayment) j["repayment"] = to_string(t.repayment);
  if (t.frequency != defaults.frequency) j["frequency"] = t.frequency.to_string();
  if (t.stub.to_string() != defaults.stub.to_string()) j["stub"] = t.stub.to_string();
  if (t.grace_periods != 0) j["grace_periods"] = t.grace_periods;
  if (t.instalment) j["instalment"] = t.instalment->to_string();
  if (!t.principal_schedule.empty()) {
    json a = json::array();
    for (const principal_payment& p : t.principal_schedule) a.push_back({{"on", to_iso(p.on)}, {"amount", p.amount.to_string()}});
    j["principal_schedule"] = a;
  }
  if (t.rate) j["rate"] = t.rate->to_string();
  if (t.floating) {
    const floating_rate& f = *t.floating;
    json fj = {{"benchmark", f.benchmark}};
    if (!f.spread.is_zero() || f.spread.scale() != 0) fj["spread"] = f.spread.to_string();
    if (f.multiplier != decimal(1) || f.multiplier.scale() != 0) fj["multiplier"] = f.multiplier.to_string();
    if (f.reset_anchor) fj["reset_anchor"] = to_iso(*f.reset_anchor);
    if (f.reset_cycle) fj["reset_cycle"] = cycle_text(*f.reset_cycle);
    if (f.fixing != fixing_rule::reset_date) fj["fixing"] = std::string(to_string_view(f.fixing));
    if (f.floor) fj["floor"] = f.floor->to_string();
    if (f.cap) fj["cap"] = f.cap->to_string();
    j["floating"] = fj;
  }
  if (t.day_count.convention() != defaults.day_count.convention()) j["day_count"] = std::string(t.day_count.name());
  if (t.basis != defaults.basis) j["basis"] = std::string(to_string_view(t.basis));
  if (t.payment_calendar.name() != defaults.payment_calendar.name()) j["payment_calendar"] = t.payment_calendar.name();
  if (t.convention != defaults.convention) j["convention"] = to_string(t.convention);
  if (!t.accrue_to_payment_date) j["accrue_to_payment_date"] = false;
  if (t.end_of_month) j["end_of_month"] = true;
  if (!t.rounding_mode)
    j["rounding_mode"] = "NONE";
  else if (*t.rounding_mode != rounding::half_up)
    j["rounding_mode"] = to_string(*t.rounding_mode);
  if (!t.premium_discount.is_zero() || t.premium_discount.scale() != 0) j["premium_discount"] = t.premium_discount.to_string();
  if (t.penalty_markup != defaults.penalty_markup || t.penalty_markup.scale() != defaults.penalty_markup.scale())
    j["penalty_markup"] = t.penalty_markup.to_string();
  if (!t.penalty_on_overdue_interest) j["penalty_on_overdue_interest"] = false;
  if (!t.prepayments.empty()) {
    json a = json::array();
    for (const prepayment& p : t.prepayments) {
      json pj = {{"on", to_iso(p.on)}, {"amount", p.amount.to_string()}};
      if (p.effect != prepayment_effect::keep_term) pj["effect"] = std::string(to_string_view(p.effect));
      a.push_back(pj);
    }
    j["prepayments"] = a;
  }
  return j;
}

std::vector<named_loan> load_loans(const json* list, const std::string& at, const std::vector<calendar>& calendars) {
  std::vector<named_loan> out;
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = json_pointer_join(at, i);
    reader r((*list)[i], p);
    named_loan l;
    l.id = r.r.string("id");
    if (l.id.empty()) throw invalid_input("a loan needs a non-empty id", r.at("id"));
    for (const named_loan& earlier : out)
      if (earlier.id == l.id) throw invalid_input("a second loan with id " + quote_json(l.id), r.at("id"));
    l.terms = read_loan(r, false, calendars);
    r.r.finish();
    located(loan_prefixes(p), p, [&] { l.terms.validate(); });
    out.push_back(std::move(l));
  }
  return out;
}

// ---- price formulas -----------------------------------------------------------------------------

enum class formula_kind {
  at_cost, fixed_price, simple_interest, compound_interest, floating_interest, fair_value,
  greater_of, lesser_of, floor, cap, waived_return, less_dividends
};

// Formulas nest; a document built in code (not parsed, so not depth-limited) must not recurse
// without end.
constexpr int max_formula_depth = 32;

interest_rate read_rate(const json& v, const std::string& at) {
  reader r(v, at);
  interest_rate rate;
  rate.fixed = r.opt_dec("fixed");
  rate.benchmark = r.text_or("benchmark", "");
  if (const json* d = r.r.optional("fixed_on"))
    rate.fixed_on = choose<benchmark_day>(*d, r.at("fixed_on"), "benchmark day",
                                          {{"investment_date", benchmark_day::investment_date},
                                           {"repurchase_date", benchmark_day::repurchase_date}});
  rate.spread = r.dec_or("spread", decimal());
  r.r.finish();
  return rate;
}

json rate_to_json(const interest_rate& rate) {
  json j = json::object();
  if (rate.fixed) j["fixed"] = rate.fixed->to_string();
  if (!rate.benchmark.empty()) {
    j["benchmark"] = rate.benchmark;
    j["fixed_on"] = benchmark_day_name(rate.fixed_on);
  }
  if (!rate.spread.is_zero() || rate.spread.scale() != 0) j["spread"] = rate.spread.to_string();
  return j;
}

price_formula read_formula(const json& v, const std::string& at, int depth = 0) {
  if (depth > max_formula_depth)
    throw invalid_input("price formula nested deeper than " + std::to_string(max_formula_depth) + " levels", at);
  reader r(v, at);
  const formula_kind kind = choose<formula_kind>(
      r.r.required("kind"), r.at("kind"), "price formula kind",
      {{"at_cost", formula_kind::at_cost},
       {"fixed_price", formula_kind::fixed_price},
       {"simple_interest", formula_kind::simple_interest},
       {"compound_interest", formula_kind::compound_interest},
       {"floating_interest", formula_kind::floating_interest},
       {"fair_value", formula_kind::fair_value},
       {"greater_of", formula_kind::greater_of},
       {"lesser_of", formula_kind::lesser_of},
       {"floor", formula_kind::floor},
       {"cap", formula_kind::cap},
       {"waived_return", formula_kind::waived_return},
       {"less_dividends", formula_kind::less_dividends}});
  auto sub = [&](const char* key) { return read_formula(r.r.required(key), r.at(key), depth + 1); };
  auto day_count = [&](day_counter fallback) {
    const json* d = r.r.optional("day_count");
    return d ? day_count_value(*d, r.at("day_count")) : fallback;
  };
  price_formula f;
  switch (kind) {
    case formula_kind::at_cost: f = pricing::at_cost{}; break;
    case formula_kind::fair_value: f = pricing::fair_value{}; break;
    case formula_kind::fixed_price: f = pricing::fixed_price{r.dec("per_unit")}; break;
    case formula_kind::simple_interest: {
      pricing::simple_interest n;
      n.rate = read_rate(r.r.required("rate"), r.at("rate"));
      n.day_count = day_count(n.day_count);
      n.accrues_from = r.opt_term("accrues_from");
      f = n;
      break;
    }
    case formula_kind::compound_interest: {
      pricing::compound_interest n;
      n.rate = read_rate(r.r.required("rate"), r.at("rate"));
      n.periods_per_year = r.small_int("periods_per_year", 1);
      n.day_count = day_count(n.day_count);
      n.accrues_from = r.opt_term("accrues_from");
      f = n;
      break;
    }
    case formula_kind::floating_interest: {
      pricing::floating_interest n;
      n.benchmark = r.text_or("benchmark", "LPR-1Y");
      n.spread = r.dec_or("spread", decimal());
      n.day_count = day_count(n.day_count);
      if (auto e = r.r.optional_string("reset_every")) n.reset_every = tenor::parse(*e, r.at("reset_every"));
      n.accrues_from = r.opt_term("accrues_from");
      f = n;
      break;
    }
    case formula_kind::greater_of:
    case formula_kind::lesser_of:
    case formula_kind::floor:
    case formula_kind::cap: {
      // Read in the order written, so that with both missing the error names "first" on every
      // compiler (two calls as arguments of one call are evaluated in an unspecified order).
      price_formula first = sub("first");
      price_formula second = sub("second");
      f = kind == formula_kind::greater_of  ? price_formula::greater_of(std::move(first), std::move(second))
          : kind == formula_kind::lesser_of ? price_formula::lesser_of(std::move(first), std::move(second))
          : kind == formula_kind::floor     ? price_formula::floored(std::move(first), std::move(second))
                                            : price_formula::capped(std::move(first), std::move(second));
      break;
    }
    case formula_kind::waived_return: {
      price_formula full = sub("full");
      ratio waived = r.rat("waived");
      price_formula base = r.r.has("base") ? sub("base") : price_formula();
      f = price_formula::with_waived_return(std::move(full), std::move(waived), std::move(base));
      break;
    }
    case formula_kind::less_dividends: f = price_formula::net_of_dividends(sub("formula")); break;
  }
  r.r.finish();
  return f;
}

json formula_to_json(const price_formula& f) {
  struct writer {
    json operator()(const pricing::at_cost&) const { return {{"kind", "at_cost"}}; }
    json operator()(const pricing::fair_value&) const { return {{"kind", "fair_value"}}; }
    json operator()(const pricing::fixed_price& n) const { return {{"kind", "fixed_price"}, {"per_unit", n.per_unit.to_string()}}; }
    json operator()(const pricing::simple_interest& n) const {
      json j = {{"kind", "simple_interest"}, {"rate", rate_to_json(n.rate)}};
      if (n.day_count.convention() != day_count_convention::act_365_fixed) j["day_count"] = std::string(n.day_count.name());
      if (n.accrues_from) j["accrues_from"] = term_text(*n.accrues_from);
      return j;
    }
    json operator()(const pricing::compound_interest& n) const {
      json j = {{"kind", "compound_interest"}, {"rate", rate_to_json(n.rate)}};
      if (n.periods_per_year != 1) j["periods_per_year"] = n.periods_per_year;
      if (n.day_count.convention() != day_count_convention::act_365_fixed) j["day_count"] = std::string(n.day_count.name());
      if (n.accrues_from) j["accrues_from"] = term_text(*n.accrues_from);
      return j;
    }
    json operator()(const pricing::floating_interest& n) const {
      json j = {{"kind", "floating_interest"}, {"benchmark", n.benchmark}};
      if (!n.spread.is_zero() || n.spread.scale() != 0) j["spread"] = n.spread.to_string();
      if (n.day_count.convention() != day_count_convention::act_365_fixed) j["day_count"] = std::string(n.day_count.name());
      if (n.reset_every) j["reset_every"] = n.reset_every->to_string();
      if (n.accrues_from) j["accrues_from"] = term_text(*n.accrues_from);
      return j;
    }
    json operator()(const pricing::extremum& n) const {
      static const char* const names[] = {"greater_of", "lesser_of", "floor", "cap"};
      return {{"kind", names[static_cast<int>(n.kind)]}, {"first", formula_to_json(n.first)}, {"second", formula_to_json(n.second)}};
    }
    json operator()(const pricing::waived_return& n) const {
      json j = {{"kind", "waived_return"}, {"full", formula_to_json(n.full)}, {"waived", ratio_text(n.waived)}};
      if (!std::holds_alternative<pricing::at_cost>(n.base.get())) j["base"] = formula_to_json(n.base);
      return j;
    }
    json operator()(const pricing::less_dividends& n) const {
      return {{"kind", "less_dividends"}, {"formula", formula_to_json(n.formula)}};
    }
  };
  return std::visit(writer{}, f.get());
}

// ---- the ledger ---------------------------------------------------------------------------------

std::vector<share_of> read_shares(const json* list, const std::string& at) {
  std::vector<share_of> out;
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    reader s((*list)[i], json_pointer_join(at, i));
    share_of x{s.r.string("id"), s.rat("share")};
    s.r.finish();
    out.push_back(std::move(x));
  }
  return out;
}

json shares_to_json(const std::vector<share_of>& shares) {
  json a = json::array();
  for (const share_of& s : shares) a.push_back({{"id", s.id}, {"share", ratio_text(s.share)}});
  return a;
}

holder read_holder(const json& v, const std::string& at) {
  reader r(v, at);
  holder h;
  h.id = r.r.string("id");
  h.name = r.text_or("name", "");
  h.kind = parse_holder_kind(r.r.string("kind"), r.at("kind"));
  if (const json* list = r.list("beneficiaries"))
    for (std::size_t i = 0; i < list->size(); ++i)
      h.beneficiaries.push_back(string_from_json((*list)[i], json_pointer_join(r.at("beneficiaries"), i)));
  r.r.finish();
  return h;
}

enum class event_kind {
  incorporation, achievement_contribution, financing_round, transfer, repurchase, capital_reduction, share_split,
  dividend, equity_to_debt_exit
};

// Reads one event. Amounts are in the company's currency, known from its incorporation (an event
// of a company not yet incorporated is read in CNY and then refused by the ledger).
event read_event(const json& v, const std::string& at, const std::vector<std::pair<std::string, currency>>& currencies) {
  reader r(v, at);
  event e;
  e.on = r.r.date_value("on");
  e.note = r.text_or("note", "");
  const event_kind kind = choose<event_kind>(r.r.required("kind"), r.at("kind"), "event kind",
                                             {{"incorporation", event_kind::incorporation},
                                              {"achievement_contribution", event_kind::achievement_contribution},
                                              {"financing_round", event_kind::financing_round},
                                              {"transfer", event_kind::transfer},
                                              {"repurchase", event_kind::repurchase},
                                              {"capital_reduction", event_kind::capital_reduction},
                                              {"share_split", event_kind::share_split},
                                              {"dividend", event_kind::dividend},
                                              {"equity_to_debt_exit", event_kind::equity_to_debt_exit}});
  currency ccy;
  std::string company_id;
  if (kind != event_kind::incorporation) {
    company_id = r.r.string("company_id");
    for (const auto& c : currencies)
      if (c.first == company_id) ccy = c.second;
  }
  auto amount = [&](reader& x, const char* key) { return money(x.dec(key), ccy); };
  auto opt_amount = [&](reader& x, const char* key) -> std::optional<money> {
    if (auto d = x.opt_dec(key)) return money(*d, ccy);
    return std::nullopt;
  };
  auto each = [&](const char* key, auto read_one) {
    if (const json* list = r.list(key))
      for (std::size_t i = 0; i < list->size(); ++i) {
        reader x((*list)[i], json_pointer_join(r.at(key), i));
        read_one(x);
        x.r.finish();
      }
  };
  switch (kind) {
    case event_kind::incorporation: {
      incorporation b;
      reader c(r.r.required("company"), r.at("company"));
      b.company.id = c.r.string("id");
      b.company.name = c.text_or("name", "");
      b.company.form = parse_legal_form(c.r.string("form"), c.at("form"));
      b.company.currency = c.r.currency_value("currency");
      if (auto par = c.opt_dec("par_value")) b.company.par_value = *par;
      c.r.finish();
      ccy = b.company.currency;
      each("subscriptions", [&](reader& x) {
        subscription s{x.r.string("holder"), x.dec("units"), amount(x, "paid"), class_value(x, "share_class"),
                       read_shares(x.list("on_behalf_of"), x.at("on_behalf_of"))};
        b.subscriptions.push_back(std::move(s));
      });
      e.body = std::move(b);
      break;
    }
    case event_kind::achievement_contribution: {
      achievement_contribution b;
      b.company_id = company_id;
      b.appraised_value = amount(r, "appraised_value");
      b.team_share = r.rat("team_share");
      b.team_members = read_shares(r.list("team_members"), r.at("team_members"));
      b.institution = r.r.string("institution");
      b.platform = r.r.string("platform");
      b.pre_money = opt_amount(r, "pre_money");
      b.cls = class_value(r, "share_class");
      e.body = std::move(b);
      break;
    }
    case event_kind::financing_round: {
      financing_round b;
      b.company_id = company_id;
      b.label = r.text_or("label", "");
      b.pre_money = opt_amount(r, "pre_money");
      b.price_per_unit = opt_amount(r, "price_per_unit");
      each("investments", [&](reader& x) {
        b.investments.push_back(investment{x.r.string("holder"), amount(x, "amount"),
                                           read_shares(x.list("on_behalf_of"), x.at("on_behalf_of"))});
      });
      b.cls = class_value(r, "share_class");
      if (const json* rem = r.r.optional("remainder"))
        b.remainder = choose<remainder_rule>(*rem, r.at("remainder"), "remainder rule",
                                             {{"capital_reserve", remainder_rule::capital_reserve}, {"refund", remainder_rule::refund}});
      e.body = std::move(b);
      break;
    }
    case event_kind::transfer: {
      transfer b;
      b.company_id = company_id;
      b.seller = r.r.string("seller");
      b.buyer = r.r.string("buyer");
      b.units = r.dec("units");
      b.price = amount(r, "price");
      b.cls = class_value(r, "share_class");
      b.buyer_on_behalf_of = read_shares(r.list("buyer_on_behalf_of"), r.at("buyer_on_behalf_of"));
      e.body = std::move(b);
      break;
    }
    case event_kind::repurchase: {
      repurchase b;
      b.company_id = company_id;
      b.seller = r.r.string("seller");
      each("purchases", [&](reader& x) { b.purchases.push_back(purchase{x.text_or("buyer", ""), x.dec("units"), amount(x, "price")}); });
      b.cls = class_value(r, "share_class");
      e.body = std::move(b);
      break;
    }
    case event_kind::capital_reduction: {
      capital_reduction b;
      b.company_id = company_id;
      each("reductions", [&](reader& x) {
        b.reductions.push_back(reduction{x.r.string("holder"), x.dec("units"), amount(x, "payment"), class_value(x, "share_class")});
      });
      e.body = std::move(b);
      break;
    }
    case event_kind::share_split: e.body = share_split{company_id, r.rat("factor")}; break;
    case event_kind::dividend: {
      dividend b{company_id, amount(r, "amount"), std::nullopt};
      if (r.r.has("share_class")) b.cls = class_value(r, "share_class");
      e.body = std::move(b);
      break;
    }
    case event_kind::equity_to_debt_exit:
      e.body = equity_to_debt_exit{company_id, r.r.string("holder"), amount(r, "principal"),
                                   read_shares(r.list("recipients"), r.at("recipients"))};
      break;
  }
  r.r.finish();
  return e;
}

json event_to_json(const event& e) {
  json j = {{"on", to_iso(e.on)}, {"kind", e.kind()}};
  if (!e.note.empty()) j["note"] = e.note;
  auto cls = [&](json& o, share_class c) {
    if (c != share_class::common) o["share_class"] = to_string(c);
  };
  auto amount = [](const money& m) { return m.amount().to_string(); };
  struct writer {
    json& j;
    const decltype(cls)& set_class;
    const decltype(amount)& amt;
    void operator()(const incorporation& b) const {
      json c = {{"id", b.company.id}, {"form", to_string(b.company.form)}, {"currency", std::string(b.company.currency.code())}};
      if (!b.company.name.empty()) c["name"] = b.company.name;
      if (b.company.par_value != decimal(1) || b.company.par_value.scale() != 0) c["par_value"] = b.company.par_value.to_string();
      j["company"] = c;
      if (!b.subscriptions.empty()) {
        json a = json::array();
        for (const subscription& s : b.subscriptions) {
          json x = {{"holder", s.holder}, {"units", s.units.to_string()}, {"paid", amt(s.paid)}};
          set_class(x, s.cls);
          if (!s.on_behalf_of.empty()) x["on_behalf_of"] = shares_to_json(s.on_behalf_of);
          a.push_back(x);
        }
        j["subscriptions"] = a;
      }
    }
    void operator()(const achievement_contribution& b) const {
      j["company_id"] = b.company_id;
      j["appraised_value"] = amt(b.appraised_value);
      j["team_share"] = ratio_text(b.team_share);
      j["team_members"] = shares_to_json(b.team_members);
      j["institution"] = b.institution;
      j["platform"] = b.platform;
      if (b.pre_money) j["pre_money"] = amt(*b.pre_money);
      set_class(j, b.cls);
    }
    void operator()(const financing_round& b) const {
      j["company_id"] = b.company_id;
      if (!b.label.empty()) j["label"] = b.label;
      if (b.pre_money) j["pre_money"] = amt(*b.pre_money);
      if (b.price_per_unit) j["price_per_unit"] = amt(*b.price_per_unit);
      json a = json::array();
      for (const investment& i : b.investments) {
        json x = {{"holder", i.holder}, {"amount", amt(i.amount)}};
        if (!i.on_behalf_of.empty()) x["on_behalf_of"] = shares_to_json(i.on_behalf_of);
        a.push_back(x);
      }
      j["investments"] = a;
      set_class(j, b.cls);
      if (b.remainder == remainder_rule::refund) j["remainder"] = "refund";
    }
    void operator()(const transfer& b) const {
      j["company_id"] = b.company_id;
      j["seller"] = b.seller;
      j["buyer"] = b.buyer;
      j["units"] = b.units.to_string();
      j["price"] = amt(b.price);
      set_class(j, b.cls);
      if (!b.buyer_on_behalf_of.empty()) j["buyer_on_behalf_of"] = shares_to_json(b.buyer_on_behalf_of);
    }
    void operator()(const repurchase& b) const {
      j["company_id"] = b.company_id;
      j["seller"] = b.seller;
      json a = json::array();
      for (const purchase& p : b.purchases) {
        json x = {{"units", p.units.to_string()}, {"price", amt(p.price)}};
        if (!p.buyer.empty()) x["buyer"] = p.buyer;
        a.push_back(x);
      }
      j["purchases"] = a;
      set_class(j, b.cls);
    }
    void operator()(const capital_reduction& b) const {
      j["company_id"] = b.company_id;
      json a = json::array();
      for (const reduction& r : b.reductions) {
        json x = {{"holder", r.holder}, {"units", r.units.to_string()}, {"payment", amt(r.payment)}};
        set_class(x, r.cls);
        a.push_back(x);
      }
      j["reductions"] = a;
    }
    void operator()(const share_split& b) const {
      j["company_id"] = b.company_id;
      j["factor"] = ratio_text(b.factor);
    }
    void operator()(const dividend& b) const {
      j["company_id"] = b.company_id;
      j["amount"] = amt(b.amount);
      if (b.cls) j["share_class"] = to_string(*b.cls);
    }
    void operator()(const equity_to_debt_exit& b) const {
      j["company_id"] = b.company_id;
      j["holder"] = b.holder;
      j["principal"] = amt(b.principal);
      if (!b.recipients.empty()) j["recipients"] = shares_to_json(b.recipients);
    }
  };
  std::visit(writer{j, cls, amount}, e.body);
  return j;
}

struct ledger_section {
  std::vector<holder> holders;
  std::vector<event> events;
  ledger book;
};

ledger_section load_ledger(const json& v, const std::string& at) {
  reader r(v, at);
  ledger_section out;
  if (const json* list = r.list("holders"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string p = json_pointer_join(r.at("holders"), i);
      holder h = read_holder((*list)[i], p);
      located({{"holder", p}}, p, [&] { out.book.add_holder(h); });
      out.holders.push_back(std::move(h));
    }
  std::vector<std::pair<std::string, currency>> currencies;
  if (const json* list = r.list("events"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string p = json_pointer_join(r.at("events"), i);
      event e = read_event((*list)[i], p, currencies);
      if (const incorporation* inc = std::get_if<incorporation>(&e.body)) currencies.emplace_back(inc->company.id, inc->company.currency);
      located({{"event", r.at("events")}}, p, [&] { out.book.record(e); });
      out.events.push_back(std::move(e));
    }
  r.r.finish();
  return out;
}

// ---- platform -----------------------------------------------------------------------------------

money money_with_currency(reader& r, const char* amount_key) {
  currency c;
  if (const json* v = r.r.optional("currency")) c = currency::of(string_from_json(*v, r.at("currency")), r.at("currency"));
  return money(r.dec(amount_key), c);
}

platform_section load_platform(const json& v, const std::string& at, const ledger& book) {
  reader r(v, at);
  platform_section p;
  p.holder = r.r.string("holder");
  located({{"holder", r.at("holder")}}, r.at("holder"), [&] {
    const holder& h = book.find_holder(p.holder);
    if (h.kind != holder_kind::platform)
      throw invalid_input("'" + p.holder + "' is a " + to_string(h.kind) + " in the ledger, not a platform", "holder");
  });
  p.report_on = r.r.optional_date("report_on");
  if (const json* rules = r.r.optional("rules")) {
    reader x(*rules, r.at("rules"));
    distribution_rules d;
    if (const json* list = x.list("deductions"))
      for (std::size_t i = 0; i < list->size(); ++i) {
        reader y((*list)[i], json_pointer_join(x.at("deductions"), i));
        deduction ded;
        ded.name = y.r.string("name");
        if (y.r.has("amount"))
          ded.amount = money_with_currency(y, "amount");
        else if (y.r.has("currency"))
          throw invalid_input("a currency without an amount (a fraction of the gross is in the gross's currency)",
                              y.at("currency"));
        ded.fraction_of_gross = y.opt_rat("fraction_of_gross");
        y.r.finish();
        d.deductions.push_back(std::move(ded));
      }
    if (const json* list = x.list("shares"))
      for (std::size_t i = 0; i < list->size(); ++i) {
        reader y((*list)[i], json_pointer_join(x.at("shares"), i));
        recipient_share s{y.r.string("name"), y.rat("share"), y.r.boolean("is_team", false)};
        y.r.finish();
        d.shares.push_back(std::move(s));
      }
    d.team_floor = x.opt_rat("team_floor");
    if (const json* m = x.r.optional("deduction_rounding")) d.deduction_rounding = rounding_value(*m, x.at("deduction_rounding"));
    x.r.finish();
    located({{"rules", r.at("rules")}}, r.at("rules"), [&] { d.validate(); });
    p.rules = std::move(d);
  }
  if (const json* list = r.list("proceeds"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      reader y((*list)[i], json_pointer_join(r.at("proceeds"), i));
      platform_proceeds pr{y.r.date_value("on"), money_with_currency(y, "gross"), y.text_or("source", "")};
      if (pr.gross.signum() < 0)
        throw invalid_input("proceeds received cannot be negative, got " + pr.gross.to_string(), y.at("gross"));
      y.r.finish();
      p.proceeds.push_back(std::move(pr));
    }
  if (const json* c = r.r.optional("report_currency"))
    p.report_currency = currency::of(string_from_json(*c, r.at("report_currency")), r.at("report_currency"));
  r.r.finish();
  return p;
}

json money_json(const money& m, const char* key) {
  return {{key, m.amount().to_string()}, {"currency", std::string(m.currency().code())}};
}

json platform_to_json(const platform_section& p) {
  json j = {{"holder", p.holder}};
  if (p.report_on) j["report_on"] = to_iso(*p.report_on);
  if (p.rules) {
    json rules = json::object();
    json ds = json::array();
    for (const deduction& d : p.rules->deductions) {
      json x = {{"name", d.name}};
      if (d.amount) x.update(money_json(*d.amount, "amount"));
      if (d.fraction_of_gross) x["fraction_of_gross"] = ratio_text(*d.fraction_of_gross);
      ds.push_back(x);
    }
    if (!ds.empty()) rules["deductions"] = ds;
    json ss = json::array();
    for (const recipient_share& s : p.rules->shares) {
      json x = {{"name", s.name}, {"share", ratio_text(s.share)}};
      if (s.is_team) x["is_team"] = true;
      ss.push_back(x);
    }
    rules["shares"] = ss;
    if (p.rules->team_floor) rules["team_floor"] = ratio_text(*p.rules->team_floor);
    if (p.rules->deduction_rounding != rounding::half_up) rules["deduction_rounding"] = to_string(p.rules->deduction_rounding);
    j["rules"] = rules;
  }
  if (!p.proceeds.empty()) {
    json a = json::array();
    for (const platform_proceeds& pr : p.proceeds) {
      json x = money_json(pr.gross, "gross");
      x["on"] = to_iso(pr.on);
      if (!pr.source.empty()) x["source"] = pr.source;
      a.push_back(x);
    }
    j["proceeds"] = a;
  }
  if (p.report_currency) j["report_currency"] = std::string(p.report_currency->code());
  return j;
}

// ---- repurchase terms, plan, facts --------------------------------------------------------------

repurchase_terms load_repurchase(const json& v, const std::string& at) {
  reader r(v, at);
  repurchase_terms t;
  {
    reader i(r.r.required("investment"), r.at("investment"));
    t.investment.on = i.r.date_value("on");
    t.investment.amount = money(i.dec("amount"), i.r.currency_value("currency"));
    t.investment.units = i.dec("units");
    t.investment.unit_places = i.small_int("unit_places", 0);
    i.r.finish();
  }
  const json& windows = r.r.array("windows");
  for (std::size_t k = 0; k < windows.size(); ++k) {
    reader w(windows[k], json_pointer_join(r.at("windows"), k));
    repurchase_window win;
    win.label = w.text_or("label", "");
    win.from = w.opt_term("from");
    win.until = w.opt_term("until");
    win.price = read_formula(w.r.required("price"), w.at("price"));
    win.min_by_end = w.opt_rat("min_by_end");
    win.max_by_end = w.opt_rat("max_by_end");
    w.r.finish();
    t.windows.push_back(std::move(win));
  }
  if (const json* m = r.r.optional("rounding_mode")) t.rounding_mode = rounding_value(*m, r.at("rounding_mode"));
  r.r.finish();
  located({}, at, [&] { t.validate(); });
  return t;
}

json repurchase_to_json(const repurchase_terms& t) {
  const fund_investment& i = t.investment;
  json inv = {{"on", to_iso(i.on)},
              {"amount", i.amount.amount().to_string()},
              {"currency", std::string(i.amount.currency().code())},
              {"units", i.units.to_string()}};
  if (i.unit_places != 0) inv["unit_places"] = i.unit_places;
  json ws = json::array();
  for (const repurchase_window& w : t.windows) {
    json x = {{"price", formula_to_json(w.price)}};
    if (!w.label.empty()) x["label"] = w.label;
    if (w.from) x["from"] = term_text(*w.from);
    if (w.until) x["until"] = term_text(*w.until);
    if (w.min_by_end) x["min_by_end"] = ratio_text(*w.min_by_end);
    if (w.max_by_end) x["max_by_end"] = ratio_text(*w.max_by_end);
    ws.push_back(x);
  }
  json j = {{"investment", inv}, {"windows", ws}};
  if (t.rounding_mode != rounding::half_up) j["rounding_mode"] = to_string(t.rounding_mode);
  return j;
}

repurchase_plan load_plan(const json& v, const std::string& at) {
  reader r(v, at);
  repurchase_plan plan;
  if (const json* list = r.list("tranches"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      reader x((*list)[i], json_pointer_join(r.at("tranches"), i));
      repurchase_tranche t{x.r.date_value("on"), x.text_or("buyer", ""), x.opt_rat("proportion"), x.opt_dec("units")};
      x.r.finish();
      plan.tranches.push_back(std::move(t));
    }
  r.r.finish();
  return plan;
}

json plan_to_json(const repurchase_plan& plan) {
  json a = json::array();
  for (const repurchase_tranche& t : plan.tranches) {
    json x = {{"on", to_iso(t.on)}};
    if (!t.buyer.empty()) x["buyer"] = t.buyer;
    if (t.proportion) x["proportion"] = ratio_text(*t.proportion);
    if (t.units) x["units"] = t.units->to_string();
    a.push_back(x);
  }
  return {{"tranches", a}};
}

deal_facts load_facts(const json& v, const std::string& at, currency ccy) {
  reader r(v, at);
  deal_facts f;
  if (const json* list = r.list("unit_prices"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      reader x((*list)[i], json_pointer_join(r.at("unit_prices"), i));
      unit_price p{x.r.date_value("on"), x.rat("per_unit"), x.text_or("source", "")};
      x.r.finish();
      f.unit_prices.push_back(std::move(p));
    }
  if (const json* list = r.list("dividends"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      reader x((*list)[i], json_pointer_join(r.at("dividends"), i));
      fund_dividend d{x.r.date_value("on"), money(x.dec("amount"), ccy), x.dec("units_held")};
      x.r.finish();
      f.dividends.push_back(std::move(d));
    }
  r.r.finish();
  located({{"facts", at}}, at, [&] { f.validate("facts"); });
  return f;
}

json facts_to_json(const deal_facts& f) {
  json j = json::object();
  if (!f.unit_prices.empty()) {
    json a = json::array();
    for (const unit_price& p : f.unit_prices) {
      json x = {{"on", to_iso(p.on)}, {"per_unit", ratio_text(p.per_unit)}};
      if (!p.source.empty()) x["source"] = p.source;
      a.push_back(x);
    }
    j["unit_prices"] = a;
  }
  if (!f.dividends.empty()) {
    json a = json::array();
    for (const fund_dividend& d : f.dividends)
      a.push_back({{"on", to_iso(d.on)}, {"amount", d.amount.amount().to_string()}, {"units_held", d.units_held.to_string()}});
    j["dividends"] = a;
  }
  return j;
}

// ---- equity to debt -----------------------------------------------------------------------------

equity_to_debt_terms load_conversion(const json& v, const std::string& at, const repurchase_terms& terms,
                                     const std::vector<calendar>& calendars) {
  reader r(v, at);
  equity_to_debt_terms c;
  if (const json* list = r.list("triggers"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      reader x((*list)[i], json_pointer_join(r.at("triggers"), i));
      conversion_trigger t;
      t.kind = choose<conversion_trigger_kind>(x.r.required("kind"), x.at("kind"), "trigger kind",
                                               {{"deadline_passed", conversion_trigger_kind::deadline_passed},
                                                {"minimum_missed", conversion_trigger_kind::minimum_missed},
                                                {"milestone_failed", conversion_trigger_kind::milestone_failed},
                                                {"team_election", conversion_trigger_kind::team_election}});
      t.deadline = x.opt_term("deadline");
      if (x.r.optional("window")) t.window = static_cast<std::size_t>(x.r.integer("window", 0, 1000000));
      t.milestone = x.text_or("milestone", "");
      x.r.finish();
      c.triggers.push_back(std::move(t));
    }
  if (const json* p = r.r.optional("principal")) {
    reader x(*p, r.at("principal"));
    auto formula = [&](const char* key) -> std::optional<price_formula> {
      if (const json* f = x.r.optional(key)) return read_formula(*f, x.at(key));
      return std::nullopt;
    };
    c.principal.formula = formula("formula");
    c.principal.floor = formula("floor");
    c.principal.cap = formula("cap");
    x.r.finish();
  }
  const json& debtors = r.r.array("debtors");
  for (std::size_t i = 0; i < debtors.size(); ++i) {
    reader x(debtors[i], json_pointer_join(r.at("debtors"), i));
    debtor_share d{x.r.string("debtor"), x.rat("share"), x.r.boolean("is_company", false)};
    x.r.finish();
    c.debtors.push_back(std::move(d));
  }
  {
    reader l(r.r.required("loan"), r.at("loan"));
    c.loan = read_loan(l, true, calendars);
    l.r.finish();
  }
  if (const json* list = r.list("units_to"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      reader x((*list)[i], json_pointer_join(r.at("units_to"), i));
      units_recipient u{x.r.string("holder"), x.rat("share")};
      x.r.finish();
      c.units_to.push_back(std::move(u));
    }
  r.r.finish();
  located({}, at, [&] { c.validate(terms); });
  // The loan template on its own: checked as the loan a conversion on the investment date would
  // make (the conversion fills principal, start and currency; a placeholder principal of one
  // minor unit stands in).
  loan_terms sample = c.loan;
  sample.principal = decimal::from_parts(1, terms.investment.currency().minor_units());
  sample.start = terms.investment.on;
  sample.ccy = terms.investment.currency();
  std::vector<field_prefix> prefixes = loan_prefixes(at + "/loan");
  prefixes.insert(prefixes.begin(), field_prefix{"maturity", at + "/loan/periods"});
  located(prefixes, at + "/loan", [&] { sample.validate(); });
  return c;
}

json conversion_to_json(const equity_to_debt_terms& c) {
  json j = json::object();
  if (!c.triggers.empty()) {
    json a = json::array();
    for (const conversion_trigger& t : c.triggers) {
      json x = {{"kind", to_string(t.kind)}};
      if (t.deadline) x["deadline"] = term_text(*t.deadline);
      if (t.window) x["window"] = *t.window;
      if (!t.milestone.empty()) x["milestone"] = t.milestone;
      a.push_back(x);
    }
    j["triggers"] = a;
  }
  json p = json::object();
  if (c.principal.formula) p["formula"] = formula_to_json(*c.principal.formula);
  if (c.principal.floor) p["floor"] = formula_to_json(*c.principal.floor);
  if (c.principal.cap) p["cap"] = formula_to_json(*c.principal.cap);
  if (!p.empty()) j["principal"] = p;
  json ds = json::array();
  for (const debtor_share& d : c.debtors) {
    json x = {{"debtor", d.debtor}, {"share", ratio_text(d.share)}};
    if (d.is_company) x["is_company"] = true;
    ds.push_back(x);
  }
  j["debtors"] = ds;
  j["loan"] = loan_to_json(c.loan, true);
  if (!c.units_to.empty()) {
    json a = json::array();
    for (const units_recipient& u : c.units_to) a.push_back({{"holder", u.holder}, {"share", ratio_text(u.share)}});
    j["units_to"] = a;
  }
  return j;
}

// ---- reported events ----------------------------------------------------------------------------

std::vector<reported_event> load_reported(const json& list, const std::string& at, const equity_to_debt_terms& terms,
                                          const date& investment_on) {
  if (!list.is_array()) throw invalid_input("expected an array, got " + type_and_value(list), at);
  std::vector<reported_event> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    reader x(list[i], json_pointer_join(at, i));
    reported_event e;
    // Only what people report; deadlines and missed minimums are found from the plan.
    e.kind = choose<conversion_trigger_kind>(x.r.required("kind"), x.at("kind"), "reported event kind",
                                             {{"milestone_failed", conversion_trigger_kind::milestone_failed},
                                              {"team_election", conversion_trigger_kind::team_election}});
    e.on = x.r.date_value("on");
    // Triggers act only while the fund holds units; an event before the investment is a typo.
    if (e.on < investment_on)
      throw invalid_input(to_iso(e.on) + " is before the investment on " + to_iso(investment_on), x.at("on"));
    e.milestone = x.text_or("milestone", "");
    x.r.finish();
    out.push_back(std::move(e));
  }
  located({{"reported", at}}, at, [&] { validate_reported(terms, out); });
  return out;
}

json reported_to_json(const std::vector<reported_event>& events) {
  json a = json::array();
  for (const reported_event& e : events) {
    json x = {{"kind", to_string(e.kind)}, {"on", to_iso(e.on)}};
    if (!e.milestone.empty()) x["milestone"] = e.milestone;
    a.push_back(x);
  }
  return a;
}

// ---- exit paths and sweep -----------------------------------------------------------------------

enum class path_kind { repurchase, conversion, sale, write_off };

exit_section load_exit(const json& v, const std::string& at, const repurchase_terms& terms, const repurchase_plan& plan,
                       bool has_conversion) {
  reader r(v, at);
  exit_section x;
  x.company_units = r.dec_or("company_units", decimal());
  x.team_units = r.dec_or("team_units", decimal());
  x.market_rate = r.dec("market_rate");
  if (x.company_units.signum() < 0)
    throw invalid_input("the company's units cannot be negative, got " + x.company_units.to_string(), r.at("company_units"));
  if (x.team_units.signum() < 0)
    throw invalid_input("the team's units cannot be negative, got " + x.team_units.to_string(), r.at("team_units"));
  // The fund's units and the team's are both part of the company's (when it is given).
  if (!x.company_units.is_zero() && x.team_units + terms.investment.units > x.company_units)
    throw invalid_input("the team's " + x.team_units.to_string() + " units and the fund's " +
                            terms.investment.units.to_string() + " are more than the company's " +
                            x.company_units.to_string(),
                        r.at("team_units"));
  const currency ccy = terms.investment.currency();
  if (const json* list = r.list("paths"))
    for (std::size_t i = 0; i < list->size(); ++i) {
      reader p((*list)[i], json_pointer_join(r.at("paths"), i));
      const path_kind kind = choose<path_kind>(p.r.required("kind"), p.at("kind"), "exit path kind",
                                               {{"repurchase", path_kind::repurchase},
                                                {"conversion", path_kind::conversion},
                                                {"sale", path_kind::sale},
                                                {"write_off", path_kind::write_off}});
      std::string label = p.text_or("label", "");
      // A repurchase or conversion path runs on its own plan when it gives one, else on the
      // document's; only these two paths have a plan ("plan" elsewhere is an unknown field).
      auto path_plan = [&]() -> repurchase_plan {
        const json* own = p.r.optional("plan");
        if (!own) return plan;
        repurchase_plan mine = load_plan(*own, p.at("plan"));
        located({}, p.at("plan"), [&] { (void)tranche_units(terms, mine); });
        return mine;
      };
      switch (kind) {
        case path_kind::repurchase: x.paths.emplace_back(exit_by_repurchase{path_plan(), std::move(label)}); break;
        case path_kind::conversion: {
          if (!has_conversion)
            throw invalid_input("a conversion path needs the equity-to-debt terms (/conversion), which the document lacks",
                                p.at("kind"));
          const date on = p.r.date_value("on");
          x.paths.emplace_back(exit_by_conversion{on, path_plan(), std::move(label)});
          break;
        }
        case path_kind::sale: {
          const date on = p.r.date_value("on");
          const decimal valuation = p.dec("valuation");
          if (valuation.signum() < 0)
            throw invalid_input("a valuation of the company cannot be negative, got " + valuation.to_string(),
                                p.at("valuation"));
          x.paths.emplace_back(exit_by_sale{on, money(valuation, ccy), std::move(label)});
          break;
        }
        case path_kind::write_off: {
          exit_by_write_off w{p.r.date_value("on"), std::nullopt, std::move(label)};
          if (auto rec = p.opt_dec("recovered")) {
            if (rec->signum() < 0)
              throw invalid_input("a recovery cannot be negative, got " + rec->to_string(), p.at("recovered"));
            w.recovered = money(*rec, ccy);
          }
          x.paths.emplace_back(std::move(w));
          break;
        }
      }
      p.r.finish();
    }
  r.r.finish();
  return x;
}

// `plan`: the document's; a path's own plan is written only when it differs.
json exit_to_json(const exit_section& x, const repurchase_plan& plan) {
  json j = {{"market_rate", x.market_rate.to_string()}};
  if (!x.company_units.is_zero() || x.company_units.scale() != 0) j["company_units"] = x.company_units.to_string();
  if (!x.team_units.is_zero() || x.team_units.scale() != 0) j["team_units"] = x.team_units.to_string();
  const json document_plan = plan_to_json(plan);
  auto with = [&](json o, const std::string& label, const repurchase_plan* own) {
    if (own) {
      json mine = plan_to_json(*own);
      if (mine != document_plan) o["plan"] = std::move(mine);
    }
    if (!label.empty()) o["label"] = label;
    return o;
  };
  auto write = [&](const exit_path& path) -> json {
    if (const auto* p = std::get_if<exit_by_repurchase>(&path)) return with({{"kind", "repurchase"}}, p->label, &p->plan);
    if (const auto* p = std::get_if<exit_by_conversion>(&path))
      return with({{"kind", "conversion"}, {"on", to_iso(p->on)}}, p->label, &p->plan);
    if (const auto* p = std::get_if<exit_by_sale>(&path))
      return with({{"kind", "sale"}, {"on", to_iso(p->on)}, {"valuation", p->valuation.amount().to_string()}}, p->label,
                  nullptr);
    const auto& w = std::get<exit_by_write_off>(path);
    json o = {{"kind", "write_off"}, {"on", to_iso(w.on)}};
    if (w.recovered) o["recovered"] = w.recovered->amount().to_string();
    return with(std::move(o), w.label, nullptr);
  };
  if (!x.paths.empty()) {
    json a = json::array();
    for (const exit_path& p : x.paths) a.push_back(write(p));
    j["paths"] = a;
  }
  return j;
}

sweep_scenario read_scenario(const json& v, const std::string& at) {
  reader r(v, at);
  sweep_scenario s;
  s.exit_on = r.opt_term("exit_on");
  s.valuation = r.opt_dec("valuation");
  s.rate = r.opt_dec("rate");
  s.proportion = r.opt_rat("proportion");
  r.r.finish();
  return s;
}

sweep_section load_sweep(const json& v, const std::string& at) {
  reader r(v, at);
  sweep_section s;
  if (const json* list = r.list("paths")) {
    s.paths.clear();
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string p = json_pointer_join(r.at("paths"), i);
      s.paths.push_back(canonical<sweep_path>((*list)[i], p, [](std::string_view t, const std::string& w) { return parse_sweep_path(t, w); },
                                              [](sweep_path x) { return to_string(x); }));
    }
  }
  s.buyer = r.text_or("buyer", "team");
  if (const json* rate = r.r.optional("rate_applies_to"))
    s.rate_applies_to = canonical<sweep_rate>(*rate, r.at("rate_applies_to"),
                                              [](std::string_view t, const std::string& w) { return parse_sweep_rate(t, w); },
                                              [](sweep_rate x) { return to_string(x); });
  if (const json* base = r.r.optional("base")) s.base = read_scenario(*base, r.at("base"));
  s.write_off_recovery = r.opt_dec("write_off_recovery");
  const json* g = r.r.optional("grid");
  const json* list = r.list("scenarios");
  if (g && list)
    throw invalid_input("give the scenarios as a grid or as a list, not both (the grid is at " + r.at("grid") + ")",
                        r.at("scenarios"));
  if (g) {
    reader x(*g, r.at("grid"));
    scenario_grid grid;
    auto axis = [&](const char* key, auto read_one, auto& into) {
      if (const json* values = x.list(key))
        for (std::size_t i = 0; i < values->size(); ++i)
          into.push_back(read_one((*values)[i], json_pointer_join(x.at(key), i)));
    };
    axis("exit_on", term_date_string, grid.exit_on);
    axis("valuation", decimal_string, grid.valuation);
    axis("rate", decimal_string, grid.rate);
    axis("proportion", ratio_string, grid.proportion);
    x.r.finish();
    s.scenarios = std::move(grid);
  } else if (list) {
    std::vector<sweep_scenario> scenarios;
    scenarios.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i)
      scenarios.push_back(read_scenario((*list)[i], json_pointer_join(r.at("scenarios"), i)));
    s.scenarios = std::move(scenarios);
  }
  r.r.finish();
  return s;
}

json scenario_to_json(const sweep_scenario& s) {
  json j = json::object();
  if (s.exit_on) j["exit_on"] = term_text(*s.exit_on);
  if (s.valuation) j["valuation"] = s.valuation->to_string();
  if (s.rate) j["rate"] = s.rate->to_string();
  if (s.proportion) j["proportion"] = ratio_text(*s.proportion);
  return j;
}

json sweep_to_json(const sweep_section& s) {
  json j = json::object();
  json paths = json::array();
  for (sweep_path p : s.paths) paths.push_back(to_string(p));
  j["paths"] = paths;
  if (s.buyer != "team") j["buyer"] = s.buyer;
  if (s.rate_applies_to != sweep_rate::price) j["rate_applies_to"] = to_string(s.rate_applies_to);
  json base = scenario_to_json(s.base);
  if (!base.empty()) j["base"] = base;
  if (s.write_off_recovery) j["write_off_recovery"] = s.write_off_recovery->to_string();
  if (const std::vector<sweep_scenario>* list = s.scenarios.list()) {
    json a = json::array();
    for (const sweep_scenario& x : *list) a.push_back(scenario_to_json(x));
    j["scenarios"] = a;
    return j;
  }
  const scenario_grid& g = *s.scenarios.grid();
  json grid = json::object();
  auto axis = [&](const char* key, const auto& values, auto text) {
    if (values.empty()) return;
    json a = json::array();
    for (const auto& v : values) a.push_back(text(v));
    grid[key] = a;
  };
  axis("exit_on", g.exit_on, term_text);
  axis("valuation", g.valuation, [](const decimal& d) { return d.to_string(); });
  axis("rate", g.rate, [](const decimal& d) { return d.to_string(); });
  axis("proportion", g.proportion, ratio_text);
  if (!grid.empty()) j["grid"] = grid;
  return j;
}

// ---- references to rate tables ------------------------------------------------------------------

// A benchmark a formula or a loan names must be a rate table of the document or a built-in one,
// refused where it is written; otherwise the error would wait for an evaluation, which could only
// point at the exit path or the tranche that needed it.
void check_benchmark(const std::string& name, const std::string& at, const rate_tables& known) {
  if (!known.contains(name)) (void)known.at(name, at);  // throws, naming the known tables
}

void check_benchmarks(const price_formula& f, const std::string& at, const rate_tables& known) {
  struct walker {
    const std::string& at;
    const rate_tables& known;
    void rate(const interest_rate& r, const std::string& where) const {
      if (!r.fixed && !r.benchmark.empty()) check_benchmark(r.benchmark, where + "/benchmark", known);
    }
    void operator()(const pricing::simple_interest& n) const { rate(n.rate, at + "/rate"); }
    void operator()(const pricing::compound_interest& n) const { rate(n.rate, at + "/rate"); }
    void operator()(const pricing::floating_interest& n) const { check_benchmark(n.benchmark, at + "/benchmark", known); }
    void operator()(const pricing::extremum& n) const {
      check_benchmarks(n.first, at + "/first", known);
      check_benchmarks(n.second, at + "/second", known);
    }
    void operator()(const pricing::waived_return& n) const {
      check_benchmarks(n.full, at + "/full", known);
      check_benchmarks(n.base, at + "/base", known);
    }
    void operator()(const pricing::less_dividends& n) const { check_benchmarks(n.formula, at + "/formula", known); }
    void operator()(const pricing::at_cost&) const {}
    void operator()(const pricing::fixed_price&) const {}
    void operator()(const pricing::fair_value&) const {}
  };
  std::visit(walker{at, known}, f.get());
}

void check_loan_benchmark(const loan_terms& t, const std::string& at, const rate_tables& known) {
  if (t.floating) check_benchmark(t.floating->benchmark, at + "/floating/benchmark", known);
}

[[noreturn]] void missing_section(const std::string& needed, const std::string& by, const std::string& at) {
  throw invalid_input("the " + by + " needs the " + needed + " section (/" + needed + "), which the document lacks", at);
}

}  // namespace

// ---- the document -------------------------------------------------------------------------------

deal_document load_deal_document(const json& document) {
  reader top(document, "");
  {
    const json& v = top.r.required("version");
    if (!v.is_number_integer())
      throw invalid_input("expected the integer " + std::to_string(deal_document::current_version) + ", got " +
                              type_and_value(v),
                          "/version");
    const bool supported = v.is_number_unsigned()
                               ? v.get<unsigned long long>() == static_cast<unsigned long long>(deal_document::current_version)
                               : v.get<long long>() == deal_document::current_version;
    if (!supported)
      throw invalid_input("unsupported document version " + v.dump() + " (this library reads version " +
                              std::to_string(deal_document::current_version) + ")",
                          "/version");
  }
  deal_document d;  // a local: the caller gets it whole or not at all
  d.title = top.text_or("title", "");
  d.calendars = load_calendars(top.list("calendars"), "/calendars");
  d.rate_tables = load_rate_tables(top.list("rate_tables"), "/rate_tables");
  d.fx = load_fx(top.list("fx_rates"), "/fx_rates");
  d.loans = load_loans(top.list("loans"), "/loans", d.calendars);
  if (const json* l = top.r.optional("ledger")) {
    ledger_section s = load_ledger(*l, "/ledger");
    d.holders = std::move(s.holders);
    d.events = std::move(s.events);
    d.equity_ledger = std::move(s.book);
  }
  if (const json* p = top.r.optional("platform")) d.platform = load_platform(*p, "/platform", d.equity_ledger);
  if (const json* r = top.r.optional("repurchase")) d.repurchase = load_repurchase(*r, "/repurchase");
  const currency ccy = d.repurchase ? d.repurchase->investment.currency() : currency();
  if (const json* f = top.r.optional("facts")) {
    d.facts = load_facts(*f, "/facts", ccy);
    // The fund holds units only from its investment: a dividend on or before it cannot be the
    // fund's (the evaluations would refuse it too, but could not say where it is written).
    if (d.repurchase)
      for (std::size_t i = 0; i < d.facts.dividends.size(); ++i)
        if (d.facts.dividends[i].on <= d.repurchase->investment.on)
          throw invalid_input("a dividend to the fund on " + to_iso(d.facts.dividends[i].on) +
                                  " is not after its investment on " + to_iso(d.repurchase->investment.on),
                              json_pointer_join("/facts/dividends", i) + "/on");
  }
  for (const rate_table& t : d.rate_tables) d.facts.rates.add(t);
  if (const json* p = top.r.optional("plan")) {
    if (!d.repurchase) missing_section("repurchase", "plan", "/plan");
    d.plan = load_plan(*p, "/plan");
    located({}, "/plan", [&] { (void)tranche_units(*d.repurchase, d.plan); });
  }
  if (const json* c = top.r.optional("conversion")) {
    if (!d.repurchase) missing_section("repurchase", "conversion", "/conversion");
    d.conversion = load_conversion(*c, "/conversion", *d.repurchase, d.calendars);
    // The fund's units go to holders of the ledger, when the document has one.
    if (!d.holders.empty())
      for (std::size_t i = 0; i < d.conversion->units_to.size(); ++i)
        located({{"holder", json_pointer_join("/conversion/units_to", i) + "/holder"}}, "/conversion/units_to",
                [&] { (void)d.equity_ledger.find_holder(d.conversion->units_to[i].holder); });
  }
  if (const json* e = top.r.optional("reported_events")) {
    if (!d.conversion) missing_section("conversion", "list of reported events", "/reported_events");
    d.reported_events = load_reported(*e, "/reported_events", *d.conversion, d.repurchase->investment.on);
  }
  if (const json* x = top.r.optional("exit")) {
    if (!d.repurchase) missing_section("repurchase", "exit", "/exit");
    d.exit = load_exit(*x, "/exit", *d.repurchase, d.plan, d.conversion.has_value());
  }
  if (const json* s = top.r.optional("sweep")) {
    if (!d.exit) missing_section("exit", "sweep", "/sweep");
    d.sweep = load_sweep(*s, "/sweep");
  }
  top.r.finish();
  for (std::size_t i = 0; i < d.loans.size(); ++i) {
    const std::string at = json_pointer_join("/loans", i);
    check_loan_benchmark(d.loans[i].terms, at, d.facts.rates);
    // What only the schedule knows: a prepayment or principal date after the maturity, grace
    // periods that leave nothing to amortise. The schedule is built once here and thrown away.
    located(loan_prefixes(at), at, [&] { (void)loan(d.loans[i].terms, d.facts.rates).schedule(); });
  }
  if (d.repurchase)
    for (std::size_t i = 0; i < d.repurchase->windows.size(); ++i)
      check_benchmarks(d.repurchase->windows[i].price, json_pointer_join("/repurchase/windows", i) + "/price",
                       d.facts.rates);
  if (d.conversion) {
    const conversion_principal_rule& p = d.conversion->principal;
    if (p.formula) check_benchmarks(*p.formula, "/conversion/principal/formula", d.facts.rates);
    if (p.floor) check_benchmarks(*p.floor, "/conversion/principal/floor", d.facts.rates);
    if (p.cap) check_benchmarks(*p.cap, "/conversion/principal/cap", d.facts.rates);
    check_loan_benchmark(d.conversion->loan, "/conversion/loan", d.facts.rates);
  }
  if (d.exit) {
    // The deal as exit paths see it: the market rate (the one check exit_deal has no validate() for).
    located({}, "/exit", [&] {
      const exit_deal deal = make_exit_deal(d);
      if (deal.market_rate <= decimal(-1))
        throw invalid_input("the market rate must be above -100%, got " + deal.market_rate.to_string(), "market_rate");
    });
  }
  if (d.sweep) {
    located({{"grid", "/sweep/grid"},
             {"paths", "/sweep/paths"},
             {"base", "/sweep/base"},
             {"scenarios", "/sweep/scenarios"},
             {"rate_applies_to", "/sweep/rate_applies_to"},
             {"write_off_recovery", "/sweep/write_off_recovery"},
             {"plan", "/plan"},
             {"market_rate", "/exit/market_rate"},
             {"facts", "/facts"},
             {"deal.conversion", "/conversion"}},
            "/sweep", [&] { validate_sweep(make_sweep_spec(d), make_sweep_scenarios(d)); });
  }
  return d;
}

deal_document parse_deal_document(std::string_view text, const std::string& source, json_limits limits) {
  return load_deal_document(parse_json_text(text, source, limits));
}

deal_document read_deal_document(const std::string& path, json_limits limits) {
  return load_deal_document(read_json_file(path, limits));
}

json to_json(const deal_document& d) {
  json j = {{"version", deal_document::current_version}};
  if (!d.title.empty()) j["title"] = d.title;
  if (!d.calendars.empty()) {
    json a = json::array();
    for (const calendar& c : d.calendars) a.push_back(c.to_json());
    j["calendars"] = a;
  }
  if (!d.rate_tables.empty()) {
    json a = json::array();
    for (const rate_table& t : d.rate_tables) a.push_back(t.to_json());
    j["rate_tables"] = a;
  }
  if (!d.fx.quotes().empty()) j["fx_rates"] = fx_to_json(d.fx);
  if (!d.loans.empty()) {
    json a = json::array();
    for (const named_loan& l : d.loans) {
      json x = loan_to_json(l.terms, false);
      x["id"] = l.id;
      a.push_back(x);
    }
    j["loans"] = a;
  }
  if (!d.holders.empty() || !d.events.empty()) {
    json holders = json::array(), events = json::array();
    for (const holder& h : d.holders) {
      json x = {{"id", h.id}, {"kind", to_string(h.kind)}};
      if (!h.name.empty()) x["name"] = h.name;
      if (!h.beneficiaries.empty()) x["beneficiaries"] = h.beneficiaries;
      holders.push_back(x);
    }
    for (const event& e : d.events) events.push_back(event_to_json(e));
    j["ledger"] = {{"holders", holders}, {"events", events}};
  }
  if (d.platform) j["platform"] = platform_to_json(*d.platform);
  if (d.repurchase) j["repurchase"] = repurchase_to_json(*d.repurchase);
  if (!d.plan.tranches.empty()) j["plan"] = plan_to_json(d.plan);
  json facts = facts_to_json(d.facts);
  if (!facts.empty()) j["facts"] = facts;
  if (d.conversion) j["conversion"] = conversion_to_json(*d.conversion);
  if (!d.reported_events.empty()) j["reported_events"] = reported_to_json(d.reported_events);
  if (d.exit) j["exit"] = exit_to_json(*d.exit, d.plan);
  if (d.sweep) j["sweep"] = sweep_to_json(*d.sweep);
  return j;
}

std::string to_json_text(const deal_document& d) { return to_json(d).dump(2) + "\n"; }

bool operator==(const deal_document& a, const deal_document& b) { return to_json(a) == to_json(b); }

exit_deal make_exit_deal(const deal_document& d) {
  if (!d.repurchase) missing_section("repurchase", "exit deal", "/repurchase");
  if (!d.exit) missing_section("exit", "exit deal", "/exit");
  exit_deal deal;
  deal.repurchase = *d.repurchase;
  deal.conversion = d.conversion;
  deal.facts = d.facts;
  deal.company_units = d.exit->company_units;
  deal.team_units = d.exit->team_units;
  deal.market_rate = d.exit->market_rate;
  return deal;
}

namespace {

// Where in the document an exit path's error is. compare_exit_paths names "paths[2].on" for the
// path's own fields, but the facts ("paths[0].facts.dividends[1].on") and the plan's tranches
// ("paths[0].tranches[1].rate") are written elsewhere: in /facts, and in the path's own plan or,
// when it runs on the document's plan, in /plan.
std::string exit_path_pointer(const deal_document& d, const std::string& where) {
  std::size_t index = 0, end = 0;
  if (where.rfind("paths[", 0) == 0 && (end = where.find("].", 6)) != std::string::npos) {
    try {
      index = std::stoul(where.substr(6, end - 6));
    } catch (const std::exception&) {
      return locate(where, {{"paths", "/exit/paths"}}, "/exit");
    }
    const std::string rest = where.substr(end + 2);
    const std::string path = json_pointer_join("/exit/paths", index);
    if (rest.rfind("facts", 0) == 0) return locate(rest, {{"facts", "/facts"}}, "/facts");
    if (rest.rfind("tranches", 0) == 0 && index < d.exit->paths.size()) {
      const repurchase_plan* own = nullptr;
      if (const auto* r = std::get_if<exit_by_repurchase>(&d.exit->paths[index])) own = &r->plan;
      if (const auto* c = std::get_if<exit_by_conversion>(&d.exit->paths[index])) own = &c->plan;
      const bool document_plan = own && plan_to_json(*own) == plan_to_json(d.plan);
      return locate(rest, {{"tranches", document_plan ? "/plan/tranches" : path + "/plan/tranches"}}, path);
    }
  }
  return locate(where, {{"paths", "/exit/paths"}}, "/exit");
}

}  // namespace

std::vector<exit_path_result> compare_document_exit_paths(const deal_document& d) {
  const exit_deal deal = make_exit_deal(d);
  try {
    return compare_exit_paths(deal, d.exit->paths);
  } catch (const error& e) {
    // compare_exit_paths names the path as "paths[2].on"; say where that is in the document, and
    // keep the kind of error (a calculation that has no answer is not bad input).
    detail::rethrow_at(e, exit_path_pointer(d, e.where()));
  }
}

sweep_spec make_sweep_spec(const deal_document& d) {
  if (!d.sweep) missing_section("sweep", "sweep spec", "/sweep");
  sweep_spec spec;
  spec.deal = make_exit_deal(d);
  spec.paths = d.sweep->paths;
  spec.plan = d.plan;
  spec.buyer = d.sweep->buyer;
  spec.rate_applies_to = d.sweep->rate_applies_to;
  spec.base = d.sweep->base;
  spec.write_off_recovery = d.sweep->write_off_recovery;
  return spec;
}

scenario_set make_sweep_scenarios(const deal_document& d) {
  if (!d.sweep) missing_section("sweep", "sweep scenarios", "/sweep");
  return d.sweep->scenarios;
}

const named_loan& find_loan(const deal_document& d, std::string_view id) {
  std::string known;
  for (const named_loan& l : d.loans) {
    if (l.id == id) return l;
    known += (known.empty() ? "" : ", ") + l.id;
  }
  throw invalid_input("no loan with id '" + std::string(id) + "' (the document has: " + (known.empty() ? "none" : known) + ")",
                      "/loans");
}

}  // namespace stakecalc
