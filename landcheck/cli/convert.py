"""``landcheck convert``: between the boundary coordinate TXT and vector formats."""

from __future__ import annotations

import logging
import os

import click

from landcheck.cli.options import (
    crs_option,
    datum_shift_option,
    encoding_option,
    id_field_option,
    layer_name_option,
    name_field_option,
    no_zone_prefix_option,
    out_encoding_option,
    overwrite_option,
    to_crs_option,
)
from landcheck.cli.terminal import terminal_text

__all__ = ["convert_command"]

logger = logging.getLogger(__name__)


@click.command("convert")
@click.argument("source", metavar="IN")
@click.argument("output", metavar="OUT")
@crs_option
@to_crs_option
@encoding_option
@out_encoding_option
@datum_shift_option
@id_field_option
@name_field_option
@no_zone_prefix_option
@layer_name_option
@overwrite_option
@click.pass_context
def convert_command(
    ctx: click.Context,
    source: str,
    output: str,
    crs: str | None,
    to_crs: str | None,
    encoding: str | None,
    out_encoding: str | None,
    datum_shift: object | None,
    id_field: str | None,
    name_field: str | None,
    no_zone_prefix: bool,
    layer_name: str,
    overwrite: bool,
) -> None:
    """Convert sites IN to OUT; OUT's extension names the format.

    IN: a vector file (PATH[:LAYER]), a boundary TXT, a DXF drawing, or a
    report folder (its sites). OUT: .txt (boundary TXT), .gpkg, .shp,
    .geojson or .kml. Exit codes: 0 done, 1 failed (bad input, refused
    overwrite), 2 usage error (e.g. an unknown OUT extension).
    """
    from landcheck.io.convert import OUTPUT_FORMATS, convert

    if os.path.splitext(output)[1].lower() not in OUTPUT_FORMATS:
        raise click.BadParameter(
            f"cannot tell the format from {output!r}; end it in "
            + ", ".join(sorted(OUTPUT_FORMATS)),
            param_hint="OUT",
        )
    result = convert(
        source,
        output,
        crs=crs,
        to_crs=to_crs,
        encoding=encoding,
        output_encoding=out_encoding,
        datum_shift=datum_shift,
        id_field=id_field,
        name_field=name_field,
        zone_prefix=not no_zone_prefix,
        layer_name=layer_name,
        overwrite=overwrite,
    )
    for warning in result.warnings:
        logger.warning(warning)
    if ctx.obj["verbosity"] >= 0:
        from landcheck.io.postgis.url import redact

        click.echo(
            terminal_text(
                f"Wrote {result.features} site(s) from {redact(str(result.source))} to "
                f"{', '.join(result.files or [result.output])} "
                f"({result.format}, {result.crs})"
            )
        )
