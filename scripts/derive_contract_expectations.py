#!/usr/bin/env python3
"""Expected values for tests/cpp/test_repurchase.cpp and test_equity_to_debt.cpp, derived
independently of the C++ code: exact fractions for prices and loan tables (the bank's textbook
loop), mpmath at 60 digits for fractional powers and XIRR roots.

Run: python3 scripts/derive_contract_expectations.py
"""
from datetime import date
from fractions import Fraction as F

import mpmath as mp

mp.mp.dps = 60


def days(a, b):
    return (b - a).days


def half_up_cents(x):
    """floor(100 x + 1/2) / 100 for x >= 0."""
    return F((x * 100 + F(1, 2)).__floor__(), 100)


def show(name, x):
    print(f"{name}: {x} = {mp.nstr(mp.mpf(x.numerator) / x.denominator, 30) if isinstance(x, F) else x}")


def xirr(flows):
    t0 = min(d for d, _ in flows)

    def f(r):
        return sum(mp.mpf(a.numerator) / a.denominator * (1 + r) ** (-mp.mpf(days(t0, d)) / 365) for d, a in flows)

    return mp.findroot(f, mp.mpf("0.05"))


def add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, d.day)  # day 1 only here


def bank_annuity(principal, annual, n):
    """The bank's 等额本息 table: monthly rate annual/12, interest rounded half-up per month,
    instalment from the closed form rounded half-up, the last month repays the balance."""
    r = annual / 12
    g = (1 + r) ** n
    inst = half_up_cents(principal * r * g / (g - 1))
    bal = principal
    rows = []
    for k in range(1, n + 1):
        i = half_up_cents(bal * r)
        p = inst - i if k < n else bal
        bal -= p
        rows.append((i, p, i + p, bal))
    return inst, rows


print("== test_repurchase")
t0 = date(2021, 3, 1)
d1 = days(t0, date(2025, 6, 30))
a1 = F(1800000) * (1 + F(3, 100) * F(d1, 365))
print("A: days", d1)
show("A: tranche 1 exact", a1)
show("A: tranche 1 rounded", half_up_cents(a1))
d1b = days(date(2024, 3, 1), date(2025, 6, 30))
a1b = F(1800000) * (1 + F(3, 100) * F(d1b, 365))
print("A': days from year 3", d1b)
show("A': rounded", half_up_cents(a1b))
flows_a = [(t0, F(-3000000)), (date(2023, 3, 1), F(1200000)), (date(2025, 6, 30), half_up_cents(a1))]
print("A: irr", mp.nstr(xirr(flows_a), 40))
show("A: multiple", (F(1200000) + half_up_cents(a1)) / 3000000)

fb = mp.power(mp.mpf("1.08"), mp.mpf(547) / 365)
print("B: factor", mp.nstr(fb, 40), "amount", mp.nstr(fb * 1000000, 40))

segs = [(date(2021, 3, 1), date(2021, 6, 15), F(45, 1000)), (date(2021, 6, 15), date(2022, 1, 10), F(40, 1000)),
        (date(2022, 1, 10), date(2022, 3, 1), F(35, 1000))]
ic = F(2000000) * sum(r * F(days(a, b), 360) for a, b, r in segs)
print("C: days", [days(a, b) for a, b, _ in segs])
show("C: interest", ic)
show("C: rounded", half_up_cents(2000000 + ic))

dd = days(date(2021, 3, 1), date(2024, 3, 1))
hurdle = F(3000000) * (1 + F(385, 10000) * F(dd, 365))
print("D: days", dd)
show("D: hurdle", hurdle)
fv = F(32, 10) * 1500000
show("D: price", half_up_cents(hurdle + (fv - hurdle) / 2))

