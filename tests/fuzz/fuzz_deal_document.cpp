// libFuzzer entry point for parse_deal_document and the evaluation of what loads. The checks live in
// fuzz_targets.hpp (run_deal_document), shared with the GoogleTest replay of recorded findings, so that a
// crash found here stays a regression test in the gcc build.
#include <cstddef>
#include <cstdint>

#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return stakecalc::fuzz::libfuzzer_entry(data, size, stakecalc::fuzz::run_deal_document);
}
