"""report.html's SVG site maps: the PNG's picture (legends, labels, scale, outline), text safe."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import numpy as np
import pytest
import shapely
from common import sites, square
from lxml import etree, html
from matplotlib.colors import to_hex
from report_case import layers, result, site_frame

import landcheck
from landcheck.report import svgmap
from landcheck.report.html import render_html
from landcheck.report.maps import LEGEND_GID, site_map
from landcheck.report.mapview import (
    Furniture,
    clipped_to_view,
    nice_length,
    text_width,
    view_window,
)
from landcheck.report.svgmap import site_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE_ID = "</svg><script>alert(1)</script>"
HOSTILE_NAME = '" onload="alert(2)'
HOSTILE_TOWN = "]]></text><script>alert(3)</script>"


@pytest.fixture(scope="module")
def sample(sample_gpkg, sample_layers):
    return landcheck.check(f"{sample_gpkg}:sites", layers=sample_layers)


def parse(svg: str) -> etree._Element:
    """The SVG as XML: it must be well formed on its own."""
    return etree.fromstring(svg.encode("utf-8"))


def texts(element: etree._Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def panels(root: etree._Element) -> dict[str, etree._Element]:
    return {g.get("data-panel"): g for g in root.iter(f"{SVG}g") if g.get("class") is None}


def legends(root: etree._Element) -> dict[str, etree._Element]:
    return {g.get("data-panel"): g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"}


def swatches(legend: etree._Element) -> list[tuple[str, str]]:
    """(fill, hatched) of each legend entry's swatch, in order."""
    rects = list(legend.iter(f"{SVG}rect"))
    out = []
    for i, rect in enumerate(rects):
        if rect.get("fill", "").startswith("url("):
            continue
        hatched = i + 1 < len(rects) and rects[i + 1].get("fill", "").startswith("url(")
        fill = rect.get("fill")
        out.append((fill if fill == "none" else to_hex(fill), hatched))
    return out


def png_legend(ax) -> tuple[list, list]:
    """The swatches and texts of a PNG map panel's legend, top to bottom."""
    return (
        [p for p in ax.patches if p.get_gid() == LEGEND_GID],
        [t for t in ax.texts if t.get_gid() == LEGEND_GID],
    )


def png_swatches(ax) -> list[tuple[str, str]]:
    out = []
    for swatch in png_legend(ax)[0]:
        face = swatch.get_facecolor()
        fill = "none" if face[3] == 0 else to_hex(face, keep_alpha=False)
        out.append((fill, bool(swatch.get_hatch())))
    return out


def frame_of(root: etree._Element, panel: str) -> tuple[float, float, float]:
    """The panel's axes in pixels: left, top, side."""
    index = list(panels(root)).index(panel)
    rect = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "frame"][index]
    return float(rect.get("x")), float(rect.get("y")), float(rect.get("width"))


def vertices(path: str) -> np.ndarray:
    pairs = re.findall(r"-?[\d.]+,-?[\d.]+", path)
    return np.array([[float(v) for v in pair.split(",")] for pair in pairs])


def compare_with_png(case: landcheck.CheckResult, site_id: str, lang: str) -> None:
    svg = site_svg(case, site_id, lang=lang)
    root = parse(svg)
    figure = site_map(case, site_id, lang=lang)
    assert root.find(f"{SVG}title").text == figure.get_suptitle()
    drawn = panels(root)
    assert len(drawn) == len(figure.axes)
    for (panel, group), ax in zip(drawn.items(), figure.axes, strict=True):
        legend = legends(root)[panel]
        assert texts(legend) == [t.get_text() for t in png_legend(ax)[1]], panel
        assert swatches(legend) == png_swatches(ax), panel
        labels = [t.get_text() for t in ax.texts if t.get_text() and t.get_gid() != LEGEND_GID]
        assert sorted(texts(group)) == sorted(labels), panel
    titles = [t for t in texts(root) if t in {ax.get_title() for ax in figure.axes}]
    assert titles == [ax.get_title() for ax in figure.axes]


