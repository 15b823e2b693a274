"""The notebook face of a CheckResult: a compact HTML summary and an interactive map.

:func:`summary_html` is what :meth:`CheckResult._repr_html_` shows in Jupyter;
:func:`explore` draws the sites and their overlaps on a folium map (the
``maps`` extra: ``pip install landcheck[maps]``).
"""

from __future__ import annotations

from html import escape
from typing import Any

from landcheck.crs import crs_label
from landcheck.labels import status_label
from landcheck.profile import STATUSES
from landcheck.report.palette import SITE_COLOR, STATUS_COLORS, layer_color
from landcheck.result import CheckResult

__all__ = ["MAX_ROWS", "explore", "summary_html"]

MAX_ROWS = 30
"""Sites listed by :func:`summary_html` before it says how many more there are."""


def _badge(status: str, lang: str) -> str:
    color = STATUS_COLORS.get(status, "#7f8c8d")
    return (
        f'<span style="background:{color};color:#fff;border-radius:9px;padding:0 7px;'
        f'white-space:nowrap">{escape(status_label(status, lang))}</span>'
    )


def summary_html(result: CheckResult, *, lang: str = "zh", max_rows: int = MAX_ROWS) -> str:
    """A compact HTML summary: run facts, status counts, one line per site."""
    zh = lang == "zh"
    counts = result.statuses.value_counts()
    badges = " ".join(f"{_badge(s, lang)}&nbsp;{int(counts[s])}" for s in STATUSES if s in counts)
    if zh:
        method = "椭球面积" if result.area_method == "ellipsoidal" else "平面面积"
    else:
        method = f"{result.area_method} areas"
    head = (
        f"<b>CheckResult</b> · {len(result.sites)} {'个项目用地' if zh else 'site(s)'} · "
        f"{escape(result.profile.name)} {escape(result.profile.version)} · "
        f"{escape(crs_label(result.analysis_crs))} · "
        f"{escape(method)}"
    )
    headers = (
        ("用地编号", "名称", "结论", "面积（公顷）", "主要问题")
        if zh
        else ("site", "name", "status", "area (ha)", "main issues")
    )
    rows = []
    summary = result.summary
    for position, site_id in enumerate(result.site_ids[:max_rows]):
        row = summary.iloc[position]
        issues = [
            f.title.get(lang)
            for f in result.site_findings(site_id)
            if f.status in ("prohibited", "unknown", "conditional")
        ]
        rows.append(
            "<tr>"
            f"<td>{escape(str(site_id))}</td><td>{escape(str(row['name'] or ''))}</td>"
            f"<td>{_badge(str(row['status']), lang)}</td>"
            f'<td style="text-align:right">{float(row["ha"]):.4f}</td>'
            f"<td>{escape(('、' if zh else ', ').join(issues))}</td></tr>"
        )
    more = len(result.sites) - max_rows
    if more > 0:
        rows.append(f'<tr><td colspan="5">… {more} {"个未列出" if zh else "more"}</td></tr>')
    cells = "".join(f'<th style="text-align:left">{h}</th>' for h in headers)
    warnings = ""
    if result.warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in result.warnings[:5])
        warnings = f'<ul style="margin:4px 0;color:#7d6608">{items}</ul>'
    return (
        '<div class="landcheck-result">'
        f'<div>{head}</div><div style="margin:4px 0">{badges}</div>{warnings}'
        f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "</div>"
    )


def _import_folium() -> Any:
    try:
        import folium
    except ImportError as ex:
        raise ImportError(
            "result.explore() needs folium, which is not installed; install the maps extra: "
            "pip install landcheck[maps]"
        ) from ex
    return folium


def explore(
    result: CheckResult,
    site_id: str | None = None,
    *,
    lang: str = "zh",
    tiles: str | None = "OpenStreetMap",
) -> Any:
    """An interactive map of the sites and their overlaps (a :class:`folium.Map`).

    Parameters
    ----------
    result : CheckResult
        What to show.
    site_id : str, optional
        Zoom to this site (default: all sites).
    lang : {"zh", "en"}
        Language of layer names and tooltips.
    tiles : str or None
        Background tiles (folium's names); None for no background, e.g. offline.

    Raises
    ------
    ImportError
        folium is not installed (``pip install landcheck[maps]``).
    """
    folium = _import_folium()
    sites = result.summary.to_crs(4326)
    if site_id is not None:
        focus = sites.iloc[[result._position(site_id)]]
    else:
        focus = sites
    fmap = folium.Map(tiles=tiles, control_scale=True)
    pieces = result.piece_table
    for key, spec in result.profile.layers.items():
        part = pieces[pieces["layer"] == key]
        if part.empty:
            continue
        style = layer_color(result, key)
        frame = part[
            ["site_id", "feature_id", "code", "name", "planar_m2", "ellipsoidal_m2", "geometry"]
        ].to_crs(4326)
        group = folium.FeatureGroup(
            name=spec.title.get(lang), show=spec.kind not in ("land_use", "planning_zone", "admin")
        )
        folium.GeoJson(
            frame.__geo_interface__,
            style_function=lambda _, s=style: {
                "fillColor": s["color"],
                "color": s["edge"],
                "weight": 1,
                "fillOpacity": 0.55,
            },
            tooltip=folium.GeoJsonTooltip(
                fields=["site_id", "feature_id", "code", "name", f"{result.area_method}_m2"]
            ),
        ).add_to(group)
        group.add_to(fmap)
    frame = sites[["site_id", "name", "status", "ha", "geometry"]].copy()
    frame["status"] = [status_label(s, lang) for s in frame["status"]]
    outline = folium.FeatureGroup(name="项目用地" if lang == "zh" else "sites")
    folium.GeoJson(
        frame.__geo_interface__,
        style_function=lambda _: {"fillOpacity": 0.0, "color": SITE_COLOR, "weight": 3},
        tooltip=folium.GeoJsonTooltip(fields=["site_id", "name", "status", "ha"]),
    ).add_to(outline)
    outline.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    xmin, ymin, xmax, ymax = focus.total_bounds
    fmap.fit_bounds([[ymin, xmin], [ymax, xmax]])
    return fmap
