// Deal documents at the Python boundary: stakecalc.DealDocument reads a whole deal from one JSON
// contract document (deal_document.hpp), writes it back canonically, evaluates it (exit paths,
// repurchase plan, conversion to debt, the sweep) and renders the results as text, JSON or
// CSV (result_document.hpp).
//
// The evaluations return the same dicts, lists and DataFrames as ExitDeal.compare, evaluate_plan,
// convert_to_debt and stakecalc.sweep (contract_results.hpp defines them once for both). A
// DealDocument does not hand out an ExitDeal: an ExitDeal remembers the Python arguments it was
// made from (its pickled state), and a document has no such arguments, only C++ values; so the
// evaluations are methods of the document instead.
//
// Errors are the usual stakecalc exceptions, located in the document: the message starts with the
// JSON pointer ("/repurchase/windows/1/until: ...") and the exception's `where` attribute holds it
// alone, so a notebook can point at the offending field. Evaluations run without the GIL.
#include <pybind11/pybind11.h>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "contract_results.hpp"
#include "convert.hpp"
#include "stakecalc/deal_document.hpp"
#include "stakecalc/distribution.hpp"
#include "stakecalc/explanation.hpp"
#include "stakecalc/platform.hpp"
#include "stakecalc/result_document.hpp"
#include "stakecalc/sweep.hpp"

namespace stakecalc::python {

namespace {

// ---- errors located in the document ------------------------------------------------------------

// The module the exception classes live in, kept for the life of the process (as bind_errors keeps
// the classes): errors are raised long after registration.
PyObject* core_module = nullptr;

// The Python class bind_errors maps the C++ kind to, most derived first.
const char* python_class_of(const error& e) {
  if (dynamic_cast<const currency_mismatch*>(&e)) return "CurrencyMismatch";
  if (dynamic_cast<const domain_rule_error*>(&e)) return "DomainRuleError";
  if (dynamic_cast<const invalid_input*>(&e)) return "InvalidInput";
  if (dynamic_cast<const overflow_error*>(&e)) return "Overflow";
  if (dynamic_cast<const division_by_zero*>(&e)) return "DivisionByZero";
  if (dynamic_cast<const rounding_needed*>(&e)) return "RoundingNeeded";
  if (dynamic_cast<const no_solution*>(&e)) return "NoSolution";
  if (dynamic_cast<const arithmetic_error*>(&e)) return "CalculationError";
  return "Error";
}

// The message without the "where: " the error put in front of it.
std::string bare_message(const error& e) {
  const std::string what = e.what();
  if (!e.where().empty() && what.compare(0, e.where().size() + 2, e.where() + ": ") == 0)
    return what.substr(e.where().size() + 2);
  return what;
}

// Raises the error's Python class with "where: message" and a `where` attribute. The exception
// translator of bind_errors sets the message only; a document's reader wants the pointer alone too.
[[noreturn]] void raise_at(const error& e, const std::string& where) {
  const py::object cls = py::reinterpret_borrow<py::module_>(core_module).attr(python_class_of(e));
  const std::string bare = bare_message(e);
  const py::object instance = cls(where.empty() ? bare : where + ": " + bare);
  instance.attr("where") = where;
  PyErr_SetObject(cls.ptr(), instance.ptr());
  throw py::error_already_set();
}

// Refuses a Python argument or a missing part of the document as InvalidInput.
[[noreturn]] void refuse(const std::string& message, const std::string& where) {
  raise_at(invalid_input(message, where), where);
}

// "tranches[2].on" -> "/tranches/2/on".
std::string dotted_to_pointer(const std::string& dotted) {
  std::string out;
  bool segment_open = false;
  for (char c : dotted) {
    if (c == '.' || c == '[') {
      segment_open = false;
    } else if (c == ']') {
      continue;
    } else {
      if (!segment_open) out += '/';
      segment_open = true;
      out += c == '/' ? '~' : c;  // a name never holds '/'; keep the pointer well-formed if one does
    }
  }
  return out;
}

// A library field below a document section: the first matching (dotted prefix, pointer) pair, else
// the fallback section. A where that is already a pointer (the loader's) stays as it is.
struct field_prefix {
  const char* dotted;
  std::string pointer;
};

std::string document_where(const std::string& where, const std::vector<field_prefix>& prefixes,
                           const std::string& fallback) {
  if (where.empty()) return fallback;
  if (where[0] == '/') return where;
  for (const field_prefix& p : prefixes) {
    const std::string prefix = p.dotted;
    if (where.compare(0, prefix.size(), prefix) != 0) continue;
    if (where.size() == prefix.size() || where[prefix.size()] == '.' || where[prefix.size()] == '[')
      return p.pointer + dotted_to_pointer(where.substr(prefix.size()));
  }
  return fallback + dotted_to_pointer(where);
}

// Runs f; a stakecalc error is raised in Python where it says it is: a pointer into the document
// (the loader's and compare_document_exit_paths' errors), a source name (a syntax error), or an
// argument of the method ("on", "index").
template <class F>
auto as_thrown(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const error& e) {
    raise_at(e, e.where());
  }
}

// Runs f, a library evaluation whose errors name its own fields; they are raised in Python at the
// corresponding place in the document.
template <class F>
auto in_document(const std::vector<field_prefix>& prefixes, const std::string& fallback, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const error& e) {
    raise_at(e, document_where(e.where(), prefixes, fallback));
  }
}

