"""The landcheck the plugin runs: where it is, what it offers, how to call it.

QGIS's Python has neither landcheck nor geopandas, so the plugin never imports
them: it runs the ``landcheck`` command of a Python environment (by default the
``.venv`` of the repository ``make qgis-plugin`` was run in) in a subprocess.
This module is plain Python (no QGIS import), so it can be tested anywhere.

The environment is, first found wins:

1. the Processing option *landcheck environment* (a virtual environment folder,
   or the ``landcheck`` executable itself);
2. ``environment`` in the ``[landcheck]`` section of ``config.ini`` beside
   this file, written by ``make qgis-plugin``;
3. ``landcheck`` on the ``PATH``.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

__all__ = [
    "CONFIG_FILE",
    "FALLBACK_LAYERS",
    "EnvironmentProblem",
    "LayerKey",
    "check_options",
    "configured_environment",
    "find_landcheck",
    "forget_check_options",
    "profile_layers",
    "subprocess_environment",
]

CONFIG_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.ini")
"""Written by ``make qgis-plugin`` into the installed copy: ``[landcheck] environment = …``."""

QUERY_TIMEOUT_S = 120
"""Longest wait for ``landcheck profile layers`` or ``landcheck check --help``."""

# Variables QGIS may set for its own GDAL, PROJ and Python (the Windows and macOS
# installers do) that would make the environment's pyproj, pyogrio or Python
# load the wrong data or modules.
_FOREIGN_VARIABLES = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PROJ_LIB",
    "PROJ_DATA",
    "GDAL_DATA",
    "GDAL_DRIVER_PATH",
)


class EnvironmentProblem(Exception):
    """The configured landcheck cannot be found or queried; the message says how to fix it."""


@dataclass(frozen=True)
class LayerKey:
    """A layer key of a profile: what ``--layer KEY=PATH`` supplies."""

    key: str
    kind: str
    title_zh: str
    title_en: str
    has_source: bool = False

    @property
    def parameter(self) -> str:
        """The Processing parameter name: the key in capitals (``farmland`` → ``FARMLAND``)."""
        return self.key.upper()


FALLBACK_LAYERS = (
    LayerKey("farmland", "permanent_farmland", "永久基本农田", "permanent basic farmland"),
    LayerKey("eco_redline", "eco_redline", "生态保护红线", "ecological protection redline"),
    LayerKey("urban_boundary", "urban_boundary", "城镇开发边界", "urban development boundary"),
    LayerKey("planning_zones", "planning_zone", "规划分区", "planning zones"),
    LayerKey(
        "land_use",
        "land_use",
        "土地利用现状（三调地类图斑）",
        "current land use (third land survey parcels)",
    ),
    LayerKey("townships", "admin", "乡镇行政区", "townships"),
    LayerKey("protected_areas", "protected_area", "自然保护地", "protected areas"),
    LayerKey(
        "approved_land", "approved_land", "已批建设用地", "land already approved for construction"
    ),
    LayerKey("forest", "forest", "林地（林地一张图）", "forest land (forest land map)"),
    LayerKey("grassland", "grassland", "草原", "grassland"),
    LayerKey("wetland", "wetland", "湿地", "wetland"),
    LayerKey(
        "mineral_rights",
        "mineral_rights",
        "矿业权（采矿权、探矿权）",
        "mineral rights (mining and exploration)",
    ),
    LayerKey("geohazard", "geohazard_zone", "地质灾害易发区", "geohazard susceptibility zones"),
    LayerKey("geohazard_points", "hazard_points", "地质灾害隐患点", "geohazard points"),
    LayerKey(
        "heritage",
        "heritage",
        "文物保护单位及地下文物埋藏区",
        "heritage sites and buried-relics zones",
    ),
    LayerKey(
        "illegal_land",
        "illegal_land",
        "违法用地图斑（卫片执法）",
        "illegal land use (satellite enforcement parcels)",
    ),
)
"""The layer keys of the built-in profile ``china-preexam`` (2026-12), used when the
environment cannot be asked for its own."""


def configured_environment(setting: str | None, config_file: str = CONFIG_FILE) -> str | None:
    """The environment to use: the Processing option, else ``config.ini``, else None.

    Examples
    --------
    >>> configured_environment("/opt/venv", config_file="/nonexistent.ini")
    '/opt/venv'
    >>> configured_environment("  ", config_file="/nonexistent.ini") is None
    True
    """
    if setting and setting.strip():
        return setting.strip()
    parser = configparser.ConfigParser()
    if parser.read(config_file, encoding="utf-8"):
        value = parser.get("landcheck", "environment", fallback="").strip()
        if value:
            return value
    return None


def find_landcheck(environment: str | None) -> str:
    """The ``landcheck`` executable of ``environment`` (a folder or the executable).

    Without an environment, ``landcheck`` on the PATH.

    Raises
    ------
    EnvironmentProblem
        Nothing runnable was found; the message names the places looked at.
    """
    if environment is None:
        found = shutil.which("landcheck")
        if found is None:
            raise EnvironmentProblem(
                "no landcheck environment is configured and `landcheck` is not on the PATH: "
                "run `make qgis-plugin` in the landcheck repository, or set Processing ▸ "
                "Options ▸ Providers ▸ landcheck ▸ landcheck environment to its .venv folder"
            )
        return found
    path = os.path.expanduser(environment)
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    candidates = [
        os.path.join(path, "bin", "landcheck"),
        os.path.join(path, "Scripts", "landcheck.exe"),
    ]
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise EnvironmentProblem(
        f"the landcheck environment {environment!r} has no landcheck command (looked for "
        f"{' and '.join(candidates)}): run `make qgis-plugin` in the landcheck repository "
        "again, or set Processing ▸ Options ▸ Providers ▸ landcheck ▸ landcheck environment "
        "to a folder where landcheck is installed"
    )


def subprocess_environment() -> dict[str, str]:
    """Environment variables for the landcheck subprocess.

    QGIS's own Python, GDAL and PROJ variables are removed; output is UTF-8.
    """
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_VARIABLES}
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONUTF8"] = "1"
    return env


def _query(command: list[str]) -> str:
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            env=subprocess_environment(),
            timeout=QUERY_TIMEOUT_S,
            check=False,
            **_hidden_window(),
        )
    except (OSError, subprocess.TimeoutExpired) as ex:
        raise EnvironmentProblem(f"`{' '.join(command)}` could not run: {ex}") from ex
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise EnvironmentProblem(
            f"`{' '.join(command)}` failed (exit {done.returncode}): "
            + (message[-1] if message else "no message")
        )
    return done.stdout.decode("utf-8", "replace")


def _hidden_window() -> dict[str, int]:
    """No console window flashing up on Windows."""
    if sys.platform == "win32":
        return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    return {}


def parse_layers(text: str) -> tuple[LayerKey, ...]:
    """The layer keys in the output of ``landcheck profile layers --json``.

    Examples
    --------
    >>> parse_layers('{"layers": [{"key": "farmland", "kind": "permanent_farmland", '
    ...              '"title": {"zh": "永久基本农田", "en": "farmland"}, "has_source": false}]}')
    (LayerKey(key='farmland', kind='permanent_farmland', title_zh='永久基本农田', title_en='farmland', has_source=False),)
    """  # noqa: E501
    data = json.loads(text)
    return tuple(
        LayerKey(
            key=str(item["key"]),
            kind=str(item.get("kind", "")),
            title_zh=str(item.get("title", {}).get("zh", item["key"])),
            title_en=str(item.get("title", {}).get("en", item["key"])),
            has_source=bool(item.get("has_source", False)),
        )
        for item in data["layers"]
    )


def profile_layers(executable: str, profile: str) -> tuple[LayerKey, ...]:
    """Ask ``executable`` for the layer keys of ``profile`` (a built-in name or a YAML path).

    Raises
    ------
    EnvironmentProblem
        The command failed, is too old to answer (no ``profile layers``) or answered nonsense.
    """
    text = _query([executable, "profile", "layers", "--json", profile])
    try:
        return parse_layers(text)
    except (ValueError, KeyError, TypeError, AttributeError) as ex:
        raise EnvironmentProblem(
            f"`landcheck profile layers` gave an answer the plugin does not understand: {ex}"
        ) from ex


_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")


def parse_options(help_text: str) -> frozenset[str]:
    r"""The long options a ``--help`` text lists.

    Examples
    --------
    >>> sorted(parse_options("  --stage [preexam|approval]  Review stage.\n  -o, --output DIR"))
    ['--output', '--stage']
    """
    return frozenset(_OPTION.findall(help_text))


_CHECK_OPTIONS: dict[str, frozenset[str]] = {}


def check_options(executable: str) -> frozenset[str]:
    """The options ``landcheck check`` of ``executable`` accepts (from its ``--help``).

    Asked once per executable until :func:`forget_check_options` (the provider
    calls it when it reloads its algorithms, e.g. after its options changed).
    """
    if executable not in _CHECK_OPTIONS:
        _CHECK_OPTIONS[executable] = parse_options(_query([executable, "check", "--help"]))
    return _CHECK_OPTIONS[executable]


def forget_check_options() -> None:
    """Ask ``landcheck check --help`` again on the next run (landcheck may have changed)."""
    _CHECK_OPTIONS.clear()
