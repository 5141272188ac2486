// Time at the Python boundary: day counts, business-day calendars and schedules.
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include "convert.hpp"
#include "stakecalc/calendar.hpp"
#include "stakecalc/day_count.hpp"
#include "stakecalc/schedule.hpp"

namespace stakecalc::python {

namespace {

business_day_convention to_convention(py::handle value, const std::string& field) {
  return parse_business_day_convention(to_string(value, field), field);
}

tenor to_tenor(py::handle value, const std::string& field) { return tenor::parse(to_string(value, field), field); }

// weekend: weekday numbers (Monday 0 .. Sunday 6) or names; holidays / working days: dates.
calendar make_calendar(py::handle name, py::handle weekend, py::handle holidays, py::handle working_days) {
  nlohmann::json j;
  j["name"] = to_string(name, "name");
  j["weekend"] = nlohmann::json::array();
  for (py::handle w : py::iter(weekend)) {
    if (PyUnicode_Check(w.ptr()))
      j["weekend"].push_back(w.cast<std::string>());
    else if (PyLong_Check(w.ptr()) && !PyBool_Check(w.ptr()))
      j["weekend"].push_back(w.cast<long>());
    else
      throw invalid_input("a weekday is an int 0 (monday) .. 6 (sunday) or a name, got " + describe(w), "weekend");
  }
  auto dates = [](py::handle seq, const char* field) {
    nlohmann::json a = nlohmann::json::array();
    std::size_t i = 0;
    for (py::handle d : py::iter(seq)) a.push_back(to_iso(to_date(d, std::string(field) + "[" + std::to_string(i++) + "]")));
    return a;
  };
  j["holidays"] = dates(holidays, "holidays");
  j["working_days"] = dates(working_days, "working_days");
  return calendar::from_json(j);
}

std::vector<date> to_dates(py::handle seq, const char* field) {
  std::vector<date> out;
  std::size_t i = 0;
  for (py::handle d : py::iter(seq)) out.push_back(to_date(d, std::string(field) + "[" + std::to_string(i++) + "]"));
  return out;
}

py::list from_dates(const std::vector<date>& v) {
  py::list out;
  for (const date& d : v) out.append(from_date(d));
  return out;
}

std::string calendar_repr(const calendar& c) {
  std::string s = "Calendar('" + c.name() + "'";
  if (c.first_year()) s += ", years " + std::to_string(*c.first_year()) + ".." + std::to_string(*c.last_year());
  return s + ")";
}

}  // namespace

void bind_time(py::module_& m) {
  m.def(
      "day_count",
      [](py::handle convention, py::handle start, py::handle end, py::handle termination) {
        return to_day_counter(convention, "convention").day_count(to_date(start, "start"), to_date(end, "end"),
                                                    to_optional_date(termination, "termination"));
      },
      py::arg("convention"), py::arg("start"), py::arg("end"), py::kw_only(), py::arg("termination") = py::none(),
      "Days from start to end under a day count convention ('ACT/360', '30/360', ...); an int.");
  m.def(
      "year_fraction",
      [](py::handle convention, py::handle start, py::handle end, py::handle ref_start, py::handle ref_end,
         py::handle termination) {
        return from_ratio(to_day_counter(convention, "convention").year_fraction(
            to_date(start, "start"), to_date(end, "end"), to_optional_date(ref_start, "ref_start"),
            to_optional_date(ref_end, "ref_end"), to_optional_date(termination, "termination")));
      },
      py::arg("convention"), py::arg("start"), py::arg("end"), py::kw_only(), py::arg("ref_start") = py::none(),
      py::arg("ref_end") = py::none(), py::arg("termination") = py::none(),
      "The exact year fraction from start to end as a fractions.Fraction (ACT/360 of 181 days is 181/360).");

  py::class_<calendar>(m, "Calendar",
                       "A business-day calendar: weekend days, holidays, and weekend days made working days.")
      .def(py::init(&make_calendar), py::arg("name"), py::kw_only(), py::arg("weekend") = py::make_tuple(5, 6),
           py::arg("holidays") = py::tuple(), py::arg("working_days") = py::tuple())
      .def_static(
          "from_json", [](py::handle text) { return calendar::parse_json(to_string(text, "text")); }, py::arg("text"),
          "A calendar from its JSON text.")
      .def("to_json", &calendar::to_json_text, "The calendar as JSON text (loadable with Calendar.from_json).")
      .def_property_readonly("name", &calendar::name)
      .def_property_readonly("weekend", &calendar::weekend)
      .def_property_readonly("first_year", &calendar::first_year)
      .def_property_readonly("last_year", &calendar::last_year)
      .def(
          "is_business_day", [](const calendar& c, py::handle d) { return c.is_business_day(to_date(d, "d")); },
          py::arg("d"))
      .def(
          "adjust",
          [](const calendar& c, py::handle d, py::handle convention) {
            return from_date(c.adjust(to_date(d, "d"), to_convention(convention, "convention")));
          },
          py::arg("d"), py::arg("convention") = "FOLLOWING")
      .def(
          "advance",
          [](const calendar& c, py::handle d, py::handle step, py::handle convention, bool end_of_month) {
            return from_date(c.advance(to_date(d, "d"), to_tenor(step, "tenor"), to_convention(convention, "convention"),
                                       end_of_month));
          },
          py::arg("d"), py::arg("tenor"), py::arg("convention") = "FOLLOWING", py::arg("end_of_month") = false,
          "Move by a tenor such as '2D' (business days), '1W', '3M' or '1Y' (calendar, then adjusted).")
      .def(
          "business_days_between",
          [](const calendar& c, py::handle a, py::handle b, bool include_first, bool include_last) {
            return c.business_days_between(to_date(a, "a"), to_date(b, "b"), include_first, include_last);
          },
          py::arg("a"), py::arg("b"), py::kw_only(), py::arg("include_first") = true, py::arg("include_last") = false,
          "Business days from a to b, counting a and not b by default (negative when b is earlier).")
      .def(
          "holidays",
          [](const calendar& c, py::handle year) {
            return from_dates(c.holidays(static_cast<int>(to_int(year, "year", 1400, 9999))));
          },
          py::arg("year"))
      .def(
          "working_days",
          [](const calendar& c, py::handle year) {
            return from_dates(c.working_days(static_cast<int>(to_int(year, "year", 1400, 9999))));
          },
          py::arg("year"))
      .def(
          "with_holidays",
          [](const calendar& c, py::handle days) {
            calendar out = c;
            return out.add_holidays(to_dates(days, "holidays"));
          },
          py::arg("days"), "A copy with these dates added as holidays.")
      .def(
          "with_working_days",
          [](const calendar& c, py::handle days) {
            calendar out = c;
            return out.add_working_days(to_dates(days, "working_days"));
          },
          py::arg("days"), "A copy with these weekend dates made working days.")
      .def(
          "merged", [](const calendar& c, py::handle other) { return c.merged(to_calendar(other, "other")); },
          py::arg("other"), "A calendar closed whenever either calendar is closed.")
      .def(py::self == py::self)  // NOLINT
      .def("__hash__", [](const calendar& c) { return py::hash(py::str(c.to_json_text())); })
      .def("__repr__", &calendar_repr)
      .def(py::pickle([](const calendar& c) { return py::make_tuple(c.to_json_text()); },
                      [](const py::tuple& t) { return calendar::parse_json(t[0].cast<std::string>()); }));

  m.def(
      "calendar", [](py::handle name) { return to_calendar(name, "name"); }, py::arg("name"),
      "A built-in calendar: 'WEEKENDS', 'CN' (mainland China working days) or 'CN-SSE' (Shanghai Stock Exchange).");

  m.def(
      "schedule",
      [](py::handle start, py::handle end, py::handle step, py::handle cal, py::handle convention,
         py::handle termination_convention, py::handle rule, bool end_of_month, py::handle first_date,
         py::handle next_to_last_date) {
        std::optional<business_day_convention> term;
        if (!termination_convention.is_none()) term = to_convention(termination_convention, "termination_convention");
        schedule s(to_date(start, "start"), to_date(end, "end"), to_tenor(step, "tenor"), to_calendar(cal, "calendar"),
                   to_convention(convention, "convention"), term, parse_date_generation(to_string(rule, "rule"), "rule"),
                   end_of_month, to_optional_date(first_date, "first_date"),
                   to_optional_date(next_to_last_date, "next_to_last_date"));
        return from_dates(s.dates());
      },
      py::arg("start"), py::arg("end"), py::arg("tenor"), py::kw_only(), py::arg("calendar") = "WEEKENDS",
      py::arg("convention") = "UNADJUSTED", py::arg("termination_convention") = py::none(),
      py::arg("rule") = "BACKWARD", py::arg("end_of_month") = false, py::arg("first_date") = py::none(),
      py::arg("next_to_last_date") = py::none(),
      "Schedule dates from start to end by a tenor ('1M', '3M', '1Y', ...), QuantLib's generation rules.");
}

}  // namespace stakecalc::python
