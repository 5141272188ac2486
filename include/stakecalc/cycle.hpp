// stakecalc/cycle.hpp: the cycle of a contract's recurring events (interest payments, principal
// redemptions, rate resets) and the dates it generates from an anchor date.
//
// The rule is the one of the ACTUS standard, which the loan engine follows: dates are the anchor,
// then anchor + k steps for k = 1, 2, ..., each computed from the anchor (so 31 January + 1M, + 2M,
// + 3M gives 28/29 February, 31 March, 30 April: no drift after a short month), while they are
// before the end. A cycle says what happens to a last period that does not fit: a short stub keeps
// it as a short period, a long stub merges it into the period before. schedule.hpp generates
// QuantLib-style schedules (backward from the end); loans are anchored at their start instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/date.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/moment.hpp"
#include "stakecalc/tenor.hpp"

namespace stakecalc {

enum class stub_kind { short_stub, long_stub };

class cycle {
public:
  cycle() = default;  // monthly, short stub
  cycle(tenor step, stub_kind stub = stub_kind::short_stub) : step_(step), stub_(stub) {  // NOLINT: a tenor is a cycle
    if (step.length() <= 0)
      throw invalid_input("a cycle needs a positive length, got " + step.to_string(), "cycle");
  }

  // "1M", "3M", "1Y", "2W", "10D" (short stub), or the ACTUS form "P1ML1" (L1: short stub) /
  // "P1ML0" (L0: long stub), where the unit may also be Q (a quarter: three months).
  static cycle parse(std::string_view text, const std::string& where = "cycle") {
    if (text.size() >= 3 && (text[0] == 'P' || text[0] == 'p')) {
      auto bad = [&]() {
        return invalid_input("not a cycle: '" + std::string(text.substr(0, 20)) +
                                 "' (expected e.g. 1M, 3M, 1Y, or the ACTUS form P1ML1 / P1ML0)",
                             where);
      };
      std::size_t i = 1;
      long n = 0;
      std::size_t digits = 0;
      for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
        if (digits == 6) throw bad();
        n = n * 10 + (text[i] - '0');
      }
      if (digits == 0 || i >= text.size()) throw bad();
      char unit = static_cast<char>(text[i] == 'q' ? 'Q' : text[i]);
      ++i;
      stub_kind stub = stub_kind::short_stub;
      if (i < text.size()) {
        if (i + 2 != text.size() || (text[i] != 'L' && text[i] != 'l') || (text[i + 1] != '0' && text[i + 1] != '1'))
          throw bad();
        stub = text[i + 1] == '0' ? stub_kind::long_stub : stub_kind::short_stub;
      }
      if (n == 0) throw bad();
      if (unit == 'Q') return cycle(tenor(static_cast<int>(3 * n), time_unit::months), stub);
      return cycle(tenor::parse(std::to_string(n) + unit, where), stub);
    }
    return cycle(tenor::parse(text, where));
  }

  const tenor& step() const noexcept { return step_; }
  stub_kind stub() const noexcept { return stub_; }
  // "1M", or "1M (long stub)".
  std::string to_string() const { return step_.to_string() + (stub_ == stub_kind::long_stub ? " (long stub)" : ""); }

  friend bool operator==(const cycle& a, const cycle& b) { return a.step_ == b.step_ && a.stub_ == b.stub_; }
  friend bool operator!=(const cycle& a, const cycle& b) { return !(a == b); }

private:
  tenor step_{1, time_unit::months};
  stub_kind stub_ = stub_kind::short_stub;
};

// Refuses schedules that would generate an absurd number of dates (a daily cycle over centuries).
inline constexpr std::size_t max_cycle_dates = 50000;

// The dates of `c` anchored at `anchor`, up to `end`:
//   * the anchor, then anchor + k steps while before `end` (all at the start of their day);
//   * then `end` itself when include_end;
//   * with a long stub, when `end` is not itself on the grid and more than two dates were made,
//     the last grid date before `end` is dropped (its period is merged into the last);
//   * end_of_month: when the anchor is the last day of its month and the step is in months or
//     years, every generated date is moved to the last day of its month.
// Without a cycle: the anchor, and `end` when include_end (and different).
inline std::vector<moment> cycle_dates(const date& anchor, const moment& end, const std::optional<cycle>& c,
                                       bool end_of_month, bool include_end) {
  std::vector<moment> out;
  if (!c) {
    out.emplace_back(anchor);
    if (include_end && end != moment(anchor)) out.push_back(end);
    return out;
  }
  const tenor& step = c->step();
  const bool month_ends = end_of_month && is_end_of_month(anchor) &&
                          (step.unit() == time_unit::months || step.unit() == time_unit::years);
  moment next(anchor);
  for (int k = 1; next < end; ++k) {
    out.push_back(next);
    if (out.size() > max_cycle_dates)
      throw invalid_input("the cycle " + c->to_string() + " from " + to_iso(anchor) + " to " + end.to_string() +
                              " makes more than " + std::to_string(max_cycle_dates) + " dates",
                          "cycle");
    date d = add_tenor(anchor, step * k);
    if (month_ends) d = stakecalc::end_of_month(d);
    next = moment(d);
  }
  if (include_end && (out.empty() || out.back() != end)) out.push_back(end);
  if (c->stub() == stub_kind::long_stub && next != end && out.size() > 2)
    out.erase(out.end() - (include_end ? 2 : 1));
  return out;
}

}  // namespace stakecalc
