// exit_paths: the deal's ways out for the fund, side by side.
//
//   exit_paths examples/data/ustc-deal.json
//   exit_paths --format csv examples/data/ustc-deal.json
//
// Each path of the document's exit section (the team repurchasing per the plan, conversion to
// debt on a date, a sale at a valuation, a write-off) is evaluated on the same facts: the cash the
// fund recovers, its IRR and multiple, the grant-equivalent (what the concession is worth at the
// market rate, against an outright grant of the investment), the team's cost and final ownership.
// --explain shows how each grant-equivalent was reached.
#include "command_line.hpp"

int main(int argc, char** argv) {
  using namespace stakecalc;
  return example::run(
      argc, argv, "exit_paths",
      "Compares the exit paths listed in the document's exit section.", false, [](const example::options& o) {
        const deal_document doc = read_deal_document(o.document);
        const exit_section& exits = example::need(doc.exit, "/exit", "an exit section");
        if (exits.paths.empty()) throw invalid_input("this calculator needs at least one exit path", "/exit/paths");

        // Each path evaluated on the same deal and facts; an error names the path in the document.
        const std::vector<exit_path_result> results = compare_document_exit_paths(doc);

        switch (o.format) {
          case result_format::json: example::print(exit_paths_json(results, o.explain).dump(2) + "\n"); return;
          case result_format::csv: example::print(to_csv(exit_paths_table(results, cell_style::exact, o.explain))); return;
          case result_format::text: break;
        }
        if (!doc.title.empty()) example::print(doc.title + "\n\n");
        example::print(to_text(exit_paths_table(results, cell_style::readable, o.explain)));
        std::printf("\ninvestment %s on %s; grant-equivalent at a market rate of %s%%\n",
                    doc.repurchase->investment.amount.to_string().c_str(), to_iso(doc.repurchase->investment.on).c_str(),
                    (exits.market_rate * decimal(100)).normalized().to_string().c_str());
      });
}
