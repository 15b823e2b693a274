"""``landcheck demo``: write the sample county, check its sites, write the report."""

from __future__ import annotations

import os

import click

from landcheck.cli.options import (
    format_option,
    lang_option,
    output_option,
    overwrite_option,
)
from landcheck.cli.progress import progress_bar

__all__ = ["demo_command"]


@click.command("demo")
@output_option(
    "landcheck-demo", "Folder for the sample data (DIR/sample) and the report (DIR/report)."
)
@overwrite_option
@format_option
@lang_option
@click.pass_context
def demo_command(
    ctx: click.Context, output: str, overwrite: bool, formats: list[str] | None, lang: str
) -> None:
    """Run the whole pre-examination on the bundled synthetic sample county."""
    from landcheck.cli.summary import echo_written, print_summary
    from landcheck.demo import run_demo

    quiet = ctx.obj["verbosity"] < 0
    with progress_bar(enabled=not quiet) as progress:
        result, paths = run_demo(
            output, overwrite=overwrite, formats=formats, lang=lang, progress=progress
        )
    if not quiet:
        print_summary(result)
        echo_written("Report written to", os.path.join(output, "report"), paths)