// Where the plan's and the facts' fields sit in a document.
std::vector<field_prefix> plan_prefixes() {
  return {{"tranches", "/plan/tranches"}, {"plan", "/plan"}, {"facts", "/facts"}, {"windows", "/repurchase/windows"},
          {"investment", "/repurchase/investment"}};
}

// ---- Python data <-> JSON ----------------------------------------------------------------------

// Python's own classes for the values a dict may hold besides JSON's.
struct python_kinds {
  py::object decimal = decimal_class();
  py::object fraction = fraction_class();
  py::object date;
  py::object datetime;
  python_kinds() {
    const py::module_ dt = py::module_::import("datetime");
    date = dt.attr("date");
    datetime = dt.attr("datetime");
  }
};

// A Python structure as the JSON a document file would hold. Amounts and rates must reach the loader
// as strings, so a float is refused here, where the pointer can still say which one it was; a
// Decimal, a Fraction and a date are written as the strings the format spells them with.
json json_of(py::handle v, const std::string& at, std::size_t depth, const python_kinds& kinds) {
  const std::string where = at.empty() ? "/" : at;
  const std::size_t max_depth = json_limits{}.max_depth;
  if (depth > max_depth)
    throw invalid_input("document nested deeper than " + std::to_string(max_depth) + " levels", where);
  if (v.is_none()) return nullptr;
  if (PyBool_Check(v.ptr())) return v.ptr() == Py_True;
  if (PyLong_Check(v.ptr())) {
    int overflow = 0;
    const long long n = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    if (overflow)
      throw invalid_input("an int too large for a JSON number: write it as a string ('" +
                              std::string(py::str(v)).substr(0, 40) + "')",
                          where);
    return n;
  }
  if (PyFloat_Check(v.ptr())) {
    const std::string text = py::repr(v);
    throw invalid_input("a float is not exact (0.1 as a float is not one tenth): got " + text +
                            "; write it as a str ('" + text + "') or a decimal.Decimal",
                        where);
  }
  if (PyUnicode_Check(v.ptr())) return v.cast<std::string>();
  if (py::isinstance(v, kinds.decimal)) {
    if (!v.attr("is_finite")().cast<bool>()) throw invalid_input("expected a finite Decimal, got " + describe(v), where);
    return std::string(py::str(v));
  }
  if (py::isinstance(v, kinds.fraction)) return std::string(py::str(v));  // "1/3", or "2" when whole
  if (py::isinstance(v, kinds.datetime))
    throw invalid_input("expected a date, got " + describe(v) + " (use its .date())", where);
  if (py::isinstance(v, kinds.date)) return std::string(py::str(v.attr("isoformat")()));
  if (PyDict_Check(v.ptr())) {
    json out = json::object();
    for (auto item : py::reinterpret_borrow<py::dict>(v)) {
      if (!PyUnicode_Check(item.first.ptr()))
        throw invalid_input("a key must be a str, got " + describe(item.first), where);
      const std::string key = item.first.cast<std::string>();
      out[key] = json_of(item.second, json_pointer_join(at, key), depth + 1, kinds);
    }
    return out;
  }
  if (PyList_Check(v.ptr()) || PyTuple_Check(v.ptr())) {
    json out = json::array();
    std::size_t i = 0;
    for (py::handle item : py::reinterpret_borrow<py::sequence>(v))
      out.push_back(json_of(item, json_pointer_join(at, i++), depth + 1, kinds));
    return out;
  }
  throw invalid_input("expected a dict, list, str, int, bool, None, Decimal, Fraction or date, got " + describe(v), where);
}

