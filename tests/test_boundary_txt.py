"""Tests of landcheck.io.boundary_txt: dialects, traps, round trips, fuzzing."""

from __future__ import annotations

import math
import os

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import CRS, Transformer

from landcheck.errors import (
    AnalysisCRSError,
    BoundaryTxtError,
    DataSourceError,
    GeometryError,
    InputDataError,
    OutputError,
    OutputExistsError,
)
from landcheck.io.boundary_txt import (
    BoundaryTxtCRSError,
    format_boundary_txt,
    parse_boundary_txt,
    read_boundary_txt,
    write_boundary_txt,
)

# A 100 m (north) x 200 m (east) plot with a 10 m x 10 m hole: 19,900 m² planar.
N0, E0 = 2_700_000.0, 35_500_000.0
OUTER = [(N0, E0), (N0 + 100, E0), (N0 + 100, E0 + 200), (N0, E0 + 200)]
HOLE = [(N0 + 40, E0 + 90), (N0 + 50, E0 + 90), (N0 + 50, E0 + 100), (N0 + 40, E0 + 100)]
PLOT_M2 = 20_000.0
HOLE_M2 = 100.0

ATTRIBUTES = (
    "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=35\n"
)


def ring_lines(points, ring=1, start=1, close="same", east_offset=0.0, swap=False):
    """Point lines of one ring; close = "same", "new" or "none"."""
    out = []
    for i, (north, east) in enumerate(points):
        x, y = f"{north:.3f}", f"{east + east_offset:.3f}"
        if swap:
            x, y = y, x
        out.append(f"J{start + i},{ring},{x},{y}")
    if close == "same":
        out.append(out[0])
    elif close == "new":
        out.append(f"J{start + len(points)}," + out[0].split(",", 1)[1])
    return out


def plot_text(
    *,
    attributes=ATTRIBUTES,
    header="{n},{ha},A-1,厂区,面,,工业,0601,@",
    hole=True,
    close="same",
    jzds=None,
    **kwargs,
):
    lines = ring_lines(OUTER, close=close, **kwargs)
    if hole:
        lines += ring_lines(HOLE, ring=2, start=5, close=close, **kwargs)
    n = len(lines) if jzds is None else jzds
    ha = (PLOT_M2 - (HOLE_M2 if hole else 0)) / 10_000
    head = header.format(n=n, ha=f"{ha:.4f}")
    return attributes + "[地块坐标]\n" + head + "\n" + "\n".join(lines) + "\n"


def expected_polygon(hole=True):
    shell = [(e, n) for n, e in OUTER]
    holes = [[(e, n) for n, e in HOLE]] if hole else []
    return shapely.Polygon(shell, holes)


def assert_same_geometry(actual, expected, tolerance=0.001):
    assert shapely.normalize(actual).equals_exact(shapely.normalize(expected), tolerance)


def assert_area(txt, m2):
    assert txt.sites["computed_ha"].sum() == pytest.approx(m2 / 10_000, rel=1e-9)


# --------------------------------------------------------------------------- dialects


def test_reference_file():
    txt = parse_boundary_txt(plot_text())
    assert txt.crs.to_epsg() == 4523
    assert txt.sites.crs.equals(txt.crs)
    assert txt.warnings == []
    row = txt.sites.iloc[0]
    assert (row.site_id, row["name"], row.land_use, row.land_class) == (
        "A-1",
        "厂区",
        "工业",
        "0601",
    )
    assert row.declared_ha == pytest.approx(1.99)
    assert row.computed_ha == pytest.approx(1.99, rel=1e-12)
    assert row.point_count == 8
    assert_same_geometry(row.geometry, expected_polygon())
    assert txt.metadata["带号"] == "35"
    assert txt.encoding is None


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("closing point, same number", plot_text(close="same")),
        ("closing point, new number", plot_text(close="new")),
        ("no closing point", plot_text(close="none")),
        ("JZDS counts no closing points", plot_text(jzds=8)),
        ("CRLF", plot_text().replace("\n", "\r\n")),
        ("CR", plot_text().replace("\n", "\r")),
        ("project section", "[项目信息]\n项目名称=某某项目\n" + plot_text()),
        ("extension section", "[扩展信息]\n项目名称=某某项目\n" + plot_text()),
        ("stray spaces", plot_text().replace(",", " , ").replace("\n", "  \n")),
        ("braces", plot_text().replace("J", "{J").replace(",1,", "},1,")),
        ("blank lines", plot_text().replace("\n", "\n\n")),
        ("full-width comma", plot_text().replace(",1,27", "，1，27")),
        ("keys on one line", plot_text().replace("\n几度分带", "   几度分带")),
    ],
)
def test_dialects_read_the_same_geometry(name, text):
    txt = parse_boundary_txt(text)
    assert txt.warnings == [], name
    assert txt.crs.to_epsg() == 4523
    assert_same_geometry(txt.sites.geometry.iloc[0], expected_polygon())
    assert_area(txt, PLOT_M2 - HOLE_M2)
    assert txt.sites.loc[0, "point_count"] == 8


def test_project_section_goes_to_metadata():
    txt = parse_boundary_txt("[项目信息]\n项目名称=某某项目\n用地单位=某公司\n" + plot_text())
    assert txt.metadata["项目名称"] == "某某项目"
    assert txt.metadata["用地单位"] == "某公司"
    assert txt.metadata["坐标系"] == "2000国家大地坐标系"


def test_hole_via_ring_number_two():
    polygon = parse_boundary_txt(plot_text()).sites.geometry.iloc[0]
    assert polygon.geom_type == "Polygon"
    assert len(polygon.interiors) == 1
    assert polygon.area == pytest.approx(19_900.0, rel=1e-12)


