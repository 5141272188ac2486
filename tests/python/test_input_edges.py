"""Inputs that once escaped as the wrong exception or changed a result (found by fuzzing, issue 8).

Each must be a stakecalc error whose message Python can print, and results must not depend on the
process's locale.
"""
import datetime as dt
import json
import os
import pathlib
import subprocess
import sys
import time
from decimal import Decimal
from fractions import Fraction

import pytest

import stakecalc


@pytest.mark.parametrize("make", [
    lambda: stakecalc.Money("100€"),                    # a multi-byte character after the digits
    lambda: stakecalc.Calendar.from_json("é"),          # a JSON syntax error at a two-byte character
    lambda: stakecalc.calendar("中" * 20),              # a long name cut in the message
])
def test_a_multibyte_character_in_bad_input_gives_a_printable_error(make):
    with pytest.raises(stakecalc.InvalidInput) as caught:
        make()
    str(caught.value).encode("utf-8")  # the message is text, not a UnicodeDecodeError


def test_a_json_number_too_large_for_a_double_is_invalid_input():
    with pytest.raises(stakecalc.InvalidInput):
        stakecalc.RateTable.from_json('{"name": "X", "unit": "percent", "fixings": [{"date": "2024-01-01", "rate": 1e400}]}')


def test_the_irr_guess_reads_the_same_under_a_comma_decimal_locale():
    # -100 + 230 v - 132 v^2 = 0 at 1 + r = 1.1 and 1.2: from the guess 25% the nearer root is 20%.
    # Under de_DE the guess was once read as 0 (strtod stops at '.'), which picked 10%.
    if "de_DE.utf8" not in subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout:
        why = "the de_DE.UTF-8 locale is not installed (scripts/bootstrap --tests generates it)"
        if os.environ.get("STAKECALC_REQUIRE_ENGINES") == "1":
            pytest.fail(why)
        pytest.skip(why)
    code = ("import locale, stakecalc; locale.setlocale(locale.LC_ALL, 'de_DE.UTF-8'); "
            "print(stakecalc.irr([-100, 230, -132], guess='0.25'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert Decimal(out) == Decimal("0.2")
    assert stakecalc.irr([-100, 230, -132], guess="0.25") == Decimal("0.2")


# ==== A systematic sweep of hostile inputs (issue: "wrong types, None, float inputs, NaN and infinities,
# enormous numbers and lists: a Python exception, never an interpreter crash") =========================
#
# _cases() is a table of the public callables that take user values, each with good arguments. For every
# argument position (positional and keyword), each hostile value replaces the good one, in turn, and
# for list and mapping arguments also as an element or a value inside them. The call (and, when it
# succeeds, repr/str of the result and the result's lazy parts such as a loan's schedule) must either
# succeed or raise an Exception that is not SystemError, with a message str() can produce.
#
# The sweep runs in a child interpreter (test_hostile_inputs_never_crash_the_interpreter), so that a
# segfault or abort fails the test instead of killing pytest; the child writes each call's label to a
# progress file before making it, and a watchdog (faulthandler) ends it when a call hangs, so a crash or
# hang names the call; the parent then starts a new child after that call and reports them all.

D0 = dt.date(2021, 1, 1)
SAMPLES = pathlib.Path(os.environ.get("STAKECALC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]),
                       "examples", "data")


def _sample_text(name="anhui-repurchase.json"):
    return (SAMPLES / name).read_text(encoding="utf-8")


def _ledger():
    book = stakecalc.Ledger()
    for h, kind in [("ustc", "institution"), ("li", "team_member"), ("fund", "fund"), ("vc", "investor")]:
        book.add_holder(h, kind)
    book.add_holder("plat", "platform", beneficiaries=["ustc"])
    book.incorporate(D0, "co", subscriptions=[{"holder": "li", "units": 600, "paid": 600},
                                              {"holder": "plat", "units": 300, "paid": 300,
                                               "on_behalf_of": {"ustc": 1}},
                                              {"holder": "fund", "units": 100, "paid": 100}])
    return book


def _investment():
    return stakecalc.Investment(D0, Decimal("1000000.00"), 1000000)


def _terms():
    window = stakecalc.RepurchaseWindow(stakecalc.PriceFormula.simple_interest(Decimal("0.02")), until="5Y")
    return stakecalc.RepurchaseTerms(_investment(), [window])


def _conversion():
    return stakecalc.EquityToDebtTerms(
        debtors=[("company", 1, True)], principal=stakecalc.PriceFormula.at_cost(),
        loan={"rate": Decimal("0.06"), "periods": 1, "frequency": "1Y", "repayment": "bullet"})


def _deal():
    return stakecalc.ExitDeal(_terms(), market_rate=Decimal("0.08"), conversion=_conversion(),
                              company_units=10000000, team_units=6000000)


def _loan(**kw):
    args = dict(periods=12)
    args.update(kw)
    return stakecalc.Loan(Decimal("100000.00"), Decimal("0.04"), D0, **args)


def _call(fn_name, receiver):
    """A function calling the method `fn_name` of a fresh receiver (built for every call: a refused
    call must not depend on what an earlier one did to a shared ledger)."""
    def call(*args, **kwargs):
        return getattr(receiver(), fn_name)(*args, **kwargs)
    return call


def _cases():
    """(label, function, args, kwargs): good arguments, each position of which the sweep replaces."""
    sc, excel = stakecalc, stakecalc.excel
    dates = [D0, dt.date(2022, 1, 1)]
    tranche = [sc.Tranche(dt.date(2023, 1, 1), "li", proportion=Fraction(1, 2))]
    money = lambda: sc.Money("100.00")  # noqa: E731
    cal = lambda: sc.Calendar("X")  # noqa: E731
    table = lambda: sc.RateTable("MY", [(D0, Decimal("0.04"))])  # noqa: E731
    doc = lambda: sc.DealDocument.parse(_sample_text())  # noqa: E731
    fx = lambda: sc.FxTable()  # noqa: E731
    m = _call
    return [
        # numbers
        ("Money", sc.Money, ("100.00", "CNY"), {}),
        ("Money.allocate", m("allocate", money), ([1, 2],), {}),
        ("Money.round", m("round", money), ("HALF_UP",), {}),
        ("Money.__mul__", m("__mul__", money), (Decimal("1.5"),), {}),
        ("Money.__add__", m("__add__", money), (sc.Money("1"),), {}),
        ("Money.__lt__", m("__lt__", money), (sc.Money("1"),), {}),
        ("Money.__eq__", m("__eq__", money), (sc.Money("1"),), {}),
        ("round", sc.round, ("1.005", 2, "HALF_UP"), {}),
        ("divide", sc.divide, (1, 7, 28, "HALF_EVEN"), {}),
        ("allocate", sc.allocate, ("100.00", [1, 1, 1], 2), {}),
        ("minor_units", sc.minor_units, ("CNY",), {}),
        # time
        ("day_count", sc.day_count, ("ACT/360", D0, dates[1]), {"termination": dates[1]}),
        ("year_fraction", sc.year_fraction, ("ACT/ACT ICMA", D0, dates[1]),
         {"ref_start": D0, "ref_end": dates[1]}),
        ("calendar", sc.calendar, ("CN",), {}),
        ("Calendar", sc.Calendar, ("X",), {"weekend": (5, 6), "holidays": [dates[1]], "working_days": []}),
        ("Calendar.from_json", sc.Calendar.from_json, ('{"name": "X", "weekend": [5, 6], "holidays": []}',), {}),
        ("Calendar.adjust", m("adjust", cal), (D0, "FOLLOWING"), {}),
        ("Calendar.advance", m("advance", cal), (D0, "1M", "FOLLOWING"), {"end_of_month": False}),
        ("Calendar.business_days_between", m("business_days_between", cal), (D0, dates[1]), {}),
        ("Calendar.holidays", m("holidays", lambda: sc.calendar("CN")), (2024,), {}),
        ("Calendar.with_holidays", m("with_holidays", cal), ([D0],), {}),
        ("Calendar.merged", m("merged", cal), ("CN",), {}),
        ("schedule", sc.schedule, (D0, dt.date(2022, 6, 30), "3M"),
         {"calendar": "WEEKENDS", "convention": "FOLLOWING", "rule": "FORWARD", "first_date": None}),
        # cash flows and the spreadsheet functions
        ("xnpv", sc.xnpv, ("0.09", [-100, 110], dates), {"day_count": "ACT/365F"}),
        ("xirr", sc.xirr, ([-100, 110], dates), {"guess": "0.1", "day_count": "ACT/365F"}),
        ("npv", sc.npv, ("0.1", [-100, 60, 60]), {}),
        ("irr", sc.irr, ([-100, 60, 60],), {"guess": "0.1"}),
        ("multiple", sc.multiple, ([-100, 60, 60],), {}),
        ("payback_date", sc.payback_date, ([-100, 110], dates), {}),
        ("excel.pmt", excel.pmt, ("0.01", 12, 1000, 0, 0), {}),
        ("excel.fv", excel.fv, ("0.01", 12, -100, -100, 1), {}),
        ("excel.nper", excel.nper, ("0.01", -100, -1000, 10000, 1), {}),
        ("excel.rate", excel.rate, (48, -200, 8000), {}),
        ("excel.npv", excel.npv, ("0.1", -10000, [3000, 4200], 6800), {}),
        ("excel.irr", excel.irr, ([-70000, 12000, 15000, 18000, 21000, 26000],), {}),
        ("excel.xirr", excel.xirr, ([-100, 110], dates), {}),
        ("excel.yearfrac", excel.yearfrac, (D0, dates[1], 1), {}),
        ("excel.edate", excel.edate, (D0, 1), {}),
        ("excel.effect", excel.effect, ("0.0525", 4), {}),
        # loans
        ("Loan", sc.Loan, (Decimal("100000.00"), Decimal("0.04"), D0),
         {"periods": 12, "frequency": "1M", "repayment": "annuity", "day_count": "ACT/360", "rounding": "HALF_UP",
          "grace_periods": 1, "currency": "CNY", "interest_basis": "DAY_COUNT", "penalty_markup": "0.5"}),
        ("Loan(floating)", sc.Loan, (Decimal("100000.00"), None, D0),
         {"periods": 12, "benchmark": "LPR-1Y", "spread": "0.001", "reset": "3M", "floor": "0.01", "cap": "0.2",
          "multiplier": 1}),
        ("Loan(schedule)", sc.Loan, (Decimal("1000.00"), Decimal("0.04"), D0),
         {"maturity": dates[1], "repayment": "explicit",
          "principal_schedule": [(dt.date(2021, 7, 1), Decimal("500.00"))],
          "prepayments": [(dt.date(2021, 3, 1), Decimal("100.00"), "term")]}),
        ("Loan.accrued_interest", m("accrued_interest", _loan), (dt.date(2021, 3, 15),), {}),
        ("Loan.payoff_amount", m("payoff_amount", _loan), (dt.date(2021, 3, 15),), {}),
        ("Loan.with_prepayment", m("with_prepayment", _loan), (dt.date(2021, 3, 1), Decimal("100.00"), "term"), {}),
        ("Loan.record_payments", m("record_payments", _loan),
         ([(dt.date(2021, 2, 1), Decimal("8000.00"))], dt.date(2021, 6, 1)), {}),
        ("RateTable", sc.RateTable, ("MY", [(D0, Decimal("0.04"))]), {}),
        ("RateTable.from_json", sc.RateTable.from_json,
         ('{"name": "X", "unit": "percent", "fixings": [{"date": "2024-01-01", "rate": "3.1"}]}',), {}),
        ("RateTable.rate_on", m("rate_on", table), (dt.date(2022, 1, 1),), {}),
        ("RateTable.with_fixings", m("with_fixings", table), ([(dt.date(2022, 1, 1), "0.05")],), {}),
        ("lpr", sc.lpr, ("1Y",), {"on": dt.date(2022, 1, 1)}),
        # the cap table ledger and the platform
        ("Ledger.add_holder", m("add_holder", _ledger), ("new", "investor"), {"name": "N", "beneficiaries": None}),
        ("Ledger.incorporate", m("incorporate", _ledger), (D0, "co2"),
         {"form": "joint_stock", "currency": "CNY", "par_value": 1,
          "subscriptions": [{"holder": "li", "units": 10, "paid": 10}]}),
        ("Ledger.contribute_achievement", m("contribute_achievement", _ledger),
         (D0, "co", Decimal("1000.00"), Fraction(7, 10)),
         {"team_members": {"li": 1}, "institution": "ustc", "platform": "plat", "pre_money": Decimal("1000.00")}),
        ("Ledger.financing_round", m("financing_round", _ledger),
         (dt.date(2022, 1, 1), "co", [{"holder": "vc", "amount": Decimal("1000.00")}]),
         {"pre_money": Decimal("10000.00"), "label": "a"}),
        ("Ledger.transfer", m("transfer", _ledger), (dt.date(2022, 1, 1), "co", "li", "vc", 10, Decimal("50.00")),
         {"buyer_on_behalf_of": None}),
        ("Ledger.repurchase", m("repurchase", _ledger),
         (dt.date(2022, 1, 1), "co", "fund", [{"buyer": "li", "units": 10, "price": 10}]), {}),
        ("Ledger.capital_reduction", m("capital_reduction", _ledger),
         (dt.date(2022, 1, 1), "co", [{"holder": "li", "units": 10, "payment": 10}]), {}),
        ("Ledger.share_split", m("share_split", _ledger), (dt.date(2022, 1, 1), "co", 2), {}),
        ("Ledger.dividend", m("dividend", _ledger), (dt.date(2022, 1, 1), "co", Decimal("100.00")), {}),
        ("Ledger.equity_to_debt_exit", m("equity_to_debt_exit", _ledger),
         (dt.date(2022, 1, 1), "co", "fund", Decimal("100.00")), {"recipients": {"li": 1}}),
        ("Ledger.cap_table", m("cap_table", _ledger), ("co", dt.date(2022, 1, 1)), {}),
        ("Ledger.portfolio", m("portfolio", _ledger), ("plat", dt.date(2022, 1, 1)),
         {"by": "beneficiary", "reporting_currency": None}),
        ("Ledger.holder_history", m("holder_history", _ledger), ("li",), {}),
        ("FxTable.add", m("add", fx), ("USD", "CNY", Decimal("7.1"), D0, "PBOC"), {}),
        ("distribute", sc.distribute, (sc.Money("100.00"), [{"name": "team", "share": Fraction(1, 2), "team": True},
                                                            {"name": "ustc", "share": Fraction(1, 2)}]),
         {"deductions": [{"name": "fee", "fraction_of_gross": Fraction(1, 50)}], "team_floor": Fraction(1, 2)}),
        # contracts
        ("Investment", sc.Investment, (D0, Decimal("1000000.00"), 1000000), {"unit_places": 0, "currency": "CNY"}),
        ("Investment.cost_of", m("cost_of", _investment), (10,), {}),
        ("PriceFormula.simple_interest", sc.PriceFormula.simple_interest, (Decimal("0.02"),),
         {"spread": 0, "day_count": "ACT/365F", "accrues_from": None}),
        ("PriceFormula.compound_interest", sc.PriceFormula.compound_interest, (Decimal("0.02"),),
         {"periods_per_year": 1}),
        ("PriceFormula.fixed_price", sc.PriceFormula.fixed_price, (Decimal("1.5"),), {}),
        ("PriceFormula.with_waived_return", sc.PriceFormula.with_waived_return,
         (sc.PriceFormula.fair_value(), Fraction(1, 2)), {}),
        ("PriceFormula.greater_of", sc.PriceFormula.greater_of,
         (sc.PriceFormula.at_cost(), sc.PriceFormula.fair_value()), {}),
        ("RepurchaseWindow", sc.RepurchaseWindow, (sc.PriceFormula.at_cost(),),
         {"label": "w", "start": None, "until": "3Y", "min_by_end": None, "max_by_end": Fraction(1, 2)}),
        ("RepurchaseTerms", sc.RepurchaseTerms, (_investment(), [sc.RepurchaseWindow(sc.PriceFormula.at_cost())]),
         {"rounding": "HALF_UP"}),
        ("RepurchaseTerms.quote", m("quote", _terms), (dt.date(2023, 1, 1), 1000), {}),
        ("Tranche", sc.Tranche, (dt.date(2023, 1, 1), "li"), {"proportion": Fraction(1, 2)}),
        ("evaluate_plan", sc.evaluate_plan, (_terms(), tranche), {}),
        ("DealFacts", sc.DealFacts, (),
         {"rates": [sc.RateTable("MY", [(D0, Decimal("0.04"))])],
          "unit_prices": [(dt.date(2022, 6, 30), Fraction(16, 5), "b")],
          "dividends": [(dt.date(2022, 12, 31), Decimal("100.00"), 1000)]}),
        ("EquityToDebtTerms", sc.EquityToDebtTerms, (),
         {"debtors": [("company", 1, True)], "loan": {"rate": Decimal("0.06"), "periods": 1},
          "triggers": [("deadline", "3Y")], "units_to": ()}),
        ("convert_to_debt", sc.convert_to_debt, (_conversion(), _terms(), tranche, dt.date(2024, 1, 1)), {}),
        ("grant_equivalent_of_flows", sc.grant_equivalent_of_flows,
         (_investment(), [(D0, Decimal("-1000000.00")), (dt.date(2024, 1, 1), Decimal("1060000.00"))], "0.08"), {}),
        ("ExitPath.sale", sc.ExitPath.sale, (dt.date(2024, 1, 1), Decimal("20000000")), {}),
        ("ExitPath.write_off", sc.ExitPath.write_off, (dt.date(2024, 1, 1),), {"recovered": Decimal("10.00")}),
        ("ExitPath.conversion", sc.ExitPath.conversion, (dt.date(2024, 1, 1), tranche), {}),
        ("ExitPath.repurchase", sc.ExitPath.repurchase, (tranche,), {}),
        ("ExitDeal", sc.ExitDeal, (_terms(),),
         {"market_rate": Decimal("0.08"), "conversion": _conversion(), "company_units": 10000000,
          "team_units": 6000000}),
        ("ExitDeal.evaluate", m("evaluate", _deal), (sc.ExitPath.sale(dt.date(2024, 1, 1), 1000),), {}),
        ("ScenarioGrid", sc.ScenarioGrid, (),
         {"exit_year": [1, 2], "valuation": [Decimal("1000")], "rate": [Decimal("0.02")], "proportion": [1]}),
        ("ScenarioList", sc.ScenarioList, ([{"exit_year": 1, "valuation": Decimal("1000")}],), {}),
        ("SweepSpec", sc.SweepSpec, (_deal(),),
         {"paths": ["repurchase", "sale"], "buyer": "li", "base": {"valuation": Decimal("1000")},
          "write_off_recovery": None}),
        ("sweep", sc.sweep, (_deal(), {"exit_year": [1, 2], "valuation": [Decimal("20000000")]}),
         {"paths": ["repurchase", "sale"], "progress": False, "threads": 1, "base": None}),
        ("Explanation.from_dict", sc.Explanation.from_dict,
         (_terms().quote(dt.date(2023, 1, 1), 10)["explanation"].to_dict(),), {}),
        # documents
        ("DealDocument.parse", sc.DealDocument.parse, (_sample_text(),), {"source": "s"}),
        ("DealDocument.from_dict", sc.DealDocument.from_dict, (json.loads(_sample_text()),), {}),
        ("DealDocument.explain", m("explain", doc), ("repurchase_price",), {"index": 1, "on": None}),
        ("DealDocument.report", m("report", doc), ("exit_paths",), {"format": "csv", "explain": False}),
        ("DealDocument.conversion",
         m("conversion", lambda: sc.DealDocument.parse(_sample_text("county-conversion.json"))),
         (), {"on": None}),
    ]


class _Unprintable:
    """An object whose str, repr, float, int and index all raise."""

    def _boom(self, *args):
        raise RuntimeError("hostile object")

    __str__ = __repr__ = __float__ = __int__ = __index__ = __len__ = __iter__ = _boom


class _FloatSub(float):
    pass


class _StrSub(str):
    pass


class _LyingList(list):
    """Says it has a million items and holds two."""

    def __len__(self):
        return 10**6


class _BadMapping(dict):
    def __getitem__(self, key):
        raise RuntimeError("hostile mapping")

    def get(self, key, default=None):
        raise RuntimeError("hostile mapping")


def _raising_generator():
    yield -100
    raise RuntimeError("hostile generator")


def _nested(depth, make):
    value = 1
    for _ in range(depth):
        value = make(value)
    return value


def _recursive_list():
    x = [1]
    x.append(x)
    return x


def _recursive_dict():
    x = {"a": 1}
    x["self"] = x
    return x


# (label, factory): factories, so that enormous values exist only while used.
HOSTILE = [
    ("None", lambda: None),
    ("True", lambda: True),
    ("float 0.1", lambda: 0.1),
    ("float -0.0", lambda: -0.0),
    ("float 1e308", lambda: 1e308),
    ("float nan", lambda: float("nan")),
    ("float inf", lambda: float("inf")),
    ("float -inf", lambda: float("-inf")),
    ("float subclass", lambda: _FloatSub(0.5)),
    ("Decimal NaN", lambda: Decimal("NaN")),
    ("Decimal -NaN", lambda: Decimal("-NaN")),
    ("Decimal sNaN", lambda: Decimal("sNaN")),
    ("Decimal Infinity", lambda: Decimal("Infinity")),
    ("Decimal -Infinity", lambda: Decimal("-Infinity")),
    ("Decimal -0", lambda: Decimal("-0")),
    ("Decimal 1E+9999", lambda: Decimal("1E+9999")),
    ("Decimal 1E-999999", lambda: Decimal("1E-999999")),
    ("Decimal 1E+999999999999999999", lambda: Decimal("1E+999999999999999999")),
    ("int 10**400", lambda: 10**400),
    ("int -10**400", lambda: -10**400),
    ("int 2**63", lambda: 2**63),
    ("int -2**63-1", lambda: -2**63 - 1),
    ("int -1", lambda: -1),
    ("int 0", lambda: 0),
    ("Decimal -1000.00", lambda: Decimal("-1000.00")),
    ("str 10**5 digits", lambda: "9" * 100000),
    ("str 1e999999999999999999999", lambda: "1e999999999999999999999"),
    ("str -1e-99999", lambda: "-1e-99999"),
    ("str empty", lambda: ""),
    ("str NaN", lambda: "NaN"),
    ("str inf", lambda: "inf"),
    ("str 1_000", lambda: "1_000"),
    ("str arabic-indic digits", lambda: "\u0661\u0662\u0663"),
    ("str NUL", lambda: "\x00"),
    ("str 1 NUL 2", lambda: "1\x002"),
    ("str lone surrogate", lambda: "\ud800"),
    ("str 2024-02-30", lambda: "2024-02-30"),
    ("str enormous", lambda: "\u4e2d" * 1000000),
    ("str subclass", lambda: _StrSub("100.00")),
    ("bytes", lambda: b"100.00"),
    ("bytearray", lambda: bytearray(b"1")),
    ("list empty", lambda: []),
    ("list [None]", lambda: [None]),
    ("list [0.1]", lambda: [0.1]),
    ("list [nan]", lambda: [float("nan")]),
    ("list [Decimal NaN]", lambda: [Decimal("NaN")]),
    ("list of 10**6 ints", lambda: [1] * 1000000),
    ("list recursive", _recursive_list),
    ("list lying about its length", lambda: _LyingList([1, 2])),
    ("list nested 100000 deep", lambda: _nested(100000, lambda v: [v])),
    ("tuple of 3 None", lambda: (None, None, None)),
    ("set", lambda: {1, 2}),
    ("dict empty", lambda: {}),
    ("dict nested 100000 deep", lambda: _nested(100000, lambda v: {"a": v})),
    ("dict recursive", _recursive_dict),
    ("dict non-str keys", lambda: {1: 2, None: 3, (1,): 4}),
    ("mapping that raises", lambda: _BadMapping(a=1)),
    ("generator that raises", _raising_generator),
    ("object()", object),
    ("unprintable object", _Unprintable),
    ("a type", lambda: int),
    ("a function", lambda: (lambda: 1)),
    ("complex", lambda: complex(1, 1)),
    ("Fraction 1/3", lambda: Fraction(1, 3)),
    ("Fraction huge", lambda: Fraction(10**400 + 1, 10**399)),
    ("date 0001-01-01", lambda: dt.date(1, 1, 1)),
    ("date 9999-12-31", lambda: dt.date(9999, 12, 31)),
    ("datetime", lambda: dt.datetime(2021, 1, 1, 12)),
    ("timedelta", lambda: dt.timedelta(days=1)),
    ("Money", lambda: stakecalc.Money("1", "USD")),
    ("Rounding", lambda: stakecalc.Rounding.HALF_UP),
]
# Values that cost time to build or to describe in a message: given only where the good argument
# is a container or a str (where a size limit or a recursion could matter), not everywhere.
EXPENSIVE = {"list of 10**6 ints", "str enormous", "str 10**5 digits", "list nested 100000 deep",
             "dict nested 100000 deep"}


def _once(factory):
    """The factory's value, built on first use and kept (the expensive values are never mutated by a
    well-behaved library, and building them for each of hundreds of calls would dominate the sweep)."""
    kept = []

    def make():
        if not kept:
            kept.append(factory())
        return kept[0]
    return make


HOSTILE = [(label, _once(factory) if label in EXPENSIVE else factory) for label, factory in HOSTILE]


def _slots(case):
    _, _, args, kwargs = case
    return [("arg", i) for i in range(len(args))] + [("kw", k) for k in kwargs]


def _substituted(case, slot, value, inside):
    """The case's arguments with `value` in `slot`; with `inside`, as an element (of a list) or a
    value (of each dict in a list, or of a dict) of the good argument there."""
    _, _, args, kwargs = case
    args, kwargs = list(args), dict(kwargs)
    good = args[slot[1]] if slot[0] == "arg" else kwargs[slot[1]]
    if inside:
        if isinstance(good, list) and good and isinstance(good[0], dict):
            value = [{k: value for k in good[0]}] + good[1:]
        elif isinstance(good, (list, tuple)):
            value = [value] + list(good[1:])
        elif isinstance(good, dict):
            value = {k: value for k in good}
        else:
            return None
    if slot[0] == "arg":
        args[slot[1]] = value
    else:
        kwargs[slot[1]] = value
    return args, kwargs


def _touch(result):
    """What a user does next with a result: print it, and run its lazy parts."""
    repr(result)
    str(result)
    if not type(result).__module__.startswith("stakecalc"):
        return
    for lazy in ("schedule", "to_records", "to_text", "totals"):
        method = getattr(result, lazy, None)
        if callable(method):
            try:
                method()
            except stakecalc.Error:
                pass


def _attempt(fn, args, kwargs):
    """None when the call is well-behaved, else what went wrong."""
    try:
        _touch(fn(*args, **kwargs))
    except SystemError as e:
        return f"SystemError: {e}"
    except Exception as e:  # a Python exception is the contract; its message must be printable
        try:
            str(e).encode("utf-8", "surrogatepass")
        except Exception as inner:
            return f"{type(e).__name__} whose message cannot be printed: {type(inner).__name__}"
        return None
    except BaseException as e:  # KeyboardInterrupt, SystemExit, ...: never from a bad argument
        return f"{type(e).__name__} (not an Exception): {e}"
    return None


CALL_TIMEOUT = 20  # seconds: the slowest good call with an enormous argument takes ~2.5 s here


def _fixed_calls():
    """The enumerated part: (where, case, slot, label, factory, inside), in a fixed order."""
    calls = []
    for case in _cases():
        for slot in _slots(case):
            good = case[2][slot[1]] if slot[0] == "arg" else case[3][slot[1]]
            container = isinstance(good, (list, tuple, dict, str))
            for label, factory in HOSTILE:
                if label in EXPENSIVE and not container:
                    continue
                for inside in (False, True) if label not in EXPENSIVE else (False,):
                    where = f"{case[0]} {slot[0]}[{slot[1]!r}]{' (inside)' if inside else ''} = {label}"
                    calls.append((where, case, slot, label, factory, inside))
    return calls


def _hostile_child(progress_path, start, n_generated, skip):
    """The child's work: the enumerated calls from index `start`, then `n_generated` calls with
    Hypothesis-generated values. Before each call its index and label go to progress_path (line
    buffered), and a watchdog (faulthandler) ends the process if the call hangs, so the parent can
    name the call and start again after it. Prints the problems, one per line, as JSON."""
    import faulthandler
    import gc

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    faulthandler.enable()
    progress = open(progress_path, "a", buffering=1, encoding="utf-8", errors="backslashreplace")
    problems = []

    def one(index, where, case, slot, factory, inside):
        if where in skip:
            return
        call = _substituted(case, slot, factory(), inside)
        if call is None:
            return
        progress.write(f"{index}\t{where}\n")
        faulthandler.dump_traceback_later(CALL_TIMEOUT, exit=True)
        problem = _attempt(case[1], *call)
        faulthandler.cancel_dump_traceback_later()
        if problem:
            problems.append(f"{where}: {problem}")

    calls = _fixed_calls()
    for index in range(start, len(calls)):
        where, case, slot, label, factory, inside = calls[index]
        one(index, where, case, slot, factory, inside)
        if index % 500 == 0:
            gc.collect()

    hostile_values = st.one_of(
        st.none(), st.booleans(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.integers(-10**600, 10**600),
        st.text(st.characters(codec=None, categories=["Cs", "Cc", "Nd", "Lo", "Zs", "Po", "Sm"]), max_size=40),
        st.from_regex(r"-?[0-9]{1,60}(\.[0-9]{0,60})?([eE][+-]?[0-9]{1,4})?", fullmatch=True),
        st.binary(max_size=20), st.fractions(), st.dates(), st.datetimes(),
        st.recursive(st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=5)),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                                max_size=4), max_leaves=12),
    )
    targets = [(case, slot) for case in _cases() for slot in _slots(case)]

    @settings(max_examples=max(1, n_generated), deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(target=st.sampled_from(targets), value=hostile_values, inside=st.booleans())
    def generated(target, value, inside):
        case, slot = target
        where = f"{case[0]} {slot[0]}[{slot[1]!r}]{' (inside)' if inside else ''} = generated {value!r:.100}"
        one(-1, where, case, slot, lambda: value, inside)

    if n_generated:
        generated()
    progress.close()
    for p in problems:
        print(json.dumps(p))


_CHILD = ("import sys; sys.path.insert(0, sys.argv[1]); import test_input_edges as t; "
          "t._hostile_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), set(t.json.loads(sys.stdin.read())))")


def _sweep_in_children(progress_path, skip=(), n_generated=0, restarts=40):
    """Runs _hostile_child until it gets to the end, starting again after each call that crashed
    or hung the child. Returns (problems, crashes): lines naming the call and what happened."""
    problems, crashes, start = [], [], 0
    for _ in range(restarts):
        progress_path.write_text("", encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, os.path.dirname(os.path.abspath(__file__)), str(progress_path), str(start),
             str(n_generated)],
            input=json.dumps(sorted(skip)), capture_output=True, text=True, errors="backslashreplace", timeout=1800)
        problems += [json.loads(line) for line in proc.stdout.splitlines() if line.startswith('"')]
        if proc.returncode == 0 and "Fatal Python error" not in proc.stderr:
            return problems, crashes
        lines = progress_path.read_text(encoding="utf-8", errors="backslashreplace").splitlines()
        index, where = lines[-1].split("\t", 1) if lines else ("-1", "(before the first call)")
        what = "hung" if "Timeout (" in proc.stderr else f"crashed (exit status {proc.returncode})"
        tail = [ln for ln in proc.stderr.splitlines() if "Fatal Python error" in ln or "Error" in ln][:3]
        crashes.append(f"{where}: {what} {' | '.join(tail)}")
        if int(index) < 0:  # in the generated part: Hypothesis does not resume; report what we have
            return problems, crashes
        start = int(index) + 1
    crashes.append("too many crashes: gave up")
    return problems, crashes


