"""What the commands print when they are done: a table of the sites, and what was written."""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence

import click
import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from landcheck.cli.terminal import terminal_text
from landcheck.result import CheckResult
from landcheck.rules.core import STATUSES
from landcheck.units import M2_PER_HA

__all__ = [
    "HARD_M_LEGEND",
    "SUMMARY_ROWS",
    "echo_written",
    "most_severe",
    "print_summary",
    "print_table",
]

STATUS_STYLE = {
    "prohibited": "bold red",
    "unknown": "bold magenta",
    "conditional": "yellow",
    "info": "cyan",
    "not_involved": "green",
}
"""How each status is shown on a terminal."""

_COLUMNS = (("farmland", "PBF ha"), ("eco_redline", "redline ha"))

_WIDTH = 120
"""Table width when the output is not a terminal (a log file, a pipe)."""

_HEADERS = {
    "rank": "#",
    "site_id": "site",
    "patch_id": "patch",
    "area_ha": "ha",
    "site_ha": "site ha",
    "nearest_hard_m": "hard m",
    "urban_distance_m": "UDB m",
    "road_distance_m": "road m",
    "eco_redline_ha": "redline",
    "cultivated_ha": "cultiv.",
    "conversion_ha": "convert",
    "outside_urban_ha": "out UDB",
    "urban": "UDB",
    "kept_ha": "kept",
    "lost_ha": "lost",
    "constraints_ha": "constr.",
    "dropped_ha": "dropped",
    "status_before": "before",
    "status_after": "after",
    "angle_deg": "angle",
    "width_m": "width m",
    "length_m": "length m",
}
"""Short column headers of the selection tables (areas in ha)."""

HARD_M_LEGEND = (
    "hard m: – none within the search distance; ? not known: a hard layer does not describe "
    "the ground within it (column nearest_hard_unknown)"
)
"""Under a selection table whose "hard m" column shows a distance not known."""

_TEXT_COLUMNS = ("site_id", "name", "status", "urban", "patch_id", "status_before", "status_after")
"""Columns of words, aligned left; numbers are aligned right."""


def _console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=_WIDTH)


def _main_findings(result: CheckResult, site_id: str) -> str:
    """The checks that make the site's status, e.g. ``城镇开发边界、永久基本农田``."""
    worst = result.status(site_id)
    if worst == "not_involved":
        return ""
    titles = list(
        dict.fromkeys(f.title.zh for f in result.site_findings(site_id) if f.status == worst)
    )
    if len(titles) > 3:
        return "、".join(titles[:3]) + f" 等 {len(titles)} 项"
    return "、".join(titles)


SUMMARY_ROWS = 50
"""Sites the closing table lists: a larger batch shows this many of its most severe sites and
its count of sites by status (its report holds every site)."""


def print_summary(
    result: CheckResult, console: Console | None = None, *, rows: int = SUMMARY_ROWS
) -> None:
    """Print one row per site: area, status, farmland and redline overlap, main finding.

    A batch of more than ``rows`` sites lists its ``rows`` most severe sites
    (:func:`most_severe`) under a line counting its sites by status, and says
    that the report holds the others: 10,000 rows on a terminal are read by
    no one, and took seconds to lay out.
    """
    console = console or _console()
    summary = shown = result.summary
    title = f"landcheck: {len(summary)} site(s), {result.area_method} areas"
    caption = None
    if len(summary) > rows:
        statuses = summary["status"].tolist()
        shown = summary.iloc[most_severe(statuses, rows)]
        counts = Counter(statuses)
        title += f", the {len(shown)} most severe shown"
        caption = (
            " · ".join(f"{status} {counts[status]:,}" for status in STATUSES if counts[status])
            + f"; {len(summary) - len(shown):,} more site(s) in the report"
        )
    table = Table(title=title, caption=caption)
    table.add_column("site")
    table.add_column("name", overflow="fold")
    table.add_column("area ha", justify="right")
    present = [(k, label) for k, label in _COLUMNS if k in result.profile.layers]
    for _, label in present:
        table.add_column(label, justify="right")
    table.add_column("status", no_wrap=True)
    table.add_column("because of", overflow="fold")
    for row in shown.itertuples(index=False):
        # the sites' and the profile's words as Text: never read as rich's markup
        cells = [_text(row.site_id), _text(row.name), f"{row.ha:.4f}"]
        for key, _ in present:
            view = result.layer(row.site_id, key)
            cells.append(f"{view.overlap.m2 / M2_PER_HA:.4f}" if view.available else "?")
        cells.append(_status_text(row.status))
        cells.append(_text(_main_findings(result, row.site_id)))
        table.add_row(*cells)
    console.print(table)


def _text(value: object) -> Text:
    """A value's text as a cell: neither rich's markup nor the terminal's controls obeyed."""
    return Text(terminal_text(str(value)))


def _status_text(status: str) -> Text:
    """A status in its colour."""
    return Text(terminal_text(status), style=STATUS_STYLE.get(status, ""))


def most_severe(statuses: Sequence[str], count: int) -> list[int]:
    """The positions of the ``count`` most severe sites: by status, then in input order.

    Examples
    --------
    >>> most_severe(["info", "prohibited", "not_involved", "unknown", "prohibited"], 3)
    [1, 4, 3]
    """
    rank = {status: position for position, status in enumerate(STATUSES)}
    order = sorted(range(len(statuses)), key=lambda i: (rank.get(statuses[i], len(rank)), i))
    return order[:count]


def _cell(column: str, value: object, distance_unknown: bool = False) -> Text:
    """A selection table's cell: its text as it is, never read as rich's markup.

    A value that is not there reads "–"; the distance to the nearest hard constraint
    reads "?" when it is not known (``distance_unknown``), not "–" (none within reach).
    """
    if column == "nearest_hard_m" and distance_unknown:
        return Text("?")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Text("–")
    if column == "status":
        return _status_text(str(value))
    if isinstance(value, float):
        four = column.endswith("_ha") or column in ("ha", "score", "kept_share")
        return Text(f"{value:,.4f}" if four else f"{value:,.1f}")
    return _text(value)


def print_table(
    title: str, table: pd.DataFrame, columns: Sequence[str], console: Console | None = None
) -> None:
    """Print the ``columns`` of a selection table that it has, under short headers.

    A distance to the nearest hard constraint that is not known (``nearest_hard_unknown``
    names layers) reads "?", and a line under the table says so (:data:`HARD_M_LEGEND`).
    """
    from landcheck.select.ranking import distance_unknown

    console = console or _console()
    present = [c for c in columns if c in table.columns]
    unknown = distance_unknown(table)
    shown = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1))
    for column in present:
        shown.add_column(
            _HEADERS.get(column, column.removesuffix("_ha")),
            justify="left" if column in _TEXT_COLUMNS else "right",
            overflow="fold",
        )
    for row, far in zip(table[present].itertuples(index=False), unknown, strict=True):
        shown.add_row(*(_cell(c, v, far) for c, v in zip(present, row, strict=True)))
    console.print(shown)
    if "nearest_hard_m" in present and unknown.any():
        console.print(Text(HARD_M_LEGEND))


def echo_written(heading: str, folder: str, paths: Mapping[str, str]) -> None:
    """Print ``<heading> <absolute folder>`` and the files written, one a line."""
    click.echo(f"{heading} {terminal_text(os.path.abspath(folder))}")
    for path in paths.values():
        click.echo(f"  {terminal_text(path)}")
