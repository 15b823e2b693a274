"""The demo shows each outcome of the review checks on the sample site built for it.

One ``landcheck demo`` run (JSON, HTML, XLSX, GeoPackage) is shared by the module. Each
review site S26-S36 (``landcheck.sample.sites.REVIEW_SITES``, ``data/README.md``), and S11
and S08 on their 卫片执法 parcels, must get its outcome, with the area of the overlap
measured on the committed sample, in every output.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely
from click.testing import CliRunner

from landcheck.areas import ellipsoidal_areas
from landcheck.cli.main import cli

# site, check, outcome, status, and the review features whose overlap with the site is the
# finding's area: layer, the field the GeoPackage's overlaps give as class_code, its values
OUTCOMES = (
    ("S26", "forest", "pv_grade_one", "prohibited", ("forest", "BHDJ", ("Ⅰ",))),
    ("S27", "forest", "public_forest", "conditional", ("forest", "BHDJ", ("Ⅱ",))),
    ("S28", "wetland", "national", "prohibited", ("wetland", "ZYSDJB", ("国家重要湿地",))),
    (
        "S36",
        "wetland",
        "national_exception",
        "conditional",
        ("wetland", "ZYSDJB", ("国家重要湿地",)),
    ),
    (
        "S29",
        "protected_areas",
        "permitted",
        "conditional",
        ("protected_areas", "GNFQ", ("一般控制区",)),
    ),
    (
        "S30",
        "protected_areas",
        "not_permitted",
        "prohibited",
        ("protected_areas", "GNFQ", ("一般控制区",)),
    ),
    (
        "S31",
        "protected_areas",
        "trial_zone",
        "conditional",
        ("protected_areas", "GNFQ", ("实验区",)),
    ),
    ("S32", "mineral_rights", "strategic", "prohibited", ("mineral_rights", "KZ", ("铝土矿",))),
    ("S33", "geohazard_points", "inside", "conditional", None),
    (
        "S34",
        "heritage",
        "protection_range_control",
        "prohibited",
        ("heritage", "FWLX", ("保护范围",)),
    ),
    ("S35", "heritage", "control_zone", "conditional", ("heritage", "FWLX", ("建设控制地带",))),
    ("S11", "illegal_land", "flagged", "conditional", ("illegal_land", "CCZT", ("未查处",))),
    ("S08", "illegal_land", "dealt_with", "info", ("illegal_land", "CCZT", ("已查处到位",))),
)
STATUS_ZH = {"prohibited": "禁止", "conditional": "有条件", "info": "提示"}
ILLEGAL_SITES = {"S08": "WP2020-0001", "S11": "WP2024-0001"}
"""The sites on a 卫片执法 parcel, and its 监测编号; every other site takes none."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The report folder of one ``landcheck demo -f json,html,xlsx,gpkg`` run."""
    out = tmp_path_factory.mktemp("outcomes") / "demo"
    result = CliRunner().invoke(cli, ["demo", "-o", str(out), "-f", "json,html,xlsx,gpkg", "-q"])
    assert result.exit_code == 0, result.output
    return out / "report"


@pytest.fixture(scope="module")
def findings(demo) -> dict[tuple[str, str], dict]:
    """findings.json's findings by (site, check)."""
    data = json.loads((demo / "findings.json").read_text(encoding="utf-8"))
    return {(s["site_id"], f["check"]): f for s in data["sites"] for f in s["findings"]}


@pytest.fixture(scope="module")
def expected_m2(sample_gpkg) -> dict[str, float]:
    """Ellipsoidal area of each site's overlap with its features, measured on the sample."""
    sites = gpd.read_file(sample_gpkg, layer="sites").set_index("site_id")
    areas = {}
    for site_id, _, _, _, features in OUTCOMES:
        if features is None:
            continue
        layer, field, values = features
        frame = gpd.read_file(sample_gpkg, layer=layer)
        chosen = shapely.union_all(frame.geometry[frame[field].isin(values)].to_numpy())
        overlap = shapely.intersection(sites.geometry[site_id], chosen)
        areas[site_id] = float(ellipsoidal_areas([overlap], sites.crs)[0])
    return areas


@pytest.mark.parametrize(("site_id", "check", "outcome", "status", "features"), OUTCOMES)
def test_findings_json_has_the_outcome_and_its_area(
    findings, expected_m2, site_id, check, outcome, status, features
):
    f = findings[(site_id, check)]
    assert (f["outcome"], f["status"]) == (outcome, status)
    if features is not None:
        assert expected_m2[site_id] > 1000.0  # a real overlap, not a sliver
        assert f["area_m2"] == pytest.approx(expected_m2[site_id], abs=0.01)
        assert f"{expected_m2[site_id] / 10_000:.4f} 公顷" in f["message"]["zh"]


