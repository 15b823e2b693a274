"""``landcheck sample``: write the synthetic sample county."""

from __future__ import annotations

import click

from landcheck.cli.options import output_option, overwrite_option, seed_option

__all__ = ["sample_command"]


@click.command("sample")
@output_option("landcheck-sample", "Folder to write the sample data into.")
@seed_option
@overwrite_option
@click.pass_context
def sample_command(ctx: click.Context, output: str, seed: int, overwrite: bool) -> None:
    """Write the synthetic sample county (Luxi County outline; all layers synthetic)."""
    from landcheck.cli.summary import echo_written
    from landcheck.io.sample_files import write_sample

    paths = write_sample(output, seed=seed, overwrite=overwrite)
    if ctx.obj["verbosity"] >= 0:
        echo_written("Sample data written to", output, paths)
