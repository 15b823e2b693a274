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
        sites, sheets, layers), and while the reviewer's tables are built
        (``write:tables``, in sites; :meth:`tables`); see :meth:`step`.

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
        lay out the same tables), in the options' language, reporting under
        the stage ``write:tables`` (in sites) as they are built.

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely import box
        >>> from landcheck import check
        >>> sites = gpd.GeoDataFrame({"site_id": ["S1", "S2"]}, crs=4523, geometry=[
        ...     box(35_420_000, 2_700_000, 35_420_100, 2_700_100),
        ...     box(35_420_200, 2_700_000, 35_420_300, 2_700_100)])
        >>> result, events = check(sites), []
        >>> options = ReportOptions(progress=lambda *event: events.append(event))
        >>> options.tables(result) is options.tables(result)
        True
        >>> events[0], events[-1], {stage for stage, _, _ in events}
        (('write:tables', 0, 2), ('write:tables', 2, 2), {'write:tables'})
        """
        from landcheck.tables import report_tables

        cached = self._tables.get(id(result))
        if cached is None or cached[0] is not result:
            tables = report_tables(result, self.lang, progress=self.step("tables"))
            cached = self._tables[id(result)] = (result, tables)
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