def test_the_svg_has_the_png_legends_labels_and_titles_for_every_sample_site(sample):
    for site_id in sample.site_ids:
        compare_with_png(sample, site_id, "zh")
    for site_id in sample.site_ids[:6]:
        compare_with_png(sample, site_id, "en")


def test_the_report_case_in_both_languages():
    case = result()
    compare_with_png(case, "S1", "zh")
    compare_with_png(case, "S2", "en")
    root = parse(site_svg(case, "S1"))
    assert texts(legends(root)["constraints"])[:2] == ["项目用地 S1", "永久基本农田 1.0000 公顷"]
    assert "中枢镇" in texts(panels(root)["constraints"])  # the township's name in the map


def test_the_png_legends_lie_where_the_svg_puts_them():
    """At the SVG's size (4.2 in panels, 110 px an inch) each swatch and text of the PNG's
    legends is where the SVG draws it, to its tenth of a pixel; a swatch has its handle's look."""
    case = result()
    for site_id, lang in (("S1", "zh"), ("S2", "en")):
        root = parse(site_svg(case, site_id, lang=lang))
        figure = site_map(case, site_id, lang=lang)
        figure.dpi = svgmap.DPI
        height = figure.get_size_inches()[1] * svgmap.DPI
        assert float(root.get("height")) == pytest.approx(height, abs=0.5)
        for panel, ax in zip(legends(root), figure.axes, strict=True):
            rects = legends(root)[panel].iter(f"{SVG}rect")
            rects = [r for r in rects if not r.get("fill", "").startswith("url(")]
            drawn, labels = png_legend(ax)
            assert len(drawn) == len(rects) == len(labels) >= 2, panel
            for rect, swatch, label in zip(rects, drawn, labels, strict=True):
                (x0, y0), (x1, y1) = swatch.get_data_transform().transform(
                    [
                        (swatch.get_x(), swatch.get_y() + swatch.get_height()),
                        (swatch.get_x() + swatch.get_width(), swatch.get_y()),
                    ]
                )
                svg_box = [float(rect.get(k)) for k in ("x", "y", "width", "height")]
                assert [x0, height - y0, x1 - x0, y0 - y1] == pytest.approx(svg_box, abs=0.06)
                assert swatch.get_clip_on() is False and label.get_clip_on() is False
                x, y = label.get_transform().transform(label.get_position())
                assert x == pytest.approx(x0 + 2.4 * 7.5 * svgmap.DPI / 72, abs=0.01)
                assert height - y == pytest.approx(svg_box[1] + svg_box[3] / 2, abs=0.06)
    figure = site_map(case, "S1", lang="zh")
    swatches_, _ = png_legend(figure.axes[0])
    farmland = swatches_[1]  # after the site's own: permanent farmland, hatched in its colour
    assert farmland.get_hatch() and farmland.get_alpha() == 0.75
    assert all(ax.get_legend() is None for ax in figure.axes)  # no matplotlib legend to lay out


def test_scale_bar_is_a_round_length_drawn_to_scale(sample):
    for site_id in sample.site_ids:
        root = parse(site_svg(sample, site_id))
        window = view_window(sample.sites.geometry.iloc[sample._position(site_id)])
        span = window[2] - window[0]
        _, _, side = frame_of(root, "constraints")
        scale = side / span
        for bar in (g for g in root.iter(f"{SVG}g") if g.get("class") == "scale-bar"):
            metres = float(bar.get("data-metres"))
            assert metres == nice_length(span)
            mantissa = metres / 10 ** np.floor(np.log10(metres))
            assert round(mantissa, 9) in (1.0, 2.0, 5.0)
            assert span / 10 < metres <= span / 4
            pixels = sum(float(r.get("width")) for r in bar.iter(f"{SVG}rect"))
            assert pixels == pytest.approx(metres * scale, abs=0.02)


