// Calendar construction, validation, JSON I/O and the date arithmetic of stakecalc/calendar.hpp.
#include "stakecalc/calendar.hpp"

#include "stakecalc/detail/name_key.hpp"
#include "stakecalc/json_reader.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <iterator>

namespace stakecalc {

namespace {

const date& day_zero() {
  static const date d(1400, 1, 1);
  return d;
}
date from_day_number(long n) {
  return day_zero() + boost::gregorian::date_duration(n - static_cast<long>(day_zero().day_number()));
}

constexpr std::uint8_t all_days_mask = 0x7F;
const char* const weekday_names[7] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};


void insert_sorted(std::vector<long>& v, long n) {
  auto it = std::lower_bound(v.begin(), v.end(), n);
  if (it == v.end() || *it != n) v.insert(it, n);
}
void erase_sorted(std::vector<long>& v, long n) {
  auto it = std::lower_bound(v.begin(), v.end(), n);
  if (it != v.end() && *it == n) v.erase(it);
}

std::string years_text(int first, int last) { return std::to_string(first) + ".." + std::to_string(last); }

}  // namespace

bool calendar::contains(const std::vector<long>& v, long n) { return std::binary_search(v.begin(), v.end(), n); }

void calendar::out_of_range(const date& d) const {
  throw invalid_input("date " + to_iso(d) + " is outside the years " + years_text(*data_->first_year, *data_->last_year) +
                          " covered by calendar '" + data_->name + "'",
                      "date");
}

calendar::calendar() {
  static const std::shared_ptr<const data> weekends = [] {
    data d;
    d.name = "WEEKENDS";
    d.weekend_mask = (1U << 5) | (1U << 6);
    return std::make_shared<const data>(std::move(d));
  }();
  data_ = weekends;
}