# ---- floats, NaN and infinities where an exact amount, rate or share is expected -----------------------
#
# (label, call with the value in one money/rate/share position, the name the message must give it)

def _exact_value_positions():
    sc, excel = stakecalc, stakecalc.excel
    d1, d2 = D0, dt.date(2022, 1, 1)
    inv = _investment()
    return [
        ("Money amount", lambda v: sc.Money(v), "amount"),
        ("Money * factor", lambda v: sc.Money("1.00") * v, "factor"),
        ("round value", lambda v: sc.round(v, 2), "value"),
        ("divide a", lambda v: sc.divide(v, 3, 2), "a"),
        ("divide b", lambda v: sc.divide(1, v, 2), "b"),
        ("allocate total", lambda v: sc.allocate(v, [1, 1], 2), "total"),
        ("allocate weight", lambda v: sc.allocate("1.00", [1, v], 2), "weights[1]"),
        ("Money.allocate weight", lambda v: sc.Money("1.00").allocate([v, 1]), "weights[0]"),
        ("xnpv rate", lambda v: sc.xnpv(v, [-100, 110], [d1, d2]), "rate"),
        ("xnpv amount", lambda v: sc.xnpv("0.1", [-100, v], [d1, d2]), "amounts[1]"),
        ("xirr amount", lambda v: sc.xirr([v, 110], [d1, d2]), "amounts[0]"),
        ("xirr guess", lambda v: sc.xirr([-100, 110], [d1, d2], guess=v), "guess"),
        ("npv rate", lambda v: sc.npv(v, [-100, 110]), "rate"),
        ("irr amount", lambda v: sc.irr([-100, v]), "amounts[1]"),
        ("multiple amount", lambda v: sc.multiple([-100, v]), "amounts[1]"),
        ("excel.pmt rate", lambda v: excel.pmt(v, 12, 1000), "rate"),
        ("excel.pmt pv", lambda v: excel.pmt("0.01", 12, v), "pv"),
        ("excel.fv pmt", lambda v: excel.fv("0.01", 12, v), "pmt"),
        ("excel.npv value", lambda v: excel.npv("0.1", -100, v), "value"),
        ("Loan principal", lambda v: sc.Loan(v, Decimal("0.04"), d1, periods=2), "principal"),
        ("Loan rate", lambda v: sc.Loan(Decimal("1000.00"), v, d1, periods=2), "rate"),
        ("Loan spread", lambda v: sc.Loan(Decimal("1000.00"), None, d1, periods=2, benchmark="LPR-1Y", spread=v),
         "spread"),
        ("Loan floor", lambda v: sc.Loan(Decimal("1000.00"), None, d1, periods=2, benchmark="LPR-1Y", floor=v),
         "floor"),
        ("Loan instalment", lambda v: sc.Loan(Decimal("1000.00"), Decimal("0.04"), d1, periods=2, instalment=v),
         "instalment"),
        ("Loan.with_prepayment amount", lambda v: _loan().with_prepayment(dt.date(2021, 3, 1), v), "amount"),
        ("RateTable fixing", lambda v: sc.RateTable("MY", [(d1, v)]), "fixings[0]"),
        ("FxTable.add rate", lambda v: sc.FxTable().add("USD", "CNY", v, d1), "rate"),
        ("Ledger.transfer units", lambda v: _ledger().transfer(d2, "co", "li", "vc", v, 1), "units"),
        ("Ledger.transfer price", lambda v: _ledger().transfer(d2, "co", "li", "vc", 1, v), "price"),
        ("Ledger.dividend amount", lambda v: _ledger().dividend(d2, "co", v), "amount"),
        ("Ledger.financing_round amount", lambda v: _ledger().financing_round(
            d2, "co", [{"holder": "vc", "amount": v}], price_per_unit=1), "investments[0].amount"),
        ("Ledger.share_split factor", lambda v: _ledger().share_split(d2, "co", v), "factor"),
        ("distribute share", lambda v: sc.distribute(sc.Money("100.00"), [{"name": "a", "share": v}]), "share"),
        ("Investment amount", lambda v: sc.Investment(d1, v, 1000), "amount"),
        ("Investment units", lambda v: sc.Investment(d1, 1000, v), "units"),
        ("PriceFormula.simple_interest rate", lambda v: sc.PriceFormula.simple_interest(v), "rate"),
        ("PriceFormula.fixed_price", lambda v: sc.PriceFormula.fixed_price(v), "per_unit"),
        ("RepurchaseTerms.quote units", lambda v: _terms().quote(dt.date(2023, 1, 1), v), "units"),
        ("Tranche proportion", lambda v: sc.Tranche(d2, "li", proportion=v), "proportion"),
        ("Tranche units", lambda v: sc.Tranche(d2, "li", units=v), "units"),
        ("ExitDeal market_rate", lambda v: sc.ExitDeal(_terms(), market_rate=v), "market_rate"),
        ("ExitPath.sale valuation", lambda v: sc.ExitPath.sale(d2, v), "valuation"),
        ("grant_equivalent_of_flows rate", lambda v: sc.grant_equivalent_of_flows(inv, [(d1, -1), (d2, 2)], v),
         "market_rate"),
        ("grant_equivalent_of_flows amount", lambda v: sc.grant_equivalent_of_flows(inv, [(d1, -1), (d2, v)], "0.08"),
         "flows[1]"),
        ("ScenarioGrid valuation", lambda v: sc.ScenarioGrid(exit_year=[1], valuation=[v]), "valuation[0]"),
        ("sweep rate", lambda v: sc.sweep(_deal(), {"exit_year": [1], "rate": [v]}, progress=False), "rate[0]"),
        ("DealFacts dividend", lambda v: sc.DealFacts(dividends=[(d2, v, 1000)]), "dividends[0]"),
        ("DealDocument.from_dict amount", lambda v: sc.DealDocument.from_dict(_with_amount(v)),
         "/repurchase/investment/amount"),
    ]