print("== test_equity_to_debt")
# E1: deadline 5Y, principal = remaining cost + 4% simple ACT/365F - dividends on the converted units.
conv = date(2026, 3, 1)
de = days(t0, conv)
interest = F(1800000) * F(4, 100) * F(de, 365)
principal_exact = F(1800000) + interest - F(900000) * F(1, 10)
principal = half_up_cents(principal_exact)
print("E1: days", de)
show("E1: interest", interest)
show("E1: principal exact", principal_exact)
show("E1: principal", principal)
# Largest remainder over 1/2, 1/3, 1/6 in fen.
cents = int(principal * 100)
w = [3, 2, 1]
base = [cents * x // 6 for x in w]
rem = [cents * x % 6 for x in w]
left = cents - sum(base)
order = sorted(range(3), key=lambda i: -rem[i])  # stable
for i in order[:left]:
    base[i] += 1
parts = [F(b, 100) for b in base]
print("E1: parts", [str(float(p)) for p in parts], parts)
flows = [(t0, F(-3000000)), (date(2022, 6, 30), F(150000)), (date(2023, 3, 1), F(1200000))]
team = F(1200000)
for name, p in zip(["zhang", "li", "company"], parts):
    inst, rows = bank_annuity(p, F(435, 10000), 24)
    print(f"E1: {name} instalment {float(inst)} first interest {float(rows[0][0])} last payment {float(rows[-1][2])}"
          f" total {float(sum(r[2] for r in rows))} interest {float(sum(r[0] for r in rows))}")
    print(f"    exact: instalment {inst} last {rows[-1][2]} total {sum(r[2] for r in rows)}")
    for k, r in enumerate(rows):
        flows.append((add_months(conv, k + 1), r[2]))
    if name != "company":
        team += sum(r[2] for r in rows)
received = sum(a for _, a in flows if a > 0)
show("E1: received", received)
show("E1: multiple", received / 3000000)
show("E1: team cost", team)
print("E1: irr", mp.nstr(xirr(flows), 40))

# E2: minimum missed at 2024-03-01; principal = window 2's price (LPR-1Y 3.45% on 2024-03-01).
d2 = days(t0, date(2024, 3, 1))
p2 = half_up_cents(F(2400000) * (1 + F(345, 10000) * F(d2, 365)))
print("E2: days", d2)
show("E2: principal", p2)
dl = days(date(2024, 3, 1), date(2025, 3, 1))
print("E2: loan days", dl)
pay = p2 + half_up_cents(p2 * F(5, 100) * F(dl, 365))
show("E2: bullet payment", pay)
flows2 = [(t0, F(-3000000)), (date(2022, 3, 1), F(600000)), (date(2025, 3, 1), pay)]
print("E2: irr", mp.nstr(xirr(flows2), 40))
show("E2: multiple", (600000 + pay) / 3000000)

print("== test_exit_paths")
m3 = F(108, 100) ** 3
print("GE: market price", float(1000000 * m3), 1000000 * m3)
ge = F(259712) / m3
show("GE: tranche method exact", ge)
show("GE: flows method exact", 1000000 - F(1000000) / m3)
show("GE: rounded", half_up_cents(ge))
print("sale irr 2^(1/3)-1:", mp.nstr(mp.cbrt(2) - 1, 40))
ge_sale = 1000000 - F(2000000) / m3
show("sale GE exact", ge_sale)
print("sale GE rounded half-up (negative: away from zero on ties only):", mp.nstr(mp.mpf(ge_sale.numerator) / ge_sale.denominator, 30))
print("conversion irr sqrt(1.06)-1:", mp.nstr(mp.sqrt(mp.mpf("1.06")) - 1, 40))
ge_conv = 1000000 - F(1060000) / F(108, 100) ** 2
show("conversion GE exact", ge_conv)
show("conversion GE rounded", half_up_cents(ge_conv))

print("== test_exit_paths (deal: 1,000,000 on 2021-01-01, cost + 2% simple)")
price = F(1000000) * (1 + F(2, 100) * F(1095, 365))
show("repurchase price 2024-01-01", price)
ge_r = (1000000 * m3 - price) / m3
show("repurchase GE exact", ge_r)
show("repurchase GE rounded", half_up_cents(ge_r))
print("repurchase irr 1.06^(1/3)-1:", mp.nstr(mp.cbrt(mp.mpf("1.06")) - 1, 40))
