"""The options every report writer receives (:data:`landcheck.report.folder.WRITERS`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from landcheck.errors import InputDataError
from landcheck.labels import LANGUAGES

if TYPE_CHECKING:
    from landcheck.result import CheckResult
    from landcheck.tables import ReportTable

__all__ = ["ReportOptions"]


@dataclass(frozen=True)
class ReportOptions:
    """Options every writer receives.

    Attributes
    ----------
    lang : {"zh", "en"}
        Language of human-readable reports (Chinese by default).
    progress : callable, optional
        ``progress(stage, done, total)``, called by each writer as it goes
        (stage ``write:json``, ``write:html``…; the units are the writer's own:
        sites, sheets, layers); see :meth:`step`.

    Examples
    --------
    >>> ReportOptions(lang="fr")
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: unknown language 'fr'; use one of zh, en
    """

    lang: str = "zh"
    progress: Callable[[str, int, int], None] | None = field(default=None, compare=False)
    _tables: dict[int, tuple[Any, Any]] = field(
        default_factory=dict, compare=False, repr=False, init=False
    )

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise InputDataError(
                f"unknown language {self.lang!r}; use one of {', '.join(LANGUAGES)}"
            )

    def tables(self, result: CheckResult) -> dict[str, ReportTable]:
        """The reviewer's tables of ``result`` (:func:`landcheck.tables.report_tables`).

        Built once for all the writers of a report folder (HTML, XLSX and Word
        lay out the same tables), in the options' language.
        """
        from landcheck.tables import report_tables

        cached = self._tables.get(id(result))
        if cached is None or cached[0] is not result:
            cached = self._tables[id(result)] = (result, report_tables(result, self.lang))
        return cached[1]

    def step(self, writer: str) -> Callable[[int, int], None]:
        """A writer's ``progress(done, total)``: stage ``write:<writer>``, or nothing to report.

        Examples
        --------
        >>> events = []
        >>> ReportOptions(progress=lambda *event: events.append(event)).step("html")(3, 10)
        >>> events
        [('write:html', 3, 10)]
        """
        report = self.progress
        stage = f"write:{writer}"

        def update(done: int, total: int) -> None:
            if report is not None:
                report(stage, done, total)

        return update
