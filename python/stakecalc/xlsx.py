"""stakecalc.xlsx: workbooks an auditor can recalculate.

A loan schedule or an exit-path comparison is written to an XLSX file (with openpyxl) in which
every computed amount is a live spreadsheet formula over labelled input cells, so that a reviewer
can follow each cent in their own spreadsheet program:

* the inputs (principal, rate, dates, day count, rounding rule, ...) are plain values on the
  ``Inputs`` sheet and in the date and rate columns of the schedule;
* days, year fraction, interest before and after rounding, principal, payment and balances are
  formulas (``=ROUND(H5*G5*F5,2)`` for the interest of a period, ``F5`` being the day-count year
  fraction, itself a formula over the period's dates);
* beside them, the library's own figures are written as values ("library" columns) and a
  ``Check`` column says ``OK`` or ``DIFFERS`` for each row, so any disagreement shows at once.

Rounding. The library rounds each interest amount once, to the currency's minor unit, with the
contract's mode. HALF_UP is the spreadsheet's ROUND (half away from zero). The other modes first
snap the value in minor units to ``TIE_GUARD_PLACES`` decimals, ``ROUND(x*10^2,6)``, so that the
binary noise of the product neither hides a tie nor moves a whole minor unit (1,653.00 computed
as 1652.9999999999998 must stay 1,653.00 when rounding DOWN); then UP and DOWN are ROUNDUP and
ROUNDDOWN to units, CEILING and FLOOR pick one of the two by sign, and HALF_EVEN and HALF_DOWN
(which have no spreadsheet function) test for a tie and round it to even, or down. A value closer
than 10^-TIE_GUARD_PLACES minor units to a whole or half unit without being one would be taken for
it, which the Check column would show; the snap is exact for values below 10^9 minor units per
period (15 significant digits).

Exactness. A spreadsheet cell holds a binary double. A decimal of at most 15 significant digits
(``MAX_SIGNIFICANT_DIGITS``) is the only decimal of that length that rounds to its double, so it
is shown and recalculated as written; an amount with more significant digits (a balance of 10^13
yuan and more, with its fen) cannot be held exactly, and is refused with ``NotExactInSpreadsheet``
rather than silently changed. The formulas compute in doubles: before the one rounding, a
period's interest is within about 10^-15 of the exact value (relative), which decides the cent
except at a half-cent tie; Excel and LibreOffice round the 15-digit decimal value, so they decide
ties as the library does. (A formula evaluator that rounds the binary value naively, such as the
``formulas`` package, can round a tie down.)

What is expressed as formulas (anything else raises NotImplementedError naming it):

* repayment BULLET, EQUAL_PRINCIPAL, ANNUITY (with its exact instalment formula, recomputed at
  each rate reset on a period boundary) and EXPLICIT (repayments on payment dates);
* team repurchase tranches (``export_repurchase``): at cost, and cost plus simple or compound
  interest at a fixed rate, as formulas; other price formulas as the library's exact amount;
* exit-path comparisons (``export_exit_comparison``): cash recovered, multiple, XIRR and the
  grant-equivalent (-XNPV at the market rate) from each path's flows;
* interest-only grace periods; fixed rates and benchmark rates reset on period boundaries (the
  rate of each period is then an input value);
* interest basis DAY_COUNT with ACT/360, ACT/365F, ACT/365L, ACT/ACT ISDA, ACT/ACT ICMA (no
  reference period, as the loan uses it), 30/360, 30/360 US, 30E/360, 30E/360 ISDA as formulas over
  the dates; ACT/ACT AFB as the library's exact fraction written as ``=p/q``; and MONTHLY (whole
  months / 12 plus remaining days / 360).

Before writing, the export recomputes every amount exactly (in fractions) the way its formulas
compute it, and compares with the library's figures; a schedule the formulas would not reproduce
to the cent (a prepayment, a reset within a period, ...) raises NotImplementedError unless
``strict=False``, in which case it is written with the Check column showing where it differs.

openpyxl is needed only when this module is used: ``pip install openpyxl``.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping, Optional, Sequence

__all__ = ["export_loan_schedule", "export_exit_comparison", "export_repurchase", "NotExactInSpreadsheet",
           "MAX_SIGNIFICANT_DIGITS", "TIE_GUARD_PLACES"]

MAX_SIGNIFICANT_DIGITS = 15
TIE_GUARD_PLACES = 6


class NotExactInSpreadsheet(ValueError):
    """A number that a spreadsheet cell (an IEEE double) cannot hold exactly."""


# ---- small helpers -------------------------------------------------------------------------------

def _openpyxl():
    try:
        import openpyxl  # noqa: F401
        from openpyxl.comments import Comment
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("stakecalc.xlsx needs openpyxl (pip install openpyxl)") from e
    return openpyxl, Comment, Font, PatternFill, Alignment, get_column_letter


def _significant_digits(d: Decimal) -> int:
    t = d.normalize().as_tuple()
    digits = list(t.digits)
    while digits and digits[0] == 0:
        digits.pop(0)
    return len(digits)


def _exact_number(value, what: str):
    """The value for a cell: int or float, refused when a double cannot hold it exactly enough."""
    if isinstance(value, bool):
        raise TypeError(f"{what}: expected a number, got a bool")
    if isinstance(value, int):
        if abs(value) >= 10 ** MAX_SIGNIFICANT_DIGITS:
            raise NotExactInSpreadsheet(f"{what}: {value} has more than {MAX_SIGNIFICANT_DIGITS} significant digits")
        return value
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return _exact_number(value.numerator, what)
        raise NotExactInSpreadsheet(f"{what}: {value} is not a terminating decimal")
    if isinstance(value, float):
        raise TypeError(f"{what}: floats are refused (use Decimal)")
    d = Decimal(value)
    if not d.is_finite():
        raise NotExactInSpreadsheet(f"{what}: {d} is not a finite number")
    if _significant_digits(d) > MAX_SIGNIFICANT_DIGITS:
        raise NotExactInSpreadsheet(
            f"{what}: {d} has {_significant_digits(d)} significant digits; a spreadsheet cell (an IEEE double) "
            f"holds at most {MAX_SIGNIFICANT_DIGITS} exactly")
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def _check_value(value, what: str):
    """A library figure written for comparison (rates, IRRs): rounded to 15 significant digits."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    d = Decimal(value)
    if _significant_digits(d) > MAX_SIGNIFICANT_DIGITS:
        d = Decimal(format(d, f".{MAX_SIGNIFICANT_DIGITS - 1}e"))
    return float(d)


_QUANT = {
    "UP": lambda q, r, neg: r != 0,
    "DOWN": lambda q, r, neg: False,
    "CEILING": lambda q, r, neg: r != 0 and not neg,
    "FLOOR": lambda q, r, neg: r != 0 and neg,
    "HALF_UP": lambda q, r, neg: 2 * r >= 1,
    "HALF_DOWN": lambda q, r, neg: 2 * r > 1,
    "HALF_EVEN": lambda q, r, neg: 2 * r > 1 or (2 * r == 1 and q % 2 == 1),
}


def _round_exact(x: Fraction, places: int, mode: str) -> Fraction:
    """x rounded to `places` decimals with the library's named mode, exactly."""
    if mode == "UNNECESSARY":
        mode = "HALF_UP"  # the library refuses to round there; the value is exact already
    neg = x < 0
    y = abs(x) * 10 ** places
    q = y.numerator // y.denominator
    r = y - q
    if _QUANT[mode](q, r, neg):
        q += 1
    v = Fraction(q, 10 ** places)
    return -v if neg else v