def test_a_hole_listed_before_its_outer_ring_is_still_its_hole():
    # the 圈号 2 ring came first: it had no outer ring to go into yet, became a part of its
    # own, and the two were merged by the repair: 20,000 m² (and farmland in the hole counted)
    text = ATTRIBUTES + "[地块坐标]\n10,1.9900,A,,面,,,,@\n"
    text += "\n".join(ring_lines(HOLE, ring=2) + ring_lines(OUTER, start=5)) + "\n"
    txt = parse_boundary_txt(text)
    assert txt.warnings == []
    assert_same_geometry(txt.sites.geometry.iloc[0], expected_polygon())
    assert_area(txt, PLOT_M2 - HOLE_M2)


def test_ring_two_outside_the_first_is_a_second_part():
    far = [(n + 1000, e) for n, e in OUTER]
    text = ATTRIBUTES + "[地块坐标]\n10,4.0000,A,,面,,,,@\n"
    text += "\n".join(ring_lines(OUTER) + ring_lines(far, ring=2, start=5)) + "\n"
    txt = parse_boundary_txt(text)
    assert txt.warnings == []
    assert txt.sites.geometry.iloc[0].geom_type == "MultiPolygon"
    assert_area(txt, 2 * PLOT_M2)


def test_repeated_ring_number_after_closing_starts_a_new_part():
    far = [(n + 1000, e) for n, e in OUTER]
    text = ATTRIBUTES + "[地块坐标]\n10,4.0000,A,,面,,,,@\n"
    text += "\n".join(ring_lines(OUTER) + ring_lines(far, ring=1, start=5)) + "\n"
    geometry = parse_boundary_txt(text).sites.geometry.iloc[0]
    assert geometry.geom_type == "MultiPolygon"
    assert len(geometry.geoms) == 2


def test_two_plots_are_two_sites():
    second = [(n + 500, e + 500) for n, e in OUTER]
    text = ATTRIBUTES + "[地块坐标]\n"
    text += "5,2.0000,A,甲,面,,,,@\n" + "\n".join(ring_lines(OUTER)) + "\n"
    text += "5,2.0000,B,乙,面,,,,@\n" + "\n".join(ring_lines(second)) + "\n"
    txt = parse_boundary_txt(text)
    assert list(txt.sites.site_id) == ["A", "B"]
    assert list(txt.sites["name"]) == ["甲", "乙"]
    assert txt.sites.computed_ha.tolist() == pytest.approx([2.0, 2.0])
    assert txt.warnings == []


def test_plots_sharing_an_id_are_one_multipart_site():
    second = [(n + 500, e) for n, e in OUTER]
    text = ATTRIBUTES + "[地块坐标]\n"
    text += "5,2.0000,A,甲,面,,,,@\n" + "\n".join(ring_lines(OUTER)) + "\n"
    text += "5,2.0000,A,甲,面,,,,@\n" + "\n".join(ring_lines(second)) + "\n"
    txt = parse_boundary_txt(text)
    assert len(txt.sites) == 1
    assert txt.sites.geometry.iloc[0].geom_type == "MultiPolygon"
    assert txt.sites.loc[0, "declared_ha"] == pytest.approx(4.0)
    assert txt.sites.loc[0, "point_count"] == 8


def test_overlapping_plots_sharing_an_id_are_flagged():
    text = ATTRIBUTES + "[地块坐标]\n"
    text += "5,2.0000,A,甲,面,,,,@\n" + "\n".join(ring_lines(OUTER)) + "\n"
    text += "5,2.0000,A,甲,面,,,,@\n" + "\n".join(ring_lines(OUTER, start=1)) + "\n"
    txt = parse_boundary_txt(text)
    assert len(txt.warnings) == 1
    assert "site 'A' (plots on lines 8, 14)" in txt.warnings[0]
    assert "do not form a valid multipolygon" in txt.warnings[0]


def test_shared_id_with_other_attributes_gets_a_suffix():
    second = [(n + 500, e) for n, e in OUTER]
    text = ATTRIBUTES + "[地块坐标]\n"
    text += "5,2.0000,A,甲,面,,,,@\n" + "\n".join(ring_lines(OUTER)) + "\n"
    text += "5,2.0000,A,乙,面,,,,@\n" + "\n".join(ring_lines(second)) + "\n"
    txt = parse_boundary_txt(text)
    assert list(txt.sites.site_id) == ["A", "A-2"]
    assert any("'A-2'" in w for w in txt.warnings)


def test_blank_ids_are_numbered_uniquely():
    second = [(n + 500, e) for n, e in OUTER]
    third = [(n + 1000, e) for n, e in OUTER]
    text = ATTRIBUTES + "[地块坐标]\n"
    text += "5,,,,面,,,,@\n" + "\n".join(ring_lines(OUTER)) + "\n"
    text += "5,,1,,面,,,,@\n" + "\n".join(ring_lines(second)) + "\n"
    text += "5,,,,面,,,,@\n" + "\n".join(ring_lines(third)) + "\n"
    txt = parse_boundary_txt(text)
    assert list(txt.sites.site_id) == ["2", "1", "3"]
    assert txt.sites.declared_ha.isna().all()


def test_unprefixed_y_gets_the_zone_of_daihao():
    txt = parse_boundary_txt(plot_text(east_offset=-35_000_000))
    assert txt.crs.to_epsg() == 4523
    assert_same_geometry(txt.sites.geometry.iloc[0], expected_polygon())
    assert txt.warnings == [
        "Y (east) had no zone prefix on 10 point(s); added zone 35 from 带号=35 (line 6)"
    ]


def test_swapped_columns_are_fixed_with_a_warning():
    txt = parse_boundary_txt(plot_text(swap=True))
    assert_same_geometry(txt.sites.geometry.iloc[0], expected_polygon())
    assert txt.warnings == [
        "X/Y columns swapped in 1 plot(s) (headers on line(s) 8): X held eastings "
        "(e.g. 35500000.000 on line 9) and Y northings (2700000.000); read them as "
        "X = north, Y = east"
    ]


def test_swapped_and_unprefixed():
    txt = parse_boundary_txt(plot_text(swap=True, east_offset=-35_000_000))
    assert_same_geometry(txt.sites.geometry.iloc[0], expected_polygon())
    assert len(txt.warnings) == 2


