"""stakecalc.excel: the spreadsheet's financial functions, lower-case, with its argument order,
defaults and sign convention (money paid out is negative).

Decimal in (int and str accepted, float refused) and Decimal out, to 30 significant digits;
errors (InvalidInput, NoSolution) instead of #NUM! and #VALUE!.
"""
from ._core import excel as _excel

pmt = _excel.pmt
ipmt = _excel.ipmt
ppmt = _excel.ppmt
cumipmt = _excel.cumipmt
cumprinc = _excel.cumprinc
fv = _excel.fv
pv = _excel.pv
nper = _excel.nper
rate = _excel.rate
npv = _excel.npv
irr = _excel.irr
xnpv = _excel.xnpv
xirr = _excel.xirr
yearfrac = _excel.yearfrac
effect = _excel.effect
nominal = _excel.nominal
edate = _excel.edate
eomonth = _excel.eomonth

__all__ = ["pmt", "ipmt", "ppmt", "cumipmt", "cumprinc", "fv", "pv", "nper", "rate", "npv", "irr", "xnpv", "xirr",
           "yearfrac", "effect", "nominal", "edate", "eomonth"]