def _round_formula(expr: str, places: int, mode: str) -> str:
    """The spreadsheet formula (without '=') rounding `expr` like the library's mode.

    HALF_UP is the spreadsheet's ROUND. The other modes work on the value in minor units snapped
    to TIE_GUARD_PLACES decimals, so that binary noise neither hides a tie nor moves a whole minor
    unit (1,653.00 computed as 1652.9999999999998 must not round down to 1,652.99)."""
    p = places
    if mode in ("HALF_UP", "UNNECESSARY"):
        return f"ROUND({expr},{p})"
    scaled = f"ROUND({expr}*10^{p},{TIE_GUARD_PLACES})"
    unit = f"/10^{p}"
    if mode == "UP":
        return f"ROUNDUP({scaled},0){unit}"
    if mode == "DOWN":
        return f"ROUNDDOWN({scaled},0){unit}"
    if mode == "CEILING":
        return f"IF({expr}>=0,ROUNDUP({scaled},0),ROUNDDOWN({scaled},0)){unit}"
    if mode == "FLOOR":
        return f"IF({expr}>=0,ROUNDDOWN({scaled},0),ROUNDUP({scaled},0)){unit}"
    tie = f"ABS({scaled}-TRUNC({scaled}))=0.5"
    if mode == "HALF_EVEN":
        return f"IF({tie},2*ROUND({scaled}/2,0),ROUND({scaled},0)){unit}"
    if mode == "HALF_DOWN":
        return f"IF({tie},TRUNC({scaled}),ROUND({scaled},0)){unit}"
    raise NotImplementedError(f"rounding mode {mode}")


# ---- day counts as formulas ----------------------------------------------------------------------

_DC_ALIASES = {
    "ACTUAL/360": "ACT/360", "ACT/365 FIXED": "ACT/365F", "ACTUAL/365 FIXED": "ACT/365F", "ACT/365 LEAP": "ACT/365L",
    "ACT/ACT ISMA": "ACT/ACT ICMA", "ACT/ACT EURO": "ACT/ACT AFB", "BOND BASIS": "30/360",
    "30/360 BOND BASIS": "30/360", "30/360 ISDA": "30/360", "EUROBOND BASIS": "30E/360",
    "30E/360 EUROBOND BASIS": "30E/360", "30/360 GERMAN": "30E/360 ISDA",
}


def _day_count_name(name: str) -> str:
    key = " ".join(str(name).upper().split()).replace("ACTUAL", "ACT")
    return _DC_ALIASES.get(key, key)


def _last_of_february(x: str) -> str:
    return f"AND(MONTH({x})=2,DAY({x}+1)=1)"


def _days_formula(dc: str, s: str, e: str, termination: Optional[str] = None) -> str:
    """Days from s to e (cell references or expressions) under the day count."""
    ymd = f"360*(YEAR({e})-YEAR({s}))+30*(MONTH({e})-MONTH({s}))"
    if dc == "30/360":
        return f"{ymd}+IF(AND(DAY({e})=31,DAY({s})>=30),30,DAY({e}))-MIN(DAY({s}),30)"
    if dc == "30E/360":
        return f"{ymd}+MIN(DAY({e}),30)-MIN(DAY({s}),30)"
    if dc == "30/360 US":
        fs, fe = _last_of_february(s), _last_of_february(e)
        d1 = f"IF(OR(DAY({s})=31,{fs}),30,DAY({s}))"
        d2 = f"IF(AND({fs},{fe}),30,IF(AND(DAY({e})=31,OR(DAY({s})>=30,{fs})),30,DAY({e})))"
        return f"{ymd}+{d2}-{d1}"
    if dc == "30E/360 ISDA":
        fs, fe = _last_of_february(s), _last_of_february(e)
        d1 = f"IF(OR(DAY({s})=31,{fs}),30,DAY({s}))"
        moved = fe if termination is None else f"AND({fe},{e}<>{termination})"
        d2 = f"IF(OR(DAY({e})=31,{moved}),30,DAY({e}))"
        return f"{ymd}+{d2}-{d1}"
    return f"{e}-{s}"


def _leap_days_through(x: str) -> str:
    """Number of 29 Februaries on or before x (counted from year 0)."""
    y = f"(YEAR({x})-IF({x}<DATE(YEAR({x}),2,29),1,0))"
    return f"(INT({y}/4)-INT({y}/100)+INT({y}/400))"


def _year_fraction_formula(dc: str, basis: str, s: str, e: str, termination: str) -> Optional[str]:
    """The year fraction from s to e as a formula, or None when it is not expressible."""
    if basis == "MONTHLY":
        m0 = f"(12*(YEAR({e})-YEAR({s}))+MONTH({e})-MONTH({s}))"
        months = f"({m0}-IF(EDATE({s},{m0})>{e},1,0))"
        return (f"IF(AND(DAY({s}+1)=1,DAY({e}+1)=1),{m0}/12,"
                f"{months}/12+({e}-EDATE({s},{months}))/360)")
    if dc == "ACT/360":
        return f"({e}-{s})/360"
    if dc == "ACT/365F":
        return f"({e}-{s})/365"
    if dc in ("30/360", "30E/360", "30/360 US"):
        return f"({_days_formula(dc, s, e)})/360"
    if dc == "30E/360 ISDA":
        return f"({_days_formula(dc, s, e, termination)})/360"
    if dc == "ACT/ACT ISDA":
        def year_length(y):
            return f"(DATE({y}+1,1,1)-DATE({y},1,1))"
        return (f"(DATE(YEAR({s})+1,1,1)-{s})/{year_length(f'YEAR({s})')}+YEAR({e})-YEAR({s})-1"
                f"+({e}-DATE(YEAR({e}),1,1))/{year_length(f'YEAR({e})')}")
    if dc == "ACT/365L":
        return f"({e}-{s})/IF({_leap_days_through(e)}-{_leap_days_through(s)}>0,366,365)"
    if dc == "ACT/ACT ICMA":
        months = f"INT((24*({e}-{s})+365)/730)"
        return f"IF({e}={s},0,IF({months}=0,({e}-{s})/(EDATE({s},12)-{s}),{months}/12))"
    return None


# The conventions whose year fraction is the Days column over a fixed denominator (30E/360 ISDA but
# for the termination date, the last period's end).
_FIXED_DENOMINATOR = {"ACT/360": 360, "ACT/365F": 365, "30/360": 360, "30/360 US": 360, "30E/360": 360,
                      "30E/360 ISDA": 360}

# The conventions whose year fraction is additive (a period split in two pieces accrues the same).
_ADDITIVE = {"ACT/360", "ACT/365F", "ACT/ACT ISDA"}


def _monthly_fraction(a: _dt.date, b: _dt.date) -> Fraction:
    """The MONTHLY basis (按月计息): whole months / 12 plus remaining days / 360."""
    if a == b:
        return Fraction(0)
    if b < a:
        return -_monthly_fraction(b, a)

    def eom(d):
        return (d + _dt.timedelta(days=1)).day == 1

    def add_months(d, n):
        y, m = divmod(d.month - 1 + n, 12)
        y += d.year
        m += 1
        last = (_dt.date(y + (m == 12), m % 12 + 1, 1) - _dt.timedelta(days=1)).day
        return _dt.date(y, m, min(d.day, last))

    months = 12 * (b.year - a.year) + b.month - a.month
    if eom(a) and eom(b):
        return Fraction(months, 12)
    while months > 0 and add_months(a, months) > b:
        months -= 1
    return Fraction(months, 12) + Fraction((b - add_months(a, months)).days, 360)


# ---- the loan schedule ----------------------------------------------------------------------------

