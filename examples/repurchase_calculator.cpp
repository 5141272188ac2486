// repurchase_calculator: the team's repurchases of the fund's stake, tranche by tranche.
//
//   repurchase_calculator examples/data/ustc-deal.json
//   repurchase_calculator --format csv --explain examples/data/anhui-repurchase.json
//
// Reads a deal document (its repurchase terms, plan and facts), checks the plan against the
// windows and prices every tranche: the window in force, the proportion, the units, the price
// per unit and the amount (rounded once, to the cent, as the terms say). Then the fund's view:
// cash recovered, IRR and multiple, and what the team paid.
#include "command_line.hpp"

int main(int argc, char** argv) {
  using namespace stakecalc;
  return example::run(
      argc, argv, "repurchase_calculator",
      "Prices the plan's repurchase tranches under the document's repurchase terms.\n"
      "--explain shows how every price was reached (formula, inputs, rounding).",
      false, [](const example::options& o) {
        const deal_document doc = read_deal_document(o.document);
        const repurchase_terms& terms = example::need(doc.repurchase, "/repurchase", "the repurchase terms");
        if (doc.plan.tranches.empty()) throw invalid_input("this calculator needs a plan with tranches", "/plan");

        // The plan was checked when the document loaded; pricing may still find a rule broken
        // (a benchmark without a fixing that day), which is reported like any refusal.
        const repurchase_evaluation ev = evaluate_plan(terms, doc.plan, doc.facts);

        switch (o.format) {
          case result_format::json: example::print(repurchase_json(ev, o.explain).dump(2) + "\n"); return;
          case result_format::csv: example::print(to_csv(repurchase_table(ev, cell_style::exact, o.explain))); return;
          case result_format::text: break;
        }
        if (!doc.title.empty()) example::print(doc.title + "\n\n");
        example::print(to_text(repurchase_table(ev, cell_style::readable, o.explain)));
        const auto irr = ev.fund_irr ? (*ev.fund_irr * decimal(100)).rounded(4, rounding::half_even).to_string() + "%"
                                     : std::string("n/a");
        std::printf("\nfund cash recovered  %s\nfund IRR             %s\nfund multiple        %sx\nteam cost            %s\n",
                    ev.fund_cash_recovered.to_string().c_str(), irr.c_str(),
                    ev.fund_multiple.round(4, rounding::half_even).to_string().c_str(), ev.team_cost.to_string().c_str());
        for (const missed_minimum& m : ev.missed_minimums)
          std::printf("missed minimum: window '%s' required %s by %s, %s bought (a conversion trigger)\n", m.label.c_str(),
                      exact_ratio_text(m.required).c_str(), to_iso(m.end).c_str(), exact_ratio_text(m.bought).c_str());
      });
}