@pytest.mark.parametrize("offset", [0.0, -18_000_000.0])
def test_six_degree_zone(offset):
    attributes = "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=6\n带号=18\n"
    east_offset = -17_000_000.0 + offset  # zone 35 → zone 18 prefix (or none)
    txt = parse_boundary_txt(plot_text(attributes=attributes, east_offset=east_offset))
    assert txt.crs.to_epsg() == 4496  # CGCS2000 / Gauss-Kruger zone 18 (prefixed)
    assert_area(txt, PLOT_M2 - HOLE_M2)
    assert txt.sites.total_bounds[0] == pytest.approx(18_500_000.0)


def test_zone_width_inferred_when_missing():
    txt = parse_boundary_txt(plot_text(attributes="[属性描述]\n坐标系=CGCS2000\n"))
    assert txt.crs.to_epsg() == 4523
    assert txt.warnings == ["the file does not give 几度分带; zone 35 implies 3-degree zones"]


def test_missing_datum_is_assumed_cgcs2000_with_a_warning():
    txt = parse_boundary_txt(plot_text(attributes="[属性描述]\n几度分带=3\n"))
    assert txt.crs.to_epsg() == 4523
    assert any("assumed 2000国家大地坐标系" in w for w in txt.warnings)


def test_declared_area_mismatch_is_a_warning_with_both_numbers():
    text = plot_text(header="{n},2.5000,A-1,厂区,面,,工业,0601,@")
    txt = parse_boundary_txt(text)
    assert len(txt.warnings) == 1
    assert "2.5000 ha" in txt.warnings[0] and "1.9900 ha" in txt.warnings[0]
    assert "line 8" in txt.warnings[0]
    assert parse_boundary_txt(text, area_tolerance=0.3).warnings == []


def test_declared_area_in_square_metres_is_pointed_out():
    txt = parse_boundary_txt(plot_text(header="{n},19900,A-1,厂区,面,,工业,0601,@"))
    assert "m², not hectares" in txt.warnings[0]


def test_jzds_that_matches_nothing_is_a_warning():
    txt = parse_boundary_txt(plot_text(jzds=99))
    assert len(txt.warnings) == 1
    assert "界址点数 (JZDS) is 99" in txt.warnings[0]


def test_self_intersecting_ring_is_read_with_a_warning():
    # loops of unequal size (a symmetric bow-tie's loops cancel out: it is refused)
    bowtie = [(N0, E0), (N0 + 100, E0 + 100), (N0 + 100, E0), (N0, E0 + 200)]
    text = ATTRIBUTES + "[地块坐标]\n5,,A,,面,,,,@\n" + "\n".join(ring_lines(bowtie)) + "\n"
    txt = parse_boundary_txt(text)
    assert "not a valid polygon" in txt.warnings[0]


