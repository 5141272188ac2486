"""Executable sketch of the loan engine's event algorithm, in exact fractions, run against the 87
ACTUS reference cases (tests/data/actus). It exists to check the design of include/stakecalc/loan.hpp
and src/loan.cpp before the C++ is compiled: the C++ follows the same steps, in the same order.

Usage: python3 loan_engine_prototype.py [DATA_DIR] [-v CASE]
"""
import datetime as dt
import json
import sys
from fractions import Fraction as F

# ---- dates ---------------------------------------------------------------------------------------


def add_months(d, n):
    total = d.year * 12 + d.month - 1 + n
    y, m = divmod(total, 12)
    m += 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def end_of_month(d):
    return add_months(d.replace(day=1), 1) - dt.timedelta(days=1)


def is_eom(d):
    return d == end_of_month(d)


def add_step(d, n, unit):
    if unit == "D":
        return d + dt.timedelta(days=n)
    if unit == "W":
        return d + dt.timedelta(days=7 * n)
    if unit == "M":
        return add_months(d, n)
    if unit == "Q":
        return add_months(d, 3 * n)
    return add_months(d, 12 * n)


# A moment is (date, end_of_day): ACTUS timestamps 23:59:59 mean "through the end of that day".
def accrual_day(m):
    return m[0] + dt.timedelta(days=1) if m[1] else m[0]


def year_fraction(dc, a, b, termination=None):
    if dc == "A365":
        return F((b - a).days, 365)
    if dc == "A360":
        return F((b - a).days, 360)
    if dc == "AA":
        if a == b:
            return F(0)
        s = F(0)
        y = a.year
        while True:
            ystart = dt.date(y, 1, 1)
            ynext = dt.date(y + 1, 1, 1)
            lo = max(a, ystart)
            hi = min(b, ynext)
            if hi > lo:
                s += F((hi - lo).days, (ynext - ystart).days)
            if ynext >= b:
                return s
            y += 1
    if dc == "30E360":
        d1 = min(a.day, 30)
        d2 = min(b.day, 30)
        return F(360 * (b.year - a.year) + 30 * (b.month - a.month) + d2 - d1, 360)
    raise ValueError(dc)


# ---- cycles --------------------------------------------------------------------------------------


def parse_cycle(text):
    # "P1ML0": every 1 month, long stub (0) or short stub (1)
    body, stub = text[1:].split("L")
    n = int(body[:-1])
    return n, body[-1], stub == "0"


def cycle_dates(anchor, end, cycle, eom, include_end):
    """Moments from anchor (a start-of-day moment) while before `end` (a moment), the anchor plus k
    cycles each computed from the anchor; then `end` when include_end; with a long stub the last
    regular date before an off-grid end is dropped."""
    if cycle is None:
        out = [anchor]
        if include_end and end != anchor:
            out.append(end)
        return out
    n, unit, long_stub = parse_cycle(cycle)
    month_ends = eom and unit in ("M", "Q", "Y") and is_eom(anchor[0])
    out = []
    k = 0
    t = anchor
    while t < end:
        out.append(t)
        k += 1
        d = add_step(anchor[0], n * k, unit)
        if month_ends:
            d = end_of_month(d)
        t = (d, False)
    if include_end and (not out or out[-1] != end):
        out.append(end)
    if long_stub and t != end and len(out) > 2:
        drop = out[-2] if include_end else out[-1]
        out.remove(drop)
    return out


# ---- business days -------------------------------------------------------------------------------


def is_business(d, cal):
    return cal == "NC" or d.weekday() < 5


def adjust(d, conv, cal):
    if conv in (None, "NOS") or cal == "NC":
        return d
    kind = conv[2:]
    if kind in ("F", "MF"):
        x = d
        while not is_business(x, cal):
            x += dt.timedelta(days=1)
        if kind == "MF" and x.month != d.month:
            x = d
            while not is_business(x, cal):
                x -= dt.timedelta(days=1)
        return x
    x = d
    while not is_business(x, cal):
        x -= dt.timedelta(days=1)
    if kind == "MP" and x.month != d.month:
        x = d
        while not is_business(x, cal):
            x += dt.timedelta(days=1)
    return x


# ---- engine --------------------------------------------------------------------------------------