def _with_amount(v):
    doc = json.loads(_sample_text())
    doc["repurchase"]["investment"]["amount"] = v
    return doc


EXACT_POSITIONS = _exact_value_positions()
POSITION_IDS = [label for label, _, _ in EXACT_POSITIONS]


def _refusal(call, value):
    with pytest.raises(Exception) as caught:
        call(value)
    return caught.value


@pytest.mark.parametrize("label, call, field", EXACT_POSITIONS, ids=POSITION_IDS)
def test_a_float_is_refused_with_a_message_suggesting_decimal_or_str(label, call, field):
    for value in (0.1, 100.0, -0.0):
        error = _refusal(call, value)
        assert isinstance(error, stakecalc.InvalidInput), (value, repr(error))
        message = str(error)
        assert field in message, (value, message)
        # Arguments: "a float is not an exact amount (0.1 as a float is not one tenth): got float 0.1;
        # pass decimal.Decimal('...') or a str such as '0.1'"; documents: "a float is not exact (0.1 as a
        # float is not one tenth): got 0.1; write it as a str ('0.1') or a decimal.Decimal".
        assert "float is not" in message and "exact" in message, message
        assert "Decimal" in message and "str" in message, message


@pytest.mark.parametrize("label, call, field", EXACT_POSITIONS, ids=POSITION_IDS)
def test_nan_and_infinities_are_refused_naming_the_argument(label, call, field):
    for value in (float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("-NaN"), Decimal("sNaN"),
                  Decimal("Infinity"), Decimal("-Infinity"), "NaN", "Infinity", "-inf"):
        error = _refusal(call, value)
        assert isinstance(error, (stakecalc.InvalidInput, ValueError)), (value, repr(error))
        assert field in str(error), (value, str(error))