// Canonical JSON as plain Python data. The canonical form has strings for every amount, so no float
// appears; a float could only come from a hand-made json and stays one.
py::object python_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return py::none();
    case json::value_t::boolean: return py::bool_(v.get<bool>());
    case json::value_t::number_integer: return py::int_(v.get<long long>());
    case json::value_t::number_unsigned: return py::int_(v.get<unsigned long long>());
    case json::value_t::number_float: return py::float_(v.get<double>());
    case json::value_t::string: return py::str(v.get_ref<const std::string&>());
    case json::value_t::array: {
      py::list out;
      for (const json& item : v) out.append(python_of(item));
      return out;
    }
    case json::value_t::object: {
      py::dict out;
      for (const auto& item : v.items()) out[py::str(item.key())] = python_of(item.value());
      return out;
    }
    default: return py::none();  // binary and discarded values never come out of to_json
  }
}

// The top-level sections in the order the format lists them.
const std::vector<std::string>& section_names() {
  static const std::vector<std::string> names = {"calendars", "rate_tables", "fx_rates", "loans",   "ledger", "platform",
                                                 "repurchase", "plan",       "facts",    "conversion", "exit",  "sweep"};
  return names;
}

// The present sections as name -> canonical form. One dict rather than a property per section:
// "repurchase", "conversion" and "sweep" are also the names of the evaluations.
py::dict sections_of(const deal_document& d) {
  const json j = to_json(d);
  py::dict out;
  for (const std::string& name : section_names()) {
    const auto it = j.find(name);
    if (it != j.end()) out[py::str(name)] = python_of(*it);
  }
  return out;
}

// ---- arguments ---------------------------------------------------------------------------------

std::optional<date> optional_date_arg(py::handle on) {
  return as_thrown([&] { return to_optional_date(on, "on"); });
}

bool explain_arg(py::handle value) {
  if (!PyBool_Check(value.ptr())) refuse("expected True or False, got " + describe(value), "explain");
  return value.ptr() == Py_True;
}

// ---- evaluations -------------------------------------------------------------------------------

const repurchase_terms& terms_of(const deal_document& d, const char* needed_by) {
  if (!d.repurchase)
    throw invalid_input(std::string(needed_by) + " needs the repurchase section, which the document lacks", "/repurchase");
  return *d.repurchase;
}

repurchase_evaluation evaluate_document_plan(const deal_document& d) {
  return in_document(plan_prefixes(), "/plan", [&] {
    const repurchase_terms& terms = terms_of(d, "the repurchase plan");
    py::gil_scoped_release release;
    return evaluate_plan(terms, d.plan, d.facts);
  });
}

