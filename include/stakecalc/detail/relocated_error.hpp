// stakecalc/detail/relocated_error.hpp: an error passed on with a fuller location.
//
// A part of the library names a field in its own terms ("tranches[0].on"); the caller that knows
// more says where that is in its input ("plan.tranches[0].on", "paths[2].on",
// "/exit/paths/2/on"). The kind of error must survive the move: a calculation with no answer is
// not bad input, and Python maps the kinds to different exceptions.
#pragma once

#include <string>

#include "stakecalc/error.hpp"

namespace stakecalc::detail {

// The error's message without the "where: " the error put in front of it.
inline std::string bare_message(const error& e) {
  const std::string what = e.what();
  const std::string& where = e.where();
  if (!where.empty() && what.compare(0, where.size() + 2, where + ": ") == 0) return what.substr(where.size() + 2);
  return what;
}

// Throws an error of the same kind as `e`, with its message, at `where`.
[[noreturn]] inline void rethrow_at(const error& e, const std::string& where) {
  const std::string what = bare_message(e);
  if (dynamic_cast<const currency_mismatch*>(&e)) throw currency_mismatch(what, where);
  if (dynamic_cast<const domain_rule_error*>(&e)) throw domain_rule_error(what, where);
  if (dynamic_cast<const no_solution*>(&e)) throw no_solution(what, where);
  if (dynamic_cast<const rounding_needed*>(&e)) throw rounding_needed(what, where);
  if (dynamic_cast<const overflow_error*>(&e)) throw overflow_error(what, where);
  if (dynamic_cast<const division_by_zero*>(&e)) throw division_by_zero(what, where);
  if (dynamic_cast<const arithmetic_error*>(&e)) throw arithmetic_error(what, where);
  throw invalid_input(what, where);
}

}  // namespace stakecalc::detail
