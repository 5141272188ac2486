// Python bindings of the cap table ledger, the platform portfolio, FX reports and proceeds
// distribution.
//
// Events are recorded through methods with readable keyword arguments. Each successful call is
// kept in a journal of (method, arguments); a Ledger pickles as its journal and unpickles by
// replaying it, so the pickled form is plain Python data and the replay re-validates everything.
// Views (CapTable, HolderHistory, Portfolio, Distribution) are data: rows (dicts) plus attributes,
// with to_records() and to_pandas() (pandas imported only when asked for).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <functional>
#include <map>

#include "convert.hpp"
#include "stakecalc/distribution.hpp"
#include "stakecalc/fx_table.hpp"
#include "stakecalc/ledger.hpp"
#include "stakecalc/platform.hpp"

namespace stakecalc::python {

namespace {

// ---- views ------------------------------------------------------------------------------------

template <int Tag>
struct view {
  py::dict meta;
  py::list rows;
  std::vector<std::string> columns;
};

py::list copy_rows(const py::list& rows) {
  py::list out;
  for (auto r : rows) out.append(py::dict(py::reinterpret_borrow<py::dict>(r)));
  return out;
}

template <int Tag>
void bind_view(py::module_& m, const char* name, const char* doc) {
  using V = view<Tag>;
  py::class_<V>(m, name, doc)
      .def("to_records", [](const V& v) { return copy_rows(v.rows); }, "The rows as a list of dicts (copies).")
      .def(
          "to_pandas",
          [](const V& v) {
            py::module_ pandas = py::module_::import("pandas");
            py::list cols;
            for (const auto& c : v.columns) cols.append(c);
            return pandas.attr("DataFrame")(copy_rows(v.rows), py::arg("columns") = cols);
          },
          "The rows as a pandas DataFrame (imports pandas).")
      .def_property_readonly("meta", [](const V& v) { return py::dict(v.meta); }, "The view's attributes as a dict.")
      .def_property_readonly("columns", [](const V& v) { return v.columns; })
      .def("__len__", [](const V& v) { return v.rows.size(); })
      .def("__iter__", [](const V& v) { return copy_rows(v.rows).attr("__iter__")(); })
      .def("__getitem__",
           [](const V& v, py::ssize_t i) {
             py::ssize_t n = static_cast<py::ssize_t>(v.rows.size());
             if (i < 0) i += n;
             if (i < 0 || i >= n) throw py::index_error("row index out of range");
             return py::dict(py::reinterpret_borrow<py::dict>(v.rows[static_cast<std::size_t>(i)]));
           })
      .def("__getattr__",
           [](const V& v, const std::string& key) -> py::object {
             if (v.meta.contains(key)) return v.meta[key.c_str()];
             throw py::attribute_error("'" + key + "' is not an attribute of this view");
           })
      .def("__repr__",
           [name](const V& v) {
             return "<" + std::string(name) + " with " + std::to_string(v.rows.size()) + " rows>";
           })
      .def(py::pickle([](const V& v) { return py::make_tuple(v.meta, v.rows, v.columns); },
                      [](const py::tuple& t) {
                        if (t.size() != 3) throw invalid_input("bad pickled view state", "view");
                        return V{t[0].cast<py::dict>(), t[1].cast<py::list>(), t[2].cast<std::vector<std::string>>()};
                      }));
}

using cap_table_view = view<0>;
using history_view = view<1>;
using portfolio_view = view<2>;
using distribution_view = view<3>;

py::object opt_money(const std::optional<money>& m) { return m ? from_decimal(m->amount()) : py::none(); }
py::object opt_date(const std::optional<date>& d) { return d ? from_date(*d) : py::none(); }
std::string code(const money& m) { return std::string(m.currency().code()); }

// ---- arguments ----------------------------------------------------------------------------------

bool given(const py::dict& a, const char* k) { return a.contains(k) && !a[k].is_none(); }

// An amount: a Money (its currency is checked by the ledger) or a Decimal/int/str in `cur`.
money amount_arg(py::handle v, const std::string& field, currency cur) {
  if (py::isinstance<money>(v)) return v.cast<money>();
  return money(to_decimal(v, field), cur);
}

// {"li": Fraction(1, 2), ...} or [("li", "1/2"), ...] -> shares.
std::vector<share_of> shares_arg(py::handle v, const std::string& field) {
  std::vector<share_of> out;
  if (v.is_none()) return out;
  if (py::isinstance<py::dict>(v)) {
    for (auto item : py::reinterpret_borrow<py::dict>(v)) {
      std::string id = to_string(item.first, field);
      out.push_back({id, to_ratio(item.second, field + "[" + id + "]")});
    }
    return out;
  }
  std::size_t i = 0;
  for (auto item : py::reinterpret_borrow<py::iterable>(v)) {
    std::string f = field + "[" + std::to_string(i++) + "]";
    auto pair = py::reinterpret_borrow<py::sequence>(item);
    if (pair.size() != 2) throw invalid_input("expected an (id, share) pair, got " + describe(item), f);
    out.push_back({to_string(pair[0], f), to_ratio(pair[1], f)});
  }
  return out;
}

share_class class_arg(py::handle v, const std::string& field) {
  return v.is_none() ? share_class::common : parse_share_class(to_string(v, field), field);
}

std::vector<py::dict> dict_list(py::handle v, const std::string& field) {
  std::vector<py::dict> out;
  if (v.is_none()) return out;
  std::size_t i = 0;
  for (auto item : py::reinterpret_borrow<py::iterable>(v)) {
    if (!py::isinstance<py::dict>(item))
      throw invalid_input("expected a dict, got " + describe(item), field + "[" + std::to_string(i) + "]");
    out.push_back(py::reinterpret_borrow<py::dict>(item));
    ++i;
  }
  return out;
}

py::object get(const py::dict& d, const char* k) { return d.contains(k) ? py::object(d[k]) : py::object(py::none()); }

// ---- the ledger ---------------------------------------------------------------------------------

struct py_ledger {
  ledger core;
  py::list journal;  // (method, arguments) of every successful call

