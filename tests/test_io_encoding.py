"""Attribute encodings: GBK / UTF-8 shapefiles without .cpg are read right, never garbled."""

from __future__ import annotations

import os

import geopandas as gpd
import pytest
import shapely
from common import X0, Y0, frame, sites, square
from realworld import digest, write_shapefile

import landcheck
from landcheck.errors import DataSourceError
from landcheck.io.encoding import choose_encoding, detect_shapefile_encoding, guess_encoding
from landcheck.io.sites import read_sites
from landcheck.io.vector import LayerSource, read_frame

NAMES = ["水田", "乔木林地", "𠮷祥村"]  # the last needs GB18030 (not in GBK)


def chinese_sites(names=("水田", "乔木林地")):
    return sites(*(square(i * 300, 0, 100) for i in range(len(names))), 名称=list(names))


# --------------------------------------------------------------------------- guessing


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        ([n.encode("gbk") for n in NAMES[:2]], "gbk"),
        ([n.encode("utf-8") for n in NAMES], "utf-8"),
        ([n.encode("gb18030") for n in NAMES], "gb18030"),
        ([b"0101", b"DLMC", b""], None),
        # 水 in GBK (CB AE) is also valid UTF-8 (U+02EE): the Chinese reading wins
        (["水".encode("gbk")], "gbk"),
        # a field cut in the middle of a character is still recognised
        (["乔木林地".encode("gbk")[:-1]], "gbk"),
        (["乔木林地".encode()[:-1]], "utf-8"),
        ([b"\x80\x80"], None),
    ],
)
def test_guess_encoding(samples, expected):
    assert guess_encoding(samples) == expected


def test_detect_reads_field_names_and_values(tmp_path):
    path = write_shapefile(chinese_sites(), tmp_path / "a.shp", encoding="gbk")
    assert not os.path.exists(tmp_path / "a.cpg")
    assert detect_shapefile_encoding(path) == "gbk"
    assert detect_shapefile_encoding(tmp_path / "a.dbf") == "gbk"
    # without the .dbf there is nothing to detect
    assert detect_shapefile_encoding(tmp_path / "none.shp") is None


def test_gdal_alone_garbles_what_landcheck_reads_right(tmp_path):
    import pyogrio

    path = write_shapefile(chinese_sites(), tmp_path / "a.shp", encoding="gbk")
    garbled = pyogrio.read_dataframe(path)
    assert "名称" not in garbled.columns  # GDAL falls back to ISO-8859-1
    frame = read_frame(LayerSource(path), None)
    assert frame["名称"].tolist() == ["水田", "乔木林地"]


# --------------------------------------------------------------------------- site files


@pytest.mark.parametrize(
    ("encoding", "expected"), [("gbk", "gbk"), ("utf-8", "utf-8"), ("gb18030", "gb18030")]
)
def test_site_shapefile_without_cpg(tmp_path, encoding, expected):
    names = NAMES if encoding != "gbk" else NAMES[:2]
    path = write_shapefile(chinese_sites(names), tmp_path / "a.shp", encoding=encoding)
    before = digest(path)
    frame, record = read_sites(path)
    assert frame["名称"].tolist() == list(names)
    assert record.extra["encoding"] == expected
    assert record.extra["encoding_source"] == "detected"
    assert "no .cpg" in record.extra["encoding_note"]
    assert digest(path) == before


def test_cpg_is_trusted(tmp_path):
    path = write_shapefile(chinese_sites(), tmp_path / "a.shp", encoding="gbk", cpg=True)
    frame, record = read_sites(path)
    assert frame["名称"].tolist() == ["水田", "乔木林地"]
    assert record.extra["encoding_source"] == "cpg"


def test_given_encoding_wins(tmp_path):
    path = write_shapefile(chinese_sites(), tmp_path / "a.shp", encoding="gbk")
    frame, record = read_sites(LayerSource(path, encoding="gbk"))
    assert frame["名称"].tolist() == ["水田", "乔木林地"]
    assert record.extra["encoding_source"] == "given"


def test_ascii_shapefile_needs_nothing(tmp_path):
    path = write_shapefile(
        sites(square(0, 0, 10), DLBM=["0101"]), tmp_path / "a.shp", encoding="utf-8"
    )
    choice = choose_encoding(path)
    assert (choice.encoding, choice.source) == (None, "ascii")


def test_encoding_is_ignored_for_utf8_formats(tmp_path):
    path = tmp_path / "a.gpkg"
    chinese_sites().to_file(path)
    frame, record = read_sites(LayerSource(str(path), encoding="gbk"))
    assert frame["名称"].tolist() == ["水田", "乔木林地"]  # not 姘寸敯
    note = record.extra["encoding_note"]
    assert note == "--encoding gbk ignored: GeoPackage text is always UTF-8"


def test_text_in_no_known_encoding_is_refused(tmp_path):
    path = write_shapefile(
        sites(square(0, 0, 10), note=["€5"]), tmp_path / "a.shp", encoding="cp1252"
    )
    with pytest.raises(DataSourceError, match=r"--encoding \(e\.g\. big5, cp1252\)"):
        read_sites(path)
    frame, _ = read_sites(LayerSource(path, encoding="cp1252"))
    assert frame["note"].tolist() == ["€5"]


def test_unknown_encoding_name(tmp_path):
    path = write_shapefile(chinese_sites(), tmp_path / "a.shp", encoding="gbk")
    with pytest.raises(DataSourceError, match="unknown encoding 'klingon'"):
        read_sites(LayerSource(path, encoding="klingon"))


# --------------------------------------------------------------------------- constraint layers


def test_constraint_layer_without_cpg_is_detected_too(tmp_path):
    farmland = frame(
        [{"BSM": "基本农田一号", "DLMC": "水田", "geometry": square(700, 0, 1300, 1000)}]
    )
    path = write_shapefile(farmland, tmp_path / "yjjbnt.shp", encoding="gbk")
    site = sites(square(0, 0, 1000, 500))
    result = landcheck.check(site, layers={"farmland": path}, area_method="planar")
    layer = result.to_dict()["sites"][0]["layers"]["farmland"]
    assert layer["overlap"]["planar_m2"] == pytest.approx(150_000.0)
    assert [f["id"] for f in layer["features"]] == ["基本农田一号"]
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.extra["encoding"] == "gbk"
    assert record.extra["encoding_source"] == "detected"


def test_record_goes_to_findings_json(tmp_path):
    path = write_shapefile(chinese_sites(), tmp_path / "a.shp", encoding="gbk")
    result = landcheck.check(path, area_method="planar")
    (sites_input,) = [i for i in result.to_dict()["inputs"] if i["role"] == "sites"]
    assert sites_input["extra"]["encoding"] == "gbk"
    assert sites_input["extra"]["encoding_source"] == "detected"
    assert gpd.GeoSeries(result.sites.geometry).area.tolist() == [10_000.0, 10_000.0]
    assert shapely.box(X0, Y0, X0 + 100, Y0 + 100).equals(result.sites.geometry.iloc[0])
