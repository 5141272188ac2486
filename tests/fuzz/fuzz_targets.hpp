// The logic of the fuzz harnesses, as plain functions of one input.
//
// Each run_* function feeds an arbitrary byte string to one reader of the library and, when the
// input is accepted, checks the properties the library promises for what it read (round trips,
// rounding bounds, exact division undoing multiplication, canonical documents being fixed points)
// and evaluates it the way the example calculators do. The contract under test is the one in
// ARCHITECTURE.md, "Errors": bad input is refused with a stakecalc::error and never crashes. So:
//   - a stakecalc::error while reading or evaluating is a refusal, and the function returns;
//   - a broken promise throws property_violation (a std::logic_error, deliberately not a
//     stakecalc::error, so that no refusal handler can swallow it);
//   - any other exception escapes to the caller.
// The libFuzzer entry points (fuzz_*.cpp) turn an escaping exception into an abort, which libFuzzer
// records as a crash with its input; the GoogleTest replay (tests/cpp/test_fuzz_regressions.cpp)
// runs the same functions on every recorded crash input and on the seed corpora, so a finding
// stays a test after it is fixed. Header-only on purpose: the fuzz build (clang, libFuzzer) and the
// normal test binary (gcc) both compile it without a library of its own.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "stakecalc/stakecalc.hpp"

namespace stakecalc::fuzz {

// Larger inputs are skipped: the readers' own limits (64 MiB documents, 12,000 digits) are far
// above this, and libFuzzer spends its time better on many small inputs than on a few huge ones.
inline constexpr std::size_t max_input_bytes = 64 * 1024;
// Decimal texts longer than this skip the two-operand properties (a gcd of two 12,000-digit
// numbers costs milliseconds per execution); parsing and rounding still see them at full length.
inline constexpr std::size_t max_operand_bytes = 1024;
// Scenarios of a document's sweep evaluated per input (a grid can hold millions).
inline constexpr std::size_t max_sweep_scenarios = 16;
// Loans with more periods than this are not run (12,000 monthly periods are legal and slow).
inline constexpr int max_loan_periods = 1200;

class property_violation : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

// What an input did: too large to try, refused with a stakecalc::error, or accepted (and every
// property held).
enum class outcome { skipped, refused, accepted };

inline void require(bool holds, const std::string& what) {
  if (!holds) throw property_violation(what);
}

// A step that must not fail for input the library has already accepted: a stakecalc::error from
// it is turned into a property_violation naming the step.
template <class F>
auto must(const char* step, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const error& e) {
    throw property_violation(std::string(step) + " failed on accepted input: " + e.what());
  }
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
inline bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      extra = 1;
      cp = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
      extra = 2;
      cp = b & 0x0Fu;
    } else if (b >= 0xF0 && b <= 0xF4) {
      extra = 3;
      cp = b & 0x07u;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // the sequence is cut off by the end
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    i += extra + 1;
  }
  return true;
}

// Whether a refusal's message must be valid UTF-8: on while a run_* function handles an input
// that is valid UTF-8 (what Python, JSON and every terminal hand the library). A message cut in
// the middle of a character reaches Python as UnicodeDecodeError instead of stakecalc.InvalidInput,
// and makes nlohmann::json::dump throw when the message is written into a result (a sweep's
// failure cells). STAKECALC_FUZZ_CHECK_MESSAGES=0 turns the check off, to look past a known finding.
inline bool& messages_must_be_utf8() {
  static thread_local bool on = false;
  return on;
}

class message_check {
public:
  explicit message_check(std::string_view input) : saved_(messages_must_be_utf8()) {
    static const bool enabled = [] {
      const char* v = std::getenv("STAKECALC_FUZZ_CHECK_MESSAGES");
      return !(v && std::string_view(v) == "0");
    }();
    messages_must_be_utf8() = enabled && is_utf8(input);
  }
  ~message_check() { messages_must_be_utf8() = saved_; }
  message_check(const message_check&) = delete;
  message_check& operator=(const message_check&) = delete;

private:
  bool saved_;
};

// A step that may refuse: true when it ran, false when it threw a stakecalc::error.
template <class F>
bool may_refuse(F&& f) {
  try {
    f();
    return true;
  } catch (const error& e) {
    if (messages_must_be_utf8() && !is_utf8(e.what()))
      throw property_violation(std::string("an error message is not valid UTF-8 (a character cut in two?): ") +
                               e.what());
    return false;
  }
}