namespace {

// Checks one list of dates (holidays or working days) against the year range and the weekend
// rule, naming the JSON pointer of the first offending entry.
std::vector<long> checked_days(const std::vector<date>& days, const std::string& pointer, std::optional<int> first,
                               std::optional<int> last, std::uint8_t weekend_mask, bool must_be_weekend) {
  std::vector<long> out;
  out.reserve(days.size());
  for (std::size_t i = 0; i < days.size(); ++i) {
    const date& d = days[i];
    const std::string where = pointer + "/" + std::to_string(i);
    if (d.is_special()) throw invalid_input("not a calendar date", where);
    if (first && (d.year() < *first || d.year() > *last))
      throw invalid_input(to_iso(d) + " is outside the calendar's years " + years_text(*first, *last), where);
    if (must_be_weekend && !((weekend_mask >> weekday_index(d)) & 1U))
      throw invalid_input(to_iso(d) + " is a " + weekday_names[weekday_index(d)] +
                              ", not a weekend day of the calendar, so it cannot be made a working day",
                          where);
    out.push_back(static_cast<long>(d.day_number()));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

calendar::calendar(std::string name, const std::vector<int>& weekend, const std::vector<date>& holidays,
                   const std::vector<date>& working_days, std::optional<int> first_year, std::optional<int> last_year) {
  data d;
  d.name = std::move(name);
  for (std::size_t i = 0; i < weekend.size(); ++i) {
    if (weekend[i] < 0 || weekend[i] > 6)
      throw invalid_input("weekday " + std::to_string(weekend[i]) + " out of range 0 (monday) .. 6 (sunday)",
                          "/weekend/" + std::to_string(i));
    d.weekend_mask = static_cast<std::uint8_t>(d.weekend_mask | (1U << weekend[i]));
  }
  if (d.name.empty()) throw invalid_input("a calendar needs a non-empty name", "/name");
  if (d.weekend_mask == all_days_mask) throw invalid_input("every weekday is a weekend day: no business days", "/weekend");
  if (first_year.has_value() != last_year.has_value())
    throw invalid_input("first_year and last_year go together", first_year ? "/last_year" : "/first_year");
  if (first_year) {
    if (*first_year < 1400 || *first_year > 9999)
      throw invalid_input("year " + std::to_string(*first_year) + " out of range 1400..9999", "/first_year");
    if (*last_year < *first_year || *last_year > 9999)
      throw invalid_input("last_year " + std::to_string(*last_year) + " must be in " + std::to_string(*first_year) +
                              "..9999",
                          "/last_year");
  }
  d.first_year = first_year;
  d.last_year = last_year;
  d.holidays = checked_days(holidays, "/holidays", first_year, last_year, d.weekend_mask, false);
  d.working_days = checked_days(working_days, "/working_days", first_year, last_year, d.weekend_mask, true);
  for (std::size_t i = 0; i < working_days.size(); ++i)
    if (contains(d.holidays, static_cast<long>(working_days[i].day_number())))
      throw invalid_input(to_iso(working_days[i]) + " is listed both as a holiday and as a working day",
                          "/working_days/" + std::to_string(i));
  data_ = std::make_shared<const data>(std::move(d));
}

std::vector<int> calendar::weekend() const {
  std::vector<int> out;
  for (int w = 0; w < 7; ++w)
    if (is_weekend(w)) out.push_back(w);
  return out;
}

// ---- JSON --------------------------------------------------------------------------------

calendar calendar::from_json(const nlohmann::json& j, const std::string& pointer) {
  const std::string root = pointer.empty() ? "calendar" : pointer;
  if (!j.is_object()) throw invalid_input("a calendar must be a JSON object", root);
  for (auto it = j.begin(); it != j.end(); ++it) {
    static const char* const known[] = {"name", "weekend", "holidays", "working_days", "first_year", "last_year"};
    if (std::find(std::begin(known), std::end(known), it.key()) == std::end(known))
      throw invalid_input("unknown field '" + it.key() +
                              "' (expected name, weekend, holidays, working_days, first_year, last_year)",
                          pointer + "/" + it.key());
  }
  auto field = [&](const char* key) { return pointer + "/" + key; };
  if (!j.contains("name") || !j["name"].is_string())
    throw invalid_input("a calendar needs a \"name\" string", field("name"));
  std::string name = j["name"].get<std::string>();

  std::vector<int> weekend = {5, 6};
  if (j.contains("weekend")) {
    const auto& w = j["weekend"];
    if (!w.is_array()) throw invalid_input("weekend must be an array of weekdays", field("weekend"));
    weekend.clear();
    for (std::size_t i = 0; i < w.size(); ++i) {
      const std::string where = field("weekend") + "/" + std::to_string(i);
      if (w[i].is_number_integer()) {
        long v = w[i].get<long>();
        if (v < 0 || v > 6) throw invalid_input("weekday " + std::to_string(v) + " out of range 0 (monday) .. 6 (sunday)", where);
        weekend.push_back(static_cast<int>(v));
      } else if (w[i].is_string()) {
        std::string s = detail::lower_case(w[i].get<std::string>());
        int found = -1;
        for (int k = 0; k < 7; ++k)
          if (s == weekday_names[k] || (s.size() == 3 && std::string(weekday_names[k]).compare(0, 3, s) == 0)) found = k;
        if (found < 0) {
          std::string message = "unknown weekday '" + w[i].get<std::string>() + "' (monday .. sunday, or 0 .. 6)";
          if (auto near = closest_name(s, std::vector<std::string>(weekday_names, weekday_names + 7)))
            message += "; did you mean '" + *near + "'?";
          throw invalid_input(message, where);
        }
        weekend.push_back(found);
      } else {
        throw invalid_input("a weekday is a number 0 (monday) .. 6 (sunday) or a name", where);
      }
    }
  }

  auto dates = [&](const char* key) {
    std::vector<date> out;
    if (!j.contains(key)) return out;
    const auto& a = j[key];
    if (!a.is_array()) throw invalid_input(std::string(key) + " must be an array of \"YYYY-MM-DD\" dates", field(key));
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string where = field(key) + "/" + std::to_string(i);
      if (!a[i].is_string()) throw invalid_input("a date must be a \"YYYY-MM-DD\" string", where);
      out.push_back(parse_date(a[i].get<std::string>(), where));
    }
    return out;
  };
  std::vector<date> holidays = dates("holidays"), working = dates("working_days");

  auto year = [&](const char* key) -> std::optional<int> {
    if (!j.contains(key)) return std::nullopt;
    if (!j[key].is_number_integer()) throw invalid_input(std::string(key) + " must be an integer year", field(key));
    long v = j[key].get<long>();
    if (v < 1400 || v > 9999) throw invalid_input("year " + std::to_string(v) + " out of range 1400..9999", field(key));
    return static_cast<int>(v);
  };
  std::optional<int> first = year("first_year"), last = year("last_year");

  try {
    return calendar(std::move(name), weekend, holidays, working, first, last);
  } catch (const invalid_input& e) {
    // The constructor names fields relative to the calendar; put them under `pointer`.
    const std::string& w = e.where();
    std::string message = e.what();
    if (!w.empty() && message.compare(0, w.size() + 2, w + ": ") == 0) message = message.substr(w.size() + 2);
    throw invalid_input(message, pointer + w);
  }
}

calendar calendar::parse_json(std::string_view text, const std::string& pointer) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    throw invalid_input(std::string("malformed JSON: ") + e.what(), pointer.empty() ? "calendar" : pointer);
  }
  return from_json(j, pointer);
}

