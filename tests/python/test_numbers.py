"""The Python contract of the number types: Decimal in and out exactly, named rounding modes,
Money, allocation, and the exception hierarchy."""
import pickle
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stakecalc
from stakecalc import Money, Rounding


def test_round_follows_java_rounding_mode_table():
    # java.math.RoundingMode javadoc: inputs rounded to one digit
    inputs = ["5.5", "2.5", "1.6", "1.1", "1.0", "-1.0", "-1.1", "-1.6", "-2.5", "-5.5"]
    table = {
        "UP": [6, 3, 2, 2, 1, -1, -2, -2, -3, -6],
        "DOWN": [5, 2, 1, 1, 1, -1, -1, -1, -2, -5],
        "CEILING": [6, 3, 2, 2, 1, -1, -1, -1, -2, -5],
        "FLOOR": [5, 2, 1, 1, 1, -1, -2, -2, -3, -6],
        "HALF_UP": [6, 3, 2, 1, 1, -1, -1, -2, -3, -6],
        "HALF_DOWN": [5, 2, 2, 1, 1, -1, -1, -2, -2, -5],
        "HALF_EVEN": [6, 2, 2, 1, 1, -1, -1, -2, -2, -6],
    }
    for mode, expected in table.items():
        for text, want in zip(inputs, expected):
            assert stakecalc.round(Decimal(text), 0, mode) == want
            assert stakecalc.round(text, 0, Rounding[mode]) == want
    with pytest.raises(stakecalc.RoundingNeeded):
        stakecalc.round("5.5", 0, "UNNECESSARY")
    with pytest.raises(ArithmeticError):
        stakecalc.round("5.5", 0, Rounding.UNNECESSARY)
    assert stakecalc.round("1.0", 0, "UNNECESSARY") == 1


def test_results_are_exact_decimals():
    result = stakecalc.round("-1234.56", 4)
    assert isinstance(result, Decimal)
    assert str(result) == "-1234.5600"
    assert str(stakecalc.divide(1, 7, 28, "HALF_EVEN")) == "0.1428571428571428571428571429"
    assert stakecalc.divide("158.946", "0.059", 0, "UNNECESSARY") == 2694
    assert stakecalc.divide(15, 3, 0, "UNNECESSARY") == 5
    big = 10**40 + 1
    assert stakecalc.round(big, 0) == Decimal(big)
    assert stakecalc.divide(Decimal("1E+2"), 4, 2) == Decimal("25.00")


def test_float_is_refused_with_a_useful_message():
    with pytest.raises(stakecalc.InvalidInput, match=r"float.*Decimal\('\.\.\.'\) or a str"):
        stakecalc.round(0.1, 2)
    with pytest.raises(ValueError, match="amount"):
        Money(0.1)


@pytest.mark.parametrize("bad", ["1.2.3", "", "NaN", "1e999999999", "12,5", Decimal("NaN"), Decimal("Infinity"), None, True, [1]])
def test_bad_amounts_are_invalid_input(bad):
    with pytest.raises(stakecalc.InvalidInput) as info:
        Money(bad, "CNY")
    assert "amount" in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, stakecalc.Error)


@pytest.mark.parametrize("code", ["XYZ", "cny", "", "RMB"])
def test_unknown_currency_is_invalid_input(code):
    with pytest.raises(stakecalc.InvalidInput, match="unknown currency code"):
        Money("1", code)


def test_money_contract():
    a = Money("1234.50")
    assert a.currency == "CNY" and a.amount == Decimal("1234.50")
    assert str(a) == "CNY 1,234.50"
    assert repr(a) == "Money('1234.50', 'CNY')"
    assert eval(repr(a), {"Money": Money}) == a
    assert a + Money("0.50") == Money("1235")
    assert a - Money("234.5") == Money(1000)
    assert (a * Decimal("0.1")).amount == Decimal("123.450")
    assert (2 * a).amount == Decimal("2469.00")
    assert Money("2.345").round() == Money("2.35")
    assert Money("2.345").round("HALF_EVEN") == Money("2.34")
    assert Money("1234.5", "JPY").round(Rounding.HALF_EVEN).amount == 1234
    assert Money("1.0") == Money("1.00") and hash(Money("1.0")) == hash(Money("1.00"))
    assert Money("1", "USD") != Money("1", "CNY")
    assert Money("1") < Money("2")
    with pytest.raises(stakecalc.CurrencyMismatch):
        Money("1") + Money("1", "USD")
    with pytest.raises(ValueError):
        Money("1") < Money("1", "USD")
    assert pickle.loads(pickle.dumps(a)) == a


def test_allocation_never_loses_a_cent():
    parts = Money("100.00").allocate([1, 1, 1])
    assert [p.amount for p in parts] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert stakecalc.allocate("100.00", ["0.5", "0.25", "0.25"], 2) == [Decimal("50.00"), Decimal("25.00"), Decimal("25.00")]
    with pytest.raises(stakecalc.InvalidInput, match="weights"):
        Money("1").allocate([])
    with pytest.raises(stakecalc.InvalidInput, match=r"weights\[1\]"):
        Money("1").allocate([1, -1])


@settings(max_examples=2000, deadline=None)
@given(cents=st.integers(min_value=-10**15, max_value=10**15),
       weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30))
def test_allocation_properties(cents, weights):
    if sum(weights) == 0:
        return
    total = Decimal(cents).scaleb(-2)
    parts = Money(total).allocate(weights)
    assert sum((p.amount for p in parts), Decimal(0)) == total
    w = sum(weights)
    for part, weight in zip(parts, weights):
        exact = total * weight / w  # Decimal division: close enough for a one-cent bound check
        assert abs(part.amount - exact) < Decimal("0.01")


