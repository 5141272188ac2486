"""XIRR of 100 dated flows from Python: stakecalc against a SciPy implementation and pyxirr.

    python -m venv .venv && .venv/bin/pip install pyxirr scipy mpmath
    PYTHONPATH=<build>/python .venv/bin/python scripts/bench_xirr.py

Each implementation gets its natural input (stakecalc: Decimal amounts; SciPy and pyxirr: floats)
and the same dates; the time per call includes converting the inputs at the boundary. Accuracy is
measured against a 60-digit root found by mpmath (when installed).
"""
import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

import stakecalc


def flows(count=100, seed=20240101):
    """An investment, then `count - 1` mostly positive flows over ten years."""
    rng = random.Random(seed)
    start = date(2015, 3, 31)
    dates = [start] + sorted(start + timedelta(days=rng.randint(30, 3650)) for _ in range(count - 1))
    amounts = [Decimal("-1000000.00")]
    for _ in range(count - 1):
        cents = rng.randint(-500000, 3500000)
        amounts.append(Decimal(cents).scaleb(-2))
    return amounts, dates


def scipy_xirr(amounts, dates):
    """The usual SciPy recipe: Newton on the ACT/365 XNPV in floats."""
    from scipy.optimize import newton

    first = min(dates)
    years = [(d - first).days / 365.0 for d in dates]

    def xnpv(rate):
        return sum(a / (1.0 + rate) ** t for a, t in zip(amounts, years))

    return newton(xnpv, 0.1)


def mpmath_root(amounts, dates):
    import mpmath

    mpmath.mp.dps = 60
    first = min(dates)
    days = [(d - first).days for d in dates]
    values = [mpmath.mpf(str(a)) for a in amounts]

    def f(r):
        return mpmath.fsum(v * (1 + r) ** (-mpmath.mpf(n) / 365) for v, n in zip(values, days))

    return mpmath.findroot(f, mpmath.mpf("0.1"))


def interleaved(calls, items, chunk, rounds):
    """Seconds per item for each implementation: calls[name](item) over all items, the
    implementations taking turns every `chunk` items, best of `rounds` passes. This kind of machine
    runs fast and slow for seconds at a time; timed one after the other, one implementation could
    get the fast stretch and another the slow one (the 200-set ratio swung by a third between
    runs). Turns of a whole pass, many rounds and the best of each put them under the same
    conditions; shorter turns would cost the faster side a cold cache at each turn (turns of 10
    calls made stakecalc's calls a fifth slower)."""
    best = {name: float("inf") for name in calls}
    for _ in range(rounds):
        spent = dict.fromkeys(calls, 0.0)
        for start in range(0, len(items), chunk):
            part = items[start:start + chunk]
            for name, call in calls.items():
                t0 = time.perf_counter()
                for item in part:
                    call(item)
                spent[name] += time.perf_counter() - t0
        for name in calls:
            best[name] = min(best[name], spent[name])
    return {name: t / len(items) for name, t in best.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="flows per XIRR (default 100)")
    parser.add_argument("--number", type=int, default=200, help="calls on the one set per timing (default 200)")
    parser.add_argument("--repeat", type=int, default=15, help="rounds, the best is kept (default 15)")
    parser.add_argument("--sets", type=int, default=200, help="different flow sets for the mean (default 200)")
    args = parser.parse_args()

    amounts, dates = flows(args.count)
    floats = [float(a) for a in amounts]
    ours = stakecalc.xirr(amounts, dates)

    # The implementations, each on its natural input (the conversion to floats is timed).
    calls = {"stakecalc": lambda s: stakecalc.xirr(s[0], s[1])}
    results = {"stakecalc": ours}
    try:
        results["scipy"] = scipy_xirr(floats, dates)
        calls["scipy"] = lambda s: scipy_xirr([float(a) for a in s[0]], s[1])
    except ImportError:
        print("scipy not installed: skipped")
    try:
        import pyxirr

        results["pyxirr"] = pyxirr.xirr(dates, floats)
        calls["pyxirr"] = lambda s: pyxirr.xirr(s[1], [float(a) for a in s[0]])
    except ImportError:
        print("pyxirr not installed: skipped")

    def report(label, per):
        line = f"{label}: stakecalc {per['stakecalc'] * 1e6:.1f} us"
        if "scipy" in per:
            line += f"; scipy {per['scipy'] * 1e6:.1f} us (stakecalc {per['scipy'] / per['stakecalc']:.1f}x faster)"
        if "pyxirr" in per:
            line += f"; pyxirr {per['pyxirr'] * 1e6:.1f} us (stakecalc takes {per['stakecalc'] / per['pyxirr']:.2f}x its time)"
        print(line)

    print(f"flows: {len(amounts)}; best of {args.repeat} rounds, the implementations taking turns every pass")
    for name, value in results.items():
        print(f"  {name:10s} {value!r}")
    report(f"one set, {args.number} calls", interleaved(calls, [(amounts, dates)] * args.number, args.number, args.repeat))
    # One set can sit near a rounding boundary or far from it (stakecalc then needs a slower
    # step, or not); the mean over many sets is the fair figure.
    sets = [flows(args.count, seed) for seed in range(1, args.sets + 1)]
    report(f"mean over {len(sets)} different sets", interleaved(calls, sets, len(sets), args.repeat))
    try:
        exact = mpmath_root(amounts, dates)
        reference = Decimal(str(exact))

        def digits(value):
            error = abs(Decimal(str(value)) - reference)
            return "all" if error == 0 else f"{-(error / abs(reference)).adjusted() - 1}"
        print("correct significant digits (vs mpmath, 60 digits):",
              *(f"{name} {digits(value)}" for name, value in results.items()))
    except ImportError:
        print("mpmath not installed: accuracy not measured")


if __name__ == "__main__":
    main()
