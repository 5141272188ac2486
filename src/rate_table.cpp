// Rate tables (stakecalc/rate_table.hpp) and the built-in LPR history (stakecalc/lpr.hpp).
#include "stakecalc/rate_table.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

#include "stakecalc/json_reader.hpp"
#include "stakecalc/lpr.hpp"
#include "stakecalc/detail/name_key.hpp"

namespace stakecalc {

namespace {

std::string percent_text(const decimal& fraction) { return (fraction * 100).normalized().to_string() + "%"; }

}  // namespace

rate_table::rate_table() : data_(std::make_shared<const data>(data{"RATES", {}})) {}

rate_table::rate_table(std::string name, std::vector<rate_fixing> fixings) {
  if (name.empty()) throw invalid_input("a rate table needs a name", "name");
  for (std::size_t i = 0; i < fixings.size(); ++i)
    if (fixings[i].effective.is_special())
      throw invalid_input("not a calendar date", "fixings/" + std::to_string(i) + "/date");
  std::vector<std::size_t> order(fixings.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return fixings[a].effective < fixings[b].effective; });
  std::vector<rate_fixing> sorted;
  sorted.reserve(fixings.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const rate_fixing& f = fixings[order[k]];
    if (!sorted.empty() && sorted.back().effective == f.effective)
      throw invalid_input("a second fixing on " + to_iso(f.effective) + " in table '" + name + "'",
                          "fixings/" + std::to_string(order[k]) + "/date");
    sorted.push_back(f);
  }
  data_ = std::make_shared<const data>(data{std::move(name), std::move(sorted)});
}

rate_table rate_table::from_json(const nlohmann::json& j, const std::string& pointer) {
  if (!j.is_object()) throw invalid_input("expected a rate table object, got " + quote_json(j), pointer.empty() ? "/" : pointer);
  object_reader r(j, pointer);
  std::string name = r.string("name");
  if (name.empty()) throw invalid_input("a rate table needs a name", r.at("name"));
  std::string unit = r.optional_string("unit").value_or("fraction");
  if (unit != "fraction" && unit != "percent") {
    std::string message = "unknown unit '" + unit + "' (expected \"fraction\" or \"percent\")";
    if (auto near = closest_name(unit, {"fraction", "percent"})) message += "; did you mean '" + *near + "'?";
    throw invalid_input(message, r.at("unit"));
  }
  std::vector<rate_fixing> fixings;
  const json* list = r.optional("fixings");
  const std::string list_at = r.at("fixings");
  if (list) {
    if (!list->is_array()) throw invalid_input("expected an array of fixings, got " + quote_json(*list), list_at);
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string at = json_pointer_join(list_at, i);
      const json& item = (*list)[i];
      if (!item.is_object()) throw invalid_input("expected a fixing object {\"date\", \"rate\"}, got " + quote_json(item), at);
      object_reader f(item, at);
      date effective = f.date_value("date");
      decimal rate = f.decimal_value("rate");
      f.finish();
      if (unit == "percent") rate = rate / decimal(100);
      if (rate <= decimal(-1))
        throw invalid_input("rate " + rate.to_string() + " is not above -100%", f.at("rate"));
      fixings.push_back({effective, rate});
    }
  }
  r.finish();
  // Re-validate with JSON pointers: the constructor's messages name only the index.
  for (std::size_t i = 0; i < fixings.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (fixings[k].effective == fixings[i].effective)
        throw invalid_input("a second fixing on " + to_iso(fixings[i].effective) + " in table '" + name + "'",
                            json_pointer_join(json_pointer_join(list_at, i), "date"));
  return rate_table(std::move(name), std::move(fixings));
}

rate_table rate_table::parse_json(std::string_view text, const std::string& pointer) {
  return from_json(parse_json_text(text, "rate table"), pointer);
}

nlohmann::json rate_table::to_json() const {
  nlohmann::json j;
  j["name"] = name();
  j["unit"] = "fraction";
  j["fixings"] = nlohmann::json::array();
  for (const rate_fixing& f : fixings())
    j["fixings"].push_back({{"date", to_iso(f.effective)}, {"rate", f.rate.normalized().to_string()}});
  return j;
}

std::string rate_table::to_json_text() const { return to_json().dump(); }

std::optional<date> rate_table::first_date() const {
  if (empty()) return std::nullopt;
  return fixings().front().effective;
}

std::optional<date> rate_table::last_date() const {
  if (empty()) return std::nullopt;
  return fixings().back().effective;
}

std::optional<decimal> rate_table::find_rate_on(const date& on) const {
  const auto& f = fixings();
  auto it = std::upper_bound(f.begin(), f.end(), on, [](const date& d, const rate_fixing& x) { return d < x.effective; });
  if (it == f.begin()) return std::nullopt;
  return std::prev(it)->rate;
}

