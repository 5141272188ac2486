"""10,000 annuity repayment tables (等额本息, 360 monthly periods) from Python: stakecalc against
numpy-financial's vectorised ipmt/ppmt.

    .venv/bin/pip install numpy numpy-financial
    PYTHONPATH=<build>/python .venv/bin/python scripts/bench_loan.py

stakecalc builds each loan's whole table with exact decimals, rounded per instalment to the fen (the
last instalment repays the balance exactly), as Python objects. numpy-financial computes every
period's interest and principal of all loans at once as a 10,000 x 360 float array, unrounded and
without dates: less work, and it does not reconcile. The script reports the time ratio and how far
numpy's principal column is from summing to the principal, loan by loan.
"""
import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

import stakecalc


def loans(count, seed=20240101):
    """(principal, annual rate, start) triples: 500,000 to 1,500,000 CNY, 2.5% to 7.5%, 2020-2024."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        principal = Decimal(rng.randint(50_000_000, 149_999_999)).scaleb(-2)
        rate = Decimal(rng.randint(25_000, 75_000)).scaleb(-6)
        start = date(2020, 1, 1) + timedelta(days=rng.randint(0, 1499))
        out.append((principal, rate, start))
    return out


def stakecalc_tables(inputs, periods):
    tables = []
    for principal, rate, start in inputs:
        loan = stakecalc.Loan(principal, rate, start, periods=periods, repayment="annuity",
                              interest_basis="MONTHLY")
        tables.append(loan.schedule())
    return tables


def numpy_tables(inputs, periods):
    import numpy as np
    import numpy_financial as npf

    principal = np.array([float(p) for p, _, _ in inputs])[:, None]
    monthly = np.array([float(r) / 12.0 for _, r, _ in inputs])[:, None]
    per = np.arange(1, periods + 1)[None, :]
    interest = -npf.ipmt(monthly, per, periods, principal)
    repaid = -npf.ppmt(monthly, per, periods, principal)
    return interest, repaid


def best_of(fn, repeat):
    best, result = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=10_000, help="loans (default 10,000)")
    parser.add_argument("--periods", type=int, default=360, help="monthly periods per loan (default 360)")
    parser.add_argument("--repeat", type=int, default=3, help="timings, the best is kept (default 3)")
    args = parser.parse_args()

    inputs = loans(args.loans)
    t_ours, tables = best_of(lambda: stakecalc_tables(inputs, args.periods), args.repeat)
    rows = sum(len(t) for t in tables)
    exact = all(sum((row.principal for row in t), Decimal(0)) == p for t, (p, _, _) in zip(tables, inputs))
    print(f"loans: {len(inputs)} x {args.periods} periods; best of {args.repeat}")
    print(f"stakecalc.Loan.schedule  {t_ours:8.2f} s  {rows} rows, {t_ours / rows * 1e6:.2f} us/row; "
          f"principal repaid equals principal to the fen in every loan: {exact}")
    try:
        t_numpy, (interest, repaid) = best_of(lambda: numpy_tables(inputs, args.periods), args.repeat)
        import numpy as np

        principal = np.array([float(p) for p, _, _ in inputs])
        drift = np.abs(repaid.sum(axis=1) - principal)
        print(f"numpy-financial ipmt/ppmt {t_numpy:8.2f} s  (floats, unrounded, no dates): "
              f"stakecalc takes {t_ours / t_numpy:.0f}x its time")
        print(f"numpy's principal column vs the principal: max |difference| {drift.max():.3e} CNY, "
              f"loans off by any amount: {(drift > 0).sum()} of {len(inputs)}")
        first = tables[0]
        print(f"first loan, period 1: stakecalc interest {first[0].interest}, principal {first[0].principal}; "
              f"numpy {interest[0, 0]!r}, {repaid[0, 0]!r}")
    except ImportError:
        print("numpy-financial not installed: skipped")


if __name__ == "__main__":
    main()