def test_repeated_point_is_dropped_with_a_warning():
    lines = ring_lines(OUTER)
    lines.insert(2, lines[1])
    text = ATTRIBUTES + "[地块坐标]\n6,2.0000,A,,面,,,,@\n" + "\n".join(lines) + "\n"
    txt = parse_boundary_txt(text)
    assert_area(txt, PLOT_M2)
    assert txt.warnings == ["line 11: point repeats the previous point; dropped"]


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"),
    [("gbk", b"", "gbk"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"), ("utf-8", b"", "utf-8")],
)
def test_read_encodings(tmp_path, encoding, prefix, expected):
    path = tmp_path / "plot.txt"
    path.write_bytes(prefix + plot_text().replace("\n", "\r\n").encode(encoding))
    txt = read_boundary_txt(path)
    assert txt.encoding == expected
    assert txt.sites.loc[0, "name"] == "厂区"
    assert txt.warnings == []
    assert_area(txt, PLOT_M2 - HOLE_M2)


def test_read_with_forced_encoding(tmp_path):
    path = tmp_path / "plot.txt"
    path.write_bytes(plot_text().encode("gbk"))
    assert read_boundary_txt(path, encoding="gb18030").sites.loc[0, "name"] == "厂区"
    with pytest.raises(BoundaryTxtError, match="cannot decode the file as utf-8"):
        read_boundary_txt(path, encoding="utf-8")
    with pytest.raises(ValueError, match="unknown text encoding"):
        read_boundary_txt(path, encoding="no-such-codec")


def test_missing_file(tmp_path):
    with pytest.raises(DataSourceError, match="no such file"):
        read_boundary_txt(tmp_path / "none.txt")


# --------------------------------------------------------------------------- malformed input


def error_line(text, error=BoundaryTxtError):
    with pytest.raises(error) as info:
        parse_boundary_txt(text, source="plot.txt")
    if info.value.line is not None:
        assert f"plot.txt, line {info.value.line}: " in str(info.value)
    return info.value


def replace_line(text, number, new):
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


def test_truncated_point_line():
    text = replace_line(plot_text(), 10, "J3,1,2700100.000")
    err = error_line(text)
    assert err.line == 10
    assert "truncated" in str(err)


def test_letters_in_coordinates():
    text = replace_line(plot_text(), 10, "J3,1,27001O0.000,35500200.000")
    err = error_line(text)
    assert err.line == 10
    assert "X '27001O0.000' is not a number" in str(err)


def test_nan_is_not_a_coordinate():
    err = error_line(replace_line(plot_text(), 10, "J3,1,nan,35500200.000"))
    assert err.line == 10


def test_ring_with_two_points():
    text = ATTRIBUTES + "[地块坐标]\n3,,A,,面,,,,@\n" + "\n".join(ring_lines(OUTER[:2])) + "\n"
    err = error_line(text)
    assert err.line == 9
    assert "2 distinct point(s)" in str(err)


def test_collinear_ring():
    line = [(N0, E0), (N0 + 10, E0), (N0 + 20, E0)]
    text = ATTRIBUTES + "[地块坐标]\n4,,A,,面,,,,@\n" + "\n".join(ring_lines(line)) + "\n"
    assert "no area" in str(error_line(text))


def test_unknown_datum():
    err = error_line(plot_text().replace("2000国家大地坐标系", "WGS84"), BoundaryTxtCRSError)
    assert isinstance(err, AnalysisCRSError)
    assert err.line == 2
    assert "unknown datum 坐标系='WGS84'" in str(err)


@pytest.mark.parametrize("name", ["1980西安坐标系", "西安80", "Xian 1980"])
def test_xian_1980_without_parameters_is_refused(name):
    err = error_line(plot_text().replace("2000国家大地坐标系", name), AnalysisCRSError)
    assert err.line == 2
    message = str(err)
    assert "Xian 1980" in message and "7-parameter transformation parameters" in message
    assert "转换参数" in message


def test_beijing_1954_with_zero_parameters_is_refused():
    attributes = ATTRIBUTES.replace("2000国家大地坐标系", "北京54") + "转换参数=0,0,0,0,0,0,0\n"
    err = error_line(plot_text(attributes=attributes), AnalysisCRSError)
    assert "all zero" in str(err)


def test_wrong_number_of_parameters():
    attributes = ATTRIBUTES.replace("2000国家大地坐标系", "西安80") + "转换参数=1,2,3\n"
    err = error_line(plot_text(attributes=attributes))
    assert err.line == 7
    assert "7 numbers" in str(err)


def test_zone_prefix_disagreeing_with_daihao():
    text = plot_text().replace("带号=35", "带号=36")
    err = error_line(text, BoundaryTxtCRSError)
    assert isinstance(err, AnalysisCRSError)
    assert err.line == 9
    assert "zone prefix 35 but 带号=36 (line 6)" in str(err)


@pytest.mark.parametrize(
    ("key", "first", "second"),
    [("带号", "35", "36"), ("几度分带", "3", "6"), ("计量单位", "米", "千米")],
)
def test_a_placing_key_given_twice_with_two_values_is_refused(key, first, second):
    # 带号=35, then 带号=36 in [项目信息]: the last was taken with a warning, the plot 300 km
    # from where the first put it
    text = plot_text().replace("[地块坐标]", f"[项目信息]\n{key}={second}\n[地块坐标]")
    assert f"{key}={first}" in text
    err = error_line(text, BoundaryTxtError)
    assert err.line == 8  # the [项目信息] line after the six of [属性描述]
    assert f"{key} is given twice with different values ({first!r} on line" in str(err)
    assert "keep the right one" in str(err)
    again = plot_text().replace("[地块坐标]", f"[项目信息]\n{key}={first}\n[地块坐标]")
    assert len(parse_boundary_txt(again).sites) == 1  # the same value twice: fine


def test_two_zone_prefixes_in_one_file():
    text = replace_line(plot_text(), 10, "J3,1,2700100.000,36500200.000")
    err = error_line(text, BoundaryTxtCRSError)
    assert err.line == 10


def test_no_prefix_and_no_daihao():
    attributes = "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n"
    err = error_line(plot_text(attributes=attributes, east_offset=-35_000_000), AnalysisCRSError)
    assert "add 带号" in str(err)


def test_zone_outside_china():
    err = error_line(plot_text().replace("带号=35", "带号=99"), AnalysisCRSError)
    assert "99" in str(err)


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("几度分带=3", "几度分带=4", 3, "3 or 6 degrees"),
        ("计量单位=米", "计量单位=千米", 5, "metres"),
        ("投影类型=高斯克吕格", "投影类型=UTM", 4, "Gauss-Kruger"),
        ("带号=35", "带号=三十五", 6, "not a whole number"),
    ],
)
def test_bad_attribute_values(old, new, line, message):
    err = error_line(plot_text().replace(old, new))
    assert err.line == line
    assert message in str(err)


def test_implausible_coordinates():
    err = error_line(replace_line(plot_text(), 10, "J3,1,123.4,567.8"))
    assert err.line == 10
    assert "not a CGCS2000 Gauss-Kruger point" in str(err)


def test_column_order_changing_inside_a_plot():
    text = replace_line(plot_text(), 10, "J3,1,35500200.000,2700100.000")
    assert error_line(text).line == 10


def test_missing_plot_section():
    err = error_line(ATTRIBUTES)
    assert err.line is None
    assert "no [地块坐标] section" in str(err)


def test_point_before_any_plot_header():
    text = ATTRIBUTES + "[地块坐标]\n" + "\n".join(ring_lines(OUTER)) + "\n"
    err = error_line(text)
    assert err.line == 8
    assert "before any plot header" in str(err)


def test_header_without_points():
    err = error_line(ATTRIBUTES + "[地块坐标]\n5,,A,,面,,,,@\n")
    assert err.line == 8


def test_text_before_any_section():
    assert error_line("hello\n" + plot_text()).line == 1


def test_letters_in_header_fields():
    err = error_line(plot_text(header="X,1.99,A,,面,,,,@"))
    assert err.line == 8
    assert "JZDS" in str(err)
    err = error_line(plot_text(header="10,1.9g,A,,面,,,,@"))
    assert "地块面积" in str(err)


def test_bad_area_tolerance():
    with pytest.raises(ValueError, match="area_tolerance"):
        parse_boundary_txt(plot_text(), area_tolerance=-1)


# --------------------------------------------------------------------------- Xian 1980 → CGCS2000

HELMERT = (-15.8, 102.4, 48.3, 0.35, -1.12, 2.41, 3.6)  # m, arc-seconds, ppm (made up)


def independent_pipeline(ellps, zone_cm, false_easting, params):
    dx, dy, dz, rx, ry, rz, s = params
    tmerc = f"+proj=tmerc +lat_0=0 +lon_0={zone_cm} +k=1 +x_0={false_easting} +y_0=0"
    return (
        f"+proj=pipeline +step +inv {tmerc} +ellps={ellps} +step +proj=cart +ellps={ellps} "
        f"+step +proj=helmert +x={dx} +y={dy} +z={dz} +rx={rx} +ry={ry} +rz={rz} +s={s} "
        "+convention=position_vector +step +inv +proj=cart +ellps=GRS80 "
        f"+step {tmerc} +ellps=GRS80"
    )


