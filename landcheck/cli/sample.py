"""``landcheck sample``: write the synthetic sample county."""

from __future__ import annotations

import os

import click

from landcheck.cli.options import (
    output_option,
    overwrite_option,
)

__all__ = ["sample_command"]


@click.command("sample")
@output_option("landcheck-sample", "Folder to write the sample data into.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed.")
@overwrite_option
@click.pass_context
def sample_command(ctx: click.Context, output: str, seed: int, overwrite: bool) -> None:
    """Write the synthetic sample county (Luxi County outline; all layers synthetic)."""
    from landcheck.io.sample_files import write_sample

    paths = write_sample(output, seed=seed, overwrite=overwrite)
    if ctx.obj["verbosity"] >= 0:
        click.echo(f"Sample data written to {os.path.abspath(output)}")
        for path in paths.values():
            click.echo(f"  {path}")
