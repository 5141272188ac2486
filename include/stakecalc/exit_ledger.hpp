// stakecalc/exit_ledger.hpp: the fund's exit recorded in the cap-table ledger.
//
// The contract layer computes prices and principals without a cap table; this thin bridge turns
// its results into ledger events (ledger.hpp), so the ledger shows every holder's ownership after
// each tranche and after a conversion. Kept in its own header so that the contract layer does not
// depend on the ledger.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "stakecalc/cap_table.hpp"
#include "stakecalc/equity_to_debt.hpp"
#include "stakecalc/ledger.hpp"
#include "stakecalc/repurchase_plan.hpp"

namespace stakecalc {

// One repurchase event per tranche (the buyer pays the tranche's amount; an empty buyer is the
// company, whose purchase the ledger treats as a capital reduction). The fund's units in the
// ledger must match the plan. Returns the events' indices. All or nothing: a refused tranche throws
// and leaves the ledger as it was (the events are recorded on a copy of the ledger, swapped in at
// the end, so each call costs one copy of the ledger).
std::vector<std::size_t> record_repurchases(ledger& book, const std::string& company_id, const std::string& fund_id,
                                            const repurchase_evaluation& plan, const std::string& note = "team repurchase");

// The conversion: the fund leaves the cap table, its units going to the recipients by their
// shares or cancelled. Records the tranches executed before it first when `with_repurchases`.
// All or nothing, as record_repurchases.
std::size_t record_conversion(ledger& book, const std::string& company_id, const std::string& fund_id,
                              const conversion_result& conversion, bool with_repurchases = true);

// The cap table right after each tranche's day (tranches on one day share a table).
std::vector<cap_table> cap_tables_after_tranches(const ledger& book, const std::string& company_id,
                                                 const repurchase_evaluation& plan);

}  // namespace stakecalc
