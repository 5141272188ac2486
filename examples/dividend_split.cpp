// dividend_split: splits a dividend among a company's holders by their units, to the cent.
//
//   dividend_split examples/data/dividend-2024.json
//
// Every holder gets its exact share rounded so that the parts add up to the dividend: the leftover
// cents go to the holders whose exact shares lost the most in rounding (largest remainder). The
// ownership column is exact (a fraction of the total units), shown to six decimal places.
#include <stakecalc/json_reader.hpp>
#include <stakecalc/stakecalc.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct holder {
  std::string name;
  stakecalc::decimal units;
};

struct dividend_document {
  std::string company;
  stakecalc::date paid_on;
  stakecalc::money amount;
  std::vector<holder> holders;
};

dividend_document read_document(const std::string& path) {
  using namespace stakecalc;
  json doc = read_json_file(path);
  object_reader top(doc, "");
  if (top.string("stakecalc") != "1") throw invalid_input("unsupported document version (expected \"1\")", "/stakecalc");
  if (top.string("kind") != "dividend") throw invalid_input("this calculator reads \"kind\": \"dividend\"", "/kind");
  dividend_document d;
  d.company = top.string("company");
  d.paid_on = top.date_value("date");
  d.amount = money(top.decimal_value("amount"), top.currency_value("currency"));
  if (d.amount.signum() <= 0)
    throw invalid_input("dividend must be positive, got " + d.amount.amount().to_string(), "/amount");
  const json& holders = top.array("holders");
  for (std::size_t i = 0; i < holders.size(); ++i) {
    object_reader h(holders[i], json_pointer_join("/holders", i));
    holder x{h.string("name"), h.decimal_value("units")};
    if (x.units.signum() < 0) throw invalid_input("units must not be negative, got " + x.units.to_string(), h.at("units"));
    h.finish();
    d.holders.push_back(x);
  }
  top.finish();
  return d;
}

void print_split(const dividend_document& d) {
  using namespace stakecalc;
  std::vector<decimal> weights;
  decimal total_units;
  for (const auto& h : d.holders) {
    weights.push_back(h.units);
    total_units += h.units;
  }
  if (total_units.is_zero()) throw invalid_input("holders hold no units at all", "/holders");
  std::vector<money> parts = d.amount.allocate(weights);

  std::printf("Dividend of %s paid by %s on %s\n\n", d.amount.to_string().c_str(), d.company.c_str(),
              to_iso(d.paid_on).c_str());
  std::printf("%-44s %18s %12s %20s\n", "Holder", "Units", "Ownership", "Dividend");
  std::printf("%s\n", std::string(97, '-').c_str());
  money paid(decimal(0), d.amount.currency());
  for (std::size_t i = 0; i < d.holders.size(); ++i) {
    ratio share = ratio(d.holders[i].units) / ratio(total_units);
    std::string percent = (share * ratio(100)).round(4, rounding::half_even).to_string() + "%";
    std::printf("%-44s %18s %12s %20s\n", d.holders[i].name.c_str(),
                money::group_thousands(d.holders[i].units.to_string()).c_str(), percent.c_str(),
                parts[i].to_string().c_str());
    paid += parts[i];
  }
  std::printf("%s\n", std::string(97, '-').c_str());
  std::printf("%-44s %18s %12s %20s\n", "Total", money::group_thousands(total_units.to_string()).c_str(), "100%",
              paid.to_string().c_str());
  std::printf("\nReconciliation: parts sum to %s, dividend %s: %s\n", paid.to_string().c_str(),
              d.amount.to_string().c_str(), paid == d.amount ? "exact" : "MISMATCH");
}

}  // namespace

int main(int argc, char** argv) {
  std::string arg = argc > 1 ? argv[1] : "";
  if (argc != 2 || arg == "--help" || arg == "-h") {
    std::fprintf(argc == 2 ? stdout : stderr,
                 "usage: dividend_split DOCUMENT.json\n\n"
                 "Splits a dividend among holders by units, to the cent, with exact ownership.\n"
                 "The document: {\"stakecalc\": \"1\", \"kind\": \"dividend\", \"company\": ..., \"date\": \"YYYY-MM-DD\",\n"
                 "  \"amount\": \"1250000.00\", \"currency\": \"CNY\", \"holders\": [{\"name\": ..., \"units\": \"...\"}]}\n"
                 "Exit codes: 0 done, 1 the document was refused, 2 usage.\n");
    return argc == 2 ? 0 : 2;
  }
  try {
    print_split(read_document(arg));
    return 0;
  } catch (const stakecalc::error& e) {
    std::fprintf(stderr, "dividend_split: %s\n", e.what());
    return 1;
  }
}
