"""Selection on land the layers do not describe, and the project types the tools take.

An area of interest 4 km × 1 km (x 0–4000, y 0–1000); the layers describe x ≤ 2000 only: the
land-use survey has two parcels over x −1000–2000, y −1000–2000 (dry land south of y 500,
paddy north of it), the redline is a strip at x 0–200, permanent farmland a 300 m block at
x 400–700, y 400–700. Where the survey has no parcel, no farmland or redline there proves
nothing (:mod:`landcheck.coverage`): buildable land counted the 200 ha beyond x 2000 as free
of both, and avoidance wrote a site there "ready for resubmission".
"""

from __future__ import annotations

import json

import geopandas as gpd
import pyogrio
import pytest
from click.testing import CliRunner
from common import county, frame, square

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import InputDataError
from landcheck.io import read_boundary_txt
from landcheck.report.selection import write_avoidance, write_buildable

PLANAR = {"area_method": "planar"}
BEYOND = "not described by farmland, eco_redline (outside the land-use survey ('land_use'))"


def wide_aoi() -> gpd.GeoDataFrame:
    return frame([{"name": "AOI", "geometry": square(0, 0, 4000, 1000)}])


def layers() -> dict[str, gpd.GeoDataFrame]:
    survey = [
        {"BSM": "L1", "DLBM": "0103", "geometry": square(-1000, -1000, 3000, 1500)},
        {"BSM": "L2", "DLBM": "0101", "geometry": square(-1000, 500, 3000, 1500)},
    ]
    return {
        "land_use": frame(survey),
        "eco_redline": frame([{"BSM": "R1", "geometry": square(0, 0, 200, 1000)}]),
        "farmland": frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(400, 400, 300)}]),
    }


def test_buildable_counts_land_beyond_the_survey_apart_not_as_buildable(tmp_path):
    result = landcheck.buildable(wide_aoi(), layers=layers(), **PLANAR)
    t = result.totals
    assert t["aoi"].planar_m2 == pytest.approx(4_000_000.0)
    assert t["excluded"].planar_m2 == pytest.approx(200_000.0 + 90_000.0)
    assert t["undescribed"].planar_m2 == pytest.approx(2_000_000.0)
    assert result.area.planar_m2 == pytest.approx(2_000_000.0 - 290_000.0)  # was 3,710,000
    assert t["aoi"].planar_m2 == pytest.approx(
        t["excluded"].planar_m2 + t["undescribed"].planar_m2 + t["free"].planar_m2
    )
    assert result.patches.total_bounds[2] == pytest.approx(2000.0 + 35_420_000.0)
    row = result.undescribed.iloc[0]
    assert len(result.undescribed) == 1
    assert (row["layers"], row["reason"], row["planar_m2"]) == (
        "farmland, eco_redline",
        BEYOND,
        pytest.approx(2_000_000.0),
    )
    assert result.undescribed.geometry.iloc[0].equals(square(2000, 0, 2000, 1000))
    said = [w for w in result.warnings if BEYOND in w]
    assert len(said) == 1 and said[0].startswith("200.0000 ha of the area of interest is")
    assert (
        "not described by farmland, eco_redline (outside the land-use survey ('land_use'))",
        "200.0000 ha, not known to be free of them",
    ) in result._facts()
    # the outputs hold it: the JSON's totals and rows, a GeoPackage layer
    data = result.to_dict()
    assert data["totals"]["undescribed"]["planar_m2"] == pytest.approx(2_000_000.0)
    assert data["undescribed"][0]["layers"] == "farmland, eco_redline"
    write_buildable(result, tmp_path / "b")
    written = pyogrio.read_dataframe(tmp_path / "b" / "buildable.gpkg", layer="undescribed")
    assert written.geometry.area.tolist() == pytest.approx([2_000_000.0])


def test_a_coverage_polygon_describes_the_whole_area():
    result = landcheck.buildable(wide_aoi(), layers=layers(), coverage=county(), **PLANAR)
    assert result.totals["undescribed"].planar_m2 == 0.0
    assert result.undescribed.empty
    assert result.area.planar_m2 == pytest.approx(4_000_000.0 - 290_000.0)


