// Fuzzing findings stay fixed: every input scripts/test-fuzz saved under
// tests/data/fuzz-regressions/<harness>/ is replayed through the harness's own checks
// (tests/fuzz/fuzz_targets.hpp), here in the normal gcc build and under the ASan/UBSan and TSan
// builds. The seed corpora go through the same checks, so the properties the fuzzers assert
// (round trips, rounding bounds, canonical documents) are tested even where libFuzzer is not run,
// and the samples must be accepted while the bad corpus must be refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "../fuzz/fuzz_targets.hpp"

namespace {

namespace fs = std::filesystem;
using stakecalc::fuzz::outcome;

const fs::path source_dir = STAKECALC_SOURCE_DIR;

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The regular files of a folder, sorted (a missing folder has none: no finding recorded yet).
std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file()) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Runs `target` on the file and reports, as a test failure, anything the fuzzer would call a
// finding. Returns the outcome (skipped when the run failed).
outcome replay(const std::function<outcome(std::string_view)>& target, const fs::path& file) {
  SCOPED_TRACE(file.string());
  const std::string bytes = file_bytes(file);
  try {
    return target(bytes);
  } catch (const stakecalc::fuzz::property_violation& e) {
    ADD_FAILURE() << "property violated: " << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "exception of type " << typeid(e).name() << " escaped: " << e.what();
  }
  return outcome::skipped;
}

struct harness {
  const char* name;
  std::function<outcome(std::string_view)> target;
};

const harness harnesses[] = {{"fuzz_decimal", stakecalc::fuzz::run_decimal},
                             {"fuzz_tables", stakecalc::fuzz::run_tables},
                             {"fuzz_deal_document", stakecalc::fuzz::run_deal_document}};

TEST(FuzzRegressions, EveryRecordedFindingIsHandled) {
  std::size_t replayed = 0;
  for (const harness& h : harnesses)
    for (const fs::path& file : files_in(source_dir / "tests/data/fuzz-regressions" / h.name)) {
      (void)replay(h.target, file);
      ++replayed;
    }
  RecordProperty("replayed", static_cast<int>(replayed));
}

TEST(FuzzRegressions, HandWrittenDecimalSeedsKeepTheProperties) {
  const std::vector<fs::path> seeds = files_in(source_dir / "tests/fuzz/seeds/decimal");
  ASSERT_GE(seeds.size(), 20u);
  std::size_t accepted = 0;
  for (const fs::path& file : seeds) accepted += replay(stakecalc::fuzz::run_decimal, file) == outcome::accepted;
  // "NaN", "1,5" and "1e20000" (past 12,000 digits) are refused; the rest are decimals.
  EXPECT_EQ(accepted, seeds.size() - 3);
}

TEST(FuzzRegressions, SampleDocumentsAreAcceptedAndKeepTheProperties) {
  for (const char* name : {"ustc-deal.json", "anhui-repurchase.json", "county-conversion.json"})
    EXPECT_EQ(replay(stakecalc::fuzz::run_deal_document, source_dir / "examples/data" / name), outcome::accepted) << name;
}

TEST(FuzzRegressions, TheBadCorpusIsRefused) {
  std::size_t tried = 0;
  for (const fs::path& file : files_in(source_dir / "tests/data/bad")) {
    const std::string name = file.filename().string();
    if (name.rfind("deal-", 0) != 0 || name == "deal-expected.json") continue;
    EXPECT_EQ(replay(stakecalc::fuzz::run_deal_document, file), outcome::refused) << name;
    ++tried;
  }
  EXPECT_GE(tried, 30u);
}

TEST(FuzzRegressions, TablesOfTheSamplesAndTheBuiltInsKeepTheProperties) {
  // Each calendar and rate table of the samples, as the tables harness sees them.
  std::size_t accepted = 0;
  for (const char* name : {"ustc-deal.json", "anhui-repurchase.json", "county-conversion.json"}) {
    const stakecalc::json doc = stakecalc::read_json_file((source_dir / "examples/data" / name).string());
    for (const char* key : {"calendars", "rate_tables"})
      if (doc.contains(key))
        for (const stakecalc::json& item : doc.at(key)) {
          SCOPED_TRACE(std::string(name) + " " + key);
          EXPECT_EQ(stakecalc::fuzz::run_tables(item.dump(1)), outcome::accepted);
          ++accepted;
        }
  }
  EXPECT_GE(accepted, 3u);
  for (const std::string& name : stakecalc::calendar::builtin_names()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(stakecalc::fuzz::run_tables(name), outcome::accepted);
  }
  for (stakecalc::lpr_tenor t : {stakecalc::lpr_tenor::one_year, stakecalc::lpr_tenor::five_year}) {
    SCOPED_TRACE(stakecalc::to_string_view(t));
    EXPECT_EQ(stakecalc::fuzz::run_tables(stakecalc::lpr_table(t).to_json_text()), outcome::accepted);
  }
}

}  // namespace
