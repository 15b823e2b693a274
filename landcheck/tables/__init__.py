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
its subject, listed in :func:`report_tables`; the reports show it where they
name its key (:data:`landcheck.report.content.SITE_TABLES` for a site's part).
"""

from __future__ import annotations

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


def report_tables(result: CheckResult, lang: str = "zh") -> dict[str, ReportTable]:
    """Build the reviewer's tables of a result, in report order.

    Parameters
    ----------
    result : CheckResult
        What to report.
    lang : {"zh", "en"}
        Language of titles, headers and texts.

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
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    classes = land_class_table(result, lang)
    built: list[ReportTable | None] = [
        summary_table(result, lang),
        basic_table(result, lang),
        classes,
        land_by_unit_table(result, lang, classes),
        overlap_table(result, lang, "permanent_farmland"),
        overlap_table(result, lang, "eco_redline"),
        urban_boundary_table(result, lang),
        planning_table(result, lang),
        layers_table(result, lang),
        findings_table(result, lang),
        documents_table(result, lang),
        inputs_table(result, lang),
        run_table(result, lang),
    ]
    return {table.key: table for table in built if table is not None}
