"""Options shared by several commands.

=================  ===============================================  ==================
option             meaning                                          commands
=================  ===============================================  ==================
``-o/--output``    output folder (or file for ``convert``)          check, demo, sample
``--overwrite``    replace existing output                          check, demo, sample
``-f/--format``    report formats, comma-separated                  check, demo
``--profile``      built-in profile name or YAML path               check, demo
``--layer``        ``KEY=PATH[:LAYER]`` layer source, repeatable    check
``--crs``          analysis CRS (``auto``, ``EPSG:4523``…)           check
``--encoding``     attribute encoding of inputs (``gbk``…)          check, inspect
``--lang``         report language, ``zh`` (default) or ``en``        check, demo
=================  ===============================================  ==================
"""

from __future__ import annotations

import click

from landcheck.profile import STATUSES

__all__ = [
    "crs_option",
    "encoding_option",
    "fail_on_option",
    "format_option",
    "lang_option",
    "layer_option",
    "overwrite_option",
    "parse_layer_options",
    "profile_option",
]

overwrite_option = click.option(
    "--overwrite", is_flag=True, help="Replace the output if it exists."
)
format_option = click.option(
    "-f",
    "--format",
    "formats",
    default=None,
    metavar="FMT,...",
    help="Report formats to write, comma-separated (default: all).",
)
profile_option = click.option(
    "--profile",
    default="china-preexam",
    show_default=True,
    metavar="NAME|PATH",
    help="Built-in profile name or a profile YAML file.",
)
layer_option = click.option(
    "--layer",
    "layers",
    multiple=True,
    metavar="KEY=PATH[:LAYER]",
    help="Source of a profile layer (farmland, eco_redline, urban_boundary, planning_zones, "
    "land_use) or of an extra layer. Repeatable.",
)
crs_option = click.option(
    "--crs",
    default=None,
    metavar="CRS",
    help="Analysis CRS: 'auto' (default) or e.g. EPSG:4523. Inputs without a CRS are "
    "taken to be in it.",
)
encoding_option = click.option(
    "--encoding",
    default=None,
    metavar="ENC",
    help="Attribute encoding of input files, e.g. gbk for Chinese shapefiles without .cpg.",
)
lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of the HTML and Excel reports.",
)
fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(STATUSES),
    default=None,
    help="Exit with code 3 when any site's status is this bad or worse "
    "(prohibited > unknown > conditional > info > not_involved).",
)


def parse_layer_options(values: tuple[str, ...]) -> dict[str, str]:
    """Parse ``KEY=PATH[:LAYER]`` values; a malformed one is a usage error (exit 2)."""
    layers: dict[str, str] = {}
    for value in values:
        key, sep, source = value.partition("=")
        if not sep or not key.strip() or not source.strip():
            raise click.BadParameter(
                f"{value!r} is not KEY=PATH[:LAYER], e.g. farmland=data/yjjbnt.shp",
                param_hint="--layer",
            )
        layers[key.strip()] = source.strip()
    return layers
