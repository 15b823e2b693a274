"""Every option of the ``landcheck`` commands, defined once: flags, type, one default, help.

A command lists the options it takes from here; no option is defined anywhere else, so an
option means the same and has the same default in every command. Each value is parsed and
checked by its click type before the command runs: a wrong one is a usage error (exit 2)
that names the option, and nothing is written. ``select *`` is every ``select`` command.

=====================  ======================================  ===================================
option                 commands                                default; accepted values
=====================  ======================================  ===================================
``-q``, ``-v``         all (before or after the command)       off; -q errors only, -v, -vv more
``-o/--output``        check, demo, sample, select *           each command its own folder
``--overwrite``        check, convert, demo, sample, select *  only what landcheck wrote
``-f/--format``        check, demo                             json,html,xlsx,gpkg; +txt,docx
``--lang``             check, demo, select compare, search     zh; zh or en
``--profile``          check, select *                         china-preexam; name or YAML
``--layer``            check, select *                         ``[+]KEY=PATH[:LAYER]``, many
``--crs``              check, convert, select *                auto; e.g. EPSG:4523
``--area-method``      check, select *                         the profile's; or planar
``--encoding``         check, convert, inspect, select *       detected; e.g. gbk
``--datum-shift``      check, convert, select *                none; 7 Helmert parameters
``--id-field``         check, convert, select compare, avoid   site_id, id, XMDM, DKBH…
``--width``            check, select compare, avoid            a field; 0 < metres ≤ 1000
``--fail-on``          check                                   none; a status
``--coverage``         check, select buildable, avoid, search  profile, survey or extents
``--engine``           check                                   local; or dask
``--scheduler``        check                                   a LocalCluster; an address
``--workers``          check                                   all cores; ≥ 1
``--progress``         check                                   bar; json or none
``--stage``            check                                   preexam; or approval
``--project-type``     check, select buildable, search         the sites'; a profile type
``--plan-level``       check, select buildable, search         the sites'; national … none
``--plan-ref``         check, select buildable, search         the sites'; a plan's name
``--approval-level``   check                                   the sites'; national … county
``--land-supply``      check                                   the sites'; allocation, transfer
``--project-id``       check                                   the sites'; one project
``--confirmation-ref`` check                                   the sites'; a document
``--central-ref``      check                                   the sites'; a document
``--poverty-area-ref`` check                                   the sites'; a document
``--standards-table``  check, select *                         the profile's; a CSV file
``--to-crs``           convert                                 the input's CRS
``--out-encoding``     convert                                 utf-8 (TXT), UTF-8 (shapefile)
``--name-field``       convert                                 name, XMMC, DKMC…
``--no-zone-prefix``   convert                                 with the zone prefix
``--layer-name``       convert                                 sites
``--json``             inspect, profile layers                 text
``--indent``           inspect                                 2
``--seed``             sample                                  2026
``--constraint``       select *                                none; a layer key, many
``--buffer``           select buildable, avoid, search         0; M or KEY=M ≥ 0, many
``--outside-urban``    select buildable, avoid, search         off
``--buffer-join``      select buildable, avoid, search         round; or mitre
``--min-width``        select buildable, avoid, search         0; metres ≥ 0
``--min-area``         select buildable, avoid                 profile's sliver; m² ≥ 0
``--project-class``    select buildable, search                none; a profile type or class
``--search-distance``  select buildable, compare, search       1000; metres > 0
``--weight``           select compare, search                  the rule's; NAME=W ≥ 0, many
``--txt-encoding``     select avoid, search                    utf-8; utf-8-sig, gbk, gb18030
``--roads``            select buildable                        none; PATH[:LAYER]
``--area``             select search                           required; ha > 0
``--count``            select search                           5; ≥ 1
``--max-aspect``       select search                           2; ≥ 1
``--angle-step``       select search                           15; degrees in (0, 90]
``--step``             select search                           a third of the side; > 0
``--spacing``          select search                           0; metres ≥ 0
``--max-candidates``   select search                           400; ≥ 1
=====================  ======================================  ===================================
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

from landcheck.cli.progress import PROGRESS_MODES
from landcheck.profile import STAGES, STATUSES
from landcheck.projects import APPROVAL_LEVELS, LAND_SUPPLY, PLAN_LEVELS

F = TypeVar("F", bound=Callable[..., Any])
Decorator = Callable[[F], F]

__all__ = [
    "DatumShiftType",
    "Formats",
    "Number",
    "Whole",
    "Width",
    "angle_step_option",
    "approval_level_option",
    "area_method_option",
    "area_option",
    "buffer_join_option",
    "buffer_option",
    "central_ref_option",
    "confirmation_ref_option",
    "constraint_option",
    "count_option",
    "coverage_option",
    "crs_option",
    "datum_shift_option",
    "encoding_option",
    "engine_option",
    "fail_on_option",
    "format_option",
    "id_field_option",
    "indent_option",
    "json_option",
    "land_supply_option",
    "lang_option",
    "layer_name_option",
    "layer_option",
    "max_aspect_option",
    "max_candidates_option",
    "min_area_option",
    "min_width_option",
    "name_field_option",
    "no_zone_prefix_option",
    "out_encoding_option",
    "output_option",
    "outside_urban_option",
    "overwrite_option",
    "parse_key_numbers",
    "parse_key_values",
    "parse_layer_options",
    "plan_level_option",
    "plan_ref_option",
    "poverty_area_ref_option",
    "profile_option",
    "progress_option",
    "project_class_option",
    "project_id_option",
    "project_type_option",
    "quiet_option",
    "roads_option",
    "scheduler_option",
    "search_distance_option",
    "seed_option",
    "spacing_option",
    "stage_option",
    "standards_table_option",
    "step_option",
    "to_crs_option",
    "txt_encoding_option",
    "verbose_option",
    "weight_option",
    "width_option",
    "workers_option",
]

SEARCH_DISTANCE_M = 1000.0
"""How far the selection commands look for constraints, the urban boundary and roads."""


# --------------------------------------------------------------------------- types


class _Bounded:
    """A finite number within the range of the click range type it is mixed into.

    click's ranges let NaN through (it compares false with every bound), and infinity
    through an open end; a length, an area or a count is neither. A value outside the
    range gets the message ``must be <must>``.
    """

    parse: click.ParamType

    def __init__(
        self,
        min: float | None = None,
        max: float | None = None,
        *,
        min_open: bool = False,
        max_open: bool = False,
        must: str,
    ) -> None:
        super().__init__(min, max, min_open=min_open, max_open=max_open)  # type: ignore[call-arg]
        self.must = must

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse and check ``value``; a bad one is a usage error (exit 2)."""
        number = self.parse.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"must be {self.must}", param, ctx)  # type: ignore[attr-defined]
        try:
            return super().convert(number, param, ctx)  # type: ignore[misc]
        except click.BadParameter:
            self.fail(f"must be {self.must}", param, ctx)  # type: ignore[attr-defined]


