// platform_report: the shareholding platform's portfolio on a date, and the distribution of what
// it received.
//
//   platform_report examples/data/ustc-deal.json
//   platform_report --on 2025-12-31 --format json examples/data/ustc-deal.json
//
// The portfolio comes from the document's ledger (every company's cap table on the date): per
// company and per beneficiary institution, units, ownership, cost, mark value, gains, dividends.
// Each amount listed under the platform's "proceeds" is then split by its distribution rules:
// deductions first, then the shares, to the cent (the team's floor checked when the document loaded).
// With a report currency, the company lines are also converted with the document's fx rates.
// CSV: the portfolio table, the converted one, then each distribution table, separated by an
// empty line.
#include "command_line.hpp"

int main(int argc, char** argv) {
  using namespace stakecalc;
  return example::run(
      argc, argv, "platform_report",
      "Shows the platform's portfolio on --on (default: the document's report_on), converted to the\n"
      "report currency when the document names one, and distributes each of its proceeds by the rules.",
      true, [](const example::options& o) {
        const deal_document doc = read_deal_document(o.document);
        const platform_section& platform = example::need(doc.platform, "/platform", "a platform section");
        if (!o.on && !platform.report_on)
          throw invalid_input("no report date: give --on or the platform's report_on", "/platform/report_on");
        const date on = o.on ? *o.on : *platform.report_on;

        const platform_portfolio portfolio = portfolio_on(doc.equity_ledger, platform.holder, on);
        // Holdings abroad stay in their own currency; a report currency converts each company line
        // once, with the document's explicit rates (the rate used is shown on every line).
        std::optional<converted_portfolio> converted;
        if (platform.report_currency)
          converted = convert_lines(portfolio.by_company, doc.fx, *platform.report_currency, on, rounding::half_even);
        std::vector<distribution_result> distributions;
        if (platform.rules)
          for (const platform_proceeds& p : platform.proceeds) distributions.push_back(distribute(p.gross, *platform.rules));

        switch (o.format) {
          case result_format::json: {
            json out = {{"portfolio", portfolio_json(portfolio)}, {"distributions", json::array()}};
            if (converted) out["converted"] = converted_portfolio_json(*converted);
            for (const distribution_result& d : distributions) out["distributions"].push_back(distribution_json(d));
            example::print(out.dump(2) + "\n");
            return;
          }
          case result_format::csv:
            example::print(to_csv(portfolio_table(portfolio, cell_style::exact)));
            if (converted) example::print("\r\n" + to_csv(converted_portfolio_table(*converted, cell_style::exact)));
            for (const distribution_result& d : distributions)
              example::print("\r\n" + to_csv(distribution_table(d, cell_style::exact)));
            return;
          case result_format::text: break;
        }
        example::print(to_text(portfolio_table(portfolio, cell_style::readable)));
        if (converted) example::print("\n" + to_text(converted_portfolio_table(*converted, cell_style::readable)));
        for (std::size_t i = 0; i < distributions.size(); ++i) {
          const platform_proceeds& p = platform.proceeds[i];
          example::print("\n" + to_iso(p.on) + (p.source.empty() ? "" : ", " + p.source) + "\n");
          example::print(to_text(distribution_table(distributions[i], cell_style::readable)));
        }
      });
}