_LOAN_DEFAULTS = {"repayment": "ANNUITY", "day_count": "ACT/360", "rounding": "HALF_UP", "currency": "CNY",
                  "interest_basis": "DAY_COUNT", "grace_periods": 0}

_REPAYMENT_ALIASES = {"PAM": "BULLET", "先息后本": "BULLET", "LAM": "EQUAL_PRINCIPAL",
                      "等额本金": "EQUAL_PRINCIPAL", "ANN": "ANNUITY", "等额本息": "ANNUITY"}


def _loan_terms(loan) -> dict:
    """The arguments a stakecalc.Loan was made from (its pickled state)."""
    args, kwargs = loan.__getstate__()
    terms = dict(zip(("principal", "rate", "start"), tuple(args)))
    terms.update(dict(kwargs))
    return terms


def _norm(text: Any) -> str:
    return str(text).strip().upper().replace("-", "_").replace(" ", "_")


def _add_tenor(d: _dt.date, n: int, unit: str) -> _dt.date:
    if unit == "D":
        return d + _dt.timedelta(days=n)
    if unit == "W":
        return d + _dt.timedelta(weeks=n)
    months = n * (12 if unit == "Y" else 3 if unit == "Q" else 1)
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    last = (_dt.date(y + (m == 12), m % 12 + 1, 1) - _dt.timedelta(days=1)).day
    return _dt.date(y, m, min(d.day, last))


class _Plan:
    """What each schedule row's formulas are, decided once and used both to write the sheet and to
    recompute the amounts exactly."""

    def __init__(self, rows, terms: Mapping[str, Any], strict: bool):
        import stakecalc
        self.rows = list(rows)
        if not self.rows:
            raise ValueError("the schedule has no rows")
        t = dict(_LOAN_DEFAULTS)
        t.update({k: v for k, v in terms.items() if v is not None})
        if "rounding" in terms and terms["rounding"] is None:
            raise NotImplementedError("an unrounded loan (rounding=None): its amounts carry 20 decimal places, "
                                      "more than a spreadsheet cell holds")
        for unsupported in ("prepayments",):
            if terms.get(unsupported):
                raise NotImplementedError(f"{unsupported}: a prepayment recomputes the schedule mid-period; "
                                          "export the schedule without it")
        self.terms = t
        rep = _norm(t["repayment"])
        self.repayment = _REPAYMENT_ALIASES.get(rep, rep)
        if self.repayment not in ("BULLET", "EQUAL_PRINCIPAL", "ANNUITY", "EXPLICIT"):
            raise NotImplementedError(f"repayment type {t['repayment']}")
        rnd = t["rounding"]
        self.rounding = _norm(getattr(rnd, "name", rnd))
        if self.rounding not in _QUANT and self.rounding != "UNNECESSARY":
            raise NotImplementedError(f"rounding mode {self.rounding}")
        self.day_count = _day_count_name(t["day_count"])
        self.basis = _norm(t["interest_basis"])
        if self.basis not in ("DAY_COUNT", "MONTHLY"):
            raise NotImplementedError(f"interest basis {t['interest_basis']}")
        self.currency = str(t["currency"])
        self.places = stakecalc.minor_units(self.currency)
        self.grace = int(t["grace_periods"])
        self.principal = Decimal(t.get("principal", self.rows[0].opening_balance))
        self.start = t.get("start", self.rows[0].start)
        if isinstance(self.start, str):
            self.start = _dt.date.fromisoformat(self.start)
        self.maturity = self.rows[-1].end
        self.floating = t.get("benchmark") is not None
        self.fixed_rate = None if self.floating or t.get("rate") is None else Decimal(t["rate"])
        self.instalment = None if t.get("instalment") is None else Decimal(t["instalment"])
        self.strict = strict
        n = len(self.rows)
        self.amortising = [self.repayment in ("EQUAL_PRINCIPAL", "ANNUITY") and k >= self.grace for k in range(n)]
        self.n_repayments = sum(self.amortising)
        if self.repayment in ("EQUAL_PRINCIPAL", "ANNUITY") and self.n_repayments == 0:
            raise NotImplementedError("an amortising loan whose rows are all in the grace period")
        # Annuity fixings: the first amortising row, and each row that starts on a rate reset.
        self.fixings: list[int] = []
        self.split_rows: set[int] = set()
        if self.repayment == "ANNUITY":
            first = self.amortising.index(True)
            self.fixings.append(first)
            for k in sorted(self._reset_rows()):
                if k > first and k not in self.fixings:
                    self.fixings.append(k)
            self.fixings.sort()
            if self.instalment is None:
                # The first instalment is fixed the day before the first principal date: a day count
                # that is not additive accrues that period in two pieces.
                r = self.rows[first]
                fix = r.end - _dt.timedelta(days=1)
                if self.basis == "DAY_COUNT" and self.day_count not in _ADDITIVE and r.start < fix:
                    self.split_rows.add(first)
        self.explicit: dict[int, Decimal] = {}
        if self.repayment == "EXPLICIT":
            for on, amount in t.get("principal_schedule") or ():
                on = _dt.date.fromisoformat(on) if isinstance(on, str) else on
                for k, r in enumerate(self.rows[:-1]):
                    if on in (r.end, r.date):
                        self.explicit[k] = self.explicit.get(k, Decimal(0)) + Decimal(amount)
                        break
                else:
                    if not (on in (self.rows[-1].end, self.rows[-1].date)):
                        raise NotImplementedError(f"an explicit repayment on {on} that is not a payment date")

    def _reset_rows(self) -> set:
        """Rows that start on a benchmark reset (the rate is fixed anew at their start)."""
        t = self.terms
        if not self.floating or (t.get("reset") is None and t.get("reset_anchor") is None):
            return set()
        anchor = t.get("reset_anchor")
        if isinstance(anchor, str):
            anchor = _dt.date.fromisoformat(anchor)
        cyc = t.get("reset")
        if cyc is None:
            dates = [anchor]
        else:
            m = re.fullmatch(r"P?(\d+)([DWMQY])(?:L[01])?[+-]?", str(cyc).strip().upper())
            if not m:
                raise NotImplementedError(f"a reset cycle written '{cyc}'")
            n, unit = int(m.group(1)), m.group(2)
            # As the loan: the cycle from the anchor (from the start, without it, when no anchor).
            base = anchor if anchor is not None else self.start
            dates, k = [], 0 if anchor is not None else 1
            while (d := _add_tenor(base, n * k, unit)) < self.maturity:
                dates.append(d)
                k += 1
        starts = {r.start: k for k, r in enumerate(self.rows)}
        paid = {r.date: k for k, r in enumerate(self.rows)}
        out = set()
        for d in dates:
            if d <= self.start or d >= self.maturity:
                continue
            if d in starts:
                out.add(starts[d])
            elif d in paid:
                out.add(paid[d] + 1)
            else:
                raise NotImplementedError(f"a rate reset on {d}, within an interest period")
        return {k for k in out if k < len(self.rows)}

    # -- exact recomputation, the way the formulas compute --

    def year_fraction(self, s: _dt.date, e: _dt.date) -> Fraction:
        import stakecalc
        if self.basis == "MONTHLY":
            return _monthly_fraction(s, e)
        termination = self.maturity if self.day_count == "30E/360 ISDA" else None
        return Fraction(stakecalc.year_fraction(self.day_count, s, e, termination=termination))

    def row_fraction(self, k: int) -> Fraction:
        r = self.rows[k]
        if k in self.split_rows:
            fix = r.end - _dt.timedelta(days=1)
            return self.year_fraction(r.start, fix) + self.year_fraction(fix, r.end)
        return self.year_fraction(r.start, r.end)

    def recompute(self) -> list[dict]:
        rnd = self.rounding
        p = self.places
        rows = self.rows
        n = len(rows)
        yf = [self.row_fraction(k) for k in range(n)]
        rate = [Fraction(self.fixed_rate if self.fixed_rate is not None else r.rate) for r in rows]
        out = []
        balance = Fraction(self.principal)
        per_period = None
        if self.repayment == "EQUAL_PRINCIPAL":
            per_period = Fraction(self.instalment) if self.instalment is not None else _round_exact(
                Fraction(self.principal) / self.n_repayments, p, rnd)
        instalment = None
        self.instalments: dict[int, Fraction] = {}
        for k in range(n):
            exact = balance * rate[k] * yf[k]
            interest = _round_exact(exact, p, rnd)
            last = k == n - 1
            if self.repayment == "ANNUITY" and k in self.fixings:
                if k == self.fixings[0] and self.instalment is not None:
                    instalment = Fraction(self.instalment)
                else:
                    suffix, tail, product = Fraction(1), Fraction(0), Fraction(1)
                    for i in range(n - 1, k, -1):
                        suffix *= 1 + rate[k] * yf[i]
                        tail += suffix
                    product = suffix if k < n - 1 else Fraction(1)
                    instalment = _round_exact((balance + exact) * product / (1 + tail), p, rnd)
                self.instalments[k] = instalment
            if last:
                principal = balance
            elif self.repayment == "BULLET":
                principal = Fraction(0)
            elif self.repayment == "EXPLICIT":
                principal = min(Fraction(self.explicit.get(k, 0)), balance)
            elif not self.amortising[k]:
                principal = Fraction(0)
            elif self.repayment == "EQUAL_PRINCIPAL":
                principal = min(per_period, balance)
            else:
                principal = min(instalment - interest, balance)
            payment = interest + principal
            closing = balance - principal
            out.append({"days": None, "interest": interest, "principal": principal, "payment": payment,
                        "closing_balance": closing, "exact": exact})
            balance = closing
        self.per_period = per_period
        return out

    def verify(self) -> list[str]:
        """Rows where the formulas' exact result differs from the library's."""
        problems = []
        for k, (mine, r) in enumerate(zip(self.recompute(), self.rows)):
            for key in ("interest", "principal", "payment", "closing_balance"):
                lib = Fraction(getattr(r, key))
                if mine[key] != lib:
                    ours = Decimal(mine[key].numerator) / mine[key].denominator
                    problems.append(f"period {k + 1} ({r.date}): {key} by the formulas {ours}, "
                                    f"by the library {getattr(r, key)}")
        return problems


