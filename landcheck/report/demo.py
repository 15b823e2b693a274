"""The demo: sample county → check → report folder, in one folder."""

from __future__ import annotations

import os
import shutil

from landcheck.check import ProgressCallback, check
from landcheck.io.sample_files import write_sample
from landcheck.report.folder import check_output_dir, write_report
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
)
"""Sample layers checked by the demo, named by their profile keys."""


def sample_layers(gpkg: str) -> dict[str, str]:
    """``--layer`` sources for the sample GeoPackage: key → ``PATH:LAYER``."""
    return {key: f"{gpkg}:{key}" for key in SAMPLE_LAYERS}


def run_demo(
    directory: str,
    *,
    overwrite: bool = False,
    formats: str | None = None,
    lang: str = "zh",
    seed: int = 2026,
    progress: ProgressCallback | None = None,
) -> tuple[CheckResult, dict[str, str]]:
    """Write the sample to DIR/sample, check its sites and write DIR/report.

    On failure nothing is left behind; with ``overwrite`` an earlier demo
    folder is replaced.

    Returns
    -------
    tuple
        The result and the report files written (format → path).
    """
    check_output_dir(directory, overwrite=overwrite)
    if os.path.lexists(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    try:
        sample_dir = os.path.join(directory, "sample")
        write_sample(sample_dir, seed=seed)
        gpkg = os.path.join(sample_dir, SAMPLE_FILE)
        result = check(f"{gpkg}:sites", layers=sample_layers(gpkg), progress=progress)
        paths = write_report(result, os.path.join(directory, "report"), formats=formats, lang=lang)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return result, paths
