// The built-in calendars: WEEKENDS, CN (mainland China working days) and CN-SSE (Shanghai Stock
// Exchange trading days), 2019..2026.
//
// Source for CN: the State Council General Office notices on the holiday arrangements of each
// year (国务院办公厅关于XXXX年部分节假日安排的通知) and the notices that amended them. The
// holiday blocks are entered exactly as each notice words them: "A至B放假调休" is the whole block
// A..B (weekend days inside it included), "A放假，与周末连休" is the day A alone (the weekend
// around it is an ordinary weekend). The working days are the weekend days the notice says are
// worked ("上班"). Cross-checked against QuantLib's China calendar (ql/time/calendars/china.cpp:
// the SSE holiday list and the IB "working weekends"); where the two differ the notice wins:
//   * 2024-02-09 (除夕) is a working day: the notice only encourages employers to give it off;
//     QuantLib's SSE calendar closes it (the exchange did close, see CN-SSE below) while its IB
//     calendar keeps it open, as the notice does.
//   * 2020: the Spring Festival holiday was extended to 2 February by 国办发明电〔2020〕1号, which
//     also cancels the make-up working day of Saturday 1 February. QuantLib agrees.
// CN-SSE: the exchange is closed on every holiday of CN and on every Saturday and Sunday (the
// make-up working days are not trading days), plus the days the exchange closed on its own
// notice: 2024-02-09 (上海证券交易所关于2024年部分节假日休市安排的通知, 2023-12-26).
#include "stakecalc/calendar.hpp"
#include "stakecalc/detail/name_key.hpp"

#include <cctype>

namespace stakecalc {

namespace {

struct day_range {
  const char* first;
  const char* last;
};

// Official days off, by notice.
constexpr day_range cn_holidays[] = {
    // 2019: 国办发明电〔2018〕15号; Labour Day amended by 国办发明电〔2019〕3号 (1..4 May).
    // (New Year: 2018-12-30..2019-01-01, of which only 1 January lies in the covered years.)
    {"2019-01-01", "2019-01-01"}, {"2019-02-04", "2019-02-10"}, {"2019-04-05", "2019-04-05"},
    {"2019-05-01", "2019-05-04"}, {"2019-06-07", "2019-06-07"}, {"2019-09-13", "2019-09-13"},
    {"2019-10-01", "2019-10-07"},
    // 2020: 国办发明电〔2019〕16号; Spring Festival extended to 2 February by 国办发明电〔2020〕1号.
    {"2020-01-01", "2020-01-01"}, {"2020-01-24", "2020-02-02"}, {"2020-04-04", "2020-04-06"},
    {"2020-05-01", "2020-05-05"}, {"2020-06-25", "2020-06-27"}, {"2020-10-01", "2020-10-08"},
    // 2021: 国办发明电〔2020〕27号.
    {"2021-01-01", "2021-01-03"}, {"2021-02-11", "2021-02-17"}, {"2021-04-03", "2021-04-05"},
    {"2021-05-01", "2021-05-05"}, {"2021-06-12", "2021-06-14"}, {"2021-09-19", "2021-09-21"},
    {"2021-10-01", "2021-10-07"},
    // 2022: 国办发明电〔2021〕11号.
    {"2022-01-01", "2022-01-03"}, {"2022-01-31", "2022-02-06"}, {"2022-04-03", "2022-04-05"},
    {"2022-04-30", "2022-05-04"}, {"2022-06-03", "2022-06-05"}, {"2022-09-10", "2022-09-12"},
    {"2022-10-01", "2022-10-07"},
    // 2023: 国办发明电〔2022〕16号 (New Year: 2022-12-31..2023-01-02).
    {"2023-01-01", "2023-01-02"}, {"2023-01-21", "2023-01-27"}, {"2023-04-05", "2023-04-05"},
    {"2023-04-29", "2023-05-03"}, {"2023-06-22", "2023-06-24"}, {"2023-09-29", "2023-10-06"},
    // 2024: 国办发明电〔2023〕7号.
    {"2024-01-01", "2024-01-01"}, {"2024-02-10", "2024-02-17"}, {"2024-04-04", "2024-04-06"},
    {"2024-05-01", "2024-05-05"}, {"2024-06-10", "2024-06-10"}, {"2024-09-15", "2024-09-17"},
    {"2024-10-01", "2024-10-07"},
    // 2025: 国办发明电〔2024〕12号 (first year with 除夕 and 2 May as statutory holidays).
    {"2025-01-01", "2025-01-01"}, {"2025-01-28", "2025-02-04"}, {"2025-04-04", "2025-04-06"},
    {"2025-05-01", "2025-05-05"}, {"2025-05-31", "2025-06-02"}, {"2025-10-01", "2025-10-08"},
    // 2026: notice of 2025-11-04.
    {"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
    {"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"},
    {"2026-10-01", "2026-10-07"},
};

// Weekend days worked ("上班"), by the same notices.
constexpr const char* cn_working_days[] = {
    "2019-02-02", "2019-02-03", "2019-04-28", "2019-05-05", "2019-09-29", "2019-10-12",  // 2019
    "2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10",  // 2020 (02-01 cancelled)
    "2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26", "2021-10-09",  // 2021
    "2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08", "2022-10-09",  // 2022
    "2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08",  // 2023
    "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29",
    "2024-10-12",                                                                          // 2024
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",                  // 2025
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",    // 2026
};

// Days the Shanghai Stock Exchange closed although the State Council notice made them working days.
constexpr const char* sse_extra_closures[] = {"2024-02-09"};

constexpr int cn_first_year = 2019, cn_last_year = 2026;

std::vector<date> cn_holiday_dates() {
  std::vector<date> out;
  for (const day_range& r : cn_holidays)
    for (date d = parse_date(r.first), last = parse_date(r.last); d <= last; d = detail::add_days(d, 1))
      out.push_back(d);
  return out;
}

calendar make_cn() {
  std::vector<date> working;
  for (const char* s : cn_working_days) working.push_back(parse_date(s));
  return calendar("CN", {5, 6}, cn_holiday_dates(), working, cn_first_year, cn_last_year);
}

calendar make_cn_sse() {
  std::vector<date> holidays = cn_holiday_dates();
  for (const char* s : sse_extra_closures) holidays.push_back(parse_date(s));
  return calendar("CN-SSE", {5, 6}, holidays, {}, cn_first_year, cn_last_year);
}

}  // namespace

std::vector<std::string> calendar::builtin_names() { return {"WEEKENDS", "CN", "CN-SSE"}; }

calendar calendar::builtin(std::string_view name, const std::string& where) {
  const std::string key = detail::upper_case(name);
  if (key == "WEEKENDS") return calendar();
  // Function-local statics: built once, on first use, thread-safely; shared read-only afterwards.
  if (key == "CN") {
    static const calendar cn = make_cn();
    return cn;
  }
  if (key == "CN-SSE") {
    static const calendar sse = make_cn_sse();
    return sse;
  }
  throw invalid_input("unknown calendar '" + std::string(name.substr(0, 40)) + "' (expected WEEKENDS, CN or CN-SSE)",
                      where);
}

}  // namespace stakecalc