def export_loan_schedule(schedule_or_loan, path, *, terms: Optional[Mapping[str, Any]] = None,
                         title: Optional[str] = None, strict: bool = True, **loan_terms):
    """Writes a loan's amortisation table as a workbook of live formulas (see the module's doc).

    ``schedule_or_loan`` is a ``stakecalc.Loan`` (its terms are read from it), or a sequence of
    ``stakecalc.LoanRow`` (for instance a conversion's ``loans[i]["schedule"]``) with the loan's
    terms given as ``terms=`` (a mapping such as ``EquityToDebtTerms.loan``) and/or keywords:
    ``principal``, ``rate``, ``start``, ``repayment``, ``day_count``, ``rounding``,
    ``interest_basis``, ``grace_periods``, ``currency``, ``instalment``, ``principal_schedule``,
    ``benchmark``, ``reset``, ``reset_anchor`` (the Loan's defaults apply). Returns ``path``.
    """
    loan = None
    if hasattr(schedule_or_loan, "schedule") and hasattr(schedule_or_loan, "__getstate__") and callable(
            getattr(schedule_or_loan, "schedule")):
        loan = schedule_or_loan
        all_terms = _loan_terms(loan)
        rows = loan.schedule()
    else:
        all_terms = {}
        rows = list(schedule_or_loan)
    all_terms.update(dict(terms or {}))
    all_terms.update(loan_terms)
    plan = _Plan(rows, all_terms, strict)
    problems = plan.verify()
    if problems and strict:
        raise NotImplementedError(
            "the spreadsheet formulas would not reproduce the library's schedule (a feature they do not express, "
            "such as a reset within a period or a repayment off the payment dates): " + "; ".join(problems[:3])
            + (f"; and {len(problems) - 3} more" if len(problems) > 3 else ""))
    totals = loan.totals() if loan is not None else None
    _write_loan_workbook(plan, path, title or (repr(loan) if loan is not None else "Loan schedule"), totals)
    return path


# Column layout of the Schedule sheet.
_COLS = ["Period", "Accrual start", "Accrual end", "Payment date", "Days", "Year fraction", "Annual rate",
         "Opening balance", "Interest (exact)", "Interest", "Instalment", "Principal", "Payment", "Closing balance",
         "Library days", "Library interest", "Library principal", "Library payment", "Library closing balance",
         "Check"]
_C = {name: i + 1 for i, name in enumerate(_COLS)}



def _styles(places: int):
    """The look every export shares: the money format at the currency's minor units, half a minor
    unit (the tie the non-HALF_UP rounding formulas test for), bold, and the fills that mark inputs
    and checks."""
    _, _, Font, PatternFill, _, _ = _openpyxl()
    money_fmt = "#,##0" + ("." + "0" * places if places else "")
    half = f"{Decimal(5).scaleb(-places - 1)}"
    return (money_fmt, half, Font(bold=True), PatternFill("solid", fgColor="FFF2CC"),
            PatternFill("solid", fgColor="E2EFDA"))


def _inputs_workbook(title: str):
    """A new workbook whose first sheet, Inputs, has the title and the Input / Value / Note header."""
    openpyxl, _, Font, _, _, _ = _openpyxl()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Inputs"
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(["Input", "Value", "Note"])
    for c in ws[3]:
        c.font = Font(bold=True)
    return wb, ws