  currency currency_of(const std::string& company_id) const {
    return core.has_company(company_id) ? core.current(company_id).company.currency : currency();
  }
};

using handler = std::function<py::object(py_ledger&, const py::dict&)>;

py::object record(py_ledger& l, const py::dict& a, event_body body) {
  event e{to_date(a["on"], "on"), std::move(body), given(a, "note") ? to_string(a["note"], "note") : std::string()};
  return py::int_(l.core.record(std::move(e)));
}

const std::map<std::string, handler>& handlers() {
  static const std::map<std::string, handler> table = {
      {"add_holder",
       [](py_ledger& l, const py::dict& a) -> py::object {
         holder h;
         h.id = to_string(a["id"], "id");
         h.kind = parse_holder_kind(to_string(a["kind"], "kind"));
         h.name = given(a, "name") ? to_string(a["name"], "name") : h.id;
         if (given(a, "beneficiaries"))
           for (auto b : py::reinterpret_borrow<py::iterable>(a["beneficiaries"]))
             h.beneficiaries.push_back(to_string(b, "beneficiaries"));
         l.core.add_holder(std::move(h));
         return py::none();
       }},
      {"incorporate",
       [](py_ledger& l, const py::dict& a) -> py::object {
         company c;
         c.id = to_string(a["company"], "company");
         c.name = given(a, "name") ? to_string(a["name"], "name") : c.id;
         c.form = parse_legal_form(to_string(a["form"], "form"), "form");
         c.currency = to_currency(a["currency"], "currency");
         c.par_value = to_decimal(a["par_value"], "par_value");
         incorporation inc{c, {}};
         auto subs = dict_list(a["subscriptions"], "subscriptions");
         for (std::size_t i = 0; i < subs.size(); ++i) {
           std::string f = "subscriptions[" + std::to_string(i) + "]";
           const py::dict& s = subs[i];
           inc.subscriptions.push_back(subscription{to_string(get(s, "holder"), f + ".holder"),
                                                    to_decimal(get(s, "units"), f + ".units"),
                                                    amount_arg(get(s, "paid"), f + ".paid", c.currency),
                                                    class_arg(get(s, "share_class"), f + ".share_class"),
                                                    shares_arg(get(s, "on_behalf_of"), f + ".on_behalf_of")});
         }
         return record(l, a, inc);
       }},
      {"contribute_achievement",
       [](py_ledger& l, const py::dict& a) -> py::object {
         std::string cid = to_string(a["company"], "company");
         currency cur = l.currency_of(cid);
         achievement_contribution c{cid,
                                    amount_arg(a["appraised_value"], "appraised_value", cur),
                                    to_ratio(a["team_share"], "team_share"),
                                    shares_arg(a["team_members"], "team_members"),
                                    given(a, "institution") ? to_string(a["institution"], "institution") : "",
                                    given(a, "platform") ? to_string(a["platform"], "platform") : "",
                                    std::nullopt,
                                    class_arg(a["share_class"], "share_class")};
         if (given(a, "pre_money")) c.pre_money = amount_arg(a["pre_money"], "pre_money", cur);
         return record(l, a, c);
       }},
      {"financing_round",
       [](py_ledger& l, const py::dict& a) -> py::object {
         std::string cid = to_string(a["company"], "company");
         currency cur = l.currency_of(cid);
         financing_round r;
         r.company_id = cid;
         r.label = given(a, "label") ? to_string(a["label"], "label") : "";
         if (given(a, "pre_money")) r.pre_money = amount_arg(a["pre_money"], "pre_money", cur);
         if (given(a, "price_per_unit")) r.price_per_unit = amount_arg(a["price_per_unit"], "price_per_unit", cur);
         r.cls = class_arg(a["share_class"], "share_class");
         std::string rule = to_string(a["remainder"], "remainder");
         if (rule == "capital_reserve")
           r.remainder = remainder_rule::capital_reserve;
         else if (rule == "refund")
           r.remainder = remainder_rule::refund;
         else
           throw invalid_input("unknown remainder rule '" + rule + "' (expected capital_reserve or refund)", "remainder");
         auto invs = dict_list(a["investments"], "investments");
         for (std::size_t i = 0; i < invs.size(); ++i) {
           std::string f = "investments[" + std::to_string(i) + "]";
           r.investments.push_back(investment{to_string(get(invs[i], "holder"), f + ".holder"),
                                              amount_arg(get(invs[i], "amount"), f + ".amount", cur),
                                              shares_arg(get(invs[i], "on_behalf_of"), f + ".on_behalf_of")});
         }
         return record(l, a, r);
       }},
      {"transfer",
       [](py_ledger& l, const py::dict& a) -> py::object {
         std::string cid = to_string(a["company"], "company");
         currency cur = l.currency_of(cid);
         return record(l, a,
                       transfer{cid, to_string(a["seller"], "seller"), to_string(a["buyer"], "buyer"),
                                to_decimal(a["units"], "units"), amount_arg(a["price"], "price", cur),
                                class_arg(a["share_class"], "share_class"),
                                shares_arg(a["buyer_on_behalf_of"], "buyer_on_behalf_of")});
       }},
      {"repurchase",
       [](py_ledger& l, const py::dict& a) -> py::object {
         std::string cid = to_string(a["company"], "company");
         currency cur = l.currency_of(cid);
         repurchase r{cid, to_string(a["seller"], "seller"), {}, class_arg(a["share_class"], "share_class")};
         auto ps = dict_list(a["purchases"], "purchases");
         for (std::size_t i = 0; i < ps.size(); ++i) {
           std::string f = "purchases[" + std::to_string(i) + "]";
           py::object buyer = get(ps[i], "buyer");
           r.purchases.push_back(purchase{buyer.is_none() ? std::string() : to_string(buyer, f + ".buyer"),
                                          to_decimal(get(ps[i], "units"), f + ".units"),
                                          amount_arg(get(ps[i], "price"), f + ".price", cur)});
         }
         return record(l, a, r);
       }},
      {"capital_reduction",
       [](py_ledger& l, const py::dict& a) -> py::object {
         std::string cid = to_string(a["company"], "company");
         currency cur = l.currency_of(cid);
         capital_reduction r{cid, {}};
         auto rs = dict_list(a["reductions"], "reductions");
         for (std::size_t i = 0; i < rs.size(); ++i) {
           std::string f = "reductions[" + std::to_string(i) + "]";
           r.reductions.push_back(reduction{to_string(get(rs[i], "holder"), f + ".holder"),
                                            to_decimal(get(rs[i], "units"), f + ".units"),
                                            amount_arg(get(rs[i], "payment"), f + ".payment", cur),
                                            class_arg(get(rs[i], "share_class"), f + ".share_class")});
         }
         return record(l, a, r);
       }},
      {"share_split",
       [](py_ledger& l, const py::dict& a) -> py::object {
         return record(l, a, share_split{to_string(a["company"], "company"), to_ratio(a["factor"], "factor")});
       }},
      {"dividend",
       [](py_ledger& l, const py::dict& a) -> py::object {
         std::string cid = to_string(a["company"], "company");
         dividend d{cid, amount_arg(a["amount"], "amount", l.currency_of(cid)), std::nullopt};
         if (given(a, "share_class")) d.cls = class_arg(a["share_class"], "share_class");
         return record(l, a, d);
       }},
      {"equity_to_debt_exit",
       [](py_ledger& l, const py::dict& a) -> py::object {
         std::string cid = to_string(a["company"], "company");
         return record(l, a,
                       equity_to_debt_exit{cid, to_string(a["holder"], "holder"),
                                           amount_arg(a["principal"], "principal", l.currency_of(cid)),
                                           shares_arg(a["recipients"], "recipients")});
       }},
  };
  return table;
}

// Runs one journaled call; appended to the journal only when it succeeds.
py::object call(py_ledger& l, const std::string& method, py::dict args) {
  auto it = handlers().find(method);
  if (it == handlers().end()) throw invalid_input("unknown ledger method '" + method + "'", "journal");
  py::object result = it->second(l, args);
  // A deep copy: a caller mutating its lists later must not change what was recorded.
  l.journal.append(py::make_tuple(method, py::module_::import("copy").attr("deepcopy")(args)));
  return result;
}

py::dict cap_table_meta(const cap_table& t) {
  py::dict meta;
  meta["company"] = t.company.id;
  meta["name"] = t.company.name;
  meta["legal_form"] = to_string(t.company.form);
  meta["currency"] = std::string(t.company.currency.code());
  meta["as_of"] = opt_date(t.as_of);
  meta["total_units"] = from_decimal(t.total_units);
  meta["registered_capital"] = from_decimal(t.registered_capital().amount());
  meta["capital_reserve"] = from_decimal(t.capital_reserve.amount());
  meta["mark_price"] = t.mark ? from_ratio(t.mark->price_per_unit) : py::none();
  meta["mark_date"] = t.mark ? from_date(t.mark->on) : py::none();
  meta["mark_source"] = t.mark ? py::object(py::str(t.mark->source)) : py::object(py::none());
  return meta;
}

cap_table_view make_cap_table_view(const cap_table& t, const date& on) {
  cap_table_view v;
  v.meta = cap_table_meta(t);
  v.meta["on"] = from_date(on);
  v.columns = {"holder", "share_class", "units", "ownership", "cost", "mark_value", "currency"};
  for (const auto& line : t.lines()) {
    py::dict r;
    r["holder"] = line.holder;
    r["share_class"] = to_string(line.cls);
    r["units"] = from_decimal(line.units);
    r["ownership"] = from_ratio(line.ownership);
    r["cost"] = from_decimal(line.cost.amount());
    r["mark_value"] = opt_money(line.mark_value);
    r["currency"] = code(line.cost);
    v.rows.append(r);
  }
  return v;
}

py::dict portfolio_row(const portfolio_line& line) {
  py::dict r;
  r["company"] = line.company_id;
  r["beneficiary"] = line.beneficiary.empty() ? py::object(py::none()) : py::object(py::str(line.beneficiary));
  r["currency"] = code(line.cost);
  r["units"] = from_decimal(line.units);
  r["ownership"] = from_ratio(line.ownership);
  r["cost"] = from_decimal(line.cost.amount());
  r["mark_value"] = opt_money(line.mark_value);
  r["unrealised_gain"] = opt_money(line.unrealised_gain);
  r["realised_gain"] = from_decimal(line.realised_gain.amount());
  r["proceeds"] = from_decimal(line.proceeds.amount());
  r["dividends"] = from_decimal(line.dividends.amount());
  r["mark_date"] = opt_date(line.mark_date);
  r["mark_source"] = line.mark_source;
  return r;
}

}  // namespace

void bind_ledger(py::module_& m) {
  bind_view<0>(m, "CapTable", "A company's cap table on a date: one row per holder and share class.");
  bind_view<1>(m, "HolderHistory", "Every change to a holder's positions, in event order.");
  bind_view<2>(m, "Portfolio", "A platform's portfolio on a date, per company or per beneficiary institution.");
  bind_view<3>(m, "Distribution", "Proceeds split into deductions and shares that reconcile to the gross.");

  py::class_<fx_table>(m, "FxTable", "Explicit exchange-rate quotes for reports: 1 base = rate quote.")
      .def(py::init<>())
      .def(
          "add",
          [](fx_table& fx, py::handle base, py::handle quote, py::handle rate, py::handle as_of, const std::string& src) {
            fx.add(to_currency(base, "base"), to_currency(quote, "quote"), to_decimal(rate, "rate"),
                   to_date(as_of, "as_of"), src);
          },
          py::arg("base"), py::arg("quote"), py::arg("rate"), py::arg("as_of"), py::arg("source") = "")
      .def(
          "convert",
          [](const fx_table& fx, const money& amount, py::handle to, py::handle on, py::handle mode) {
            fx_conversion c = fx.convert(amount, to_currency(to, "to"), to_date(on, "on"), to_rounding(mode));
            return py::make_tuple(c.converted, c.rate.describe());
          },
          py::arg("amount"), py::arg("to"), py::arg("on"), py::arg("mode") = "HALF_EVEN",
          "Converts a Money; returns (converted Money, description of the rate used).")
      .def(py::pickle(
          [](const fx_table& fx) {
            py::list q;
            for (const auto& x : fx.quotes())
              q.append(py::make_tuple(std::string(x.base.code()), std::string(x.quote.code()), from_decimal(x.rate),
                                      from_date(x.as_of), x.source));
            return q;
          },
          [](const py::list& q) {
            fx_table fx;
            for (auto item : q) {
              auto t = py::reinterpret_borrow<py::tuple>(item);
              fx.add(to_currency(t[0]), to_currency(t[1]), to_decimal(t[2], "rate"), to_date(t[3], "as_of"),
                     t[4].cast<std::string>());
            }
            return fx;
          }));

  auto cls = py::class_<py_ledger>(m, "Ledger",
                                   "The dated events of every company's equity; each validated when recorded.");
  cls.def(py::init<>());
  cls.def(
      "add_holder",
      [](py_ledger& l, py::object id, py::object kind, py::object name, py::object beneficiaries) {
        py::dict a;
        a["id"] = id;
        a["kind"] = kind;
        a["name"] = name;
        a["beneficiaries"] = beneficiaries;
        call(l, "add_holder", a);
      },
      py::arg("id"), py::arg("kind"), py::arg("name") = py::none(), py::arg("beneficiaries") = py::none(),
      "Registers a holder: kind is institution, platform, team_member, fund or investor.");
  cls.def(
      "incorporate",
      [](py_ledger& l, py::object on, py::object company, py::object form, py::object currency, py::object name,
         py::object par_value, py::object subscriptions, py::object note) {
        py::dict a;
        a["on"] = on;
        a["company"] = company;
        a["form"] = form;
        a["currency"] = currency;
        a["name"] = name;
        a["par_value"] = par_value;
        a["subscriptions"] = subscriptions;
        a["note"] = note;
        return call(l, "incorporate", a);
      },
      py::arg("on"), py::arg("company"), py::arg("form") = "limited_liability", py::arg("currency") = "CNY",
      py::arg("name") = py::none(), py::arg("par_value") = 1, py::arg("subscriptions") = py::none(),
      py::arg("note") = py::none(),
      "Incorporates a company; subscriptions are dicts {holder, units, paid, share_class?, on_behalf_of?}.");
  cls.def(
      "contribute_achievement",
      [](py_ledger& l, py::object on, py::object company, py::object appraised_value, py::object team_share,
         py::object team_members, py::object institution, py::object platform, py::object pre_money,
         py::object share_class_, py::object note) {
        py::dict a;
        a["on"] = on;
        a["company"] = company;
        a["appraised_value"] = appraised_value;
        a["team_share"] = team_share;
        a["team_members"] = team_members;
        a["institution"] = institution;
        a["platform"] = platform;
        a["pre_money"] = pre_money;
        a["share_class"] = share_class_;
        a["note"] = note;
        return call(l, "contribute_achievement", a);
      },
      py::arg("on"), py::arg("company"), py::arg("appraised_value"), py::arg("team_share"),
      py::arg("team_members") = py::none(), py::arg("institution") = py::none(), py::arg("platform") = py::none(),
      py::arg("pre_money") = py::none(), py::arg("share_class") = "common", py::arg("note") = py::none(),
      "An appraised achievement becomes capital, split team / institution (via the platform).");
  cls.def(
      "financing_round",
      [](py_ledger& l, py::object on, py::object company, py::object investments, py::object pre_money,
         py::object price_per_unit, py::object label, py::object share_class_, py::object remainder, py::object note) {
        py::dict a;
        a["on"] = on;
        a["company"] = company;
        a["investments"] = investments;
        a["pre_money"] = pre_money;
        a["price_per_unit"] = price_per_unit;
        a["label"] = label;
        a["share_class"] = share_class_;
        a["remainder"] = remainder;
        a["note"] = note;
        return call(l, "financing_round", a);
      },
      py::arg("on"), py::arg("company"), py::arg("investments"), py::arg("pre_money") = py::none(),
      py::arg("price_per_unit") = py::none(), py::arg("label") = "", py::arg("share_class") = "common",
      py::arg("remainder") = "capital_reserve", py::arg("note") = py::none(),
      "New money at a pre-money valuation or a price per unit; investments are dicts {holder, amount, on_behalf_of?}.");
  cls.def(
      "transfer",
      [](py_ledger& l, py::object on, py::object company, py::object seller, py::object buyer, py::object units,
         py::object price, py::object share_class_, py::object buyer_on_behalf_of, py::object note) {
        py::dict a;
        a["on"] = on;
        a["company"] = company;
        a["seller"] = seller;
        a["buyer"] = buyer;
        a["units"] = units;
        a["price"] = price;
        a["share_class"] = share_class_;
        a["buyer_on_behalf_of"] = buyer_on_behalf_of;
        a["note"] = note;
        return call(l, "transfer", a);
      },
      py::arg("on"), py::arg("company"), py::arg("seller"), py::arg("buyer"), py::arg("units"), py::arg("price"),
      py::arg("share_class") = "common", py::arg("buyer_on_behalf_of") = py::none(), py::arg("note") = py::none(),
      "A sale of units for a total price; the seller's weighted-average cost gives its realised gain.");
  cls.def(
      "repurchase",
      [](py_ledger& l, py::object on, py::object company, py::object seller, py::object purchases,
         py::object share_class_, py::object note) {
        py::dict a;
        a["on"] = on;
        a["company"] = company;
        a["seller"] = seller;
        a["purchases"] = purchases;
        a["share_class"] = share_class_;
        a["note"] = note;
        return call(l, "repurchase", a);
      },
      py::arg("on"), py::arg("company"), py::arg("seller"), py::arg("purchases"), py::arg("share_class") = "common",
      py::arg("note") = py::none(),
      "Team members (or the company, buyer None: units cancelled) buy the seller's units; purchases are dicts "
      "{buyer, units, price}.");
  cls.def(
      "capital_reduction",
      [](py_ledger& l, py::object on, py::object company, py::object reductions, py::object note) {
        py::dict a;
        a["on"] = on;
        a["company"] = company;
        a["reductions"] = reductions;
        a["note"] = note;
        return call(l, "capital_reduction", a);
      },
      py::arg("on"), py::arg("company"), py::arg("reductions"), py::arg("note") = py::none(),
      "Units cancelled and paid back; reductions are dicts {holder, units, payment, share_class?}.");
  cls.def(
      "share_split",
      [](py_ledger& l, py::object on, py::object company, py::object factor, py::object note) {
        py::dict a;
        a["on"] = on;
        a["company"] = company;
        a["factor"] = factor;
        a["note"] = note;
        return call(l, "share_split", a);
      },
      py::arg("on"), py::arg("company"), py::arg("factor"), py::arg("note") = py::none());
  cls.def(
      "dividend",
      [](py_ledger& l, py::object on, py::object company, py::object amount, py::object share_class_, py::object note) {
        py::dict a;
        a["on"] = on;
        a["company"] = company;
        a["amount"] = amount;
        a["share_class"] = share_class_;
        a["note"] = note;
        return call(l, "dividend", a);
      },
      py::arg("on"), py::arg("company"), py::arg("amount"), py::arg("share_class") = py::none(),
      py::arg("note") = py::none(), "A cash dividend allocated by units without losing a cent.");
  cls.def(
      "equity_to_debt_exit",
      [](py_ledger& l, py::object on, py::object company, py::object holder_, py::object principal,
         py::object recipients, py::object note) {
        py::dict a;
        a["on"] = on;
        a["company"] = company;
        a["holder"] = holder_;
        a["principal"] = principal;
        a["recipients"] = recipients;
        a["note"] = note;
        return call(l, "equity_to_debt_exit", a);
      },
      py::arg("on"), py::arg("company"), py::arg("holder"), py::arg("principal"), py::arg("recipients") = py::none(),
      py::arg("note") = py::none(),
      "The holder leaves: its units go to recipients ({id: share}) or are cancelled; principal becomes a debt.");
  cls.def("__len__", [](const py_ledger& l) { return l.core.size(); });
  cls.def("companies", [](const py_ledger& l) { return l.core.company_ids(); });
  cls.def("journal", [](const py_ledger& l) { return py::list(l.journal); },
          "Every successful call as (method, arguments): what pickling stores and replays.");
  cls.def(
      "cap_table",
      [](const py_ledger& l, py::object company, py::object on) {
        std::string cid = to_string(company, "company");
        date d = to_date(on, "on");
        return make_cap_table_view(l.core.cap_table_on(cid, d), d);
      },
      py::arg("company"), py::arg("on"), "The cap table after every event of the company dated on or before `on`.");
  cls.def(
      "holder_history",
      [](const py_ledger& l, py::object holder_id) {
        history_view v;
        std::string id = to_string(holder_id, "holder");
        v.meta["holder"] = id;
        v.columns = {"event_index", "on", "kind", "company", "holder", "share_class", "beneficiary", "units_change",
                     "units_after", "cash", "realised_gain", "currency"};
        for (const auto& mv : l.core.holder_history(id)) {
          py::dict r;
          r["event_index"] = mv.event_index;
          r["on"] = from_date(mv.on);
          r["kind"] = mv.kind;
          r["company"] = mv.company_id;
          r["holder"] = mv.holder;
          r["share_class"] = to_string(mv.cls);
          r["beneficiary"] = mv.beneficiary.empty() ? py::object(py::none()) : py::object(py::str(mv.beneficiary));
          r["units_change"] = from_decimal(mv.units_change);
          r["units_after"] = from_decimal(mv.units_after);
          r["cash"] = from_decimal(mv.cash.amount());
          r["realised_gain"] = from_decimal(mv.realised_gain.amount());
          r["currency"] = code(mv.cash);
          v.rows.append(r);
        }
        return v;
      },
      py::arg("holder"));
  cls.def(
      "portfolio",
      [](const py_ledger& l, py::object platform, py::object on, py::object by, py::object reporting_currency,
         const fx_table* fx, py::object mode) {
        date d = to_date(on, "on");
        platform_portfolio p = portfolio_on(l.core, to_string(platform, "platform"), d);
        std::string grouping = to_string(by, "by");
        if (grouping != "company" && grouping != "beneficiary")
          throw invalid_input("unknown grouping '" + grouping + "' (expected company or beneficiary)", "by");
        const auto& lines = grouping == "company" ? p.by_company : p.by_beneficiary;
        portfolio_view v;
        v.meta["platform"] = p.platform;
        v.meta["on"] = from_date(d);
        v.meta["by"] = grouping;
        v.columns = {"company", "beneficiary", "currency", "units", "ownership", "cost", "mark_value",
                     "unrealised_gain", "realised_gain", "proceeds", "dividends", "mark_date", "mark_source"};
        if (reporting_currency.is_none()) {
          for (const auto& line : lines) v.rows.append(portfolio_row(line));
          return v;
        }
        if (!fx) throw invalid_input("a reporting currency needs an FxTable", "fx");
        currency to = to_currency(reporting_currency, "reporting_currency");
        converted_portfolio c = convert_lines(lines, *fx, to, d, to_rounding(mode));
        for (const char* col : {"reporting_currency", "cost_reporting", "mark_value_reporting",
                                "unrealised_gain_reporting", "realised_gain_reporting", "dividends_reporting",
                                "fx_rate", "fx_factor"})
          v.columns.push_back(col);
        for (const auto& cl : c.lines) {
          py::dict r = portfolio_row(cl.line);
          r["reporting_currency"] = std::string(to.code());
          r["cost_reporting"] = from_decimal(cl.cost.amount());
          r["mark_value_reporting"] = opt_money(cl.mark_value);
          r["unrealised_gain_reporting"] = opt_money(cl.unrealised_gain);
          r["realised_gain_reporting"] = from_decimal(cl.realised_gain.amount());
          r["dividends_reporting"] = from_decimal(cl.dividends.amount());
          r["fx_rate"] = cl.rate.describe();
          r["fx_factor"] = from_ratio(cl.rate.factor);
          v.rows.append(r);
        }
        v.meta["reporting_currency"] = std::string(to.code());
        v.meta["total_cost"] = from_decimal(c.total_cost.amount());
        v.meta["total_mark_value"] = from_decimal(c.total_mark_value.amount());
        v.meta["total_realised_gain"] = from_decimal(c.total_realised_gain.amount());
        v.meta["total_dividends"] = from_decimal(c.total_dividends.amount());
        return v;
      },
      py::arg("platform"), py::arg("on"), py::arg("by") = "company", py::arg("reporting_currency") = py::none(),
      py::arg("fx") = nullptr, py::arg("mode") = "HALF_EVEN",
      "The platform's portfolio on a date, by company or by beneficiary institution; with reporting_currency "
      "and fx, every amount is also converted and each row names the rate it used.");
  cls.def(py::pickle([](const py_ledger& l) { return py::list(l.journal); },
                     [](const py::list& journal) {
                       py_ledger l;
                       for (auto item : journal) {
                         auto t = py::reinterpret_borrow<py::tuple>(item);
                         call(l, t[0].cast<std::string>(), t[1].cast<py::dict>());
                       }
                       return l;
                     }));

  m.def(
      "distribute",
      [](const money& gross, py::object shares, py::object deductions, py::object team_floor, py::object rounding_) {
        distribution_rules rules;
        auto ss = dict_list(shares, "shares");
        for (std::size_t i = 0; i < ss.size(); ++i) {
          std::string f = "shares[" + std::to_string(i) + "]";
          py::object team = get(ss[i], "team");
          rules.shares.push_back(recipient_share{to_string(get(ss[i], "name"), f + ".name"),
                                                 to_ratio(get(ss[i], "share"), f + ".share"),
                                                 !team.is_none() && team.cast<bool>()});
        }
        auto ds = dict_list(deductions, "deductions");
        for (std::size_t i = 0; i < ds.size(); ++i) {
          std::string f = "deductions[" + std::to_string(i) + "]";
          deduction d{to_string(get(ds[i], "name"), f + ".name"), std::nullopt, std::nullopt};
          py::object amt = get(ds[i], "amount"), frac = get(ds[i], "fraction_of_gross");
          if (!amt.is_none()) d.amount = amount_arg(amt, f + ".amount", gross.currency());
          if (!frac.is_none()) d.fraction_of_gross = to_ratio(frac, f + ".fraction_of_gross");
          rules.deductions.push_back(std::move(d));
        }
        if (!team_floor.is_none()) rules.team_floor = to_ratio(team_floor, "team_floor");
        rules.deduction_rounding = to_rounding(rounding_, "rounding");
        distribution_result r = distribute(gross, rules);
        distribution_view v;
        v.columns = {"name", "kind", "amount", "currency", "basis"};
        v.meta["gross"] = from_decimal(r.gross.amount());
        v.meta["net"] = from_decimal(r.net.amount());
        v.meta["currency"] = code(r.gross);
        for (const auto* group : {&r.deductions, &r.shares})
          for (const auto& line : *group) {
            py::dict row;
            row["name"] = line.name;
            row["kind"] = group == &r.deductions ? "deduction" : "share";
            row["amount"] = from_decimal(line.amount.amount());
            row["currency"] = code(line.amount);
            row["basis"] = line.basis;
            v.rows.append(row);
          }
        return v;
      },
      py::arg("gross"), py::arg("shares"), py::arg("deductions") = py::none(), py::arg("team_floor") = py::none(),
      py::arg("rounding") = "HALF_UP",
      "Splits gross proceeds: deductions ({name, amount | fraction_of_gross}) first, then the net by shares "
      "({name, share, team?}); team_floor=Fraction(1, 2) enforces the statutory minimum for the team.");
}

}  // namespace stakecalc::python
