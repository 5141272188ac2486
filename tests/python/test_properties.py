"""Invariants of the public API as Hypothesis properties.

Every expected value is derived here, independently of stakecalc: exact ``Fraction`` arithmetic
with the rounding written out (``round_fraction``), calendar dates from ``datetime`` with the
month-end clamp written out, day counts from their definitions, present values with the
``decimal`` module at 50 digits. stakecalc's own results are only ever the thing under test.

Each property runs at least 1,000 generated examples (``derandomize=True``: the same examples on
every run, so a CI failure reproduces locally).
"""
import calendar as pycalendar
import datetime as dt
import math
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, Phase, assume, given, reject, settings
from hypothesis import strategies as st

import stakecalc

D = dt.date
PROPERTY = settings(max_examples=1000, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# ---- independent arithmetic -------------------------------------------------------------------------

def round_fraction(x, places: int, mode: str = "HALF_UP") -> Decimal:
    """x rounded to `places` decimals with a java.math.RoundingMode, exactly (no float, no library)."""
    x = Fraction(x)
    scaled = abs(x) * 10 ** places
    q, r = divmod(scaled.numerator, scaled.denominator)
    twice, den = 2 * r, scaled.denominator
    if mode == "DOWN":
        up = False
    elif mode == "UP":
        up = r != 0
    elif mode == "HALF_UP":
        up = twice >= den
    elif mode == "HALF_DOWN":
        up = twice > den
    elif mode == "HALF_EVEN":
        up = twice > den or (twice == den and q % 2 == 1)
    else:
        raise AssertionError(mode)
    q += up
    return (Decimal(-q if x < 0 else q)).scaleb(-places)


def add_months(d: dt.date, months: int) -> dt.date:
    """d plus whole months, the day clamped to the month's end (2024-01-31 + 1M = 2024-02-29)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    return D(year, month + 1, min(d.day, pycalendar.monthrange(year, month + 1)[1]))


def thirty_360_bond(a: dt.date, b: dt.date) -> int:
    """30/360 bond basis (ISDA 2006 4.16(f)): D1 31 -> 30; D2 31 -> 30 when D1 is then 30."""
    d1, d2 = a.day, b.day
    if d1 == 31:
        d1 = 30
    if d2 == 31 and d1 == 30:
        d2 = 30
    return 360 * (b.year - a.year) + 30 * (b.month - a.month) + (d2 - d1)


def year_fraction(convention: str, a: dt.date, b: dt.date) -> Fraction:
    if convention == "ACT/360":
        return Fraction((b - a).days, 360)
    if convention == "ACT/365F":
        return Fraction((b - a).days, 365)
    if convention == "30/360":
        return Fraction(thirty_360_bond(a, b), 360)
    raise AssertionError(convention)


def dec(x: Fraction, prec: int = 50) -> Decimal:
    with localcontext() as c:
        c.prec = prec
        return Decimal(x.numerator) / Decimal(x.denominator)


# ---- 1. allocation ----------------------------------------------------------------------------------

def largest_remainder(total_units: int, weights: list) -> list:
    """Parts of |total_units| by weights: floors, then one unit each to the largest remainders, ties
    to the earlier part; the sign of the total applied to every part."""
    n = abs(total_units)
    w = sum(weights)
    exact = [Fraction(n * x, w) for x in weights]
    parts = [e.numerator // e.denominator for e in exact]
    left = n - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [-p if total_units < 0 else p for p in parts]


weight_lists = st.one_of(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=25),
    st.lists(st.integers(0, 10**9).map(lambda k: Decimal(k).scaleb(-4)), min_size=1, max_size=25),
)


@PROPERTY
@given(units=st.integers(-10**15, 10**15), weights=weight_lists, places=st.sampled_from([0, 2, 3]),
       via_money=st.booleans())
def test_allocation_sums_exactly_and_each_part_is_within_a_minor_unit(units, weights, places, via_money):
    assume(sum(weights) > 0)
    total = Decimal(units).scaleb(-places)
    if via_money:
        code = {0: "JPY", 2: "CNY", 3: "KWD"}[places]
        money_parts = stakecalc.Money(total, code).allocate(weights)
        assert all(p.currency == code for p in money_parts)
        parts = [p.amount for p in money_parts]
    else:
        parts = stakecalc.allocate(total, weights, places)
    assert len(parts) == len(weights)
    assert sum(parts, Decimal(0)) == total
    unit = Fraction(1, 10 ** places)
    w = sum(Fraction(x) for x in weights)
    for part, weight in zip(parts, weights):
        share = Fraction(total) * Fraction(weight) / w
        assert abs(Fraction(part) - share) < unit
        assert part == part.quantize(Decimal(1).scaleb(-places))  # in minor units
    # The rule itself: largest remainder, ties to earlier parts.
    assert [int(p.scaleb(places)) for p in parts] == largest_remainder(units, [Fraction(x) for x in weights])


# ---- 2. loans ---------------------------------------------------------------------------------------

FREQUENCIES = {"1M": 1, "3M": 3, "6M": 6, "1Y": 12}


@PROPERTY
@given(
    cents=st.integers(10000, 10**11),
    rate=st.one_of(st.just(Decimal(0)), st.integers(0, 30000).map(lambda k: Decimal(k).scaleb(-5))),
    periods=st.integers(1, 60),
    repayment=st.sampled_from(["bullet", "equal_principal", "annuity"]),
    frequency=st.sampled_from(sorted(FREQUENCIES)),
    day_count=st.sampled_from(["ACT/360", "30/360", "ACT/365F"]),
    start=st.dates(D(2000, 1, 1), D(2040, 12, 31)),
    mode=st.sampled_from(["HALF_UP", "HALF_EVEN", "DOWN"]),
)
def test_loan_schedule_reconciles_and_interest_is_the_rounded_day_count_product(
        cents, rate, periods, repayment, frequency, day_count, start, mode):
    principal = Decimal(cents).scaleb(-2)
    loan = stakecalc.Loan(principal, rate, start, periods=periods, frequency=frequency, repayment=repayment,
                          day_count=day_count, rounding=mode)
    rows = loan.schedule()
    months = FREQUENCIES[frequency]
    dates = [start] + [add_months(start, k * months) for k in range(1, periods + 1)]
    fixed_principal = round_fraction(Fraction(principal) / periods, 2, mode)
    # The annuity instalment A amortises the principal exactly over the periods' growth factors
    # g_k = 1 + rate x yf_k: P g_1 ... g_n = A (g_2 ... g_n + g_3 ... g_n + ... + 1), rounded once.
    growth = [1 + Fraction(rate) * year_fraction(day_count, dates[k - 1], dates[k]) for k in range(1, periods + 1)]
    tail, annuity_factor = Fraction(1), Fraction(0)
    for g in reversed(growth):
        annuity_factor += tail
        tail *= g
    instalment = round_fraction(Fraction(principal) * tail / annuity_factor, 2, mode)
    # The periods in which something is paid (a row is a payment: a period with no interest due and
    # no principal, e.g. of a zero-rate bullet loan, has none).
    paying = []
    balance = principal
    for k in range(1, periods + 1):
        yf = year_fraction(day_count, dates[k - 1], dates[k])
        interest = round_fraction(Fraction(balance) * Fraction(rate) * yf, 2, mode)
        if repayment == "bullet":
            repaid = principal if k == periods else Decimal("0.00")
        elif repayment == "equal_principal":
            repaid = balance if k == periods else fixed_principal
        else:
            repaid = balance if k == periods else instalment - interest
        if interest + repaid != 0:
            paying.append((k, interest, repaid))
        balance -= repaid
    assert len(rows) == len(paying)
    balance = principal
    for row, (k, _, repaid) in zip(rows, paying):
        assert (row.start, row.end, row.date) == (dates[k - 1], dates[k], dates[k])
        assert row.opening_balance == balance
        # The interest of every row, independently: opening balance x rate x year fraction, rounded once.
        yf = year_fraction(day_count, dates[k - 1], dates[k])
        assert row.interest == round_fraction(Fraction(balance) * Fraction(rate) * yf, 2, mode), (k, row)
        assert row.principal == repaid, (k, row)
        assert row.payment == row.interest + row.principal
        assert row.closing_balance == row.opening_balance - row.principal
        assert row.closing_balance >= 0 and row.principal >= 0 and row.interest >= 0
        balance = row.closing_balance
    assert sum((r.principal for r in rows), Decimal(0)) == principal
    assert rows[-1].closing_balance == 0
    if repayment == "annuity":
        # Equal instalments except the last, which repays what is left.
        assert all(r.payment == instalment for r in rows[:-1])


# ---- 3. cap table -----------------------------------------------------------------------------------

HOLDERS = ["h0", "h1", "h2", "h3", "h4", "h5"]


@st.composite
def ledger_stories(draw):
    form = draw(st.sampled_from(["limited_liability", "joint_stock"]))
    founders = draw(st.lists(st.sampled_from(HOLDERS), min_size=1, max_size=4, unique=True))
    subscriptions = [(h, draw(st.integers(1, 10**7))) for h in founders]
    kinds = st.sampled_from(["transfer", "transfer", "transfer", "round", "split", "reduction", "cancel"])
    steps = []
    for _ in range(draw(st.integers(1, 8))):
        steps.append((draw(kinds), draw(st.integers(0, 10**6)), draw(st.sampled_from(HOLDERS)),
                      draw(st.integers(0, 10**9)), draw(st.integers(1, 60)), draw(st.integers(1, 4))))
    return form, subscriptions, steps


@PROPERTY
@given(story=ledger_stories())
def test_cap_table_ownership_sums_to_one_and_transfers_conserve_units(story):
    form, subscriptions, steps = story
    places = 2 if form == "limited_liability" else 0  # LLC units are registered capital (to the fen)
    quantum = Fraction(1, 10 ** places)
    ledger = stakecalc.Ledger()
    for h in HOLDERS:
        ledger.add_holder(h, "investor")
    day = D(2020, 1, 1)
    ledger.incorporate(day, "co", form=form,
                       subscriptions=[{"holder": h, "units": u, "paid": u} for h, u in subscriptions])
    model = {h: Fraction(u) for h, u in subscriptions}  # holder -> units, the test's own book
    snapshots = [("incorporation", day, dict(model))]
    for kind, pick, other, amount, gap, factor in steps:
        day += dt.timedelta(days=gap)
        held = sorted(h for h, u in model.items() if u > 0)
        seller = held[pick % len(held)]
        if other == seller:
            other = HOLDERS[(HOLDERS.index(other) + 1) % len(HOLDERS)]
        owned = model[seller]
        if kind == "transfer":
            # A part of the seller's units, in the company's unit quantum.
            units = max(quantum, (owned * (pick % 1000 + 1) / 1000 // quantum) * quantum)
            ledger.transfer(day, "co", seller, other, dec(units), Decimal(amount).scaleb(-2))
            model[seller] -= units
            model[other] = model.get(other, 0) + units
        elif kind == "round":
            price = Fraction(factor * 3, 2)  # 1.5, 3, 4.5, 6 per unit
            cash = Fraction(amount + 1000, 100)  # at least 10.00: buys at least one unit
            ledger.financing_round(day, "co", price_per_unit=dec(price),
                                   investments=[{"holder": other, "amount": dec(cash)}])
            model[other] = model.get(other, 0) + (cash / price // quantum) * quantum
        elif kind == "split":
            ledger.share_split(day, "co", factor)
            model = {h: u * factor for h, u in model.items()}
        elif kind == "reduction" and sum(model.values()) > owned:
            units = max(quantum, (owned * (pick % 1000 + 1) / 2000 // quantum) * quantum)
            ledger.capital_reduction(day, "co", [{"holder": seller, "units": dec(units), "payment": 0}])
            model[seller] -= units
        elif kind == "cancel" and sum(model.values()) > owned:
            units = max(quantum, (owned * (pick % 1000 + 1) / 2000 // quantum) * quantum)
            ledger.repurchase(day, "co", seller, [{"buyer": None, "units": dec(units), "price": 0}])
            model[seller] -= units
        else:
            continue
        snapshots.append((kind, day, dict(model)))
    # On every event's date and on the day before the next one (point-in-time, after all events are
    # recorded): the book as it was then.
    totals = []
    for (kind, on, book), later in zip(snapshots, snapshots[1:] + [None]):
        table = ledger.cap_table("co", on)
        check_cap_table(table, book)
        totals.append(table.total_units)
        if later is not None and later[1] - on > dt.timedelta(days=1):
            check_cap_table(ledger.cap_table("co", later[1] - dt.timedelta(days=1)), book)
    # A transfer moves units between holders: the company's total is what it was before it.
    for (kind, _, _), total, before in zip(snapshots[1:], totals[1:], totals):
        if kind == "transfer":
            assert total == before


def check_cap_table(table, book):
    records = table.to_records()
    got = {r["holder"]: Fraction(r["units"]) for r in records if r["units"] != 0}
    assert got == {h: u for h, u in book.items() if u != 0}
    total = sum(book.values())
    assert Fraction(table.total_units) == total
    assert sum(r["ownership"] for r in records) == 1
    for r in records:
        assert isinstance(r["ownership"], Fraction)
        assert r["ownership"] == Fraction(r["units"]) / total


# ---- 4. XIRR ----------------------------------------------------------------------------------------

def xnpv_independent(rate: Decimal, amounts, days) -> tuple:
    """(sum cf / (1 + r)^(t / 365), sum |cf| / (1 + r)^(t / 365)) at 50 digits (ACT/365F)."""
    with localcontext() as c:
        c.prec = 50
        log_growth = (1 + rate).ln()
        terms = [Decimal(a) * (-(log_growth * t) / 365).exp() for a, t in zip(amounts, days)]
        return sum(terms, Decimal(0)), sum((abs(x) for x in terms), Decimal(0))


def root_inside(amounts, days, log_low: float, log_high: float) -> bool:
    """Whether the root lies in ln(1 + r) in (log_low, log_high): with one sign change XNPV is
    monotone in r, so it changes sign across the bracket exactly when the root is inside."""
    def f(x):
        return math.fsum(a * math.exp(-x * t / 365) for a, t in zip(amounts, days))
    return f(log_low) * f(log_high) < 0


# Amounts spread over many orders of magnitude (cents): m x 10^e.
spread_amounts = st.builds(lambda m, e: m * 10 ** e, st.integers(1, 9999), st.integers(0, 7))


@st.composite
def one_sign_change(draw):
    """An outflow at day 0 and inflows later (an investment), or the mirror image (a loan taken)."""
    first = draw(spread_amounts)
    later = [(draw(spread_amounts), draw(st.integers(30, 3650)))]
    later += draw(st.lists(st.tuples(st.one_of(spread_amounts, st.just(0)), st.integers(30, 3650)), max_size=7))
    sign = draw(st.sampled_from([1, -1]))
    amounts = [-sign * first] + [sign * a for a, _ in later]
    days = [0] + [t for _, t in later]
    order = draw(st.permutations(range(len(amounts))))  # dates in any order
    start = draw(st.dates(D(1990, 1, 1), D(2050, 12, 31)))
    return [amounts[i] for i in order], [days[i] for i in order], start


def check_xirr_root(amounts, days, start, as_text):
    dates = [start + dt.timedelta(days=t) for t in days]
    given_amounts = [str(Decimal(a).scaleb(-2)) if as_text else Decimal(a).scaleb(-2) for a in amounts]
    r = stakecalc.xirr(given_amounts, dates)
    assert isinstance(r, Decimal)
    value, scale = xnpv_independent(r, [Decimal(a).scaleb(-2) for a in amounts], days)
    # Tolerance: r is documented right to >= 28 significant digits. An error dr moves XNPV by at most
    # |dr| / (1 + r) x (t_max / 365) x sum |cf| v <= 1e-28 x max(1, |r|) x e^5 x 10 x scale < 1e-21
    # x scale (for ln(1 + r) in [-5, 5]); 1e-20 x scale leaves a factor of ten and is still 10^8
    # times tighter than an error in the eighth digit of the rate would give.
    assert abs(value) <= Decimal("1e-20") * scale, (r, value, scale)
    # The library's own XNPV at that rate agrees with the independent one.
    theirs = stakecalc.xnpv(r, given_amounts, dates)
    assert abs(theirs - value) <= Decimal("1e-20") * scale, (theirs, value)
    return r


@PROPERTY
@given(case=one_sign_change(), as_text=st.booleans())
def test_xnpv_at_the_xirr_is_zero(case, as_text):
    """Every rate xirr returns is a root. (That xirr finds the root at all is the next property.)"""
    amounts, days, start = case
    # A root exists in (-100%, infinity) (one sign change); keep to ln(1 + r) within [-5, 5]
    # (-99.3% to +14,700% a year), well inside the solver's promise (-100% to e^40 - 1).
    assume(root_inside(amounts, days, -5.0, 5.0))
    try:
        check_xirr_root(amounts, days, start, as_text)
    except stakecalc.NoSolution:
        reject()


@settings(PROPERTY, phases=[Phase.explicit, Phase.generate])  # the first failure is enough: no shrinking
@given(case=one_sign_change(), as_text=st.booleans())
def test_xirr_finds_the_root_of_flows_with_one_sign_change(case, as_text):
    amounts, days, start = case
    assume(root_inside(amounts, days, -5.0, 5.0))
    check_xirr_root(amounts, days, start, as_text)


@pytest.mark.parametrize("amounts, dates, root", [
    # Each has one sign change, so one root; found here by bisection at 50 digits.
    # 302.00 out, 302.00 and 0.01 back 30 days later (netted, [-302.00, 302.01], it is solved); the
    # root is (302.01 / 302)^(365 / 30) - 1:
    (["-302.00", "302.00", "0.01"], [D(2000, 1, 1), D(2000, 1, 31), D(2000, 1, 31)],
     "0.000402944247524544325694758540149"),
    ([-100000, "0.5", "0.5"], [D(2000, 1, 1), D(2000, 12, 31), D(2002, 12, 31)], "-0.98289857370411037813210949833"),
    ([-5505457, 7633, 34], [D(2000, 1, 1), D(2004, 4, 7), D(2009, 7, 6)], "-0.70720643389850639356645652561"),
    ([-2, 1, 2991040], [D(2000, 1, 1), D(2002, 7, 6), D(2008, 7, 8)], "4.30698000477529256018095367018"),
])
def test_xirr_converges_on_these_flows(amounts, dates, root):
    r = stakecalc.xirr(amounts, dates)
    assert abs(r - Decimal(root)) <= Decimal("1e-27") * max(1, abs(r))


# ---- 5. repurchase price ----------------------------------------------------------------------------

@st.composite
def repurchase_cases(draw):
    t0 = draw(st.dates(D(2000, 1, 1), D(2040, 12, 31)))
    amount = draw(st.integers(1, 10**11))      # cents
    total_units = draw(st.integers(1, 10**8))
    units = draw(st.integers(1, total_units))
    rate = Decimal(draw(st.integers(1, 30000))).scaleb(-5)  # 0.001% .. 30%, positive
    days = sorted(draw(st.lists(st.integers(0, 5 * 365), min_size=2, max_size=8, unique=True)))
    mode = draw(st.sampled_from(["HALF_UP", "HALF_EVEN", "DOWN"]))
    return t0, amount, total_units, units, rate, days, mode


@PROPERTY
@given(case=repurchase_cases(), compound=st.booleans())
def test_repurchase_price_grows_with_the_date_and_is_cost_plus_interest(case, compound):
    t0, amount, total_units, units, rate, days, mode = case
    investment = stakecalc.Investment(t0, Decimal(amount).scaleb(-2), total_units)
    formula = (stakecalc.PriceFormula.compound_interest(rate) if compound
               else stakecalc.PriceFormula.simple_interest(rate))
    terms = stakecalc.RepurchaseTerms(investment, [stakecalc.RepurchaseWindow(formula, until="6Y")], rounding=mode)
    cost = Fraction(amount, 100) * Fraction(units, total_units)
    prices = []
    for t in days:
        q = terms.quote(t0 + dt.timedelta(days=t), units)
        prices.append(q["amount"])
        if not compound:
            assert q["amount"] == round_fraction(cost * (1 + Fraction(rate) * Fraction(t, 365)), 2, mode), t
        else:
            # cost x (1 + r)^(t / 365) at 50 digits; compared unless within 1e-25 of a rounding boundary
            # (there 50 digits cannot tell which way the exact value rounds).
            with localcontext() as c:
                c.prec = 50
                value = dec(cost) * ((1 + rate).ln() * t / 365).exp()
                fen = value.scaleb(2)
                frac = fen - fen.to_integral_value(rounding="ROUND_FLOOR")
                boundary = Decimal(0) if mode == "DOWN" else Decimal("0.5")
                near = min(abs(frac - boundary), abs(frac - 1 - boundary))
            if near > Decimal("1e-25"):
                assert q["amount"] == round_fraction(Fraction(value), 2, mode), t
    assert prices == sorted(prices)  # never decreases as the date moves later
    assert prices[0] >= round_fraction(cost, 2, mode)


# ---- 6. sweep rows equal single evaluations ----------------------------------------------------------

T0 = D(2021, 1, 1)
CONVERSION = stakecalc.EquityToDebtTerms(
    debtors=[("company", 1, True)], principal=stakecalc.PriceFormula.at_cost(),
    loan={"rate": Decimal("0.06"), "periods": 1, "frequency": "1Y", "repayment": "bullet", "day_count": "ACT/365F"})
SWEEP_PATHS = ("repurchase", "conversion", "sale", "write_off")
SWEEP_FIELDS = ("cash_recovered", "fund_multiple", "fund_irr", "grant_equivalent", "team_cost",
                "fund_units_left", "team_ownership")


def exit_deal(rate: Decimal):
    investment = stakecalc.Investment(T0, Decimal("1000000.00"), 1000000)
    window = stakecalc.RepurchaseWindow(stakecalc.PriceFormula.simple_interest(rate), label="any time")
    return stakecalc.ExitDeal(stakecalc.RepurchaseTerms(investment, [window]), market_rate=Decimal("0.08"),
                              conversion=CONVERSION, company_units=10000000, team_units=6000000)


scenario = st.fixed_dictionaries({
    "exit_year": st.integers(1, 8),
    "valuation": st.integers(0, 10**10).map(lambda k: Decimal(k).scaleb(-2)),
    "proportion": st.tuples(st.integers(1, 1000), st.integers(1, 1000)).map(lambda t: Fraction(min(t), max(t))),
})


# A sweep call costs ~16 ms (most of it building the DataFrame), so this property runs 300 sweeps of
# 3 to 6 scenarios each: more than 1,000 scenario rows, each compared on all four paths.
@settings(PROPERTY, max_examples=300)
@given(scenarios=st.lists(scenario, min_size=3, max_size=6),
       rate=st.integers(0, 2000).map(lambda k: Decimal(k).scaleb(-4)))
def test_sweep_rows_equal_single_evaluations(scenarios, rate):
    deal = exit_deal(rate)
    frame = stakecalc.sweep(deal, scenarios, paths=SWEEP_PATHS, buyer="zhang", progress=False, threads=1)
    assert len(frame) == len(scenarios)
    for i, (s, row) in enumerate(zip(scenarios, frame.to_dict("records"))):
        on = D(T0.year + s["exit_year"], T0.month, T0.day)  # whole years after the investment
        assert (row["scenario"], row["exit_on"], row["valuation"], row["proportion"]) == (
            i, on, s["valuation"], s["proportion"])
        plan = [stakecalc.Tranche(on, "zhang", proportion=s["proportion"])]
        by_hand = {"repurchase": stakecalc.ExitPath.repurchase(plan),
                   "conversion": stakecalc.ExitPath.conversion(on, plan),
                   "sale": stakecalc.ExitPath.sale(on, s["valuation"]),
                   "write_off": stakecalc.ExitPath.write_off(on)}
        for path in SWEEP_PATHS:
            try:
                single = deal.evaluate(by_hand[path])
            except stakecalc.Error as e:
                # A path with no numbers for the scenario (e.g. nothing left to convert): the row says why.
                assert row[f"{path}_error"] == f"{type(e).__name__}: {e}", (i, path)
                assert row[f"{path}_cash_recovered"] is None
                continue
            assert row[f"{path}_error"] is None, row[f"{path}_error"]
            for key in SWEEP_FIELDS:
                assert row[f"{path}_{key}"] == single[key], (i, path, key)