@pytest.mark.parametrize(
    ("name", "ellps", "width", "zone", "cm"),
    [("1980西安坐标系", "IAU76", 3, 35, 105), ("1954北京坐标系", "krass", 6, 18, 105)],
)
def test_legacy_datum_with_seven_parameters(name, ellps, width, zone, cm):
    params = ",".join(str(p) for p in HELMERT)
    attributes = f"[属性描述]\n坐标系={name}\n几度分带={width}\n带号={zone}\n转换参数={params}\n"
    east_offset = (zone - 35) * 1_000_000.0
    txt = parse_boundary_txt(plot_text(attributes=attributes, east_offset=east_offset))
    false_easting = zone * 1_000_000 + 500_000
    transformer = Transformer.from_pipeline(independent_pipeline(ellps, cm, false_easting, HELMERT))
    east, north = transformer.transform(E0 + east_offset, N0)
    shell = np.asarray(txt.sites.geometry.iloc[0].exterior.coords)
    first = shell[np.argmin(np.hypot(shell[:, 0] - east, shell[:, 1] - north))]
    assert first == pytest.approx([east, north], abs=1e-6)
    assert math.hypot(east - E0 - east_offset, north - N0) > 10  # a real shift, not a null one
    assert txt.crs.equals(CRS.from_epsg(4523 if width == 3 else 4496))
    method = txt.metadata["landcheck.transformation"]
    assert "position-vector" in method and "Helmert 7-parameter" in method
    assert txt.metadata["landcheck.source_crs"] == ("EPSG:2359" if width == 3 else "EPSG:21418")
    assert "+convention=position_vector" in txt.metadata["landcheck.transformation_pipeline"]
    assert any(w.startswith("coordinates transformed") for w in txt.warnings)


# --------------------------------------------------------------------------- writer


def sample_sites(crs="EPSG:4523"):
    hole = expected_polygon()
    square = shapely.box(E0 + 1000, N0, E0 + 1050.5, N0 + 50.25)
    multi = shapely.MultiPolygon(
        [
            shapely.box(E0 + 2000, N0, E0 + 2100, N0 + 100),
            shapely.box(E0 + 2200, N0, E0 + 2300, N0 + 20),
        ]
    )
    return gpd.GeoDataFrame(
        {
            "site_id": ["A", "B", "C"],
            "name": ["厂区", "泵站", ""],
            "land_use": ["工业", "公用设施", "道路"],
            "land_class": ["0601", "0809", "1004"],
        },
        geometry=[hole, square, multi],
        crs=crs,
    )


def assert_round_trip(sites, txt):
    assert txt.crs.to_epsg() == 4523
    assert list(txt.sites.site_id) == list(sites.site_id)
    for column in ("name", "land_use", "land_class"):
        assert list(txt.sites[column]) == list(sites[column])
    for got, want in zip(txt.sites.geometry, sites.geometry, strict=True):
        assert_same_geometry(got, want)
        assert got.area == pytest.approx(want.area, rel=1e-6)
    assert txt.sites.declared_ha.tolist() == pytest.approx(txt.sites.computed_ha.tolist(), abs=5e-5)


def test_round_trip_text():
    sites = sample_sites()
    text = format_boundary_txt(sites, metadata={"项目名称": "某某项目"})
    txt = parse_boundary_txt(text)
    assert txt.warnings == []
    assert_round_trip(sites, txt)
    assert txt.metadata["项目名称"] == "某某项目"
    assert text.startswith("[项目信息]\n项目名称=某某项目\n[属性描述]\n")


def test_writer_dialect():
    lines = format_boundary_txt(sample_sites()).splitlines()
    plots = [line for line in lines if line.endswith("@")]
    assert plots == [
        "10,1.9900,A,厂区,面,,工业,0601,@",
        "5,0.2538,B,泵站,面,,公用设施,0809,@",
        "5,1.0000,C,,面,,道路,1004,@",
        "5,0.2000,C,,面,,道路,1004,@",
    ]
    first = lines.index(plots[0])
    assert lines[first + 1 : first + 11] == [
        "J1,1,2700000.000,35500000.000",
        "J2,1,2700100.000,35500000.000",
        "J3,1,2700100.000,35500200.000",
        "J4,1,2700000.000,35500200.000",
        "J1,1,2700000.000,35500000.000",
        "J5,2,2700040.000,35500090.000",
        "J6,2,2700040.000,35500100.000",
        "J7,2,2700050.000,35500100.000",
        "J8,2,2700050.000,35500090.000",
        "J5,2,2700040.000,35500090.000",
    ]
    assert "坐标系=2000国家大地坐标系" in lines and "带号=35" in lines and "几度分带=3" in lines


def test_writer_without_zone_prefix():
    sites = sample_sites()
    text = format_boundary_txt(sites, zone_prefix=False)
    assert "J1,1,2700000.000,500000.000" in text
    txt = parse_boundary_txt(text)
    assert_round_trip(sites, txt)
    assert len(txt.warnings) == 1 and "no zone prefix" in txt.warnings[0]


def test_round_trip_six_degree_zone():
    sites = sample_sites()
    six = sites.set_geometry(sites.translate(xoff=-17_000_000), crs="EPSG:4496")
    text = format_boundary_txt(six)
    assert "几度分带=6\n" in text and "带号=18\n" in text
    txt = parse_boundary_txt(text)
    assert txt.warnings == []
    assert txt.crs.to_epsg() == 4496
    for got, want in zip(txt.sites.geometry, six.geometry, strict=True):
        assert_same_geometry(got, want)


def test_writer_from_plain_eastings_crs():
    sites = sample_sites()
    plain = sites.set_geometry(sites.translate(xoff=-35_000_000), crs="EPSG:4544")
    text = format_boundary_txt(plain)
    assert text == format_boundary_txt(sample_sites())


def test_writer_reprojects_cgcs2000_data_when_given_a_crs():
    sites = sample_sites()
    lonlat = sites.to_crs("EPSG:4490")
    with pytest.raises(AnalysisCRSError, match="reproject"):
        format_boundary_txt(lonlat)
    txt = parse_boundary_txt(format_boundary_txt(lonlat, crs="EPSG:4523"))
    assert_round_trip(sites, txt)