def _write_loan_workbook(plan: _Plan, path, title: str, totals: Optional[dict]):
    openpyxl, Comment, Font, PatternFill, Alignment, col = _openpyxl()
    L = {name: col(i) for name, i in _C.items()}
    p = plan.places
    rnd = plan.rounding
    wb, ws_in = _inputs_workbook(title)
    money_fmt, half, bold, input_fill, check_fill = _styles(p)
    cells: dict[str, str] = {}

    def add_input(key, label, value, note="", fmt=None):
        ws_in.append([label, value, note])
        r = ws_in.max_row
        ws_in.cell(r, 2).fill = input_fill
        if fmt:
            ws_in.cell(r, 2).number_format = fmt
        cells[key] = f"Inputs!$B${r}"
        return cells[key]

    add_input("principal", "Principal", _exact_number(plan.principal, "principal"), plan.currency, money_fmt)
    add_input("currency", "Currency", plan.currency, f"amounts rounded to {p} decimal places (the minor unit)")
    add_input("start", "Start", plan.start, "the money is lent", "yyyy-mm-dd")
    add_input("maturity", "Maturity (accrual end of the last period)", plan.maturity,
              "30E/360 ISDA: the termination date", "yyyy-mm-dd")
    add_input("repayment", "Repayment", plan.repayment)
    add_input("basis", "Interest basis", plan.basis,
              "DAY_COUNT: year fraction by the day count; MONTHLY: whole months / 12 + other days / 360")
    add_input("day_count", "Day count", plan.day_count)
    add_input("rounding", "Rounding", rnd, "each interest amount once, to the minor unit; ROUND is half away from zero")
    if plan.fixed_rate is not None:
        add_input("rate", "Annual rate", _exact_number(plan.fixed_rate, "rate"), "nominal, as a decimal fraction",
                  "0.00######%")
    else:
        add_input("benchmark", "Benchmark", str(plan.terms.get("benchmark")),
                  "each period's rate (benchmark fixing plus spread) is an input in the Schedule's rate column")
    add_input("grace", "Grace periods (interest only)", plan.grace)
    if plan.repayment == "EQUAL_PRINCIPAL":
        add_input("n", "Principal repayments", plan.n_repayments, "periods after the grace period")
        if plan.instalment is not None:
            add_input("per_period", "Principal per period", _exact_number(plan.instalment, "instalment"),
                      "given by the contract", money_fmt)
        else:
            ws_in.append(["Principal per period", f"={_round_formula(cells['principal'] + '/' + cells['n'], p, rnd)}",
                          "principal / repayments, rounded once; the last period repays the rest"])
            ws_in.cell(ws_in.max_row, 2).number_format = money_fmt
            cells["per_period"] = f"Inputs!$B${ws_in.max_row}"
    if plan.repayment == "ANNUITY" and plan.instalment is not None:
        add_input("given_instalment", "Instalment (given)", _exact_number(plan.instalment, "instalment"),
                  "given by the contract", money_fmt)
    ws_in.append([])
    notes = [
        "Yellow cells and the date and rate columns of the Schedule are inputs; every other amount is a formula.",
        "Interest (exact) = opening balance x annual rate x year fraction; Interest = that, rounded once "
        f"({rnd}) to {p} decimals.",
        "Payment = interest + principal; closing balance = opening balance - principal (ROUND(...,"
        f"{p}) only removes binary noise: the exact values have {p} decimals).",
        "The last period repays whatever principal is left.",
        "Library columns: the library's own figures, as values; Check says OK when every computed figure of the "
        "row equals them to the minor unit.",
        f"Numbers are exact in a cell up to {MAX_SIGNIFICANT_DIGITS} significant digits; the export refuses larger.",
    ]
    if plan.repayment == "ANNUITY":
        notes.append("Annuity: the instalment is fixed on the Annuity sheet from the balance, the first period's "
                     "exact interest and the growth factors 1 + rate x year fraction of the later periods: "
                     "A = (balance + interest) x P / (1 + T), P the product of the later growth factors, T the sum "
                     "of their products to the end; rounded once. Principal = instalment - interest.")
    if plan.split_rows:
        notes.append("The first annuity period accrues in two pieces (to the day before its end, when the "
                     "instalment is fixed, then one day): with this day count the pieces do not add up to the "
                     "whole period's fraction.")
    if plan.day_count == "ACT/ACT AFB" and plan.basis == "DAY_COUNT":
        notes.append("ACT/ACT AFB has no spreadsheet formula here: each year fraction is the library's exact "
                     "fraction, written as =numerator/denominator.")
    ws_in.append(["Notes"])
    ws_in.cell(ws_in.max_row, 1).font = bold
    for line in notes:
        ws_in.append([line])
    ws_in.column_dimensions["A"].width = 40
    ws_in.column_dimensions["B"].width = 18
    ws_in.column_dimensions["C"].width = 70

    # ---- the schedule ----
    ws = wb.create_sheet("Schedule")
    ws.append(_COLS)
    for c in ws[1]:
        c.font = bold
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    first, n = 2, len(plan.rows)
    last_row = first + n - 1
    maturity_ref = cells["maturity"]
    ann = None
    if plan.repayment == "ANNUITY":
        ann = {k: j for j, k in enumerate(plan.fixings)}
    for k, r in enumerate(plan.rows):
        x = first + k
        c = {name: f"{L[name]}{x}" for name in _COLS}
        values: dict[str, Any] = {}
        values["Period"] = k + 1
        prev_end = plan.rows[k - 1].end if k else None
        if k == 0 and r.start == plan.start:
            values["Accrual start"] = f"={cells['start']}"
        elif k and r.start == prev_end:
            values["Accrual start"] = f"={L['Accrual end']}{x - 1}"
        else:
            values["Accrual start"] = r.start
        values["Accrual end"] = r.end
        values["Payment date"] = r.date
        s_ref, e_ref = c["Accrual start"], c["Accrual end"]
        values["Days"] = "=" + _days_formula(plan.day_count, s_ref, e_ref)
        yf = _year_fraction_formula(plan.day_count, plan.basis, s_ref, e_ref, maturity_ref)
        denominator = _FIXED_DENOMINATOR.get(plan.day_count) if plan.basis == "DAY_COUNT" else None
        if denominator and not (plan.day_count == "30E/360 ISDA" and k == n - 1):
            yf = f"{c['Days']}/{denominator}"  # days / 360: the contract's words
        if yf is not None and k in plan.split_rows:
            fix = f"({e_ref}-1)"
            yf = (f"{_year_fraction_formula(plan.day_count, plan.basis, s_ref, fix, maturity_ref)}"
                  f"+{_year_fraction_formula(plan.day_count, plan.basis, fix, e_ref, maturity_ref)}")
        if yf is None:
            exact = plan.row_fraction(k)
            _exact_number(exact.numerator, "year fraction numerator")
            _exact_number(exact.denominator, "year fraction denominator")
            values["Year fraction"] = f"={exact.numerator}/{exact.denominator}"
        else:
            values["Year fraction"] = "=" + yf
        values["Annual rate"] = f"={cells['rate']}" if plan.fixed_rate is not None else _exact_number(r.rate, "rate")
        values["Opening balance"] = f"={cells['principal']}" if k == 0 else f"={L['Closing balance']}{x - 1}"
        values["Interest (exact)"] = f"={c['Opening balance']}*{c['Annual rate']}*{c['Year fraction']}"
        values["Interest"] = "=" + _round_formula(c["Interest (exact)"], p, rnd)
        last = k == n - 1
        # instalment and principal
        if plan.repayment == "ANNUITY" and plan.amortising[k]:
            j = max(i for i, f in enumerate(plan.fixings) if f <= k)
            values["Instalment"] = f"=Annuity!$H${2 + j}"
        elif plan.repayment == "EQUAL_PRINCIPAL" and plan.amortising[k]:
            values["Instalment"] = f"={cells['per_period']}"
        else:
            values["Instalment"] = None
        if last:
            values["Principal"] = f"={c['Opening balance']}"
        elif plan.repayment == "ANNUITY" and plan.amortising[k]:
            values["Principal"] = f"=ROUND(MIN({c['Instalment']}-{c['Interest']},{c['Opening balance']}),{p})"
        elif plan.repayment == "EQUAL_PRINCIPAL" and plan.amortising[k]:
            values["Principal"] = f"=MIN({c['Instalment']},{c['Opening balance']})"
        elif plan.repayment == "EXPLICIT" and k in plan.explicit:
            amount = _exact_number(plan.explicit[k], "principal_schedule amount")
            values["Principal"] = f"=MIN({amount},{c['Opening balance']})"
        else:
            values["Principal"] = 0
        values["Payment"] = f"=ROUND({c['Interest']}+{c['Principal']},{p})"
        values["Closing balance"] = f"=ROUND({c['Opening balance']}-{c['Principal']},{p})"
        values["Library days"] = r.days
        values["Library interest"] = _exact_number(r.interest, "library interest")
        values["Library principal"] = _exact_number(r.principal, "library principal")
        values["Library payment"] = _exact_number(r.payment, "library payment")
        values["Library closing balance"] = _exact_number(r.closing_balance, "library closing balance")
        diffs = ",".join(f"ABS({c[a]}-{c[b]})<{half}" for a, b in (
            ("Interest", "Library interest"), ("Principal", "Library principal"), ("Payment", "Library payment"),
            ("Closing balance", "Library closing balance")))
        values["Check"] = f'=IF(AND({c["Days"]}={c["Library days"]},{diffs}),"OK","DIFFERS")'
        for name, v in values.items():
            cell = ws.cell(x, _C[name], v)
            if name in ("Accrual start", "Accrual end", "Payment date"):
                cell.number_format = "yyyy-mm-dd"
            elif name == "Year fraction":
                cell.number_format = "0.000000000"
            elif name == "Annual rate":
                cell.number_format = "0.00######%"
            elif name in ("Days", "Library days", "Period"):
                cell.number_format = "0"
            elif name == "Interest (exact)":
                cell.number_format = "#,##0.000000"
            elif name != "Check":
                cell.number_format = money_fmt
            if name.startswith("Library") or name == "Check":
                cell.fill = check_fill
            if name in ("Accrual end", "Payment date") or (name == "Accrual start" and not str(v).startswith("=")):
                cell.fill = input_fill
            if name == "Annual rate" and plan.fixed_rate is None:
                cell.fill = input_fill
    # totals
    tr = last_row + 2
    ws.cell(tr, 1, "Total").font = bold
    for name in ("Interest", "Principal", "Payment"):
        cell = ws.cell(tr, _C[name], f"=ROUND(SUM({L[name]}{first}:{L[name]}{last_row}),{p})")
        cell.number_format = money_fmt
        cell.font = bold
    if totals is not None:
        lib = {"Interest": totals["interest"], "Principal": totals["principal"], "Payment": totals["payments"]}
        for name, lname in (("Interest", "Library interest"), ("Principal", "Library principal"),
                            ("Payment", "Library payment")):
            cell = ws.cell(tr, _C[lname], _exact_number(lib[name], f"library total {name.lower()}"))
            cell.number_format = money_fmt
            cell.fill = check_fill
        conds = ",".join(f"ABS({L[a]}{tr}-{L[b]}{tr})<{half}" for a, b in (
            ("Interest", "Library interest"), ("Principal", "Library principal"), ("Payment", "Library payment")))
        ws.cell(tr, _C["Check"], f'=IF(AND({conds}),"OK","DIFFERS")').fill = check_fill
    ws.cell(tr + 1, 1, "Rows checked OK")
    ws.cell(tr + 1, _C["Check"], f'=COUNTIF({L["Check"]}{first}:{L["Check"]}{last_row},"OK")&" of {n}"')
    ws.cell(tr + 2, 1, "Principal repaid = principal lent")
    ws.cell(tr + 2, _C["Check"], f'=IF(ABS({L["Principal"]}{tr}-{cells["principal"]})<{half},"OK","DIFFERS")')
    widths = {"Period": 7, "Check": 10}
    for name, i in _C.items():
        ws.column_dimensions[col(i)].width = widths.get(name, 14)
    ws.cell(1, _C["Interest"]).comment = Comment(
        f"{_round_formula('interest (exact)', p, rnd)}: the library rounds each period's interest once.", "stakecalc")

    # ---- the annuity's instalments ----
    if plan.repayment == "ANNUITY":
        wa = wb.create_sheet("Annuity")
        wa.append(["Fixing", "First period", "Annual rate", "Opening balance", "Interest (exact)",
                   "P: product of later growth factors", "T: sum of their products to the end", "Instalment",
                   "Library instalment", "Check"])
        for cc in wa[1]:
            cc.font = bold
            cc.alignment = Alignment(wrap_text=True, vertical="top")
        wa.freeze_panes = "A2"
        wg = wb.create_sheet("Growth")
        gh = ["Period"]
        for j, _ in enumerate(plan.fixings):
            gh += [f"Fixing {j + 1}: growth 1 + rate x year fraction", f"Fixing {j + 1}: product to the end"]
        wg.append(gh)
        for cc in wg[1]:
            cc.font = bold
            cc.alignment = Alignment(wrap_text=True, vertical="top")
        wg.freeze_panes = "B2"
        for k in range(n):
            wg.cell(first + k, 1, f"=Schedule!{L['Period']}{first + k}")
        plan.recompute()
        for j, f in enumerate(plan.fixings):
            ar = 2 + j
            gcol, scol = col(2 + 2 * j), col(3 + 2 * j)
            for k in range(f + 1, n):
                x = first + k
                growth = f"=1+Annuity!$C${ar}*Schedule!{L['Year fraction']}{x}"
                wg.cell(x, 2 + 2 * j, growth).number_format = "0.000000000000"
                below = f"*{scol}{x + 1}" if k < n - 1 else ""
                wg.cell(x, 3 + 2 * j, f"={gcol}{x}{below}").number_format = "0.000000000000"
            xf = first + f
            wa.cell(ar, 1, j + 1)
            wa.cell(ar, 2, f + 1)
            wa.cell(ar, 3, f"=Schedule!{L['Annual rate']}{xf}").number_format = "0.00######%"
            wa.cell(ar, 4, f"=Schedule!{L['Opening balance']}{xf}").number_format = money_fmt
            wa.cell(ar, 5, f"=Schedule!{L['Interest (exact)']}{xf}").number_format = "#,##0.000000"
            if f < n - 1:
                wa.cell(ar, 6, f"=Growth!{scol}{xf + 1}")
                wa.cell(ar, 7, f"=SUM(Growth!{scol}{xf + 1}:{scol}{last_row})")
            else:
                wa.cell(ar, 6, 1)
                wa.cell(ar, 7, 0)
            wa.cell(ar, 6).number_format = wa.cell(ar, 7).number_format = "0.000000000000"
            if j == 0 and plan.instalment is not None:
                wa.cell(ar, 8, f"={cells['given_instalment']}")
            else:
                wa.cell(ar, 8, "=" + _round_formula(f"(D{ar}+E{ar})*F{ar}/(1+G{ar})", p, rnd))
            wa.cell(ar, 8).number_format = money_fmt
            # the library's instalment: the payment of the fixing's first period when it is not the last
            if f < n - 1:
                wa.cell(ar, 9, _exact_number(plan.rows[f].payment, "library instalment")).number_format = money_fmt
                wa.cell(ar, 10, f'=IF(ABS(H{ar}-I{ar})<{half},"OK","DIFFERS")')
            else:
                wa.cell(ar, 9, "(last period: repays the rest)")
        for i in range(1, 11):
            wa.column_dimensions[col(i)].width = 16
        for i in range(1, 2 + 2 * len(plan.fixings)):
            wg.column_dimensions[col(i)].width = 18
    wb.save(path)


