"""Scenario sweeps: one deal over a grid (or a list) of scenarios, one DataFrame row per scenario.

    df = stakecalc.sweep(deal, {"exit_year": [3, 4, 5], "valuation": [...], "rate": [...],
                                "proportion": [Fraction(1, 2), 1]},
                         paths=("repurchase", "conversion", "sale"))

The scenarios are evaluated in C++ on all cores without the GIL (``threads``); the rows do not
depend on the thread count. ``engine="dask"`` (or a ``dask.distributed.Client``) runs the same
call on a Dask cluster: the scenarios are cut into partitions, the deal is pickled once to every
worker, and the rows are gathered into one DataFrame in the original order, equal to the local
one. Long sweeps show a progress bar (tqdm, in a notebook or a terminal; a line on stderr without
tqdm), off with ``progress=False``; Ctrl-C stops the workers (or cancels the cluster's tasks) and
raises KeyboardInterrupt.

Columns: scenario, exit_on, valuation, rate, proportion (the values used, the base's where the
scenario sets none), then for each path p: p_fund_irr, p_fund_multiple, p_cash_recovered,
p_grant_equivalent, p_grant_equivalent_share, p_team_cost, p_fund_units_left, p_team_ownership,
p_error ("DomainRuleError: on: ..." when that path has no numbers for the scenario, else None).
Amounts are Decimal, multiples and shares Fraction, dates datetime.date (object columns).
"""
from __future__ import annotations

import contextlib
import gc
import itertools
import math
import sys
import time
from collections.abc import Mapping
from typing import Any, Callable, Optional, Sequence, Union

from . import _core

__all__ = ["sweep", "scenarios_of"]

AXES = ("exit_on", "exit_year", "valuation", "rate", "proportion")

ProgressLike = Union[bool, None, Callable[[int, int], Any]]


# ---- scenarios ----------------------------------------------------------------------------------