// Conversion on `on`, or on the first trigger that fires (nothing when none does).
std::optional<conversion_result> convert_document(const deal_document& d, const std::optional<date>& on) {
  std::vector<field_prefix> prefixes = plan_prefixes();
  prefixes.push_back({"loan", "/conversion/loan"});
  prefixes.push_back({"debtors", "/conversion/debtors"});
  prefixes.push_back({"triggers", "/conversion/triggers"});
  prefixes.push_back({"on", on ? "on" : "/conversion/triggers"});
  return in_document(prefixes, "/conversion", [&]() -> std::optional<conversion_result> {
    const repurchase_terms& terms = terms_of(d, "the conversion");
    if (!d.conversion) throw invalid_input("the document has no equity-to-debt terms", "/conversion");
    py::gil_scoped_release release;
    if (on) return convert_to_debt(*d.conversion, terms, d.plan, *on, d.facts);
    return convert_on_first_trigger(*d.conversion, terms, d.plan, d.facts, d.reported_events);
  });
}

conversion_result convert_document_or_refuse(const deal_document& d, const std::optional<date>& on) {
  std::optional<conversion_result> c = convert_document(d, on);
  if (!c) refuse("no trigger fires for this plan; give a conversion date (on=...)", "/conversion/triggers");
  return std::move(*c);
}

std::vector<exit_path_result> compare_document(const deal_document& d) {
  // compare_document_exit_paths already names the path ("/exit/paths/2/on").
  return as_thrown([&] {
    py::gil_scoped_release release;
    return compare_document_exit_paths(d);
  });
}

std::size_t index_arg(py::handle index, std::size_t count, const char* what) {
  const long i = as_thrown([&] { return to_int(index, "index", 0, 1000000000L); });
  if (static_cast<std::size_t>(i) >= count)
    refuse("index " + std::to_string(i) + " beyond the document's " + std::to_string(count) + " " + what, "index");
  return static_cast<std::size_t>(i);
}

// How a sweep reports progress: nothing (None or False), the bar of stakecalc.sweep (True) or the
// caller's progress(done, total).
py::object progress_reporter(py::handle progress, std::size_t total) {
  if (progress.is_none() || progress.ptr() == Py_False) return py::none();
  if (progress.ptr() == Py_True) return py::module_::import("stakecalc._sweep").attr("_Progress")(true, total);
  if (!PyCallable_Check(progress.ptr()))
    refuse("expected True, False, None or a callable progress(done, total), got " + describe(progress), "progress");
  return py::reinterpret_borrow<py::object>(progress);
}

// The document's sweep: every scenario of its grid or list, on `threads` threads, without the GIL. Ctrl-C
// (checked on this thread about every 0.1 s) stops the workers and raises KeyboardInterrupt.
factored_sweep sweep_document(const deal_document& d, py::handle threads, py::handle progress) {
  sweep_options options;
  if (!threads.is_none())
    options.threads = static_cast<unsigned>(as_thrown([&] { return to_int(threads, "threads", 1, 4096); }));
  const std::vector<field_prefix> prefixes = {{"paths", "/sweep/paths"},   {"grid", "/sweep/grid"},
                                              {"scenarios", "/sweep/scenarios"},
                                              {"base", "/sweep/base"},     {"plan", "/plan"},
                                              {"deal.conversion", "/conversion"}, {"deal", "/exit"}};
  const sweep_spec spec = in_document(prefixes, "/sweep", [&] { return make_sweep_spec(d); });
  const scenario_set scenarios = in_document(prefixes, "/sweep", [&] { return make_sweep_scenarios(d); });
  const py::object reporter = progress_reporter(progress, scenarios.size());
  const bool own_bar = progress.ptr() == Py_True;
  options.progress = [&reporter](std::size_t done, std::size_t total) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!reporter.is_none()) reporter(done, total);
  };
  factored_sweep table;
  try {
    table = in_document(prefixes, "/sweep", [&] {
      py::gil_scoped_release release;
      return run_factored_sweep(spec, scenarios, 0, scenarios.size(), options);
    });
  } catch (...) {
    if (own_bar) reporter.attr("close")();
    throw;
  }
  if (own_bar) reporter.attr("close")();
  return table;
}

