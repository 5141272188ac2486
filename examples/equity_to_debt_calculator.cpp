// equity_to_debt_calculator: the fund's remaining stake converted into a loan (股转债).
//
//   equity_to_debt_calculator examples/data/county-conversion.json
//   equity_to_debt_calculator --on 2026-06-30 --format csv examples/data/ustc-deal.json
//
// Without --on, the conversion happens on the first trigger of the terms that fires given the plan
// and the document's reported events (a deadline passed, a window's minimum missed, a reported
// milestone failure or team election); with --on, on that day. Prints the conversion
// statement (how the principal was reached), each debtor's share, and the repayment schedule.
#include "command_line.hpp"

int main(int argc, char** argv) {
  using namespace stakecalc;
  return example::run(
      argc, argv, "equity_to_debt_calculator",
      "Converts the fund's remaining stake to debt on the first trigger (or --on) and prints the\n"
      "conversion statement and every debtor's repayment schedule.",
      true, [](const example::options& o) {
        const deal_document doc = read_deal_document(o.document);
        const repurchase_terms& terms = example::need(doc.repurchase, "/repurchase", "the repurchase terms");
        const equity_to_debt_terms& conversion = example::need(doc.conversion, "/conversion", "equity-to-debt terms");

        std::optional<conversion_result> c;
        if (o.on) {
          c = convert_to_debt(conversion, terms, doc.plan, *o.on, doc.facts);
        } else {
          c = convert_on_first_trigger(conversion, terms, doc.plan, doc.facts, doc.reported_events);
          if (!c) throw invalid_input("no trigger fires for this plan; give a conversion date with --on", "/conversion/triggers");
        }

        switch (o.format) {
          case result_format::json: example::print(conversion_json(*c, o.explain).dump(2) + "\n"); return;
          case result_format::csv: example::print(to_csv(repayment_table(*c, cell_style::exact))); return;
          case result_format::text: break;
        }
        example::print(to_text(conversion_summary_table(*c, cell_style::readable)) + "\n");
        example::print("How the principal was reached:\n" + c->statement.to_text(2) + "\n");
        example::print(to_text(repayment_table(*c, cell_style::readable)));
        for (const debtor_loan& l : c->loans)
          if (l.legal_cap)
            std::printf("\n%s: rate %s%%, legal cap %s%% (%s): %s\n", l.debtor.c_str(),
                        (l.legal_cap->rate * decimal(100)).normalized().to_string().c_str(),
                        (l.legal_cap->cap * decimal(100)).normalized().to_string().c_str(), l.legal_cap->rule.c_str(),
                        l.legal_cap->rate_within_cap ? "within the cap" : "ABOVE THE CAP");
        if (o.explain)
          for (const tranche_result& t : c->repurchases) example::print("\n" + t.price.why.to_text(2));
      });
}