class Number(_Bounded, click.FloatRange):
    """A finite number within a range, e.g. metres ≥ 0.

    Examples
    --------
    >>> Number(min=0, must="a number ≥ 0").convert("12.5", None, None)
    12.5
    >>> Number(min=0, must="a number ≥ 0").convert("nan", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: must be a number ≥ 0
    """

    parse = click.FLOAT


class Whole(_Bounded, click.IntRange):
    """A whole number within a range, e.g. a count of at least 1.

    Examples
    --------
    >>> Whole(min=1, must="at least 1").convert("0", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: must be at least 1
    """

    parse = click.INT


class Width(click.ParamType):
    """Metres above 0 and at most 1 km; NaN, infinity and the rest are usage errors."""

    name = "metres"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse and check ``value``; a bad one is a usage error (exit 2)."""
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


class DatumShiftType(click.ParamType):
    """``DX,DY,DZ,RX,RY,RZ,S``: 7 Helmert parameters, parsed into a ``DatumShift``."""

    name = "datum shift"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse and check ``value``; a bad one is a usage error (exit 2)."""
        from landcheck.crs.datum import DatumShift
        from landcheck.errors import InputDataError

        try:
            return DatumShift.parse(value)
        except InputDataError as ex:
            self.fail(str(ex), param, ctx)