// ---- reports -----------------------------------------------------------------------------------

std::string json_text(const json& j) { return j.dump(2) + "\n"; }

std::string exit_paths_report(const deal_document& d, result_format f, bool explain) {
  const std::vector<exit_path_result> results = compare_document(d);
  switch (f) {
    case result_format::json: return json_text(exit_paths_json(results, explain));
    case result_format::csv: return to_csv(exit_paths_table(results, cell_style::exact, explain));
    case result_format::text: break;
  }
  return to_text(exit_paths_table(results, cell_style::readable, explain));
}

std::string repurchase_report(const deal_document& d, result_format f, bool explain) {
  const repurchase_evaluation ev = evaluate_document_plan(d);
  switch (f) {
    case result_format::json: return json_text(repurchase_json(ev, explain));
    case result_format::csv: return to_csv(repurchase_table(ev, cell_style::exact, explain));
    case result_format::text: break;
  }
  return to_text(repurchase_table(ev, cell_style::readable, explain));
}

std::string conversion_report(const deal_document& d, result_format f, bool explain, const std::optional<date>& on) {
  if (f == result_format::csv && explain)
    refuse("the CSV of a conversion is its repayment table, which has no explanations: use format='json' or 'text'",
           "explain");
  const conversion_result c = convert_document_or_refuse(d, on);
  switch (f) {
    case result_format::json: return json_text(conversion_json(c, explain));
    case result_format::csv: return to_csv(repayment_table(c, cell_style::exact));
    case result_format::text: break;
  }
  // The statement is always shown: how the principal was reached is what a conversion notice is for.
  std::string out = to_text(conversion_summary_table(c, cell_style::readable)) + "\nHow the principal was reached:\n" +
                    c.statement.to_text(2) + "\n" + to_text(repayment_table(c, cell_style::readable));
  if (explain)
    for (const tranche_result& t : c.repurchases) out += "\n" + t.price.why.to_text(2);
  return out;
}

std::string sweep_report(const deal_document& d, result_format f) {
  const std::vector<sweep_row> rows = sweep_document(d, py::none(), py::none()).rows();
  switch (f) {
    case result_format::json: return json_text(sweep_json(rows));
    case result_format::csv: return to_csv(sweep_table(rows, cell_style::exact));
    case result_format::text: break;
  }
  return to_text(sweep_table(rows, cell_style::readable));
}

// The platform's portfolio on `on` (default: the document's report_on), converted to the report
// currency when the document names one, and each of its proceeds distributed by the rules.
std::string platform_report(const deal_document& d, result_format f, const std::optional<date>& on_arg) {
  if (!d.platform) refuse("the document has no platform section", "/platform");
  const platform_section& platform = *d.platform;
  if (!on_arg && !platform.report_on) refuse("no report date: give on=... or the platform's report_on", "/platform/report_on");
  const date on = on_arg ? *on_arg : *platform.report_on;
  // The day is the caller's argument, else the document's report_on.
  const std::vector<field_prefix> dated = {{"on", on_arg ? "on" : "/platform/report_on"}};
  const std::vector<field_prefix> none;
  const platform_portfolio portfolio =
      in_document(dated, "/platform", [&] { return portfolio_on(d.equity_ledger, platform.holder, on); });
  std::optional<converted_portfolio> converted;
  if (platform.report_currency)
    converted = in_document(none, "/fx_rates", [&] {
      return convert_lines(portfolio.by_company, d.fx, *platform.report_currency, on, rounding::half_even);
    });
  std::vector<distribution_result> distributions;
  if (platform.rules)
    for (std::size_t i = 0; i < platform.proceeds.size(); ++i)
      distributions.push_back(in_document(none, "/platform/proceeds/" + std::to_string(i),
                                          [&] { return distribute(platform.proceeds[i].gross, *platform.rules); }));
  switch (f) {
    case result_format::json: {
      json out = {{"portfolio", portfolio_json(portfolio)}, {"distributions", json::array()}};
      if (converted) out["converted"] = converted_portfolio_json(*converted);
      for (const distribution_result& x : distributions) out["distributions"].push_back(distribution_json(x));
      return json_text(out);
    }
    case result_format::csv: {
      // One CSV table after another, an empty line between them (as the platform_report example).
      std::string out = to_csv(portfolio_table(portfolio, cell_style::exact));
      if (converted) out += "\r\n" + to_csv(converted_portfolio_table(*converted, cell_style::exact));
      for (const distribution_result& x : distributions) out += "\r\n" + to_csv(distribution_table(x, cell_style::exact));
      return out;
    }
    case result_format::text: break;
  }
  std::string out = to_text(portfolio_table(portfolio, cell_style::readable));
  if (converted) out += "\n" + to_text(converted_portfolio_table(*converted, cell_style::readable));
  for (std::size_t i = 0; i < distributions.size(); ++i) {
    const platform_proceeds& p = platform.proceeds[i];
    out += "\n" + to_iso(p.on) + (p.source.empty() ? "" : ", " + p.source) + "\n";
    out += to_text(distribution_table(distributions[i], cell_style::readable));
  }
  return out;
}