def _axis(value: Any) -> tuple:
    """An axis's values; a single value (a str, a number, a date) is an axis of one."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return (value,)
    return tuple(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _records(rows: Sequence[Mapping]) -> list:
    """Scenario dicts without the keys a table leaves empty (None or NaN)."""
    return [{k: v for k, v in dict(row).items() if not _missing(v)} for row in rows]


def scenarios_of(grid: Any) -> Union[_core.ScenarioGrid, _core.ScenarioList]:
    """A ScenarioGrid or ScenarioList from what sweep() accepts.

    - a ScenarioGrid or ScenarioList, as it is;
    - a mapping of axis -> values: the grid (cartesian product, row-major in the order exit,
      valuation, rate, proportion, the last varying fastest, as itertools.product);
    - a pandas DataFrame or a sequence of mappings: an explicit list, one scenario per row.
    Axes: exit_on (dates, ISO dates or tenors after the investment such as "3Y") or exit_year
    (whole years), valuation, rate, proportion.
    """
    if isinstance(grid, (_core.ScenarioGrid, _core.ScenarioList)):
        return grid
    if isinstance(grid, Mapping):
        unknown = [k for k in grid if k not in AXES]
        if unknown:
            raise _core.InvalidInput(f"grid.{unknown[0]}: unknown axis (expected one of {', '.join(AXES)})")
        return _core.ScenarioGrid(**{k: _axis(v) for k, v in grid.items()})
    if type(grid).__name__ == "DataFrame" and hasattr(grid, "to_dict"):
        return _core.ScenarioList(_records(grid.to_dict("records")))
    if isinstance(grid, (list, tuple)):
        return _core.ScenarioList(_records(grid))
    raise _core.InvalidInput(
        "grid: expected a dict of axes, a list of scenario dicts, a DataFrame, a ScenarioGrid or a ScenarioList, "
        f"got {type(grid).__name__}")


# ---- progress -----------------------------------------------------------------------------------

class _Progress:
    """progress(done, total) for the sweep: a tqdm bar (tqdm.auto: a widget in a notebook, a bar in a
    terminal), or a line on stderr when tqdm is not installed, or the caller's callable."""

    def __init__(self, progress: ProgressLike, total: int, desc: str = "stakecalc sweep"):
        self.total = total
        self.callback = progress if callable(progress) else None
        self.enabled = bool(progress) and self.callback is None and total > 0
        self.bar = None
        self.desc = desc
        self.done = 0
        self.start = time.monotonic()
        self.shown = 0.0
        if self.enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, desc=desc, unit=" scenarios", smoothing=0.1)

    def __call__(self, done: int, total: int) -> None:
        self.done = done
        if self.callback is not None:
            self.callback(done, total)
        elif self.bar is not None:
            self.bar.update(done - self.bar.n)
        elif self.enabled:
            now = time.monotonic()
            if done == total or now - self.shown >= 0.5:
                self.shown = now
                share = 100.0 * done / total if total else 100.0
                sys.stderr.write(f"\r{self.desc}: {done:,}/{total:,} ({share:.0f}%) {now - self.start:.1f} s")
                if done == total:
                    sys.stderr.write("\n")
                sys.stderr.flush()

    def advance(self, count: int) -> None:
        self(self.done + count, self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled and 0 < self.done < self.total:
            sys.stderr.write("\n")
            sys.stderr.flush()


# ---- results ------------------------------------------------------------------------------------

@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector held off while a sweep's results become objects.

    A sweep of 100,000 scenarios makes some two million Decimals and Fractions, none of them
    garbage; each few hundred new objects set off a collection, and the older generations'
    collections walk everything made so far. That was a third of sweep()'s time (about 1 s of 3
    for the benchmark). Reference counting still frees everything as usual; the collector is
    re-enabled afterwards (if it was enabled), and the next collection finds any cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _frame(columns: Mapping[str, list]):
    """The columns as a DataFrame: scenario as int64, everything else as objects (Decimal,
    Fraction, date, None), so that no value is converted and None stays None."""
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - pandas is a dependency of the tests
        raise ImportError("stakecalc.sweep() returns a pandas DataFrame: pip install pandas") from e
    with _collector_paused():
        return pd.DataFrame({name: pd.Series(values, dtype="int64" if name == "scenario" else object)
                             for name, values in columns.items()})


def _concat(parts: Sequence[Mapping[str, list]]) -> dict:
    if not parts:
        return {}
    names = list(parts[0])
    return {name: list(itertools.chain.from_iterable(p[name] for p in parts)) for name in names}


def _partition(spec, scenarios, start, stop, offset, threads):
    """One Dask task: the rows of scenarios[start:stop], numbered from `offset`, as columns."""
    return spec.run(scenarios, start=start, stop=stop, offset=offset, threads=threads).columns()


# ---- engines ------------------------------------------------------------------------------------

def _dask_client(engine: Any):
    """(client, owned): the Client to use and whether this call started it (and must close it)."""
    try:
        from dask.distributed import Client, LocalCluster, get_client
    except ImportError as e:
        raise ImportError("engine='dask' needs dask.distributed: pip install 'dask[distributed]'") from e
    if isinstance(engine, Client):
        return engine, False
    try:
        return get_client(), False
    except ValueError:  # no client yet: a local cluster of worker processes for this call
        cluster = LocalCluster(processes=True)
        return Client(cluster), True


def _run_local(spec, scenarios, threads, progress) -> dict:
    reporter = _Progress(progress, len(scenarios))
    try:
        result = spec.run(scenarios, threads=threads, progress=reporter)
    finally:
        reporter.close()
    with _collector_paused():
        return result.columns()


