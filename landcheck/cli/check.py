"""``landcheck check``: pre-examine sites and write the report folder."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from landcheck.cli.options import (
    approval_level_option,
    central_ref_option,
    confirmation_ref_option,
    coverage_option,
    engine_option,
    fail_on_option,
    format_option,
    id_field_option,
    land_supply_option,
    lang_option,
    plan_level_option,
    plan_ref_option,
    poverty_area_ref_option,
    progress_option,
    project_id_option,
    project_type_option,
    scheduler_option,
    stage_option,
    standards_table_option,
    width_option,
    workers_option,
)
from landcheck.cli.progress import MANY_SITES, progress_bar
from landcheck.cli.run import RunOptions, bundle, finish, one_or_many, run_options
from landcheck.profile import STATUSES
from landcheck.report.formats import WITHOUT_GEOMETRY

if TYPE_CHECKING:
    from landcheck.result import CheckResult

__all__ = ["check_command", "fails"]

_BIG_LAYERS = 200 * 1024 * 1024


def _layer_bytes(layers: dict[str, str]) -> int:
    total = 0
    for source in layers.values():
        path = source if os.path.exists(source) else source.rpartition(":")[0]
        if os.path.isfile(path):
            total += os.path.getsize(path)
    return total


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
    """True when any status is ``fail_on`` or worse.

    Examples
    --------
    >>> fails(["info", "conditional"], "conditional"), fails(["info"], "conditional")
    (True, False)
    """
    if fail_on is None:
        return False
    limit = STATUSES.index(fail_on)
    return any(STATUSES.index(s) <= limit for s in statuses)


def _facts(
    project_type: str | None,
    plan_level: str | None,
    plan_ref: str | None,
    approval_level: str | None,
    land_supply: str | None,
    project_id: str | None,
    confirmation_ref: str | None,
    central_ref: str | None,
    poverty_area_ref: str | None,
) -> dict[str, str]:
    """The project facts given on the command line (those given)."""
    values = {
        "project_type": project_type,
        "plan_level": plan_level,
        "plan_ref": plan_ref,
        "approval_level": approval_level,
        "land_supply": land_supply,
        "project_id": project_id,
        "confirmation_ref": confirmation_ref,
        "central_ref": central_ref,
        "poverty_area_ref": poverty_area_ref,
    }
    return {k: v for k, v in values.items() if v is not None}


def _print_summary(result: CheckResult) -> None:
    """The closing table (:func:`landcheck.cli.summary.print_summary`), imported when shown."""
    from landcheck.cli.summary import print_summary

    print_summary(result)


def _check_project_type(facts: dict[str, str], profile: str) -> None:
    """A --project-type the profile does not define is a usage error (exit 2)."""
    if "project_type" not in facts:
        return
    from landcheck.errors import InputDataError
    from landcheck.facts import given_facts
    from landcheck.io.profiles import resolve_profile

    try:
        given_facts({"project_type": facts["project_type"]}, resolve_profile(profile))
    except InputDataError as ex:
        raise click.BadParameter(str(ex), param_hint="--project-type") from ex


@click.command("check")
@click.argument("sites", nargs=-1, required=True, metavar="SITES...")
@run_options("landcheck-report", "Report folder to write.")
@id_field_option
@width_option
@format_option
@lang_option
@fail_on_option
@coverage_option
@standards_table_option
@engine_option
@scheduler_option
@workers_option
@progress_option
@stage_option
@bundle(
    "facts",
    _facts,
    [
        project_type_option,
        plan_level_option,
        plan_ref_option,
        approval_level_option,
        land_supply_option,
        project_id_option,
        confirmation_ref_option,
        central_ref_option,
        poverty_area_ref_option,
    ],
)
@click.pass_context
def check_command(
    ctx: click.Context,
    sites: tuple[str, ...],
    run: RunOptions,
    id_field: str | None,
    width: float | None,
    formats: list[str] | None,
    lang: str,
    fail_on: str | None,
    coverage: str | None = None,
    standards_table: str | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    progress_mode: str = "bar",
    stage: str = "preexam",
    facts: dict[str, str] | None = None,
) -> None:
    """Check SITES (any vector file GDAL reads, PATH:LAYER, or a boundary TXT).

    Writes the report folder (findings.json, landcheck.gpkg, …) and prints a
    summary. Exit codes: 0 done, 1 failed, 2 usage error, 3 a site's status
    reached --fail-on. Project facts given here (--project-type …) apply to
    every site that does not declare them in its own fields.
    """
    # the library is imported by the calls below, once the inputs are being hashed (finish)
    _check_project_type(facts or {}, run.profile)
    quiet = ctx.find_root().obj["verbosity"] < 0
    big = _layer_bytes(run.layers) >= _BIG_LAYERS

    def checked() -> CheckResult:
        from landcheck.engine import workers_end_with_layers
        from landcheck.evaluation import check

        client = _dask_client(scheduler) if scheduler else None
        if engine == "dask" and client is None:
            _dask_client(None)
        with (
            progress_bar(enabled=not quiet, big_layers=big, mode=progress_mode) as progress,
            workers_end_with_layers(),  # one check: the workers' memory is then the report's
        ):
            result = check(
                one_or_many(sites),
                **run.library,
                id_field=id_field,
                width=width,
                coverage=coverage,
                progress=progress,
                engine=engine,
                client=client,
                workers=workers,
                facts=facts,
                stage=stage,
                standards_table=standards_table,
                # findings.json and the boundary TXT draw nothing: the overlaps' outlines and
                # the features read need not be kept
                keep_geometry=formats is None or not set(formats) <= WITHOUT_GEOMETRY,
            )
        return result

    def written(result: CheckResult, output: str, **kw: Any) -> dict[str, str]:
        from landcheck.report.folder import write_report

        many = len(result.sites) >= MANY_SITES
        with progress_bar(enabled=not quiet, big_layers=many, mode=progress_mode) as progress:
            return write_report(result, output, formats=formats, lang=lang, progress=progress, **kw)

    finish(
        ctx,
        run,
        inputs=run.inputs(*sites, more=[coverage, standards_table]),
        tool=checked,
        write=written,
        show=_print_summary,
        written="Report written to",
        exit_code=lambda result: 3 if fails(result.statuses.tolist(), fail_on) else 0,
    )