def test_every_site_has_its_illegal_land_finding_and_only_s08_s11_take_a_parcel(findings):
    # without the sample's illegal_land layer the check was unknown on every site
    by_site = {site: f for (site, check), f in findings.items() if check == "illegal_land"}
    assert len(by_site) == 33
    taken = {site: f["outcome"] for site, f in by_site.items() if f["outcome"] != "not_involved"}
    # S12 reaches outside the county, where no layer describes the land: every review check
    assert taken == {"S08": "dealt_with", "S11": "flagged", "S12": "outside"}
    for site, parcel in ILLEGAL_SITES.items():
        assert f"{parcel} " in by_site[site]["message"]["zh"], site
    assert "查处状态：未查处" in by_site["S11"]["message"]["zh"]
    assert "图层注明已查处（已查处到位" in by_site["S08"]["message"]["zh"]


def test_the_hazard_point_named_lies_inside_the_site(findings, sample_gpkg):
    f = findings[("S33", "geohazard_points")]
    points = gpd.read_file(sample_gpkg, layer="geohazard_points")
    site = gpd.read_file(sample_gpkg, layer="sites").set_index("site_id").geometry["S33"]
    inside = points[points.within(site)]
    assert len(inside) == 1
    assert f"（{inside['YHDBH'].iloc[0]}）" in f["message"]["zh"]


def test_html_and_xlsx_show_each_outcome(demo, findings):
    page = (demo / "report.html").read_text(encoding="utf-8")
    sheet = openpyxl.load_workbook(demo / "report.xlsx")["审查意见"]
    headers = [c.value for c in sheet[2]]
    rows = [
        dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)
    ]
    for site_id, check, _, status, _ in OUTCOMES:
        f = findings[(site_id, check)]
        assert html.escape(f["message"]["zh"], quote=False) in page, (site_id, check)
        row = next(
            r for r in rows if r["用地编号"] == site_id and r["审查意见"] == f["message"]["zh"]
        )
        assert row["审查事项"] == f["title"]["zh"] and row["结论"] == STATUS_ZH[status]
        if status == "info":  # the 涉及面积 column is land taken: none for a note (findings.py)
            assert row["涉及面积（公顷）"] is None
        else:
            assert row["涉及面积（公顷）"] == pytest.approx(round(f["area_m2"] / 10_000, 4))


def test_geopackage_findings_and_overlaps_by_class_code(demo, findings):
    gpkg = demo / "landcheck.gpkg"
    table = gpd.read_file(gpkg, layer="findings", ignore_geometry=True)
    overlaps = gpd.read_file(gpkg, layer="overlaps", ignore_geometry=True)
    for site_id, check, outcome, status, features in OUTCOMES:
        row = table[(table["site_id"] == site_id) & (table["check"] == check)]
        assert list(row[["outcome", "status"]].itertuples(index=False, name=None)) == [
            (outcome, status)
        ]
        if features is None:
            continue
        layer, _, values = features
        pieces = overlaps[
            (overlaps["site_id"] == site_id)
            & (overlaps["layer"] == layer)
            & overlaps["class_code"].isin(values)
        ]
        area = findings[(site_id, check)]["area_m2"]
        assert pieces["area_ellipsoidal_m2"].sum() == pytest.approx(area, abs=0.01), site_id


def test_the_demo_records_each_inputs_digest(demo):
    # the demo names its inputs where the folder ends up; their digests were looked for
    # there before it was in place: "sha256": null for every input
    import hashlib

    data = json.loads((demo / "findings.json").read_text(encoding="utf-8"))
    files = [i for i in data["inputs"] if i.get("path")]
    assert files
    for record in files:
        with open(record["path"], "rb") as handle:
            assert record["sha256"] == hashlib.sha256(handle.read()).hexdigest(), record["path"]


def test_every_share_in_the_demo_is_a_fraction(demo):
    # a layer over a whole site shared 1.00000035 of it: the ellipsoidal sums' last digits
    data = json.loads((demo / "findings.json").read_text(encoding="utf-8"))
    shares = [layer["share"] for s in data["sites"] for layer in s["layers"].values()]
    assert shares and all(0.0 <= share <= 1.0 for share in shares)