nlohmann::json calendar::to_json() const {
  nlohmann::json j;
  j["name"] = data_->name;
  j["weekend"] = weekend();
  auto list = [](const std::vector<long>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (long n : v) a.push_back(to_iso(from_day_number(n)));
    return a;
  };
  j["holidays"] = list(data_->holidays);
  j["working_days"] = list(data_->working_days);
  if (data_->first_year) {
    j["first_year"] = *data_->first_year;
    j["last_year"] = *data_->last_year;
  }
  return j;
}

std::string calendar::to_json_text() const { return to_json().dump(); }

calendar calendar_from_name_or_json(std::string_view text, const std::string& where) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i < text.size() && text[i] == '{') return calendar::parse_json(text, where);
  return calendar::builtin(text, where);
}

// ---- arithmetic --------------------------------------------------------------------------

date calendar::adjust(const date& d, business_day_convention c) const {
  if (d.is_special()) throw invalid_input("not a calendar date", "date");
  switch (c) {
    case business_day_convention::unadjusted:
      return d;
    case business_day_convention::following:
    case business_day_convention::modified_following: {
      date d1 = d;
      while (is_holiday(d1)) d1 = detail::add_days(d1, 1);
      if (c == business_day_convention::modified_following && d1.month() != d.month())
        return adjust(d, business_day_convention::preceding);
      return d1;
    }
    case business_day_convention::preceding:
    case business_day_convention::modified_preceding: {
      date d1 = d;
      while (is_holiday(d1)) d1 = detail::add_days(d1, -1);
      if (c == business_day_convention::modified_preceding && d1.month() != d.month())
        return adjust(d, business_day_convention::following);
      return d1;
    }
    case business_day_convention::nearest: {
      date up = d, down = d;
      while (is_holiday(up) && is_holiday(down)) {
        up = detail::add_days(up, 1);
        down = detail::add_days(down, -1);
      }
      return is_holiday(up) ? down : up;
    }
  }
  return d;
}

date calendar::advance(const date& d, int n, time_unit unit, business_day_convention c, bool end_of_month) const {
  if (d.is_special()) throw invalid_input("not a calendar date", "date");
  if (n == 0) return adjust(d, c);
  switch (unit) {
    case time_unit::days: {
      date d1 = d;
      const long step = n > 0 ? 1 : -1;
      for (int left = n > 0 ? n : -n; left > 0; --left) {
        d1 = detail::add_days(d1, step);
        while (is_holiday(d1)) d1 = detail::add_days(d1, step);
      }
      return d1;
    }
    case time_unit::weeks:
      return adjust(detail::add_days(d, 7L * n), c);
    case time_unit::months:
    case time_unit::years: {
      date d1 = add_months(d, unit == time_unit::years ? 12L * n : static_cast<long>(n));
      if (end_of_month) {
        if (c == business_day_convention::unadjusted) {
          if (stakecalc::is_end_of_month(d)) return stakecalc::end_of_month(d1);
        } else if (is_end_of_month(d)) {
          return this->end_of_month(d1);
        }
      }
      return adjust(d1, c);
    }
  }
  return d;
}

long calendar::business_days_between(const date& from, const date& to, bool include_first, bool include_last) const {
  if (from.is_special() || to.is_special()) throw invalid_input("not a calendar date", "date");
  if (from > to) return -business_days_between(to, from, include_last, include_first);
  if (from == to) return include_first && include_last && is_business_day(from) ? 1 : 0;
  long count = include_last && is_business_day(to) ? 1 : 0;
  for (date d = include_first ? from : detail::add_days(from, 1); d < to; d = detail::add_days(d, 1))
    if (is_business_day(d)) ++count;
  return count;
}

