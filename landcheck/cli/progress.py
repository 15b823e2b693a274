"""A progress bar on stderr for long runs; silent when quiet or not on a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

__all__ = ["MANY_SITES", "progress_bar"]

MANY_SITES = 20
"""Show the bar from this many sites on (or when layers are big)."""

_STAGES = {"layers": "layers overlaid", "sites": "sites evaluated"}


class _RateColumn(ProgressColumn):
    """Items per second, once known."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")


@contextmanager
def progress_bar(
    *, enabled: bool, big_layers: bool = False
) -> Iterator[Callable[[str, int, int], None] | None]:
    """Yield a ``progress(stage, done, total)`` callback for :func:`landcheck.check`.

    The bar appears only on a terminal, when not quiet, and when the run is
    long: at least :data:`MANY_SITES` sites, or big layers.
    """
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    tasks: dict[str, int] = {}
    shown = [big_layers]

    def update(stage: str, done: int, total: int) -> None:
        if stage == "sites" and done == 0 and total >= MANY_SITES:
            shown[0] = True
        if not shown[0]:
            return
        if not bar.live.is_started:
            bar.start()
        if stage not in tasks:
            tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        yield update
    finally:
        if bar.live.is_started:
            bar.stop()
