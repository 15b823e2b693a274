"""The reviewer's tables for many sites: each site's rows found once, the same rows as a filter."""

from __future__ import annotations

import pandas as pd
import pytest
from test_report_html_pager import hostile_sites

from landcheck.tables import report_tables
from landcheck.tables.table import site_positions


@pytest.fixture(scope="module")
def tables():
    case = hostile_sites()
    return case, report_tables(case, "zh")


def test_a_sites_rows_are_the_rows_a_filter_finds(tables):
    case, built = tables
    for key, table in built.items():
        frame = table.rounded
        if "site_id" not in frame:
            assert table.site_rows(case.site_ids[0]) is frame
            continue
        for site_id in [*case.site_ids, "no such site"]:
            expected = frame[frame["site_id"] == site_id]
            pd.testing.assert_frame_equal(table.site_rows(site_id), expected, obj=key)


def test_a_sites_records_are_its_rows_converted_and_made_once(tables):
    case, built = tables
    seen = 0
    for key, table in built.items():
        for site_id in [*case.site_ids, "no such site"]:
            records = table.site_records(site_id)
            expected = table.site_rows(site_id).to_dict("records")
            assert len(records) == len(expected), (key, site_id)
            for mine, theirs in zip(records, expected, strict=True):
                assert mine.keys() == theirs.keys()
                for column, value in theirs.items():  # NaN equals NaN here
                    assert mine[column] == value or (
                        value != value and mine[column] != mine[column]
                    )
                    assert type(mine[column]) is type(value), (key, column)
            seen += len(records)
        first = table.site_records(case.site_ids[0])
        again = table.site_records(case.site_ids[0])
        assert first is not again and all(a is b for a, b in zip(first, again, strict=True))
    assert seen > len(case.site_ids)


def test_rows_of_every_site_come_in_site_order_with_their_parts_after_them(tables):
    case, built = tables
    order = {site_id: i for i, site_id in enumerate(case.site_ids)}
    for key in ("basic", "land_classes", "farmland", "urban_boundary", "planning", "layers"):
        frame = built[key].frame
        positions = frame["site_id"].map(order).to_numpy()
        assert (positions[1:] >= positions[:-1]).all(), key
        parents = frame["_parent"].to_numpy()
        assert all(p < row for row, p in enumerate(parents) if p >= 0), key
        same_site = frame["site_id"].to_numpy()
        assert all(same_site[p] == same_site[row] for row, p in enumerate(parents) if p >= 0)


def test_positions_by_site_keep_row_order():
    frame = pd.DataFrame({"site_id": ["b", "a", "b", "c", "a", "b"]})
    found = {k: v.tolist() for k, v in site_positions(frame).items()}
    assert found == {"a": [1, 4], "b": [0, 2, 5], "c": [3]}
    assert site_positions(frame.iloc[:0]) == {}
