"""``landcheck convert``: between the boundary coordinate TXT and vector formats."""

from __future__ import annotations

import logging
import os

import click

from landcheck.cli.check import datum_shift_option
from landcheck.cli.options import encoding_option, overwrite_option

__all__ = ["convert_command"]

logger = logging.getLogger(__name__)


@click.command("convert")
@click.argument("source", metavar="IN")
@click.argument("output", metavar="OUT")
@click.option(
    "--crs",
    default=None,
    metavar="CRS",
    help="CRS of an input that declares none (DXF, shapefile without .prj), e.g. EPSG:4523.",
)
@click.option(
    "--to-crs",
    default=None,
    metavar="CRS",
    help="Reproject vector output; for TXT output, the CGCS2000 Gauss-Kruger CRS to "
    "write in (default: the input's, else the zone of the sites' centre).",
)
@encoding_option
@click.option(
    "--out-encoding",
    default=None,
    metavar="ENC",
    help="Text encoding of TXT output (utf-8, gbk) or shapefile output (UTF-8, GBK).",
)
@datum_shift_option
@click.option(
    "--id-field",
    default=None,
    metavar="FIELD",
    help="TXT output: field holding 地块编号 (default: site_id, DKBH, BSM…).",
)
@click.option(
    "--name-field",
    default=None,
    metavar="FIELD",
    help="TXT output: field holding 地块名称 (default: name, DKMC, XMMC…).",
)
@click.option(
    "--no-zone-prefix", is_flag=True, help="TXT output: write Y (east) without the zone number."
)
@click.option(
    "--layer-name",
    default="sites",
    show_default=True,
    metavar="NAME",
    help="Layer name in GeoPackage and KML output.",
)
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
        click.echo(
            f"Wrote {result.features} site(s) from {result.source} to {result.output} "
            f"({result.format}, {result.crs})"
        )