std::string report(const deal_document& d, py::handle kind_arg, py::handle format_arg, py::handle explain_value,
                   py::handle on_value) {
  const std::string kind = as_thrown([&] { return to_string(kind_arg, "kind"); });
  const result_format f = as_thrown([&] { return parse_result_format(to_string(format_arg, "format"), "format"); });
  const bool explain = explain_arg(explain_value);
  const std::optional<date> on = optional_date_arg(on_value);
  const bool dated = kind == "conversion" || kind == "platform";
  if (on && !dated) refuse("only the conversion and platform reports take a date", "on");
  if (explain && (kind == "sweep" || kind == "platform")) refuse("the " + kind + " report has no explanations", "explain");
  if (kind == "exit_paths") return exit_paths_report(d, f, explain);
  if (kind == "repurchase") return repurchase_report(d, f, explain);
  if (kind == "conversion") return conversion_report(d, f, explain, on);
  if (kind == "sweep") return sweep_report(d, f);
  if (kind == "platform") return platform_report(d, f, on);
  refuse("unknown report '" + kind.substr(0, 40) + "' (expected exit_paths, repurchase, conversion, sweep or platform)",
         "kind");
}

// ---- explanations ------------------------------------------------------------------------------

explanation explain(const deal_document& d, py::handle subject_arg, py::handle index_value, py::handle on_value) {
  const std::string subject = as_thrown([&] { return to_string(subject_arg, "subject"); });
  if (subject == "grant_equivalent") {
    if (!d.exit) refuse("the document has no exit section", "/exit");
    const std::size_t i = index_arg(index_value, d.exit->paths.size(), "exit paths");
    const std::string at = "/exit/paths/" + std::to_string(i);
    const exit_deal deal = as_thrown([&] { return make_exit_deal(d); });
    const exit_path_result r = in_document({}, at, [&] {
      py::gil_scoped_release release;
      return evaluate_exit_path(deal, d.exit->paths[i]);
    });
    return r.grant_equivalent.why;
  }
  if (subject == "repurchase_price") {
    const repurchase_evaluation ev = evaluate_document_plan(d);
    return ev.tranches[index_arg(index_value, ev.tranches.size(), "plan tranches")].price.why;
  }
  if (subject == "conversion_principal") return convert_document_or_refuse(d, optional_date_arg(on_value)).statement;
  refuse("unknown subject '" + subject.substr(0, 40) +
             "' (expected grant_equivalent, repurchase_price or conversion_principal)",
         "subject");
}

// ---- loading -----------------------------------------------------------------------------------

