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


def _main_finding(result: CheckResult, site_id: str) -> str:
    findings = result.site_findings(site_id)
    worst = result.status(site_id)
    for finding in findings:
        if finding.status == worst and worst != "not_involved":
            return f"{finding.title.zh}: {finding.outcome}"
    return ""


def print_summary(result: CheckResult, console: Console | None = None) -> None:
    """Print one row per site: area, status, farmland and redline overlap, main finding."""
    console = console or Console()
    table = Table(title=f"landcheck: {len(result.sites)} site(s), {result.area_method} areas")
    table.add_column("site")
    table.add_column("name", overflow="fold")
    table.add_column("area ha", justify="right")
    present = [(k, label) for k, label in _COLUMNS if k in result.profile.layers]
    for _, label in present:
        table.add_column(label, justify="right")
    table.add_column("status")
    table.add_column("main finding", overflow="fold")
    for row in result.summary.itertuples(index=False):
        cells = [str(row.site_id), str(row.name), f"{row.ha:.4f}"]
        for key, _ in present:
            view = result.layer(row.site_id, key)
            cells.append(f"{view.overlap.m2 / M2_PER_HA:.4f}" if view.available else "?")
        style = _STATUS_STYLE.get(row.status, "")
        cells.append(f"[{style}]{row.status}[/]")
        cells.append(_main_finding(result, row.site_id))
        table.add_row(*cells)
    console.print(table)
