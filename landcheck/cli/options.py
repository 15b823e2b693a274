"""Options shared by several commands.

=================  ===============================================  ==================
option             meaning                                          commands
=================  ===============================================  ==================
``-o/--output``    output folder (or file for ``convert``)          check, demo, sample
``--overwrite``    replace existing output                          check, demo, sample
``-f/--format``    report formats, comma-separated                  check, demo
``--profile``      built-in profile name or YAML path               check, demo
``--layer``        ``[+]KEY=PATH[:LAYER]`` layer source, repeatable check, select
``--crs``          analysis CRS (``auto``, ``EPSG:4523``…)           check
``--encoding``     attribute encoding of inputs (``gbk``…)          check, inspect
``--lang``         report language, ``zh`` (default) or ``en``        check, demo
=================  ===============================================  ==================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from landcheck.profile import STATUSES

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "area_method_option",
    "crs_option",
    "encoding_option",
    "fail_on_option",
    "format_option",
    "id_field_option",
    "lang_option",
    "layer_option",
    "output_option",
    "overwrite_option",
    "parse_key_values",
    "parse_layer_options",
    "profile_option",
    "width_option",
]

overwrite_option = click.option(
    "--overwrite",
    is_flag=True,
    help="Replace the output if it exists (a folder only if landcheck wrote it; never an input).",
)
format_option = click.option(
    "-f",
    "--format",
    "formats",
    default=None,
    metavar="FMT,...",
    help="Report formats to write, comma-separated: json, html, xlsx, gpkg (the default), "
    "txt (boundary coordinate TXT), docx (Word report with draft opinions).",
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
    metavar="[+]KEY=PATH[:LAYER]",
    help="Source of a profile layer, e.g. farmland=yjjbnt.shp (china-preexam: farmland, "
    "eco_redline, urban_boundary, planning_zones, land_use, townships). A layer of your own "
    "is marked +: +hazard=hazard.gpkg (overlaps reported, no rules). Other keys are refused. "
    "Repeatable, once per key.",
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
id_field_option = click.option(
    "--id-field", default=None, metavar="FIELD", help="Site field holding the site id."
)


class _Width(click.ParamType):
    """Metres above 0 and at most 1 km; NaN, infinity and the rest are usage errors."""

    name = "metres"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from landcheck.errors import InputDataError
        from landcheck.sites import check_width

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of metres", param, ctx)
        try:
            return check_width(number, what="")
        except InputDataError as ex:
            self.fail(str(ex).strip(), param, ctx)


width_option = click.option(
    "--width",
    type=_Width(),
    default=None,
    metavar="M",
    help="Corridor width in metres for line sites (roads, pipelines), and the side of the "
    "square a point site stands for; above 0 and at most 1000.",
)
area_method_option = click.option(
    "--area-method",
    type=click.Choice(["ellipsoidal", "planar"]),
    default=None,
    help="Area that drives findings (default: the profile's, ellipsoidal).",
)


def output_option(default: str, help: str = "Output folder.") -> Callable[[F], F]:
    """``-o/--output DIR`` with a command's own default folder."""
    return click.option(
        "-o", "--output", default=default, show_default=True, metavar="DIR", help=help
    )


fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(STATUSES),
    default=None,
    help="Exit with code 3 when any site's status is this bad or worse "
    "(prohibited > unknown > conditional > info > not_involved).",
)


def parse_key_values(
    values: tuple[str, ...], *, param_hint: str, example: str, bare_key: str | None = None
) -> dict[str, str]:
    """Parse ``KEY=VALUE`` options; a malformed one or a key given twice exits 2.

    With ``bare_key``, a value without ``KEY=`` is kept under that key.

    Examples
    --------
    >>> parse_key_values(("farmland=a.shp",), param_hint="--layer", example="k=v")
    {'farmland': 'a.shp'}
    >>> parse_key_values(("10", "farmland=5"), param_hint="--buffer", example="k=5", bare_key="*")
    {'*': '10', 'farmland': '5'}
    """
    parsed: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep and bare_key is not None:
            key, rest = bare_key, value
        elif not sep or not key.strip() or not rest.strip():
            raise click.BadParameter(
                f"{value!r} is not KEY=VALUE, e.g. {example}", param_hint=param_hint
            )
        key = key.strip()
        if key in parsed:
            what = "a value without KEY=" if key == bare_key else f"key {key!r}"
            raise click.BadParameter(
                f"{what} is given twice ({parsed[key]!r} and {rest.strip()!r}); give it once",
                param_hint=param_hint,
            )
        parsed[key] = rest.strip()
    return parsed


def parse_layer_options(values: tuple[str, ...], profile: str) -> dict[str, str]:
    """Parse ``[+]KEY=PATH[:LAYER]`` values against the profile's layer keys.

    A malformed value, a key given twice, or a key the profile does not define
    and that is not marked ``+`` (a layer of the user's own) is a usage error
    (exit 2) whose message lists the profile's keys. An invalid profile is
    an error (exit 1).

    Examples
    --------
    >>> parse_layer_options(("farmland=a.shp", "+hazard=h.gpkg:zones"), "china-preexam")
    {'farmland': 'a.shp', '+hazard': 'h.gpkg:zones'}
    """
    from landcheck.errors import InputDataError
    from landcheck.inputs import declare_layers
    from landcheck.io.profiles import resolve_profile

    parsed = parse_key_values(
        values, param_hint="--layer", example="farmland=data/yjjbnt.shp (KEY=PATH[:LAYER])"
    )
    try:
        declare_layers(resolve_profile(profile), parsed)
    except InputDataError as ex:
        raise click.BadParameter(str(ex), param_hint="--layer") from ex
    return parsed