# ---- the sweep itself --------------------------------------------------------------------------------

GENERATED_CALLS = 2000


def test_the_sweeps_good_arguments_are_good():
    # Each hostile value replaces one argument of a call that works: otherwise the sweep would only
    # ever exercise the first refusal.
    for label, fn, args, kwargs in _cases():
        _touch(fn(*args, **kwargs))


def test_hostile_inputs_never_crash_the_interpreter(tmp_path):
    problems, crashes = _sweep_in_children(tmp_path / "progress.txt", skip=set(), n_generated=GENERATED_CALLS)
    assert crashes == [], "\n".join(crashes)
    assert problems == [], "\n".join(problems)


# ---- bugs the sweep found, kept as regressions --------------------------------------------------------

# A finite Decimal above the largest quad-precision number (~1.19e4932) as a rate or an amount once made
# the call spin forever (the logarithm's range reduction never ended on an infinite value, holding the
# GIL, so Ctrl-C could not stop it). Each call runs in its own child with a deadline.
HUGE = Decimal("1E+9999")
_D1, _D2 = dt.date(2021, 1, 1), dt.date(2022, 1, 1)
HANGS = {
    "npv rate": lambda: stakecalc.npv(HUGE, [-100, 110]),
    "xnpv rate": lambda: stakecalc.xnpv(HUGE, [-100, 110], [_D1, _D2]),
    "xirr amount": lambda: stakecalc.xirr([-100, HUGE], [_D1, _D2]),
    "irr amount": lambda: stakecalc.irr([-100, HUGE]),
    "excel.pmt rate": lambda: stakecalc.excel.pmt(HUGE, 12, 1000),
    "excel.fv rate": lambda: stakecalc.excel.fv(HUGE, 12, -100),
    "excel.pv rate": lambda: stakecalc.excel.pv(HUGE, 240, 500),
    "excel.nper fv": lambda: stakecalc.excel.nper("0.01", -100, -1000, HUGE),
    "excel.npv rate": lambda: stakecalc.excel.npv(HUGE, -10000, 3000),
    "excel.irr amount": lambda: stakecalc.excel.irr([-100, HUGE]),
    "excel.nominal rate": lambda: stakecalc.excel.nominal(HUGE, 4),
    "excel.cumipmt rate": lambda: stakecalc.excel.cumipmt(HUGE, 360, 125000, 13, 24, 0),
    "grant_equivalent_of_flows market_rate": lambda: stakecalc.grant_equivalent_of_flows(
        _investment(), [(_D1, -1), (_D2, 2)], HUGE),
    "ExitDeal market_rate": lambda: stakecalc.ExitDeal(_terms(), market_rate=HUGE).evaluate(
        stakecalc.ExitPath.repurchase([stakecalc.Tranche(_D2, "li", proportion=1)])),
}
_HANG_CHILD = ("import sys; sys.path.insert(0, sys.argv[1]); import test_input_edges as t, stakecalc\n"
               "try:\n    t.HANGS[sys.argv[2]]()\n    print('returned')\n"
               "except stakecalc.Error as e:\n    print('refused', type(e).__name__, e)\n")


