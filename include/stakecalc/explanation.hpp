// stakecalc/explanation.hpp: how an amount was reached, for the audit trail.
//
// Finance staff sign off on a repurchase price or a conversion principal only when they can
// retrace it: which formula, which inputs and where each came from (the LPR fixing and its date,
// the day count and how many days), the value before rounding and the rounding applied. Every
// amount the contract layer computes carries one of these. It is plain data (strings), so it
// outlives the objects it describes, converts to JSON or Python without ceremony, and can be
// compared in tests.
#pragma once

#include <string>
#include <vector>

#include "stakecalc/ratio.hpp"

namespace stakecalc {

// One input of a formula: its name, its value as text, and where it came from.
struct explanation_input {
  std::string name;    // "r", "days", "cost"
  std::string value;   // "0.03", "1582", "CNY 1,800,000.00"
  std::string source;  // "LPR-1Y fixing of 2025-05-20, in force on 2025-06-30"; empty when self-evident
};

struct explanation {
  std::string subject;  // what the amount is: "price of tranche 1"
  std::string formula;  // "cost x (1 + r x yf)"
  std::vector<explanation_input> inputs;
  std::string exact;     // the value before rounding: a terminating decimal, or a fraction with an approximation
  std::string rounding;  // "to 0.01 HALF_UP"; empty when nothing was rounded
  std::string result;    // the value as used downstream
  std::vector<explanation> steps;  // how computed inputs were reached (nested formulas)

  // Appends an input (builder style: e.add("r", "0.03", "fixed by the terms").add(...)).
  explanation& add(std::string name, std::string value, std::string source = {}) {
    inputs.push_back({std::move(name), std::move(value), std::move(source)});
    return *this;
  }

  // Indented, one fact per line:
  //   price of tranche 1 = CNY 1,234.56
  //     formula: cost x (1 + r x yf)
  //     cost = CNY 1,200,000.00
  //     r = 0.03 (LPR-1Y fixing of 2025-05-20, in force on 2025-06-30)
  //     exact: 1234.5634...
  //     rounded: to 0.01 HALF_UP
  //     where:
  //       ...
  std::string to_text(int indent = 0) const;
};

// Whether a computation writes its explanations. The numbers never depend on it. `numbers_only`
// leaves every explanation of the result empty (and any text that only describes how a number was
// reached, such as a quote's formula text): for batch callers such as run_sweep, which keep the
// numbers of thousands of evaluations and drop the rest, and for which building that text was a
// large part of the cost. Every function taking one defaults to `full`.
enum class explain_mode { full, numbers_only };

// An exact value as people read it: the decimal when it terminates within 30 places ("0.5",
// "1234.56"), else the fraction with a 20-place approximation ("1/3 = 0.33333333333333333333...").
std::string exact_text(const ratio& value);

}  // namespace stakecalc
