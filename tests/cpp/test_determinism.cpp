// Determinism (issue 8, item 4): one document gives the same bytes every time: evaluated twice, swept
// on 1, 2 or 4 threads, and with the process's locales changed the way a host application may change
// them (a C++ global locale whose numbers use ',' as the decimal point and '.' to group thousands;
// a C locale with a comma decimal point, as Python's locale.setlocale(LC_ALL, "") sets for a German
// user). Every output is compared byte for byte with the first: the canonical document text and the
// JSON, CSV and text forms of the exit paths, the plan, the conversion and the sweep.
#include <gtest/gtest.h>

#include <algorithm>
#include <clocale>
#include <fstream>
#include <locale>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/deal_document.hpp"
#include "stakecalc/result_document.hpp"
#include "stakecalc/sweep.hpp"

namespace {

using namespace stakecalc;

const std::string sample = std::string(STAKECALC_SOURCE_DIR) + "/examples/data/ustc-deal.json";

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Everything the calculators print for the document, each as its exact bytes.
struct outputs {
  std::string document, exits_json, exits_csv, exits_text, plan_json, plan_csv, conversion_json, sweep_json,
      sweep_csv, sweep_text;
};

void expect_same(const outputs& a, const outputs& b, const std::string& why) {
  SCOPED_TRACE(why);
  EXPECT_EQ(a.document, b.document);
  EXPECT_EQ(a.exits_json, b.exits_json);
  EXPECT_EQ(a.exits_csv, b.exits_csv);
  EXPECT_EQ(a.exits_text, b.exits_text);
  EXPECT_EQ(a.plan_json, b.plan_json);
  EXPECT_EQ(a.plan_csv, b.plan_csv);
  EXPECT_EQ(a.conversion_json, b.conversion_json);
  EXPECT_EQ(a.sweep_json, b.sweep_json);
  EXPECT_EQ(a.sweep_csv, b.sweep_csv);
  EXPECT_EQ(a.sweep_text, b.sweep_text);
}

// Reads the sample from its text (so that parsing is under whatever locale is current) and renders
// every result, the sweep on `threads` threads.
outputs render(unsigned threads) {
  const deal_document doc = parse_deal_document(file_text(sample), "ustc-deal.json");
  outputs o;
  o.document = to_json_text(doc);
  const std::vector<exit_path_result> exits = compare_document_exit_paths(doc);
  o.exits_json = exit_paths_json(exits, true).dump(2);
  o.exits_csv = to_csv(exit_paths_table(exits, cell_style::exact, true));
  o.exits_text = to_text(exit_paths_table(exits, cell_style::readable, true));
  const repurchase_evaluation plan = evaluate_plan(*doc.repurchase, doc.plan, doc.facts);
  o.plan_json = repurchase_json(plan, true).dump(2);
  o.plan_csv = to_csv(repurchase_table(plan, cell_style::exact, true));
  const std::optional<conversion_result> c =
      convert_on_first_trigger(*doc.conversion, *doc.repurchase, doc.plan, doc.facts, doc.reported_events);
  o.conversion_json = c ? conversion_json(*c, true).dump(2) : "none";
  sweep_options options;
  options.threads = threads;
  options.chunk = 1;  // the most interleaving the sweep allows
  const std::vector<sweep_row> rows = run_sweep(make_sweep_spec(doc), make_sweep_scenarios(doc), options);
  o.sweep_json = sweep_json(rows).dump(2);
  o.sweep_csv = to_csv(sweep_table(rows, cell_style::exact));
  o.sweep_text = to_text(sweep_table(rows, cell_style::readable));
  return o;
}

TEST(Determinism, TheSampleCoversEveryOutput) {
  // Guards the tests below against comparing empty strings: the sample has each section.
  const outputs o = render(1);
  EXPECT_NE(o.exits_json.find("cash_recovered"), std::string::npos);
  EXPECT_NE(o.conversion_json, "none");
  EXPECT_GE(std::count(o.sweep_csv.begin(), o.sweep_csv.end(), '\n'), 13);  // header + 12 scenarios
}

TEST(Determinism, TheSameDocumentGivesTheSameBytesTwice) { expect_same(render(1), render(1), "second run"); }

TEST(Determinism, SweepsGiveTheSameBytesOnOneTwoAndFourThreads) {
  const outputs one = render(1);
  expect_same(one, render(2), "2 threads");
  expect_same(one, render(4), "4 threads");
}

// Numbers written with ',' as the decimal point and '.' grouping thousands by threes, as in German:
// built from a facet so that the test needs no locale installed on the machine.
class comma_numpunct : public std::numpunct<char> {
protected:
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

// Restores the C++ global locale and the C locale, whatever the test did.
class locale_guard {
public:
  locale_guard() : cpp_(std::locale()), c_(std::setlocale(LC_ALL, nullptr)) {}
  ~locale_guard() {
    std::locale::global(cpp_);
    std::setlocale(LC_ALL, c_.c_str());
  }
  locale_guard(const locale_guard&) = delete;
  locale_guard& operator=(const locale_guard&) = delete;

private:
  std::locale cpp_;
  std::string c_;
};

TEST(Determinism, ACommaDecimalPointInTheGlobalCppLocaleChangesNothing) {
  const outputs reference = render(2);
  locale_guard guard;
  std::locale::global(std::locale(std::locale::classic(), new comma_numpunct));
  // The locale is in force: a stream made now formats with it.
  std::ostringstream probe;
  probe << 1234.5;
  ASSERT_EQ(probe.str(), "1.234,5");
  expect_same(reference, render(2), "global C++ locale with a comma decimal point");
}

// The first installed C locale whose decimal point is a comma, if any.
std::optional<std::string> comma_c_locale() {
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8", "es_ES.UTF-8",
                           "it_IT.UTF-8", "nl_NL.UTF-8", "pt_BR.UTF-8"}) {
    if (!std::setlocale(LC_ALL, name)) continue;
    const std::string point = std::localeconv()->decimal_point;
    if (point == ",") return std::string(name);
  }
  return std::nullopt;
}

TEST(Determinism, ACommaDecimalPointInTheCLocaleChangesNothing) {
  const outputs reference = render(2);
  // The reference guess 0.25 picks the 20% root of -100, 230, -132 (roots 10% and 20%); the
  // guess reaches the solver as a double, which must not depend on the C locale.
  const std::vector<decimal> two_roots = {decimal(-100), decimal(230), decimal(-132)};
  const decimal irr_reference = irr(two_roots, decimal::parse("0.25"));
  ASSERT_EQ(irr_reference, decimal::parse("0.2"));
  locale_guard guard;
  // C.UTF-8 first: it keeps the '.' point but changes the character classification the parsers use.
  if (std::setlocale(LC_ALL, "C.UTF-8")) expect_same(reference, render(2), "C locale C.UTF-8");
  const std::optional<std::string> name = comma_c_locale();
  if (!name)
    GTEST_SKIP() << "no C locale with a comma decimal point is installed (for example: localedef -i de_DE -f UTF-8 "
                    "de_DE.UTF-8); only C.UTF-8 was checked";
  RecordProperty("c_locale", *name);
  EXPECT_EQ(irr(two_roots, decimal::parse("0.25")), irr_reference) << "under the C locale " << *name;
  expect_same(reference, render(2), "C locale " + *name);
}

}  // namespace
