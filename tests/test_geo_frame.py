"""Small GeoDataFrames built without the constructor's fixed cost, equal to its own."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.array import from_shapely
from pyproj import CRS

from landcheck import geometry
from landcheck.geometry import geo_frame, text_array
from landcheck.polygonal import polygonal_part


@pytest.mark.parametrize("crs", ["EPSG:4523", None])
@pytest.mark.parametrize("rows", [0, 1, 3])
def test_geo_frame_is_the_frame_the_constructor_builds(crs, rows):
    columns = {"BSM": pd.array([f"F{i}" for i in range(rows)], dtype="str"), "N": np.arange(rows)}
    geoms = [shapely.box(i, 0, i + 1, 1) for i in range(rows)]
    index = pd.Index(np.arange(10, 10 + rows), name="fid")
    mine = geo_frame(columns, geoms, crs, index)
    expected = gpd.GeoDataFrame(columns, geometry=geoms, crs=crs, index=index)
    assert type(mine) is gpd.GeoDataFrame and mine.geometry.name == "geometry"
    pd.testing.assert_frame_equal(mine, expected, check_index_type=True)
    assert mine.crs == expected.crs


@pytest.mark.parametrize(
    "values",
    [
        np.array(["0101", "旱地", ""], dtype=object),  # text: stored as str
        np.array(["0101", None, 7], dtype=object),  # mixed: stays object
        ["a", "b", "c"],
        np.array(["2026-01-01", "2026-02-01", "NaT"], dtype="datetime64[s]"),
        np.array([1.5, np.nan, 2.0], dtype=np.float16),
        np.array([True, False, True]),
        np.array([3, 1, 2], dtype=np.uint8),
        pd.array([1, None, 3], dtype="Int64"),
    ],
)
def test_geo_frame_holds_each_kind_of_column_as_the_constructor_does(values):
    geoms = [shapely.box(i, 0, i + 1, 1) for i in range(3)]
    mine = geo_frame({"V": values, "N": np.arange(3.0)}, geoms, "EPSG:4523")
    expected = gpd.GeoDataFrame({"V": values, "N": np.arange(3.0)}, geometry=geoms, crs=4523)
    pd.testing.assert_frame_equal(mine, expected, check_index_type=True, check_exact=True)
    assert mine["V"].dtype == expected["V"].dtype


@pytest.mark.parametrize(
    "values", [["0101", "旱地", ""], ["F1", None], [None], [], np.array(["a", "b"], dtype=object)]
)
def test_a_text_array_is_pandas_str_array_value_for_value_and_type_for_type(values):
    mine, expected = text_array(values), pd.array(values, dtype="str")
    assert type(mine) is type(expected) and mine.dtype == expected.dtype
    assert mine.equals(expected) and pd.isna(mine).tolist() == pd.isna(expected).tolist()
    assert mine.__arrow_array__().type == expected.__arrow_array__().type


@pytest.mark.parametrize("names", [["BSM", "地类", "geometry"], [1, "geometry"]])
def test_a_frames_labels_are_the_index_of_text_labels_pandas_builds(names):
    from landcheck.geometry import _LABELS, _labels

    mine, expected = _labels(names), pd.Index(names, dtype=_LABELS)
    pd.testing.assert_index_equal(mine, expected, exact=True)
    assert type(mine.array) is type(expected.array)


def test_geo_frame_builds_text_columns_as_arrow_text_without_pandas_conversion(monkeypatch):
    import landcheck.geometry as geometry

    real = geometry.sanitize_array
    monkeypatch.setattr(
        geometry,
        "sanitize_array",
        lambda values, *a, **k: pytest.fail("text converted value by value by pandas"),
    )
    values = {"L": ["0101", "旱地", ""], "O": np.array(["a", "b", "c"], dtype=object)}
    mine = geo_frame(values, [shapely.Point(0, 0)] * 3, None)
    for name, column in values.items():
        expected = real(column, pd.RangeIndex(3), copy=False)
        assert mine[name].dtype == expected.dtype and mine[name].array.equals(expected)
        assert mine[name].array.__arrow_array__().type == expected.__arrow_array__().type


def test_geo_frame_holds_numbers_and_extension_arrays_without_converting_them(monkeypatch):
    import landcheck.geometry as geometry

    converted = []
    real = geometry.sanitize_array
    monkeypatch.setattr(
        geometry,
        "sanitize_array",
        lambda values, *a, **k: converted.append(1) or real(values, *a, **k),
    )
    monkeypatch.setattr(
        pd.core.internals.construction,
        "_homogenize",
        lambda *a, **k: pytest.fail("every column checked by the constructor again"),
    )
    numbers, text = np.arange(3.0), pd.array(["a", "b", "c"], dtype="str")
    frame = geo_frame({"N": numbers, "T": text}, [shapely.Point(0, 0)] * 3, None)
    assert converted == [] and frame["T"].array is text
    geo_frame({"O": np.array(["a", None, 7], dtype=object)}, [shapely.Point(0, 0)] * 3, None)
    assert converted == [1]
    with pytest.raises(ValueError, match="length"):
        geo_frame({"N": np.arange(2.0)}, [shapely.Point(0, 0)] * 3, None)


@pytest.mark.parametrize("crs", ["EPSG:4523", None])
def test_geo_frame_of_geometries_with_their_own_crs_is_the_constructors(crs):
    geoms = from_shapely([shapely.box(0, 0, 1, 1)], crs=4326)
    mine = geo_frame({"N": [1]}, geoms, crs)
    frame = pd.DataFrame({"N": [1], "geometry": geoms})
    expected = gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)
    pd.testing.assert_frame_equal(mine, expected)
    assert mine.crs == expected.crs == (crs or "EPSG:4326")


@pytest.mark.parametrize("rows", [0, 1, 3])
@pytest.mark.parametrize("names", [("_id", "_code", "_name"), ("_id",)])
def test_a_layers_context_is_the_frame_selecting_and_the_constructor_build(rows, names):
    from landcheck.evaluation import _context

    columns = {
        "_id": pd.array([f"F{i}" for i in range(rows)], dtype="str"),
        "_code": pd.array(["0101"] * rows, dtype="str"),
        "_name": pd.array(["水田"] * rows, dtype="str"),
        "BSM": np.arange(rows),
    }
    columns = {k: v for k, v in columns.items() if k in names or k == "BSM"}
    geoms = [shapely.box(i, 0, i + 1, 1) for i in range(rows)]
    features = gpd.GeoDataFrame(
        columns, geometry=geoms, crs="EPSG:4523", index=pd.RangeIndex(5, 5 + rows)
    )
    mine = _context(features, np.asarray(features.geometry.values, dtype=object), features.crs)
    expected = gpd.GeoDataFrame(features[list(names)], geometry=features.geometry.values, crs=4523)
    pd.testing.assert_frame_equal(mine, expected, check_index_type=True)
    assert mine.crs == expected.crs and mine.geometry.name == "geometry"
    if rows:
        # the context's columns are its own: changing them leaves the features read as they were
        mine["_id"].array[0] = "changed"
        mine.geometry.values[0] = shapely.Point(0, 0)
        assert features["_id"].iloc[0] == "F0" and features.geometry.iloc[0].area == 1.0


def test_geometry_values_are_the_active_geometrys_array():
    from landcheck.geometry import geometry_values

    boxes = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    frame = gpd.GeoDataFrame({"N": [1, 2], "shape": boxes}, geometry="shape", crs=4523)
    frame["other"] = gpd.GeoSeries([shapely.Point(0, 0)] * 2, crs=4326)
    assert geometry_values(frame) is frame.geometry.values and geometry_values(frame).crs == 4523
    moved = frame.set_geometry("other")
    assert geometry_values(moved) is moved.geometry.values and geometry_values(moved).crs == 4326
    mine = geo_frame({"N": np.arange(2)}, boxes, "EPSG:4523")
    assert geometry_values(mine) is mine.geometry.values


def test_a_shallow_copy_is_pandas_copy_and_changes_to_it_stay_its_own():
    from landcheck.geometry import shallow_copy

    frame = gpd.GeoDataFrame(
        {"BSM": pd.array(["F1", "F2"], dtype="str"), "N": [1.0, 2.0]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs=4523,
        index=pd.Index([7, 9], name="fid"),
    )
    mine = shallow_copy(frame)
    expected = frame.copy(deep=False)
    assert type(mine) is gpd.GeoDataFrame and mine is not frame
    pd.testing.assert_frame_equal(mine, expected, check_index_type=True)
    assert mine.crs == frame.crs and mine.geometry.name == "geometry"
    mine["N"] = 0.0
    mine.loc[7, "BSM"] = "changed"
    mine["added"] = 1
    mine.index.name = "other"
    assert frame["N"].tolist() == [1.0, 2.0] and frame["BSM"].tolist() == ["F1", "F2"]
    assert "added" not in frame and frame.index.name == "fid"


@pytest.mark.parametrize("index", [None, pd.Index([4, 2, 9], name="fid")])
def test_fields_frame_is_the_frame_without_its_geometry(index):
    from landcheck.geometry import fields_frame

    frame = gpd.GeoDataFrame(
        {
            "site_id": pd.array(["A", None, "C"], dtype="str"),
            "n": [1.5, np.nan, 3.0],
            "k": np.array([1, 2, 3], dtype=np.int32),
            "when": pd.to_datetime(["2026-01-01", None, "2026-03-01"]),
            "mixed": np.array(["x", None, 7], dtype=object),
        },
        geometry=[shapely.box(0, 0, 1, 1)] * 3,
        crs=4523,
        index=index,
    )
    expected = pd.DataFrame(frame.drop(columns="geometry"))
    mine = fields_frame(frame)
    assert type(mine) is pd.DataFrame
    pd.testing.assert_frame_equal(mine, expected, check_exact=True)
    mine.loc[mine.index[0], "n"] = 0.0  # the fields are the frame's own
    mine["site_id"].array[1] = "B"
    assert frame["n"].iloc[0] == 1.5 and pd.isna(frame["site_id"].iloc[1])


def test_a_crs_is_not_compared_with_itself(monkeypatch):
    compared = []
    monkeypatch.setattr(CRS, "__eq__", lambda self, other: compared.append(other) or True)
    crs = CRS.from_epsg(4523)
    frame = geo_frame({"N": np.arange(2)}, [shapely.box(0, 0, 1, 1)] * 2, crs)
    assert frame.crs is crs and compared == []


def test_polygonal_parts_of_polygons_are_a_new_array_of_the_same_geometries(monkeypatch):
    monkeypatch.setattr(geometry.shapely, "Polygon", None)  # nothing to reduce: nothing built
    given = np.array([shapely.box(0, 0, 1, 1), shapely.MultiPolygon([shapely.box(2, 0, 3, 1)])])
    kept = polygonal_part(given)
    assert kept is not given and all(a is b for a, b in zip(kept, given, strict=True))


def test_polygonal_parts_of_anything_else_are_reduced():
    line, point = shapely.LineString([(0, 0), (1, 1)]), shapely.Point(0, 0)
    mixed = shapely.GeometryCollection([shapely.box(0, 0, 1, 1), line])
    kept = polygonal_part([shapely.box(0, 0, 1, 1), None, line, point, mixed])
    assert [g.wkt for g in kept[1:4]] == ["POLYGON EMPTY"] * 3
    assert kept[4].equals(shapely.box(0, 0, 1, 1)) and kept[4].geom_type == "Polygon"


def _column_arrays_agree(frame: pd.DataFrame, name) -> None:
    got = geometry.column_array(frame, name)
    expected = frame[name].values
    assert type(got) is type(expected)
    assert np.array_equal(np.asarray(got, dtype=object), np.asarray(expected, dtype=object))


def test_column_array_is_the_columns_values_whatever_the_labels():
    frame = geo_frame({"BSM": ["F1", "F2"], "TBMJ": [1.5, 2.5]}, [shapely.Point(0, 0)] * 2, None)
    for name in ("BSM", "TBMJ", "geometry"):
        _column_arrays_agree(frame, name)
    with pytest.raises(KeyError):
        geometry.column_array(frame, "DLBM")
    twice = pd.DataFrame([[1, 2, 3]], columns=pd.Index(["a", "b", "a"], dtype="str"))
    _column_arrays_agree(twice, "a")  # a name of several columns: pandas' answer
    _column_arrays_agree(twice, "b")
    numbered = pd.DataFrame({0: [1.0], "x": [2.0]})
    _column_arrays_agree(numbered, 0)


def test_column_array_follows_labels_given_again():
    frame = pd.DataFrame({"a": [1], "b": [2.5]})
    assert geometry.column_array(frame, "a").tolist() == [1]
    frame.columns = ["b", "a"]  # the same names, the other way round
    assert geometry.column_array(frame, "a").tolist() == [2.5]
    frame.columns = frame.columns.str.replace("a", "c")
    assert geometry.column_array(frame, "c").tolist() == [2.5]
    with pytest.raises(KeyError):
        geometry.column_array(frame, "a")


def test_column_array_finds_text_labels_without_pandas_lookup(monkeypatch):
    frame = geo_frame({"BSM": ["F1"]}, [shapely.Point(0, 0)], None)

    def refused(self, key):
        raise AssertionError("a hash table built for the labels")

    monkeypatch.setattr(pd.Index, "get_loc", refused)
    assert geometry.column_array(frame, "BSM").tolist() == ["F1"]
    assert geometry.column_array(frame, "BSM").tolist() == ["F1"]  # the positions kept


def test_field_names_are_the_labels_but_the_geometry_each_time_a_list_of_their_own():
    frame = geo_frame({"BSM": ["F1"], "DLBM": ["0101"]}, [shapely.Point(0, 0)], None)
    names = geometry.field_names(frame)
    assert names == ["BSM", "DLBM"]
    names.append("changed")
    assert geometry.field_names(frame) == ["BSM", "DLBM"]
    frame.columns = pd.Index(["DLBM", "BSM", "geometry"], dtype="str")
    assert geometry.field_names(frame) == ["DLBM", "BSM"]


@pytest.mark.parametrize(
    "labels", [["BSM", "DLBM"], ["BSM", "BSM"], ["BSM", "DLBM", "BSM"], [0, 0], [0, 1], []]
)
def test_a_layer_named_twice_is_pandas_has_duplicates(labels):
    from landcheck.layers import _named_twice

    rows = [[f"v{i}" for i in range(len(labels))] + [shapely.Point(0, 0)]]
    frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=[*labels, "geometry"]), geometry="geometry")
    fields = geometry.field_names(frame)
    assert _named_twice(frame, fields) == frame.columns.has_duplicates


@pytest.mark.parametrize(
    "values",
    [
        [30.0, np.nan],
        [3, 4],
        pd.array(["F1", None], dtype="str"),
        np.array(["F1", None], dtype=object),
    ],
)
def test_a_column_arrays_list_is_its_series_list(values):
    frame = pd.DataFrame({"feature": [0, 1], "v": values}, index=pd.Index([2, 5], name="site"))
    got, expected = geometry.column_array(frame, "v").tolist(), frame["v"].tolist()
    assert [repr(v) for v in got] == [repr(v) for v in expected]
    assert [type(v) for v in got] == [type(v) for v in expected]


def _layer_read() -> gpd.GeoDataFrame:
    return geo_frame(
        {
            "BSM": text_array(["F1", None, "F3", "F4"]),
            "TBMJ": np.array([1.5, np.nan, 3.0, 4.0]),
            "N": np.array([1, 2, 3, 4], dtype=np.int64),
            "OK": np.array([True, False, True, True]),
            "D": pd.array(pd.to_datetime(["2026-01-01", None, "2026-03-01", "2026-04-01"])),
        },
        [shapely.box(i, 0, i + 1, 1) for i in range(4)],
        "EPSG:4523",
        pd.Index(np.array([7, 9, 12, 40], dtype=np.int64), name="fid"),
    )


@pytest.mark.parametrize("positions", [[0, 2, 3], [1], [], [3, 0]])
@pytest.mark.parametrize("kind", ["read", "objects", "attrs"])
def test_rows_taken_are_iloc(positions, kind):
    frame = _layer_read()
    if kind == "objects":  # a column of objects: iloc's, not geo_frame's conversion
        frame = frame.assign(name=pd.Series(["a", "b", "c", "d"], dtype=object, index=frame.index))
        frame = frame[["name", *[c for c in frame.columns if c != "name"]]]
        assert frame["name"].dtype == object
    elif kind == "attrs":
        frame.attrs["source"] = "x"
    positions = np.asarray(positions, dtype=np.intp)
    got, expected = geometry.rows_taken(frame, positions), frame.iloc[positions]
    assert type(got) is type(expected) is gpd.GeoDataFrame
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_column_type=True)
    assert got.crs == expected.crs and got.index.name == "fid" and got.attrs == expected.attrs
    assert got.columns.dtype == expected.columns.dtype
    assert got.active_geometry_name == expected.active_geometry_name
    assert [got[c].dtype for c in got.columns] == [expected[c].dtype for c in expected.columns]
