"""stakecalc: exact calculations for the contracts behind public support of science start-ups.

Amounts are ``decimal.Decimal`` (``int`` and ``str`` are accepted too; ``float`` is refused because
0.1 as a float is not one tenth), dates are ``datetime.date``, exact fractions ``fractions.Fraction``.
"""
from . import _core
from ._core import *  # noqa: F401,F403  (the compiled API is the public API)

from ._sweep import scenarios_of, sweep  # noqa: E402  (the DataFrame front of the C++ sweep)

__all__ = [name for name in dir(_core) if not name.startswith("_")] + ["scenarios_of", "sweep"]
__version__ = "0.1.0"
