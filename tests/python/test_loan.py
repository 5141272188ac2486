"""The debt engine from Python: stakecalc.Loan, stakecalc.RateTable, stakecalc.lpr.

Oracles: the published bank example (1,000,000 yuan, 20 years, 4.9%: 6,544.44 a month for 等额本息;
8,250.00 then 8,232.99 for 等额本金), and tables derived here in exact fractions: the closed form
P r (1+r)^n / ((1+r)^n - 1) and the bank's month-by-month loop (interest = balance x annual / 12,
half-up to the fen; the last month repays the balance). Hypothesis checks that random loans
reconcile to the fen.
"""
import datetime as dt
import pickle
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stakecalc

D = dt.date


def fen(x: Fraction) -> Decimal:
    """Half-up to the fen, exactly (x >= 0)."""
    q = (x * 100 + Fraction(1, 2)).__floor__()
    return Decimal(q) / 100


def closed_form(principal: Fraction, monthly: Fraction, n: int) -> Fraction:
    g = (1 + monthly) ** n
    return principal * monthly * g / (g - 1)


def bank_table(principal, monthly, n, equal_instalments):
    instalment = Fraction(fen(closed_form(principal, monthly, n) if equal_instalments else principal / n))
    balance, rows = principal, []
    for k in range(1, n + 1):
        interest = Fraction(fen(balance * monthly))
        if k < n:
            repaid = instalment - interest if equal_instalments else instalment
        else:
            repaid = balance
        balance -= repaid
        rows.append((Decimal(interest.numerator) / interest.denominator, fen(repaid), fen(interest + repaid), fen(balance)))
    return rows


def bank_loan(repayment, periods=240, **kwargs):
    return stakecalc.Loan(Decimal("1000000.00"), Decimal("0.049"), D(2024, 1, 15), periods=periods,
                          repayment=repayment, interest_basis="MONTHLY", **kwargs)


# --- published examples -----------------------------------------------------------------------

def test_equal_instalments_bank_example():
    loan = bank_loan("annuity")
    rows = loan.schedule()
    assert len(rows) == 240
    first = rows[0]
    assert (first.payment, first.interest, first.principal) == (Decimal("6544.44"), Decimal("4083.33"), Decimal("2461.11"))
    assert isinstance(first.payment, Decimal) and first.date == D(2024, 2, 15)
    want = bank_table(Fraction(1000000), Fraction(49, 12000), 240, True)
    assert [(r.interest, r.principal, r.payment, r.closing_balance) for r in rows] == want
    assert loan.totals()["principal"] == Decimal("1000000.00")


def test_equal_principal_bank_example():
    rows = bank_loan("等额本金").schedule()
    assert [r.payment for r in rows[:3]] == [Decimal("8250.00"), Decimal("8232.99"), Decimal("8215.98")]
    want = bank_table(Fraction(1000000), Fraction(49, 12000), 240, False)
    assert [(r.interest, r.principal, r.payment, r.closing_balance) for r in rows] == want


def test_thirty_years():
    assert bank_loan("annuity", periods=360).schedule()[0].payment == Decimal("5307.27")


# --- reconciliation -----------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(
    cents=st.integers(100000, 1000000000),
    basis_points=st.integers(0, 2400),
    periods=st.integers(1, 120),
    repayment=st.sampled_from(["bullet", "equal_principal", "annuity"]),
    grace_share=st.floats(0, 0.99),
    monthly=st.booleans(),
    offset=st.integers(0, 1825),
    mode=st.sampled_from(["HALF_UP", "HALF_EVEN", "DOWN"]),
)
def test_random_loans_reconcile(cents, basis_points, periods, repayment, grace_share, monthly, offset, mode):
    principal = Decimal(cents).scaleb(-2)
    grace = 0 if repayment == "bullet" else int(grace_share * periods)
    loan = stakecalc.Loan(principal, Decimal(basis_points).scaleb(-4), D(2020, 1, 1) + dt.timedelta(days=offset),
                          periods=periods, repayment=repayment, grace_periods=grace, rounding=mode,
                          interest_basis="MONTHLY" if monthly else "DAY_COUNT")
    rows = loan.schedule()
    balance = principal
    for r in rows:
        assert r.opening_balance == balance
        assert r.payment == r.interest + r.principal
        assert r.closing_balance == r.opening_balance - r.principal >= 0
        assert r.interest >= 0
        balance = r.closing_balance
    assert sum(r.principal for r in rows) == principal
    assert rows[-1].closing_balance == 0
    totals = loan.totals()
    assert totals["interest"] == sum(r.interest for r in rows)
    assert totals["payments"] == sum(r.payment for r in rows)


