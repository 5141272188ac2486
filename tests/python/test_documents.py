"""Deal documents from Python: loading, the canonical round trip, the bad corpus, the JSON Schema,
the evaluations and the rendered reports.

Oracles: every expected figure of the USTC sample is derived here from the document's own terms
with exact fractions and the decimal module (amounts rounded once, half-up to the cent, as the
document's rounding_mode says; what is irrational, a discount factor or an IRR, at 50 digits), never
from stakecalc's earlier output. The bad corpus's manifest (tests/data/bad/deal-expected.json) says
where and why each bad document is refused, and whether the schema alone refuses it.
"""
import csv
import datetime as dt
import io
import json
import os
import pathlib
import pickle
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

import stakecalc
from stakecalc import DealDocument, InvalidInput

SOURCE_DIR = pathlib.Path(os.environ.get("STAKECALC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
SAMPLES = SOURCE_DIR / "examples" / "data"
BAD = SOURCE_DIR / "tests" / "data" / "bad"
SCHEMA = SOURCE_DIR / "src" / "schema" / "deal.schema.json"  # installed as share/stakecalc/deal.schema.json
# examples/data also holds the dividend_split example's input, which is a format of its own.
NOT_DEAL_DOCUMENTS = {"dividend-2024.json"}


def deal_samples():
    return sorted(p.name for p in SAMPLES.glob("*.json") if p.name not in NOT_DEAL_DOCUMENTS)


def manifest():
    return json.loads((BAD / "deal-expected.json").read_text(encoding="utf-8"))


def raw(name):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ustc():
    return DealDocument.load(SAMPLES / "ustc-deal.json")


# ---- independent arithmetic ------------------------------------------------------------------------

def cents(x) -> Decimal:
    """Half-up (away from zero) to the cent, exactly."""
    x = Fraction(x)
    q = (abs(x) * 100 + Fraction(1, 2)).__floor__()
    return (Decimal(q) / 100) * (1 if x >= 0 else -1)


def dec(x: Fraction) -> Decimal:
    with localcontext() as c:
        c.prec = 50
        return Decimal(x.numerator) / Decimal(x.denominator)


def discount_factor(rate: Fraction, days: int) -> Decimal:
    """(1 + rate)^(-days/365) at 50 digits (ACT/365F)."""
    with localcontext() as c:
        c.prec = 50
        return (-(dec(1 + rate).ln()) * Decimal(days) / 365).exp()


def grant_equivalent(flows, t0, rate: Fraction) -> Decimal:
    """The investment less the present value of what came back: minus the NPV of the fund's flows
    at the market rate, ACT/365F to the investment date, rounded half-up to the cent."""
    with localcontext() as c:
        c.prec = 50
        npv = sum((dec(Fraction(a)) * discount_factor(rate, (on - t0).days) for on, a in flows), Decimal(0))
        return cents(Fraction(-npv))


def xirr(flows, t0) -> Decimal:
    """The rate r with sum a / (1 + r)^(days/365) = 0, by bisection at 50 digits."""
    with localcontext() as c:
        c.prec = 50

        def npv(r):
            return sum(dec(Fraction(a)) * (-(1 + r).ln() * Decimal((on - t0).days) / 365).exp() for on, a in flows)

        lo, hi = Decimal("-0.99"), Decimal("10")
        assert npv(lo) * npv(hi) < 0
        for _ in range(200):
            mid = (lo + hi) / 2
            if (npv(mid) > 0) == (npv(lo) > 0):
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2


def close(a, b, digits=18) -> bool:
    return abs(Fraction(a) - Fraction(b)) <= Fraction(1, 10 ** digits)


def rate_in_force(table, on: dt.date) -> Fraction:
    """A rate table's fixing in force on a day (the latest on or before it), as a fraction."""
    fixings = sorted((dt.date.fromisoformat(f["date"]), Fraction(f["rate"])) for f in table["fixings"])
    rate = [r for d, r in fixings if d <= on][-1]
    return rate / 100 if table.get("unit") == "percent" else rate


def years_after(d: dt.date, n: int) -> dt.date:
    return d.replace(year=d.year + n)


class UstcTerms:
    """The USTC sample's terms, read from the file itself (not through stakecalc)."""

    def __init__(self):
        j = raw("ustc-deal.json")
        inv = j["repurchase"]["investment"]
        self.t0 = dt.date.fromisoformat(inv["on"])
        self.cost = Fraction(inv["amount"])
        self.units = Fraction(inv["units"])
        windows = j["repurchase"]["windows"]
        # The shape these derivations rely on: at cost to 3Y, cost plus the 1-year LPR of the
        # investment date to 5Y, cost plus a fixed rate after.
        assert [w["price"]["kind"] for w in windows] == ["at_cost", "simple_interest", "simple_interest"]
        assert [w.get("until") for w in windows] == ["3Y", "5Y", None]
        assert windows[1]["price"]["rate"] == {"benchmark": "LPR-1Y", "fixed_on": "investment_date"}
        assert j["repurchase"]["rounding_mode"] == "HALF_UP"
        self.lpr_t0 = rate_in_force(j["rate_tables"][0], self.t0)
        self.late_rate = Fraction(windows[2]["price"]["rate"]["fixed"])
        self.tranches = [(dt.date.fromisoformat(t["on"]), t["buyer"], Fraction(t["proportion"]))
                         for t in j["plan"]["tranches"]]
        [div] = j["facts"]["dividends"]
        self.dividend = (dt.date.fromisoformat(div["on"]), Fraction(div["amount"]), Fraction(div["units_held"]))
        x = j["exit"]
        self.company_units = Fraction(x["company_units"])
        self.team_units = Fraction(x["team_units"])
        self.market = Fraction(x["market_rate"])
        self.paths = x["paths"]
        conv = j["conversion"]
        assert conv["principal"]["formula"] == windows[1]["price"]
        self.debtors = [(d["debtor"], Fraction(d["share"])) for d in conv["debtors"]]
        self.loan = conv["loan"]
        self.sweep = j["sweep"]

    def price(self, on: dt.date, proportion: Fraction) -> Decimal:
        """The window's price of a proportion of the stake on a day."""
        cost = self.cost * proportion
        days = (on - self.t0).days
        if on < years_after(self.t0, 3):
            return cents(cost)
        rate = self.lpr_t0 if on < years_after(self.t0, 5) else self.late_rate
        return cents(cost * (1 + rate * Fraction(days, 365)))

    def repurchases(self):
        return [(on, buyer, q, self.price(on, q)) for on, buyer, q in self.tranches]

    def full_stake_dividend(self) -> Decimal:
        on, amount, held = self.dividend
        return cents(amount / held * self.units)


U = UstcTerms()


# ---- loading and the canonical form ---------------------------------------------------------------

def test_the_samples_are_deal_documents_except_the_dividend_input():
    names = {p.name for p in SAMPLES.glob("*.json")}
    assert {"ustc-deal.json", "anhui-repurchase.json", "county-conversion.json"} <= names
    for name in sorted(names & NOT_DEAL_DOCUMENTS):
        assert "version" not in raw(name)  # a deal document always says its version
        with pytest.raises(InvalidInput):
            DealDocument.load(SAMPLES / name)


@pytest.mark.parametrize("name", deal_samples())
def test_every_sample_loads(name):
    doc = DealDocument.load(SAMPLES / name)
    assert doc.version == 1
    assert doc.title == raw(name).get("title", "")
    assert list(doc.sections) == [s for s in (
        "calendars", "rate_tables", "fx_rates", "loans", "ledger", "platform", "repurchase", "plan", "facts",
        "conversion", "exit", "sweep") if s in raw(name)]
    assert DealDocument.load(str(SAMPLES / name)) == doc  # a str path as well as a pathlib.Path


@pytest.mark.parametrize("name", deal_samples())
def test_canonical_text_is_a_fixed_point(name):
    doc = DealDocument.load(SAMPLES / name)
    text = doc.to_json()
    again = DealDocument.parse(text)
    assert again == doc
    assert again.to_json() == text
    assert text.endswith("\n")
    assert doc.to_dict() == json.loads(text)
    assert DealDocument.from_dict(doc.to_dict()) == doc
    assert pickle.loads(pickle.dumps(doc)) == doc


def test_documents_differ_when_their_terms_do(ustc):
    d = ustc.to_dict()
    d["exit"]["market_rate"] = "0.09"
    other = DealDocument.from_dict(d)
    assert other != ustc
    assert other.sections["exit"]["market_rate"] == "0.09"
    assert ustc.sections["exit"]["market_rate"] == "0.08"  # the first document did not change
    assert ustc != ustc.to_json()  # not equal to its own text: a document is not a str


def test_typed_views_of_calendars_rates_and_fx(ustc):
    [cal] = ustc.calendars
    assert isinstance(cal, stakecalc.Calendar) and cal.name == "HEFEI-OFFICE"
    assert not cal.is_business_day(dt.date(2024, 10, 1))  # a listed holiday
    [lpr] = ustc.rate_tables
    assert isinstance(lpr, stakecalc.RateTable)
    assert Fraction(lpr.rate_on(U.t0)) == U.lpr_t0  # 3.85 percent in the file, 0.0385 as a rate
    converted, _ = ustc.fx.convert(stakecalc.Money("200.00", "USD"), "CNY", dt.date(2024, 6, 30))
    assert converted == stakecalc.Money(cents(Fraction("200") * Fraction("7.1268")), "CNY")


# ---- refusals ---------------------------------------------------------------------------------------

def test_the_manifest_lists_exactly_the_bad_documents():
    on_disk = {p.name for p in BAD.glob("deal-*.json")} - {"deal-expected.json"}
    assert set(manifest()) == on_disk
    assert len(on_disk) >= 30


@pytest.mark.parametrize("name", sorted(manifest()))
def test_bad_document_is_refused_at_its_pointer(name):
    expected = manifest()[name]
    text = (BAD / name).read_text(encoding="utf-8")
    with pytest.raises(InvalidInput) as e:
        DealDocument.parse(text, source=name)
    assert e.value.where == expected["pointer"]
    assert str(e.value).startswith(expected["pointer"] + ": ")
    assert expected["message"] in str(e.value)
    # Read from the file: the same place (a syntax-level refusal names the file instead).
    with pytest.raises(InvalidInput) as e:
        DealDocument.load(BAD / name)
    if expected["pointer"].startswith("/"):
        assert e.value.where == expected["pointer"]
    else:
        assert e.value.where.endswith(name)
    assert expected["message"] in str(e.value)


def test_floats_are_refused_with_the_way_to_write_them(ustc):
    d = ustc.to_dict()
    d["exit"]["market_rate"] = 0.08
    with pytest.raises(InvalidInput) as e:
        DealDocument.from_dict(d)
    assert e.value.where == "/exit/market_rate"
    assert "float" in str(e.value) and "str" in str(e.value) and "Decimal" in str(e.value)
    # ...wherever they are: inside a list too.
    d = ustc.to_dict()
    d["plan"]["tranches"][1]["proportion"] = 0.3
    with pytest.raises(InvalidInput) as e:
        DealDocument.from_dict(d)
    assert e.value.where == "/plan/tranches/1/proportion"


def test_exact_python_values_are_written_as_the_format_spells_them(ustc):
    d = ustc.to_dict()
    d["exit"]["market_rate"] = Decimal("0.08")
    d["plan"]["tranches"][0]["proportion"] = Fraction(1, 5)
    d["plan"]["tranches"][0]["on"] = dt.date(2023, 6, 30)
    d["plan"]["tranches"] = tuple(d["plan"]["tranches"])
    assert DealDocument.from_dict(d) == ustc
    d["plan"]["tranches"][0]["on"] = dt.datetime(2023, 6, 30, 12, 0)
    with pytest.raises(InvalidInput) as e:
        DealDocument.from_dict(d)
    assert e.value.where == "/plan/tranches/0/on"


def test_from_dict_refuses_what_json_cannot_hold():
    with pytest.raises(InvalidInput) as e:
        DealDocument.from_dict({"version": 1, "title": {1: "x"}})
    assert e.value.where == "/title"
    with pytest.raises(InvalidInput) as e:
        DealDocument.from_dict({"version": 1, "title": {"a", "b"}})
    assert e.value.where == "/title"
    with pytest.raises(InvalidInput) as e:
        DealDocument.from_dict([1, 2])
    assert e.value.where == "/"
    deep = {"version": 1}
    node = deep
    for _ in range(100):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(InvalidInput, match="nested deeper than"):
        DealDocument.from_dict(deep)


def test_a_document_error_is_a_value_error_with_its_place():
    with pytest.raises(ValueError) as e:
        DealDocument.parse('{"version": 1, "repurchse": {}}')
    assert isinstance(e.value, stakecalc.Error)
    assert e.value.where == "/repurchse"
    with pytest.raises(InvalidInput) as e:
        DealDocument.parse('{"version": 1,', source="half.json")
    assert "half.json" in str(e.value)


def test_evaluations_need_their_sections():
    doc = DealDocument.from_dict({"version": 1, "title": "empty"})
    for call, pointer in [(doc.compare, "/repurchase"), (doc.repurchase, "/repurchase"), (doc.conversion, "/repurchase"),
                          (doc.sweep, "/sweep")]:
        with pytest.raises(InvalidInput) as e:
            call()
        assert e.value.where == pointer, call
    with pytest.raises(InvalidInput) as e:
        doc.report("platform")
    assert e.value.where == "/platform"


# ---- the JSON Schema -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def validator():
    import jsonschema  # scripts/requirements-dev.txt and the "test" extra: a missing one is an error

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", deal_samples())
def test_schema_accepts_every_sample_and_its_canonical_form(validator, name):
    assert not list(validator.iter_errors(raw(name)))
    canonical = json.loads(DealDocument.load(SAMPLES / name).to_json())
    assert not list(validator.iter_errors(canonical))


def test_schema_refuses_the_dividend_input(validator):
    for name in sorted(NOT_DEAL_DOCUMENTS):
        assert list(validator.iter_errors(raw(name)))


def test_schema_refuses_exactly_the_documents_the_manifest_says(validator):
    disagreements = []
    for name, expected in sorted(manifest().items()):
        refused = bool(list(validator.iter_errors(json.loads((BAD / name).read_text(encoding="utf-8")))))
        if refused != expected["schema_rejects"]:
            disagreements.append((name, refused))
    assert not disagreements, f"the schema and the manifest disagree on (file, schema refuses): {disagreements}"


# ---- evaluations: the USTC sample ------------------------------------------------------------------

def repurchase_flows():
    flows = [(U.t0, -U.cost)]
    flows += [(on, amount) for on, _, _, amount in U.repurchases()]
    flows.append((U.dividend[0], U.dividend[1]))  # the fund held the units_held the fact says that day
    return sorted(flows, key=lambda f: f[0])


def by_date(flows):
    """Flows added up per day (two debtors paying on one day may be one flow or two)."""
    out = {}
    for on, a in flows:
        out[on] = out.get(on, Fraction(0)) + Fraction(a)
    return out


def check_path(result, flows, *, team_cost, units_left, team_units):
    cash = sum((Fraction(a) for _, a in flows if a > 0), Fraction(0))
    assert result["cash_recovered"] == cents(cash)
    assert result["fund_multiple"] == cash / U.cost
    assert by_date(result["fund_flows"]) == by_date(flows)
    assert close(result["fund_irr"], xirr(flows, U.t0))
    ge = grant_equivalent(flows, U.t0, U.market)
    assert result["grant_equivalent"] == ge
    assert close(result["grant_equivalent_share"], Fraction(ge) / U.cost, 9)
    assert result["team_cost"] == cents(team_cost)
    assert result["fund_units_left"] == dec(units_left)
    assert result["team_ownership"] == team_units / U.company_units
    assert isinstance(result["grant_equivalent_explanation"], stakecalc.Explanation)


def test_the_tranche_prices_follow_the_windows(ustc):
    (on1, _, q1, a1), (on2, _, q2, a2) = U.repurchases()
    # 20% at cost inside three years; 30% at cost plus 3.85% (the LPR on the investment date) x days/365.
    assert a1 == Decimal("6000000.00")
    assert a2 == cents(U.cost * q2 * (1 + Fraction("0.0385") * Fraction((on2 - U.t0).days, 365)))
    ev = ustc.repurchase()
    assert [t["amount"] for t in ev["tranches"]] == [a1, a2]
    assert [t["units"] for t in ev["tranches"]] == [dec(U.units * q1), dec(U.units * q2)]
    assert [t["buyer"] for t in ev["tranches"]] == ["chen", "liu"]
    assert ev["units_left"] == dec(U.units * (1 - q1 - q2))
    assert ev["fund_cash_recovered"] == a1 + a2 + cents(U.dividend[1])
    assert ev["missed_minimums"] == []  # 50% bought by the end of year 5, the window's minimum
    assert ev["cost_by_buyer"] == {"chen": a1, "liu": a2}


def test_compare_gives_the_derived_figures(ustc):
    results = ustc.compare()
    assert [p["kind"] for p in U.paths] == ["repurchase", "conversion", "sale", "write_off"]
    assert len(results) == 4
    repurchase, conversion, sale, write_off = results
    bought = [U.units * q for _, _, q, _ in U.repurchases()]

    # The team buys 20% then 30% per the plan; the fund keeps the other half.
    flows = repurchase_flows()
    check_path(repurchase, flows, team_cost=sum(Fraction(a) for *_, a in U.repurchases()),
               units_left=U.units - sum(bought), team_units=U.team_units + sum(bought))

    # A sale of the whole stake at the valuation, with the dividend the whole stake would have had.
    [sale_path] = [p for p in U.paths if p["kind"] == "sale"]
    on = dt.date.fromisoformat(sale_path["on"])
    proceeds = cents(Fraction(sale_path["valuation"]) * U.units / U.company_units)
    assert proceeds == Decimal("60000000.00")
    flows = [(U.t0, -U.cost), (U.dividend[0], U.full_stake_dividend()), (on, proceeds)]
    check_path(sale, flows, team_cost=0, units_left=0, team_units=U.team_units)

    # A write-off with a recovery: the stake stays, worthless.
    [w] = [p for p in U.paths if p["kind"] == "write_off"]
    flows = [(U.t0, -U.cost), (U.dividend[0], U.full_stake_dividend()),
             (dt.date.fromisoformat(w["on"]), Fraction(w["recovered"]))]
    check_path(write_off, flows, team_cost=0, units_left=U.units, team_units=U.team_units)

    # Conversion: both tranches first, then the other half becomes the founders' loans.
    flows, team_cost = conversion_flows()
    check_path(conversion, flows, team_cost=team_cost, units_left=0,
               team_units=U.team_units + U.units)  # the converted units go to chen and liu


def conversion_principal(on: dt.date) -> Decimal:
    """What the plan left of the stake, at cost plus the investment date's LPR x days/365 (the
    principal formula)."""
    left = 1 - sum(q for _, _, q in U.tranches)
    return cents(U.cost * left * (1 + U.lpr_t0 * Fraction((on - U.t0).days, 365)))


def debtor_parts(principal: Decimal):
    """Each debtor's share, rounded down to the cent, the cents left over to the largest remainders."""
    exact = [(name, Fraction(principal) * share) for name, share in U.debtors]
    parts = {name: cents_down(x) for name, x in exact}
    left = int((Fraction(principal) - sum(Fraction(p) for p in parts.values())) * 100)
    for name, x in sorted(exact, key=lambda e: Fraction(parts[e[0]]) - e[1])[:left]:
        parts[name] += Decimal("0.01")
    return parts


def cents_down(x: Fraction) -> Decimal:
    return Decimal((x * 100).__floor__()) / 100


def loan_rows(principal: Decimal, start: dt.date):
    """Equal principal over the periods (the last takes what rounding left), interest on the balance
    at the loan's rate, ACT/360, unadjusted yearly dates: [(date, principal, interest)]."""
    assert U.loan["repayment"] == "EQUAL_PRINCIPAL" and U.loan["frequency"] == "1Y"
    assert U.loan["day_count"] == "ACT/360"
    n, rate = U.loan["periods"], Fraction(U.loan["rate"])
    per = cents(Fraction(principal) / n)
    balance, rows, prev = Fraction(principal), [], start
    for k in range(1, n + 1):
        end = years_after(start, k)
        part = Fraction(per) if k < n else balance
        rows.append((end, cents(part), cents(balance * rate * Fraction((end - prev).days, 360))))
        balance -= part
        prev = end
    return rows


def conversion_flows():
    on = dt.date.fromisoformat([p for p in U.paths if p["kind"] == "conversion"][0]["on"])
    principal = conversion_principal(on)
    payments = {}
    for name, part in debtor_parts(principal).items():
        for end, p, i in loan_rows(part, on):
            payments[end] = payments.get(end, Fraction(0)) + Fraction(p) + Fraction(i)
    flows = repurchase_flows() + sorted((d, cents(a)) for d, a in payments.items())
    team_cost = sum(Fraction(a) for *_, a in U.repurchases()) + sum(payments.values())
    return flows, team_cost


def test_conversion_on_the_first_trigger(ustc):
    # The minimum of window 1 (50% by year 5) is met, so the deadline (5Y) fires first.
    c = ustc.conversion()
    deadline = years_after(U.t0, 5)
    assert c["on"] == deadline
    assert c["trigger"]["kind"] == "deadline_passed"
    principal = conversion_principal(deadline)
    assert principal == Decimal("17889082.19")
    assert c["principal"] == principal
    assert c["units_converted"] == dec(U.units / 2)
    parts = debtor_parts(principal)
    assert {loan["debtor"]: loan["principal"] for loan in c["loans"]} == parts
    for loan in c["loans"]:
        expected = loan_rows(parts[loan["debtor"]], deadline)
        assert [(r.date, r.principal, r.interest) for r in loan["schedule"]] == expected
    assert isinstance(c["statement"], stakecalc.Explanation)
    on_the_day = plain(ustc.conversion(on=deadline))
    assert on_the_day == plain(ustc.conversion(on="2026-06-30"))
    # Converting on that day by hand gives the same numbers, without a trigger to tell of.
    assert on_the_day["trigger"] is None
    figures = lambda x: {k: v for k, v in x.items() if k not in ("trigger", "statement")}  # noqa: E731
    assert figures(on_the_day) == figures(plain(c))


def plain(conversion):
    """A conversion's dict with its LoanRow objects (which compare by identity) as dicts."""
    out = dict(conversion)
    out["loans"] = [dict(loan, schedule=[r._asdict() for r in loan["schedule"]]) for loan in conversion["loans"]]
    return out


def test_explanations_of_one_number(ustc):
    price = ustc.explain("repurchase_price", 1)
    assert isinstance(price, stakecalc.Explanation)
    assert "10,386,949.32" in price.result or "10386949.32" in price.result
    ge = ustc.explain("grant_equivalent", 0)
    assert ge == ustc.compare()[0]["grant_equivalent_explanation"]
    assert ustc.explain("conversion_principal") == ustc.conversion()["statement"]
    with pytest.raises(InvalidInput) as e:
        ustc.explain("grant_equivalent", 9)
    assert e.value.where == "index"
    with pytest.raises(InvalidInput) as e:
        ustc.explain("irr")
    assert e.value.where == "subject"


# ---- the county sample: a reported milestone, a path's own plan, a list of scenarios -----------------

@pytest.fixture(scope="module")
def county():
    return DealDocument.load(SAMPLES / "county-conversion.json")


def county_price(proportion, on, rate):
    """The county's repurchase price: cost plus simple interest, days actual over 365, to the cent."""
    days = (on - dt.date(2022, 4, 1)).days
    return cents(Fraction(3000000) * Fraction(proportion) * (1 + Fraction(rate) * days / 365))


def test_a_reported_milestone_failure_converts_on_its_day(county):
    c = county.conversion()
    assert c["on"] == dt.date(2024, 10, 8)
    assert c["trigger"]["kind"] == "milestone_failed"
    assert "pilot line in production by 2024-09-30" in c["trigger"]["reason"]
    # At cost, the accrued return waived: 75% of 3,000,000.
    assert c["principal"] == Decimal("2250000.00")
    [loan] = c["loans"]
    first = loan["schedule"][0]
    assert first.date == dt.date(2025, 1, 8)
    assert first.interest == cents(Fraction(2250000) * Fraction("0.0435") * 92 / 360)
    # Without the report, the missed minimum fires at the end of year 3.
    j = raw("county-conversion.json")
    del j["reported_events"]
    assert DealDocument.from_dict(j).conversion()["on"] == dt.date(2025, 4, 1)


def test_paths_with_their_own_plan_and_label(county):
    results = county.compare()
    assert [r["path"] for r in results] == ["repurchase per plan", "wang buys the rest at the end of year 3",
                                            "conversion on the milestone failure", "conversion on 2025-04-01"]
    first = county_price("0.25", dt.date(2024, 4, 1), "0.02")
    assert results[0]["cash_recovered"] == first
    rest = county_price("0.75", dt.date(2025, 3, 31), "0.02")
    assert rest == Decimal("2385000.00")
    assert results[1]["cash_recovered"] == first + rest


def test_a_sweep_over_a_list_of_scenarios(county):
    frame = county.sweep()
    assert list(frame["scenario"]) == [0, 1, 2]
    assert list(frame["exit_on"]) == [dt.date(2025, 3, 31), dt.date(2026, 4, 1), dt.date(2025, 3, 31)]
    first = county_price("0.25", dt.date(2024, 4, 1), "0.02")
    expected = [first + county_price("0.75", dt.date(2025, 3, 31), "0.02"),
                first + county_price("0.75", dt.date(2026, 4, 1), "0.05"),  # after year 3: plus 5%
                first + county_price("0.5", dt.date(2025, 3, 31), "0.02")]
    assert list(frame["repurchase_cash_recovered"]) == expected
    assert list(frame["repurchase_error"]) == [None, None, None]


# ---- the sweep -------------------------------------------------------------------------------------

def test_the_sweep_frame_has_a_row_per_grid_scenario(ustc):
    grid = U.sweep["grid"]
    size = 1
    for axis in grid.values():
        size *= len(axis)
    frame = ustc.sweep()
    assert len(frame) == size == 12
    paths = U.sweep["paths"]
    metrics = ["fund_irr", "fund_multiple", "cash_recovered", "grant_equivalent", "grant_equivalent_share",
               "team_cost", "fund_units_left", "team_ownership", "error"]
    assert list(frame.columns) == ["scenario", "exit_on", "valuation", "rate", "proportion"] + [
        f"{p}_{m}" for p in paths for m in metrics]
    assert list(frame["scenario"]) == list(range(size))
    # Row-major, the last axis fastest: exit x valuation x rate.
    exits = [years_after(U.t0, int(t[:-1])) for t in grid["exit_on"]]
    assert list(frame["exit_on"]) == [e for e in exits for _ in range(4)]
    assert list(frame["valuation"]) == [Decimal(v) for _ in exits for v in grid["valuation"] for _ in range(2)]
    assert list(frame["rate"]) == [Decimal(r) for _ in range(6) for r in grid["rate"]]
    # A sale's proceeds at each valuation, with the full stake's dividend.
    for _, row in frame.iterrows():
        expected = cents(Fraction(row["valuation"]) * U.units / U.company_units) + U.full_stake_dividend()
        assert row["sale_cash_recovered"] == expected
        assert row["sale_error"] is None
    assert ustc.sweep(threads=1).equals(frame)


def test_sweep_progress_callback(ustc):
    seen = []
    ustc.sweep(progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (12, 12)
    with pytest.raises(InvalidInput) as e:
        ustc.sweep(progress="yes")
    assert e.value.where == "progress"


def ustc_exit_deal(doc):
    """The USTC deal built through the existing Python API, term by term from the file."""
    j = raw("ustc-deal.json")
    inv = j["repurchase"]["investment"]
    investment = stakecalc.Investment(dt.date.fromisoformat(inv["on"]), inv["amount"], inv["units"],
                                      unit_places=inv["unit_places"], currency=inv["currency"])
    w = j["repurchase"]["windows"]
    lpr = stakecalc.PriceFormula.simple_interest(benchmark="LPR-1Y", benchmark_on="investment")
    windows = [
        stakecalc.RepurchaseWindow(stakecalc.PriceFormula.at_cost(), label=w[0]["label"], until=w[0]["until"]),
        stakecalc.RepurchaseWindow(lpr, label=w[1]["label"], until=w[1]["until"], min_by_end=w[1]["min_by_end"]),
        stakecalc.RepurchaseWindow(stakecalc.PriceFormula.simple_interest(w[2]["price"]["rate"]["fixed"]),
                                   label=w[2]["label"]),
    ]
    terms = stakecalc.RepurchaseTerms(investment, windows, rounding="HALF_UP")
    f = j["facts"]
    facts = stakecalc.DealFacts(
        rates=doc.rate_tables,
        unit_prices=[(dt.date.fromisoformat(p["on"]), p["per_unit"], p["source"]) for p in f["unit_prices"]],
        dividends=[(dt.date.fromisoformat(d["on"]), d["amount"], d["units_held"]) for d in f["dividends"]])
    c = j["conversion"]
    conversion = stakecalc.EquityToDebtTerms(
        debtors=[(d["debtor"], d["share"]) for d in c["debtors"]],
        loan={k: v for k, v in c["loan"].items()},
        triggers=[("minimum_missed", 1), ("deadline", "5Y")],
        principal=lpr,
        units_to=[(u["holder"], u["share"]) for u in c["units_to"]])
    x = j["exit"]
    deal = stakecalc.ExitDeal(terms, market_rate=x["market_rate"], conversion=conversion, facts=facts,
                              company_units=x["company_units"], team_units=x["team_units"])
    plan = [stakecalc.Tranche(dt.date.fromisoformat(t["on"]), t["buyer"], proportion=t["proportion"])
            for t in j["plan"]["tranches"]]
    return deal, plan


def test_the_document_evaluates_as_the_same_deal_built_by_hand(ustc):
    """Not an oracle (both sides are stakecalc): the document layer adds nothing and loses nothing
    on the way to the contract layer, and its sweep frame is stakecalc.sweep's, column for column."""
    pd = pytest.importorskip("pandas")
    deal, plan = ustc_exit_deal(ustc)
    paths = [stakecalc.ExitPath.repurchase(plan), stakecalc.ExitPath.conversion(dt.date(2026, 6, 30), plan),
             stakecalc.ExitPath.sale(dt.date(2026, 6, 30), "300000000.00"),
             stakecalc.ExitPath.write_off(dt.date(2026, 6, 30), "3000000.00")]
    assert ustc.compare() == deal.compare(paths)
    pd.testing.assert_frame_equal(ustc.compare_frame(), deal.compare_frame(paths))
    s = U.sweep
    expected = stakecalc.sweep(deal, s["grid"], paths=s["paths"], plan=plan, buyer=s["buyer"],
                               rate_applies_to=s["rate_applies_to"], base=s["base"], progress=False)
    pd.testing.assert_frame_equal(ustc.sweep(), expected)


# ---- reports ---------------------------------------------------------------------------------------

def test_exit_paths_report_in_three_forms(ustc):
    results = ustc.compare()
    data = json.loads(ustc.report("exit_paths", "json"))
    assert [p["cash_recovered"] for p in data["exit_paths"]] == [
        {"amount": str(r["cash_recovered"]), "currency": "CNY"} for r in results]
    text = ustc.report("exit_paths", "csv")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][:2] == ["path", "cash recovered"]
    assert [r[1] for r in rows[1:]] == [str(r["cash_recovered"]) for r in results]
    table = ustc.report("exit_paths")
    assert "CNY 60,250,000.00" in table  # the sale: 60,000,000.00 plus the full stake's dividend
    explained = ustc.report("exit_paths", "text", explain=True)
    assert len(explained) > len(table)


def test_other_reports(ustc):
    assert "10,386,949.32" in ustc.report("repurchase")
    assert json.loads(ustc.report("repurchase", "json", explain=True))["tranches"][1]["explanation"]
    assert "17,889,082.19" in ustc.report("conversion")
    assert json.loads(ustc.report("conversion", "json", on=dt.date(2026, 6, 30)))
    assert len(list(csv.reader(io.StringIO(ustc.report("sweep", "csv"), newline="")))) == 1 + 12
    platform = ustc.report("platform")
    assert "132,300.00" in platform  # the team pool: half of 270,000.00 less the 2% fee
    for kind, kwargs, where in [("sweep", {"explain": True}, "explain"), ("exit_paths", {"on": "2026-06-30"}, "on"),
                                ("ipo", {}, "kind")]:
        with pytest.raises(InvalidInput) as e:
            ustc.report(kind, **kwargs)
        assert e.value.where == where
    with pytest.raises(InvalidInput) as e:
        ustc.report("exit_paths", "xlsx")
    assert e.value.where == "format"
