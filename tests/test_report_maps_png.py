"""A process's PNG site maps: drawn on one kept figure, written without the alpha channel.

Each is the picture a new figure saved by matplotlib gives, pixel for pixel.
"""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from common import frame, fresh_python, png_differences, sites, square
from matplotlib import rc_context, rcParams
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from PIL import Image
from report_case import result as report_case
from shapely import Polygon

import landcheck
from landcheck.report import mapcache, maps


def fresh_pixels(result, site_id, *, lang="zh", dpi=110, panel_size=4.2) -> np.ndarray:
    """The map drawn on a new figure (site_map) and saved by matplotlib, as RGB pixels.

    matplotlib writes RGBA; the maps are opaque: every alpha is 255.
    """
    figure = maps.site_map(result, site_id, lang=lang, panel_size=panel_size)
    buffer = io.BytesIO()
    with rc_context({"hatch.linewidth": 0.5}):
        figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    rgba = np.asarray(Image.open(buffer))
    assert rgba.shape[2] == 4 and (rgba[..., 3] == 255).all()
    return rgba[..., :3]


def pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGB"
    return np.asarray(image)


@pytest.fixture
def kept_cleared(monkeypatch):
    """No figure kept from other tests: this test's first map makes it."""
    monkeypatch.setattr(maps, "_KEPT", {})


def test_maps_in_a_row_are_each_the_picture_of_a_new_figure(kept_cleared):
    case = report_case()
    # farmland over the first of two sites, the second empty (drawn on a new figure)
    small = landcheck.check(
        sites(square(0, 0, 100), Polygon()),
        layers={"farmland": frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(50, 0, 100)}])},
    )
    order = [
        (case, "S1", "zh", 4.2),
        (case, "S2", "zh", 4.2),  # S2 has no township label, no farmland: nothing of S1 may stay
        (small, "S1", "zh", 4.2),
        (small, "S2", "zh", 4.2),
        (case, "S1", "en", 2.8),  # report.docx's size: a figure of its own
        (small, "S1", "en", 4.2),
        (case, "S2", "en", 2.8),
        (case, "S2", "zh", 4.2),
    ]
    drawn = [
        maps.map_png(result, site_id, lang=lang, panel_size=size)
        for result, site_id, lang, size in order
    ]
    for png, (result, site_id, lang, size) in zip(drawn, order, strict=True):
        fresh = fresh_pixels(result, site_id, lang=lang, panel_size=size)
        assert np.array_equal(pixels(png), fresh), (site_id, lang, size)
    assert len(set(drawn)) == len(drawn) - 1  # the last is the second again
    assert sorted(maps._KEPT) == [(3, 2.8), (3, 4.2)]  # a figure per panel count and size


def test_the_kept_figure_holds_only_the_last_map(kept_cleared):
    case = report_case()
    maps.map_png(case, "S1")
    maps.map_png(case, "S2")
    figure, axes = maps._KEPT[(3, 4.2)]
    texts = [t.get_text() for ax in axes for t in ax.texts]
    assert "中枢镇" not in texts  # S1's township label went with S1's map
    legends = [[t.get_text() for t in ax.texts if t.get_gid() == maps.LEGEND_GID] for ax in axes]
    assert [texts[0] for texts in legends] == ["项目用地 S2"] * 3  # S1's legend went too
    assert all("项目用地 S1" not in texts for texts in legends)
    swatches = [[p for p in ax.patches if p.get_gid() == maps.LEGEND_GID] for ax in axes]
    assert [len(s) for s in swatches] == [len(t) for t in legends]
    assert figure._suptitle.get_text().startswith("S2 ")


def test_a_map_is_an_rgb_png_at_its_resolution(kept_cleared):
    case = report_case()
    png = maps.map_png(case, "S1", dpi=200, panel_size=2.8)
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.mode) == ("PNG", "RGB")
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.01)  # stored per metre
    assert image.width == round(3 * 2.8 * 200)  # three panels of 2.8 inches
    assert np.array_equal(np.asarray(image), fresh_pixels(case, "S1", dpi=200, panel_size=2.8))