def test_each_layer_without_a_survey_describes_its_own_extent():
    # no land-use layer: the redline describes its extent x 0–200; the farmland, with a second
    # block at x 950–1000, y 450–500, its box x 400–1000, y 400–700
    aoi = frame([{"name": "AOI", "geometry": square(0, 0, 1000)}])
    farmland = frame(
        [
            {"BSM": "F1", "DLBM": "0101", "geometry": square(400, 400, 300)},
            {"BSM": "F2", "DLBM": "0101", "geometry": square(950, 450, 50)},
        ]
    )
    redline = frame([{"BSM": "R1", "geometry": square(0, 0, 200, 1000)}])
    result = landcheck.buildable(
        aoi, layers={"eco_redline": redline, "farmland": farmland}, **PLANAR
    )
    rows = result.undescribed.set_index("layers")["planar_m2"]
    free = 1_000_000.0 - 200_000.0 - 90_000.0 - 2_500.0
    assert rows["eco_redline"] == pytest.approx(free)  # all of it lies beyond x 200
    assert rows["farmland"] == pytest.approx(free - (600 * 300 - 90_000.0 - 2_500.0))
    assert result.totals["undescribed"].planar_m2 == pytest.approx(free)
    assert result.area.planar_m2 == 0.0 and result.patches.empty


def test_a_patch_says_the_checks_its_status_does_not_show():
    # outside the urban boundary an industrial patch is prohibited; the review layers are
    # not given, so their checks are unknown: the status alone would hide that
    urban = frame([{"BSM": "U1", "geometry": square(500, 0, 1500, 1000)}])
    result = landcheck.buildable(
        wide_aoi(),
        layers={**layers(), "urban_boundary": urban},
        project_class="industrial",
        **PLANAR,
    )
    patch = result.patches.iloc[0]
    assert patch["status"] == "prohibited"
    findings = result.check.site_findings(patch["patch_id"])
    unknown = [f.check for f in findings if f.status == "unknown"]
    assert unknown and patch["unknown_checks"] == ", ".join(unknown)
    # on the land the survey describes, the farmland and redline checks are decided
    assert not {"permanent_farmland", "eco_redline"} & set(unknown)


def far_sites() -> gpd.GeoDataFrame:
    return frame(
        [
            {"site_id": "C1", "geometry": square(800, 100, 100)},  # described
            {"site_id": "FAR", "geometry": square(3000, 100, 100)},  # beyond the survey
            {"site_id": "EDGE", "geometry": square(1950, 100, 100)},  # half beyond it
        ]
    )


def test_avoid_does_not_call_a_site_on_undescribed_land_ready(tmp_path):
    result = landcheck.avoid(far_sites(), layers=layers(), **PLANAR)
    kept = result.kept.set_index("site_id")
    assert kept["kept_planar_m2"].tolist() == pytest.approx([10_000.0] * 3)
    assert kept["undescribed_ha"].tolist() == pytest.approx([0.0, 1.0, 0.5])
    assert kept["undescribed_by"].tolist() == ["", "farmland, eco_redline", "farmland, eco_redline"]
    assert kept["ready"].tolist() == [True, False, False]
    assert result.resubmission["site_id"].tolist() == ["C1"]
    far = [w for w in result.warnings if w.startswith("site FAR:")]
    assert far == [
        f"site FAR: 1.0000 ha of the 1.0000 ha kept is {BEYOND}, so it is not known to avoid "
        "them (finding none of their features there proves nothing): the site is not ready for "
        "resubmission and is left out of the boundary TXT; give layers that describe it, or the "
        "polygon of the area they describe (coverage= / --coverage)"
    ]
    assert any(
        w.startswith("site EDGE: 0.5000 ha of the 1.0000 ha kept is") for w in result.warnings
    )
    paths = write_avoidance(result, tmp_path / "a")
    written = read_boundary_txt(paths["avoided_boundary.txt"])
    assert written.sites["site_id"].tolist() == ["C1"]


def test_avoid_with_a_coverage_polygon_is_ready_everywhere():
    result = landcheck.avoid(far_sites(), layers=layers(), coverage=county(), **PLANAR)
    assert result.kept["ready"].tolist() == [True, True, True]
    assert result.kept["undescribed_ha"].tolist() == [0.0, 0.0, 0.0]


def pv_finding(result) -> tuple[str, str]:
    patch = result.patches["patch_id"].iloc[0]
    found = next(f for f in result.check.site_findings(patch) if f.check == "pv_siting")
    return found.outcome, found.status


