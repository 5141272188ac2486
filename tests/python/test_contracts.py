"""The contracts layer from Python: repurchase terms and plans, equity-to-debt, grant-equivalents,
exit paths, explanations, pickling, and sweeps (local threads, Ctrl-C, a Dask LocalCluster).

Oracles: every expected number is derived here, in exact fractions, from the contract's formulas;
never from stakecalc's own output. The deal is CNY 1,000,000.00 on 2021-01-01 for 1,000,000 of the
company's 10,000,000 shares (the team holds 6,000,000), repurchase at cost plus a simple rate
(ACT/365F), market rate 8%. Exits 1, 2, 3 years later are 365, 730, 1,095 days: whole years, so
1.08^2 and 1.08^3 are exact; what is irrational (an IRR, a discount over 1,461/365 years) is computed
with the decimal module at 50 digits and compared to 27.
"""
import _thread
import datetime as dt
import itertools
import pickle
import threading
import time
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

import stakecalc
from stakecalc import scenarios_of, sweep

D = dt.date
I = Fraction(1000000)
T0 = D(2021, 1, 1)
MARKET = Fraction(108, 100)
PATHS = ("repurchase", "conversion", "sale", "write_off")
SCALARS = ("fund_irr", "fund_multiple", "cash_recovered", "grant_equivalent", "grant_equivalent_share", "team_cost",
           "fund_units_left", "team_ownership")


# ---- independent arithmetic ------------------------------------------------------------------------

def cents(x) -> Decimal:
    """Half-up (away from zero) to the cent, exactly."""
    x = Fraction(x)
    q = (abs(x) * 100 + Fraction(1, 2)).__floor__()
    return (Decimal(q) / 100) * (1 if x >= 0 else -1)


def dec50(x: Fraction) -> Decimal:
    with localcontext() as c:
        c.prec = 50
        return Decimal(x.numerator) / Decimal(x.denominator)


