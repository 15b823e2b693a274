"""``landcheck inspect``: describe an input (vector file, boundary TXT, DXF) before using it."""

from __future__ import annotations

import json
from typing import Any

import click

from landcheck.cli.options import encoding_option, indent_option, json_option
from landcheck.cli.terminal import terminal_text

__all__ = ["inspect_command"]


def _area(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _plots(report: dict[str, Any]) -> list[str]:
    lines = [f"  plots: {len(report['plots'])}"]
    lines.append(
        "    id          name            parts holes points  declared ha  computed ha   diff %"
    )
    for plot in report["plots"]:
        diff = plot["difference_pct"]
        lines.append(
            f"    {plot['site_id']:<11} {plot['name'][:14]:<14} {plot['parts']:>6} "
            f"{plot['holes']:>5} {plot['points']:>6} {_area(plot['declared_ha']):>12} "
            f"{_area(plot['computed_ha']):>12} {'-' if diff is None else f'{diff:+.2f}':>8}"
        )
    return lines


def _human(report: dict[str, Any]) -> str:
    size = f"  ({report['size_bytes']:,} bytes)" if report["size_bytes"] else ""
    lines = [f"{report['path']}{size}  [{report.get('format') or '?'}]"]
    for layer in report["layers"]:
        label = f"layer {layer['layer']!r}" if layer["layer"] is not None else "content"
        lines.append(f"  {label} ({layer['driver']})")
        if "error" in layer:  # a table of a database that cannot be read
            lines.append(f"    cannot be read: {layer['error']}")
            continue
        lines.append(
            f"    features: {layer['features']:,}; geometry: "
            f"{', '.join(layer['geometry_types']) or '-'}"
        )
        name = f" ({layer['crs_name']})" if layer["crs_name"] else ""
        lines.append(f"    crs: {layer['crs'] or 'none'}{name}")
        lines.append(f"    crs check: {layer['crs_check']}")
        for suggestion in layer.get("crs_suggestions", ()):
            lines.append(f"      maybe {suggestion['crs']}: {suggestion['reason']}")
        if layer["extent"]:
            lines.append("    extent: " + ", ".join(f"{v:.3f}" for v in layer["extent"]))
        lines.append(
            f"    invalid geometries: {layer['invalid']} ({layer['repairable']} repairable); "
            f"empty: {layer['empty']}"
        )
        lines.append(f"    encoding: {layer.get('encoding_note') or layer['encoding'] or '-'}")
        lines.append(f"    fields: {', '.join(layer['fields'])}")
    if "plots" in report:
        lines += _plots(report)
    for key, value in report.get("metadata", {}).items():
        lines.append(f"  {key}={value}")
    for warning in report.get("warnings", ()):
        lines.append(f"  warning: {warning}")
    return "\n".join(lines)


@click.command("inspect")
@click.argument("path", metavar="PATH[:LAYER]")
@encoding_option
@json_option
@indent_option
def inspect_command(path: str, encoding: str | None, as_json: bool, indent: int) -> None:
    """Describe PATH: layers, CRS (and whether it fits the coordinates), counts, geometry health.

    Also the attribute encoding (detected for shapefiles without .cpg); for a
    boundary TXT its plots with declared and computed areas and its
    warnings; for a DXF what would be read as sites.
    """
    from landcheck.io.inspect import inspect_source

    report = inspect_source(path, encoding=encoding)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=indent))
    else:
        click.echo(terminal_text(_human(report)))