namespace detail {

inline std::vector<std::string_view> split_lines(std::string_view text, std::size_t at_most) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < at_most) {
    const std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) break;
    out.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  out.push_back(text);
  return out;
}

inline constexpr std::array<rounding, 8> all_modes = {rounding::up,      rounding::down,      rounding::ceiling,
                                                      rounding::floor,   rounding::half_up,   rounding::half_down,
                                                      rounding::half_even, rounding::unnecessary};

// x.rounded(places, mode) against the definitions of the modes (java.math.RoundingMode): the
// result has exactly `places` digits and lies within one unit of the last place of x, on the
// side the mode names; UNNECESSARY returns x unchanged or throws rounding_needed.
inline void check_rounding(const decimal& x, int places) {
  const decimal unit = decimal::from_parts(std::int64_t{1}, places);
  const decimal half = decimal::from_parts(std::int64_t{5}, places + 1);
  const bool exact = x.normalized().scale() <= places;
  for (rounding mode : all_modes) {
    std::optional<decimal> r;
    try {
      r = x.rounded(places, mode);
    } catch (const rounding_needed&) {
      require(mode == rounding::unnecessary && !exact,
              "rounding_needed from mode " + to_string(mode) + " on " + x.to_string());
      continue;
    } catch (const overflow_error&) {
      continue;  // a coefficient near the size limit may not take more places
    }
    const std::string what = x.to_string() + " rounded to " + std::to_string(places) + " places " + to_string(mode) +
                             " gave " + r->to_string();
    require(r->scale() == places, what + ": wrong scale");
    const decimal diff = *r - x;
    require(diff.abs() < unit, what + ": off by a unit or more");
    if (exact) require(*r == x, what + ": changed an exact value");
    switch (mode) {
      case rounding::down: require(r->abs() <= x.abs(), what + ": DOWN grew the magnitude"); break;
      case rounding::up: require(r->abs() >= x.abs(), what + ": UP shrank the magnitude"); break;
      case rounding::floor: require(*r <= x, what + ": FLOOR went up"); break;
      case rounding::ceiling: require(*r >= x, what + ": CEILING went down"); break;
      case rounding::half_up:
      case rounding::half_down:
      case rounding::half_even: require(diff.abs() <= half, what + ": more than half a unit away"); break;
      case rounding::unnecessary: require(exact && *r == x, what + ": UNNECESSARY rounded"); break;
    }
  }
}

// parse(to_string(x)) is x, scale included; normalisation keeps the value and the hash.
inline void check_decimal_text(const decimal& x) {
  const std::string s = x.to_string();
  const decimal back = must("parse(to_string(x))", [&] { return decimal::parse(s); });
  require(back == x && back.scale() == x.scale() && back.to_string() == s, "round trip changed " + s);
  const decimal n = x.normalized();
  require(n == x, "normalized() changed the value of " + s);
  require(n.hash() == x.hash(), "hash differs from the normalized value's for " + s);
  const decimal n_back = must("parse(normalized)", [&] { return decimal::parse(n.to_string()); });
  require(n_back == x, "normalized text does not read back as " + s);
  require(-(-x) == x, "double negation changed " + s);
  require((x - x).is_zero(), "x - x is not zero for " + s);
  require(x + decimal(0) == x, "x + 0 changed " + s);
  require(x.signum() == (x.is_zero() ? 0 : (s[0] == '-' ? -1 : 1)), "sign disagrees with the text " + s);
  if (x.is_small()) require(x.coefficient() == big_int(x.small_coefficient()), "fast-path coefficient differs: " + s);
}