def test_the_site_outline_is_the_site_vertex_for_vertex(sample):
    for site_id in sample.site_ids:
        root = parse(site_svg(sample, site_id))
        geometry = sample.sites.geometry.iloc[sample._position(site_id)]
        xmin, _, xmax, ymax = view_window(geometry)
        outlines = [p for p in root.iter(f"{SVG}path") if p.get("class") == "site"]
        assert len(outlines) == len(panels(root))
        for panel, outline in zip(panels(root), outlines, strict=True):
            left, top, side = frame_of(root, panel)
            scale = side / (xmax - xmin)
            drawn = vertices(outline.get("d"))
            back = np.column_stack(
                [xmin + (drawn[:, 0] - left) / scale, ymax - (drawn[:, 1] - top) / scale]
            )
            exact = shapely.get_coordinates(geometry)
            distance = np.hypot(*(back[:, None, :] - exact[None, :, :]).transpose(2, 0, 1))
            assert distance.min(axis=1).max() * scale <= 0.1  # each drawn vertex is the site's
            assert distance.min(axis=0).max() * scale <= 0.1  # each vertex of the site is drawn


def test_a_layer_without_data_shows_unavailable_as_the_png_does():
    case = layers()
    del case["land_use"], case["farmland"]
    checked = landcheck.check(site_frame(), layers=case, area_method="planar")
    root = parse(site_svg(checked, "S1"))
    assert texts(legends(root)["land_use"]) == ["项目用地 S1", "图层未提供或不可用，无法判定"]
    assert texts(legends(root)["constraints"])[1] == "永久基本农田：图层未提供或不可用，无法判定"
    assert swatches(legends(root)["land_use"])[1] == ("#ffffff", True)
    compare_with_png(checked, "S1", "zh")
    english = parse(site_svg(checked, "S1", lang="en"))
    assert texts(legends(english)["land_use"])[1] == "layer missing or unusable: not checked"


def test_the_svg_refers_only_to_itself_and_holds_no_script(sample):
    page = render_html(sample)
    root = html.document_fromstring(page)
    maps = root.xpath("//svg")
    assert len(maps) == len(sample.site_ids)
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids))  # every map's patterns and clips have their own ids
    for svg in maps:
        text = etree.tostring(svg, encoding="unicode")
        assert "<foreignObject" not in text and "<script" not in text and "style=" not in text
        assert not re.search(r"\bhref\b", text)
        for target in re.findall(r"url\(([^)]*)\)", text):
            assert target.startswith("#") and target[1:] in ids
        for element in svg.iter():
            assert not [a for a in element.attrib if a.lower().startswith("on")]


def hostile() -> landcheck.CheckResult:
    site = site_frame()
    site.loc[0, "site_id"] = HOSTILE_ID
    site.loc[1, "name"] = HOSTILE_NAME
    case = layers()
    case["townships"].loc[0, "XZQMC"] = HOSTILE_TOWN
    return landcheck.check(site, layers=case, area_method="planar")


def test_hostile_ids_and_names_stay_text_in_the_maps():
    checked = hostile()
    page = render_html(checked)
    root = html.document_fromstring(page)
    assert root.xpath("//script") == []
    assert [e for e in root.iter() if any(a.lower().startswith("on") for a in e.attrib)] == []
    assert len(root.xpath("//svg")) == 2
    words = " ".join(root.xpath("//svg//text//text()"))
    assert HOSTILE_ID in words and HOSTILE_TOWN in words
    assert root.xpath("//svg/title/text()")[1].startswith(f"S2 {HOSTILE_NAME}")
    svg = site_svg(checked, HOSTILE_ID)
    assert "&lt;/svg&gt;&lt;script&gt;" in svg and "]]&gt;" in svg
    assert f"项目用地 {HOSTILE_ID}" in texts(parse(svg))  # well-formed XML, the text as it was
    title = parse(site_svg(checked, "S2")).find(f"{SVG}title").text
    assert title.startswith(f"S2 {HOSTILE_NAME}（")


def test_an_id_prefix_that_is_not_a_name_is_refused():
    with pytest.raises(ValueError, match="SVG id prefix"):
        site_svg(result(), "S1", prefix='x" onload="y')