decimal rate_table::rate_on(const date& on, const std::string& where) const {
  if (on.is_special()) throw invalid_input("not a calendar date", where);
  auto r = find_rate_on(on);
  if (!r) {
    if (empty()) throw invalid_input("rate table '" + name() + "' has no fixings, so no rate on " + to_iso(on), where);
    throw invalid_input("no rate of '" + name() + "' in force on " + to_iso(on) + ": its first fixing is on " +
                            to_iso(fixings().front().effective),
                        where);
  }
  return *r;
}

rate_table rate_table::with_fixings(const std::vector<rate_fixing>& added) const {
  std::vector<rate_fixing> merged;
  for (const rate_fixing& f : fixings()) {
    bool replaced = std::any_of(added.begin(), added.end(), [&](const rate_fixing& a) { return a.effective == f.effective; });
    if (!replaced) merged.push_back(f);
  }
  merged.insert(merged.end(), added.begin(), added.end());
  return rate_table(name(), std::move(merged));
}

rate_table rate_table::renamed(std::string new_name) const { return rate_table(std::move(new_name), fixings()); }

bool operator==(const rate_table& a, const rate_table& b) {
  if (a.data_ == b.data_) return true;
  if (a.name() != b.name() || a.fixings().size() != b.fixings().size()) return false;
  for (std::size_t i = 0; i < a.fixings().size(); ++i)
    if (a.fixings()[i].effective != b.fixings()[i].effective || a.fixings()[i].rate != b.fixings()[i].rate) return false;
  return true;
}

bool rate_tables::contains(std::string_view name) const {
  return tables_.find(name) != tables_.end() || name == "LPR-1Y" || name == "LPR-5Y";
}

const rate_table& rate_tables::at(std::string_view name, const std::string& where) const {
  auto it = tables_.find(name);
  if (it != tables_.end()) return it->second;
  if (name == "LPR-1Y") return lpr_table(lpr_tenor::one_year);
  if (name == "LPR-5Y") return lpr_table(lpr_tenor::five_year);
  // The built-in LPR tables once, even when the document brings its own table of that name.
  std::vector<std::string> names{"LPR-1Y", "LPR-5Y"};
  for (const auto& entry : tables_)
    if (entry.first != "LPR-1Y" && entry.first != "LPR-5Y") names.push_back(entry.first);
  std::string known;
  for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
  std::string message = "no rate table named '" + std::string(name.substr(0, 60)) + "' (known: " + known + ")";
  if (auto near = closest_name(name, names)) message += "; did you mean '" + *near + "'?";
  throw invalid_input(message, where);
}

// ---- the built-in LPR --------------------------------------------------------------------------

lpr_tenor parse_lpr_tenor(std::string_view text, const std::string& where) {
  const std::string key = detail::upper_case(text);
  if (key == "1Y" || key == "LPR-1Y") return lpr_tenor::one_year;
  if (key == "5Y" || key == "LPR-5Y") return lpr_tenor::five_year;
  throw invalid_input("unknown LPR tenor '" + std::string(text.substr(0, 20)) + "' (expected \"1Y\" or \"5Y\")", where);
}

const rate_table& lpr_table(lpr_tenor tenor) {
  static const std::array<rate_table, 2> tables = [] {
    std::vector<rate_fixing> one, five;
    for (const detail::lpr_fixing_text& f : detail::lpr_fixing_texts()) {
      date d = parse_date(f.date, "lpr data");
      one.push_back({d, decimal::parse(f.one_year_percent, "lpr data") / decimal(100)});
      five.push_back({d, decimal::parse(f.five_year_percent, "lpr data") / decimal(100)});
    }
    return std::array<rate_table, 2>{rate_table("LPR-1Y", std::move(one)), rate_table("LPR-5Y", std::move(five))};
  }();
  return tables[tenor == lpr_tenor::one_year ? 0 : 1];
}

date lpr_known_through() {
  static const date d = parse_date(detail::lpr_known_through_text(), "lpr data");
  return d;
}

decimal lpr(lpr_tenor tenor, const date& on, const std::string& where) {
  if (on.is_special()) throw invalid_input("not a calendar date", where);
  const rate_table& t = lpr_table(tenor);
  if (on < *t.first_date())
    throw invalid_input("no LPR on " + to_iso(on) + ": the reformed loan prime rate starts on " + to_iso(*t.first_date()),
                        where);
  if (on > lpr_known_through())
    throw invalid_input("the built-in LPR history ends with the fixing of " + to_iso(*t.last_date()) + " (" +
                            percent_text(t.fixings().back().rate) + "), known in force through " +
                            to_iso(lpr_known_through()) + "; for " + to_iso(on) +
                            " add newer fixings with rate_table::with_fixings (Python: RateTable.with_fixings)",
                        where);
  return t.rate_on(on, where);
}

}  // namespace stakecalc
