// The fund's exit recorded in the cap-table ledger (stakecalc/exit_ledger.hpp).
#include "stakecalc/exit_ledger.hpp"

namespace stakecalc {

namespace {

std::vector<std::size_t> append_repurchases(ledger& book, const std::string& company_id, const std::string& fund_id,
                                            const std::vector<tranche_result>& tranches, const std::string& note) {
  std::vector<std::size_t> indices;
  for (const tranche_result& t : tranches) {
    repurchase body;
    body.company_id = company_id;
    body.seller = fund_id;
    body.purchases.push_back(purchase{t.buyer, t.price.units, t.price.amount});
    indices.push_back(book.record(event{t.price.on, body, note + ", tranche " + std::to_string(t.index)}));
  }
  return indices;
}

}  // namespace

// Both record on a copy and swap it in at the end, so a refused tranche leaves the book as it was.
std::vector<std::size_t> record_repurchases(ledger& book, const std::string& company_id, const std::string& fund_id,
                                            const repurchase_evaluation& plan, const std::string& note) {
  ledger draft = book;
  std::vector<std::size_t> indices = append_repurchases(draft, company_id, fund_id, plan.tranches, note);
  book = std::move(draft);
  return indices;
}

std::size_t record_conversion(ledger& book, const std::string& company_id, const std::string& fund_id,
                              const conversion_result& conversion, bool with_repurchases) {
  ledger draft = book;
  if (with_repurchases) append_repurchases(draft, company_id, fund_id, conversion.repurchases, "team repurchase");
  equity_to_debt_exit body;
  body.company_id = company_id;
  body.holder = fund_id;
  body.principal = conversion.principal;
  if (!conversion.units_cancelled) {
    // The ledger splits the units by shares itself; the shares that produced conversion.units_to
    // are the units' own proportions, exactly.
    for (const units_transfer& u : conversion.units_to)
      body.recipients.push_back(share_of{u.holder, ratio(u.units) / ratio(conversion.units_converted)});
  }
  const std::size_t index = draft.record(event{conversion.on, body, "equity-to-debt conversion"});
  book = std::move(draft);
  return index;
}

std::vector<cap_table> cap_tables_after_tranches(const ledger& book, const std::string& company_id,
                                                 const repurchase_evaluation& plan) {
  std::vector<cap_table> out;
  for (const tranche_result& t : plan.tranches) out.push_back(book.cap_table_on(company_id, t.price.on));
  return out;
}

}  // namespace stakecalc