@pytest.mark.parametrize(
    ("crs", "given", "message"),
    [
        (None, None, "have no CRS"),
        ("EPSG:3857", None, "reproject"),
        ("EPSG:2359", "EPSG:4523", "Xian 1980"),
        ("EPSG:32648", "EPSG:4523", "moves only CGCS2000 data"),
    ],
)
def test_writer_crs_errors(crs, given, message):
    sites = sample_sites().set_crs(crs, allow_override=True)
    with pytest.raises(AnalysisCRSError, match=message):
        format_boundary_txt(sites, crs=given)


def test_writer_refuses_coordinates_outside_the_zone():
    sites = sample_sites().set_crs("EPSG:4524", allow_override=True)  # zone 36, eastings of 35
    with pytest.raises(AnalysisCRSError, match="do not fit EPSG:4524"):
        format_boundary_txt(sites)


def test_writer_input_errors():
    sites = sample_sites()
    with pytest.raises(InputDataError, match="no sites to write"):
        format_boundary_txt(sites.iloc[:0])
    with pytest.raises(InputDataError, match="must be unique, but these repeat: B; a multi-part"):
        format_boundary_txt(sites.assign(site_id=["B", "A", "B"]))
    with pytest.raises(InputDataError, match="comma"):
        format_boundary_txt(sites.assign(name=["a,b", "", ""]))
    with pytest.raises(InputDataError, match="no column 'DKBH'"):
        format_boundary_txt(sites, id_field="DKBH")
    bowtie = shapely.Polygon([(E0, N0), (E0 + 10, N0 + 10), (E0 + 10, N0), (E0, N0 + 10)])
    with pytest.raises(GeometryError, match="not a valid polygon"):
        format_boundary_txt(sites.set_geometry([bowtie, bowtie, bowtie], crs=sites.crs))
    line = shapely.LineString([(E0, N0), (E0 + 10, N0)])
    with pytest.raises(GeometryError, match="LineString"):
        format_boundary_txt(sites.set_geometry([line, line, line], crs=sites.crs))
    sliver = shapely.Polygon([(E0, N0), (E0 + 0.0001, N0), (E0, N0 + 0.0001)])
    with pytest.raises(GeometryError, match="fewer than 3 distinct points"):
        format_boundary_txt(sites.set_geometry([sliver] * 3, crs=sites.crs))


def test_writer_numbers_blank_ids_and_skips_missing_default_columns():
    sites = sample_sites()[["geometry"]]
    txt = parse_boundary_txt(format_boundary_txt(sites))
    assert list(txt.sites.site_id) == ["1", "2", "3"]
    assert set(txt.sites["name"]) == {""}


def test_writer_metadata():
    metadata = {
        "数据产生单位": "某测绘院",
        "坐标系": "西安80",
        "landcheck.transformation": "x",
        "项目名称": "某某项目",
    }
    text = format_boundary_txt(sample_sites(), metadata=metadata)
    assert "数据产生单位=某测绘院" in text and "坐标系=2000国家大地坐标系" in text
    assert "西安80" not in text and "landcheck" not in text
    with pytest.raises(InputDataError, match="line breaks"):
        format_boundary_txt(sample_sites(), metadata={"备注": "a\nb"})


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\x0b", "\u2029"])
def test_writer_refuses_every_character_a_line_may_break_at(separator):
    # only , CR and LF were refused: an id holding U+2028 made a file of 19 lines to one
    # reader and 21 to another (Python's splitlines, many editors)
    sites = sample_sites()
    sites.loc[0, "site_id"] = f"A{separator}1"
    with pytest.raises(InputDataError, match="contains a comma or a line break"):
        format_boundary_txt(sites)
    named = sample_sites()
    named.loc[1, "name"] = f"泵{separator}站"
    with pytest.raises(InputDataError, match="contains a comma or a line break"):
        format_boundary_txt(named)
    with pytest.raises(InputDataError, match="line breaks"):
        format_boundary_txt(sample_sites(), metadata={"备注": f"a{separator}b"})


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_write_and_read_back(tmp_path, encoding):
    sites = sample_sites()
    path = tmp_path / "out.txt"
    write_boundary_txt(sites, path, encoding=encoding, metadata={"项目名称": "某某项目"})
    data = path.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") > 0
    assert data.decode(encoding).startswith("[项目信息]")
    txt = read_boundary_txt(path)
    assert txt.encoding == encoding
    assert txt.warnings == []
    assert_round_trip(sites, txt)
    assert os.listdir(tmp_path) == ["out.txt"]