deal_document load_file(py::handle path_arg) {
  const py::object fspath = py::module_::import("os").attr("fspath")(path_arg);
  const std::string path = as_thrown([&] { return to_string(fspath, "path"); });
  return as_thrown([&] {
    py::gil_scoped_release release;
    return read_deal_document(path);
  });
}

deal_document parse_text(py::handle text_arg, py::handle source_arg) {
  const std::string text = as_thrown([&] { return to_string(text_arg, "text"); });
  const std::string source = as_thrown([&] { return to_string(source_arg, "source"); });
  return as_thrown([&] {
    py::gil_scoped_release release;
    return parse_deal_document(text, source);
  });
}

deal_document from_python(py::handle value) {
  const python_kinds kinds;
  const json j = as_thrown([&] { return json_of(value, "", 1, kinds); });
  return as_thrown([&] {
    py::gil_scoped_release release;
    return load_deal_document(j);
  });
}

std::string document_repr(const deal_document& d) {
  std::string title = d.title;
  if (title.size() > 60) title = title.substr(0, 57) + "...";
  const json j = to_json(d);
  std::string sections;
  for (const std::string& name : section_names())
    if (j.contains(name)) sections += (sections.empty() ? "" : ", ") + name;
  return "DealDocument(" + (title.empty() ? std::string() : "'" + title + "'; ") +
         (sections.empty() ? std::string("no sections") : sections) + ")";
}

}  // namespace

