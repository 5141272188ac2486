"""Spreadsheet export an auditor can check (issue 7, item 5): stakecalc.xlsx.

The workbooks are recalculated by a spreadsheet engine that is not ours, and every computed cell
must come out equal to the library's own figure to the cent:

* LibreOffice Calc, headless (Debian's libreoffice-calc-nogui): the workbook is converted xlsx ->
  xlsx, which recalculates every formula (openpyxl writes no cached values); the reference
  engine, with the spreadsheet's own ROUND (half away from zero on the decimal value).
* the `formulas` package from PyPI (a pure-Python formula evaluator): lighter, but its ROUND rounds
  the binary double, so at an exact half-cent tie computed with a tiny binary error it can round
  down; the loans given to it have no tie (the test checks that it has none), and the tie case
  runs on LibreOffice only.

Each engine is skipped when it is not installed, except under STAKECALC_REQUIRE_ENGINES=1 (set by
the project's test run, whose bootstrap installs both): there a missing engine fails the test, so
CI cannot pass without the recalculation. Oracles besides the library: the published bank
example (1,000,000 yuan, 20 years, 4.9%: 6,544.44 a month) and the closed form of the annuity.
"""
import datetime as dt
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest

import stakecalc

REQUIRE_ENGINES = os.environ.get("STAKECALC_REQUIRE_ENGINES") == "1"

if REQUIRE_ENGINES:
    import openpyxl  # noqa: F401  (a missing openpyxl is an error here, not a skip)
else:
    openpyxl = pytest.importorskip("openpyxl")

try:
    from stakecalc import xlsx
except ImportError:  # a work tree where xlsx.py sits beside, not inside, the built package
    _here = pathlib.Path(__file__).resolve().parents[2] / "python" / "stakecalc" / "xlsx.py"
    _spec = importlib.util.spec_from_file_location("stakecalc.xlsx", _here)
    xlsx = importlib.util.module_from_spec(_spec)
    sys.modules["stakecalc.xlsx"] = xlsx
    _spec.loader.exec_module(xlsx)

D = dt.date
M = Decimal


# ---- the engines ---------------------------------------------------------------------------------

def _soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


_PROFILE = []