def test_write_refuses_to_overwrite(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("keep")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        write_boundary_txt(sample_sites(), path)
    assert path.read_text() == "keep"
    write_boundary_txt(sample_sites(), path, overwrite=True)
    assert read_boundary_txt(path).sites.shape[0] == 3


def test_write_replaces_a_file_only_with_a_complete_one(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("keep")
    line = shapely.LineString([(35_500_000, 2_700_000), (35_500_100, 2_700_000)])
    lines = sample_sites().set_geometry([line] * 3, crs=sample_sites().crs)
    with pytest.raises(GeometryError, match="LineString"):
        write_boundary_txt(lines, path, overwrite=True)
    assert path.read_text() == "keep"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_write_never_writes_through_a_link(tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("keep")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with pytest.raises(OutputExistsError, match="not a plain file"):
        write_boundary_txt(sample_sites(), link, overwrite=True)
    assert target.read_text() == "keep" and link.is_symlink()


def test_write_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown boundary TXT encoding"):
        write_boundary_txt(sample_sites(), tmp_path / "a.txt", encoding="latin-1")
    with pytest.raises(InputDataError, match="cannot be written in gbk"):
        write_boundary_txt(
            sample_sites().assign(name=["😀", "", ""]), tmp_path / "b.txt", encoding="gbk"
        )
    with pytest.raises(OutputError, match="missing does not exist; create it first"):
        write_boundary_txt(sample_sites(), tmp_path / "missing" / "c.txt")
    assert os.listdir(tmp_path) == []


def test_txt_to_geopackage_and_back_gives_identical_text(tmp_path):
    text = format_boundary_txt(sample_sites(), metadata={"项目名称": "某某项目"})
    txt = parse_boundary_txt(text)
    gpkg = tmp_path / "sites.gpkg"
    pyogrio.write_dataframe(txt.sites, gpkg, layer="sites", promote_to_multi=True)
    back = pyogrio.read_dataframe(gpkg, layer="sites")
    assert back.crs.to_epsg() == 4523
    assert format_boundary_txt(back, metadata=txt.metadata) == text


# --------------------------------------------------------------------------- fuzzing

FUZZ_BASE = plot_text()
_ALPHABET = "0123456789.,@J=[]{} \n-abcX地块坐标带号"


@st.composite
def mutated(draw):
    text = draw(st.sampled_from([FUZZ_BASE, plot_text(swap=True, east_offset=-35_000_000)]))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate", "lines"]))
        size = len(text)
        i = draw(st.integers(0, max(size - 1, 0)))
        if op == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 12)) :]
        elif op == "duplicate":
            j = min(size, i + draw(st.integers(1, 30)))
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap" and size > 1:
            j = draw(st.integers(0, size - 1))
            a, b = sorted((i, j))
            if a != b:
                text = text[:a] + text[b] + text[a + 1 : b] + text[a] + text[b + 1 :]
        elif op == "insert":
            text = text[:i] + draw(st.text(_ALPHABET, min_size=1, max_size=6)) + text[i:]
        elif op == "truncate":
            text = text[:i]
        else:
            lines = text.split("\n")
            k = draw(st.integers(0, len(lines) - 1))
            m = draw(st.integers(0, len(lines) - 1))
            action = draw(st.sampled_from(["drop", "copy", "swap"]))
            if action == "drop":
                del lines[k]
            elif action == "copy":
                lines.insert(m, lines[k])
            else:
                lines[k], lines[m] = lines[m], lines[k]
            text = "\n".join(lines)
    return text


@settings(
    max_examples=1500,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutated())
def test_fuzzed_files_fail_only_with_landcheck_errors(text):
    try:
        txt = parse_boundary_txt(text)
    except (BoundaryTxtError, AnalysisCRSError):
        return
    assert len(txt.sites) >= 1
    assert txt.sites.crs is not None
    assert (txt.sites.computed_ha >= 0).all()


def test_writer_drops_points_equal_at_the_millimetre_and_closes_each_ring():
    # a 100 m square (counter-clockwise), a point 0.4 mm past its second corner, and a last
    # point 0.3 mm above the first: each is a corner next to it once written to 0.001 m
    ring = [
        (E0, N0),
        (E0 + 100, N0),
        (E0 + 100.0004, N0),
        (E0 + 100, N0 + 100),
        (E0, N0 + 100),
        (E0, N0 + 0.0003),
    ]
    site = gpd.GeoDataFrame({"site_id": ["D1"]}, geometry=[shapely.Polygon(ring)], crs="EPSG:4523")
    lines = format_boundary_txt(site, name_field=None).splitlines()
    plot = lines.index("[地块坐标]") + 1
    assert lines[plot].startswith("5,1.0000,D1,")  # four points and the first again; 1 ha
    assert lines[plot + 1 :] == [  # clockwise from the first corner, as the format wants
        "J1,1,2700000.000,35500000.000",
        "J2,1,2700100.000,35500000.000",
        "J3,1,2700100.000,35500100.000",
        "J4,1,2700000.000,35500100.000",
        "J1,1,2700000.000,35500000.000",
    ]


def test_writer_refuses_braces_a_reader_strips_and_keeps_a_full_width_at_sign():
    # '{8F1A…}' (an ArcGIS GlobalID) was written as is and read back '8F1A…', '地块{1}' as
    # '地块{1', silently: readers strip the braces some tools wrap every field in
    sites = sample_sites()
    guid = "{8F1A2B3C-0000-4D5E-9F00-112233445566}"
    with pytest.raises(InputDataError, match=r"would read back as '8F1A2B3C-0000-4D5E-9F00-"):
        format_boundary_txt(sites.assign(site_id=[guid, "B", "C"]))
    with pytest.raises(InputDataError, match=r"site B: 名称 '地块\{1\}' .* back as '地块\{1'"):
        format_boundary_txt(sites.assign(name=["", "地块{1}", ""]))
    # braces inside a value, and a full-width ＠ (read as the header's @ wherever it stood)
    named = sites.assign(site_id=["A＠", "B{1}C", "C"], name=["甲＠乙", "x@", "｛1｝"])
    txt = parse_boundary_txt(format_boundary_txt(named))
    assert txt.warnings == []
    assert list(txt.sites.site_id) == ["A＠", "B{1}C", "C"]
    assert list(txt.sites.name) == ["甲＠乙", "x@", "｛1｝"]
    assert txt.sites.computed_ha.round(4).tolist() == [1.99, 0.2538, 1.2]


def test_writer_refuses_metadata_a_reader_would_split():
    # '项目名称=某项目 容积率=1.5' was written as given and read back as two keys
    with pytest.raises(InputDataError, match=r"take the line as 项目名称='某项目', 容积率='1.5'"):
        format_boundary_txt(sample_sites(), metadata={"项目名称": "某项目 容积率=1.5"})
    with pytest.raises(InputDataError, match=r"take the line as 备注='x'"):
        format_boundary_txt(sample_sites(), metadata={"备注": "{x}"})
    with pytest.raises(InputDataError, match="数据产生单位"):
        format_boundary_txt(sample_sites(), metadata={"数据产生单位": "某院 电话=1"})
    # an '=' without a space before its key, and the keys the writer derives, are written
    metadata = {"备注": "容积率=1.5", "说明": "a b=c", "坐标系": "x y=z"}
    with pytest.raises(InputDataError, match="说明"):
        format_boundary_txt(sample_sites(), metadata=metadata)
    del metadata["说明"]
    txt = parse_boundary_txt(format_boundary_txt(sample_sites(), metadata=metadata))
    assert txt.metadata["备注"] == "容积率=1.5" and "容积率" not in txt.metadata
    assert txt.metadata["坐标系"] == "2000国家大地坐标系" and txt.warnings == []


