"""The summary table printed after ``landcheck check``."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from landcheck.result import CheckResult
from landcheck.units import M2_PER_HA

__all__ = ["print_summary"]

_STATUS_STYLE = {
    "prohibited": "bold red",
    "unknown": "bold magenta",
    "conditional": "yellow",
    "info": "cyan",
    "not_involved": "green",
}
_COLUMNS = (("farmland", "PBF ha"), ("eco_redline", "redline ha"))


_WIDTH = 120
"""Table width when the output is not a terminal (a log file, a pipe)."""


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


def print_summary(result: CheckResult, console: Console | None = None) -> None:
    """Print one row per site: area, status, farmland and redline overlap, main finding."""
    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=_WIDTH)
    table = Table(title=f"landcheck: {len(result.sites)} site(s), {result.area_method} areas")
    table.add_column("site")
    table.add_column("name", overflow="fold")
    table.add_column("area ha", justify="right")
    present = [(k, label) for k, label in _COLUMNS if k in result.profile.layers]
    for _, label in present:
        table.add_column(label, justify="right")
    table.add_column("status", no_wrap=True)
    table.add_column("because of", overflow="fold")
    for row in result.summary.itertuples(index=False):
        cells = [str(row.site_id), str(row.name), f"{row.ha:.4f}"]
        for key, _ in present:
            view = result.layer(row.site_id, key)
            cells.append(f"{view.overlap.m2 / M2_PER_HA:.4f}" if view.available else "?")
        style = _STATUS_STYLE.get(row.status, "")
        cells.append(f"[{style}]{row.status}[/]")
        cells.append(_main_findings(result, row.site_id))
        table.add_row(*cells)
    console.print(table)
