"""The options every report writer receives (:data:`landcheck.report.folder.WRITERS`)."""

from __future__ import annotations

from dataclasses import dataclass

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

    Examples
    --------
    >>> ReportOptions(lang="fr")
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: unknown language 'fr'; use one of zh, en
    """

    lang: str = "zh"

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise InputDataError(
                f"unknown language {self.lang!r}; use one of {', '.join(LANGUAGES)}"
            )