def test_writer_refuses_metadata_a_reader_would_take_for_a_section_or_another_key():
    # {"[备注": "乙]"} was written as the line '[备注=乙]', which a reader takes for an unknown
    # section: 备注 and every pair after it were lost
    lost = {"项目名称": "甲", "[备注": "乙]", "建设单位": "某公司"}
    with pytest.raises(
        InputDataError, match=r"take the line as no pair \(unknown section \[备注=乙\] ignored\)"
    ):
        format_boundary_txt(sample_sites(), metadata=lost)
    with pytest.raises(InputDataError, match=r"unknown section \[备注=乙\] ignored"):
        format_boundary_txt(sample_sites(), metadata={"【备注": "乙】"})
    # a key starting with U+FEFF (read from '项目名称=甲 \ufeff带号=36') was written at a line's
    # start, where a reader drops the mark: it read back as 带号=36 against the written 带号=35,
    # and landcheck refused the file it had written
    with pytest.raises(InputDataError, match=r"as 带号='36'"):
        format_boundary_txt(sample_sites(), metadata={"项目名称": "甲", "\ufeff带号": "36"})
    # a line the reader refuses outright is refused here, with the reader's words
    with pytest.raises(InputDataError, match=r"as no pair \(转换参数 is given twice"):
        format_boundary_txt(sample_sites(), metadata={"项目名称": "甲 转换参数=1 转换参数=2"})
    # a bracket at one end only, full-width brackets, a mark inside: written, read back as given
    kept = {"项目名称": "甲", "[备注": "乙", "［备注］": "丙", "说明": "[丁]", "a\ufeffb": "戊"}
    txt = parse_boundary_txt(format_boundary_txt(sample_sites(), metadata=kept))
    assert {key: txt.metadata.get(key) for key in kept} == kept and txt.warnings == []


def test_writer_refuses_a_site_beyond_its_zones_reach():
    # a 100 m square of zone 36 (its centre at 107.51°E), given in zone 35's CRS: its eastings
    # fit zone 35's prefix, so it was written with 带号=35 and its zone-35 area 1.0015 ha,
    # though zone 35 spans 103.5–106.5°E
    far = gpd.GeoSeries([shapely.box(36_450_000, N0, 36_450_100, N0 + 100)], crs=4524)
    sites = gpd.GeoDataFrame(
        {"site_id": ["A", "B"]},
        geometry=[shapely.box(E0, N0, E0 + 100, N0 + 100), far.to_crs(4523).iloc[0]],
        crs="EPSG:4523",
    )
    assert sites.geometry[1].area == pytest.approx(10_015.0, abs=1.0)
    with pytest.raises(
        AnalysisCRSError,
        match=r"site\(s\) B lie beyond zone 35 of EPSG:4523: centre at 107\.5076°E",
    ):
        format_boundary_txt(sites)
    with pytest.raises(AnalysisCRSError, match="beyond zone 35"):  # unprefixed eastings too
        format_boundary_txt(sites.to_crs(4544))
    # in its own zone it is written, 1 ha
    txt = parse_boundary_txt(format_boundary_txt(sites.iloc[1:], crs=4524))
    assert txt.metadata["带号"] == "36" and txt.sites.declared_ha.tolist() == [1.0]
    # a quarter zone beyond the edge is taken, as county surveys straddling it do (and as
    # landcheck measures a site in its file's zone): centre at 107.0°E, in zone 35
    x, y = Transformer.from_crs(4490, 4523, always_xy=True).transform(107.0, 24.4)
    near = sites.iloc[:1].set_geometry([shapely.box(x - 50, y - 50, x + 50, y + 50)])
    assert parse_boundary_txt(format_boundary_txt(near)).metadata["带号"] == "35"


def test_writer_refuses_a_site_that_rounding_makes_invalid():
    # a notch from the top whose tip is 0.3 mm above the bottom edge: valid, 9,950 m²; at the
    # millimetre the tip lies on the edge and the ring touches itself, which the reader warned
    # about after the writer had written it
    x, y = E0, N0
    notch = shapely.Polygon(
        [
            (x, y),
            (x + 100, y),
            (x + 100, y + 100),
            (x + 50.5, y + 100),
            (x + 50, y + 0.0003),
            (x + 49.5, y + 100),
            (x, y + 100),
        ]
    )
    assert notch.is_valid and notch.area == pytest.approx(9_950.0, abs=0.001)
    sites = gpd.GeoDataFrame(
        {"site_id": ["A", "N"]},
        crs="EPSG:4523",
        geometry=[shapely.box(x - 300, y, x - 200, y + 100), notch],
    )
    with pytest.raises(GeometryError, match=r"site N: rounded to the millimetre .* Self-inter"):
        format_boundary_txt(sites)
    # 0.6 mm away, the tip stays off the edge and the site reads back valid, without warnings
    apart = shapely.Polygon(
        [(px, py + 0.0003 if py == y + 0.0003 else py) for px, py in notch.exterior.coords]
    )
    txt = parse_boundary_txt(format_boundary_txt(sites.set_geometry([sites.geometry[0], apart])))
    assert txt.warnings == [] and txt.sites.geometry.is_valid.all()
    assert txt.sites.computed_ha.round(4).tolist() == [1.0, 0.995]
    # two parts a quarter millimetre apart become one at the millimetre: refused as well
    parts = shapely.MultiPolygon(
        [shapely.box(x, y, x + 10, y + 10), shapely.box(x + 10.00025, y, x + 20, y + 10)]
    )
    assert parts.is_valid
    with pytest.raises(GeometryError, match="site A: rounded to the millimetre"):
        format_boundary_txt(sites.iloc[:1].set_geometry([parts]))
