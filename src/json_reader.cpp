#include "stakecalc/json_reader.hpp"

#include "stakecalc/detail/name_key.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_set>

namespace stakecalc {

namespace {
std::size_t depth_of(const json& j) {
  // Iterative so that a pathological document cannot overflow our stack.
  std::size_t deepest = 0;
  std::vector<std::pair<const json*, std::size_t>> stack{{&j, 1}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    if (node->is_structured())
      for (const auto& child : *node) stack.emplace_back(&child, depth + 1);
  }
  return deepest;
}
}  // namespace

json parse_json_text(std::string_view text, const std::string& source, json_limits limits) {
  if (text.size() > limits.max_bytes)
    throw invalid_input("document of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                            std::to_string(limits.max_bytes),
                        source);
  // Reject excessive nesting while parsing, before building a deep tree. And refuse an object that
  // names a key twice: nlohmann::json keeps the last value, so {"rate": "0.06", "rate": "0.6"}
  // would silently drop a term the author wrote. Each open container is a frame: an object's keys
  // so far and its current key, or an array's current index, which together give the pointer.
  struct frame {
    bool object = false;
    std::unordered_set<std::string> keys;
    std::string key;
    std::size_t index = 0;
  };
  std::vector<frame> open;
  std::size_t depth = 0;
  bool too_deep = false;
  std::optional<std::pair<std::string, std::string>> duplicate;  // the first key seen twice, and its pointer
  auto pointer_to = [&open](const std::string& key) {
    std::string at;
    for (std::size_t i = 0; i + 1 < open.size(); ++i)
      at = open[i].object ? json_pointer_join(at, open[i].key) : json_pointer_join(at, open[i].index);
    return json_pointer_join(at, key);
  };
  auto element_done = [&open] {
    if (!open.empty() && !open.back().object) ++open.back().index;
  };
  json::parser_callback_t guard = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (++depth > limits.max_depth) too_deep = true;
        open.push_back(frame{event == json::parse_event_t::object_start, {}, {}, 0});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        --depth;
        if (!open.empty()) open.pop_back();
        element_done();
        break;
      case json::parse_event_t::key:
        if (!open.empty() && parsed.is_string()) {
          frame& f = open.back();
          f.key = parsed.get<std::string>();
          if (!f.keys.insert(f.key).second && !duplicate) duplicate.emplace(f.key, pointer_to(f.key));
        }
        break;
      case json::parse_event_t::value: element_done(); break;
    }
    return !too_deep;
  };
  json result;
  try {
    result = json::parse(text.begin(), text.end(), guard, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    auto colon = what.find("]: ");  // drop nlohmann's "[json.exception.parse_error.101] " prefix
    throw invalid_input("malformed JSON at byte " + std::to_string(e.byte) + ": " +
                            (colon == std::string::npos ? what : what.substr(colon + 3)),
                        source);
  } catch (const json::exception& e) {
    // Syntax that parses but a value JSON cannot hold here, such as 1e400 (out_of_range 406):
    // still the document's fault, so still invalid_input (found by fuzzing).
    std::string what = e.what();
    auto colon = what.find("] ");
    throw invalid_input("unreadable JSON value: " + (colon == std::string::npos ? what : what.substr(colon + 2)),
                        source);
  }
  if (too_deep || depth_of(result) > limits.max_depth)
    throw invalid_input("document nested deeper than " + std::to_string(limits.max_depth) + " levels", source);
  if (duplicate)
    throw invalid_input("the key '" + duplicate->first + "' appears twice in one object; the later value would " +
                            "silently replace the earlier, so write it once",
                        duplicate->second);
  return result;
}

json read_json_file(const std::string& path, json_limits limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw invalid_input("cannot open the file", path);
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) throw invalid_input("cannot read the file", path);
  if (static_cast<std::size_t>(size) > limits.max_bytes)
    throw invalid_input("file of " + std::to_string(static_cast<long long>(size)) + " bytes exceeds the limit", path);
  in.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), size);
  return parse_json_text(text, path, limits);
}