def test_the_rows_drawn_are_those_a_frame_filtered_for_the_site_and_window_holds(sample):
    """Both maps find each site's pieces and the features around it through indexes kept for
    the batch: the rows filtering the frames gives, in their order, with the context and
    without it (then the other sites' pieces in view)."""
    from landcheck.report import mapview

    without = dataclasses.replace(sample, context={})
    for case in (sample, without):
        for key, pieces in case.pieces.items():
            for position, site_id in enumerate(case.site_ids):
                window = view_window(case.sites.geometry.iloc[position])
                mine, others = mapview.site_pieces(case, key, position, window)
                own = pieces[pieces["site"].to_numpy() == position]
                assert list(mine.geometries) == list(own.geometry.values), (key, site_id)
                assert mine.codes == list(mapview.piece_codes(own))
                assert mine.names == list(own.get("_name", own["feature"]))
                around = case.context.get(key)
                if around is None:
                    around = pieces[pieces["site"].to_numpy() != position]
                seen = around[around.intersects(shapely.box(*window))] if len(around) else around
                if not len(seen):
                    assert others is None or not len(others)
                else:
                    assert list(others.geometries) == list(seen.geometry.values), (key, site_id)


def test_the_other_sites_are_each_sites_own_outline_id_and_label_point(sample):
    """Every other site meeting the window, in order; each labelled on its part outside the
    drawn site when that is over a twentieth of what the window shows of it."""
    from landcheck.report import mapview

    sites = sample.sites
    found = 0
    for position in range(len(sites)):
        window = view_window(sites.geometry.iloc[position])
        others = mapview.other_sites(sample, position, window)
        near = [
            i
            for i, g in enumerate(sites.geometry)
            if i != position and g is not None and g.intersects(shapely.box(*window))
        ]
        if others is None:
            assert not near
            continue
        found += 1
        assert list(others.geometries) == [sites.geometry.iloc[i] for i in near]
        assert list(others.ids) == [sites["site_id"].iloc[i] for i in near]
        for i, point in zip(near, others.points, strict=True):
            visible = sites.geometry.iloc[i].intersection(shapely.box(*window))
            outside = visible.difference(sites.geometry.iloc[position])
            shown = outside if outside.area > 0.05 * visible.area else visible
            assert point.equals(shown.representative_point())
    assert found  # the sample has sites side by side


def test_a_map_among_many_variants_draws_the_nearest_forty_and_says_how_many_are_left_out():
    """Sixty variants of one site, each 300 m x 200 m, shifted east by 1 m: every one is in every
    other's window. S1's map draws the forty nearest (S2..S41, shifted 1..40 m), S31's those 1 to
    20 m away on either side (S11..S51 but itself); the legend counts the nineteen left out, in
    the SVG as in the PNG."""
    from landcheck.report import mapview

    count = 60
    variants = sites(*(square(k, 0, 300, 200) for k in range(count)))
    case = landcheck.check(variants, layers=layers(), area_method="planar")
    for position, expected in ((0, range(1, 41)), (30, [*range(10, 30), *range(31, 51)])):
        window = view_window(variants.geometry.iloc[position])
        others = mapview.other_sites(case, position, window)
        assert list(others.ids) == [f"S{k + 1}" for k in expected]
        assert others.left_out == count - 1 - mapview.OTHER_SITES_DRAWN == 19
    root = parse(site_svg(case, "S1", lang="en"))
    for panel in panels(root):
        assert "other sites (19 more not drawn)" in texts(legends(root)[panel])
        drawn = [t for t in texts(panels(root)[panel]) if re.fullmatch(r"S\d+", t)]
        assert sorted(drawn) == sorted(f"S{k + 1}" for k in range(1, 41))
    assert "其他项目用地（另 19 处未绘出）" in texts(parse(site_svg(case, "S31")))
    compare_with_png(case, "S1", "en")
    compare_with_png(case, "S31", "zh")