// The amount's text with the currency code and thousands separators is the amount.
inline void check_money(const money& m) {
  const std::string t = m.to_string();
  const std::string prefix = std::string(m.currency().code()) + " ";
  require(t.compare(0, prefix.size(), prefix) == 0, "money text does not start with its code: " + t);
  std::string plain;
  for (char c : std::string_view(t).substr(prefix.size()))
    if (c != ',') plain += c;
  const decimal back = must("parse(money text)", [&] { return decimal::parse(plain); });
  require(back == m.amount() && back.scale() == m.amount().scale(), "money text does not read back: " + t);
  may_refuse([&] {
    const money r = m.rounded(rounding::half_even);
    require(r.amount() == m.amount().rounded(m.currency().minor_units(), rounding::half_even),
            "money rounding differs from decimal rounding for " + t);
    // Allocation conserves the amount and spreads it within one minor unit.
    const std::vector<money> parts = r.allocate(std::vector<decimal>{decimal(1), decimal(1), decimal(1)});
    require(parts.size() == 3, "allocate gave " + std::to_string(parts.size()) + " parts");
    money sum = money::zero(r.currency());
    for (const money& p : parts) sum += p;
    require(sum == r, "allocation of " + r.to_string() + " sums to " + sum.to_string());
    decimal low = parts[0].amount(), high = parts[0].amount();
    for (const money& p : parts) {
      low = std::min(low, p.amount());
      high = std::max(high, p.amount());
    }
    const decimal spread = high - low;
    require(spread <= decimal::from_parts(std::int64_t{1}, r.currency().minor_units()),
            "allocation of " + r.to_string() + " is uneven by " + spread.to_string());
  });
}

// Arithmetic identities on two exact values.
inline void check_two(const decimal& x, const decimal& y) {
  const std::string what = x.to_string() + " and " + y.to_string();
  require(compare(x, y) == -compare(y, x), "compare is not antisymmetric for " + what);
  may_refuse([&] {
    const decimal s = x + y;
    require(s == y + x, "addition does not commute for " + what);
    require(s - y == x, "(x + y) - y is not x for " + what);
    require((x < y) == (x - y).is_negative(), "order disagrees with subtraction for " + what);
  });
  if (y.is_zero()) return;
  may_refuse([&] {
    const decimal p = x * y;
    // Exact division must undo an exact multiplication: the quotient always terminates.
    const decimal q = must("(x * y) / y", [&] { return p / y; });
    require(q == x, "(x * y) / y is " + q.to_string() + " for " + what);
  });
  may_refuse([&] {
    const decimal q = divide(x, y, 6, rounding::half_even);
    // |x - q y| <= |y| x 0.0000005, the half-unit bound of a quotient to 6 places.
    require((x - q * y).abs() <= y.abs() * decimal::from_parts(std::int64_t{5}, 7),
            "divide(" + what + ", 6) gave " + q.to_string() + ", more than half a unit off");
  });
}

}  // namespace detail

// Input: up to three lines, "<decimal>\n<decimal>\n<currency code>". The first line is parsed as a
// decimal and as a money amount (in the third line's currency, CNY when there is none); the
// second, when it parses too, is the other operand of the arithmetic identities.
inline outcome run_decimal(std::string_view input) {
  if (input.size() > max_input_bytes) return outcome::skipped;
  const message_check utf8_messages(input);
  const std::vector<std::string_view> lines = detail::split_lines(input, 3);
  std::optional<decimal> x, y;
  may_refuse([&] { x = decimal::parse(lines[0]); });
  if (lines.size() > 1) may_refuse([&] { y = decimal::parse(lines[1], "second"); });
  const std::string_view code = lines.size() > 2 ? lines[2] : std::string_view("CNY");
  std::optional<money> m;
  may_refuse([&] { m = money(lines[0], code); });
  require(m.has_value() <= x.has_value(), "money accepted an amount decimal refused");
  if (!x) return outcome::refused;
  detail::check_decimal_text(*x);
  for (int places : {0, 2, x->scale() > 0 ? x->scale() - 1 : 3}) detail::check_rounding(*x, places);
  if (m) {
    require(m->amount() == *x && m->amount().scale() == x->scale(), "money changed the amount " + x->to_string());
    detail::check_money(*m);
  }
  if (y && lines[0].size() <= max_operand_bytes && lines[1].size() <= max_operand_bytes) detail::check_two(*x, *y);
  return outcome::accepted;
}