class Formats(click.ParamType):
    """``json,gpkg``: report formats, parsed into the known names in a stable order."""

    name = "formats"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse and check ``value``; a bad one is a usage error (exit 2)."""
        from landcheck.errors import InputDataError
        from landcheck.report.formats import parse_formats

        try:
            return parse_formats(value)
        except InputDataError as ex:
            self.fail(str(ex), param, ctx)


# --------------------------------------------------------------------------- KEY=VALUE


def _echoed(value: str) -> str:
    """A value as a message may echo it: a PostGIS URL without its password."""
    from landcheck.io.postgis import redact

    return redact(value)


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
                f"{_echoed(value)!r} is not KEY=VALUE, e.g. {example}", param_hint=param_hint
            )
        key = key.strip()
        if key in parsed:
            what = "a value without KEY=" if key == bare_key else f"key {key!r}"
            first, second = _echoed(parsed[key]), _echoed(rest.strip())
            raise click.BadParameter(
                f"{what} is given twice ({first!r} and {second!r}); give it once",
                param_hint=param_hint,
            )
        parsed[key] = rest.strip()
    return parsed


def parse_key_numbers(
    values: tuple[str, ...], *, what: str, hint: str, example: str, bare_key: str | None = None
) -> dict[str, float] | None:
    """Parse ``KEY=N`` options (``--buffer``, ``--weight``) into numbers ≥ 0; None if none.

    A value that is not ``KEY=N`` (or ``N`` alone, with ``bare_key``), a key given twice,
    or a number that is negative, infinite or not one is a usage error (exit 2).

    Examples
    --------
    >>> parse_key_numbers(("10", "farmland=5"), what="a buffer", hint="--buffer",
    ...                   example="farmland=5", bare_key="*")
    {'*': 10.0, 'farmland': 5.0}
    >>> parse_key_numbers(("cultivated=5", "conversion=0"), what="a weight", hint="--weight",
    ...                   example="cultivated=2")
    {'cultivated': 5.0, 'conversion': 0.0}
    """
    if not values:
        return None
    pairs = parse_key_values(values, param_hint=hint, example=example, bare_key=bare_key)
    numbers = {}
    for key, text in pairs.items():
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            raise click.BadParameter(f"{what} must be a number ≥ 0, got {text!r}", param_hint=hint)
        numbers[key] = value
    return numbers


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


# --------------------------------------------------------------------------- kinds of option


def _value(
    flag: str, metavar: str, help: str, *decls: str, default: Any = None, **attrs: Any
) -> Decorator[F]:
    """An option taking a value (a path, a CRS, a field name…); None when not given.

    A default of None is not passed to click: click 8.5 takes ``default=None`` given
    for a default, and no longer refuses a ``required`` option left out (``select
    search`` without ``--area`` was an internal error instead of a usage error).
    """
    if default is not None:
        attrs = {"default": default, "show_default": True, **attrs}
    return click.option(flag, *decls, metavar=metavar, help=help, **attrs)


def _number(
    flag: str, kind: click.ParamType, default: float | None, metavar: str, help: str
) -> Decorator[F]:
    """An option holding a number of a kind (:class:`Number`, :class:`Whole`)."""
    shown = default is not None
    return click.option(
        flag, type=kind, default=default, show_default=shown, metavar=metavar, help=help
    )


def _choice(flag: str, choices: tuple[str, ...], default: str | None, help: str) -> Decorator[F]:
    """An option holding one of ``choices``."""
    shown = default is not None
    return click.option(
        flag, type=click.Choice(choices), default=default, show_default=shown, help=help
    )


def _flag(flag: str, help: str) -> Decorator[F]:
    """An option that is on when given."""
    return click.option(flag, is_flag=True, help=help)


def _key_numbers(flag: str, dest: str, metavar: str, help: str, **parse: str) -> Decorator[F]:
    """A repeatable ``KEY=N`` option, parsed by :func:`parse_key_numbers` (``parse``)."""

    def callback(
        ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
    ) -> dict[str, float] | None:
        return parse_key_numbers(values, hint=flag, **parse)  # type: ignore[arg-type]

    return click.option(flag, dest, multiple=True, metavar=metavar, callback=callback, help=help)


AT_LEAST_0 = Number(min=0, must="a number ≥ 0")
ABOVE_0 = Number(min=0, min_open=True, must="a number > 0")
AT_LEAST_1 = Whole(min=1, must="at least 1")

# --------------------------------------------------------------------------- every command


def quiet_option(**attrs: Any) -> click.Option:
    """``-q/--quiet``; ``attrs`` make it a trailing option (after the command's name)."""
    return click.Option(["-q", "--quiet"], is_flag=True, help="Only errors.", **attrs)


def verbose_option(**attrs: Any) -> click.Option:
    """``-v/--verbose`` (repeatable); ``attrs`` as for :func:`quiet_option`."""
    return click.Option(
        ["-v", "--verbose"], count=True, help="More output; -v also shows tracebacks.", **attrs
    )


def output_option(default: str, help: str = "Output folder.") -> Decorator[F]:
    """``-o/--output DIR``: each command writes its own folder by default."""
    return click.option(
        "-o", "--output", default=default, show_default=True, metavar="DIR", help=help
    )


overwrite_option = _flag(
    "--overwrite",
    "Replace the output if it exists (a folder only if landcheck wrote it; never an input).",
)
encoding_option = _value(
    "--encoding",
    "ENC",
    "Attribute encoding of input files, e.g. gbk for Chinese shapefiles without .cpg.",
)
crs_option = _value(
    "--crs",
    "CRS",
    "CRS, e.g. EPSG:4523: inputs that declare none (DXF, shapefile without .prj) are taken "
    "to be in it; check and select also analyse in it (default: auto, chosen from the "
    "inputs, always in metres).",
)
datum_shift_option = _value(
    "--datum-shift",
    "DX,DY,DZ,RX,RY,RZ,S",
    "7 Helmert parameters moving Xian 1980 / Beijing 1954 / New Beijing inputs to CGCS2000: "
    "metres, arc-seconds, ppm; Bursa-Wolf position-vector convention (EPSG 1033). Without "
    "them such inputs are refused.",
    type=DatumShiftType(),
)
id_field_option = _value(
    "--id-field",
    "FIELD",
    "Site field holding the site id (地块编号; default: the first of site_id, id, XMDM, DKBH, "
    "BSM… present).",
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON for programs instead of text."
)

# --------------------------------------------------------------------------- reports

format_option = click.option(
    "-f",
    "--format",
    "formats",
    type=Formats(),
    default=None,
    metavar="FMT,...",
    help="Report formats to write, comma-separated: json, html, xlsx, gpkg (the default), "
    "txt (boundary coordinate TXT), docx (Word report with draft opinions).",
)
lang_option = _choice(
    "--lang",
    ("zh", "en"),
    "zh",
    "Language of what is written for people: the HTML, Excel and Word reports (check, demo), "
    "the ranking rule printed by select compare and search.",
)

# --------------------------------------------------------------------------- checking sites

profile_option = _value(
    "--profile",
    "NAME|PATH",
    "Built-in profile name or a profile YAML file.",
    default="china-preexam",
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
area_method_option = _choice(
    "--area-method",
    ("ellipsoidal", "planar"),
    None,
    "Area that drives findings (default: the profile's, ellipsoidal).",
)
width_option = _value(
    "--width",
    "M",
    "Corridor width in metres for line sites (roads, pipelines), and the side of the square a "
    "point site stands for; above 0 and at most 1000.",
    type=Width(),
)
fail_on_option = _choice(
    "--fail-on",
    STATUSES,
    None,
    "Exit with code 3 when any site's status is this bad or worse "
    "(prohibited > unknown > conditional > info > not_involved).",
)
coverage_option = _value(
    "--coverage",
    "PATH[:LAYER]",
    "Polygons of the area the layers describe (e.g. the county boundary); a site outside it "
    "gets unknown for checks that rest on the absence of features. Default: the profile's "
    "coverage, else the land-use survey's extent, else each layer's extent.",
)
standards_table_option = _value(
    "--standards-table",
    "PATH",
    "Land-use standard index table (UTF-8 CSV, docs/profile.md): bounds by industry code "
    "and land grade, sector tables by project type. Default: the profile's, if it names one.",
)
engine_option = _choice(
    "--engine",
    ("local", "dask"),
    "local",
    "Where the per-site geometry of big batches runs: local processes, or a "
    "dask.distributed cluster (needs: pip install landcheck[dask]). Same findings.",
)
scheduler_option = _value(
    "--scheduler",
    "ADDRESS",
    "Address of a running dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --engine dask; "
    "default: a LocalCluster on this machine).",
)
workers_option = _value(
    "--workers",
    "N",
    "Processes (or LocalCluster workers) to use; default: all cores.",
    type=click.IntRange(min=1),
)
progress_option = click.option(
    "--progress",
    "progress_mode",
    type=click.Choice(PROGRESS_MODES),
    default="bar",
    show_default=True,
    help="Progress on stderr: a bar on a terminal for long runs, one JSON object per "
    'line for programs ({"event": "progress", "stage": …, "done": …, "total": …}), '
    "or none. json is written even with -q, and SIGINT then always stops the run cleanly.",
)

# --------------------------------------------------------------------------- convert, inspect…

to_crs_option = _value(
    "--to-crs",
    "CRS",
    "Reproject vector output; for TXT output, the CGCS2000 Gauss-Kruger CRS to write in "
    "(default: the input's, else the zone of the sites' centre).",
)
OUT_ENCODINGS = ("utf-8", "gbk", "gb18030")
"""The encodings a TXT or shapefile output is written in: those of Chinese text, whole. Another
(latin1, UTF-16, big5) lost names silently, or failed as an internal error."""


def _out_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--out-encoding`` checked: one of :data:`OUT_ENCODINGS` (by any of its names)."""
    if value is None:
        return None
    import codecs

    try:
        name = codecs.lookup(value).name
    except LookupError:
        name = ""
    if name not in OUT_ENCODINGS:
        raise click.BadParameter(
            f"{value!r} is not an encoding landcheck writes Chinese text in whole; use one of "
            + ", ".join(OUT_ENCODINGS)
        )
    return value


out_encoding_option = _value(
    "--out-encoding",
    "ENC",
    "Text encoding of TXT or shapefile output: utf-8 (default for shapefiles), gbk or gb18030.",
    callback=_out_encoding,
)
name_field_option = _value(
    "--name-field", "FIELD", "TXT output: field holding 地块名称 (default: name, XMMC, DKMC…)."
)
no_zone_prefix_option = _flag(
    "--no-zone-prefix", "TXT output: write Y (east) without the zone number."
)
layer_name_option = _value(
    "--layer-name", "NAME", "Layer name in GeoPackage and KML output.", default="sites"
)
indent_option = click.option(
    "--indent", type=int, default=2, show_default=True, help="JSON indentation."
)
seed_option = click.option("--seed", type=int, default=2026, show_default=True, help="Random seed.")

# --------------------------------------------------------------------------- site selection

constraint_option = click.option(
    "--constraint",
    "constraints",
    multiple=True,
    metavar="KEY",
    help="Treat this layer (e.g. one given with --layer) as a hard constraint too. Repeatable.",
)
buffer_option = _key_numbers(
    "--buffer",
    "buffers",
    "M|KEY=M",
    "Distance in metres to keep from the constraints: M for all (but the urban boundary), "
    "KEY=M for one layer. Repeatable.",
    what="a buffer",
    example="farmland=5",
    bare_key="*",
)
outside_urban_option = _flag(
    "--outside-urban", "Also exclude land outside the urban development boundary."
)
buffer_join_option = _choice(
    "--buffer-join",
    ("round", "mitre"),
    "round",
    "Buffer corners: round (true distance) or mitre.",
)
min_width_option = _number(
    "--min-width", AT_LEAST_0, 0.0, "M", "Remove land narrower than this (metres)."
)
min_area_option = _number(
    "--min-area",
    AT_LEAST_0,
    None,
    "M2",
    "Drop patches (buildable) or kept pieces (avoid) smaller than this (m²; default: the "
    "profile's sliver area).",
)
project_class_option = _value(
    "--project-class",
    "CLASS",
    "The project's type (pv_array, county_road …: the profile's project_types) or old class "
    "(industrial, energy …): patches and proposals get the status a site of that project "
    "would get.",
)
stage_option = _choice(
    "--stage",
    STAGES,
    "preexam",
    "The stage of the application: preexam (用地预审: documents of 报批 are listed as later) "
    "or approval (用地报批: every document is needed now).",
)
_FACT_HELP = " For every site that does not declare it in its own fields (a site's field wins)."
project_type_option = _value(
    "--project-type",
    "TYPE",
    "The project type, a key or name of the profile's project_types (county_road, 县道, "
    "grid_500kv …)." + _FACT_HELP,
)
plan_level_option = _choice(
    "--plan-level",
    PLAN_LEVELS,
    None,
    "The level of the plan that lists the project." + _FACT_HELP,
)
plan_ref_option = _value(
    "--plan-ref",
    "TEXT",
    "The plan or document that lists the project (evidence for the legal lists)." + _FACT_HELP,
)
approval_level_option = _choice(
    "--approval-level",
    APPROVAL_LEVELS,
    None,
    "The level that approves, 核准s or 备案s the project." + _FACT_HELP,
)
land_supply_option = _choice(
    "--land-supply",
    LAND_SUPPLY,
    None,
    "How the land is supplied: allocation (划拨) or transfer (出让)." + _FACT_HELP,
)
project_id_option = _value(
    "--project-id",
    "ID",
    "The project the sites belong to (their land is summed for the 征收 authority)." + _FACT_HELP,
)
confirmation_ref_option = _value(
    "--confirmation-ref",
    "TEXT",
    "The State Council investment authority's confirmation (国务院投资主管部门确认文件)."
    + _FACT_HELP,
)
central_ref_option = _value(
    "--central-ref",
    "TEXT",
    "The Central Committee or State Council document that names the project." + _FACT_HELP,
)
poverty_area_ref_option = _value(
    "--poverty-area-ref",
    "TEXT",
    "The document that shows a road connects a deeply poor area (深度贫困地区: the list of "
    "those areas, or the plan)." + _FACT_HELP,
)
search_distance_option = _number(
    "--search-distance",
    ABOVE_0,
    SEARCH_DISTANCE_M,
    "M",
    "How far to look for the nearest hard constraint (buildable: also for the urban boundary "
    "and roads), in metres; farther counts as this far when ranking.",
)
weight_option = _key_numbers(
    "--weight",
    "weights",
    "NAME=W",
    "Weight per hectare in the ranking score (permanent_farmland, eco_redline, paddy, "
    "cultivated, conversion, outside_urban, or a constraint layer key). Repeatable.",
    what="a weight",
    example="cultivated=2",
)
txt_encoding_option = _choice(
    "--txt-encoding",
    ("utf-8", "utf-8-sig", "gbk", "gb18030"),
    "utf-8",
    "Encoding of the boundary TXT written (avoided_boundary.txt, proposals.txt).",
)
roads_option = _value("--roads", "PATH[:LAYER]", "Road lines to measure each patch's distance to.")
area_option = _value(
    "--area", "HA", "Required site area in hectares.", "area_ha", type=ABOVE_0, required=True
)
count_option = _number("--count", AT_LEAST_1, 5, "N", "Number of proposals (at most).")
max_aspect_option = _number(
    "--max-aspect",
    Number(min=1, must="≥ 1"),
    2.0,
    "RATIO",
    "Longest shape proposed, as length / width (1: squares only).",
)
angle_step_option = _number(
    "--angle-step",
    Number(min=0, max=90, min_open=True, must="in (0, 90]"),
    15.0,
    "DEG",
    "Orientation sweep step in degrees.",
)
step_option = _number(
    "--step", ABOVE_0, None, "M", "Placement grid spacing (default: a third of the square's side)."
)
spacing_option = _number(
    "--spacing", AT_LEAST_0, 0.0, "M", "Keep proposals at least this far apart (metres)."
)
max_candidates_option = _number(
    "--max-candidates", AT_LEAST_1, 400, "N", "At most this many placements are pre-examined."
)
