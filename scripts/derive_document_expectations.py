#!/usr/bin/env python3
"""Independent derivation of the figures that tests/cpp/test_deal_document.cpp and
examples/CMakeLists.txt expect, with Python's decimal module (no stakecalc code involved).

Run: python3 scripts/derive_document_expectations.py
Every amount is computed exactly and rounded once, half-up to the cent, as the documents say.
Irrational values (IRR, discount factors) use 50 significant digits.
"""
from datetime import date
from decimal import Decimal as D, ROUND_HALF_UP, getcontext

getcontext().prec = 50
CENT = D("0.01")


def cents(x):
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def days(a, b):
    return (b - a).days


def show(label, value):
    print(f"{label:58s} {value}")


print("== test deal: CNY 3,000,000.00 on 2021-01-01, cost plus 3.1% simple, ACT/365F ==")
t0, t1 = date(2021, 1, 1), date(2025, 1, 1)
n = days(t0, t1)
price = cents(D(3000000) * (1 + D("0.031") * D(n) / 365))
show("days 2021-01-01 .. 2025-01-01", n)
show("price of the whole stake", price)                      # 3372254.79
multiple = price / D(3000000)
show("multiple", multiple)                                    # 1.12408493
irr = (multiple.ln() * D(365) / D(n)).exp() - 1
show("IRR = multiple^(365/1461) - 1", irr)
pv = price / ((D("1.08").ln() * D(n) / 365).exp())
show("grant-equivalent at 8%: 3,000,000 - price / 1.08^(1461/365)", cents(D(3000000) - pv))
show("  exact", D(3000000) - pv)
# Conversion of the whole stake on 2022-01-01 at cost, company debtor, 1-year bullet at 6% ACT/365F.
interest = cents(D(3000000) * D("0.06") * D(days(date(2022, 1, 1), date(2023, 1, 1))) / 365)
show("conversion loan interest 2022-01-01 .. 2023-01-01", interest)   # 180000.00
show("conversion loan payment", D(3000000) + interest)

print("\n== examples/data/ustc-deal.json ==")
t0 = date(2021, 6, 30)
tr1 = cents(D(30000000) * D("0.2"))
show("tranche 1 (chen, 2023-06-30, 20% at cost)", tr1)              # 6000000.00
n2 = days(t0, date(2025, 6, 30))
tr2 = cents(D(9000000) * (1 + D("0.0385") * D(n2) / 365))
show(f"tranche 2 (liu, 2025-06-30, 30%, LPR 3.85% x {n2}/365)", tr2)  # 10386949.32
n3 = days(t0, date(2026, 6, 30))
principal = cents(D(15000000) * (1 + D("0.0385") * D(n3) / 365))
show(f"conversion principal (50%, 2026-06-30, 3.85% x {n3}/365)", principal)  # 17889082.19
chen_exact, liu_exact = principal * D("0.6"), principal * D("0.4")
chen, liu = chen_exact.quantize(CENT, rounding="ROUND_DOWN"), liu_exact.quantize(CENT, rounding="ROUND_DOWN")
left = principal - chen - liu  # one cent, to the larger remainder
if (liu_exact - liu) > (chen_exact - chen):
    liu += left
else:
    chen += left
show("  chen's part (3/5, largest remainder)", chen)              # 10733449.31
show("  liu's part (2/5)", liu)                                   # 7155632.88
per = cents(chen / 3)
show("  chen: principal per year (equal principal, 3 years)", per)
i1 = cents(chen * D("0.04") * D(days(date(2026, 6, 30), date(2027, 6, 30))) / 360)
show("  chen: interest year 1 (4% ACT/360, 365 days)", i1)
show("  chen: first instalment", per + i1)
sale = D(300000000) * D(2500000) / D(12500000)
show("sale at 300,000,000: 2,500,000 / 12,500,000 of it", cents(sale))  # 60000000.00
fee = cents(D(270000) * D("0.02"))
net = D(270000) - fee
show("platform distribution: fee 2% of 270,000.00", fee)          # 5400.00
show("  net", net)                                                # 264600.00
show("  team reward pool 1/2", cents(net * D("0.5")))             # 132300.00
show("  USTC 35%", cents(net * D("0.35")))                        # 92610.00
show("  School of Physical Sciences 15%", cents(net * D("0.15")))  # 39690.00
show("platform mark value 2,700,000 units x 12", D(2700000) * 12)  # 32400000
usd_cny = D("7.1268")
show("US line in CNY: cost USD 200.00 x 7.1268", cents(D(200) * usd_cny))            # 1425.36
show("US line in CNY: mark 2,000,000 x USD 0.50 x 7.1268", cents(D(2000000) * D("0.5") * usd_cny))  # 7126800.00
show("total cost in CNY", D("2700000.00") + cents(D(200) * usd_cny))                 # 2701425.36
show("total mark value in CNY", D("32400000.00") + cents(D(1000000) * usd_cny))      # 39526800.00

print("\n== examples/data/anhui-repurchase.json ==")
show("tranche 1 (2023-08-31, 50% at cost)", cents(D(6000000) * D("0.5")))   # 3000000.00
n = days(date(2023, 9, 1), date(2025, 9, 1))
show(f"tranche 2 (2025-09-01, 50%, LPR 3.00% from year 3, {n} days)",
     cents(D(3000000) * (1 + D("0.03") * D(n) / 365)))             # 3180246.58

print("\n== examples/data/county-conversion.json ==")
show("tranche (wang, 2024-04-01, 25%, 2% x 731/365)",
     cents(D(750000) * (1 + D("0.02") * D(days(date(2022, 4, 1), date(2024, 4, 1))) / 365)))
principal = cents(D(3000000) * D("0.75"))
show("conversion on 2025-04-01 (minimum 100% missed), at cost", principal)  # 2250000.00
per = cents(principal / 8)
show("  principal per quarter", per)                              # 281250.00
i1 = cents(principal * D("0.0435") * D(days(date(2025, 4, 1), date(2025, 7, 1))) / 360)
show("  interest 2025-04-01 .. 2025-07-01 (91 days, 4.35% ACT/360)", i1)  # 24740.63
show("  first instalment", per + i1)                              # 305990.63