def recalc_libreoffice(path: pathlib.Path) -> dict:
    out = path.parent / "recalculated"
    out.mkdir(exist_ok=True)
    if not _PROFILE:  # one LibreOffice profile for the session: making one costs seconds
        import tempfile
        _PROFILE.append(pathlib.Path(tempfile.mkdtemp(prefix="stakecalc-lo-")))
    profile = _PROFILE[0]
    cmd = [_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--calc", "--convert-to",
           "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(profile)})
    book = openpyxl.load_workbook(out / path.name, data_only=True)
    values = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    values[(ws.title, c.coordinate)] = c.value
    return values


def recalc_formulas(path: pathlib.Path) -> dict:
    formulas = pytest.importorskip("formulas")
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    values = {}
    for key, ranges in solution.items():
        ref = str(key)
        if ":" in ref.split("!")[-1]:
            continue
        book_sheet, cell = ref.rsplit("!", 1)
        sheet = book_sheet.split("]", 1)[1].rstrip("'")
        v = ranges.value[0][0] if hasattr(ranges, "value") else ranges
        if hasattr(v, "item"):
            v = v.item()
        values[(sheet.upper(), cell.upper())] = v
    return values


ENGINES = {
    "libreoffice": (recalc_libreoffice, lambda: _soffice() is not None),
    "formulas": (recalc_formulas, lambda: importlib.util.find_spec("formulas") is not None),
}


@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    run, available = ENGINES[request.param]
    if not available():
        if REQUIRE_ENGINES:
            pytest.fail(f"{request.param} is not installed, and STAKECALC_REQUIRE_ENGINES=1 requires it")
        pytest.skip(f"{request.param} is not installed")
    return request.param, run


class Book:
    """Recalculated values by (sheet, cell), whatever the engine's spelling of sheet names."""

    def __init__(self, values: dict):
        self.values = {(s.upper(), c.upper()): v for (s, c), v in values.items()}

    def __call__(self, sheet: str, cell: str):
        return self.values.get((sheet.upper(), cell.upper()))


def cents(value, places=2) -> Decimal:
    """A recalculated number as the decimal it stands for (its double rounded to the minor unit)."""
    assert isinstance(value, (int, float)), f"not a number: {value!r}"
    return round(M(repr(float(value))), places)


# ---- the loans -----------------------------------------------------------------------------------

def rates_table():
    return stakecalc.RateTable("BENCH", [(D(2020, 1, 1), M("0.0385")), (D(2025, 1, 1), M("0.0345")),
                                         (D(2026, 1, 1), M("0.0410"))])


LOANS = {
    # the published bank example: 等额本息, 按月计息, 240 months
    "bank_annuity_monthly": lambda: stakecalc.Loan(M("1000000.00"), M("0.049"), D(2024, 1, 15), periods=240,
                                                   repayment="annuity", interest_basis="MONTHLY"),
    "equal_principal_act360": lambda: stakecalc.Loan(M("3600000.00"), M("0.0385"), D(2024, 1, 15), periods=36,
                                                     repayment="equal_principal", day_count="ACT/360"),
    "bullet_act365f_quarterly": lambda: stakecalc.Loan(M("5000000.00"), M("0.0435"), D(2023, 11, 30), periods=8,
                                                       frequency="3M", repayment="bullet", day_count="ACT/365F"),
    "annuity_30360us_grace": lambda: stakecalc.Loan(M("250000.00"), M("0.0525"), D(2024, 1, 31), periods=24,
                                                    repayment="annuity", day_count="30/360 US", grace_periods=3),
    "annuity_act365l": lambda: stakecalc.Loan(M("800000.00"), M("0.0461"), D(2023, 6, 30), periods=18,
                                              repayment="annuity", day_count="ACT/365L", end_of_month=True),
    "annuity_actact_isda": lambda: stakecalc.Loan(M("1234567.89"), M("0.0399"), D(2023, 12, 10), periods=15,
                                                  repayment="annuity", day_count="ACT/ACT ISDA"),
    "equal_principal_30e360_isda": lambda: stakecalc.Loan(M("900000.00"), M("0.06"), D(2023, 8, 31), periods=12,
                                                          repayment="equal_principal", day_count="30E/360 ISDA",
                                                          end_of_month=True),
    "bullet_30360_bond": lambda: stakecalc.Loan(M("100000.00"), M("0.072"), D(2024, 1, 31), periods=6,
                                                repayment="bullet", day_count="30/360"),
    "annuity_30e360": lambda: stakecalc.Loan(M("640000.00"), M("0.0488"), D(2024, 3, 31), periods=10,
                                             repayment="annuity", day_count="30E/360"),
    "bullet_icma": lambda: stakecalc.Loan(M("300000.00"), M("0.051"), D(2024, 2, 29), periods=4, frequency="6M",
                                          repayment="bullet", day_count="ACT/ACT ICMA"),
    "equal_principal_afb": lambda: stakecalc.Loan(M("480000.00"), M("0.044"), D(2023, 10, 1), periods=6,
                                                  frequency="3M", repayment="equal_principal",
                                                  day_count="ACT/ACT AFB"),
    "floating_annuity_resets": lambda: stakecalc.Loan(M("2000000.00"), None, D(2024, 7, 1), periods=36,
                                                      repayment="annuity", benchmark=rates_table(), spread=M("0.005"),
                                                      reset="1Y"),
    "floating_equal_principal": lambda: stakecalc.Loan(M("600000.00"), None, D(2024, 7, 1), periods=8,
                                                       frequency="3M", repayment="equal_principal",
                                                       benchmark=rates_table(), reset="6M"),
    "explicit": lambda: stakecalc.Loan(M("500000.00"), M("0.0475"), D(2024, 1, 1), periods=12,
                                       repayment="explicit", principal_schedule=[(D(2024, 4, 1), M("100000.00")),
                                                                                 (D(2024, 9, 1), M("150000.00"))]),
    "annuity_half_even": lambda: stakecalc.Loan(M("1500000.00"), M("0.0415"), D(2024, 5, 20), periods=24,
                                                repayment="annuity", rounding="HALF_EVEN"),
    "equal_principal_down_jpy": lambda: stakecalc.Loan(M("10000000"), M("0.021"), D(2024, 2, 1), periods=12,
                                                       repayment="equal_principal", rounding="DOWN", currency="JPY"),
}

COMPUTED = ["Days", "Year fraction", "Opening balance", "Interest (exact)", "Interest", "Payment", "Closing balance"]


def columns(ws):
    return {c.value: c.column_letter for c in ws[1]}


def exported(tmp_path, name, loan):
    path = tmp_path / f"{name}.xlsx"
    xlsx.export_loan_schedule(loan, path)
    return path


def near_ties(book: Book, loan, places=2):
    """Periods whose interest before rounding, as the engine computed it, is within 1e-6 of a half
    minor unit: where an engine that rounds the binary value may differ from the library."""
    heads = {book("Schedule", f"{openpyxl.utils.get_column_letter(i)}1"): openpyxl.utils.get_column_letter(i)
             for i in range(1, 40)}
    out = []
    for i in range(len(loan.schedule())):
        v = book("Schedule", f"{heads['Interest (exact)']}{i + 2}") * 10 ** places
        if abs(abs(v - int(v)) - 0.5) < 1e-6:
            out.append(i + 1)
    return out


# ---- formulas, not values ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(LOANS))
def test_computed_cells_are_formulas(tmp_path, name):
    loan = LOANS[name]()
    path = exported(tmp_path, name, loan)
    book = openpyxl.load_workbook(path)  # formulas, not cached values
    ws = book["Schedule"]
    col = columns(ws)
    rows = loan.schedule()
    assert ws.freeze_panes == "B2" and ws["A1"].value == "Period"
    for i, r in enumerate(rows):
        x = i + 2
        for name_ in COMPUTED + ["Check"]:
            v = ws[f"{col[name_]}{x}"].value
            assert isinstance(v, str) and v.startswith("="), (name_, x, v)
        principal = ws[f"{col['Principal']}{x}"].value
        # a principal is a formula except the zero of an interest-only period
        assert (isinstance(principal, str) and principal.startswith("=")) or (principal == 0 and r.principal == 0)
        assert ws[f"{col['Interest']}{x}"].number_format.startswith("#,##0")
        assert ws[f"{col['Library interest']}{x}"].value == float(r.interest)
    interest = ws[f"{col['Interest']}2"].value
    if loan.__getstate__()[1].get("rounding", "HALF_UP") == "HALF_UP":
        assert interest == f"=ROUND({col['Interest (exact)']}2,2)"
    exact = f"={col['Opening balance']}2*{col['Annual rate']}2*{col['Year fraction']}2"
    assert ws[f"{col['Interest (exact)']}2"].value == exact
    assert book["Inputs"]["B4"].value == float(rows[0].opening_balance)


def test_act360_interest_reads_as_the_contract_says(tmp_path):
    loan = LOANS["equal_principal_act360"]()
    ws = openpyxl.load_workbook(exported(tmp_path, "act360", loan))["Schedule"]
    col = columns(ws)
    assert ws[f"{col['Days']}3"].value == f"={col['Accrual end']}3-{col['Accrual start']}3"
    assert ws[f"{col['Year fraction']}3"].value == f"={col['Days']}3/360"
    assert ws[f"{col['Accrual start']}3"].value == f"={col['Accrual end']}2"
    assert ws[f"{col['Opening balance']}3"].value == f"={col['Closing balance']}2"


# ---- recalculated by a spreadsheet engine --------------------------------------------------------

def check_recalculated(book: Book, loan, places=2):
    rows = loan.schedule()
    heads = {}
    for i in range(1, 40):
        letter = openpyxl.utils.get_column_letter(i)
        v = book("Schedule", f"{letter}1")
        if v is not None:
            heads[v] = letter
    assert "Interest" in heads
    for i, r in enumerate(rows):
        x = i + 2
        got = {name: book("Schedule", f"{heads[name]}{x}") for name in
               ("Days", "Interest", "Principal", "Payment", "Closing balance", "Opening balance", "Check")}
        where = f"period {i + 1} ({r.date})"
        assert int(round(got["Days"])) == r.days, where
        assert cents(got["Opening balance"], places) == r.opening_balance, where
        assert cents(got["Interest"], places) == r.interest, where
        assert cents(got["Principal"], places) == r.principal, where
        assert cents(got["Payment"], places) == r.payment, where
        assert cents(got["Closing balance"], places) == r.closing_balance, where
        assert got["Check"] == "OK", where
    totals = loan.totals()
    tr = len(rows) + 3
    assert cents(book("Schedule", f"{heads['Interest']}{tr}"), places) == totals["interest"]
    assert cents(book("Schedule", f"{heads['Principal']}{tr}"), places) == totals["principal"]
    assert cents(book("Schedule", f"{heads['Payment']}{tr}"), places) == totals["payments"]
    assert book("Schedule", f"{heads['Check']}{tr}") == "OK"
    assert book("Schedule", f"{heads['Check']}{tr + 1}") == f"{len(rows)} of {len(rows)}"
    assert book("Schedule", f"{heads['Check']}{tr + 2}") == "OK"


_RECALCULATED = {}


def recalculated(tmp_path_factory, engine, name, cases=LOANS):
    """The case's loan and its workbook as the engine recalculated it (once per engine and case)."""
    engine_name, run = engine
    key = (engine_name, name)
    if key not in _RECALCULATED:
        loan = cases[name]()
        path = exported(tmp_path_factory.mktemp(f"{engine_name}-{name}"), name, loan)
        _RECALCULATED[key] = loan, Book(run(path))
    return _RECALCULATED[key]


@pytest.mark.parametrize("name", sorted(LOANS))
def test_recalculated_equals_library(tmp_path_factory, engine, name):
    engine_name, run = engine
    loan, book = recalculated(tmp_path_factory, engine, name)
    places = stakecalc.minor_units(loan.__getstate__()[1].get("currency", "CNY"))
    if engine_name == "formulas":
        assert near_ties(book, loan, places) == [], "a half-cent tie: pick another loan for the naive engine"
    check_recalculated(book, loan, places)
    if "annuity" in name:
        n = 2
        while book("Annuity", f"A{n}") is not None:
            assert book("Annuity", f"J{n}") in ("OK", None)
            n += 1
        assert n > 2


def test_bank_example_from_the_spreadsheet(tmp_path_factory, engine):
    """The published figure, not the library's: 6,544.44 a month, equal to the closed form."""
    loan, book = recalculated(tmp_path_factory, engine, "bank_annuity_monthly")
    r = Fraction(49, 12000)
    g = (1 + r) ** 240
    closed = Fraction(1000000) * r * g / (g - 1)
    assert cents(book("Annuity", "H2")) == M("6544.44") == round(M(closed.numerator) / M(closed.denominator), 2)


def test_rate_changes_show_as_fixings(tmp_path):
    loan = LOANS["floating_annuity_resets"]()
    book = openpyxl.load_workbook(exported(tmp_path, "floating", loan))
    rates = {r.rate for r in loan.schedule()}
    assert len(rates) == 3  # 3.85% + 0.5%, then 3.45% + 0.5%, then 4.10% + 0.5%
    fixings = [book["Annuity"][f"B{n}"].value for n in range(2, 6) if book["Annuity"][f"B{n}"].value]
    assert fixings == [1, 13, 25]


@pytest.mark.parametrize("mode, first_interest", [("HALF_UP", "15.11"), ("HALF_EVEN", "15.10"),
                                                   ("HALF_DOWN", "15.10"), ("UP", "15.11"), ("DOWN", "15.10"),
                                                   ("CEILING", "15.11"), ("FLOOR", "15.10")])
def test_half_cent_tie_rounds_as_the_library(tmp_path, engine, mode, first_interest):
    """1,007.00 x 6% x 90/360 = 15.105 exactly, computed in doubles as 15.104999999999999."""
    engine_name, run = engine
    if engine_name == "formulas" and mode == "HALF_UP":
        pytest.skip("the formulas package's ROUND rounds the double 15.104999999999999 down (Excel and "
                    "LibreOffice round its 15-digit decimal, 15.105, up)")
    loan = stakecalc.Loan(M("1007.00"), M("0.06"), D(2023, 1, 1), periods=2, frequency="3M", repayment="bullet",
                          day_count="ACT/360", rounding=mode)
    first = loan.schedule()[0]
    assert first.days == 90 and first.interest == M(first_interest)
    assert (1007.00 * 0.06 * 90 / 360) * 100 < 1510.5  # the binary product falls below the tie
    book = Book(run(exported(tmp_path, f"tie-{mode}", loan)))
    check_recalculated(book, loan)


@pytest.mark.parametrize("mode", ["DOWN", "FLOOR", "HALF_DOWN", "UP", "CEILING", "HALF_EVEN"])
def test_whole_cent_computed_below_is_not_rounded_down(tmp_path, engine, mode):
    """152,000.00 x 4.35% x 90/360 = 1,653.00 exactly, computed in doubles as 1652.9999999999998: a mode
    that rounds down must not make it 1,652.99 (nor UP 1,653.01 from a value just above)."""
    engine_name, run = engine
    loan = stakecalc.Loan(M("152000.00"), M("0.0435"), D(2023, 1, 1), periods=2, frequency="3M",
                          repayment="bullet", day_count="ACT/360", rounding=mode)
    assert loan.schedule()[0].interest == M("1653.00")
    assert 152000.00 * 0.0435 * (90 / 360) < 1653
    check_recalculated(Book(run(exported(tmp_path, f"whole-{mode}", loan))), loan)


# ---- exit paths ----------------------------------------------------------------------------------

T0 = D(2021, 1, 1)


def the_deal():
    investment = stakecalc.Investment(T0, M("1000000.00"), 1000000)
    window = stakecalc.RepurchaseWindow(stakecalc.PriceFormula.simple_interest(M("0.02")), label="any time")
    terms = stakecalc.RepurchaseTerms(investment, [window])
    conversion = stakecalc.EquityToDebtTerms(
        debtors=[("company", 1, True)],
        loan={"rate": M("0.06"), "periods": 4, "frequency": "3M", "repayment": "equal_principal",
              "day_count": "ACT/360"},
        principal=stakecalc.PriceFormula.at_cost())
    return stakecalc.ExitDeal(terms, market_rate=M("0.08"), conversion=conversion, company_units=10000000,
                              team_units=6000000)


def exit_paths():
    return [stakecalc.ExitPath.repurchase([stakecalc.Tranche(D(2022, 6, 30), "zhang", proportion=Fraction(1, 2)),
                                           stakecalc.Tranche(D(2024, 1, 1), "zhang", proportion=Fraction(1, 2))]),
            stakecalc.ExitPath.conversion(D(2022, 1, 1)),
            stakecalc.ExitPath.sale(D(2024, 1, 1), M("20000000")),
            stakecalc.ExitPath.write_off(D(2023, 1, 1)),
            stakecalc.ExitPath.write_off(D(2023, 1, 1), M("150000.00"))]


def test_exit_comparison_recalculated(tmp_path, engine):
    engine_name, run = engine
    deal = the_deal()
    results = deal.compare(exit_paths())
    path = tmp_path / "exits.xlsx"
    xlsx.export_exit_comparison(results, path, deal=deal)
    raw = openpyxl.load_workbook(path)["Comparison"]
    for x in range(2, 2 + len(results)):
        for letter in "BCDEFG":
            assert str(raw[f"{letter}{x}"].value).startswith("="), (letter, x)
    assert raw["F2"].value.startswith("=ROUND(-XNPV(Inputs!$B$4,")
    book = Book(run(path))
    for i, res in enumerate(results):
        x = i + 2
        assert cents(book("Comparison", f"B{x}")) == res["cash_recovered"]
        assert cents(book("Comparison", f"F{x}")) == res["grant_equivalent"]
        assert abs(Fraction(book("Comparison", f"D{x}")) - res["fund_multiple"]) < Fraction(1, 10 ** 12)
        irr = book("Comparison", f"E{x}")
        if res["fund_irr"] is None:
            assert irr == "none"
        else:
            # The library's IRR is a root of the flows' XNPV, whatever the engine's XIRR search does.
            assert abs(book("Comparison", f"Q{x}")) < 0.005
            # LibreOffice's XIRR converges to double precision. The formulas package's search stops near
            # 1e-7 and, for the -61% of a write-off with a recovery, ends at -0.9999999: not compared.
            if engine_name == "libreoffice":
                assert abs(M(repr(irr)) - res["fund_irr"]) < M("1e-9")
        assert book("Comparison", f"M{x}") == "OK"
    # the conversion's loan schedule itself, from its rows and the conversion's loan terms
    conv = stakecalc.convert_to_debt(deal.conversion, deal.repurchase, [], D(2022, 1, 1))
    rows = conv["loans"][0]["schedule"]
    lpath = tmp_path / "conversion_loan.xlsx"
    xlsx.export_loan_schedule(rows, lpath, terms=deal.conversion.loan, principal=conv["principal"],
                              start=D(2022, 1, 1))
    lbook = Book(run(lpath))
    ws = openpyxl.load_workbook(lpath)["Schedule"]
    col = columns(ws)
    for i, r in enumerate(rows):
        assert cents(lbook("Schedule", f"{col['Interest']}{i + 2}")) == r.interest
        assert lbook("Schedule", f"{col['Check']}{i + 2}") == "OK"


# ---- what the export refuses ---------------------------------------------------------------------

def test_more_than_15_significant_digits_is_refused(tmp_path):
    big = stakecalc.Loan(M("12345678901234.56"), M("0.04"), D(2024, 1, 1), periods=3, repayment="bullet")
    with pytest.raises(xlsx.NotExactInSpreadsheet, match="16 significant digits"):
        xlsx.export_loan_schedule(big, tmp_path / "big.xlsx")
    assert not (tmp_path / "big.xlsx").exists()
    fifteen = stakecalc.Loan(M("1234567890123.45"), M("0.04"), D(2024, 1, 1), periods=3, repayment="bullet")
    xlsx.export_loan_schedule(fifteen, tmp_path / "fifteen.xlsx")
    assert openpyxl.load_workbook(tmp_path / "fifteen.xlsx")["Inputs"]["B4"].value == 1234567890123.45
    with pytest.raises(xlsx.NotExactInSpreadsheet):
        xlsx._exact_number(M("0.1234567890123456"), "rate")
    with pytest.raises(TypeError):
        xlsx._exact_number(0.1, "rate")


def test_what_formulas_cannot_express_is_refused(tmp_path):
    loan = LOANS["equal_principal_act360"]()
    with pytest.raises(NotImplementedError, match="prepayment"):
        xlsx.export_loan_schedule(loan.with_prepayment(D(2024, 6, 1), M("100000.00")), tmp_path / "p.xlsx")
    unrounded = stakecalc.Loan(M("1000.00"), M("0.08"), D(2013, 1, 1), periods=12, rounding=None)
    with pytest.raises(NotImplementedError, match="unrounded"):
        xlsx.export_loan_schedule(unrounded, tmp_path / "u.xlsx")
    mid_period = stakecalc.Loan(M("1000000.00"), None, D(2024, 7, 15), periods=12, repayment="annuity",
                                benchmark=rates_table(), reset="1Y", reset_anchor=D(2025, 1, 1))
    with pytest.raises(NotImplementedError, match="within an interest period"):
        xlsx.export_loan_schedule(mid_period, tmp_path / "m.xlsx")


def test_check_column_flags_a_changed_input(tmp_path, engine):
    """The Check column is live: change an input and the rows it feeds say DIFFERS."""
    engine_name, run = engine
    loan = LOANS["equal_principal_act360"]()
    path = exported(tmp_path, "tampered", loan)
    book = openpyxl.load_workbook(path)
    ws = book["Schedule"]
    col = columns(ws)
    ws[f"{col['Accrual end']}6"] = ws[f"{col['Accrual end']}6"].value + dt.timedelta(days=1)  # a day more in period 5
    book.save(path)
    got = Book(run(path))
    checks = [got("Schedule", f"{col['Check']}{x}") for x in range(2, 2 + len(loan.schedule()))]
    assert checks[:4] == ["OK"] * 4 and checks[4] == "DIFFERS"


# ---- repurchase executions -----------------------------------------------------------------------

def repurchase_case():
    investment = stakecalc.Investment(T0, M("3000000.00"), 3000000)
    P = stakecalc.PriceFormula
    windows = [stakecalc.RepurchaseWindow(P.at_cost(), label="years 0-1", until="1Y"),
               stakecalc.RepurchaseWindow(P.simple_interest(M("0.0385"), day_count="ACT/360"), label="years 1-3",
                                          start="1Y", until="3Y"),
               stakecalc.RepurchaseWindow(P.compound_interest(M("0.05"), periods_per_year=4), label="years 3-5",
                                          start="3Y", until="5Y"),
               stakecalc.RepurchaseWindow(P.greater_of(P.at_cost(), P.simple_interest(M("0.01"))), label="after 5",
                                          start="5Y")]
    terms = stakecalc.RepurchaseTerms(investment, windows)
    plan = [stakecalc.Tranche(D(2021, 6, 30), "zhang", proportion=Fraction(1, 7)),
            stakecalc.Tranche(D(2022, 9, 15), "li", proportion=Fraction(1, 5)),
            stakecalc.Tranche(D(2023, 3, 1), "", proportion=Fraction(1, 10)),
            stakecalc.Tranche(D(2024, 11, 30), "zhang", proportion=Fraction(1, 4)),
            stakecalc.Tranche(D(2026, 7, 1), "li", proportion=Fraction(1, 6))]
    return terms, plan


def test_repurchase_recalculated(tmp_path, engine):
    engine_name, run = engine
    terms, plan = repurchase_case()
    ev = stakecalc.evaluate_plan(terms, plan)
    path = tmp_path / "repurchase.xlsx"
    xlsx.export_repurchase(ev, path, terms=terms)
    raw = openpyxl.load_workbook(path)["Tranches"]
    kinds = [raw[f"O{x}"].value for x in range(2, 2 + len(plan))]
    assert kinds[:4] == ["formula"] * 4 and kinds[4].startswith("the library's exact amount (greater_of")
    assert raw["M3"].value == "=H3*(1+K3*J3)" and raw["M5"].value == "=H5*(1+K5/L5)^(L5*J5)"
    assert raw["N2"].value == "=ROUND(M2,2)"
    book = Book(run(path))
    for k, t in enumerate(ev["tranches"]):
        x = k + 2
        assert cents(book("Tranches", f"N{x}")) == t["amount"], t["formula"]
        assert book("Tranches", f"S{x}") == "OK"
    tr = len(plan) + 3
    assert cents(book("Tranches", f"N{tr}")) == ev["team_cost"]
    assert book("Tranches", f"S{tr}") == "OK" and book("Tranches", f"S{tr + 1}") == "OK"
    # an independent derivation of one price: the ACT/360 simple interest of tranche 2
    cost = Fraction(3000000) * Fraction(ev["tranches"][1]["units"]) / 3000000
    days = (D(2022, 9, 15) - T0).days
    exact = cost * (1 + Fraction(385, 10000) * Fraction(days, 360))
    want = (M(exact.numerator) / M(exact.denominator)).quantize(M("0.01"), "ROUND_HALF_UP")
    assert cents(book("Tranches", "N3")) == want


def test_rows_the_formulas_do_not_reproduce(tmp_path, engine):
    """Rows with terms that do not fit them (an ACT/360 schedule said to be ACT/365F): refused when strict,
    written with DIFFERS in the Check column otherwise."""
    engine_name, run = engine
    loan = LOANS["equal_principal_act360"]()
    rows = loan.schedule()
    terms = dict(loan.__getstate__()[1], principal=M("3600000.00"), rate=M("0.0385"), start=D(2024, 1, 15),
                 day_count="ACT/365F")
    with pytest.raises(NotImplementedError, match="would not reproduce"):
        xlsx.export_loan_schedule(rows, tmp_path / "strict.xlsx", terms=terms)
    path = tmp_path / "lenient.xlsx"
    xlsx.export_loan_schedule(rows, path, terms=terms, strict=False)
    book = Book(run(path))
    assert book("Schedule", "T2") == "DIFFERS"


def test_stubs_match_the_module():
    import ast
    stub = pathlib.Path(xlsx.__file__).with_suffix(".pyi")
    tree = ast.parse(stub.read_text())
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    names |= {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign)}
    assert names == set(xlsx.__all__)
