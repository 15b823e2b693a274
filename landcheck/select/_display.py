"""Shared pieces of the selection results' notebook display: HTML and maps."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landcheck.typeface import font_families

__all__ = [
    "LAYER_STYLE",
    "STATUS_COLOURS",
    "html_block",
    "json_safe",
    "label",
    "legend",
    "new_axes",
    "plot_layer",
    "text_style",
]

STATUS_COLOURS = {
    "prohibited": "#c0392b",
    "unknown": "#8e44ad",
    "conditional": "#e67e22",
    "info": "#2e86c1",
    "not_involved": "#27ae60",
}
"""Status → colour, shared by tables and maps."""

LAYER_STYLE = {
    "permanent_farmland": {"facecolor": "#f4d03f", "edgecolor": "#b7950b", "alpha": 0.55},
    "eco_redline": {"facecolor": "#52be80", "edgecolor": "#1e8449", "alpha": 0.55},
    "urban_boundary": {
        "facecolor": "none",
        "edgecolor": "#7d3c98",
        "linewidth": 1.2,
        "linestyle": "--",
    },
    "generic": {"facecolor": "#aab7b8", "edgecolor": "#616a6b", "alpha": 0.5},
}
"""Layer kind → matplotlib style for context layers on maps."""


def json_safe(value: Any) -> Any:
    """Turn numpy and pandas scalars into JSON types, NaN and infinity into None."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(float(value)) else None
    if value is pd.NA or value is None:
        return None
    return value


def _status_cell(value: Any) -> str:
    colour = STATUS_COLOURS.get(str(value))
    text = html.escape(str(value))
    return f'<span style="color:{colour};font-weight:bold">{text}</span>' if colour else text


def _cell(value: Any, is_status: bool) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _status_cell(value) if is_status else html.escape(str(value))


def html_block(
    title: str,
    facts: Iterable[tuple[str, str]],
    table: pd.DataFrame,
    *,
    notes: Iterable[str] = (),
    warnings: Iterable[str] = (),
    max_rows: int = 50,
) -> str:
    """An HTML block: a title, key facts, a table (statuses coloured), notes and warnings."""
    parts = [f"<div><h4>{html.escape(title)}</h4>"]
    facts = list(facts)
    if facts:
        parts.append(
            "<ul>"
            + "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in facts)
            + "</ul>"
        )
    for note in notes:
        parts.append(f"<p>{html.escape(note)}</p>")
    shown = table.head(max_rows).copy()
    for column in shown.columns:
        if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
            cells = shown[column].astype(object)
            shown[column] = [_cell(v, column == "status") for v in cells]
    parts.append(
        shown.to_html(
            index=False,
            escape=False,
            float_format=lambda v: f"{v:,.4f}",
            na_rep="–",
            border=0,
        )
    )
    if len(table) > max_rows:
        parts.append(f"<p>… {len(table) - max_rows} more rows</p>")
    warnings = list(warnings)
    if warnings:
        parts.append(
            "<details><summary>warnings ({})</summary><ul>{}</ul></details>".format(
                len(warnings), "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
            )
        )
    parts.append("</div>")
    return "".join(parts)


def new_axes(ax: Any = None, figsize: tuple[float, float] = (8.0, 8.0)) -> Any:
    """The axes to draw on: the one given, or a new figure's."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_layer(ax: Any, frame: gpd.GeoDataFrame | None, **style: Any) -> None:
    """Draw a GeoDataFrame if it has any non-empty geometry."""
    if frame is None or frame.empty:
        return
    geoms = frame.geometry
    usable = frame[~(geoms.isna() | geoms.is_empty)]
    if usable.empty:
        return
    usable.plot(ax=ax, **style)


def text_style() -> dict[str, Any]:
    """Font for map labels: the bundled CJK font (:mod:`landcheck.typeface`)."""
    try:
        return {"fontfamily": list(font_families())}
    except (OSError, ValueError):  # pragma: no cover - a damaged font file
        return {}


def label(ax: Any, geometry: Any, text: str, *, above: bool = True, size: int = 8) -> None:
    """Write a boxed label on (or just above) a polygon."""
    point = geometry.representative_point()
    ax.annotate(
        text,
        (point.x, point.y),
        xytext=(0, 10 if above else 0),
        textcoords="offset points",
        ha="center",
        va="bottom" if above else "center",
        fontsize=size,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.5", "alpha": 0.85},
        parse_math=False,  # a name holding "$…$" is written as it is, never set as a formula
        **text_style(),
    )


def legend(ax: Any, entries: list[tuple[str, dict[str, Any]]]) -> None:
    """A legend of filled patches: ``(label, style)`` pairs."""
    from matplotlib.patches import Patch

    handles = []
    for text, style in entries:
        face = style.get("facecolor", "none")
        handles.append(
            Patch(
                facecolor=face,
                edgecolor=style.get("edgecolor", "black"),
                alpha=style.get("alpha", 1.0),
                linestyle=style.get("linestyle", "-"),
                label=text,
            )
        )
    if handles:
        from matplotlib import rc_context

        with rc_context({"text.parse_math": False}):  # the labels as written (see label)
            ax.legend(handles=handles, loc="best", fontsize=7, framealpha=0.85)


def finish(ax: Any, title: str) -> None:
    """Equal aspect, plain coordinates with few ticks (Gauss-Kruger numbers are long), title."""
    from matplotlib.ticker import MaxNLocator

    ax.set_aspect("equal")
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=10, parse_math=False)
