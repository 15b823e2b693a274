"""``landcheck select``: site selection — buildable land, comparison, avoidance, search.

Each sub-command calls the library function of the same name
(:func:`landcheck.buildable`, :func:`landcheck.compare`, :func:`landcheck.avoid`,
:func:`landcheck.search`), writes an output folder with
:mod:`landcheck.report.selection` and prints a short table, through the tail every
command that pre-examines sites shares (:func:`landcheck.cli.run.finish`). Exit codes: 0
done, 1 failed (bad data, unreadable file, refused overwrite), 2 usage error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import click

from landcheck.cli.options import (
    angle_step_option,
    area_option,
    buffer_join_option,
    buffer_option,
    constraint_option,
    count_option,
    coverage_option,
    id_field_option,
    lang_option,
    max_aspect_option,
    max_candidates_option,
    min_area_option,
    min_width_option,
    outside_urban_option,
    plan_level_option,
    plan_ref_option,
    project_class_option,
    project_type_option,
    roads_option,
    search_distance_option,
    spacing_option,
    standards_table_option,
    step_option,
    txt_encoding_option,
    weight_option,
    width_option,
)
from landcheck.cli.run import RunOptions, bundle, finish, one_or_many, run_options
from landcheck.cli.terminal import terminal_text

__all__ = ["Constraints", "Cutting", "select_group"]


@dataclass(frozen=True)
class Constraints:
    """The layers a selection keeps out of besides the profile's hard ones (``--constraint``)."""

    constraints: tuple[str, ...]

    def library(self) -> dict[str, Any]:
        """Keyword arguments of the selection tools."""
        return {"constraints": self.constraints}


@dataclass(frozen=True)
class Cutting(Constraints):
    """Hard constraints of a command that cuts land: buffers, the urban boundary, width."""

    buffers: dict[str, float] | None
    outside_urban: bool
    buffer_join: str
    min_width: float

    def library(self) -> dict[str, Any]:
        """Keyword arguments of the selection tools that cut land."""
        return {
            **super().library(),
            "buffers": self.buffers,
            "outside_urban": self.outside_urban,
            "buffer_join": self.buffer_join,
            "min_width_m": self.min_width,
        }


constraints_options = bundle("hard", Constraints, [constraint_option])
cutting_options = bundle(
    "hard",
    Cutting,
    [
        buffer_option,
        outside_urban_option,
        constraint_option,
        buffer_join_option,
        min_width_option,
    ],
)


def _validate(run: RunOptions, hard: Constraints, weights: dict[str, float] | None) -> None:
    """Turn wrong constraint keys, buffers and weights into usage errors (exit 2)."""
    from landcheck.errors import InputDataError
    from landcheck.inputs import declare_layers
    from landcheck.io.profiles import resolve_profile
    from landcheck.select.constraints import hard_constraints
    from landcheck.select.ranking import RankingRule

    resolved, _ = declare_layers(resolve_profile(run.profile), run.layers)
    buffers = hard.buffers if isinstance(hard, Cutting) else None
    outside = isinstance(hard, Cutting) and hard.outside_urban
    extra = hard.constraints
    try:
        found = hard_constraints(resolved, outside_urban=outside, extra=extra)
    except InputDataError as ex:
        raise click.BadParameter(str(ex), param_hint="--constraint/--outside-urban") from ex
    try:
        hard_constraints(resolved, buffers=buffers, outside_urban=outside, extra=extra)
    except InputDataError as ex:
        raise click.BadParameter(str(ex), param_hint="--buffer") from ex
    try:
        RankingRule.build(found, weights)
    except InputDataError as ex:
        raise click.BadParameter(str(ex), param_hint="--weight") from ex


def _select(
    run: RunOptions,
    hard: Constraints,
    *,
    sources: Sequence[str],
    tool: Callable[..., Any],
    write: Callable[..., dict[str, str]],
    title: str,
    columns: Sequence[str] | Callable[[Any], Sequence[str]],
    lines: Callable[[Any], Iterable[str]],
    weights: dict[str, float] | None = None,
    more: Iterable[str | None] = (),
    standards_table: str | None = None,
) -> None:
    """Check the selection's options, then run, write and print as every command does.

    ``tool`` is the library function with the command's own arguments bound
    (:func:`functools.partial`); the shared ones (``run`` and ``hard``) are added here.
    The printed table shows ``columns`` of the result's table (a function of the result
    when they depend on it) under ``title``, then the ``lines(result)``. ``standards_table``
    (``--standards-table``) goes to the tool, which prepares its run with it, as ``check`` does.
    """
    from landcheck.cli.summary import print_table

    def show(result: Any) -> None:
        print_table(title, result.table, columns(result) if callable(columns) else columns)
        for line in lines(result):
            click.echo(terminal_text(line))

    _validate(run, hard, weights)
    finish(
        click.get_current_context(),
        run,
        inputs=run.inputs(*sources, more=[*more, standards_table]),
        tool=lambda: tool(**run.library, **hard.library(), standards_table=standards_table),
        write=write,
        show=show,
        written="Written to",
    )