def _run_dask(client, spec, scenarios, threads, progress, partitions) -> dict:
    from dask.distributed import as_completed

    total = len(scenarios)
    # Bad input is refused here, before any task is sent (an empty slice checks the whole set).
    empty = spec.run(scenarios, start=0, stop=0)
    if total == 0:
        return empty.columns()
    if partitions is None:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        partitions = workers * 4
    partitions = max(1, min(int(partitions), total))
    bounds = [(total * k // partitions, total * (k + 1) // partitions) for k in range(partitions)]
    # The spec (with the deal) and a grid are pickled once to every worker; a list is cut. Random
    # keys (hash=False): a second sweep of the same spec right after a first would otherwise reuse
    # the key the first one is releasing, and its tasks fail with "lost dependencies".
    [spec_future] = client.scatter([spec], broadcast=True, hash=False)
    if isinstance(scenarios, _core.ScenarioGrid):
        [grid_future] = client.scatter([scenarios], broadcast=True, hash=False)
        tasks = [(grid_future, a, b, 0) for a, b in bounds]
    else:
        records = [scenarios.scenario(i) for i in range(total)]
        tasks = [(_core.ScenarioList(records[a:b]), 0, None, a) for a, b in bounds]
    futures = [client.submit(_partition, spec_future, part, start, stop, offset, threads, pure=False)
               for part, start, stop, offset in tasks]
    size = {f.key: b - a for f, (a, b) in zip(futures, bounds)}
    reporter = _Progress(progress, total, desc="stakecalc sweep (dask)")
    try:
        for future in as_completed(futures):
            reporter.advance(size[future.key])
        parts = client.gather(futures)  # in the order submitted: the scenarios' order
    except BaseException:
        client.cancel(futures)
        raise
    finally:
        reporter.close()
    return _concat(parts)


def sweep(
    deal,
    grid,
    *,
    paths: Union[str, Sequence[str]] = ("repurchase",),
    plan: Sequence = (),
    buyer: str = "team",
    rate_applies_to: str = "price",
    base: Optional[Mapping] = None,
    write_off_recovery=None,
    threads: Optional[int] = None,
    progress: ProgressLike = True,
    engine: Any = None,
    partitions: Optional[int] = None,
):
    """Evaluates an ExitDeal (or a SweepSpec) over the scenarios of `grid`; a DataFrame, one row per
    scenario in the grid's order.

    grid: a dict of axes (the cartesian product), a list of scenario dicts, a DataFrame, a
        ScenarioGrid or a ScenarioList (see scenarios_of).
    paths: which ways out to evaluate per scenario: "repurchase", "conversion", "sale", "write_off".
    plan: Tranches common to every scenario (those dated after a scenario's exit are dropped).
    buyer: who buys the scenario's proportion on its exit date ("" : the company).
    rate_applies_to: what the rate axis replaces: "price" (the repurchase prices' rates, or
        their spreads over a benchmark), "market" (the grant-equivalent's rate), "loan" (the
        conversion loan's rate or spread).
    base: axis values for what a scenario leaves unset, e.g. {"valuation": Decimal("2E7")}.
    threads: C++ threads (None: all cores; on a Dask cluster, 1 per task).
    progress: True for a progress bar, False for none, or a callable progress(done, total).
    engine: None (this process), "dask" (the current dask.distributed client, else a
        LocalCluster for this call) or a dask.distributed.Client.
    partitions: Dask tasks (None: 4 per worker).

    Bad input raises stakecalc.InvalidInput naming the field ("grid.proportion[1]") before any
    work; what a scenario leads to (nothing left to convert...) is in the row's p_error column.
    """
    if isinstance(deal, _core.SweepSpec):
        spec = deal
    else:
        if isinstance(paths, str):
            paths = (paths,)
        spec = _core.SweepSpec(deal, paths=tuple(paths), plan=tuple(plan), buyer=buyer,
                               rate_applies_to=rate_applies_to, base=None if base is None else dict(base),
                               write_off_recovery=write_off_recovery)
    scenarios = scenarios_of(grid)
    if engine is None or engine == "local":
        return _frame(_run_local(spec, scenarios, threads, progress))
    if engine != "dask" and type(engine).__name__ != "Client":
        raise _core.InvalidInput(f"engine: expected None, 'local', 'dask' or a dask.distributed.Client, got {engine!r}")
    client, owned = _dask_client(engine)
    try:
        return _frame(_run_dask(client, spec, scenarios, 1 if threads is None else threads, progress, partitions))
    finally:
        if owned:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()