@pytest.fixture(scope="module")
def hang_outcomes():
    """Every HANGS call in its own child, all at once; what each printed, or None if it had not
    finished after 10 s (a correct call takes milliseconds)."""
    here = os.path.dirname(os.path.abspath(__file__))
    children = {name: subprocess.Popen([sys.executable, "-c", _HANG_CHILD, here, name], stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True) for name in HANGS}
    deadline, outcomes = time.monotonic() + 10, {}
    for name, child in children.items():
        try:
            out, _ = child.communicate(timeout=max(0.1, deadline - time.monotonic()))
            outcomes[name] = (child.returncode, out)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            outcomes[name] = None
    return outcomes


@pytest.mark.parametrize("name", sorted(HANGS))
def test_a_number_beyond_the_quad_range_is_refused_not_a_hang(name, hang_outcomes):
    outcome = hang_outcomes[name]
    assert outcome is not None, f"{name}: still running after 10 s"
    returncode, out = outcome
    assert returncode == 0 and out.startswith(("returned", "refused")), out


@pytest.mark.parametrize("call", [
    lambda: stakecalc.round("1.555", Decimal("2.9")),
    lambda: stakecalc.round("1.555", Fraction(5, 2)),
    lambda: stakecalc.divide(1, 3, Decimal("2.9")),
    lambda: stakecalc.allocate("1.00", [1, 1], Decimal("2.9")),
    lambda: stakecalc.calendar("CN").holidays(Decimal("2024.5")),
], ids=["round places Decimal", "round places Fraction", "divide places", "allocate places", "Calendar.holidays year"])
def test_a_non_integral_count_is_refused_not_truncated(call):
    with pytest.raises((stakecalc.InvalidInput, TypeError)):
        call()


@pytest.mark.parametrize("call", [
    lambda: stakecalc.multiple([-3, Decimal("1E+5000")]),
    lambda: stakecalc.Investment(_D1, Decimal("1E+5000"), 3).cost_of(1),
    lambda: stakecalc.Investment(_D1, 1, Decimal("1E+5000")).share_of_stake(1),
    lambda: stakecalc.RepurchaseTerms(_investment(), [stakecalc.RepurchaseWindow(
        stakecalc.PriceFormula.compound_interest(Decimal("1E-5000")))]).quote(_D2, 10),  # exact: (1 + 1E-5000)^1
], ids=["multiple", "Investment.cost_of", "Investment.share_of_stake", "RepurchaseTerms.quote compound"])
def test_an_enormous_exact_result_is_returned_or_refused_with_a_stakecalc_error(call):
    try:
        call()
    except (stakecalc.Error, ValueError, OverflowError):
        pass