def test_holes_turn_against_their_polygon_and_collections_are_drawn_whole():
    """Nonzero fill leaves a hole empty only when its ring turns the other way; a collection's
    polygons, lines and points are all drawn."""
    from landcheck.report import svgmap

    frame = svgmap._Frame(0.0, 0.0, (0.0, 0.0, 100.0, 100.0))  # 4.4 px a metre
    ring = shapely.Polygon(
        [(10, 10), (90, 10), (90, 90), (10, 90)], [[(30, 30), (30, 70), (70, 70), (70, 30)]]
    )
    for polygon in (ring, shapely.reverse(ring)):  # either orientation as read
        data = svgmap._paths_data([(np.array([polygon]), True)], [frame])[0]
        subpaths = [vertices(p) for p in data.split("M")[1:]]
        assert [len(p) for p in subpaths] == [4, 4] and data.count("Z") == 2

        def signed(p):
            return 0.5 * np.sum(p[:, 0] * np.roll(p[:, 1], -1) - np.roll(p[:, 0], -1) * p[:, 1])

        outer, hole = (signed(p) for p in subpaths)
        assert outer * hole < 0 and abs(outer) == pytest.approx(80 * 80 * frame.scale**2)
    collection = shapely.GeometryCollection(
        [
            shapely.MultiPolygon([ring, shapely.box(0, 0, 5, 5)]),
            shapely.LineString([(0, 0), (9, 9)]),
        ]
    )
    polygons, lines, points = svgmap._parts([collection, None, shapely.Point(1, 1)])
    assert (len(polygons), len(lines), len(points)) == (2, 1, 1)


def test_polygons_alone_and_nothing_are_parted_as_any_other_features():
    squares = np.array([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1)], dtype=object)
    polygons, lines, points = svgmap._parts(squares)
    assert list(polygons) == list(squares)
    assert (len(lines), len(points)) == (0, 0)
    assert [len(p) for p in svgmap._parts(np.array([], dtype=object))] == [0, 0, 0]


def test_a_legend_text_is_as_wide_as_its_characters_east_asian_widths_say():
    texts = [
        "",
        "farmland 0.1234 ha",
        "永久基本农田 0.1234 公顷",
        "ＡＢＣ full-width forms",  # F: one em each
        "한국어 ½ ∑ é",  # W, then ambiguous and narrow ones: 0.55 em
        "耕地（0101）",
    ]
    for text in texts:
        wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
        assert text_width(text, 10.0) == (wide + 0.55 * (len(text) - wide)) * 10.0
    assert text_width("耕地 ab", 10.0) == pytest.approx(2 * 10.0 + 3 * 5.5)


def test_a_panels_paths_computed_together_are_each_path_computed_alone():
    """_paths_data over several requests (polygons with holes, lines, shapes too small to draw)
    gives each request the data it gets alone; a path of empty data is left out of the map."""
    from landcheck.report import svgmap

    frame = svgmap._Frame(11.0, 68.2, (0.0, 0.0, 100.0, 100.0))
    holed = shapely.Polygon(
        [(10, 10), (90, 10), (90, 90), (10, 90)], [[(30, 30), (30, 70), (70, 70), (70, 30)]]
    )
    tiny = shapely.box(50, 50, 50.01, 50.01)  # rounds to one pixel: no ring left
    requests = [
        (np.array([holed, shapely.box(0, 0, 5, 5)], dtype=object), True),
        (np.array([tiny], dtype=object), True),
        (np.array([shapely.LineString([(0, 0), (9, 9), (9, 9.001)])], dtype=object), False),
        (np.array([shapely.LineString([(1, 1), (1.01, 1.01)])], dtype=object), False),
        (np.array([shapely.reverse(holed)], dtype=object), True),
    ]
    together = svgmap._paths_data(requests, [frame] * len(requests))
    assert together == [svgmap._paths_data([r], [frame])[0] for r in requests]
    assert [bool(d) for d in together] == [True, False, True, False, True]
    assert together[0].count("Z") == 3 and together[2].count(" ") == 1
    drawing = svgmap._Drawing("m", frame=frame)
    for geometries, _ in requests:
        drawing.add(
            1,
            svgmap._shapes(
                drawing, geometries, frame, fill="red", edge="k", width=1, hatch="//", exact=True
            ),
        )
    body = drawing.body()
    assert body.count("<path") == 2 * 2 + 1 and body.count('fill="url(#m-h0)"') == 2