def test_exception_hierarchy():
    assert issubclass(stakecalc.InvalidInput, ValueError)
    assert issubclass(stakecalc.CurrencyMismatch, stakecalc.DomainRuleError)
    assert issubclass(stakecalc.RoundingNeeded, ArithmeticError)
    assert issubclass(stakecalc.DivisionByZero, ZeroDivisionError)
    assert issubclass(stakecalc.Overflow, OverflowError)
    with pytest.raises(stakecalc.DivisionByZero):
        stakecalc.divide(1, 0, 2)
    with pytest.raises(stakecalc.Overflow):
        Money("1e5000") * "1e5000" * "1e5000"


# Decimals are read from CPython's own representation when its layout checks out (convert.cpp),
# from their text otherwise; both must give exactly the Decimal's value, with its scale. The
# expectation is derived here from the Decimal's tuple: a positive exponent becomes trailing
# zeros of a whole number, a negative zero is zero, everything else keeps its digits and scale.
def expected_amount(d):
    sign, digits, exponent = d.as_tuple()
    coefficient = int("".join(map(str, digits)) or "0")
    if exponent > 0:
        coefficient *= 10**exponent
        exponent = 0
    if coefficient == 0:
        sign = 0
    return Decimal((sign, tuple(int(c) for c in str(coefficient)), exponent))


decimals = st.builds(
    lambda sign, coefficient, exponent: Decimal((sign, tuple(int(c) for c in str(coefficient)), exponent)),
    st.integers(0, 1),
    st.one_of(st.integers(0, 10**4), st.integers(0, 2**63 + 10), st.integers(0, 10**25)),
    st.integers(-30, 3),
)


@settings(max_examples=400, deadline=None)
@given(decimals)
def test_decimals_are_read_exactly_with_their_scale(d):
    want = expected_amount(d)
    got = Money(d, "CNY").amount
    assert got == want and got.as_tuple() == want.as_tuple()
    # The list path (element by element) too: the sum at rate 0 of [d, 0] is d.
    if len(want.as_tuple().digits) <= 30:
        assert stakecalc.npv(0, [d, 0]) == want


def test_decimals_are_read_from_cpythons_representation():
    # The fast path must be on where it can be: CPython's C decimal on a 64-bit build.
    import platform
    import struct

    import decimal

    if platform.python_implementation() == "CPython" and struct.calcsize("P") == 8 and hasattr(decimal, "__libmpdec_version__"):
        assert stakecalc._core._reads_decimal_layout()


def test_decimal_edges_read_exactly():
    for text in ["-12.30", "0", "-0.000", "9223372036854775807", "-9223372036854775807", "9223372036854775808",
                 "0.0000000000000000000000000000001", "1234567890123456789.01", "1E+3", "-5E+1", "1.000000"]:
        d = Decimal(text)
        assert Money(d, "CNY").amount.as_tuple() == expected_amount(d).as_tuple(), text
        assert stakecalc.npv(0, [d, Decimal(0)]) == expected_amount(d), text


def test_decimal_subclasses_and_specials():
    class Tagged(Decimal):
        pass

    assert Money(Tagged("1.50"), "CNY").amount.as_tuple() == Decimal("1.50").as_tuple()
    for special in ["NaN", "-Infinity", "sNaN"]:
        with pytest.raises(stakecalc.InvalidInput, match="finite Decimal"):
            Money(Decimal(special), "CNY")
        with pytest.raises(stakecalc.InvalidInput, match=r"amounts\[1\]"):
            stakecalc.npv(0, [Decimal(1), Decimal(special)])


# Exact fractions come out as fractions.Fraction made from their slots when a probe says that is
# the same object Fraction(n, d) makes (convert.cpp); checked here against Fraction itself.
def test_fractions_out_are_true_fractions():
    import platform
    from fractions import Fraction

    if platform.python_implementation() == "CPython":
        assert stakecalc._core._makes_fractions_directly()
    cases = [([-100, 250], Fraction(5, 2)), ([-3, 1], Fraction(1, 3)), ([-7, 0, 7], Fraction(1)),
             ([-(10**30), 10**30 + 1], Fraction(10**30 + 1, 10**30))]
    for amounts, want in cases:
        got = stakecalc.multiple([Decimal(a) for a in amounts])
        assert type(got) is Fraction
        assert got == want and hash(got) == hash(want) and str(got) == str(want)
        assert (got.numerator, got.denominator) == (want.numerator, want.denominator)
        assert got + want == 2 * want and pickle.loads(pickle.dumps(got)) == want


def test_first_conversions_from_many_threads_at_once():
    # The fast paths are probed on first use, running Python code; many threads reaching them at
    # once in a fresh interpreter must neither deadlock (the GIL and a one-time initialiser) nor
    # see a half-made probe. A subprocess, so that this interpreter's probes are not already done.
    import subprocess
    import sys

    script = """
import threading
from decimal import Decimal
from fractions import Fraction
import stakecalc
errors = []
start = threading.Barrier(16)
def work():
    try:
        start.wait()
        for _ in range(200):
            assert stakecalc.multiple([Decimal("-3"), Decimal("1.50"), Decimal("2.25")]) == Fraction(5, 4)
    except Exception as e:
        errors.append(repr(e))
threads = [threading.Thread(target=work) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
print("ok" if not errors else errors)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
