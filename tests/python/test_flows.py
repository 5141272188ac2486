"""Dated cash flows and the spreadsheet functions from Python.

Oracles: Microsoft Excel's help-page examples (compared to every published digit, rounded as the
spreadsheet displays), numpy-financial's documented examples, exact arithmetic with fractions,
and, where installed, pyxirr and mpmath as independent implementations.
"""
import ast
import pathlib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest

import stakecalc
import stakecalc.excel as excel

EXCEL_AMOUNTS = [Decimal("-10000"), Decimal("2750"), Decimal("4250"), Decimal("3250"), Decimal("2750")]
EXCEL_DATES = [date(2008, 1, 1), date(2008, 3, 1), date(2008, 10, 30), date(2009, 2, 15), date(2009, 4, 1)]


def shown(value, places):
    """As the spreadsheet displays a number: half away from zero to `places` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def test_xirr_and_xnpv_excel_examples():
    # Excel XIRR help page: 0.373362535; XNPV help page: 2086.65 (WorksheetFunction.Xnpv: 2086.6476)
    r = stakecalc.xirr(EXCEL_AMOUNTS, EXCEL_DATES)
    assert isinstance(r, Decimal)
    # Excel's 9th place is off by one (it stops iterating early); the exact root agrees to 7 places.
    assert shown(r, 7) == Decimal("0.3733625")
    assert shown(r, 25) == Decimal("0.3733625335188315103084554")
    assert shown(stakecalc.xnpv(Decimal("0.09"), EXCEL_AMOUNTS, EXCEL_DATES), 4) == Decimal("2086.6476")
    assert stakecalc.xirr(list(reversed(EXCEL_AMOUNTS)), list(reversed(EXCEL_DATES))) == r


def test_xirr_is_exact_to_28_digits():
    # amounts c * 1.001**days with sum(c) = 0: the rate is exactly 1.001**365 - 1 (ACT/365F)
    q = Fraction(1001, 1000)
    days = [0, 100, 250, 400, 1000]
    weights = [-4, 1, 1, 1, 1]
    with localcontext() as ctx:
        ctx.prec = 4000
        amounts = [Decimal(w * 1000) * Decimal(1001) ** d / Decimal(1000) ** d for w, d in zip(weights, days)]
    dates = [date.fromordinal(date(2020, 1, 1).toordinal() + d) for d in days]
    exact = q**365 - 1
    r = stakecalc.xirr(amounts, dates)
    assert abs(Fraction(r) - exact) <= exact * Fraction(1, 10**28)


def test_xirr_against_mpmath_when_installed():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    r = stakecalc.xirr(EXCEL_AMOUNTS, EXCEL_DATES)
    t = [(d - EXCEL_DATES[0]).days for d in EXCEL_DATES]
    f = lambda x: sum(mpmath.mpf(int(a)) * (1 + x) ** (-mpmath.mpf(n) / 365) for a, n in zip(EXCEL_AMOUNTS, t))
    root = mpmath.findroot(f, mpmath.mpf("0.37"))
    assert abs(Decimal(str(root)) - r) < Decimal("1e-28")


def test_xirr_close_to_pyxirr_when_installed():
    pyxirr = pytest.importorskip("pyxirr")
    r = stakecalc.xirr(EXCEL_AMOUNTS, EXCEL_DATES)
    assert abs(float(r) - pyxirr.xirr(EXCEL_DATES, [float(a) for a in EXCEL_AMOUNTS])) < 1e-9


def test_day_count_guess_and_int_or_str_inputs():
    assert stakecalc.xirr([-1000, "1100"], ["2021-03-01", date(2022, 2, 24)], day_count="ACT/360") == Decimal("0.1")
    # two rates of return: 10% and 20%; the guess picks the nearer
    assert stakecalc.irr([-100, 230, -132]) == Decimal("0.1")
    assert stakecalc.irr([-100, 230, -132], guess="0.25") == Decimal("0.2")
    assert abs(Fraction(stakecalc.npv("0.1", [-100, 60, 60])) - Fraction(500, 121)) < Fraction(1, 10**28)
    assert stakecalc.multiple([-100, 50, 80]) == Fraction(13, 10)
    assert stakecalc.payback_date([-100, 60, 60], [date(2020, 1, 1), date(2021, 1, 1), date(2022, 1, 1)]) == date(2022, 1, 1)
    assert stakecalc.payback_date([-100, 30], [date(2020, 1, 1), date(2021, 1, 1)]) is None


def test_flow_errors():
    with pytest.raises(stakecalc.InvalidInput, match="no cash flows"):
        stakecalc.xirr([], [])
    with pytest.raises(stakecalc.InvalidInput, match="2 amounts but 1 dates"):
        stakecalc.xirr([-1, 2], [date(2020, 1, 1)])
    with pytest.raises(stakecalc.NoSolution, match="all are positive"):
        stakecalc.xirr([1, 2], [date(2020, 1, 1), date(2021, 1, 1)])
    with pytest.raises(stakecalc.InvalidInput, match="float is not an exact amount.*Decimal"):
        stakecalc.xirr([-1.0, 2], [date(2020, 1, 1), date(2021, 1, 1)])
    with pytest.raises(stakecalc.InvalidInput, match="unknown day count convention 'ACT/999'"):
        stakecalc.xnpv("0.1", [-1, 2], [date(2020, 1, 1), date(2021, 1, 1)], day_count="ACT/999")
    with pytest.raises(stakecalc.InvalidInput, match="rate -1 must be greater than -1"):
        stakecalc.xnpv(-1, [-1, 2], [date(2020, 1, 1), date(2021, 1, 1)])
    with pytest.raises(ValueError):  # InvalidInput is a ValueError
        stakecalc.xirr("-1,2", [date(2020, 1, 1)])


def test_excel_loan_functions_help_pages():
    m = Decimal("0.08") / 12
    assert shown(excel.pmt(m, 10, 10000), 2) == Decimal("-1037.03")
    assert shown(excel.pmt(m, 10, 10000, 0, 1), 2) == Decimal("-1030.16")
    assert shown(excel.ipmt(Decimal("0.1") / 12, 1, 36, 8000), 2) == Decimal("-66.67")
    assert shown(excel.ppmt(Decimal("0.1") / 12, 1, 24, 2000), 2) == Decimal("-75.62")
    assert shown(excel.cumipmt(Decimal("0.0075"), 360, 125000, 13, 24, 0), 5) == Decimal("-11135.23213")
    assert shown(excel.cumprinc(Decimal("0.0075"), 360, 125000, 13, 24, 0), 7) == Decimal("-934.1071234")
    assert shown(excel.fv(Decimal("0.06") / 12, 10, -200, -500, 1), 2) == Decimal("2581.40")
    assert shown(excel.pv(m, 240, 500), 2) == Decimal("-59777.15")
    assert shown(excel.nper(Decimal("0.01"), -100, -1000, 10000, 1), 7) == Decimal("59.6738657")
    assert shown(excel.rate(48, -200, 8000) * 12, 4) == Decimal("0.0924")
    assert shown(excel.npv("0.1", -10000, 3000, 4200, 6800), 2) == Decimal("1188.44")
    assert shown(excel.npv("0.1", [-10000, 3000], 4200, [6800]), 2) == Decimal("1188.44")  # ranges and values
    assert shown(excel.irr([-70000, 12000, 15000, 18000, 21000, 26000]), 3) == Decimal("0.087")
    assert shown(excel.irr([-70000, 12000, 15000], -Decimal("0.1")), 3) == Decimal("-0.444")
    assert shown(excel.xnpv("0.09", EXCEL_AMOUNTS, EXCEL_DATES), 2) == Decimal("2086.65")
    assert shown(excel.xirr(EXCEL_AMOUNTS, EXCEL_DATES), 7) == Decimal("0.3733625")


def test_excel_date_functions_help_pages():
    assert shown(excel.yearfrac(date(2012, 1, 1), date(2012, 7, 30)), 8) == Decimal("0.58055556")
    assert shown(excel.yearfrac(date(2012, 1, 1), date(2012, 7, 30), 1), 8) == Decimal("0.57650273")
    assert shown(excel.yearfrac(date(2012, 1, 1), date(2012, 7, 30), 3), 8) == Decimal("0.57808219")
    assert shown(excel.effect(Decimal("0.0525"), 4), 7) == Decimal("0.0535427")
    assert shown(excel.nominal(Decimal("0.053543"), 4), 8) == Decimal("0.05250032")
    assert excel.edate(date(2011, 1, 15), -1) == date(2010, 12, 15)
    assert excel.eomonth(date(2011, 1, 1), 1) == date(2011, 2, 28)


def test_numpy_financial_documented_examples():
    # np.pmt(0.075/12, 12*15, 200000) = -1854.0247200054619; npf.fv(0.05/12, 10*12, -100, -100)
    # = 15692.928894335748; npf.irr([-250000, 100000, 150000, 200000, 250000, 300000]) = 0.5672303344358536
    assert round(excel.pmt(Decimal("0.075") / 12, 180, 200000), 10) == Decimal("-1854.0247200055")
    # the published value is a double; exact: 15692.92889433582112387...
    assert shown(excel.fv(Decimal("0.05") / 12, 120, -100, -100), 9) == Decimal("15692.928894336")
    assert round(stakecalc.irr([-250000, 100000, 150000, 200000, 250000, 300000]), 14) == Decimal("0.56723033443585")


def test_excel_errors_name_the_argument():
    with pytest.raises(stakecalc.InvalidInput, match=r"type: must be 0 .* not 2"):
        excel.pmt("0.01", 12, 100, 0, 2)
    with pytest.raises(stakecalc.InvalidInput, match="type: expected an int, got float"):
        excel.pmt("0.01", 12, 100, 0, 1.0)
    with pytest.raises(stakecalc.InvalidInput, match="basis: must be 0 .* not 7"):
        excel.yearfrac(date(2020, 1, 1), date(2021, 1, 1), 7)
    with pytest.raises(stakecalc.InvalidInput, match="rate: must be greater than -1"):
        excel.fv(-1, 10, -100)
    with pytest.raises(stakecalc.InvalidInput, match="float is not an exact amount"):
        excel.pmt(0.01, 12, 100)
    with pytest.raises(stakecalc.NoSolution):
        excel.irr([1, 2, 3])
    with pytest.raises(stakecalc.InvalidInput, match="dates: 2 values but 1 dates"):
        excel.xirr([-1, 2], [date(2020, 1, 1)])


def _stub_names(path):
    tree = ast.parse(pathlib.Path(path).read_text())
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_excel_stub_lists_every_function(source_dir):
    stubs = _stub_names(source_dir / "python" / "stakecalc" / "excel.pyi")
    public = {n for n in dir(excel) if not n.startswith("_")}
    assert stubs == public


def test_dates_in_lists_are_read_as_the_same_days():
    # A list's datetime.date elements are read without boost's checks (convert.cpp,
    # read_exact_date): each must come back as itself, across leap days (1600 and 2000 are leap
    # years, 1700 and 1900 are not), month ends and the supported range's ends.
    import random

    start = date(1400, 1, 1)
    days = [start, date(1600, 2, 29), date(1700, 2, 28), date(1700, 3, 1), date(1900, 2, 28), date(1900, 3, 1),
            date(2000, 2, 29), date(2024, 12, 31), date(9999, 12, 31)]
    rng = random.Random(5)
    days += [date.fromordinal(rng.randint(start.toordinal(), date(9999, 12, 31).toordinal())) for _ in range(3000)]
    for d in days:
        assert stakecalc.payback_date([Decimal(-1), Decimal(1)], [start, d]) == d
    with pytest.raises(stakecalc.InvalidInput, match=r"dates\[1\].*1399"):
        stakecalc.payback_date([Decimal(-1), Decimal(1)], [start, date(1399, 12, 31)])