namespace detail {

inline constexpr std::array<business_day_convention, 6> all_conventions = {
    business_day_convention::following,          business_day_convention::modified_following,
    business_day_convention::preceding,          business_day_convention::modified_preceding,
    business_day_convention::unadjusted,         business_day_convention::nearest};

// A calendar that loaded: its canonical JSON reads back equal and writes the same text, and its
// arithmetic agrees with day-by-day counting over a stretch of days inside its years.
inline void check_calendar(const calendar& c) {
  const std::string text = must("calendar::to_json_text", [&] { return c.to_json_text(); });
  const calendar back = must("calendar::parse_json(to_json_text)", [&] { return calendar::parse_json(text); });
  require(back == c, "calendar JSON round trip changed the calendar: " + text.substr(0, 200));
  require(back.to_json_text() == text, "calendar JSON is not a fixed point: " + text.substr(0, 200));

  const int year = c.first_year().value_or(2024);
  const date start(static_cast<unsigned short>(year), 1, 1);
  for (business_day_convention conv : all_conventions) {
    may_refuse([&] {
      const date a = c.adjust(start, conv);
      if (conv != business_day_convention::unadjusted)
        require(c.is_business_day(a), "adjust(" + to_iso(start) + ") gave the holiday " + to_iso(a));
    });
  }
  may_refuse([&] {
    const date end = stakecalc::detail::add_days(start, 45);
    long counted = 0;
    for (date d = start; d < end; d = stakecalc::detail::add_days(d, 1)) counted += c.is_business_day(d) ? 1 : 0;
    const long between = c.business_days_between(start, end);
    require(between == counted, "business_days_between gave " + std::to_string(between) + ", counting gave " +
                                    std::to_string(counted));
    // Reversed, the flags swap roles (QuantLib's rule): counting (end, start] backwards is -[start, end).
    require(c.business_days_between(end, start, false, true) == -between, "business_days_between is not antisymmetric");
  });
  may_refuse([&] { (void)c.advance(start, 1, time_unit::months, business_day_convention::modified_following, true); });
  may_refuse([&] { (void)c.holidays(year); });
}

// A rate table that loaded: canonical JSON round trip, fixings sorted and found on their dates.
inline void check_rate_table(const rate_table& t) {
  const std::string text = must("rate_table::to_json_text", [&] { return t.to_json_text(); });
  const rate_table back = must("rate_table::parse_json(to_json_text)", [&] { return rate_table::parse_json(text); });
  require(back == t, "rate table JSON round trip changed the table: " + text.substr(0, 200));
  require(back.to_json_text() == text, "rate table JSON is not a fixed point: " + text.substr(0, 200));
  const std::vector<rate_fixing>& f = t.fixings();
  for (std::size_t i = 0; i < f.size() && i < 256; ++i) {
    if (i > 0) require(f[i - 1].effective < f[i].effective, "fixings are not strictly by date");
    const std::optional<decimal> r = t.find_rate_on(f[i].effective);
    require(r && *r == f[i].rate, "the rate on a fixing's own date is not that fixing's");
  }
  if (!f.empty()) {
    may_refuse([&] {
      const date before = stakecalc::detail::add_days(f.front().effective, -1);
      require(!t.find_rate_on(before), "a rate before the first fixing");
    });
    require(t.with_fixings(f) == t, "adding a table's own fixings changed it");
  }
}

}  // namespace detail

// Input: JSON text, tried as a calendar and as a rate table (and, when it does not start with
// '{', as the name of a built-in calendar).
inline outcome run_tables(std::string_view input) {
  if (input.size() > max_input_bytes) return outcome::skipped;
  const message_check utf8_messages(input);
  std::optional<calendar> c;
  std::optional<rate_table> t;
  may_refuse([&] { c = calendar_from_name_or_json(input); });
  may_refuse([&] { t = rate_table::parse_json(input); });
  if (c) detail::check_calendar(*c);
  if (t) detail::check_rate_table(*t);
  return c || t ? outcome::accepted : outcome::refused;
}