# --- rates ----------------------------------------------------------------------------------------

def test_lpr_history_and_extension():
    assert stakecalc.lpr("1Y", on=D(2020, 8, 20)) == Decimal("0.0385")
    assert stakecalc.lpr("5Y", on=D(2024, 7, 22)) == Decimal("0.0385")
    assert stakecalc.lpr(on=D(2019, 8, 20)) == Decimal("0.0425")
    with pytest.raises(stakecalc.InvalidInput, match="2019-08-20"):
        stakecalc.lpr("1Y", on=D(2019, 1, 1))
    table = stakecalc.lpr_table("1Y")
    assert len(table) == 83 and table.name == "LPR-1Y"
    last = table.fixings[-1][0]
    newer = table.with_fixings([(last + dt.timedelta(days=30), Decimal("0.029"))])
    assert newer.rate_on(last + dt.timedelta(days=40)) == Decimal("0.029")
    assert len(stakecalc.lpr_table("1Y")) == 83
    with pytest.raises(stakecalc.InvalidInput, match="with_fixings"):
        stakecalc.lpr("1Y", on=last + dt.timedelta(days=60))


def test_rate_table_json_and_pickle():
    table = stakecalc.RateTable.from_json(
        '{"name": "MY", "unit": "percent", "fixings": [{"date": "2024-01-22", "rate": "4.20"}]}')
    assert table.rate_on(D(2024, 3, 1)) == Decimal("0.042")
    assert stakecalc.RateTable.from_json(table.to_json()) == table
    assert pickle.loads(pickle.dumps(table)) == table
    with pytest.raises(stakecalc.InvalidInput, match="/fixings/0/rate"):
        stakecalc.RateTable.from_json('{"name": "X", "fixings": [{"date": "2024-01-22", "rate": 0.042}]}')
    with pytest.raises(ValueError, match="fixings"):
        stakecalc.RateTable("X", [(D(2024, 1, 1), 0.03)])


def test_benchmark_loan_resets_yearly():
    loan = stakecalc.Loan(Decimal("1200000.00"), None, D(2020, 1, 1), periods=60, repayment="annuity",
                          interest_basis="MONTHLY", benchmark="LPR-5Y", spread=Decimal("0.005"), reset="1Y")
    rows = loan.schedule()
    assert loan.initial_rate == Decimal("0.053")
    assert [rows[i].rate for i in (0, 11, 12, 36, 48)] == [Decimal(x) for x in ("0.053", "0.053", "0.0515", "0.048", "0.047")]
    assert rows[12].payment == fen(closed_form(Fraction(rows[11].closing_balance), Fraction(515, 120000), 48))
    custom = stakecalc.RateTable("MY-BENCH", [(D(2019, 1, 1), Decimal("0.04")), (D(2021, 1, 1), Decimal("0.05"))])
    loan = stakecalc.Loan(Decimal("1000.00"), None, D(2020, 1, 1), periods=24, benchmark=custom, reset="1Y",
                          cap=Decimal("0.045"))
    assert loan.schedule()[0].rate == Decimal("0.04") and loan.schedule()[-1].rate == Decimal("0.045")


# --- life of the loan -----------------------------------------------------------------------------

def test_accrued_interest_payoff_and_effective_rate():
    loan = stakecalc.Loan(Decimal("1000000.00"), Decimal("0.0365"), D(2024, 3, 1), maturity=D(2025, 3, 1),
                          frequency="3M", repayment="bullet")
    assert loan.accrued_interest(D(2024, 3, 11)) == Decimal("1013.89")  # 10 days x 3.65% / 360
    assert loan.payoff_amount(D(2024, 3, 11)) == Decimal("1001013.89")
    assert loan.payoff_amount(D(2024, 6, 1)) == Decimal("1000000.00")
    one = stakecalc.Loan(Decimal("1000.00"), Decimal("0.05"), D(2023, 1, 1), maturity=D(2024, 1, 1), frequency="1Y",
                         repayment="bullet", day_count="ACT/365F")
    assert round(one.effective_annual_rate(), 25) == Decimal("0.05")