def _unchecked(result: Any) -> list[str]:
    return ["NOT checked against: " + ", ".join(result.unchecked)] if result.unchecked else []


def _project_facts(
    run: RunOptions,
    project_class: str | None,
    project_type: str | None,
    plan_level: str | None,
    plan_ref: str | None,
) -> dict[str, str] | None:
    """The project facts given (``--project-type``, ``--plan-level``, ``--plan-ref``), checked.

    A type the profile does not define, or one given with ``--project-class`` too, is a
    usage error (exit 2), as ``check``'s ``--project-type`` is.
    """
    from landcheck.errors import InputDataError
    from landcheck.facts import given_facts
    from landcheck.io.profiles import resolve_profile

    if project_type is not None and project_class is not None:
        raise click.BadParameter(
            "give the project's type once: --project-type, or --project-class (an old class "
            "or a type), not both",
            param_hint="--project-type",
        )
    values = {"project_type": project_type, "plan_level": plan_level, "plan_ref": plan_ref}
    facts = {k: v for k, v in values.items() if v is not None}
    if "project_type" in facts:
        try:
            given_facts({"project_type": project_type}, resolve_profile(run.profile))
        except InputDataError as ex:
            raise click.BadParameter(str(ex), param_hint="--project-type") from ex
    return facts or None


def _hidden_unknowns(result: Any) -> list[str]:
    """Name the patches whose status hides checks that are unknown (``unknown_checks``)."""
    table = result.table
    if "unknown_checks" not in table.columns:
        return []
    hidden = table[(table["unknown_checks"] != "") & (table["status"] != "unknown")]
    if hidden.empty:
        return []
    ids = hidden["patch_id"].tolist()
    shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
    return [
        f"{len(ids)} patch(es) also have checks that are unknown, which their status does not "
        f"show: {shown} (column unknown_checks)"
    ]


@click.group("select")
def select_group() -> None:
    """Site selection: buildable land, comparison of alternatives, avoidance, search."""


@select_group.command("buildable")
@click.argument("aoi", metavar="AOI")
@run_options("landcheck-buildable")
@standards_table_option
@cutting_options
@min_area_option
@project_class_option
@project_type_option
@plan_level_option
@plan_ref_option
@coverage_option
@roads_option
@search_distance_option
def buildable_command(
    aoi: str,
    run: RunOptions,
    standards_table: str | None,
    hard: Cutting,
    min_area: float | None,
    project_class: str | None,
    project_type: str | None,
    plan_level: str | None,
    plan_ref: str | None,
    coverage: str | None,
    roads: str | None,
    search_distance: float,
) -> None:
    """Find the land in AOI free of the hard constraints (redline, permanent farmland…).

    AOI is any vector file GDAL reads (PATH or PATH:LAYER) or a boundary TXT.
    Land a hard layer does not describe is not buildable: it is reported apart.
    Writes buildable.gpkg, buildable.csv, buildable.json and buildable.png.
    """
    from landcheck.report.selection import write_buildable
    from landcheck.select import buildable

    facts = _project_facts(run, project_class, project_type, plan_level, plan_ref)

    def totals(result: Any) -> list[str]:
        t = result.totals
        return [
            f"Area of interest {t['aoi'].ha:,.4f} ha; excluded {t['excluded'].ha:,.4f} ha; "
            f"not described by the layers {t['undescribed'].ha:,.4f} ha; "
            f"removed {t['removed'].ha:,.4f} ha; buildable {t['buildable'].ha:,.4f} ha in "
            f"{len(result.patches)} patch(es).",
            *(
                f"{row.ha:,.4f} ha {row.reason}: not buildable, not known to be free of them."
                for row in result.undescribed.itertuples(index=False)
            ),
            *_hidden_unknowns(result),
            *_unchecked(result),
        ]

    _select(
        run,
        hard,
        standards_table=standards_table,
        sources=[aoi],
        more=[roads, coverage],
        tool=functools.partial(
            buildable,
            aoi,
            min_area_m2=min_area,
            roads=roads,
            search_m=search_distance,
            project_class=project_class,
            facts=facts,
            coverage=coverage,
        ),
        write=write_buildable,
        title="Buildable patches (areas in ha)",
        columns=[
            "patch_id",
            "ha",
            "status",
            "cultivated_ha",
            "conversion_ha",
            "urban",
            "urban_distance_m",
            "road_distance_m",
            "nearest_hard_m",
        ],
        lines=totals,
    )


