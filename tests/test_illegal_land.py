"""Analytic tests of the illegal-land check (卫片执法图斑, landcheck.review.illegal_land).

The site is a 100 m square (1 ha, planar areas); a flagged parcel is a 100 m square moved
50 m east and north, so it takes exactly 2,500 m² (0.2500 ha) of the site.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pyogrio
import pytest
from click.testing import CliRunner
from common import GK35, county, frame, sites, square

import landcheck
from landcheck.cli.main import cli
from landcheck.tables import layers_table

PLANAR = {"area_method": "planar", "coverage": county()}
STATEMENT = "违法用地查处情况说明（处罚决定书、罚没款缴纳凭证等查处到位材料）"


def parcels(*rows):
    return frame([dict(row) for row in rows])


def flagged_parcel(status=None, parcel="WP-2024-017", geometry=None):
    row = {"JCBH": parcel, "geometry": geometry or square(50, 50, 100)}
    if status is not None:
        row["CCZT"] = status
    return row


def check(layers, **options):
    return landcheck.check(sites(square(0, 0, 100)), layers=layers, **PLANAR, **options)


def finding(result, rule="illegal_land"):
    return next(f for f in result.site_findings("S1") if f.check == rule)


def test_a_site_on_a_flagged_parcel_is_told_its_area_the_parcel_and_the_statement_to_make():
    f = finding(check({"illegal_land": parcels(flagged_parcel("未查处"))}))
    assert (f.outcome, f.status) == ("flagged", "conditional")
    assert f.area.planar_m2 == pytest.approx(2_500.0)
    assert "项目用地涉及违法用地图斑 0.2500 公顷（WP-2024-017 0.2500 公顷" in f.message.zh
    assert "其中未注明已查处到位的 0.2500 公顷" in f.message.zh
    assert "practice" in f.message.en and "(WP-2024-017 0.2500 ha;" in f.message.en
    # a 报批 document: listed as later at 预审, needed now at 报批
    assert [d.zh for d in f.documents_later] == [STATEMENT] and f.documents == ()
    at_approval = finding(check({"illegal_land": parcels(flagged_parcel())}, stage="approval"))
    assert [d.zh for d in at_approval.documents] == [STATEMENT]
    assert "报批时提交违法用地查处情况说明" in at_approval.message.zh
    # the practice is marked P; 自然资规〔2019〕2号 (V) is cited for approved land only
    assert f.to_dict()["basis_marks"] == ["V", "P"]
    assert "须查处到位的要求不出自该文件" in f.to_dict()["basis"][0]


def test_a_parcel_the_layer_says_was_dealt_with_is_a_note_that_still_lists_the_statement():
    for status in ("已查处", "已查处到位", "是"):
        f = finding(check({"illegal_land": parcels(flagged_parcel(status))}))
        assert (f.outcome, f.status) == ("dealt_with", "info"), status
        assert f.area.planar_m2 == pytest.approx(2_500.0)
        assert f"WP-2024-017 0.2500 公顷），图层注明已查处（{status} 0.2500 公顷）" in f.message.zh
        assert [d.zh for d in f.documents_later] == [STATEMENT]


def test_a_status_blank_unknown_or_absent_is_not_dealt_with():
    for status in ("", "正在查处", "整改中", "否", None):
        f = finding(check({"illegal_land": parcels(flagged_parcel(status))}))
        assert (f.outcome, f.status) == ("flagged", "conditional"), status
        assert "其中未注明已查处到位的 0.2500 公顷" in f.message.zh


def test_parcels_dealt_with_and_not_are_named_each_with_its_area():
    layer = parcels(
        flagged_parcel("已查处", "W1", square(50, 0, 50, 100)),  # 5,000 m² of the site
        flagged_parcel("未查处", "W2", square(0, 80, 50, 100)),  # 1,000 m²
    )
    f = finding(check({"illegal_land": layer}))
    assert (f.outcome, f.status) == ("flagged", "conditional")
    assert f.area.planar_m2 == pytest.approx(6_000.0)
    said = "（W1 0.5000 公顷、W2 0.1000 公顷；查处状态：已查处 0.5000 公顷、未查处 0.1000 公顷）"
    assert said in f.message.zh
    assert "其中未注明已查处到位的 0.1000 公顷" in f.message.zh


def test_ground_a_dealt_with_parcel_shares_with_an_open_one_counts_as_open():
    # the open parcel drawn over one dealt with, later in the file: the ground is still open
    layer = parcels(flagged_parcel("已查处", "W1"), flagged_parcel("未查处", "W2"))
    f = finding(check({"illegal_land": layer}))
    assert (f.outcome, f.status) == ("flagged", "conditional")
    assert "其中未注明已查处到位的 0.2500 公顷" in f.message.zh


def test_a_half_square_metre_is_a_sliver_and_a_parcel_away_is_not_involved():
    thin = parcels(flagged_parcel("未查处", geometry=square(99.9, 0, 0.1, 5)))  # 0.5 m²
    f = finding(check({"illegal_land": thin}))
    assert (f.outcome, f.status) == ("sliver", "info")
    assert "0.50 平方米的细小重叠，疑似边界误差，修正后复核" in f.message.zh
    away = finding(check({"illegal_land": parcels(flagged_parcel(geometry=square(500, 0, 100)))}))
    assert (away.outcome, away.status) == ("not_involved", "not_involved")


def test_without_the_layer_the_check_is_unknown_as_every_review_check():
    result = check({})
    f, geohazard = finding(result), finding(result, "geohazard")
    assert (f.outcome, f.status) == (geohazard.outcome, geohazard.status) == ("unknown", "unknown")
    assert f.documents == f.documents_later == ()
    table = layers_table(result, "zh").frame.set_index("layer")
    row, other = table.loc["illegal_land"], table.loc["geohazard"]
    assert (row["available"], row["status"]) == (other["available"], other["status"])
    assert (row["available"], row["status"]) == ("否", "无法判定")


def test_a_site_half_beyond_the_described_area_is_unknown_unless_a_parcel_is_found():
    half = gpd.GeoDataFrame(geometry=[square(0, 0, 50, 100)], crs=GK35)  # the site's west half
    options = {"coverage": half, "area_method": "planar"}
    away = parcels(flagged_parcel(geometry=square(500, 0, 100)))
    result = landcheck.check(sites(square(0, 0, 100)), layers={"illegal_land": away}, **options)
    f = finding(result)
    assert (f.outcome, f.status) == ("outside", "unknown")
    assert f.area.planar_m2 == pytest.approx(5_000.0)
    found = parcels(flagged_parcel("未查处", geometry=square(0, 0, 50, 50)))  # 2,500 m² inside
    result = landcheck.check(sites(square(0, 0, 100)), layers={"illegal_land": found}, **options)
    assert (finding(result).outcome, finding(result).status) == ("flagged", "conditional")


def test_the_cli_takes_the_layer_and_writes_the_finding_and_its_pieces(write_gpkg, tmp_path):
    layer = parcels(flagged_parcel("未查处"))
    data = write_gpkg(sites=sites(square(0, 0, 100)), illegal_land=layer)
    out = tmp_path / "report"
    result = CliRunner().invoke(
        cli,
        [
            "check",
            f"{data}:sites",
            "--layer",
            f"illegal_land={data}:illegal_land",
            "--area-method",
            "planar",
            "-f",
            "json,gpkg",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    site = findings["sites"][0]
    found = next(f for f in site["findings"] if f["check"] == "illegal_land")
    assert (found["outcome"], found["status"]) == ("flagged", "conditional")
    assert found["area_planar_m2"] == pytest.approx(2_500.0)
    assert "WP-2024-017 0.2500 公顷" in found["message"]["zh"]
    assert found["documents_later"] == [STATEMENT]
    assert site["layers"]["illegal_land"]["attributes"][0]["status"] == "未查处"
    overlaps = pyogrio.read_dataframe(out / "landcheck.gpkg", layer="overlaps")
    piece = overlaps[overlaps["layer"] == "illegal_land"]
    assert piece["feature_id"].tolist() == ["WP-2024-017"]
    assert piece["class_code"].tolist() == ["未查处"]
    assert piece["area_planar_m2"].tolist() == pytest.approx([2_500.0])