ORDER = {"AD": 0, "IED": 1, "PR": 3, "IP": 8, "IPCI": 9, "PP": 10, "RRF": 11, "RR": 12, "PRF": 13,
         "SC": 15, "IPCB": 16, "PRD": 17, "TD": 19, "MD": 20}


def monthly_fraction(a, b):
    """按月计息: whole months at 1/12 (month end to month end: whole months), the rest at 1/360."""
    if a == b:
        return F(0)
    if b < a:
        return -monthly_fraction(b, a)
    months = 12 * (b.year - a.year) + b.month - a.month
    if is_eom(a) and is_eom(b):
        return F(months, 12)
    while months > 0 and add_months(a, months) > b:
        months -= 1
    return F(months, 12) + F((b - add_months(a, months)).days, 360)


def half_up_cents(x):
    n = x * 100
    if n >= 0:
        q = (n + F(1, 2)).numerator // (n + F(1, 2)).denominator
    else:
        m = -n + F(1, 2)
        q = -(m.numerator // m.denominator)
    return F(q, 100)


class Engine:
    """Mirrors src/loan.cpp's engine: same planning, same state machine."""

    def __init__(self, t, market):
        self.t = t
        self.market = market
        self.fix_at_start = False

    # -- helpers
    def rnd(self, x):
        return half_up_cents(x) if self.t.get("rounded") else x

    def observe(self, code, day):
        value = None
        for when, v in self.market[code]:
            if when <= day:
                value = v
        if value is None:
            raise KeyError(f"no {code} observation on or before {day}")
        return value

    def accrual_fraction(self, period_start, a, b):
        if self.t.get("basis") == "monthly":
            return monthly_fraction(period_start, b) - monthly_fraction(period_start, a)
        return year_fraction(self.t["day_count"], a, b)

    def fraction(self, s, a, b):
        return self.accrual_fraction(s["ps"], a, b)

    def period_fraction(self, a, b):
        return self.accrual_fraction(a, a, b)

    def planned(self, kind, scheduled, adjust_it=True, index=0):
        t = self.t
        on = scheduled
        accrual = accrual_day(scheduled)
        conv = t.get("bdc")
        if adjust_it and conv and conv != "NOS":
            on = (adjust(scheduled[0], conv, t["calendar"]), scheduled[1])
            if conv.startswith("SC"):
                accrual = accrual_day(on)
        return {"type": kind, "scheduled": scheduled, "on": on, "accrual": accrual, "index": index}

    def step_from(self, base, n, unit, k):
        d = add_step(base, n * k, unit)
        if self.t["eom"] and unit in ("M", "Q", "Y") and is_eom(base):
            d = end_of_month(d)
        return d

    # -- resolution
    def resolve(self):
        t = self.t
        self.ip_anchor = t.get("ip_anchor") or t["start"]
        self.ip_explicit = "ip_anchor" in t
        self.pr_anchor = t.get("pr_anchor") or t["start"]
        self.pr_explicit = "pr_anchor" in t
        self.ip_cycle = t.get("ip_cycle") or t["frequency"]
        self.pr_cycle = t.get("pr_cycle") or t["frequency"]
        if t.get("maturity"):
            self.md = t["maturity"]
        elif t.get("periods"):
            n, unit, _ = parse_cycle(t["frequency"])
            self.md = (self.step_from(t["start"][0], n, unit, t["periods"]), False)
        else:
            n, unit, _ = parse_cycle(self.pr_cycle)
            base = self.pr_anchor[0]
            offset = (0 if self.pr_explicit else 1) + t.get("grace", 0)
            per = t["instalment"]
            if t["kind"] == "ANN":
                first = self.step_from(base, n, unit, offset)
                per -= self.period_fraction(first, self.step_from(first, n, unit, 1)) * t["rate"] * t["principal"]
            k = -(-t["principal"] // per) - 1
            self.md = (self.step_from(base, n, unit, offset + k), False)

    def principal_dates(self, include_end, end, apply_grace=True):
        d = cycle_dates(self.pr_anchor, end, self.pr_cycle, self.t["eom"], include_end)
        if not self.pr_explicit:
            d = [m for m in d if m != self.t["start"]]
        if apply_grace:
            regular = len(d) - (1 if include_end and d and d[-1] == end else 0)
            d = d[min(self.t.get("grace", 0), regular):]
        return d

    def plan(self):
        t = self.t
        ev = [self.planned("IED", t["start"], False)]
        pr = self.principal_dates(False, self.md) if t["kind"] in ("LAM", "ANN") else []
        ev += [self.planned("PR", m) for m in pr]
        ev.append(self.planned("MD", self.md))
        ip = cycle_dates(self.ip_anchor, self.md, self.ip_cycle, t["eom"], True)
        if not self.ip_explicit:
            ip = [m for m in ip if m != t["start"]]
        if t["kind"] == "ANN" and (self.ip_anchor != self.pr_anchor or self.ip_cycle != self.pr_cycle):
            n, unit, _ = parse_cycle(self.pr_cycle)
            pivot = (add_step(self.pr_anchor[0], -n, unit), False)
            ip = sorted(set([m for m in ip if m < pivot] + [pivot] + self.principal_dates(True, self.md)))
        interest = [self.planned("IP", m) for m in ip]
        if t.get("capitalization_end"):
            ce = t["capitalization_end"]
            interest = [e for e in interest if e["scheduled"] != ce]
            for e in interest:
                if e["scheduled"] < ce:
                    e["type"] = "IPCI"
            interest.append(self.planned("IPCI", ce))
        ev += interest
        if t.get("benchmark") and (t.get("rr_anchor") or t.get("rr_cycle")):
            rr = cycle_dates(t.get("rr_anchor") or t["start"], self.md, t.get("rr_cycle"), t["eom"], False)
            if not t.get("rr_anchor"):
                rr = [m for m in rr if m != t["start"]]
            status = t.get("status") or t["start"]
            pending = t.get("next_reset_rate") is not None
            for m in rr:
                e = self.planned("RR", m)
                if pending and m > status:
                    e["type"] = "RRF"
                    pending = False
                ev.append(e)
                if t["kind"] == "ANN":
                    ev.append(self.planned("PRF", m))
        if t["kind"] == "ANN" and t.get("instalment") is None:
            if pr and pr[0][0] > t["start"][0] and pr[0][0] - dt.timedelta(days=1) >= t["start"][0]:
                ev.append(self.planned("PRF", (pr[0][0] - dt.timedelta(days=1), False)))
            else:
                self.fix_at_start = True
        if t.get("scaling"):
            sc = t["scaling"]
            ev += [self.planned("SC", m) for m in cycle_dates(sc["anchor"], self.md, sc["cycle"], t["eom"], False)]
        if t.get("icb") == "NTL" and t.get("icb_anchor"):
            ev += [self.planned("IPCB", m) for m in cycle_dates(t["icb_anchor"], self.md, t.get("icb_cycle"), t["eom"], False)]
        for i, pp in enumerate(t.get("prepayments", [])):
            ev.append(self.planned("PP", (pp[0], False), False, i))
        if t.get("purchase"):
            ev.append(self.planned("PRD", t["purchase"][0], False))
        if t.get("termination"):
            td = t["termination"][0]
            ev = [e for e in ev if not (td, ORDER["TD"]) < (e["on"], ORDER[e["type"]])]
            ev.append(self.planned("TD", td, False))
        if t.get("status"):
            ev = [e for e in ev if not e["on"] < t["status"]]
        ev.sort(key=lambda e: (e["on"], ORDER[e["type"]]))
        return ev

    def annuity(self, s, on, kind, at):
        end = self.t.get("amortization_end") or self.md
        dates = []
        for m in self.principal_dates(True, end):
            p = self.planned("PR", m)
            if (on, ORDER[kind]) < (p["on"], ORDER["PR"]):
                dates.append(p["accrual"])
        if not dates:
            return s["nt"] + s["ipac"]
        product, tail = F(1), F(0)
        for i in range(len(dates) - 1, 0, -1):
            product *= 1 + s["rate"] * self.period_fraction(dates[i - 1], dates[i])
            tail += product
        scale = s["nt"] + s["ipac"] + self.fraction(s, at, dates[0]) * s["rate"] * s["nt"]
        return scale * product / (1 + tail)

    def remaining_principal_dates(self, on, kind):
        n = 0
        for m in self.principal_dates(True, self.md):
            p = self.planned("PR", m)
            if (on, ORDER[kind]) < (p["on"], ORDER["PR"]):
                n += 1
        return n

    def benchmark_rate(self, day):
        t = self.t
        fixing = t.get("contract_date", t["start"][0]) if t.get("fixing") == "contract" else day
        r = t["multiplier"] * self.observe(t["benchmark"], fixing) + t["spread"]
        if t.get("floor") is not None:
            r = max(r, t["floor"])
        if t.get("cap") is not None:
            r = min(r, t["cap"])
        return r

    def run(self):
        t = self.t
        self.resolve()
        plan = self.plan()
        principal = t["principal"]
        start_base = t["icb_amount"] if t.get("icb") == "NTL" else principal
        initial_rate = t["rate"] if t.get("rate") is not None else self.benchmark_rate(t.get("contract_date", t["start"][0]))
        s = {"nt": F(0), "rate": F(0), "ipac": F(0), "icb": F(0), "sd": t["start"][0], "ps": t["start"][0],
             "nsc": F(1), "isc": F(1), "prnxt": t.get("instalment")}
        if t.get("status"):
            s["sd"] = s["ps"] = t["status"][0]
            if t["start"] <= t["status"]:
                s.update(nt=principal, rate=initial_rate, ipac=t.get("accrued", F(0)), icb=start_base)
        if s["prnxt"] is None and t["kind"] == "LAM":
            n = self.remaining_principal_dates(t.get("status") or t["start"], "IED")
            s["prnxt"] = self.rnd(principal / max(n, 1))
        out = []
        for p in plan:
            k = p["type"]

            def accrue():
                s["ipac"] += self.fraction(s, s["sd"], p["accrual"]) * s["rate"] * s["icb"]
                s["sd"] = p["accrual"]

            def new_period():
                s["ps"] = p["accrual"]

            e = {"date": p["on"][0], "on": p["on"], "type": k, "payoff": F(0), "interest": F(0), "principal": F(0),
                 "accrual": p["accrual"]}
            if k == "IED":
                s.update(nt=principal, rate=initial_rate, icb=start_base, ipac=t.get("accrued", F(0)), sd=p["accrual"])
                new_period()
                e["payoff"] = -(principal + t.get("premium", F(0)))
                e["principal"] = -principal
                if self.fix_at_start and t["kind"] == "ANN":
                    s["prnxt"] = self.rnd(self.annuity(s, p["on"], k, p["accrual"]))
            elif k == "IP":
                accrue()
                e["interest"] = self.rnd(s["isc"] * s["ipac"])
                e["payoff"] = e["interest"]
                s["ipac"] = F(0)
                new_period()
            elif k == "IPCI":
                accrue()
                e["interest"] = self.rnd(s["ipac"])
                e["principal"] = -e["interest"]
                s["nt"] += e["interest"]
                if t.get("icb") != "NTL":
                    s["icb"] = s["nt"]
                s["ipac"] = F(0)
                new_period()
            elif k == "PR":
                if t["kind"] == "ANN":
                    due = s["ipac"] + self.fraction(s, s["sd"], p["accrual"]) * s["rate"] * s["icb"]
                    amount = (s["prnxt"] or F(0)) - self.rnd(s["isc"] * due)
                else:
                    amount = s["prnxt"] or F(0)
                amount = min(amount, s["nt"])
                accrue()
                s["nt"] -= amount
                if t.get("icb") != "NTL":
                    s["icb"] = s["nt"]
                e["principal"] = amount
                e["payoff"] = amount if s["nsc"] == 1 else self.rnd(s["nsc"] * amount)
            elif k == "PP":
                on, amount_given, keep = t["prepayments"][p["index"]]
                accrue()
                amount = min(amount_given, s["nt"])
                e["interest"] = self.rnd(s["isc"] * s["ipac"])
                e["principal"] = amount
                e["payoff"] = e["interest"] + amount
                s["ipac"] = F(0)
                new_period()
                s["nt"] -= amount
                if t.get("icb") != "NTL":
                    s["icb"] = s["nt"]
                if keep == "term":
                    if t["kind"] == "ANN":
                        s["prnxt"] = self.rnd(self.annuity(s, p["on"], k, p["accrual"]))
                    elif t["kind"] == "LAM":
                        s["prnxt"] = self.rnd(s["nt"] / max(self.remaining_principal_dates(p["on"], k), 1))
            elif k == "MD":
                accrue()
                e["interest"] = self.rnd(s["isc"] * s["ipac"])
                e["principal"] = s["nt"]
                e["payoff"] = (s["nt"] if s["nsc"] == 1 else self.rnd(s["nsc"] * s["nt"])) + e["interest"]
                s.update(nt=F(0), ipac=F(0), icb=F(0))
                new_period()
            elif k in ("RR", "RRF"):
                accrue()
                s["rate"] = t["next_reset_rate"] if k == "RRF" else self.benchmark_rate(p["on"][0])
            elif k == "PRF":
                accrue()
                s["prnxt"] = self.rnd(self.annuity(s, p["on"], k, p["accrual"]))
            elif k == "SC":
                accrue()
                sc = t["scaling"]
                factor = self.observe(sc["code"], p["on"][0]) / sc["base"]
                if sc["effect"][0] == "I":
                    s["isc"] = factor
                if sc["effect"][1] == "N":
                    s["nsc"] = factor
            elif k == "IPCB":
                accrue()
                s["icb"] = s["nt"]
            elif k == "PRD":
                accrue()
                e["interest"] = -self.rnd(s["ipac"])
                e["principal"] = -t["purchase"][1]
                e["payoff"] = e["principal"] + e["interest"]
            elif k == "TD":
                accrue()
                e["interest"] = self.rnd(s["ipac"])
                e["principal"] = t["termination"][1]
                e["payoff"] = e["principal"] + e["interest"]
                s.update(nt=F(0), ipac=F(0))
                new_period()
            e.update(notional=s["nt"], rate=s["rate"], accrued=s["ipac"], base=s["icb"], ps=s["ps"])
            out.append(e)
        if t.get("purchase"):
            cut = (t["purchase"][0], ORDER["PRD"])
            out = [e for e in out if not (e["on"], ORDER[e["type"]]) < cut]
        return out


def actus_view(events, role, to):
    """The engine's events in ACTUS's conventions (src/actus.cpp actus_events)."""
    out = []
    for e in events:
        if to and e["on"] > to:
            continue
        if e["type"] in ("PRD", "TD"):
            payoff = role * (e["payoff"] - e["interest"]) + e["interest"]
        else:
            payoff = role * e["payoff"]
        out.append({"on": e["on"], "date": e["date"], "type": e["type"], "payoff": payoff, "notional": role * e["notional"],
                    "rate": e["rate"], "accrued": role * e["accrued"]})
    return out


# ---- ACTUS mapping -------------------------------------------------------------------------------


def moment(text):
    text = text.strip()
    d = dt.date.fromisoformat(text[:10])
    return (d, text[11:19] == "23:59:59")


def dec(text):
    return F(str(text).strip())


def map_terms(case):
    a = case["terms"]
    def get(k):
        v = a.get(k)
        if isinstance(v, (int, float)):
            return repr(v)  # a few cases give JSON numbers: their shortest text is the intended decimal
        return v.strip() if isinstance(v, str) and v.strip() else None
    kind = get("contractType")
    t = {"kind": kind, "principal": dec(get("notionalPrincipal")), "rate": dec(get("nominalInterestRate") or "0"),
         "start": moment(get("initialExchangeDate")), "status": moment(get("statusDate")),
         "day_count": get("dayCountConvention"), "calendar": get("calendar") or "NC", "bdc": get("businessDayConvention"),
         "eom": get("endOfMonthConvention") == "EOM", "role": 1 if get("contractRole") in ("RPA", None) else -1}
    for key, name in [("maturity", "maturityDate"), ("amortization_end", "amortizationDate"),
                      ("ip_anchor", "cycleAnchorDateOfInterestPayment"), ("pr_anchor", "cycleAnchorDateOfPrincipalRedemption"),
                      ("rr_anchor", "cycleAnchorDateOfRateReset"), ("capitalization_end", "capitalizationEndDate")]:
        if get(name):
            t[key] = moment(get(name))
    for key, name in [("ip_cycle", "cycleOfInterestPayment"), ("pr_cycle", "cycleOfPrincipalRedemption"),
                      ("rr_cycle", "cycleOfRateReset"), ("benchmark", "marketObjectCodeOfRateReset")]:
        if get(name):
            t[key] = get(name)
    if get("nextPrincipalRedemptionPayment"):
        t["instalment"] = dec(get("nextPrincipalRedemptionPayment"))
    if get("premiumDiscountAtIED"):
        t["premium"] = dec(get("premiumDiscountAtIED"))
    if get("accruedInterest"):
        t["accrued"] = dec(get("accruedInterest"))
    t["multiplier"] = dec(get("rateMultiplier") or "1")
    t["spread"] = dec(get("rateSpread") or "0")
    if get("nextResetRate"):
        t["next_reset_rate"] = dec(get("nextResetRate"))
    if get("purchaseDate"):
        t["purchase"] = (moment(get("purchaseDate")), dec(get("priceAtPurchaseDate")))
    if get("terminationDate"):
        t["termination"] = (moment(get("terminationDate")), dec(get("priceAtTerminationDate")))
    t["icb"] = get("interestCalculationBase") or "NT"
    if t["icb"] != "NT":
        t["icb_amount"] = dec(get("interestCalculationBaseAmount"))
        if get("cycleAnchorDateOfInterestCalculationBase"):
            t["icb_anchor"] = moment(get("cycleAnchorDateOfInterestCalculationBase"))
            t["icb_cycle"] = get("cycleOfInterestCalculationBase")
    if t["icb"] == "NTIED":
        t["icb"] = "NT"  # the notional at IED, then the outstanding notional
    if get("cycleAnchorDateOfRateReset") or get("cycleOfRateReset"):
        t["rr_anchor_text"] = True
    if get("scalingEffect"):
        t["scaling"] = {"code": get("marketObjectCodeOfScalingIndex"), "base": dec(get("scalingIndexAtContractDealDate")),
                        "effect": get("scalingEffect"), "anchor": moment(get("cycleAnchorDateOfScalingIndex")),
                        "cycle": get("cycleOfScalingIndex")}
    if case.get("to"):
        t["to"] = moment(case["to"])
    if kind != "PAM" and "pr_anchor" not in t:
        t["pr_anchor"] = t["start"]
    if "maturity" not in t and "amortization_end" in t:
        t["maturity"] = t["amortization_end"]
    t["frequency"] = t.get("pr_cycle") or t.get("ip_cycle")
    if get("contractDealDate"):
        t["contract_date"] = min(moment(get("contractDealDate"))[0], t["start"][0])
    market = {code: [(dt.date.fromisoformat(x["timestamp"][:10]), dec(x["value"])) for x in series["data"]]
              for code, series in case.get("dataObserved", {}).items()}
    return t, market


def compare(case, verbose=False):
    t, market = map_terms(case)
    got = actus_view(Engine(t, market).run(), t["role"], t.get("to"))
    want = case["results"]
    problems = []
    if len(got) != len(want):
        problems.append(f"{len(got)} events, expected {len(want)}")
    for g, w in zip(got, want):
        wd = dt.date.fromisoformat(w["eventDate"][:10])
        if g["date"] != wd or g["type"] != w["eventType"]:
            problems.append(f"event {g['date']} {g['type']} vs {wd} {w['eventType']}")
            break
        for key, wk in [("payoff", "payoff"), ("notional", "notionalPrincipal"), ("rate", "nominalInterestRate"),
                        ("accrued", "accruedInterest")]:
            if abs(float(g[key]) - float(w[wk])) > 1e-6:
                problems.append(f"{wd} {w['eventType']} {key} {float(g[key])!r} vs {w[wk]}")
    if verbose:
        for g in got:
            print(g["date"], g["type"], float(g["payoff"]), float(g["notional"]), float(g["rate"]), float(g["accrued"]))
    return problems


# ---- loan-level checks (the expectations of tests/cpp/test_loan.cpp) ------------------------------


def schedule_rows(events, start):
    """Mirrors loan::schedule(): one row per payment day."""
    rows = []
    period_start = start
    period_rate = None
    notional = F(0)
    i = 0
    while i < len(events):
        day = events[i]["date"]
        j = i
        cash = started = False
        opening = interest = principal = payment = F(0)
        end = period_start
        while j < len(events) and events[j]["date"] == day:
            e = events[j]
            if e["type"] in ("IP", "PR", "PP", "MD", "IPCI"):
                if not cash:
                    opening = notional
                cash = True
                interest += e["interest"]
                principal += e["principal"]
                if e["type"] != "IPCI":
                    payment += e["payoff"]
                end = max(end, e["accrual"])
            if e["type"] == "IED":
                started = True
                period_start = end = e["accrual"]
                period_rate = e["rate"]
            notional = e["notional"]
            j += 1
        if cash and not (interest == 0 and principal == 0 and payment == 0):
            rows.append({"start": period_start, "end": end, "date": day, "rate": period_rate, "opening": opening,
                         "interest": interest, "principal": principal, "payment": payment, "closing": notional})
        if cash or started:
            period_start = max(period_start, end)
            period_rate = events[j - 1]["rate"]
        i = j
    return rows


def closed_form(p, r, n):
    g = (1 + r) ** n
    return p * r * g / (g - 1)


def loan_terms(**kw):
    t = {"kind": "ANN", "principal": F(1000000), "rate": F(49, 1000), "start": (dt.date(2024, 1, 15), False),
         "periods": 240, "frequency": "P1ML1", "day_count": "A360", "calendar": "NC", "bdc": None, "eom": False,
         "role": 1, "rounded": True, "basis": "monthly", "multiplier": F(1), "spread": F(0)}
    t.update(kw)
    return t


def lpr_market():
    data = json.load(open("/work/wip/loan/src/data/lpr_history.json"))["fixings"]
    return {"LPR-1Y": [(dt.date.fromisoformat(f["date"]), F(f["1Y"]) / 100) for f in data],
            "LPR-5Y": [(dt.date.fromisoformat(f["date"]), F(f["5Y"]) / 100) for f in data]}


def loan_examples():
    checks = 0

    def check(cond, what):
        nonlocal checks
        checks += 1
        if not cond:
            print("FAIL", what)

    rows = schedule_rows(Engine(loan_terms(), {}).run(), dt.date(2024, 1, 15))
    check(len(rows) == 240, "240 rows")
    check(rows[0]["payment"] == F("6544.44") and rows[0]["interest"] == F("4083.33"), f"annuity row 1 {rows[0]}")
    check(rows[0]["closing"] == F("997538.89"), "closing 1")
    check(sum(r["principal"] for r in rows) == 1000000, "principal sum")
    check(rows[-1]["date"] == dt.date(2044, 1, 15), "last date")
    rows = schedule_rows(Engine(loan_terms(kind="LAM"), {}).run(), dt.date(2024, 1, 15))
    check([r["payment"] for r in rows[:3]] == [F("8250.00"), F("8232.99"), F("8215.98")], "equal principal")
    check(rows[-1]["principal"] == F("4165.87"), "last principal")
    rows = schedule_rows(Engine(loan_terms(periods=360), {}).run(), dt.date(2024, 1, 15))
    check(rows[0]["payment"] == F("5307.27"), "30 years")
    rows = schedule_rows(Engine(loan_terms(periods=12, rate=F(0), basis="day_count"), {}).run(), dt.date(2024, 1, 15))
    check(rows[0]["payment"] == F("83333.33") and rows[-1]["payment"] == F("83333.37"), "zero rate")
    rows = schedule_rows(Engine(loan_terms(periods=12, grace=3), {}).run(), dt.date(2024, 1, 15))
    check(len(rows) == 12 and all(r["principal"] == 0 and r["interest"] == F("4083.33") for r in rows[:3]), "grace")
    check(rows[3]["payment"] == half_up_cents(closed_form(F(1000000), F(49, 12000), 9)), f"grace instalment {rows[3]}")
    # LPR-5Y + 0.5%, yearly resets
    market = lpr_market()
    t = loan_terms(principal=F(1200000), start=(dt.date(2020, 1, 1), False), periods=60, rate=None,
                   benchmark="LPR-5Y", spread=F(5, 1000), rr_cycle="P1YL1")
    rows = schedule_rows(Engine(t, market).run(), dt.date(2020, 1, 1))
    check([rows[i]["rate"] for i in (0, 11, 12, 24, 36, 48)] == [F("0.053"), F("0.053"), F("0.0515"), F("0.0515"),
                                                                  F("0.048"), F("0.047")], "lpr rates")
    check(rows[0]["payment"] == half_up_cents(closed_form(F(1200000), F(53, 12000), 60)), "lpr first instalment")
    check(rows[12]["payment"] == half_up_cents(closed_form(rows[11]["closing"], F(515, 120000), 48)), "lpr reset instalment")
    check(sum(r["principal"] for r in rows) == 1200000, "lpr principal")
    # frozen on the contract date; floored
    t = loan_terms(kind="LAM", principal=F(100000), start=(dt.date(2022, 1, 1), False), periods=36, rate=None,
                   benchmark="LPR-1Y", spread=F(1, 100), rr_cycle="P1YL1", fixing="contract", basis="day_count")
    rows = schedule_rows(Engine(t, market).run(), dt.date(2022, 1, 1))
    check(all(r["rate"] == F("0.048") for r in rows), "frozen")
    t.update(fixing=None, floor=F("0.047"))
    rows = schedule_rows(Engine(t, market).run(), dt.date(2022, 1, 1))
    check([rows[i]["rate"] for i in (0, 12, 24)] == [F("0.048"), F("0.047"), F("0.047")], "floored")
    # prepayment
    base = schedule_rows(Engine(loan_terms(), {}).run(), dt.date(2024, 1, 15))
    t = loan_terms(prepayments=[(dt.date(2026, 1, 15), F(200000), "term")])
    rows = schedule_rows(Engine(t, {}).run(), dt.date(2024, 1, 15))
    check(len(rows) == 240 and rows[23]["principal"] == base[23]["principal"] + 200000, "prepay row")
    check(rows[24]["payment"] == half_up_cents(closed_form(base[23]["closing"] - 200000, F(49, 12000), 216)), "keep term")
    t = loan_terms(prepayments=[(dt.date(2026, 1, 15), F(200000), "instalment")])
    short = schedule_rows(Engine(t, {}).run(), dt.date(2024, 1, 15))
    check(len(short) < 240 and short[24]["payment"] == F("6544.44") and short[-1]["payment"] <= F("6544.44"), "keep instalment")
    check(sum(r["principal"] for r in short) == 1000000, "keep instalment principal")
    t = loan_terms(prepayments=[(dt.date(2026, 2, 1), F(100000), "term")])
    mid = schedule_rows(Engine(t, {}).run(), dt.date(2024, 1, 15))
    check(len(mid) == 241 and mid[24]["date"] == dt.date(2026, 2, 1) and mid[24]["principal"] == 100000, "mid prepay")
    # bullet accrual and stubs
    t = loan_terms(kind="PAM", principal=F(10000), start=(dt.date(2024, 1, 15), False), periods=None,
                   maturity=(dt.date(2024, 6, 30), False), rate=F(6, 100), basis="day_count")
    check([r["date"].isoformat() for r in schedule_rows(Engine(t, {}).run(), dt.date(2024, 1, 15))] ==
          ["2024-02-15", "2024-03-15", "2024-04-15", "2024-05-15", "2024-06-15", "2024-06-30"], "short final")
    t["frequency"] = "P1ML0"
    check([r["date"].isoformat() for r in schedule_rows(Engine(t, {}).run(), dt.date(2024, 1, 15))] ==
          ["2024-02-15", "2024-03-15", "2024-04-15", "2024-05-15", "2024-06-30"], "long final")
    # penalty example and the calendar example are checked by hand in the C++ test comments
    t = loan_terms(kind="PAM", principal=F(120000), start=(dt.date(2024, 1, 1), False), periods=None,
                   maturity=(dt.date(2024, 7, 1), False), rate=F(72, 1000), basis="day_count")
    check(schedule_rows(Engine(t, {}).run(), dt.date(2024, 1, 1))[0]["interest"] == F("744.00"), "penalty base")
    t = loan_terms(kind="PAM", principal=F(100000), start=(dt.date(2024, 9, 1), False), periods=3, rate=F(36, 1000),
                   basis="day_count", bdc="SCF", calendar="MF")
    rows = schedule_rows(Engine(t, {}).run(), dt.date(2024, 9, 1))
    check(rows[2]["date"] == dt.date(2024, 12, 2), "weekend shift")
    print(f"loan examples: {checks} checks run")


def main():
    if "--loan-examples" in sys.argv:
        loan_examples()
        return
    root = "/work/main/tests/data/actus"
    args = sys.argv[1:]
    verbose = None
    if "-v" in args:
        verbose = args[args.index("-v") + 1]
    cases = {}
    for kind in ("pam", "lam", "ann"):
        cases.update(json.load(open(f"{root}/actus-tests-{kind}.json")))
    passed = 0
    for name, case in cases.items():
        if verbose and name != verbose:
            continue
        try:
            problems = compare(case, verbose == name)
        except Exception as exc:  # noqa: BLE001 - a prototype reports and goes on
            problems = [f"exception {exc!r}"]
        if problems:
            print(name, "FAIL", problems[:4])
        else:
            passed += 1
    print(f"passed {passed} of {len(cases) if not verbose else 1}")


if __name__ == "__main__":
    main()