@select_group.command("compare")
@click.argument("candidates", nargs=-1, required=True, metavar="CANDIDATES...")
@run_options("landcheck-compare")
@standards_table_option
@constraints_options
@weight_option
@search_distance_option
@id_field_option
@width_option
@lang_option
def compare_command(
    candidates: tuple[str, ...],
    run: RunOptions,
    standards_table: str | None,
    hard: Constraints,
    weights: dict[str, float] | None,
    search_distance: float,
    id_field: str | None,
    width: float | None,
    lang: str,
) -> None:
    """Rank alternative sites of one project side by side (比选).

    Writes comparison.gpkg, comparison.csv, comparison.json (with the ranking
    rule), comparison.png and findings.json.
    """
    from landcheck.report.selection import write_comparison
    from landcheck.select import compare

    def columns(result: Any) -> list[str]:
        return [
            "rank",
            "site_id",
            "status",
            "area_ha",
            *[f"{c.key}_ha" for c in result.constraints if not c.outside],
            "paddy_ha",
            "cultivated_ha",
            "conversion_ha",
            "outside_urban_ha",
            "nearest_hard_m",
            "score",
        ]

    _select(
        run,
        hard,
        standards_table=standards_table,
        weights=weights,
        sources=candidates,
        tool=functools.partial(
            compare,
            one_or_many(candidates),
            weights=weights,
            search_m=search_distance,
            id_field=id_field,
            width=width,
        ),
        write=write_comparison,
        title="Alternatives ranked (1 = best; areas in ha)",
        columns=columns,
        lines=lambda result: result.explain(lang).split("\n"),
    )


@select_group.command("avoid")
@click.argument("site", nargs=-1, required=True, metavar="SITE...")
@run_options("landcheck-avoid")
@standards_table_option
@cutting_options
@min_area_option
@id_field_option
@width_option
@coverage_option
@txt_encoding_option
def avoid_command(
    site: tuple[str, ...],
    run: RunOptions,
    standards_table: str | None,
    hard: Cutting,
    min_area: float | None,
    id_field: str | None,
    width: float | None,
    coverage: str | None,
    txt_encoding: str,
) -> None:
    """Trim SITE so that it no longer touches the hard constraints (避让).

    Writes avoidance.gpkg (kept, lost, dropped, original), avoidance.csv,
    avoidance.json, avoidance.png and avoided_boundary.txt: the sites whose kept
    land every hard layer describes, for resubmission.
    """
    from landcheck.report.selection import write_avoidance
    from landcheck.select import avoid

    _select(
        run,
        hard,
        standards_table=standards_table,
        sources=site,
        more=[coverage],
        tool=functools.partial(
            avoid,
            one_or_many(site),
            min_area_m2=min_area,
            id_field=id_field,
            width=width,
            coverage=coverage,
        ),
        write=functools.partial(write_avoidance, txt_encoding=txt_encoding),
        title="Avoidance (areas in ha)",
        columns=[
            "site_id",
            "site_ha",
            "kept_ha",
            "lost_ha",
            "constraints_ha",
            "dropped_ha",
            "parts",
            "status_before",
            "status_after",
            "undescribed_ha",
            "ready",
        ],
        lines=_unchecked,
    )


@select_group.command("search")
@click.argument("aoi", metavar="AOI")
@area_option
@run_options("landcheck-search")
@standards_table_option
@cutting_options
@count_option
@max_aspect_option
@angle_step_option
@step_option
@project_class_option
@project_type_option
@plan_level_option
@plan_ref_option
@coverage_option
@spacing_option
@max_candidates_option
@weight_option
@search_distance_option
@txt_encoding_option
@lang_option
def search_command(
    aoi: str,
    area_ha: float,
    run: RunOptions,
    standards_table: str | None,
    hard: Cutting,
    count: int,
    max_aspect: float,
    angle_step: float,
    step: float | None,
    project_class: str | None,
    project_type: str | None,
    plan_level: str | None,
    plan_ref: str | None,
    coverage: str | None,
    spacing: float,
    max_candidates: int,
    weights: dict[str, float] | None,
    search_distance: float,
    txt_encoding: str,
    lang: str,
) -> None:
    """Propose up to --count sites of --area hectares in the buildable land of AOI.

    Land a hard layer does not describe is not searched: it is reported apart.
    Writes search.gpkg, search.csv, search.json, search.png and proposals.txt.
    """
    from landcheck.report.selection import write_search
    from landcheck.select import search

    facts = _project_facts(run, project_class, project_type, plan_level, plan_ref)

    def lines(result: Any) -> list[str]:
        stats = result.stats
        return [
            *result.explain(lang).split("\n"),
            f"{stats['candidates']:,} placements pre-examined ({stats['rectangles_fit']:,} fit).",
        ]

    _select(
        run,
        hard,
        standards_table=standards_table,
        weights=weights,
        sources=[aoi],
        more=[coverage],
        tool=functools.partial(
            search,
            aoi,
            area_ha,
            count=count,
            max_aspect=max_aspect,
            angle_step=angle_step,
            step_m=step,
            weights=weights,
            search_m=search_distance,
            spacing_m=spacing,
            max_candidates=max_candidates,
            project_class=project_class,
            facts=facts,
            coverage=coverage,
        ),
        write=functools.partial(write_search, txt_encoding=txt_encoding),
        title=f"Proposed sites of {area_ha:g} ha (1 = best; areas in ha)",
        columns=[
            "rank",
            "site_id",
            "status",
            "area_ha",
            "cultivated_ha",
            "conversion_ha",
            "urban",
            "nearest_hard_m",
            "score",
            "angle_deg",
            "width_m",
            "length_m",
        ],
        lines=lines,
    )
