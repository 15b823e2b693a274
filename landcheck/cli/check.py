"""``landcheck check``: pre-examine sites and write the report folder."""

from __future__ import annotations

import logging
import os

import click

from landcheck.cli.options import (
    area_method_option,
    crs_option,
    encoding_option,
    fail_on_option,
    format_option,
    id_field_option,
    lang_option,
    layer_option,
    output_option,
    overwrite_option,
    parse_layer_options,
    profile_option,
    width_option,
)
from landcheck.cli.progress import progress_bar, progress_option
from landcheck.errors import InputDataError
from landcheck.profile import STATUSES

__all__ = ["check_command", "datum_shift_option"]

logger = logging.getLogger(__name__)

_BIG_LAYERS = 200 * 1024 * 1024


def _layer_bytes(layers: dict[str, str]) -> int:
    total = 0
    for source in layers.values():
        path = source if os.path.exists(source) else source.rpartition(":")[0]
        if os.path.isfile(path):
            total += os.path.getsize(path)
    return total


def _parse_datum_shift(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> object | None:
    if value is None:
        return None
    from landcheck.datum import DatumShift

    try:
        return DatumShift.parse(value)
    except InputDataError as ex:
        raise click.BadParameter(str(ex), ctx=ctx, param=param) from ex


datum_shift_option = click.option(
    "--datum-shift",
    "datum_shift",
    default=None,
    metavar="DX,DY,DZ,RX,RY,RZ,S",
    callback=_parse_datum_shift,
    help="7 Helmert parameters moving Xian 1980 / Beijing 1954 inputs to CGCS2000: metres, "
    "arc-seconds, ppm; Bursa-Wolf position-vector convention (EPSG 1033). Without them such "
    "inputs are refused.",
)


def _dask_client(scheduler: str | None) -> object | None:
    """A client of the scheduler at ``scheduler`` (None: only check that dask is installed)."""
    try:
        import dask.distributed as distributed
    except ImportError as ex:
        raise click.BadParameter(
            "the dask engine needs dask.distributed, which is not installed: "
            "pip install landcheck[dask]",
            param_hint="--engine",
        ) from ex
    if scheduler is None:
        return None
    try:
        return distributed.Client(scheduler, timeout=10)
    except OSError as ex:
        raise click.ClickException(f"cannot reach the dask scheduler {scheduler}: {ex}") from ex


def fails(statuses: list[str], fail_on: str | None) -> bool:
    """True when any status is ``fail_on`` or worse."""
    if fail_on is None:
        return False
    limit = STATUSES.index(fail_on)
    return any(STATUSES.index(s) <= limit for s in statuses)


@click.command("check")
@click.argument("sites", nargs=-1, required=True, metavar="SITES...")
@profile_option
@layer_option
@id_field_option
@crs_option
@area_method_option
@width_option
@encoding_option
@datum_shift_option
@output_option("landcheck-report", "Report folder to write.")
@overwrite_option
@format_option
@lang_option
@fail_on_option
@click.option(
    "--coverage",
    default=None,
    metavar="PATH[:LAYER]",
    help="Polygons of the area the layers describe (e.g. the county boundary); a site outside "
    "it gets unknown for checks that rest on the absence of features. Default: the profile's "
    "coverage, else the land-use survey's extent, else each layer's extent.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where the per-site geometry of big batches runs: local processes, or a "
    "dask.distributed cluster (needs: pip install landcheck[dask]). Same findings.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Address of a running dask scheduler, e.g. tcp://10.0.0.5:8786 (implies "
    "--engine dask; default: a LocalCluster on this machine).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes (or LocalCluster workers) to use; default: all cores.",
)
@progress_option
@click.pass_context
def check_command(
    ctx: click.Context,
    sites: tuple[str, ...],
    profile: str,
    layers: tuple[str, ...],
    id_field: str | None,
    crs: str | None,
    area_method: str | None,
    width: float | None,
    encoding: str | None,
    datum_shift: object | None,
    output: str,
    overwrite: bool,
    formats: str | None,
    lang: str,
    fail_on: str | None,
    coverage: str | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    progress_mode: str = "bar",
) -> None:
    """Check SITES (any vector file GDAL reads, PATH:LAYER, or a boundary TXT).

    Writes the report folder (findings.json, landcheck.gpkg, …) and prints a
    summary. Exit codes: 0 done, 1 failed, 2 usage error, 3 a site's status
    reached --fail-on.
    """
    from landcheck.check import check
    from landcheck.cli.summary import print_summary
    from landcheck.io.output import check_folder
    from landcheck.report.folder import parse_formats, write_report

    layer_sources = parse_layer_options(layers, profile)
    try:
        chosen = parse_formats(formats)
    except InputDataError as ex:
        raise click.BadParameter(str(ex), param_hint="--format") from ex
    inputs = [*sites, *layer_sources.values(), profile, *([coverage] if coverage else [])]
    check_folder(output, overwrite=overwrite, inputs=inputs)
    quiet = ctx.obj["verbosity"] < 0
    big = _layer_bytes(layer_sources) >= _BIG_LAYERS
    client = _dask_client(scheduler) if scheduler else None
    if engine == "dask" and client is None:
        _dask_client(None)
    with progress_bar(enabled=not quiet, big_layers=big, mode=progress_mode) as progress:
        result = check(
            list(sites) if len(sites) > 1 else sites[0],
            profile=profile,
            layers=layer_sources,
            id_field=id_field,
            crs=crs,
            area_method=area_method,
            width=width,
            encoding=encoding,
            datum_shift=datum_shift,
            coverage=coverage,
            progress=progress,
            engine=engine,
            client=client,
            workers=workers,
        )
    for warning in result.warnings:
        logger.warning(warning)
    paths = write_report(
        result, output, formats=chosen, overwrite=overwrite, lang=lang, inputs=inputs
    )
    if not quiet:
        print_summary(result)
        click.echo(f"Report written to {os.path.abspath(output)}")
        for path in paths.values():
            click.echo(f"  {path}")
    if fails(result.statuses.tolist(), fail_on):
        ctx.exit(3)
