"""``landcheck select``: site selection — buildable land, comparison, avoidance, search.

Each sub-command calls the library function of the same name
(:func:`landcheck.buildable`, :func:`landcheck.compare`, :func:`landcheck.avoid`,
:func:`landcheck.search`), writes an output folder with
:mod:`landcheck.report.selection` and prints a short table. Exit codes: 0
done, 1 failed (bad data, unreadable file, refused overwrite), 2 usage error.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable
from typing import Any

import click
import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from landcheck.cli.check import datum_shift_option
from landcheck.cli.options import (
    area_method_option,
    crs_option,
    encoding_option,
    id_field_option,
    layer_option,
    output_option,
    overwrite_option,
    parse_key_values,
    parse_layer_options,
    profile_option,
    width_option,
)

__all__ = ["select_group"]

logger = logging.getLogger(__name__)

_STATUS_STYLE = {
    "prohibited": "bold red",
    "unknown": "bold magenta",
    "conditional": "yellow",
    "info": "cyan",
    "not_involved": "green",
}


def _number(text: str, what: str, hint: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value < 0:
        raise click.BadParameter(f"{what} must be a number ≥ 0, got {text!r}", param_hint=hint)
    return value


def parse_buffers(values: tuple[str, ...]) -> dict[str, float] | None:
    """Parse ``--buffer M`` (every constraint but the urban boundary) and ``--buffer KEY=M``.

    Examples
    --------
    >>> parse_buffers(("10", "farmland=5"))
    {'*': 10.0, 'farmland': 5.0}
    """
    if not values:
        return None
    pairs = parse_key_values(values, param_hint="--buffer", example="farmland=5", bare_key="*")
    return {key: _number(value, "a buffer", "--buffer") for key, value in pairs.items()}


def parse_weights(values: tuple[str, ...]) -> dict[str, float] | None:
    """Parse ``--weight NAME=W`` values.

    Examples
    --------
    >>> parse_weights(("cultivated=5", "conversion=0"))
    {'cultivated': 5.0, 'conversion': 0.0}
    """
    if not values:
        return None
    pairs = parse_key_values(values, param_hint="--weight", example="cultivated=2")
    return {key: _number(value, "a weight", "--weight") for key, value in pairs.items()}


def _validate(
    profile: str,
    layers: dict[str, str],
    *,
    buffers: dict[str, float] | None = None,
    outside_urban: bool = False,
    constraints: tuple[str, ...] = (),
    weights: dict[str, float] | None = None,
) -> None:
    """Turn wrong constraint keys, buffers and weights into usage errors (exit 2)."""
    from landcheck.errors import InputDataError
    from landcheck.inputs import declare_layers
    from landcheck.io.profiles import resolve_profile
    from landcheck.select.constraints import hard_constraints
    from landcheck.select.ranking import RankingRule

    resolved, _ = declare_layers(resolve_profile(profile), layers)
    try:
        hard = hard_constraints(resolved, outside_urban=outside_urban, extra=constraints)
    except InputDataError as ex:
        raise click.BadParameter(str(ex), param_hint="--constraint/--outside-urban") from ex
    try:
        hard_constraints(resolved, buffers=buffers, outside_urban=outside_urban, extra=constraints)
    except InputDataError as ex:
        raise click.BadParameter(str(ex), param_hint="--buffer") from ex
    try:
        RankingRule.build(hard, weights)
    except InputDataError as ex:
        raise click.BadParameter(str(ex), param_hint="--weight") from ex


def _common(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            profile_option,
            layer_option,
            crs_option,
            area_method_option,
            encoding_option,
            datum_shift_option,
            overwrite_option,
        ]
    ):
        func = option(func)
    return func


def _constraint_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option(
                "--buffer",
                "buffers",
                multiple=True,
                metavar="M|KEY=M",
                help="Distance in metres to keep from the constraints: M for all (but the "
                "urban boundary), KEY=M for one layer. Repeatable.",
            ),
            click.option(
                "--outside-urban",
                is_flag=True,
                help="Also exclude land outside the urban development boundary.",
            ),
            click.option(
                "--constraint",
                "constraints",
                multiple=True,
                metavar="KEY",
                help="Treat this layer (e.g. one given with --layer) as a hard "
                "constraint too. Repeatable.",
            ),
            click.option(
                "--buffer-join",
                type=click.Choice(["round", "mitre"]),
                default="round",
                show_default=True,
                help="Buffer corners: round (true distance) or mitre.",
            ),
            click.option(
                "--min-width",
                type=float,
                default=0.0,
                show_default=True,
                metavar="M",
                help="Remove land narrower than this (metres).",
            ),
        ]
    ):
        func = option(func)
    return func


def _positive(value: float | None, hint: str, *, allow_zero: bool = True) -> None:
    if value is None:
        return
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise click.BadParameter(
            f"must be a number {'≥' if allow_zero else '>'} 0", param_hint=hint
        )


_HEADERS = {
    "rank": "#",
    "site_id": "site",
    "patch_id": "patch",
    "area_ha": "ha",
    "site_ha": "site ha",
    "nearest_hard_m": "hard m",
    "urban_distance_m": "UDB m",
    "road_distance_m": "road m",
    "eco_redline_ha": "redline",
    "cultivated_ha": "cultiv.",
    "conversion_ha": "convert",
    "outside_urban_ha": "out UDB",
    "urban": "UDB",
    "kept_ha": "kept",
    "lost_ha": "lost",
    "constraints_ha": "constr.",
    "dropped_ha": "dropped",
    "status_before": "before",
    "status_after": "after",
    "angle_deg": "angle",
    "width_m": "width m",
    "length_m": "length m",
}
"""Short column headers for the printed tables (areas in ha)."""


def _print(
    ctx: click.Context,
    title: str,
    table: pd.DataFrame,
    columns: list[str],
    lines: list[str],
    paths: dict[str, str],
    output: str,
) -> None:
    if ctx.obj["verbosity"] < 0:
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)
    shown = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1))
    present = [c for c in columns if c in table.columns]
    for column in present:
        left = column in (
            "site_id",
            "name",
            "status",
            "urban",
            "patch_id",
            "status_before",
            "status_after",
        )
        shown.add_column(
            _HEADERS.get(column, column.removesuffix("_ha")),
            justify="left" if left else "right",
            overflow="fold",
        )
    for row in table[present].itertuples(index=False):
        cells = []
        for column, value in zip(present, row, strict=True):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                cells.append("–")
            elif column == "status":
                cells.append(f"[{_STATUS_STYLE.get(value, '')}]{value}[/]")
            elif isinstance(value, float):
                cells.append(
                    f"{value:,.4f}"
                    if column.endswith("_ha") or column in ("ha", "score", "kept_share")
                    else f"{value:,.1f}"
                )
            else:
                cells.append(str(value))
        shown.add_row(*cells)
    console.print(shown)
    for line in lines:
        click.echo(line)
    click.echo(f"Written to {os.path.abspath(output)}")
    for path in paths.values():
        click.echo(f"  {path}")


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        logger.warning(warning)


@click.group("select")
def select_group() -> None:
    """Site selection: buildable land, comparison of alternatives, avoidance, search."""


@select_group.command("buildable")
@click.argument("aoi", metavar="AOI")
@_common
@_constraint_options
@click.option(
    "--min-area",
    type=float,
    default=None,
    metavar="M2",
    help="Drop patches smaller than this (m²; default: the profile's sliver area).",
)
@click.option(
    "--project-class",
    default=None,
    metavar="CLASS",
    help="The project's class (e.g. industrial, energy): patches get the status a "
    "site of that project would get.",
)
@click.option(
    "--roads",
    default=None,
    metavar="PATH[:LAYER]",
    help="Road lines to measure each patch's distance to.",
)
@click.option(
    "--search-distance",
    type=float,
    default=5000.0,
    show_default=True,
    metavar="M",
    help="How far to look for the urban boundary, roads and constraints.",
)
@output_option("landcheck-buildable")
@click.pass_context
def buildable_command(
    ctx: click.Context,
    aoi: str,
    profile: str,
    layers: tuple[str, ...],
    crs: str | None,
    area_method: str | None,
    encoding: str | None,
    datum_shift: object | None,
    overwrite: bool,
    buffers: tuple[str, ...],
    outside_urban: bool,
    constraints: tuple[str, ...],
    buffer_join: str,
    min_width: float,
    min_area: float | None,
    project_class: str | None,
    roads: str | None,
    search_distance: float,
    output: str,
) -> None:
    """Find the land in AOI free of the hard constraints (redline, permanent farmland…).

    AOI is any vector file GDAL reads (PATH or PATH:LAYER) or a boundary TXT.
    Writes buildable.gpkg, buildable.csv, buildable.json and buildable.png.
    """
    from landcheck.io.output import check_folder
    from landcheck.report.selection import write_buildable
    from landcheck.select import buildable

    sources = parse_layer_options(layers, profile)
    parsed = parse_buffers(buffers)
    _positive(min_width, "--min-width")
    _positive(min_area, "--min-area")
    _positive(search_distance, "--search-distance", allow_zero=False)
    _validate(
        profile, sources, buffers=parsed, outside_urban=outside_urban, constraints=constraints
    )
    inputs = [aoi, *sources.values(), profile, roads]
    check_folder(output, overwrite=overwrite, inputs=inputs)
    result = buildable(
        aoi,
        profile=profile,
        layers=sources,
        buffers=parsed,
        outside_urban=outside_urban,
        constraints=constraints,
        min_width_m=min_width,
        min_area_m2=min_area,
        buffer_join=buffer_join,
        roads=roads,
        search_m=search_distance,
        project_class=project_class,
        crs=crs,
        area_method=area_method,
        encoding=encoding,
        datum_shift=datum_shift,
    )
    _warn(result.warnings)
    paths = write_buildable(result, output, overwrite=overwrite, inputs=inputs)
    t = result.totals
    lines = [
        f"Area of interest {t['aoi'].ha:,.4f} ha; excluded {t['excluded'].ha:,.4f} ha; removed "
        f"{t['removed'].ha:,.4f} ha; buildable {t['buildable'].ha:,.4f} ha in "
        f"{len(result.patches)} patch(es)."
    ]
    if result.unchecked:
        lines.append("NOT checked against: " + ", ".join(result.unchecked))
    _print(
        ctx,
        "Buildable patches (areas in ha)",
        result.table,
        [
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
        lines,
        paths,
        output,
    )


@select_group.command("compare")
@click.argument("candidates", nargs=-1, required=True, metavar="CANDIDATES...")
@_common
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="NAME=W",
    help="Weight per hectare in the ranking score (permanent_farmland, eco_redline, "
    "paddy, cultivated, conversion, outside_urban, or a constraint layer key). "
    "Repeatable.",
)
@click.option(
    "--constraint",
    "constraints",
    multiple=True,
    metavar="KEY",
    help="Treat this layer as a hard constraint too. Repeatable.",
)
@click.option(
    "--search-distance",
    type=float,
    default=1000.0,
    show_default=True,
    metavar="M",
    help="How far to look for the nearest hard constraint.",
)
@id_field_option
@width_option
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="en",
    show_default=True,
    help="Language of the printed ranking rule.",
)
@output_option("landcheck-compare")
@click.pass_context
def compare_command(
    ctx: click.Context,
    candidates: tuple[str, ...],
    profile: str,
    layers: tuple[str, ...],
    crs: str | None,
    area_method: str | None,
    encoding: str | None,
    datum_shift: object | None,
    overwrite: bool,
    weights: tuple[str, ...],
    constraints: tuple[str, ...],
    search_distance: float,
    id_field: str | None,
    width: float | None,
    lang: str,
    output: str,
) -> None:
    """Rank alternative sites of one project side by side (比选).

    Writes comparison.gpkg, comparison.csv, comparison.json (with the ranking
    rule), comparison.png and findings.json.
    """
    from landcheck.io.output import check_folder
    from landcheck.report.selection import write_comparison
    from landcheck.select import compare

    sources = parse_layer_options(layers, profile)
    parsed = parse_weights(weights)
    _positive(search_distance, "--search-distance", allow_zero=False)
    _validate(profile, sources, constraints=constraints, weights=parsed)
    inputs = [*candidates, *sources.values(), profile]
    check_folder(output, overwrite=overwrite, inputs=inputs)
    result = compare(
        list(candidates) if len(candidates) > 1 else candidates[0],
        profile=profile,
        layers=sources,
        weights=parsed,
        constraints=constraints,
        search_m=search_distance,
        id_field=id_field,
        crs=crs,
        area_method=area_method,
        width=width,
        encoding=encoding,
        datum_shift=datum_shift,
    )
    _warn(result.warnings)
    paths = write_comparison(result, output, overwrite=overwrite, inputs=inputs)
    hard = [f"{c.key}_ha" for c in result.constraints if not c.outside]
    _print(
        ctx,
        "Alternatives ranked (1 = best; areas in ha)",
        result.table,
        [
            "rank",
            "site_id",
            "status",
            "area_ha",
            *hard,
            "paddy_ha",
            "cultivated_ha",
            "conversion_ha",
            "outside_urban_ha",
            "nearest_hard_m",
            "score",
        ],
        result.explain(lang).split("\n"),
        paths,
        output,
    )


@select_group.command("avoid")
@click.argument("site", nargs=-1, required=True, metavar="SITE...")
@_common
@_constraint_options
@click.option(
    "--min-area",
    type=float,
    default=None,
    metavar="M2",
    help="Drop pieces smaller than this (m²; default: the profile's sliver area).",
)
@id_field_option
@width_option
@click.option(
    "--txt-encoding",
    type=click.Choice(["utf-8", "utf-8-sig", "gbk", "gb18030"]),
    default="utf-8",
    show_default=True,
    help="Encoding of the boundary TXT written.",
)
@output_option("landcheck-avoid")
@click.pass_context
def avoid_command(
    ctx: click.Context,
    site: tuple[str, ...],
    profile: str,
    layers: tuple[str, ...],
    crs: str | None,
    area_method: str | None,
    encoding: str | None,
    datum_shift: object | None,
    overwrite: bool,
    buffers: tuple[str, ...],
    outside_urban: bool,
    constraints: tuple[str, ...],
    buffer_join: str,
    min_width: float,
    min_area: float | None,
    id_field: str | None,
    width: float | None,
    txt_encoding: str,
    output: str,
) -> None:
    """Trim SITE so that it no longer touches the hard constraints (避让).

    Writes avoidance.gpkg (kept, lost, dropped, original), avoidance.csv,
    avoidance.json, avoidance.png and avoided_boundary.txt for resubmission.
    """
    from landcheck.io.output import check_folder
    from landcheck.report.selection import write_avoidance
    from landcheck.select import avoid

    sources = parse_layer_options(layers, profile)
    parsed = parse_buffers(buffers)
    _positive(min_width, "--min-width")
    _positive(min_area, "--min-area")
    _validate(
        profile, sources, buffers=parsed, outside_urban=outside_urban, constraints=constraints
    )
    inputs = [*site, *sources.values(), profile]
    check_folder(output, overwrite=overwrite, inputs=inputs)
    result = avoid(
        list(site) if len(site) > 1 else site[0],
        profile=profile,
        layers=sources,
        buffers=parsed,
        outside_urban=outside_urban,
        constraints=constraints,
        min_width_m=min_width,
        min_area_m2=min_area,
        buffer_join=buffer_join,
        id_field=id_field,
        crs=crs,
        area_method=area_method,
        width=width,
        encoding=encoding,
        datum_shift=datum_shift,
    )
    _warn(result.warnings)
    paths = write_avoidance(
        result, output, overwrite=overwrite, txt_encoding=txt_encoding, inputs=inputs
    )
    lines = []
    if result.unchecked:
        lines.append("NOT checked against: " + ", ".join(result.unchecked))
    _print(
        ctx,
        "Avoidance (areas in ha)",
        result.table,
        [
            "site_id",
            "site_ha",
            "kept_ha",
            "lost_ha",
            "constraints_ha",
            "dropped_ha",
            "parts",
            "status_before",
            "status_after",
        ],
        lines,
        paths,
        output,
    )


@select_group.command("search")
@click.argument("aoi", metavar="AOI")
@click.option(
    "--area",
    "area_ha",
    type=float,
    required=True,
    metavar="HA",
    help="Required site area in hectares.",
)
@_common
@_constraint_options
@click.option(
    "--count", type=int, default=5, show_default=True, help="Number of proposals (at most)."
)
@click.option(
    "--max-aspect",
    type=float,
    default=2.0,
    show_default=True,
    help="Longest shape proposed, as length / width (1: squares only).",
)
@click.option(
    "--angle-step",
    type=float,
    default=15.0,
    show_default=True,
    metavar="DEG",
    help="Orientation sweep step in degrees.",
)
@click.option(
    "--step",
    type=float,
    default=None,
    metavar="M",
    help="Placement grid spacing (default: a third of the square's side).",
)
@click.option(
    "--project-class",
    default=None,
    metavar="CLASS",
    help="The project's class (e.g. industrial, energy): candidates get the status a "
    "site of that project would get.",
)
@click.option(
    "--spacing",
    type=float,
    default=0.0,
    show_default=True,
    metavar="M",
    help="Keep proposals at least this far apart (metres).",
)
@click.option(
    "--max-candidates",
    type=int,
    default=400,
    show_default=True,
    help="At most this many placements are pre-examined.",
)
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="NAME=W",
    help="Weight per hectare in the ranking score (as for compare). Repeatable.",
)
@click.option(
    "--search-distance",
    type=float,
    default=1000.0,
    show_default=True,
    metavar="M",
    help="How far to look for the nearest hard constraint.",
)
@click.option(
    "--txt-encoding",
    type=click.Choice(["utf-8", "utf-8-sig", "gbk", "gb18030"]),
    default="utf-8",
    show_default=True,
    help="Encoding of the proposals' TXT.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="en",
    show_default=True,
    help="Language of the printed ranking rule.",
)
@output_option("landcheck-search")
@click.pass_context
def search_command(
    ctx: click.Context,
    aoi: str,
    area_ha: float,
    profile: str,
    layers: tuple[str, ...],
    crs: str | None,
    area_method: str | None,
    encoding: str | None,
    datum_shift: object | None,
    overwrite: bool,
    buffers: tuple[str, ...],
    outside_urban: bool,
    constraints: tuple[str, ...],
    buffer_join: str,
    min_width: float,
    count: int,
    max_aspect: float,
    angle_step: float,
    step: float | None,
    project_class: str | None,
    spacing: float,
    max_candidates: int,
    weights: tuple[str, ...],
    search_distance: float,
    txt_encoding: str,
    lang: str,
    output: str,
) -> None:
    """Propose up to --count sites of --area hectares in the buildable land of AOI.

    Writes search.gpkg, search.csv, search.json, search.png and proposals.txt.
    """
    from landcheck.io.output import check_folder
    from landcheck.report.selection import write_search
    from landcheck.select import search

    sources = parse_layer_options(layers, profile)
    parsed_buffers = parse_buffers(buffers)
    parsed_weights = parse_weights(weights)
    _positive(area_ha, "--area", allow_zero=False)
    _positive(min_width, "--min-width")
    _positive(step, "--step", allow_zero=False)
    _positive(spacing, "--spacing")
    _positive(search_distance, "--search-distance", allow_zero=False)
    if count < 1:
        raise click.BadParameter("must be at least 1", param_hint="--count")
    if max_candidates < 1:
        raise click.BadParameter("must be at least 1", param_hint="--max-candidates")
    if not max_aspect >= 1:
        raise click.BadParameter("must be ≥ 1", param_hint="--max-aspect")
    if not 0 < angle_step <= 90:
        raise click.BadParameter("must be in (0, 90]", param_hint="--angle-step")
    _validate(
        profile,
        sources,
        buffers=parsed_buffers,
        outside_urban=outside_urban,
        constraints=constraints,
        weights=parsed_weights,
    )
    inputs = [aoi, *sources.values(), profile]
    check_folder(output, overwrite=overwrite, inputs=inputs)
    result = search(
        aoi,
        area_ha,
        profile=profile,
        layers=sources,
        count=count,
        min_width_m=min_width,
        max_aspect=max_aspect,
        angle_step=angle_step,
        step_m=step,
        buffers=parsed_buffers,
        outside_urban=outside_urban,
        constraints=constraints,
        buffer_join=buffer_join,
        weights=parsed_weights,
        search_m=search_distance,
        spacing_m=spacing,
        max_candidates=max_candidates,
        project_class=project_class,
        crs=crs,
        area_method=area_method,
        encoding=encoding,
        datum_shift=datum_shift,
    )
    _warn(result.warnings)
    paths = write_search(
        result, output, overwrite=overwrite, txt_encoding=txt_encoding, inputs=inputs
    )
    lines = result.explain(lang).split("\n")
    lines.append(
        f"{result.stats['candidates']:,} placements pre-examined "
        f"({result.stats['rectangles_fit']:,} fit)."
    )
    _print(
        ctx,
        f"Proposed sites of {area_ha:g} ha (1 = best; areas in ha)",
        result.table,
        [
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
        lines,
        paths,
        output,
    )
