"""Progress of long runs on stderr: a bar for people, JSON lines for programs.

``--progress bar`` (the default) shows a bar on a terminal for long runs;
``--progress json`` writes one JSON object per event and line, flushed at once,
for programs that run landcheck (the QGIS plugin)::

    {"event": "progress", "stage": "layers", "done": 2, "total": 6}

``stage`` is ``sites`` (0 of n when the sites are read, then as they are
evaluated) or ``layers`` (as each layer is overlaid); then, as the report is
written, ``write:json``, ``write:html``, ``write:xlsx``, ``write:gpkg``,
``write:txt`` and ``write:docx``, one per format asked for, counting that
writer's own units (sites, sheets, layers): a bar per writer. Before the first
writer that lays out the reviewer's tables (HTML, XLSX, Word), ``write:tables``
counts the sites while the tables are built, once for all of them. ``--progress none``
shows nothing. With ``json`` landcheck can always be stopped with SIGINT (as
with Ctrl+C it then removes its half-written output), even when it was
started with SIGINT ignored.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

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

__all__ = ["MANY_SITES", "PROGRESS_MODES", "json_progress", "progress_bar", "stage_label"]

MANY_SITES = 20
"""Show the bar from this many sites on (or when layers are big)."""

PROGRESS_MODES = ("bar", "json", "none")

_STAGES = {"layers": "layers overlaid", "sites": "sites evaluated"}
_WRITERS = {
    "json": "findings.json",
    "html": "report.html",
    "xlsx": "report.xlsx",
    "gpkg": "landcheck.gpkg",
    "txt": "sites.txt",
    "docx": "report.docx",
}
_BUILDING = {"tables": "building the reviewer's tables"}


def stage_label(stage: str) -> str:
    """The words a bar shows for a progress stage.

    Examples
    --------
    >>> stage_label("layers"), stage_label("write:html"), stage_label("write:tables")
    ('layers overlaid', 'writing report.html', "building the reviewer's tables")
    """
    if stage.startswith("write:"):
        writer = stage.removeprefix("write:")
        if writer in _BUILDING:
            return _BUILDING[writer]
        return f"writing {_WRITERS.get(writer, writer)}"
    return _STAGES.get(stage, stage)


ProgressCallback = Callable[[str, int, int], None]


class _RateColumn(ProgressColumn):
    """Items per second, once known."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")


def json_progress(stream: TextIO | None = None) -> ProgressCallback:
    r"""A ``progress(stage, done, total)`` callback writing one JSON line per event.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> json_progress(out)("layers", 2, 6)
    >>> out.getvalue()
    '{"event": "progress", "stage": "layers", "done": 2, "total": 6}\n'
    """

    def update(stage: str, done: int, total: int) -> None:
        target = stream if stream is not None else sys.stderr
        event = {"event": "progress", "stage": stage, "done": int(done), "total": int(total)}
        target.write(json.dumps(event) + "\n")
        target.flush()

    return update


def _interruptible() -> None:
    """Let SIGINT interrupt the run even when it was inherited as ignored.

    A program that asks for JSON progress stops landcheck with SIGINT (as Ctrl+C
    would; landcheck then removes its half-written output). A process started
    in the background by a non-interactive shell inherits SIGINT as ignored, and
    Python keeps it so; the default handler (KeyboardInterrupt) is put back.
    """
    if threading.current_thread() is threading.main_thread():
        if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)


@contextmanager
def progress_bar(
    *, enabled: bool, big_layers: bool = False, mode: str = "bar"
) -> Iterator[ProgressCallback | None]:
    """Yield a ``progress(stage, done, total)`` callback for :func:`landcheck.check`.

    Parameters
    ----------
    enabled : bool
        False when quiet: no bar (JSON events are still written).
    big_layers : bool
        Show the bar even for few sites.
    mode : {"bar", "json", "none"}
        The ``--progress`` choice. The bar appears only on a terminal and when
        the run is long: at least :data:`MANY_SITES` sites, or big layers.
    """
    if mode == "json":
        _interruptible()
        yield json_progress()
        return
    console = Console(stderr=True)
    if mode == "none" or not enabled or not console.is_terminal:
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
            tasks[stage] = bar.add_task(stage_label(stage), total=total)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        yield update
    finally:
        if bar.live.is_started:
            bar.stop()