def test_the_other_sites_are_found_once_for_the_three_panels(sample, monkeypatch):
    from landcheck.report import mapview

    searched = []
    search = mapview.in_window

    def counted(frame, window, **kwargs):
        searched.append(frame is sample.sites)
        return search(frame, window, **kwargs)

    monkeypatch.setattr(mapview, "in_window", counted)
    root = parse(site_svg(sample, sample.site_ids[0]))
    assert len(panels(root)) == 3 and searched.count(True) == 1


def test_a_maps_panels_paths_are_computed_in_one_pass_each_in_its_frame(sample, monkeypatch):
    frames = [svgmap._Frame(left, 68.2, (0.0, 0.0, 100.0, 100.0)) for left in (11.0, 611.0)]
    requests = [
        (np.array([shapely.box(10, 10, 40, 30)], dtype=object), True),
        (np.array([shapely.LineString([(0, 0), (55.55, 77.77)])], dtype=object), False),
        (np.array([shapely.box(10, 10, 40, 30)], dtype=object), True),
    ]
    chosen = [frames[0], frames[0], frames[1]]
    together = svgmap._paths_data(requests, chosen)
    alone = [svgmap._paths_data([r], [f])[0] for r, f in zip(requests, chosen, strict=True)]
    assert together[0] != together[2] and together == alone
    passes = []
    paths_data = svgmap._paths_data
    monkeypatch.setattr(
        svgmap, "_paths_data", lambda r, f: passes.append(len(set(f))) or paths_data(r, f)
    )
    site_svg(sample, sample.site_ids[0])
    assert passes == [3]  # the three panels' frames, in one pass


def test_several_maps_are_each_sites_own_their_paths_computed_in_one_pass(sample, monkeypatch):
    site_ids = sample.site_ids[:4]
    prefixes = [f"m{number}" for number in range(1, len(site_ids) + 1)]
    alone = [site_svg(sample, s, prefix=p) for s, p in zip(site_ids, prefixes, strict=True)]
    passes = []
    paths_data = svgmap._paths_data
    monkeypatch.setattr(
        svgmap, "_paths_data", lambda r, f: passes.append(len(set(f))) or paths_data(r, f)
    )
    assert svgmap.site_svgs(sample, site_ids, prefixes=prefixes) == alone
    assert passes == [3 * len(site_ids)]  # every map's panels, in one pass


def test_paths_in_many_frames_are_those_of_each_frame_alone():
    frames = [
        svgmap._Frame(11.0 + 600 * (n % 3), 68.2, (n * 7.5, n * 3.25, n * 7.5 + 100.0 + n, 100.0))
        for n in range(12)
    ]
    shape = shapely.Polygon([(10, 10), (40.03, 10), (40, 30.07), (10.01, 30)])
    requests = [(np.array([shape], dtype=object), True) for _ in frames]
    together = svgmap._paths_data(requests, frames)
    alone = [svgmap._paths_data([r], [f])[0] for r, f in zip(requests, frames, strict=True)]
    assert together == alone and len(set(together)) == len(frames)