namespace detail {

// The example calculators' work on a loaded document, each part allowed to refuse: what the loader
// leaves to evaluation (a sale before the investment, no units left to convert) is a refusal,
// reported as a stakecalc::error. Results are written as JSON, CSV and text, as the calculators do.
inline void evaluate_document(const deal_document& doc) {
  std::string sink;  // keeps the writers' output alive until the end of each step
  if (doc.exit && doc.repurchase && !doc.exit->paths.empty()) {
    may_refuse([&] {
      const std::vector<exit_path_result> r = compare_document_exit_paths(doc);
      sink = exit_paths_json(r, true).dump(2) + to_csv(exit_paths_table(r, cell_style::exact, true)) +
             to_text(exit_paths_table(r, cell_style::readable, true));
    });
  }
  if (doc.repurchase && !doc.plan.tranches.empty()) {
    may_refuse([&] {
      const repurchase_evaluation ev = evaluate_plan(*doc.repurchase, doc.plan, doc.facts);
      sink = repurchase_json(ev, true).dump(2) + to_csv(repurchase_table(ev, cell_style::exact, true)) +
             to_text(repurchase_table(ev, cell_style::readable, true));
    });
  }
  if (doc.conversion && doc.repurchase) {
    may_refuse([&] {
      const std::optional<conversion_result> c =
          convert_on_first_trigger(*doc.conversion, *doc.repurchase, doc.plan, doc.facts, doc.reported_events);
      if (c)
        sink = conversion_json(*c, true).dump(2) + to_csv(repayment_table(*c, cell_style::exact)) +
               to_text(conversion_summary_table(*c, cell_style::readable));
    });
  }
  if (doc.platform && doc.platform->report_on) {
    const platform_section& p = *doc.platform;
    may_refuse([&] {
      const platform_portfolio portfolio = portfolio_on(doc.equity_ledger, p.holder, *p.report_on);
      sink = portfolio_json(portfolio).dump(2) + to_csv(portfolio_table(portfolio, cell_style::exact));
      if (p.report_currency) {
        const converted_portfolio cp =
            convert_lines(portfolio.by_company, doc.fx, *p.report_currency, *p.report_on, rounding::half_even);
        sink = converted_portfolio_json(cp).dump(2) + to_text(converted_portfolio_table(cp, cell_style::readable));
      }
    });
    if (p.rules)
      for (const platform_proceeds& proceeds : p.proceeds)
        may_refuse([&] {
          const distribution_result d = distribute(proceeds.gross, *p.rules);
          sink = distribution_json(d).dump(2) + to_csv(distribution_table(d, cell_style::exact));
        });
  }
  for (const named_loan& l : doc.loans) {
    if (l.terms.periods && *l.terms.periods > max_loan_periods) continue;
    may_refuse([&] {
      const loan running(l.terms, doc.facts.rates);
      const loan_totals totals = running.totals();
      sink = std::to_string(running.schedule().size()) + std::to_string(totals.instalments);
    });
  }
  if (doc.sweep) {
    may_refuse([&] {
      const sweep_spec spec = make_sweep_spec(doc);
      const scenario_set scenarios = make_sweep_scenarios(doc);
      validate_sweep(spec, scenarios);
      // The single evaluation of each scenario is, by sweep.hpp's contract, the sweep's row; it
      // needs no threads, which keeps executions fast and leak reports unambiguous.
      std::vector<sweep_row> rows;
      for (std::size_t i = 0; i < scenarios.size() && i < max_sweep_scenarios; ++i)
        rows.push_back(evaluate_scenario(spec, scenarios.at(i), i));
      sink = sweep_json(rows).dump(2) + to_csv(sweep_table(rows, cell_style::exact)) +
             to_text(sweep_table(rows, cell_style::readable));
    });
  }
}

}  // namespace detail

// Input: a deal document's text. When it loads, its canonical text reads back as an equal document
// that writes the same bytes (deal_document.hpp's promise), and it is evaluated.
inline outcome run_deal_document(std::string_view input) {
  if (input.size() > max_input_bytes) return outcome::skipped;
  const message_check utf8_messages(input);
  std::optional<deal_document> doc;
  may_refuse([&] { doc = parse_deal_document(input, "fuzz input"); });
  if (!doc) return outcome::refused;
  const std::string text = must("to_json_text(document)", [&] { return to_json_text(*doc); });
  const deal_document again = must("parse_deal_document(to_json_text)", [&] { return parse_deal_document(text, "canonical"); });
  require(again == *doc, "the canonical text loads as a different document");
  require(to_json_text(again) == text, "the canonical text is not a fixed point");
  detail::evaluate_document(*doc);
  return outcome::accepted;
}

// The body of every LLVMFuzzerTestOneInput: runs `target` and turns an escaping exception (a
// property_violation or anything that is not a stakecalc::error) into an abort after printing it,
// so that libFuzzer saves the input as a crash. The return value 0 is libFuzzer's "keep going".
template <class Target>
int libfuzzer_entry(const std::uint8_t* data, std::size_t size, Target target) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    (void)target(input);
  } catch (const property_violation& e) {
    std::fprintf(stderr, "stakecalc fuzz finding: property violated: %s\n", e.what());
    std::abort();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stakecalc fuzz finding: exception of type %s escaped: %s\n", typeid(e).name(), e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "stakecalc fuzz finding: a non-standard exception escaped\n");
    std::abort();
  }
  return 0;
}

}  // namespace stakecalc::fuzz