std::string json_pointer_join(const std::string& parent, std::string_view key) {
  std::string escaped;
  for (char c : key) {
    if (c == '~')
      escaped += "~0";
    else if (c == '/')
      escaped += "~1";
    else
      escaped += c;
  }
  return parent + "/" + escaped;
}
std::string json_pointer_join(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

std::optional<std::string> closest_name(std::string_view word, const std::vector<std::string>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  };
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  // Case is ignored: "AT_COST" is one step from nowhere but plainly means "at_cost".
  const std::string lower_word = detail::lower_case(word);
  for (const auto& c : candidates) {
    std::size_t d = distance(lower_word, detail::lower_case(c));
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  if (best && best_distance <= std::max<std::size_t>(2, word.size() / 3)) return best;
  return std::nullopt;
}

std::string quote_json(const json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

object_reader::object_reader(const json& value, std::string pointer) : value_(value), pointer_(std::move(pointer)) {
  if (!value_.is_object())
    throw invalid_input("expected an object, got " + std::string(value_.type_name()) + " " + quote_json(value_),
                        pointer_.empty() ? "/" : pointer_);
}

bool object_reader::has(std::string_view key) const { return value_.contains(key); }

const json& object_reader::required(std::string_view key) {
  read_.emplace(key);
  auto it = value_.find(key);
  if (it == value_.end()) {
    // A typo in a required field's name shows up here first: point at the likely culprit.
    // Only keys not already read as fields of their own are candidates: "id" is no typo of "kind".
    std::vector<std::string> present;
    for (const auto& item : value_.items())
      if (read_.find(item.key()) == read_.end()) present.push_back(item.key());
    std::string message = "missing required field '" + std::string(key) + "'";
    if (auto near = closest_name(key, present)) message += " (found '" + *near + "': a typo?)";
    throw invalid_input(message, at(key));
  }
  return *it;
}

const json* object_reader::optional(std::string_view key) {
  read_.emplace(key);
  auto it = value_.find(key);
  if (it == value_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string string_from_json(const json& value, const std::string& pointer) {
  if (!value.is_string())
    throw invalid_input("expected a string, got " + std::string(value.type_name()) + " " + quote_json(value), pointer);
  return value.get<std::string>();
}

decimal decimal_from_json(const json& value, const std::string& pointer) {
  if (value.is_number_integer()) return decimal::parse(value.dump(), pointer);  // integers are exact in JSON
  if (value.is_number())
    throw invalid_input("expected a decimal string such as \"" + value.dump() + "\", got the JSON number " +
                            value.dump() + " (numbers with a fraction may already be binary floats)",
                        pointer);
  return decimal::parse(string_from_json(value, pointer), pointer);
}

std::string object_reader::string(std::string_view key) { return string_from_json(required(key), at(key)); }
std::optional<std::string> object_reader::optional_string(std::string_view key) {
  const json* v = optional(key);
  if (!v) return std::nullopt;
  return string_from_json(*v, at(key));
}
decimal object_reader::decimal_value(std::string_view key) { return decimal_from_json(required(key), at(key)); }
std::optional<decimal> object_reader::optional_decimal(std::string_view key) {
  const json* v = optional(key);
  if (!v) return std::nullopt;
  return decimal_from_json(*v, at(key));
}
date object_reader::date_value(std::string_view key) { return parse_date(string(key), at(key)); }
std::optional<date> object_reader::optional_date(std::string_view key) {
  auto s = optional_string(key);
  if (!s) return std::nullopt;
  return parse_date(*s, at(key));
}
currency object_reader::currency_value(std::string_view key) { return currency::of(string(key), at(key)); }
long long object_reader::integer(std::string_view key, long long min, long long max) {
  const json& v = required(key);
  if (!v.is_number_integer())
    throw invalid_input("expected an integer, got " + std::string(v.type_name()) + " " + quote_json(v), at(key));
  long long x = v.is_number_unsigned() && v.get<unsigned long long>() > static_cast<unsigned long long>(max)
                    ? max + 1
                    : v.get<long long>();
  if (x < min || x > max)
    throw invalid_input("integer " + v.dump() + " is outside " + std::to_string(min) + ".." + std::to_string(max),
                        at(key));
  return x;
}
bool object_reader::boolean(std::string_view key, bool default_value) {
  const json* v = optional(key);
  if (!v) return default_value;
  if (!v->is_boolean())
    throw invalid_input("expected true or false, got " + quote_json(*v), at(key));
  return v->get<bool>();
}
object_reader object_reader::object(std::string_view key) { return object_reader(required(key), at(key)); }
const json& object_reader::array(std::string_view key) {
  const json& v = required(key);
  if (!v.is_array()) throw invalid_input("expected an array, got " + std::string(v.type_name()), at(key));
  if (v.empty()) throw invalid_input("expected a non-empty array", at(key));
  return v;
}

void object_reader::finish() const {
  std::vector<std::string> known(read_.begin(), read_.end());
  for (const auto& item : value_.items()) {
    if (read_.count(item.key())) continue;
    std::string message = "unknown field '" + item.key() + "'";
    if (auto near = closest_name(item.key(), known)) message += " (did you mean '" + *near + "'?)";
    throw invalid_input(message, json_pointer_join(pointer_, item.key()));
  }
}

}  // namespace stakecalc
