"""The options every report writer receives (:data:`landcheck.report.folder.WRITERS`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from landcheck.errors import InputDataError
from landcheck.labels import LANGUAGES

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

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise InputDataError(
                f"unknown language {self.lang!r}; use one of {', '.join(LANGUAGES)}"
            )

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