@pytest.mark.parametrize("panel_size", [4.2, 2.8])
def test_the_panels_titles_sit_where_matplotlib_would_place_them(panel_size):
    """The maps give their titles a fixed place on the axes' top edge (``axes.titley``);
    matplotlib's own placement, looking for decorations above the axes at every draw,
    puts them in the same pixels."""
    case = report_case()
    for site_id in case.site_ids:
        fixed = fresh_pixels(case, site_id, panel_size=panel_size)
        figure = maps.site_map(case, site_id, panel_size=panel_size)
        assert all(not ax._autotitlepos for ax in figure.axes)
        for ax in figure.axes:
            ax._autotitlepos = True  # matplotlib's placement, as without the setting
        buffer = io.BytesIO()
        with rc_context({"hatch.linewidth": 0.5}):
            figure.savefig(buffer, format="png", dpi=110, facecolor="white")
        placed = np.asarray(Image.open(buffer))[..., :3]
        assert np.array_equal(fixed, placed), site_id
        assert any(ax.get_title() for ax in figure.axes)


def test_the_kept_panels_draw_what_plain_matplotlib_axes_draw(kept_cleared):
    """The kept figure's panels keep their background's transform and hide their empty axes,
    and a legend entry is its own swatch: the pixels of site_map's figure, whose panels are
    matplotlib's own axes (a notebook may add ticks to them), its swatches copied from its
    entries as a handle was — the second map on the kept figure too."""
    case = report_case()
    for site_id in ("S2", "S1"):
        drawn = pixels(maps.map_png(case, site_id))
        figure = maps.site_map(case, site_id)
        assert all(type(ax) is Axes and ax.xaxis.get_visible() for ax in figure.axes)
        for ax in figure.axes:
            for entry in [p for p in ax.patches if p.get_gid() == maps.LEGEND_GID]:
                with rc_context({"hatch.linewidth": 0.5}):  # as the map makes its artists
                    swatch = Rectangle(entry.get_xy(), entry.get_width(), entry.get_height())
                swatch.update_from(entry)  # the swatch a handle of the entry's style made
                swatch.set(gid=maps.LEGEND_GID, clip_on=False, figure=figure)
                swatch.axes = ax
                ax._children[ax._children.index(entry)] = swatch  # in the entry's place
        buffer = io.BytesIO()
        with rc_context({"hatch.linewidth": 0.5}):
            figure.savefig(buffer, format="png", dpi=110, facecolor="white")
        plain = np.asarray(Image.open(buffer))[..., :3]
        assert np.array_equal(drawn, plain), site_id
    _, kept_axes = maps._KEPT[(3, 4.2)]
    assert all(isinstance(ax, maps._MapAxes) and not ax.xaxis.get_visible() for ax in kept_axes)


@pytest.mark.parametrize(
    ("lang", "legends"),
    [
        (
            "zh",
            [
                [
                    "项目用地 S1",
                    "永久基本农田 0.4999 公顷",
                    "生态保护红线：图层未提供或不可用，无法判定",
                    "城镇开发边界：图层未提供或不可用，无法判定",
                ],
                ["项目用地 S1", "图层未提供或不可用，无法判定"],
                ["项目用地 S1", "图层未提供或不可用，无法判定"],
            ],
        ),
        (
            "en",
            [
                [
                    "site S1",
                    "permanent basic farmland 0.4999 ha",
                    "ecological protection redline: not checked",
                    "urban development boundary: not checked",
                ],
                ["site S1", "layer missing or unusable: not checked"],
                ["site S1", "layer missing or unusable: not checked"],
            ],
        ),
    ],
)
def test_a_layer_not_supplied_has_a_hatched_white_entry_saying_so(lang, legends):
    """The legends of a map whose layers but farmland were not supplied: each such layer an
    entry saying it was not checked, white and cross-hatched, never an area."""
    case = landcheck.check(
        sites(square(0, 0, 100)),
        layers={"farmland": frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(50, 0, 100)}])},
    )
    figure = maps.site_map(case, "S1", lang=lang)
    entries = [[p for p in ax.patches if p.get_gid() == maps.LEGEND_GID] for ax in figure.axes]
    texts = [
        [t.get_text() for t in ax.texts if t.get_gid() == maps.LEGEND_GID] for ax in figure.axes
    ]
    assert texts == legends
    for panel, panel_texts in zip(entries, texts, strict=True):
        for entry, text in zip(panel, panel_texts, strict=True):
            unavailable = text.endswith(("无法判定", "not checked"))
            assert unavailable == (
                entry.get_hatch() == "xx" and entry.get_facecolor() == (1, 1, 1, 1)
            )