def _north_arrow_by_arrays(
    frame: svgmap._Frame, foot: tuple[float, float], angle: float
) -> tuple[str, str]:
    """The north arrow's points and label, computed on numpy pairs of coordinates."""
    xmin, _, xmax, _ = frame.window
    span = xmax - xmin
    base = np.array(frame.point(*foot))
    along = np.array([np.sin(angle), -np.cos(angle)])
    across = np.array([-along[1], along[0]])
    tip = base + along * (span * 0.09) * frame.scale
    shaft, head = 2.5 * svgmap._PT / 2, 9 * svgmap._PT / 2
    neck = tip - along * 9 * svgmap._PT
    corners = [(base, shaft), (neck, shaft), (neck, head), (tip, 0.0)]
    corners += [(neck, -head), (neck, -shaft), (base, -shaft)]
    outline = [point + across * side if side else point for point, side in corners]
    label = tip + along * span * 0.02 * frame.scale
    return (
        " ".join(f"{x:.1f},{y:.1f}" for x, y in outline),
        svgmap._text(label[0], label[1], "N", valign="bottom"),
    )


def test_north_arrow_has_the_numbers_of_its_computation_on_arrays():
    rng = np.random.default_rng(14)
    for _ in range(300):
        x, y, span = rng.uniform(-5e5, 5e5), rng.uniform(2e6, 5e6), rng.uniform(10.0, 5000.0)
        frame = svgmap._Frame(rng.uniform(0, 1200), 68.2, (x, y, x + span, y + span))
        angle = float(rng.uniform(-0.05, 0.05))
        foot = (x + rng.uniform(0.05, 0.95) * span, y + rng.uniform(0.05, 0.85) * span)
        drawing = svgmap._Drawing("m", frame=frame)
        placed = Furniture(foot, (x, y), nice_length(span))
        svgmap._north_arrow(drawing, frame, placed, angle, "en")
        points, label = _north_arrow_by_arrays(frame, foot, angle)
        body = drawing.body()
        assert f'points="{points}"' in body and body.endswith(label)


def _clipped_by_geos(values: np.ndarray, window: tuple[float, float, float, float]) -> np.ndarray:
    """Every feature clipped by GEOS to the window and a fiftieth of it more, as maps clipped."""
    xmin, ymin, xmax, ymax = window
    pad = (xmax - xmin) * 0.02
    return shapely.clip_by_rect(values, xmin - pad, ymin - pad, xmax + pad, ymax + pad)


def test_features_inside_a_map_are_not_clipped_and_are_what_clipping_gives():
    rng = np.random.default_rng(23)
    window = (1_000.0, 2_000.0, 1_400.0, 2_400.0)  # padded: 992 … 1,408, 1,992 … 2,408
    shapes = []
    for _ in range(400):  # inside, across an edge, outside, on the padded edge
        x, y = rng.uniform(900.0, 1_500.0), rng.uniform(1_900.0, 2_500.0)
        size = rng.uniform(0.5, 60.0)
        ring = shapely.Point(x, y).buffer(size, quad_segs=int(rng.integers(1, 6)))
        shapes.append(
            ring if rng.random() < 0.8 else shapely.MultiPolygon([ring, ring.buffer(-size / 3)])
        )
    shapes += [
        shapely.box(992.0, 2_100.0, 1_100.0, 2_200.0),  # touching the padded west edge
        shapely.box(1_100.0, 2_100.0, 1_408.0, 2_200.0),  # touching the east one
        shapely.box(1_100.0, 2_100.0, 1_200.0, 2_200.0).difference(
            shapely.box(1_140, 2_140, 1_160, 2_160)
        ),
        shapely.Polygon(),
        shapely.LineString([(1_010.0, 2_010.0), (1_390.0, 2_390.0)]),
        shapely.LineString([(950.0, 2_010.0), (1_390.0, 2_390.0)]),
        None,
    ]
    values = np.array(shapes, dtype=object)
    kept = values.copy()
    clipped = clipped_to_view(values, window)
    expected = _clipped_by_geos(values, window)
    assert all(
        a is b for a, b in zip(values, kept, strict=True)
    )  # the kept array is left as it was
    for got, want in zip(clipped, expected, strict=True):
        if want is None:
            assert got is None
            continue
        assert got.geom_type == want.geom_type and got.is_empty == want.is_empty
        assert np.array_equal(shapely.get_coordinates(got), shapely.get_coordinates(want))
    inside = [got is value for got, value in zip(clipped, values, strict=True)]
    assert 100 < sum(inside) < len(values) - 50  # most left as they are, many clipped