# ---- exit-path comparison -------------------------------------------------------------------------

def export_exit_comparison(results: Sequence[Mapping[str, Any]], path, *, deal=None, market_rate=None,
                           investment=None, rounding: Optional[str] = None, currency: Optional[str] = None,
                           title: str = "Exit paths compared"):
    """Writes ``ExitDeal.compare(paths)`` (a list of result dicts) as a workbook of live formulas.

    Each path's cash flows are the inputs (the Flows sheet); the Comparison sheet computes from
    them, per path: cash recovered (SUMIF of the positive flows), cash paid out, the multiple
    (recovered / paid out), the IRR (XIRR), the grant-equivalent (-XNPV at the market rate, to the
    investment date, rounded once with the terms' mode) and its share of the investment. The
    library's figures stand beside them with a Check column. The team's cost, the fund's units
    left and the team's ownership come from the repurchase and conversion calculations, not from
    the flows: they are written as the library's values, marked so.

    ``deal`` (a stakecalc.ExitDeal) supplies the market rate, the investment amount, currency and
    rounding mode; otherwise give ``market_rate`` and ``investment`` (the amount).
    """
    openpyxl, Comment, Font, PatternFill, Alignment, col = _openpyxl()
    import stakecalc
    if deal is not None:
        market_rate = deal.market_rate if market_rate is None else market_rate
        inv = deal.repurchase.investment
        investment = inv.amount if investment is None else investment
        currency = currency or inv.currency
        rounding = rounding or deal.repurchase.rounding
    if market_rate is None or investment is None:
        raise ValueError("give deal=, or market_rate= and investment=")
    currency = currency or "CNY"
    rounding = _norm(getattr(rounding, "name", rounding or "HALF_UP"))
    p = stakecalc.minor_units(currency)
    wb, wi = _inputs_workbook(title)
    money_fmt, half, bold, input_fill, check_fill = _styles(p)
    wi.append(["Market rate", _exact_number(Decimal(market_rate), "market_rate"),
               "annual, for the grant-equivalent: XNPV (ACT/365F) to the investment date"])
    wi["B4"].number_format = "0.00######%"
    wi.append(["Investment", _exact_number(Decimal(investment), "investment"), currency])
    wi["B5"].number_format = money_fmt
    wi.append(["Rounding", rounding, f"the grant-equivalent is rounded once to {p} decimals"])
    for r in (4, 5, 6):
        wi.cell(r, 2).fill = input_fill
    wi.append([])
    for line in ("The fund's flows of each path (Flows sheet) are inputs: the investment is negative, what comes back "
                 "positive.",
                 "Grant-equivalent = -XNPV(market rate, flows, dates), rounded once: what the concession is worth, "
                 "I minus the present value of what came back.",
                 "IRR: XIRR of the flows; the library's IRR (30 significant digits, shown to 15) is checked as a root: "
                 "XNPV at it is nil to the minor unit.",
                 "Team cost, fund units left, team ownership: the library's figures (they do not follow from the "
                 "flows)."):
        wi.append([line])
    wi.column_dimensions["A"].width = 30
    wi.column_dimensions["B"].width = 18
    wi.column_dimensions["C"].width = 70

    wf = wb.create_sheet("Flows")
    wf.append(["Path", "Description", "Date", "Amount"])
    for c in wf[1]:
        c.font = bold
    wf.freeze_panes = "A2"
    ranges = []
    for i, res in enumerate(results):
        flows = list(res["fund_flows"])
        if not flows:
            raise ValueError(f"results[{i}] has no fund flows")
        a = wf.max_row + 1
        for on, amount in flows:
            wf.append([i + 1, res["path"], on, _exact_number(Decimal(amount), f"results[{i}] flow on {on}")])
            wf.cell(wf.max_row, 3).number_format = "yyyy-mm-dd"
            wf.cell(wf.max_row, 4).number_format = money_fmt
            wf.cell(wf.max_row, 3).fill = wf.cell(wf.max_row, 4).fill = input_fill
        ranges.append((a, wf.max_row))
    for c, w in zip("ABCD", (6, 50, 12, 18)):
        wf.column_dimensions[c].width = w

    wc = wb.create_sheet("Comparison", 1)
    heads = ["Path", "Cash recovered", "Cash paid out", "Multiple", "IRR", "Grant-equivalent",
             "Grant-equivalent share", "Library cash recovered", "Library multiple", "Library IRR",
             "Library grant-equivalent", "Library grant-equivalent share", "Check",
             "Team cost (library)", "Fund units left (library)", "Team ownership (library)",
             "XNPV at the library IRR"]
    wc.append(heads)
    for c in wc[1]:
        c.font = bold
        c.alignment = Alignment(wrap_text=True, vertical="top")
    wc.freeze_panes = "B2"
    for i, (res, (a, b)) in enumerate(zip(results, ranges)):
        x = i + 2
        amounts, dates = f"Flows!$D${a}:$D${b}", f"Flows!$C${a}:$C${b}"
        wc.cell(x, 1, res["path"])
        wc.cell(x, 2, f'=ROUND(SUMIF({amounts},">0"),{p})').number_format = money_fmt
        wc.cell(x, 3, f'=ROUND(-SUMIF({amounts},"<0"),{p})').number_format = money_fmt
        wc.cell(x, 4, f"=B{x}/C{x}").number_format = "0.000000"
        wc.cell(x, 5, f'=IF(B{x}>0,XIRR({amounts},{dates}),"none")').number_format = "0.000000%"
        # XNPV discounts to the first flow's date, the investment's; a single flow is its own value.
        pv = f"XNPV(Inputs!$B$4,{amounts},{dates})" if b > a else f"Flows!$D${a}"
        wc.cell(x, 6, "=" + _round_formula(f"-{pv}", p, rounding)).number_format = money_fmt
        wc.cell(x, 7, f"=F{x}/Inputs!$B$5").number_format = "0.000000%"
        wc.cell(x, 8, _exact_number(Decimal(res["cash_recovered"]), "cash_recovered")).number_format = money_fmt
        wc.cell(x, 9, _check_value(res["fund_multiple"], "fund_multiple")).number_format = "0.000000"
        irr = res.get("fund_irr")
        wc.cell(x, 10, "none" if irr is None else _check_value(irr, "fund_irr")).number_format = "0.000000%"
        wc.cell(x, 11, _exact_number(Decimal(res["grant_equivalent"]), "grant_equivalent")).number_format = money_fmt
        share = _check_value(res["grant_equivalent_share"], "grant_equivalent_share")
        wc.cell(x, 12, share).number_format = "0.000000%"
        # The library's IRR is checked as a root (XNPV at it is nil to the minor unit), which does not
        # depend on the precision of the engine's XIRR search.
        if irr is None or b == a:
            wc.cell(x, 17, "none")
        else:
            # XNPV's rule written out (some engines' XNPV refuse a negative rate)
            wc.cell(x, 17, f"=SUMPRODUCT({amounts}/(1+J{x})^(({dates}-Flows!$C${a})/365))").number_format = money_fmt
        irr_ok = f'IF(J{x}="none",E{x}="none",ABS(Q{x})<{half})'
        wc.cell(x, 13, f'=IF(AND(ABS(B{x}-H{x})<{half},ABS(D{x}-I{x})<0.000000000001*ABS(I{x})+0.000000000001,'
                       f'{irr_ok},ABS(F{x}-K{x})<{half},ABS(G{x}-L{x})<0.000000000001),"OK","DIFFERS")')
        wc.cell(x, 14, _exact_number(Decimal(res["team_cost"]), "team_cost")).number_format = money_fmt
        wc.cell(x, 15, _exact_number(Decimal(res["fund_units_left"]), "fund_units_left")).number_format = "#,##0"
        own = res.get("team_ownership")
        wc.cell(x, 16, "unknown" if own is None else _check_value(own, "team_ownership")).number_format = "0.000000%"
        for cc in range(8, 18):
            wc.cell(x, cc).fill = check_fill
    wc.column_dimensions["A"].width = 44
    for i in range(2, 18):
        wc.column_dimensions[col(i)].width = 16
    wb.save(path)
    return path


