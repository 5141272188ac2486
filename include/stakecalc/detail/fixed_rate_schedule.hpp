// stakecalc/detail/fixed_rate_schedule.hpp: the repayment table of a plain fixed-rate loan,
// computed directly in whole minor units.
//
// Most loans a bank quotes are plain: a fixed rate, annuity (等额本息), equal principal (等额本金)
// or bullet repayment, a number of monthly (or n-monthly, or yearly) periods from the start, no
// payment-date adjustment, rounded to the minor unit. For them the general engine (src/loan.cpp)
// plans and runs two events a period in exact fractions, which costs some 50 times what the same
// table costs in binary floating point. Here the table is computed as the engine would compute it
// but in integers: every rounded amount is an integer number of minor units, each period's
// interest is one exact integer division (balance x rate coefficient x accrual numerator over
// 10^scale x accrual denominator) rounded with the contract's mode, and the annuity instalment's
// rounding is decided in long double with an error bound (rounding_decision.hpp).
//
// The rows are the engine's rows, exactly: tests/cpp/test_fixed_rate_schedule.cpp checks that
// over random plain loans. Whenever this path cannot be sure (the instalment too near a rounding
// boundary, an amount beyond 64 bits), it declines and the engine runs.
//
// Internal: used by src/loan.cpp and its tests.
#pragma once

#include <optional>
#include <vector>

#include "stakecalc/loan.hpp"

namespace stakecalc::detail {

// True when `terms` (already validated) are those of a plain fixed-rate loan, as above.
bool is_plain_fixed_rate(const loan_terms& terms);

// The schedule rows of a plain fixed-rate loan, each showing `shown_rate`; nullopt when this path
// declines (see above) and the engine must run.
std::optional<std::vector<loan_schedule_row>> fixed_rate_schedule(const loan_terms& terms, const decimal& shown_rate);

}  // namespace stakecalc::detail
