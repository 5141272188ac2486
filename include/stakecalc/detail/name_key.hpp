// stakecalc/detail/name_key.hpp: the one spelling rule for names in contract files and the Python
// API. Users type "half-even", "Modified Following" or "short_final"; every parser compares the
// key of what was typed with its upper-case names, so the same leniency holds everywhere.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace stakecalc::detail {

// The name in upper case ("cn-sse" -> "CN-SSE").
inline std::string upper_case(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (char ch : name) key += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return key;
}

// The name in lower case ("Monday" -> "monday").
inline std::string lower_case(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (char ch : name) key += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return key;
}

// The name in upper case with '-' and ' ' read as '_' ("half-even", "Half Even" -> "HALF_EVEN").
inline std::string name_key(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (char ch : name)
    key += (ch == '-' || ch == ' ') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return key;
}

}  // namespace stakecalc::detail