# ---- repurchase executions ------------------------------------------------------------------------

def _price_formula_parts(formula) -> tuple:
    """(kind, args) of a stakecalc.PriceFormula, from its pickled state."""
    state = formula.__getstate__()
    return state[0], tuple(state[1])


_COMPANY_BUYER = "company (capital reduction)"


def export_repurchase(evaluation: Mapping[str, Any], path, *, terms, title: str = "Team repurchase"):
    """Writes ``evaluate_plan(terms, plan)`` (its tranches) as a workbook of live formulas.

    Inputs: the investment (date t0, amount I, units U) and, per tranche, its date, buyer and the
    units priced u (the library's units, after its rounding of a proportion to whole units). The
    price of a tranche is a formula for the price formulas a spreadsheet expresses directly:

    * at cost: I x u / U;
    * cost plus simple interest at a fixed rate: I x u / U x (1 + r x yf(t0, t));
    * cost plus compound interest at a fixed rate: I x u / U x (1 + r / m)^(m x yf(t0, t));

    each rounded once with the terms' mode. Any other formula (benchmark rates, fair value, the
    greater or lesser of two, floors, caps, waived returns, net of dividends) is written as the
    library's exact amount (``=numerator/denominator`` when both fit in 15 digits) with the
    formula's description beside it, and said so in the Basis column. Team cost and units left
    are sums over the tranches; the library's figures stand beside them with a Check column.
    """
    openpyxl, Comment, Font, PatternFill, Alignment, col = _openpyxl()
    import stakecalc
    inv = terms.investment
    windows = terms.windows
    rounding = _norm(terms.rounding)
    currency = inv.currency
    p = stakecalc.minor_units(currency)
    wb, wi = _inputs_workbook(title)
    money_fmt, half, bold, input_fill, check_fill = _styles(p)
    wi.append(["Investment date (t0)", inv.on, "the fund invests"])
    wi["B4"].number_format = "yyyy-mm-dd"
    wi.append(["Investment (I)", _exact_number(inv.amount, "investment"), currency])
    wi["B5"].number_format = money_fmt
    wi.append(["Units bought (U)", _exact_number(inv.units, "units"), "the fund's stake"])
    wi["B6"].number_format = "#,##0"
    wi.append(["Rounding", rounding, f"each tranche's price, once, to {p} decimals"])
    for r in range(4, 8):
        wi.cell(r, 2).fill = input_fill
    wi.append([])
    wi.append(["Windows"])
    wi.cell(wi.max_row, 1).font = bold
    for i, w in enumerate(windows):
        wi.append([f"window {i}: {w.label}", w.price.describe()])
    for c, w in zip("ABC", (34, 40, 50)):
        wi.column_dimensions[c].width = w

    ws = wb.create_sheet("Tranches")
    heads = ["Tranche", "Date", "Buyer", "Window", "Price formula", "Units priced (u)", "Proportion u / U",
             "Cost I x u / U", "Days", "Year fraction", "Rate", "Periods a year", "Exact price", "Price",
             "Basis", "Units left after", "Library price", "Library units left", "Check"]
    ws.append(heads)
    for c in ws[1]:
        c.font = bold
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    tranches = list(evaluation["tranches"])
    for k, t in enumerate(tranches):
        x = k + 2
        kind, args = _price_formula_parts(windows[t["window"]].price)
        ws.cell(x, 1, t["index"] + 1)
        ws.cell(x, 2, t["on"]).number_format = "yyyy-mm-dd"
        ws.cell(x, 3, t["buyer"] or _COMPANY_BUYER)
        ws.cell(x, 4, t["window_label"] or t["window"])
        ws.cell(x, 5, t["formula"])
        ws.cell(x, 6, _exact_number(Decimal(t["units"]), "units")).number_format = "#,##0"
        for c in (2, 3, 6):
            ws.cell(x, c).fill = input_fill
        ws.cell(x, 7, f"=F{x}/Inputs!$B$6").number_format = "0.000000%"
        ws.cell(x, 8, f"=Inputs!$B$5*F{x}/Inputs!$B$6").number_format = "#,##0.000000"
        exact_formula = None
        basis = "formula"
        if kind == "at_cost":
            exact_formula = f"=H{x}"
        elif kind in ("simple_interest", "compound_interest"):
            rate, benchmark, _on, spread, *rest = args
            dc, accrues_from = rest[-2], rest[-1]
            m = rest[0] if kind == "compound_interest" else None
            dc = _day_count_name(dc)
            yf = _year_fraction_formula(dc, "DAY_COUNT", "Inputs!$B$4", f"B{x}", "Inputs!$B$4")
            if benchmark is None and rate is not None and Decimal(spread or 0) == 0 and accrues_from is None \
                    and yf is not None and dc != "30E/360 ISDA":
                ws.cell(x, 9, "=" + _days_formula(dc, "Inputs!$B$4", f"B{x}")).number_format = "0"
                ws.cell(x, 10, "=" + yf).number_format = "0.000000000"
                ws.cell(x, 11, _exact_number(Decimal(rate), "rate")).number_format = "0.00######%"
                ws.cell(x, 11).fill = input_fill
                if kind == "simple_interest":
                    exact_formula = f"=H{x}*(1+K{x}*J{x})"
                else:
                    ws.cell(x, 12, int(m)).fill = input_fill
                    exact_formula = f"=H{x}*(1+K{x}/L{x})^(L{x}*J{x})"
        if exact_formula is None:
            exact = Fraction(t["exact_amount"])
            try:
                _exact_number(exact.numerator, "exact price numerator")
                _exact_number(exact.denominator, "exact price denominator")
                exact_formula = f"={exact.numerator}/{exact.denominator}"
            except NotExactInSpreadsheet:
                exact_formula = _check_value(exact, "exact price")
            basis = f"the library's exact amount ({kind} is not written as a formula here)"
        ws.cell(x, 13, exact_formula).number_format = "#,##0.000000"
        ws.cell(x, 14, "=" + _round_formula(f"M{x}", p, rounding)).number_format = money_fmt
        ws.cell(x, 15, basis)
        ws.cell(x, 16, f"=Inputs!$B$6-SUM($F$2:F{x})").number_format = "#,##0"
        ws.cell(x, 17, _exact_number(Decimal(t["amount"]), "library price")).number_format = money_fmt
        ws.cell(x, 18, _exact_number(Decimal(t["units_left_after"]), "library units left")).number_format = "#,##0"
        ws.cell(x, 19, f'=IF(AND(ABS(N{x}-Q{x})<{half},P{x}=R{x}),"OK","DIFFERS")')
        for c in (17, 18, 19):
            ws.cell(x, c).fill = check_fill
    n = len(tranches)
    tr = n + 3
    ws.cell(tr, 1, "Team cost").font = bold
    ws.cell(tr, 14, f'=ROUND(SUMIF(C2:C{n + 1},"<>{_COMPANY_BUYER}",N2:N{n + 1}),{p})').number_format = money_fmt
    ws.cell(tr, 17, _exact_number(Decimal(evaluation["team_cost"]), "team_cost")).number_format = money_fmt
    ws.cell(tr, 19, f'=IF(ABS(N{tr}-Q{tr})<{half},"OK","DIFFERS")')
    ws.cell(tr + 1, 1, "Units left").font = bold
    ws.cell(tr + 1, 16, f"=Inputs!$B$6-SUM(F2:F{n + 1})").number_format = "#,##0"
    ws.cell(tr + 1, 18, _exact_number(Decimal(evaluation["units_left"]), "units_left")).number_format = "#,##0"
    ws.cell(tr + 1, 19, f'=IF(P{tr + 1}=R{tr + 1},"OK","DIFFERS")')
    for i, w in enumerate([8, 12, 12, 12, 34, 14, 12, 16, 8, 12, 10, 8, 18, 16, 30, 14, 16, 14, 10], start=1):
        ws.column_dimensions[col(i)].width = w
    wb.save(path)
    return path