def test_prepayment_keep_term_and_keep_instalment():
    base = bank_loan("annuity")
    before = base.schedule()
    lower = base.with_prepayment(D(2026, 1, 15), Decimal("200000.00"), keep="term")
    rows = lower.schedule()
    assert len(rows) == 240
    balance = Fraction(before[23].closing_balance) - 200000
    assert rows[24].payment == fen(closed_form(balance, Fraction(49, 12000), 216))
    shorter = base.with_prepayment(D(2026, 1, 15), Decimal("200000.00"), keep="instalment")
    assert len(shorter.schedule()) < 240 and shorter.schedule()[24].payment == Decimal("6544.44")
    assert [r.payment for r in base.schedule()] == [r.payment for r in before]  # the original loan is unchanged
    assert pickle.loads(pickle.dumps(shorter)).schedule()[-1].date == shorter.schedule()[-1].date
    with pytest.raises(stakecalc.InvalidInput, match="amount"):
        base.with_prepayment(D(2026, 1, 15), Decimal("5000000.00"))


def test_penalty_interest_and_legal_cap():
    loan = stakecalc.Loan(Decimal("120000.00"), Decimal("0.072"), D(2024, 1, 1), maturity=D(2024, 7, 1),
                          repayment="bullet")
    statement = loan.record_payments([], as_of=D(2024, 2, 11))
    # 744.00 of interest unpaid for 10 days at 7.2% x 1.5 / 360: 2.232 -> 2.23
    assert statement["penalty_charged"] == Decimal("2.23")
    assert statement["instalments"][0]["days_late"] == 10
    paid = loan.record_payments([(D(2024, 2, 11), Decimal("746.23"))], as_of=D(2024, 2, 11))
    assert paid["penalty_paid"] == Decimal("2.23") and paid["instalments"][0]["settled_on"] == D(2024, 2, 11)

    capped = stakecalc.Loan(Decimal("500000.00"), Decimal("0.15"), D(2021, 3, 15), periods=24,
                            contract_date=D(2021, 3, 1))
    check = capped.legal_cap_check()
    assert check["lpr_1y"] == Decimal("0.0385") and check["cap"] == Decimal("0.154")
    assert check["rate_within_cap"] and not check["penalty_within_cap"]


def test_to_pandas():
    pandas = pytest.importorskip("pandas")
    frame = bank_loan("annuity", periods=12).to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["start", "end", "date", "days", "rate", "opening_balance", "interest", "principal",
                                   "payment", "closing_balance"]
    assert frame["payment"].iloc[0] == bank_loan("annuity", periods=12).schedule()[0].payment


def test_unrounded_loan():
    loan = stakecalc.Loan(Decimal("1000.00"), Decimal("0.08"), D(2013, 1, 1), periods=12, rounding=None,
                          day_count="ACT/365F")
    rows = loan.schedule()
    assert rows[0].payment == rows[5].payment
    assert rows[0].payment.as_tuple().exponent == -20


# --- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs,field,value",
    [
        ({"principal": Decimal("0")}, "principal", "0"),
        ({"principal": Decimal("-100.00")}, "principal", "-100.00"),
        ({"maturity": D(2023, 12, 31), "periods": None}, "maturity", "2023-12-31"),
        ({"rate": Decimal("-1.5")}, "rate", "-1.5"),
        ({"grace_periods": 12}, "grace_periods", "12"),
        ({"principal": Decimal("100.005")}, "principal", "100.005"),
        ({"rate": 0.05}, "rate", "float"),
        ({"repayment": "balloon"}, "repayment", "balloon"),
        ({"benchmark": "SHIBOR", "rate": None}, "benchmark", "SHIBOR"),
    ],
)
def test_bad_input_names_field_and_value(kwargs, field, value):
    args = {"principal": Decimal("100000.00"), "rate": Decimal("0.05"), "start": D(2024, 1, 1), "periods": 12}
    args.update(kwargs)
    args = {k: v for k, v in args.items() if v is not None or k == "rate"}
    with pytest.raises(stakecalc.InvalidInput) as error:
        stakecalc.Loan(**args)
    assert isinstance(error.value, ValueError)
    assert str(error.value).startswith(field + ":")
    assert value in str(error.value)


def test_compiled_lpr_history_matches_its_json(source_dir, tmp_path):
    """src/lpr_data.cpp is generated from src/data/lpr_history.json: an edit to one alone fails here."""
    import subprocess
    import sys

    generated = tmp_path / "lpr_data.cpp"
    subprocess.run([sys.executable, str(source_dir / "scripts" / "generate_lpr_data.py"),
                    str(source_dir / "src" / "data" / "lpr_history.json"), str(generated)], check=True,
                   capture_output=True)
    assert generated.read_text(encoding="utf-8") == (source_dir / "src" / "lpr_data.cpp").read_text(encoding="utf-8")
