"""The reviewer's tables: hierarchy, units and rounding that adds up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from report_case import result

from landcheck.tables import report_tables, round_tree
from landcheck.tables.table import ROW_KEYS, Column, Rows, as_text
from landcheck.units import largest_remainder_round


@pytest.fixture(scope="module")
def tables():
    return report_tables(result(), "zh")


def rows(table, site_id):
    frame = table.site_rows(site_id)
    return frame.set_index("_key") if "_key" in frame else frame


def test_round_tree_makes_parts_add_up_where_naive_rounding_does_not():
    values = [1.0, 1 / 3, 1 / 3, 1 / 3]
    assert sum(round(v, 4) for v in values[1:]) != pytest.approx(1.0)
    shown = round_tree(values, [-1, 0, 0, 0], 4)
    assert shown.tolist() == [1.0, 0.3334, 0.3333, 0.3333]
    assert shown[1:].sum() == pytest.approx(shown[0], abs=1e-12)


def test_round_tree_nests_and_keeps_missing_values_missing():
    # total 1 → two groups of 1/2 → each split in thirds
    values = [1.0, 0.5, 0.5, *[1 / 6] * 6, np.nan]
    parents = [-1, 0, 0, 1, 1, 1, 2, 2, 2, 0]
    shown = round_tree(values, parents, 2)
    assert shown[1] + shown[2] == pytest.approx(shown[0])
    assert shown[3:6].sum() == pytest.approx(shown[1])
    assert shown[6:9].sum() == pytest.approx(shown[2])
    assert np.isnan(shown[9])


def test_land_classes_hierarchy_with_field_ridges_apart(tables):
    table = tables["land_classes"]
    s1 = rows(table, "S1")
    expected_ha = {
        "total": 2.0,
        "category:农用地": 1.5,
        "level1:01": 1.3,
        "class:0101": 0.9,
        "class:0103": 0.4,
        "ridges": 0.2,
        "category:建设用地": 0.3,
        "class:0702": 0.3,
        "uncovered": 0.2,
    }
    for key, ha in expected_ha.items():
        assert s1.loc[key, "ha"] == pytest.approx(ha), key
    assert s1.loc["ridges", "code"] == "1203"
    assert s1.loc["total", "mu"] == pytest.approx(30.0)
    # survey area (TBMJ) shared out: the whole parcels are inside the site
    assert s1.loc["class:0101", "survey_m2"] == pytest.approx(9_000.0)
    assert s1.loc["ridges", "level"] == "二级类"
    # S1's parts add up at every level, and no note says otherwise
    frame = table.site_rows("S1")
    for position, row in frame.iterrows():
        children = frame[frame["_parent"] == position]
        if len(children):
            assert children["ha"].sum() == pytest.approx(row["ha"], abs=1e-9)
            assert children["mu"].sum() == pytest.approx(row["mu"], abs=1e-9)
    assert table.notes("S1") == [table.note]


def test_the_land_class_table_shows_categories_as_the_findings_state_them(tables):
    # thirds of 1 ha: the conversion finding states 0.3333 of each category, so the table
    # shows 0.3333 three times (it showed one as 0.3334 to make up 1.0000) and says they
    # add up to 0.9999
    table = tables["land_classes"]
    keys = ["category:农用地", "category:建设用地", "category:未利用地"]
    s2 = rows(table, "S2")
    assert s2.loc[keys, "ha"].tolist() == [0.3333, 0.3333, 0.3333]
    assert s2.loc["total", "ha"] == 1.0
    assert table.site_notes["S2"] == (
        "S2：各自修约的各行之和与其合计不等，"
        "合计（项目用地面积） 1.0000 公顷（各行之和 0.9999 公顷）。"
    )
    assert table.notes("S2") == [table.note, table.site_notes["S2"]]
    assert "S2" not in table.site_notes.get("S1", "")


def test_by_village_totals_read_as_in_the_land_class_table(tables):
    units = tables["land_by_unit"].site_rows("S2")
    total = units[units["_role"] == "total"].iloc[0]
    classes = rows(tables["land_classes"], "S2")
    assert total["agri_ha"] == classes.loc["category:农用地", "ha"]
    assert total["construction_ha"] == classes.loc["category:建设用地", "ha"]
    village = tables["land_by_unit"].site_rows("S1")
    assert set(village["unit_name"]) == {"合计", "甲村", "乙村"}


def test_farmland_and_redline_listings(tables):
    farmland = tables["farmland"].site_rows("S1")
    assert list(farmland["feature_id"]) == ["合计", "F1"]
    assert farmland["ha"].tolist() == [1.0, 1.0]
    assert farmland["share"].iloc[0] == pytest.approx(0.5)
    assert farmland["status"].iloc[0] == "禁止"
    redline = tables["eco_redline"].site_rows("S1")
    assert redline["m2"].iloc[0] == pytest.approx(800.0)
    assert tables["farmland"].site_rows("S2")["status"].iloc[0] == "不涉及"


def test_urban_boundary_inside_plus_outside_is_the_site(tables):
    table = tables["urban_boundary"].site_rows("S1")
    assert table["ha"].tolist() == [2.0, 1.0, 1.0, 1.0]
    assert table["item"].tolist() == ["合计（项目用地）", "边界内", "城镇集中建设区", "边界外"]


def test_planning_zones_grouped_by_conformity(tables):
    table = tables["planning"].site_rows("S1")
    assert table["item"].tolist() == [
        "合计（项目用地）",
        "符合",
        "城镇集中建设区",
        "不符合",
        "农田保护区",
    ]
    assert table.loc[table["code"] == "03", "ha"].iloc[0] == pytest.approx(1.0)


def test_summary_total_row_is_the_sum_of_the_sites(tables):
    summary = tables["summary"].rounded
    assert summary["site_id"].tolist() == ["S1", "S2", "合计"]
    assert summary["ha"].tolist() == [2.0, 1.0, 3.0]
    assert summary["farmland_ha"].iloc[0] == pytest.approx(1.0)
    assert summary["outside_ha"].iloc[0] == pytest.approx(1.0)
    assert summary["cultivated_ha"].iloc[0] == pytest.approx(1.3)
    assert "永久基本农田：禁止" in summary["issues"].iloc[0]


def test_headers_carry_units_in_both_languages(tables):
    english = report_tables(result(), "en")
    assert "面积（公顷）" in tables["land_classes"].headers()
    assert "area (ha)" in english["land_classes"].headers()
    assert "area (mu)" in english["land_classes"].headers()
    assert english["summary"].title == "Summary of sites"
    assert english["findings"].site_rows("S1")["status"].iloc[0] == "prohibited"
    shown = english["farmland"].display("S1")
    assert shown["share of the site (%)"].iloc[0] == pytest.approx(50.0)


def test_provenance_tables(tables):
    inputs = tables["inputs"].frame
    assert inputs["key"].tolist()[0] == "sites"
    assert "townships" in inputs["key"].tolist()
    run = dict(zip(tables["run"].frame["item"], tables["run"].frame["value"], strict=True))
    assert run["分析坐标系"].startswith("EPSG:4523")
    assert "平面面积" in run["面积计算方法"]
    assert "1 平方米" in run["细小重叠容差"]


def _round_tree_one_total_at_a_time(values, parents, decimals, fixed, sums):
    """round_tree as its definition reads: each total's parts rounded on their own, top down.

    A part with a fixed value keeps it; the other parts share what it leaves of the total.
    The parts of a ``sums`` row are rounded on their own; it keeps its own rounded value.
    """
    out = np.full(len(values), np.nan)
    children = {}
    roots = []
    for row, parent in enumerate(parents):
        if parent < 0 or sums[parent]:
            roots.append(row)
        if parent >= 0:
            children.setdefault(parent, []).append(row)
    for row in roots:
        if not np.isnan(fixed[row]):
            out[row] = fixed[row]
        elif not np.isnan(values[row]):
            out[row] = largest_remainder_round([values[row]], decimals)[0]
    queue = list(roots)
    while queue:
        parent = queue.pop(0)
        kids = children.get(parent, [])
        if sums[parent]:
            continue
        kept = [k for k in kids if not np.isnan(fixed[k])]  # shown as given
        out[kept] = fixed[kept]
        known = [k for k in kids if not np.isnan(values[k]) and np.isnan(fixed[k])]
        if known:
            left = float(out[parent]) - float(np.sum(fixed[kept]))
            total = None if np.isnan(out[parent]) else left
            parts = np.maximum(values[known], 0.0).tolist()
            out[known] = largest_remainder_round(parts, decimals, total=total)
        queue.extend(kids)
    return out


def test_round_tree_rounds_every_total_as_largest_remainder_rounding_of_its_own_parts():
    rng = np.random.default_rng(14)
    for _ in range(2_000):
        size = int(rng.integers(1, 30))
        parents = [-1] + [int(rng.integers(-1, row)) for row in range(1, size)]
        values = rng.random(size) * 10.0 ** int(rng.integers(-2, 5))
        if rng.random() < 0.3:
            values = np.full(size, 1 / 3) * rng.integers(1, 4, size)
        values[rng.random(size) < 0.1] = np.nan
        values[rng.random(size) < 0.05] *= -1
        values[rng.random(size) < 0.05] = -0.0
        fixed = np.where(rng.random(size) < 0.1, np.round(rng.random(size) * 10, 2), np.nan)
        sums = rng.random(size) < 0.1
        decimals = int(rng.integers(0, 5))
        expected = _round_tree_one_total_at_a_time(values, parents, decimals, fixed, sums)
        shown = round_tree(values, parents, decimals, fixed=fixed, sums=sums)
        np.testing.assert_array_equal(shown, expected)
        assert np.array_equal(np.signbit(shown), np.signbit(expected))


def test_records_are_the_rounded_rows_as_to_dict_gives_them(tables):
    for table in tables.values():
        expected = table.rounded.to_dict("records")
        assert len(table.records) == len(expected) == len(table.rounded)
        for got, want in zip(table.records, expected, strict=True):
            assert list(got) == list(want)
            assert [type(v) for v in got.values()] == [type(v) for v in want.values()]
            pairs = zip(got.values(), want.values(), strict=True)
            assert all(g == w or (g != g and w != w) for g, w in pairs), (table.key, got, want)


def test_rows_frame_is_the_records_frame_with_each_column_converted():
    columns = [
        Column("name", "名称", "name"),
        Column("code", "编码", "code"),
        Column("ha", "面积", "area", "ha"),
    ]
    rows = Rows()
    rows.add(-1, 0, "row", name="甲", code="0101", ha=1.5, _status="info")
    rows.add(0, 1, "row", name="乙", code=3, ha=None)
    rows.add(0, 1, "row", name="丙", code=float("nan"), ha="2")
    frame = rows.frame(columns, extra=["_status"])
    expected = pd.DataFrame(rows.rows, columns=["name", "code", "ha", "_status", *ROW_KEYS])
    expected["name"] = expected["name"].map(as_text).astype(object)
    expected["code"] = expected["code"].map(as_text).astype(object)
    expected["ha"] = pd.to_numeric(expected["ha"], errors="coerce").astype(float)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert frame["code"].tolist() == ["0101", "3", ""]  # texts as they read, missing empty
    assert frame["name"].dtype == object and frame["code"].dtype == object


def test_rows_frame_without_rows_has_the_columns_of_the_records_frame():
    columns = [Column("name", "名称", "name"), Column("ha", "面积", "area", "ha")]
    frame = Rows().frame(columns, extra=["_status"])
    assert list(frame.columns) == ["name", "ha", "_status", *ROW_KEYS]
    assert frame.dtypes.tolist() == [object, float, object, object, object, object]


def test_a_layers_overlap_reads_the_same_in_every_table_that_shows_it():
    # Site 100 m x 299.8768 m = 29,987.68 m² (2.998768 ha: 2.9988). The urban boundary and
    # zone 0401 cover 293.8842 m of it (2.938842 ha: 2.9388 alone), the rest is zone 03 and
    # no parcel (0.059926 ha). Rounded as parts of the site, the overlap's larger remainder
    # (0.42 of a unit against 0.26) made it 2.9389 in the boundary's and the planning
    # tables while the layers table shows 2.9388: now the rest takes the difference, 0.0600.
    from common import county, frame, sites, square

    import landcheck

    inside = 293.8842
    site = square(0, 0, 100, 299.8768)
    layers = {
        "urban_boundary": frame([{"BSM": "U", "geometry": square(0, 0, 100, inside)}]),
        "planning_zones": frame(
            [{"BSM": "P", "GHFQDM": "0401", "geometry": square(0, 0, 100, inside)}]
        ),
        "land_use": frame(
            [{"BSM": "L", "DLBM": "0702", "QSXZ": "10", "geometry": square(0, 0, 100, inside)}]
        ),
    }
    result = landcheck.check(sites(site), layers=layers, area_method="planar", coverage=county())
    tables = report_tables(result)
    urban_finding = next(f for f in result.site_findings("S1") if f.check == "urban_boundary")
    assert "城镇开发边界外 0.0600 公顷" in urban_finding.message.zh  # as the tables show it
    shown = tables["layers"].rounded.set_index("layer")
    assert shown.loc["urban_boundary", "ha"] == 2.9388
    assert shown.loc["land_use", "ha"] == 2.9388
    urban = tables["urban_boundary"].rounded
    assert urban["ha"].tolist() == [2.9988, 2.9388, 0.0600]
    assert urban["mu"].iloc[1] == shown.loc["urban_boundary", "mu"]
    planning = tables["planning"].rounded
    assert planning["ha"].iloc[0] == 2.9988
    assert planning["ha"].iloc[-1] == 0.0600  # not covered: the rest
    assert planning["ha"].iloc[1:-1].tolist() == [2.9388, 2.9388]  # the group and its zone
    classes = tables["land_classes"].rounded
    assert classes["ha"].iloc[-1] == 0.0600
    assert classes["ha"].iloc[1] == 2.9388  # 建设用地, the survey's whole overlap
    summary = tables["summary"].rounded
    assert summary["outside_ha"].iloc[0] == 0.0600


def test_the_planning_message_lists_its_zones_as_the_planning_table_shows_them():
    # 2.938842 ha + 0.059926 ha: rounded alone, 2.9388 + 0.0599 beside a stated 2.9988
    from common import county, frame, sites, square

    import landcheck

    site = square(0, 0, 100, 299.8768)
    zones = frame(
        [
            {"BSM": "A", "GHFQDM": "0402", "geometry": square(0, 0, 100, 293.8842)},
            {"BSM": "B", "GHFQDM": "0403", "geometry": square(0, 293.8842, 100, 5.9926)},
        ]
    )
    result = landcheck.check(
        sites(site), layers={"planning_zones": zones}, area_method="planar", coverage=county()
    )
    found = next(f for f in result.site_findings("S1") if f.check == "planning_conformity")
    assert "项目用地 2.9988 公顷" in found.message.zh
    assert "（2.9389 公顷）" in found.message.zh and "（0.0599 公顷）" in found.message.zh
    shown = report_tables(result)["planning"].rounded["ha"].tolist()
    assert 2.9389 in shown and 0.0599 in shown


def test_a_survey_share_total_is_left_blank_when_a_parcel_has_none():
    # 2,700 m² of paddy (TBMJ given) and 3,000 m² of homestead (no TBMJ): the total row read
    # 3015.0, the paddy's share alone, as the site's
    from common import county, frame, sites, square

    import landcheck

    survey = frame(
        [
            {
                "BSM": "a",
                "DLBM": "0101",
                "KCXS": 0.1,
                "TBMJ": 10_050.0,
                "geometry": square(0, 0, 100),
            },
            {
                "BSM": "b",
                "DLBM": "0702",
                "KCXS": 0.0,
                "TBMJ": None,
                "geometry": square(100, 0, 100),
            },
        ]
    )
    result = landcheck.check(
        sites(square(70, 0, 60, 100)),
        layers={"land_use": survey},
        area_method="planar",
        coverage=county(),
    )
    table = report_tables(result)["land_classes"].frame.set_index("_key")
    assert np.isnan(table.loc["total", "survey_m2"])
    assert np.isnan(table.loc["category:建设用地", "survey_m2"])
    assert table.loc["category:农用地", "survey_m2"] == pytest.approx(3015.0)
