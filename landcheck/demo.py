"""The demo, a tool: write the sample county, check its sites, write the report, in one folder.

Like :func:`landcheck.check`, it orchestrates: the sample files come from
:mod:`landcheck.io.sample_files`, the result from :func:`landcheck.check`,
the report folder from :mod:`landcheck.report`. ``landcheck demo`` calls
:func:`run_demo`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable

from landcheck.evaluation import ProgressCallback, check
from landcheck.io.output import atomic_folder
from landcheck.io.sample_files import SAMPLE_STANDARDS, write_sample
from landcheck.report.folder import write_report
from landcheck.result import CheckResult

__all__ = ["SAMPLE_FILE", "SAMPLE_LAYERS", "run_demo", "sample_layers"]

SAMPLE_FILE = "luxi_sample.gpkg"
"""The sample GeoPackage's file name."""

SAMPLE_LAYERS = (
    "farmland",
    "eco_redline",
    "urban_boundary",
    "planning_zones",
    "land_use",
    "townships",
    "protected_areas",
    "approved_land",
    "forest",
    "grassland",
    "wetland",
    "mineral_rights",
    "geohazard",
    "geohazard_points",
    "heritage",
    "illegal_land",
)
"""Sample layers checked by the demo, named by their profile keys."""


def sample_layers(gpkg: str) -> dict[str, str]:
    """``--layer`` sources for the sample GeoPackage: key → ``PATH:LAYER``."""
    return {key: f"{gpkg}:{key}" for key in SAMPLE_LAYERS}


def _moved(result: CheckResult, staging: str, directory: str) -> CheckResult:
    """The result with the inputs it read named where they will be once the folder is in place.

    Each keeps the digest of the file it read: under its new name the file is not there
    yet when the report is written (findings.json said ``"sha256": null`` for every input).
    """
    inputs = [
        dataclasses.replace(
            r,
            path=os.path.join(directory, os.path.relpath(r.path, staging)),
            digest=r.sha256,
        )
        if r.path and r.path.startswith(staging + os.sep)
        else r
        for r in result.inputs
    ]
    return dataclasses.replace(result, inputs=inputs)


def run_demo(
    directory: str,
    *,
    overwrite: bool = False,
    formats: str | Iterable[str] | None = None,
    lang: str = "zh",
    seed: int = 2026,
    progress: ProgressCallback | None = None,
) -> tuple[CheckResult, dict[str, str]]:
    """Write the sample to DIR/sample, check its sites and write DIR/report.

    The run reads every sample layer and the sample's land-use standard index table
    (``sample/standards.csv``, synthetic) with the built-in profile as it is: the
    provinces' exemptions from the land-saving evaluation stay off.

    The whole folder is written atomically
    (:func:`landcheck.io.output.atomic_folder`): on failure nothing is left
    behind; with ``overwrite`` an earlier demo folder is replaced only once
    the new one is complete.

    Returns
    -------
    tuple
        The result and the report files written (format → path).
    """
    final = os.path.abspath(directory)
    with atomic_folder(directory, overwrite=overwrite, kind="demo") as staging:
        sample_dir = os.path.join(staging, "sample")
        write_sample(sample_dir, seed=seed)
        gpkg = os.path.join(sample_dir, SAMPLE_FILE)
        result = check(
            f"{gpkg}:sites",
            layers=sample_layers(gpkg),
            standards_table=os.path.join(sample_dir, SAMPLE_STANDARDS),
            progress=progress,
        )
        result = _moved(result, staging, final)
        written = write_report(result, os.path.join(staging, "report"), formats=formats, lang=lang)
    report = os.path.join(directory, "report")
    return result, {name: os.path.join(report, os.path.basename(p)) for name, p in written.items()}
