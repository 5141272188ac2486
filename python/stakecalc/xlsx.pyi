# Type stubs for stakecalc.xlsx (workbooks of live formulas an auditor can recalculate).
import os
from typing import Any, Mapping, Optional, Sequence, Union

from . import ExitDeal, Loan, LoanRow, RepurchaseTerms

PathLike = Union[str, os.PathLike[str]]

MAX_SIGNIFICANT_DIGITS: int
TIE_GUARD_PLACES: int

class NotExactInSpreadsheet(ValueError): ...

def export_loan_schedule(schedule_or_loan: Union[Loan, Sequence[LoanRow]], path: PathLike, *,
                         terms: Optional[Mapping[str, Any]] = None, title: Optional[str] = None,
                         strict: bool = True, **loan_terms: Any) -> PathLike: ...
def export_exit_comparison(results: Sequence[Mapping[str, Any]], path: PathLike, *, deal: Optional[ExitDeal] = None,
                           market_rate: Any = None, investment: Any = None, rounding: Optional[str] = None,
                           currency: Optional[str] = None, title: str = "Exit paths compared") -> PathLike: ...
def export_repurchase(evaluation: Mapping[str, Any], path: PathLike, *, terms: RepurchaseTerms,
                      title: str = "Team repurchase") -> PathLike: ...