def test_a_map_leaves_matplotlibs_settings_as_it_found_them(kept_cleared):
    """The maps set their fonts and hatch lines only while they are made and drawn."""
    case = report_case()
    before = dict(rcParams)
    with rc_context({"hatch.linewidth": 2.0, "font.size": 13.0}):
        png = maps.map_png(case, "S1")
        maps.site_map(case, "S2")
        assert (rcParams["hatch.linewidth"], rcParams["font.size"]) == (2.0, 13.0)
    assert np.array_equal(pixels(png), fresh_pixels(case, "S1"))  # not the caller's settings
    with pytest.raises(ZeroDivisionError), maps._settings({"font.size": 3.0}):
        assert rcParams["font.size"] == 3.0
        _ = 1 / 0
    assert dict(rcParams) == before


def test_a_name_holding_dollar_signs_is_drawn_as_written(kept_cleared):
    """matplotlib reads "$…$" as a formula: the site's name (user text) is drawn as written,
    and one mathtext cannot parse no longer fails the map."""
    hostile = r"厂区 $\frac{1}$ 二期"
    case = landcheck.check(
        sites(square(0, 0, 100)).assign(name=[hostile]),
        layers={"farmland": frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(50, 0, 100)}])},
    )
    png = maps.map_png(case, "S1")  # raised ValueError before
    assert pixels(png).shape[2] == 3
    figure = maps.site_map(case, "S1")
    assert hostile in figure.get_suptitle()
    texts = [figure._suptitle, *(t for ax in figure.axes for t in ax.texts)]
    assert texts and not any(t.get_parse_math() for t in texts)


def test_prepared_maps_leave_a_map_worker_nothing_to_build(kept_cleared, monkeypatch):
    """prepare_map_pngs builds, in the process that forks the map workers, what every map
    looks up: the next site's map adds nothing, so a worker forked then builds nothing."""
    caches = ("_TREES", "_LOOKUPS", "_COLUMNS", "_GROUPS", "_PARTS", "_WHOLE")
    for name in caches:
        monkeypatch.setattr(mapcache, name, {})
    case = report_case()
    maps.prepare_map_pngs(case, dpi=72, panel_size=2.8)
    built = {name: set(getattr(mapcache, name)) for name in caches}
    assert built["_GROUPS"] and built["_LOOKUPS"] and maps._KEPT
    kept = dict(maps._KEPT)
    maps.map_png(case, "S2", dpi=72, panel_size=2.8)
    assert {name: set(getattr(mapcache, name)) for name in caches} == built
    assert maps._KEPT == kept


def test_maps_drawn_by_workers_after_one_drawn_here_are_a_fresh_process_s(kept_cleared):
    """A notebook draws a map, then writes a report whose maps forked workers draw: each
    worker reads the font with its own file position. With the parent's fonts kept, two
    workers moved each other's reads: 白水镇 came out 白镇镇, or the report failed
    (``FT_Load_Glyph … broken file``), in most rounds of this test."""
    fresh = {
        site_id: fresh_python(
            "import sys",
            f"sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})",
            "from report_case import result",
            "from landcheck.report.maps import map_png",
            f"print(map_png(result(), {site_id!r}, lang='en').hex())",
        )[0]
        for site_id in ("S1", "S2")
    }
    case = report_case()
    maps.map_png(case, "S1", lang="en")  # this process's caches now hold its fonts
    site_ids = ["S1", "S2"] * 20
    for _ in range(3):
        drawn = list(maps.map_pngs(case, site_ids, lang="en", workers=2))
        expected = [bytes.fromhex(fresh[site_id]) for site_id in site_ids]
        assert not (differences := png_differences(drawn, expected)), differences