def discount(amount, days) -> Decimal:
    """amount / 1.08^(days / 365) at 50 digits (exact when days is a whole number of years)."""
    with localcontext() as c:
        c.prec = 50
        if days % 365 == 0:
            return dec50(Fraction(amount) / MARKET ** (days // 365))
        return Decimal(Fraction(amount).numerator) / Decimal(Fraction(amount).denominator) / (
            Decimal("1.08") ** (Decimal(days) / 365))


def grant_equivalent(recoveries) -> Decimal:
    """I - PV(recoveries) at 8%, ACT/365F to the investment date, half-up to the cent."""
    with localcontext() as c:
        c.prec = 50
        pv = sum((discount(a, (on - T0).days) for on, a in recoveries), Decimal(0))
        return cents(Fraction(Decimal(1000000) - pv))


def root(cash: Fraction, years: int) -> Decimal:
    """(cash / I)^(1 / years) - 1 at 50 digits: the IRR of -I then cash `years` later."""
    with localcontext() as c:
        c.prec = 50
        return (dec50(cash / I).ln() / years).exp() - 1


def close(a: Decimal, b: Decimal, digits: int = 27) -> bool:
    return abs(Fraction(a) - Fraction(b)) <= Fraction(1, 10 ** digits)


def years_later(y: int) -> dt.date:
    return D(2021 + y, 1, 1)


# ---- the deal -------------------------------------------------------------------------------------

def terms(rate="0.02"):
    investment = stakecalc.Investment(T0, Decimal("1000000.00"), 1000000)
    window = stakecalc.RepurchaseWindow(stakecalc.PriceFormula.simple_interest(Decimal(rate)), label="any time")
    return stakecalc.RepurchaseTerms(investment, [window])


def conversion():
    return stakecalc.EquityToDebtTerms(
        debtors=[("company", 1, True)],
        loan={"rate": Decimal("0.06"), "periods": 1, "frequency": "1Y", "repayment": "bullet", "day_count": "ACT/365F"},
        principal=stakecalc.PriceFormula.at_cost())


def the_deal(rate="0.02"):
    return stakecalc.ExitDeal(terms(rate), market_rate=Decimal("0.08"), conversion=conversion(),
                              company_units=10000000, team_units=6000000)


GRID = {"exit_year": [1, 2, 3], "valuation": [Decimal("15000000"), Decimal("20000000")],
        "rate": [Decimal("0.02"), Decimal("0.05")], "proportion": [Fraction(1, 2), Fraction(1)]}


def grid_sweep(**kwargs):
    options = dict(paths=PATHS, buyer="zhang", progress=False)
    options.update(kwargs)
    return sweep(the_deal(), GRID, **options)


# ---- terms, plans, explanations ------------------------------------------------------------------------

def test_quote_and_its_explanation():
    q = terms().quote(D(2024, 1, 1), 1000000)
    # 1,000,000 x (1 + 2% x 1,095 / 365) = 1,060,000 exactly.
    assert q["exact_amount"] == I * (1 + Fraction(2, 100) * Fraction(1095, 365))
    assert q["amount"] == Decimal("1060000.00") and isinstance(q["amount"], Decimal)
    assert q["window_label"] == "any time" and q["proportion"] == 1
    text = str(q["explanation"])
    assert "days = 1095" in text and "HALF_UP" in text and "CNY 1,060,000.00" in text
    d = q["explanation"].to_dict()
    assert any(name == "days" and value == "1095" for name, value, _ in d["steps"][0]["inputs"])
    assert stakecalc.Explanation.from_dict(d) == q["explanation"]


TEXT_KEYS = {"explanation", "formula", "grant_equivalent_explanation"}


def numbers_of(value):
    """A result with its explanations and formula texts left out, nested dicts and lists included."""
    if isinstance(value, dict):
        return {k: numbers_of(v) for k, v in value.items() if k not in TEXT_KEYS}
    if isinstance(value, list):
        return [numbers_of(v) for v in value]
    return value


def explanations_in(result):
    found = [result[k] for k in ("explanation", "grant_equivalent_explanation") if k in result]
    return found + [t["explanation"] for t in result.get("tranches", [])]


def test_explain_false_gives_the_same_numbers_without_the_text():
    # Every entry point that explains takes explain=False for loops over many evaluations: the same
    # numbers (compared whole, nested tranches and flows included), every explanation empty.
    plan = [stakecalc.Tranche(D(2022, 1, 1), "zhang", proportion=Fraction(1, 2)),
            stakecalc.Tranche(D(2024, 1, 1), "li", proportion=Fraction(1, 2))]
    investment = terms().investment
    flows = [(T0, Decimal("-1000000.00")), (D(2023, 1, 1), Decimal("1100000.00"))]
    formula = stakecalc.PriceFormula.compound_interest(Decimal("0.05"))
    deal = the_deal()
    calls = {
        "PriceFormula.evaluate": lambda e: formula.evaluate(investment, D(2023, 7, 1), 1000, explain=e),
        "RepurchaseTerms.quote": lambda e: terms().quote(D(2024, 1, 1), 1000000, explain=e),
        "quote with a formula": lambda e: terms().quote(D(2024, 1, 1), 1000, formula=formula, explain=e),
        "evaluate_plan": lambda e: stakecalc.evaluate_plan(terms(), plan, explain=e),
        "grant_equivalent_of_flows": lambda e: stakecalc.grant_equivalent_of_flows(investment, flows, "0.08", explain=e),
        "ExitDeal.evaluate": lambda e: deal.evaluate(stakecalc.ExitPath.repurchase(plan), explain=e),
        "evaluate_exit_path": lambda e: stakecalc.evaluate_exit_path(deal, stakecalc.ExitPath.sale(D(2024, 1, 1), Decimal("2E7")),
                                                                      explain=e),
    }
    for name, call in calls.items():
        full, bare = call(True), call(False)
        assert numbers_of(full) == numbers_of(bare), name
        explained, bare_texts = explanations_in(full), explanations_in(bare)
        assert explained and all(t.subject for t in explained), name
        assert len(bare_texts) == len(explained) and not any(t.subject for t in bare_texts), name


def test_plan_evaluation():
    plan = [stakecalc.Tranche(D(2022, 1, 1), "zhang", proportion=Fraction(1, 2)),
            stakecalc.Tranche(D(2024, 1, 1), "li", proportion=Fraction(1, 2))]
    ev = stakecalc.evaluate_plan(terms(), plan)
    first, second = 500000 * (1 + Fraction(2, 100)), 500000 * (1 + Fraction(2, 100) * 3)
    assert [t["amount"] for t in ev["tranches"]] == [cents(first), cents(second)]
    assert ev["fund_flows"] == [(T0, Decimal("-1000000.00")), (D(2022, 1, 1), cents(first)), (D(2024, 1, 1), cents(second))]
    assert ev["fund_multiple"] == (first + second) / I
    assert ev["team_cost"] == cents(first + second)
    assert ev["cost_by_buyer"] == {"zhang": cents(first), "li": cents(second)}
    assert ev["units_left"] == 0 and ev["tranches"][0]["stake_left_after"] == Fraction(1, 2)
    # IRR: -1,000,000 + 510,000 / x + 530,000 / x^3 = 0 (whole years), Newton at 50 digits.
    with localcontext() as c:
        c.prec = 50
        x = Decimal("1.02")
        for _ in range(60):
            f = -Decimal(1000000) + Decimal(510000) / x + Decimal(530000) / x ** 3
            df = -Decimal(510000) / x ** 2 - 3 * Decimal(530000) / x ** 4
            x -= f / df
        irr = x - 1
    assert close(ev["fund_irr"], irr)
    assert stakecalc.tranche_units(terms(), plan) == [Decimal(500000), Decimal(500000)]


def test_refusals_name_the_field():
    with pytest.raises(stakecalc.InvalidInput, match="proportion"):
        stakecalc.Tranche(D(2022, 1, 1), "zhang", proportion=Fraction(1, 2), units=10)
    with pytest.raises(stakecalc.InvalidInput, match=r"tranches\[0\]\.proportion"):
        stakecalc.evaluate_plan(terms(), [stakecalc.Tranche(D(2022, 1, 1), "zhang", proportion=Fraction(3, 2))])
    with pytest.raises(stakecalc.DomainRuleError, match=r"tranches\[0\]\.on"):
        stakecalc.evaluate_plan(terms(), [stakecalc.Tranche(D(2020, 1, 1), "zhang", proportion=1)])
    with pytest.raises(stakecalc.InvalidInput, match="amount"):
        stakecalc.Investment(T0, 1000000.0, 1000000)
    with pytest.raises(stakecalc.InvalidInput, match=r"formula\.rate"):
        stakecalc.PriceFormula.simple_interest()
    with pytest.raises(stakecalc.InvalidInput, match=r"windows\[0\]\.until"):
        bad = stakecalc.RepurchaseWindow(stakecalc.PriceFormula.at_cost(), start="3Y", until="1Y")
        stakecalc.RepurchaseTerms(stakecalc.Investment(T0, 1000, 1000), [bad])
    with pytest.raises(stakecalc.InvalidInput, match=r"loan\.periodz"):
        stakecalc.EquityToDebtTerms(debtors=[("company", 1, True)], loan={"periodz": 1})
    with pytest.raises(stakecalc.InvalidInput, match=r"grid\.proportion\[1\]"):
        sweep(the_deal(), {"exit_year": [1], "proportion": [1, Fraction(3, 2)]}, progress=False)
    with pytest.raises(stakecalc.InvalidInput, match=r"grid\.valuation\[0\]"):
        sweep(the_deal(), {"exit_year": [1], "valuation": [1.5e7]}, paths="sale", progress=False)
    with pytest.raises(stakecalc.InvalidInput, match=r"paths\[1\]"):
        sweep(the_deal(), {"exit_year": [1]}, paths=("sale", "ipo"), progress=False)
    with pytest.raises(stakecalc.InvalidInput, match=r"grid\.holding"):
        sweep(the_deal(), {"exit_year": [1], "holding": [1]}, progress=False)
    with pytest.raises(stakecalc.InvalidInput, match=r"scenarios\[1\]\.exit_on"):
        sweep(the_deal(), [{"exit_year": 1}, {"rate": Decimal("0.03")}], progress=False)
    with pytest.raises(stakecalc.InvalidInput, match=r"grid\.exit_on\[0\]"):
        sweep(the_deal(), {"exit_on": [D(2020, 6, 30)]}, progress=False)
    # ValueError catches them all in a notebook.
    with pytest.raises(ValueError):
        stakecalc.Tranche(D(2022, 1, 1), "zhang")


# ---- conversion, grant-equivalents, exit paths --------------------------------------------------------

def test_conversion_to_debt():
    c = stakecalc.convert_to_debt(conversion(), terms(), [], D(2022, 1, 1))
    # At cost: the principal is I; one year at 6% on 365 days: 60,000.00 of interest.
    assert c["principal"] == Decimal("1000000.00") and c["exact_principal"] == I
    [loan] = c["loans"]
    [row] = loan["schedule"]
    assert isinstance(row, stakecalc.LoanRow)
    assert (row.date, row.interest, row.payment) == (D(2023, 1, 1), cents(I * Fraction(6, 100)), cents(I * Fraction(106, 100)))
    assert loan["totals"]["interest"] == Decimal("60000.00") and loan["is_company"]
    assert c["units_cancelled"] and c["units_to"] == []
    assert c["fund_multiple"] == Fraction(106, 100) and c["team_cost"] == Decimal("0.00")
    assert close(c["fund_irr"], root(Fraction(1060000), 2))
    assert isinstance(c["statement"], stakecalc.Explanation) and "conversion principal" in c["statement"].subject
    # A deadline trigger three years on fires with the whole stake still held.
    with_deadline = stakecalc.EquityToDebtTerms(debtors=[("company", 1, True)], loan=conversion().loan,
                                                triggers=[("deadline", "3Y")], principal=stakecalc.PriceFormula.at_cost())
    fired = stakecalc.first_trigger(with_deadline, terms(), [])
    assert fired["on"] == D(2024, 1, 1) and fired["kind"] == "deadline_passed"
    assert stakecalc.convert_on_first_trigger(with_deadline, terms(), [])["on"] == D(2024, 1, 1)


def test_grant_equivalent_two_readings():
    # The team pays 1,060,000.00 after 3 years; a market price (8% compound) would be I x 1.08^3.
    plan = [stakecalc.Tranche(D(2024, 1, 1), "zhang", proportion=1)]
    market = stakecalc.PriceFormula.compound_interest(Decimal("0.08"))
    want = cents((I * MARKET ** 3 - 1060000) / MARKET ** 3)
    g = stakecalc.grant_equivalent(terms(), plan, market, Decimal("0.08"))
    assert g["value"] == want == Decimal("158537.82")
    assert g["of_investment"] == Fraction(want) / I
    flows = [(T0, Decimal("-1000000.00")), (D(2024, 1, 1), Decimal("1060000.00"))]
    assert stakecalc.grant_equivalent_of_flows(terms().investment, flows, "0.08")["value"] == want


def test_exit_paths_compared():
    pd = pytest.importorskip("pandas")
    deal = the_deal()
    paths = [stakecalc.ExitPath.repurchase([stakecalc.Tranche(D(2024, 1, 1), "zhang", proportion=1)]),
             stakecalc.ExitPath.conversion(D(2022, 1, 1)),
             stakecalc.ExitPath.sale(D(2024, 1, 1), Decimal("20000000")),
             stakecalc.ExitPath.write_off(D(2023, 1, 1))]
    rep, conv, sale, off = deal.compare(paths)
    assert rep["cash_recovered"] == Decimal("1060000.00") and rep["team_ownership"] == Fraction(7, 10)
    assert rep["grant_equivalent"] == grant_equivalent([(D(2024, 1, 1), 1060000)])
    assert conv["path"] == "conversion on 2022-01-01"
    assert conv["grant_equivalent"] == grant_equivalent([(D(2023, 1, 1), 1060000)]) == Decimal("91220.85")
    assert conv["team_ownership"] == Fraction(6, 9)
    assert sale["fund_multiple"] == 2 and close(sale["fund_irr"], root(Fraction(2000000), 3))
    assert sale["grant_equivalent"] == grant_equivalent([(D(2024, 1, 1), 2000000)]) == Decimal("-587664.48")
    assert off["fund_irr"] is None and off["grant_equivalent"] == Decimal("1000000.00")
    frame = deal.compare_frame(paths)
    assert isinstance(frame, pd.DataFrame) and len(frame) == 4
    assert list(frame["cash_recovered"]) == [r["cash_recovered"] for r in (rep, conv, sale, off)]
    assert stakecalc.evaluate_exit_path(deal, paths[2])["fund_flows"] == sale["fund_flows"]
    with pytest.raises(stakecalc.InvalidInput, match=r"paths\[1\]\.conversion"):
        stakecalc.ExitDeal(terms(), market_rate="0.08", company_units=10000000).compare(
            [paths[2], stakecalc.ExitPath.conversion(D(2022, 1, 1))])


def test_a_labelled_path_names_its_row():
    # Two repurchase plans side by side need names: 'repurchase per plan' twice tells them apart by nothing.
    deal = the_deal()
    all_in_2024 = [stakecalc.Tranche(D(2024, 1, 1), "zhang", proportion=1)]
    half_in_2024 = [stakecalc.Tranche(D(2024, 1, 1), "zhang", proportion=Fraction(1, 2))]
    labelled = stakecalc.ExitPath.repurchase(all_in_2024, label="zhang buys it all in 2024")
    assert labelled.label == "zhang buys it all in 2024" and "label=zhang buys" in repr(labelled)
    whole, half, sale = deal.compare([labelled, stakecalc.ExitPath.repurchase(half_in_2024),
                                      stakecalc.ExitPath.sale(D(2024, 1, 1), 20000000, label="trade sale")])
    assert [whole["path"], half["path"], sale["path"]] == ["zhang buys it all in 2024", "repurchase per plan",
                                                           "trade sale"]
    assert whole["cash_recovered"] == Decimal("1060000.00")  # the label changes the name, not the numbers
    assert pickle.loads(pickle.dumps(labelled)).label == labelled.label
    with pytest.raises(stakecalc.InvalidInput, match="label"):
        stakecalc.ExitPath.write_off(D(2023, 1, 1), label=7)


def test_objects_pickle():
    inv = stakecalc.Investment(T0, Decimal("1000000.00"), 1000000)
    hurdle = stakecalc.PriceFormula.simple_interest(benchmark="LPR-1Y", benchmark_on="investment")
    formula = stakecalc.PriceFormula.capped(
        stakecalc.PriceFormula.with_waived_return(stakecalc.PriceFormula.fair_value(), Fraction(1, 2), hurdle),
        stakecalc.PriceFormula.fair_value())
    table = stakecalc.RateTable("MY-RATE", [(D(2020, 1, 1), Decimal("0.04"))])
    facts = stakecalc.DealFacts(rates=[table], unit_prices=[(D(2022, 6, 30), Fraction(16, 5), "series B")],
                                dividends=[(D(2022, 12, 31), Decimal("100000.00"), 1000000)])
    window = stakecalc.RepurchaseWindow(formula, label="years 0-5", until="5Y", max_by_end=Fraction(1, 2))
    objects = [inv, formula, window, stakecalc.RepurchaseTerms(inv, [window]), facts,
               stakecalc.Tranche(D(2022, 1, 1), "zhang", units=1000), conversion(),
               stakecalc.ExitPath.sale(D(2024, 1, 1), Decimal("20000000")), the_deal(),
               scenarios_of(GRID), scenarios_of([{"exit_on": "3Y", "rate": "0.03"}]),
               stakecalc.SweepSpec(the_deal(), paths=PATHS, base={"valuation": Decimal("20000000")}),
               terms().quote(D(2024, 1, 1), 1000)["explanation"]]
    for x in objects:
        y = pickle.loads(pickle.dumps(x))
        assert y == x and type(y) is type(x), repr(x)
    deal = the_deal()
    path = stakecalc.ExitPath.sale(D(2024, 1, 1), Decimal("20000000"))
    assert pickle.loads(pickle.dumps(deal)).evaluate(path)["grant_equivalent"] == deal.evaluate(path)["grant_equivalent"]
    assert the_deal("0.03") != the_deal("0.02")


# ---- sweeps -------------------------------------------------------------------------------------------

def expected_row(y, valuation, rate, q):
    """Every number of a row, from the contract's formulas (prices at cost = units, since I / U = 1)."""
    exit_day, units = years_later(y), Fraction(int(1000000 * q))
    rep_cash = units * (1 + Fraction(rate) * y)
    row = {"exit_on": exit_day, "valuation": valuation, "rate": rate, "proportion": q}
    row["repurchase"] = {"cash_recovered": cents(rep_cash), "fund_multiple": Fraction(cents(rep_cash)) / I,
                         "grant_equivalent": grant_equivalent([(exit_day, cents(rep_cash))]),
                         "team_cost": cents(rep_cash), "fund_units_left": Decimal(int(1000000 - units)),
                         "team_ownership": (6000000 + units) / 10000000}
    if q == 1:
        row["conversion"] = None
    else:
        left = I - units  # converted at cost, lent for a year at 6% on ACT/365F
        repaid_on = D(2022 + y, 1, 1)
        payment = cents(left) + cents(left * Fraction(6, 100) * Fraction((repaid_on - exit_day).days, 365))
        row["conversion"] = {"cash_recovered": cents(rep_cash) + payment,
                             "grant_equivalent": grant_equivalent([(exit_day, cents(rep_cash)), (repaid_on, payment)]),
                             "team_cost": cents(rep_cash), "fund_units_left": Decimal(0),
                             "team_ownership": (6000000 + units) / (10000000 - left)}
    sale_cash = Fraction(valuation) / 10
    row["sale"] = {"cash_recovered": cents(sale_cash), "fund_multiple": sale_cash / I,
                   "grant_equivalent": grant_equivalent([(exit_day, cents(sale_cash))]),
                   "team_cost": Decimal("0.00"), "team_ownership": Fraction(3, 5)}
    row["write_off"] = {"fund_irr": None, "fund_multiple": 0, "grant_equivalent": Decimal("1000000.00"),
                        "fund_units_left": Decimal(1000000)}
    return row, y, rep_cash, sale_cash


def test_sweep_rows_match_the_formulas_in_grid_order():
    df = grid_sweep(threads=2)
    order = list(itertools.product(GRID["exit_year"], GRID["valuation"], GRID["rate"], GRID["proportion"]))
    assert len(df) == 24 and list(df["scenario"]) == list(range(24))
    for i, (y, v, r, q) in enumerate(order):
        want, years, rep_cash, sale_cash = expected_row(y, v, r, q)
        row = df.iloc[i]
        assert (row["exit_on"], row["valuation"], row["rate"], row["proportion"]) == (years_later(y), v, r, q)
        for path in PATHS:
            cells = want[path]
            if cells is None:
                assert row[f"{path}_error"].startswith("DomainRuleError: on: ") and row[f"{path}_cash_recovered"] is None
                continue
            assert row[f"{path}_error"] is None, row[f"{path}_error"]
            for key, value in cells.items():
                assert row[f"{path}_{key}"] == value, (i, path, key)
        assert close(row["repurchase_fund_irr"], root(Fraction(cents(rep_cash)), years))
        assert close(row["sale_fund_irr"], root(Fraction(cents(sale_cash)), years))
        assert isinstance(row["sale_cash_recovered"], Decimal) and isinstance(row["sale_fund_multiple"], Fraction)


def test_equal_cells_of_a_sweep_column_share_one_object():
    # The table makes one Python object per distinct value of a column, not per row: rows 0 and 4
    # differ only in valuation, which the repurchase path ignores, so its cells are the same
    # objects (not adjacent, so through the column's memo); the sale path's differ.
    df = grid_sweep(threads=1)
    first, other = df.iloc[0], df.iloc[4]
    assert first["valuation"] != other["valuation"]
    for key in ("cash_recovered", "fund_irr", "fund_multiple", "team_ownership", "team_cost"):
        assert first[f"repurchase_{key}"] is other[f"repurchase_{key}"], key
    assert first["sale_cash_recovered"] != other["sale_cash_recovered"]
    assert first["proportion"] is df.iloc[2]["proportion"]  # Fraction(1, 2) again, two rows on


def test_a_sweep_evaluates_each_path_once_per_combination_of_what_it_reads():
    # 3 exits x 2 valuations x 2 rates x 2 proportions, worked out by hand: repurchase and
    # conversion read (exit, rate, proportion): 12 each; the sale (exit, valuation, rate): 12; the
    # write-off (exit, rate): 6. A list repeating one scenario evaluates it once.
    spec = stakecalc.SweepSpec(the_deal(), paths=PATHS, buyer="zhang")
    result = spec.run(stakecalc.scenarios_of(GRID))
    assert len(result) == 24 and result.evaluations == 42
    one = {"exit_year": 2, "valuation": Decimal("15000000"), "rate": Decimal("0.05"), "proportion": Fraction(1, 2)}
    repeated = spec.run(stakecalc.scenarios_of([one, one, one]))
    assert len(repeated) == 3 and repeated.evaluations == 4
    assert repeated.row(0) | {"scenario": 2} == repeated.row(2)


def test_a_sweep_leaves_the_garbage_collector_as_it_found_it():
    # sweep() holds the cyclic collector off while it makes its result objects (_sweep.py): it must
    # give it back enabled when it was, disabled when it was not, and after an error too.
    import gc

    assert gc.isenabled()
    grid_sweep(threads=1)
    assert gc.isenabled()
    gc.disable()
    try:
        grid_sweep(threads=1)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(stakecalc.InvalidInput):
        stakecalc.sweep(the_deal(), {"proportion": [Fraction(3, 2)]}, progress=False)
    assert gc.isenabled()


def test_a_sweep_row_equals_the_single_evaluation():
    df = grid_sweep(threads=2)
    spec = stakecalc.SweepSpec(the_deal(), paths=PATHS, buyer="zhang")
    for i in (0, 7, 10, 21):
        row = df.iloc[i]
        scenario = {"exit_on": row["exit_on"], "valuation": row["valuation"], "rate": row["rate"],
                    "proportion": row["proportion"]}
        single = spec.evaluate(scenario)
        assert all(single[k] == row[k] or (single[k] is None and row[k] is None) for k in single), i
        # The same scenario written out by hand on the exit-path API: the rate in the price formula.
        deal = the_deal(str(row["rate"]))
        on = row["exit_on"]
        tranche = [stakecalc.Tranche(on, "zhang", proportion=row["proportion"])]
        explicit = {"repurchase": stakecalc.ExitPath.repurchase(tranche),
                    "conversion": stakecalc.ExitPath.conversion(on, tranche),
                    "sale": stakecalc.ExitPath.sale(on, row["valuation"]),
                    "write_off": stakecalc.ExitPath.write_off(on)}
        for path, p in explicit.items():
            if row[f"{path}_error"] is not None:
                with pytest.raises(stakecalc.DomainRuleError):
                    deal.evaluate(p)
                continue
            result = deal.evaluate(p)
            for key in SCALARS:
                assert row[f"{path}_{key}"] == result[key], (i, path, key)


def test_same_rows_whatever_the_thread_count():
    pd = pytest.importorskip("pandas")
    one, two = grid_sweep(threads=1), grid_sweep(threads=2)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, grid_sweep())


def test_lists_and_frames_give_the_grids_rows():
    pd = pytest.importorskip("pandas")
    whole = grid_sweep()
    picked = [3, 10, 21]
    scenarios = [{"exit_on": whole["exit_on"][i], "valuation": whole["valuation"][i], "rate": whole["rate"][i],
                  "proportion": whole["proportion"][i]} for i in picked]
    for given in (scenarios, pd.DataFrame(scenarios)):
        part = sweep(the_deal(), given, paths=PATHS, buyer="zhang", progress=False)
        expected = whole.iloc[picked].reset_index(drop=True)
        expected["scenario"] = pd.Series(range(len(picked)), dtype="int64")
        pd.testing.assert_frame_equal(part, expected)


def test_progress_is_reported_and_can_be_turned_off(capsys):
    calls = []
    grid_sweep(progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (24, 24) and all(t == 24 for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    capsys.readouterr()
    grid_sweep(progress=False)
    assert capsys.readouterr().err == ""


def test_ctrl_c_stops_a_long_sweep():
    # 500,000 scenarios take far longer than the half second after which Ctrl-C arrives.
    grid = {"exit_year": [3], "rate": [Decimal(k) / 10000 for k in range(1, 501)],
            "proportion": [Fraction(k, 1000) for k in range(1, 1001)]}
    timer = threading.Timer(0.5, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            sweep(the_deal(), grid, threads=2, progress=False)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 30
    # The workers are gone: the next sweep runs normally.
    assert len(sweep(the_deal(), {"exit_year": [1]}, progress=False)) == 1


def test_dask_local_cluster_gives_the_local_rows():
    pd = pytest.importorskip("pandas")
    distributed = pytest.importorskip("dask.distributed")
    local = grid_sweep(threads=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            remote = grid_sweep(engine=client, partitions=5)
            pd.testing.assert_frame_equal(remote, local)
            # An explicit list is cut into slices; the rows keep their numbers.
            scenarios = [{"exit_year": y, "valuation": v, "rate": r, "proportion": q}
                         for y, v, r, q in itertools.product(*GRID.values())]
            from_list = sweep(the_deal(), scenarios, paths=PATHS, buyer="zhang", progress=False, engine=client,
                              partitions=7)
            pd.testing.assert_frame_equal(from_list, local)