def test_big_polygons_around_a_map_give_what_clipping_gives_byte_for_byte():
    """A big polygon holding the view in its interior is not clipped by GEOS but given the
    view's box: the very polygon GEOS would give (WKB equal), for every window about it, a
    hole, a second part, a Z or an SRID included; most windows inside take the short way."""
    disc = shapely.Point(0.0, 0.0).buffer(1_000.0, quad_segs=1_000)  # 4,001 vertices
    holed = shapely.Polygon(disc.exterior, [shapely.box(-100, -100, 100, 100).exterior])
    shapes = [
        disc,
        shapely.Polygon(disc.exterior.coords[::-1]),  # clockwise
        holed,
        shapely.MultiPolygon([disc, shapely.box(5_000, 5_000, 6_000, 6_000)]),
        shapely.MultiPolygon([shapely.box(5_000, 5_000, 6_000, 6_000), holed]),
        shapely.force_3d(disc, 7.0),
        shapely.set_srid(disc, 4523),
        shapely.box(-2_000, -2_000, 2_000, 2_000),  # few vertices: clipped as before
        shapely.LineString(disc.exterior.coords),  # a big line: clipped as before
    ]
    values = np.array(shapes, dtype=object)
    boxed = 0
    for x in np.linspace(-1_300.0, 900.0, 12):
        for y in np.linspace(-1_300.0, 900.0, 12):
            window = (x, y, x + 300.0, y + 300.0)
            clipped = clipped_to_view(values, window)
            expected = _clipped_by_geos(values, window)
            for got, want in zip(clipped, expected, strict=True):
                assert shapely.to_wkb(got, include_srid=True) == shapely.to_wkb(
                    want, include_srid=True
                )
            view = _clipped_by_geos(np.array([shapely.box(-1e6, -1e6, 1e6, 1e6)]), window)[0]
            boxed += sum(got.equals_exact(view, 0) for got in clipped[:5])
    assert boxed > 100  # the windows inside the discs: the view's box, found without clipping


def test_a_map_whose_features_all_lie_inside_clips_none():
    window = (0.0, 0.0, 100.0, 100.0)
    values = np.array([shapely.box(10, 10, 20, 20), shapely.box(50, 50, 90, 99)], dtype=object)
    assert clipped_to_view(values, window) is values


def test_features_around_a_site_are_drawn_within_half_a_pixel_of_their_clipped_shapes():
    """A feature around the site is drawn clipped and simplified to half a pixel: every point
    of the picture lies within half a pixel of the clipped feature and the other way round,
    and a finely wiggling edge loses the vertices the picture cannot show."""
    window = (1_000.0, 2_000.0, 1_400.0, 2_400.0)
    frame = svgmap._Frame(0.0, 0.0, window)
    pixel = 1 / frame.scale
    rng = np.random.default_rng(5)
    x = np.linspace(900.0, 1_500.0, 4_000)
    edge = zip(x, 2_100.0 + rng.uniform(-0.2, 0.2, len(x)) * pixel, strict=True)
    wiggle = shapely.Polygon([*edge, (1_500, 2_300), (900, 2_300)])
    shapes = [wiggle, shapely.Point(1_200, 2_200).buffer(80).difference(square(1_190, 2_190, 20))]
    shapes += [shapely.Point(1_200 + 3 * i, 2_350).buffer(0.2 * pixel) for i in range(3)]
    clipped = clipped_to_view(np.array(shapes, dtype=object), window)
    drawn, shown = svgmap._pictured(np.array(shapes, dtype=object), frame)
    assert shown.tolist() == [True, True, False, False, False]  # specks under half a pixel
    for got, want in zip(drawn[shown], clipped[shown], strict=True):
        assert shapely.hausdorff_distance(got, want) <= 0.5 * pixel + 1e-9
    assert shapely.get_num_coordinates(drawn[0]) < 0.01 * shapely.get_num_coordinates(clipped[0])