def test_buildable_takes_a_project_type_and_applies_its_rules():
    # the survey is cultivated land (dry land, paddy): a PV array may not take it
    aoi = frame([{"name": "AOI", "geometry": square(1000, 0, 500)}])
    for given in ({"project_class": "pv_array"}, {"facts": {"project_type": "光伏方阵"}}):
        result = landcheck.buildable(aoi, layers=layers(), **given, **PLANAR)
        assert pv_finding(result) == ("array_on_cultivated", "prohibited")
    assert result.parameters["facts"] == {"project_type": "pv_array"}
    # an old class still works: read as its coarse type, said once, not per patch
    old = landcheck.buildable(aoi, layers=layers(), project_class="industrial", **PLANAR)
    assert pv_finding(old) == ("not_applicable", "not_involved")
    assert old.parameters["project_class"] == "industrial"
    assert any(
        w.startswith("project class 'industrial' is an old project class") for w in old.warnings
    )
    assert not any("give an old project class" in w for w in old.warnings)
    with pytest.raises(InputDataError, match="not both"):
        landcheck.buildable(
            aoi, layers=layers(), project_class="industrial", facts={"project_type": "pv_array"}
        )


def test_the_buildable_command_takes_project_facts(write_gpkg, tmp_path):
    aoi = frame([{"name": "AOI", "geometry": square(1000, 0, 500)}])
    path = write_gpkg(aoi=aoi, **layers())
    base = ["select", "buildable", f"{path}:aoi", "--area-method", "planar", "-q"]
    for key in ("land_use", "eco_redline", "farmland"):
        base += ["--layer", f"{key}={path}:{key}"]
    facts = ["--project-type", "pv_array", "--plan-level", "county", "--plan-ref", "县光伏规划"]
    result = CliRunner().invoke(cli, [*base, *facts, "-o", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    data = (tmp_path / "b" / "buildable.json").read_text(encoding="utf-8")
    assert '"plan_ref": "县光伏规划"' in data and '"project_type": "pv_array"' in data
    both = ["--project-type", "pv_array", "--project-class", "industrial"]
    refused = CliRunner().invoke(cli, [*base, *both, "-o", str(tmp_path / "c")])
    assert refused.exit_code == 2 and "not both" in refused.output
    unknown = CliRunner().invoke(
        cli, [*base, "--project-type", "spaceport", "-o", str(tmp_path / "d")]
    )
    assert unknown.exit_code == 2 and "is not a project type" in unknown.output


EAST = square(2000, 0, 2000, 1000)
"""The half of the wide area of interest the survey, so the hard layers, do not describe."""

NOT_SEARCHED = f"200.0000 ha {BEYOND}: no site proposed there."


def test_search_places_no_site_on_land_the_layers_do_not_describe():
    # 25 ha squares (500 m) fit twice in the described land east of the farmland block; the
    # 200 ha beyond the survey took the other six of eight: proposals on land without data
    result = landcheck.search(wide_aoi(), 25.0, layers=layers(), count=8, max_aspect=1.0, **PLANAR)
    described_land = square(0, 0, 2000, 1000).buffer(1e-6)
    assert len(result.proposals) == 2
    assert all(described_land.covers(g) for g in result.proposals.geometry)
    assert result.patches.total_bounds[2] == pytest.approx(2000.0 + 35_420_000.0)
    row = result.undescribed.iloc[0]
    assert len(result.undescribed) == 1
    assert (row["layers"], row["reason"], row["planar_m2"]) == (
        "farmland, eco_redline",
        BEYOND,
        pytest.approx(2_000_000.0),
    )
    assert result.undescribed.geometry.iloc[0].equals(EAST)
    assert result.explain().split("\n")[-1] == NOT_SEARCHED
    assert result.explain("zh").split("\n")[-1] == (
        "200.0000 公顷图层 farmland、eco_redline 未描述"
        "（位于土地利用现状调查（图层 land_use）的范围之外）：未在其中选址。"
    )
    assert any(
        w.startswith(f"200.0000 ha of the area of interest is {BEYOND}") for w in result.warnings
    )
    assert result.to_dict()["undescribed"][0]["planar_m2"] == pytest.approx(2_000_000.0)


def test_search_with_a_coverage_polygon_searches_the_whole_area():
    # told that the layers describe the county, the search takes the east half too
    result = landcheck.search(
        wide_aoi(), 25.0, layers=layers(), count=8, max_aspect=1.0, coverage=county(), **PLANAR
    )
    assert len(result.proposals) == 8
    assert any(EAST.intersects(g.buffer(-1.0)) for g in result.proposals.geometry)
    assert result.undescribed.empty
    assert NOT_SEARCHED not in result.explain()


def test_the_search_command_says_what_it_did_not_search_and_takes_project_facts(
    write_gpkg, tmp_path
):
    path = write_gpkg(aoi=wide_aoi(), county=county(), **layers())
    base = ["select", "search", f"{path}:aoi", "--area", "25", "--count", "8", "--max-aspect", "1"]
    base += ["--area-method", "planar", "--lang", "en"]
    for key in ("land_use", "eco_redline", "farmland"):
        base += ["--layer", f"{key}={path}:{key}"]
    facts = ["--project-type", "pv_array", "--plan-level", "county", "--plan-ref", "县光伏规划"]
    result = CliRunner().invoke(cli, [*base, *facts, "-o", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert NOT_SEARCHED in result.output.splitlines()
    data = json.loads((tmp_path / "s" / "search.json").read_text(encoding="utf-8"))
    assert data["parameters"]["facts"] == {
        "project_type": "pv_array",
        "plan_level": "county",
        "plan_ref": "县光伏规划",
    }
    assert [r["planar_m2"] for r in data["undescribed"]] == pytest.approx([2_000_000.0])
    assert len(data["proposals"]) == 2
    written = pyogrio.read_dataframe(tmp_path / "s" / "search.gpkg", layer="undescribed")
    assert written.geometry.area.tolist() == pytest.approx([2_000_000.0])
    told = ["--coverage", f"{path}:county", "-o", str(tmp_path / "c")]
    result = CliRunner().invoke(cli, [*base, *told])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "c" / "search.json").read_text(encoding="utf-8"))
    assert data["undescribed"] == [] and len(data["proposals"]) == 8
    assert data["parameters"]["coverage"] == f"{path}:county"
    both = ["--project-type", "pv_array", "--project-class", "industrial"]
    refused = CliRunner().invoke(cli, [*base, *both, "-o", str(tmp_path / "d")])
    assert refused.exit_code == 2 and "not both" in refused.output


def test_avoid_without_a_hard_layer_calls_no_site_ready(tmp_path):
    # the redline layer is not given: no site is known to avoid it, wherever it lies; each was
    # written to avoided_boundary.txt "ready for resubmission"
    given = {k: v for k, v in layers().items() if k != "eco_redline"}
    result = landcheck.avoid(far_sites(), layers=given, coverage=county(), **PLANAR)
    assert result.unchecked == ["eco_redline"]
    assert result.kept["kept_planar_m2"].tolist() == pytest.approx([10_000.0] * 3)
    assert result.kept["ready"].tolist() == [False, False, False]
    assert result.resubmission.empty
    assert (
        "the hard layer(s) eco_redline could not be checked, so no site is known to avoid "
        "them: site(s) C1, FAR, EDGE are not ready for resubmission and are left out of the "
        "boundary TXT; give the layer(s) (--layer KEY=PATH, layers={KEY: ...})"
    ) in result.warnings
    paths = write_avoidance(result, tmp_path / "a")
    assert "avoided_boundary.txt" not in paths
    data = json.loads((tmp_path / "a" / "avoidance.json").read_text(encoding="utf-8"))
    assert data["txt_skipped"] == (
        "no site is ready for resubmission: the hard layer(s) eco_redline could not be "
        "checked, so no site is known to avoid them"
    )


def test_the_reason_no_site_is_written_names_each_cause(tmp_path):
    # C1 lies wholly on farmland (nothing left), FAR keeps land the survey does not describe
    sites = frame(
        [
            {"site_id": "C1", "geometry": square(450, 450, 100)},
            {"site_id": "FAR", "geometry": square(3000, 100, 100)},
        ]
    )
    result = landcheck.avoid(sites, layers=layers(), **PLANAR)
    assert result.kept["parts"].tolist() == [0, 1]
    paths = write_avoidance(result, tmp_path / "a")
    assert "avoided_boundary.txt" not in paths
    data = json.loads((tmp_path / "a" / "avoidance.json").read_text(encoding="utf-8"))
    assert data["txt_skipped"] == (
        "no site is ready for resubmission: site(s) FAR keep land farmland, eco_redline does "
        "not describe; site(s) C1 have no land left"
    )
