// stakecalc/json_reader.hpp: reading contract documents strictly.
//
// A typo in a contract file must never silently drop a term, so an object_reader remembers which
// fields were read and finish() refuses any other field with a "did you mean" suggestion. Every
// error is an invalid_input whose where() is the JSON pointer of the offending value, and whose
// message quotes the value and says what was expected.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "stakecalc/currency.hpp"
#include "stakecalc/date.hpp"
#include "stakecalc/decimal.hpp"
#include "stakecalc/error.hpp"

namespace stakecalc {

using json = nlohmann::json;

// Limits on what a document may be, so that a hostile or broken file fails fast and clearly.
struct json_limits {
  std::size_t max_bytes = 64u << 20;  // 64 MiB
  std::size_t max_depth = 64;
};

// Parses text into JSON; a syntax error names the source and the byte offset, an oversize or
// overdeep document is refused before it is built, and a key written twice in one object is
// refused at its JSON pointer (JSON parsers keep one of the two values without a word).
json parse_json_text(std::string_view text, const std::string& source = "document", json_limits limits = {});
// Reads and parses a file (invalid_input when it cannot be read).
json read_json_file(const std::string& path, json_limits limits = {});

// "/holders/2/units" style pointer for a key or index below `parent`.
std::string json_pointer_join(const std::string& parent, std::string_view key);
std::string json_pointer_join(const std::string& parent, std::size_t index);
// The closest of `candidates` to `word` by edit distance, if close enough to suggest.
std::optional<std::string> closest_name(std::string_view word, const std::vector<std::string>& candidates);
// A short quotation of a JSON value for messages.
std::string quote_json(const json& value);

class object_reader {
public:
  // `value` must be a JSON object; `pointer` is where it sits in the document.
  object_reader(const json& value, std::string pointer);

  const std::string& pointer() const noexcept { return pointer_; }
  bool has(std::string_view key) const;
  std::string at(std::string_view key) const { return json_pointer_join(pointer_, key); }

  const json& required(std::string_view key);
  const json* optional(std::string_view key);

  std::string string(std::string_view key);
  std::optional<std::string> optional_string(std::string_view key);
  // Money and rates are strings in documents ("1250000.00"); a JSON number is refused because a
  // parser may already have turned it into a binary float.
  decimal decimal_value(std::string_view key);
  std::optional<decimal> optional_decimal(std::string_view key);
  date date_value(std::string_view key);
  std::optional<date> optional_date(std::string_view key);
  currency currency_value(std::string_view key);
  long long integer(std::string_view key, long long min, long long max);
  bool boolean(std::string_view key, bool default_value);
  object_reader object(std::string_view key);
  const json& array(std::string_view key);  // non-empty array required

  // Refuses every field that was not read: "unknown field 'amout' (did you mean 'amount'?)".
  void finish() const;

private:
  const json& value_;
  std::string pointer_;
  std::set<std::string, std::less<>> read_;
};

// Value checks for elements read out of arrays.
decimal decimal_from_json(const json& value, const std::string& pointer);
std::string string_from_json(const json& value, const std::string& pointer);

}  // namespace stakecalc
