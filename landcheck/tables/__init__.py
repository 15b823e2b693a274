"""The reviewer's tables of a result, as DataFrames: what the reports and notebooks show.

Pure functions, no I/O: report.html, report.xlsx and report.docx lay these
tables out, and notebooks use them directly::

    from landcheck.tables import report_tables
    tables = report_tables(result, lang="en")
    tables["land_classes"].display()

=====================  ==========================================================
module                 tables
=====================  ==========================================================
:mod:`.table`          :class:`Column`, :class:`ReportTable` and rounding that
                       adds up (:func:`round_tree`)
:mod:`.sites`          ``summary`` (all sites), ``basic`` (项目用地基本情况表)
:mod:`.land_use`       ``land_classes`` (占用地类面积统计表), ``land_by_unit``,
                       from the land-use roll-up (:mod:`landcheck.rollup`)
:mod:`.layers`         ``farmland``, ``eco_redline``, ``urban_boundary``,
                       ``planning``, ``layers``
:mod:`.findings`       ``findings``, ``documents``
:mod:`.provenance`     ``inputs``, ``run`` (:func:`run_facts`)
:mod:`.lookups`        what the builders read from a result
=====================  ==========================================================

A new table is a builder ``(result, lang) -> ReportTable`` in the module of
its subject, listed in ``_BUILDERS`` (the order of :func:`report_tables`); the
reports show it where they name its key (:data:`landcheck.report.content.SITE_TABLES`
for a site's part).
"""

from __future__ import annotations

from collections.abc import Callable

from landcheck.gcpause import collector_paused
from landcheck.labels import LANGUAGES
from landcheck.result import CheckResult
from landcheck.tables.findings import documents_table, findings_table
from landcheck.tables.land_use import land_by_unit_table, land_class_table
from landcheck.tables.layers import (
    layers_table,
    overlap_table,
    planning_table,
    urban_boundary_table,
)
from landcheck.tables.provenance import inputs_table, run_facts, run_table
from landcheck.tables.sites import basic_table, summary_table
from landcheck.tables.table import DECIMALS, Column, ReportTable, round_tree

__all__ = [
    "DECIMALS",
    "Column",
    "ReportTable",
    "report_tables",
    "round_tree",
    "run_facts",
]


def report_tables(
    result: CheckResult,
    lang: str = "zh",
    *,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, ReportTable]:
    """Build the reviewer's tables of a result, in report order.

    Parameters
    ----------
    result : CheckResult
        What to report.
    lang : {"zh", "en"}
        Language of titles, headers and texts.
    progress : callable, optional
        ``progress(done, total)`` in sites: ``(0, n)`` first, then after each
        table the share of the tables built, as a number of sites, ending
        with ``(n, n)``.

    Returns
    -------
    dict of str to ReportTable
        ``summary`` (all sites), ``basic`` (项目用地基本情况表), ``land_classes``
        (占用地类面积统计表), ``land_by_unit`` (by village, where the land-use
        layer names its units), ``farmland`` (永久基本农田), ``eco_redline``
        (生态保护红线), ``urban_boundary`` (城镇开发边界内外), ``planning``
        (规划分区符合性), ``layers`` (every layer's overlap), ``findings``
        (with legal basis and documents), ``documents``, ``inputs`` and
        ``run`` (provenance). Tables whose layer kind the profile lacks are
        left out.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from landcheck import check
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1", "S2", "S3"]}, crs=4523, geometry=[
    ...     box(35_420_000 + 200 * i, 2_700_000, 35_420_100 + 200 * i, 2_700_100)
    ...     for i in range(3)])
    >>> events = []
    >>> tables = report_tables(check(sites), "en", progress=lambda *e: events.append(e))
    >>> events[0], events[-1], len(events) == len(_BUILDERS) + 1
    ((0, 3), (3, 3), True)
    >>> list(tables)[:3]
    ['summary', 'basic', 'land_classes']
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    sites = len(result.site_ids)
    if progress is not None:
        progress(0, sites)
    built: dict[str, ReportTable] = {}
    with collector_paused():  # rows by the hundred thousand, and no cycles among them
        for done, build in enumerate(_BUILDERS, start=1):
            table = build(result, lang, built)
            if table is not None:
                built[table.key] = table
            if progress is not None:
                progress(sites * done // len(_BUILDERS), sites)
    return built


_Builder = Callable[[CheckResult, str, dict[str, ReportTable]], "ReportTable | None"]

_BUILDERS: tuple[_Builder, ...] = (
    lambda result, lang, _: summary_table(result, lang),
    lambda result, lang, _: basic_table(result, lang),
    lambda result, lang, _: land_class_table(result, lang),
    lambda result, lang, built: land_by_unit_table(result, lang, built["land_classes"]),
    lambda result, lang, _: overlap_table(result, lang, "permanent_farmland"),
    lambda result, lang, _: overlap_table(result, lang, "eco_redline"),
    lambda result, lang, _: urban_boundary_table(result, lang),
    lambda result, lang, _: planning_table(result, lang),
    lambda result, lang, _: layers_table(result, lang),
    lambda result, lang, _: findings_table(result, lang),
    lambda result, lang, _: documents_table(result, lang),
    lambda result, lang, _: inputs_table(result, lang),
    lambda result, lang, _: run_table(result, lang),
)
"""The tables in report order, each given the tables built before it (the village table
reads the land-class table's rounding)."""
