"""``landcheck inspect``: describe a vector file before using it."""

from __future__ import annotations

import json

import click

from landcheck.cli.options import encoding_option

__all__ = ["inspect_command"]


def _human(report: dict) -> str:
    lines = [f"{report['path']}" + (f"  ({report['size_bytes']:,} bytes)" if report["size_bytes"] else "")]
    for layer in report["layers"]:
        lines.append(f"  layer {layer['layer']!r} ({layer['driver']})")
        lines.append(f"    features: {layer['features']:,}; geometry: {', '.join(layer['geometry_types']) or '-'}")
        lines.append(f"    crs: {layer['crs'] or 'none'}" + (f" ({layer['crs_name']})" if layer["crs_name"] else ""))
        lines.append(f"    crs check: {layer['crs_check']}")
        if layer["extent"]:
            lines.append("    extent: " + ", ".join(f"{v:.3f}" for v in layer["extent"]))
        lines.append(
            f"    invalid geometries: {layer['invalid']} ({layer['repairable']} repairable); "
            f"empty: {layer['empty']}"
        )
        if layer["encoding"]:
            lines.append(f"    encoding: {layer['encoding']}")
        lines.append(f"    fields: {', '.join(layer['fields'])}")
    return "\n".join(lines)


@click.command("inspect")
@click.argument("path", metavar="PATH[:LAYER]")
@encoding_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--indent", type=int, default=2, show_default=True, help="JSON indentation.")
def inspect_command(path: str, encoding: str | None, as_json: bool, indent: int) -> None:
    """Describe PATH: layers, CRS (and whether it fits the coordinates), counts, geometry health."""
    from landcheck.io.inspect import inspect_source

    report = inspect_source(path, encoding=encoding)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=indent))
    else:
        click.echo(_human(report))
