// Splits a dividend and compares a sample deal's exit paths through the installed headers and
// library (the README's C++ tour); exits non-zero on a wrong cent.
#include <stakecalc/stakecalc.hpp>

#include <iostream>

int main(int argc, char** argv) {
  using namespace stakecalc;
  money dividend("100.00", "CNY");
  auto parts = dividend.allocate(std::vector<decimal>{1, 1, 1});
  for (const auto& p : parts) std::cout << p << "\n";
  if (!(parts.at(0) == money("33.34", "CNY") && parts.at(2) == money("33.33", "CNY"))) return 1;
  if (argc < 2) return 0;

  // The sample deal (examples/data/ustc-deal.json): its first path is the team's repurchase plan,
  // whose two tranches bring back 6,000,000.00 + 10,386,949.32 = 16,586,949.32 (README, calculators).
  const deal_document doc = read_deal_document(argv[1]);
  const std::vector<exit_path_result> results = compare_document_exit_paths(doc);
  for (const exit_path_result& r : results)
    std::cout << r.path << ": " << r.cash_recovered << ", IRR " << r.fund_irr.value_or(decimal()) << "\n";
  std::cout << to_text(exit_paths_table(results, cell_style::readable, false));
  return results.at(0).cash_recovered == money("16586949.32", "CNY") ? 0 : 1;
}