std::vector<date> calendar::holidays(int year) const {
  if (year < 1400 || year > 9999) throw invalid_input("year " + std::to_string(year) + " out of range 1400..9999", "year");
  check_range(date(static_cast<unsigned short>(year), 1, 1));
  std::vector<date> out;
  const long lo = static_cast<long>(date(static_cast<unsigned short>(year), 1, 1).day_number());
  const long hi = static_cast<long>(date(static_cast<unsigned short>(year), 12, 31).day_number());
  for (auto it = std::lower_bound(data_->holidays.begin(), data_->holidays.end(), lo);
       it != data_->holidays.end() && *it <= hi; ++it)
    out.push_back(from_day_number(*it));
  return out;
}

std::vector<date> calendar::working_days(int year) const {
  if (year < 1400 || year > 9999) throw invalid_input("year " + std::to_string(year) + " out of range 1400..9999", "year");
  check_range(date(static_cast<unsigned short>(year), 1, 1));
  std::vector<date> out;
  const long lo = static_cast<long>(date(static_cast<unsigned short>(year), 1, 1).day_number());
  const long hi = static_cast<long>(date(static_cast<unsigned short>(year), 12, 31).day_number());
  for (auto it = std::lower_bound(data_->working_days.begin(), data_->working_days.end(), lo);
       it != data_->working_days.end() && *it <= hi; ++it)
    out.push_back(from_day_number(*it));
  return out;
}

// ---- extension ---------------------------------------------------------------------------

calendar& calendar::add_holidays(const std::vector<date>& days) {
  data d = *data_;
  std::vector<long> added = checked_days(days, "holidays", d.first_year, d.last_year, d.weekend_mask, false);
  for (long n : added) {
    erase_sorted(d.working_days, n);
    insert_sorted(d.holidays, n);
  }
  data_ = std::make_shared<const data>(std::move(d));
  return *this;
}

calendar& calendar::add_working_days(const std::vector<date>& days) {
  data d = *data_;
  std::vector<long> added = checked_days(days, "working_days", d.first_year, d.last_year, d.weekend_mask, true);
  for (long n : added) {
    erase_sorted(d.holidays, n);
    insert_sorted(d.working_days, n);
  }
  data_ = std::make_shared<const data>(std::move(d));
  return *this;
}

calendar& calendar::rename(std::string name) {
  if (name.empty()) throw invalid_input("a calendar needs a non-empty name", "name");
  data d = *data_;
  d.name = std::move(name);
  data_ = std::make_shared<const data>(std::move(d));
  return *this;
}

calendar calendar::merged(const calendar& other) const {
  const data &a = *data_, &b = *other.data_;
  data d;
  d.name = a.name + "+" + b.name;
  d.weekend_mask = static_cast<std::uint8_t>(a.weekend_mask | b.weekend_mask);
  if (d.weekend_mask == all_days_mask)
    throw invalid_input("the merged weekends cover every weekday: no business days", "calendar");
  d.first_year = a.first_year;
  d.last_year = a.last_year;
  if (b.first_year) {
    d.first_year = d.first_year ? std::max(*d.first_year, *b.first_year) : *b.first_year;
    d.last_year = d.last_year ? std::min(*d.last_year, *b.last_year) : *b.last_year;
    if (*d.last_year < *d.first_year)
      throw invalid_input("calendars '" + a.name + "' and '" + b.name + "' cover no common year", "calendar");
  }
  auto in_range = [&](long n) {
    if (!d.first_year) return true;
    int y = from_day_number(n).year();
    return y >= *d.first_year && y <= *d.last_year;
  };
  for (const auto* list : {&a.holidays, &b.holidays})
    for (long n : *list)
      if (in_range(n)) insert_sorted(d.holidays, n);
  for (const auto* list : {&a.working_days, &b.working_days})
    for (long n : *list) {
      if (!in_range(n)) continue;
      date day = from_day_number(n);
      if (is_business_day(day) && other.is_business_day(day)) insert_sorted(d.working_days, n);
    }
  return calendar(std::make_shared<const data>(std::move(d)));
}

bool operator==(const calendar& a, const calendar& b) {
  if (a.data_ == b.data_) return true;
  const auto &x = *a.data_, &y = *b.data_;
  return x.name == y.name && x.weekend_mask == y.weekend_mask && x.holidays == y.holidays &&
         x.working_days == y.working_days && x.first_year == y.first_year && x.last_year == y.last_year;
}

}  // namespace stakecalc