void bind_documents(py::module_& m) {
  core_module = m.ptr();
  Py_INCREF(core_module);  // errors are raised from it for the life of the process

  py::class_<deal_document> doc(
      m, "DealDocument",
      "A whole deal as one JSON contract document (schema/deal.schema.json): calendars, rate tables, fx rates, "
      "loans, the cap-table ledger, the platform, the repurchase terms and plan, facts, the equity-to-debt terms "
      "and the events reported against them, the exit paths to compare and a sweep. Read strictly (DealDocument.load, parse, from_dict), written back "
      "canonically (to_json), evaluated (compare, repurchase, conversion, sweep, explain) and rendered (report). "
      "Errors are stakecalc exceptions whose message starts with the JSON pointer of the offending value, also in "
      "their `where` attribute.");
  doc.def_static("load", &load_file, py::arg("path"), "Reads a document file (str or os.PathLike).")
      .def_static("parse", &parse_text, py::arg("text"), py::arg("source") = "document",
                  "Parses a document's text; `source` names it in syntax errors.")
      .def_static("from_dict", &from_python, py::arg("obj"),
                  "A document from Python data shaped as the JSON (dicts, lists, str, int, bool, None). Amounts, rates "
                  "and proportions are strings as in the file; a Decimal, a Fraction or a date is written as its string, "
                  "a float is refused (it is not exact).")
      .def("to_json", [](const deal_document& d) { return to_json_text(d); },
           "The canonical text: keys sorted, 2-space indent, a final newline; load(to_json()) == self.")
      .def("to_dict", [](const deal_document& d) { return python_of(to_json(d)); },
           "The canonical form as Python data (amounts stay strings); from_dict(to_dict()) == self.")
      .def_property_readonly("version", [](const deal_document&) { return deal_document::current_version; })
      .def_property_readonly("title", [](const deal_document& d) { return d.title; })
      .def_property_readonly(
          "sections", &sections_of,
          "The sections the document has, in the format's order, as a dict of name -> canonical form (Python "
          "data, amounts as strings): doc.sections['repurchase']['investment']['amount'].")
      .def_property_readonly(
          "calendars",
          [](const deal_document& d) {
            py::list out;
            for (const calendar& c : d.calendars) out.append(py::cast(c));
            return out;
          },
          "The document's calendars as stakecalc.Calendar.")
      .def_property_readonly(
          "rate_tables",
          [](const deal_document& d) {
            py::list out;
            for (const rate_table& t : d.rate_tables) out.append(py::cast(t));
            return out;
          },
          "The document's rate tables as stakecalc.RateTable (also the facts' benchmarks).")
      .def_property_readonly(
          "fx", [](const deal_document& d) { return d.fx; }, "The document's fx rates as a stakecalc.FxTable (a copy).");
  doc.def(
         "compare",
         [](const deal_document& d) {
           py::list out;
           for (const exit_path_result& r : compare_document(d)) out.append(exit_dict(r));
           return out;
         },
         "The exit section's paths compared on the document's deal, as ExitDeal.compare: one dict per path (path, "
         "fund_irr, fund_multiple, cash_recovered, grant_equivalent, grant_equivalent_share, team_cost, "
         "fund_units_left, team_ownership, fund_flows, grant_equivalent_explanation).")
      .def(
          "compare_frame",
          [](const deal_document& d) {
            py::list rows;
            for (const exit_path_result& r : compare_document(d)) {
              py::dict row;
              row["path"] = r.path;
              for (auto item : exit_scalars(r)) row[item.first] = item.second;
              rows.append(row);
            }
            return pandas_frame(rows, "DealDocument.compare_frame()");
          },
          "compare() as a pandas DataFrame, one row per path (the scalar fields), as ExitDeal.compare_frame.")
      .def(
          "repurchase", [](const deal_document& d) { return plan_dict(evaluate_document_plan(d)); },
          "The plan's tranches priced under the repurchase terms, as stakecalc.evaluate_plan.")
      .def(
          "conversion",
          [](const deal_document& d, py::handle on) -> py::object {
            const std::optional<conversion_result> c = convert_document(d, optional_date_arg(on));
            if (!c) return py::none();
            return conversion_dict(*c);
          },
          py::arg("on") = py::none(),
          "The remaining stake converted to debt on `on` (None: on the first trigger that fires; None is returned "
          "when none does), as stakecalc.convert_to_debt: the statement, each debtor's loan and schedule, the fund's "
          "flows.")
      .def(
          "sweep",
          [](const deal_document& d, py::handle threads, py::handle progress) {
            return sweep_frame(sweep_columns(sweep_document(d, threads, progress)), "DealDocument.sweep()");
          },
          py::kw_only(), py::arg("threads") = py::none(), py::arg("progress") = false,
          "Every scenario of the sweep section (its grid or its list), as stakecalc.sweep: a DataFrame with the "
          "same columns, one row per scenario in grid or list order. threads: None for all cores; progress: True "
          "for stakecalc.sweep's bar, or a callable progress(done, total). Ctrl-C raises KeyboardInterrupt once the workers stop.")
      .def("explain", &explain, py::arg("subject"), py::arg("index") = 0, py::kw_only(), py::arg("on") = py::none(),
           "How a number was reached, as a stakecalc.Explanation: 'grant_equivalent' of exit path `index`, "
           "'repurchase_price' of plan tranche `index`, or 'conversion_principal' (on `on`, else the first trigger).")
      .def("report", &report, py::arg("kind"), py::arg("format") = "text", py::kw_only(), py::arg("explain") = false,
           py::arg("on") = py::none(),
           "A result rendered for people or programs: kind 'exit_paths', 'repurchase', 'conversion', 'sweep' or "
           "'platform'; format 'text' (fixed-width tables), 'json' (amounts as strings) or 'csv' (RFC 4180, CRLF). "
           "explain adds explanations (exit paths, repurchase, conversion); on dates a conversion or a platform "
           "report.")
      .def(
          "__eq__",
          [](const deal_document& a, py::handle b) -> py::object {
            if (!py::isinstance<deal_document>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            const deal_document& other = b.cast<const deal_document&>();
            return py::bool_(a == other);
          },
          py::is_operator())
      .def("__repr__", &document_repr)
      .def(py::pickle([](const deal_document& d) { return py::make_tuple(to_json_text(d)); },
                      [](const py::tuple& s) {
                        if (s.size() != 1) refuse("not the state of a DealDocument", "state");
                        return parse_text(s[0], py::str("pickled DealDocument"));
                      }));
}

}  // namespace stakecalc::python
