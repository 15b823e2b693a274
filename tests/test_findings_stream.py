"""findings.json built from the per-site numpy rows and written a site at a time.

The text must be exactly what ``orjson.dumps(result.to_dict(), option=OPT_INDENT_2)``
gives, read back the very dict ``json.dumps`` writes (NaN as null), and every
class, administrative unit and feature entry must read the same numbers as the
DataFrames the reports show
(:attr:`SiteLayer.classes`, ``.admin``, ``.features``). Numbers from the report
case (tests/report_case.py), known by construction, and the sample county.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re

import orjson
import pandas as pd
import pytest
from common import png_differences
from report_case import result

from landcheck import check
from landcheck.io.records import file_sha256, start_hashing
from landcheck.report.json import FILENAME, _finite, dumps, iter_json, write_json
from landcheck.rollup import CATEGORIES, LandUseRollup


@pytest.fixture(scope="module")
def checked():
    return result()


@pytest.fixture(scope="module")
def sample(sample_layers):
    return check(f"{sample_layers['land_use'].rpartition(':')[0]}:candidates", layers=sample_layers)


def _reference_text(res) -> str:
    return orjson.dumps(res.to_dict(), option=orjson.OPT_INDENT_2).decode("utf-8")


def test_the_streamed_text_is_the_encoded_dict(checked, sample):
    for res in (checked, sample):
        text = _reference_text(res)
        assert b"".join(iter_json(res)).decode("utf-8") == text
        assert dumps(res) == text
        standard = json.dumps(_finite(res.to_dict()), ensure_ascii=False, indent=2)
        assert json.loads(text) == json.loads(standard)
        assert text.splitlines()[:3] == standard.splitlines()[:3]  # the same layout


def test_written_file_is_the_text_with_a_final_newline_and_reports_each_site(checked, tmp_path):
    events = []
    path = write_json(
        checked, str(tmp_path), progress=lambda done, total: events.append((done, total))
    )
    assert os.path.basename(path) == FILENAME
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == _reference_text(checked) + "\n"
    assert events == [(0, 2), (1, 2), (2, 2)]


def test_run_dict_then_sites_is_the_whole_dict(checked):
    whole = checked.to_dict()
    assert list(whole)[-1] == "sites"
    assert {**checked.run_dict(), "sites": list(checked.site_dicts())} == whole
    assert [site["site_id"] for site in whole["sites"]] == ["S1", "S2"]


def test_known_numbers_of_the_case(checked):
    s1 = checked.to_dict()["sites"][0]
    land_use = s1["layers"]["land_use"]
    assert land_use["classes"]["0101"]["planar_m2"] == pytest.approx(9_000.0)
    assert land_use["classes"]["0101"]["tiankan_planar_m2"] == pytest.approx(1_000.0)
    assert land_use["classes"]["0101"]["survey_m2"] == pytest.approx(9_000.0)
    assert land_use["classes"]["1203"]["planar_m2"] == pytest.approx(2_000.0)
    assert "tiankan_planar_m2" not in land_use["classes"]["0702"]
    assert land_use["categories"]["农用地"]["planar_m2"] == pytest.approx(15_000.0)
    assert land_use["cultivated"]["0103"]["planar_m2"] == pytest.approx(4_000.0)
    assert land_use["tiankan"]["planar_m2"] == pytest.approx(2_000.0)
    farmland = s1["layers"]["farmland"]
    assert [f["planar_m2"] for f in farmland["features"]] == pytest.approx([10_000.0])


def _frame_entries(view):
    """The classes, admin units and features of one site and layer, read from its DataFrames."""
    classes = {}
    for code, row in view.classes.iterrows():
        entry = {"name": str(row["name"]), "planar_m2": float(row["planar_m2"])}
        entry["ellipsoidal_m2"] = float(row["ellipsoidal_m2"])
        if "survey_m2" in row and not pd.isna(row["survey_m2"]):
            entry["survey_m2"] = float(row["survey_m2"])
        for column in ("category", "level1", "level1_name", "conformity"):
            if column in row and str(row[column]):
                entry[column] = str(row[column])
        if "tiankan_planar_m2" in row and float(row["tiankan_planar_m2"]) > 0:
            entry["tiankan_planar_m2"] = float(row["tiankan_planar_m2"])
            entry["tiankan_ellipsoidal_m2"] = float(row["tiankan_ellipsoidal_m2"])
        classes[str(code)] = entry
    admin = {
        str(code): {
            "name": str(row["name"]),
            "planar_m2": float(row["planar_m2"]),
            "ellipsoidal_m2": float(row["ellipsoidal_m2"]),
        }
        for code, row in view.admin.iterrows()
    }
    features = [
        {"id": str(r.feature_id), "planar_m2": r.planar_m2, "ellipsoidal_m2": r.ellipsoidal_m2}
        for r in view.features.itertuples(index=False)
    ]
    return classes, admin, features


def test_entries_read_the_same_numbers_as_the_report_frames(checked, sample):
    for res in (checked, sample):
        for site, views in zip(res.to_dict()["sites"], res.site_layers, strict=True):
            for key, view in views.items():
                layer = site["layers"][key]
                classes, admin, features = _frame_entries(view)
                assert layer["features"] == features
                assert layer.get("admin", {}) == admin
                if "classes" in layer:
                    assert layer["classes"] == classes
                    assert list(layer["classes"]) == list(classes)


def test_the_rollup_of_rows_is_the_rollup_of_the_frame_bit_for_bit(checked, sample):
    compared = 0
    for res in (checked, sample):
        for views in res.site_layers:
            view = views["land_use"]
            of_rows = LandUseRollup(view.class_rows, ridge_code=view.ridge_code)
            of_frame = LandUseRollup(view.classes, ridge_code=view.ridge_code)
            for name in CATEGORIES:
                a, b = of_rows.category(name), of_frame.category(name)
                assert (a.planar_m2, a.ellipsoidal_m2) == (b.planar_m2, b.ellipsoidal_m2)
                assert math.isnan(a.survey_m2) == math.isnan(b.survey_m2)
            a, b = of_rows.ridges, of_frame.ridges
            assert (a.planar_m2, a.ellipsoidal_m2) == (b.planar_m2, b.ellipsoidal_m2)
            assert [line.key for line in of_rows.lines] == [line.key for line in of_frame.lines]
            pd.testing.assert_frame_equal(of_rows.classes, of_frame.classes)
            compared += 1
    assert compared >= 3


def test_background_hashing_gives_the_files_sha256(tmp_path):
    path = tmp_path / "layers.gpkg"
    path.write_bytes(os.urandom(3 << 20) + b"end")
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    start_hashing([f"{path}:land_use", None, str(tmp_path / "missing.shp")])
    assert file_sha256(str(path)) == expected
    # a new version of the file is hashed again, not served from the old one
    path.write_bytes(b"changed")
    os.utime(path, ns=(1_000_000_000, 2_000_000_000))
    start_hashing([str(path)])
    assert file_sha256(str(path)) == hashlib.sha256(b"changed").hexdigest()
    assert file_sha256(str(tmp_path / "missing.shp")) is None


def test_the_encoder_writes_what_json_dumps_reads_back():
    import numpy as np

    from landcheck.report.json import _encode

    value = {
        "text": 'quote " backslash \\ newline \n tab \t 中文 \u2028 \x01',
        "numbers": [0, -3, 2**62, 0.1, 1e-5, 1e16, -0.0, 123456.78901234567, np.float64(2.5)],
        "missing": [float("nan"), float("inf"), -float("inf"), {"x": float("nan")}],
        "empty": [{}, [], ""],
        "flags": [True, False, None],
        "nested": {"a": {"b": [[1, [2, {}]], ()]}},
        "tuple": (1, "two"),
    }
    standard = json.dumps(_finite(value), ensure_ascii=False, indent=2, default=float)
    text = _encode(value).decode("utf-8")
    assert json.loads(text) == json.loads(standard)
    # the layout is json.dumps(indent=2)'s: only how some numbers are spelt differs
    assert "0.00001" in text and "1e-05" in standard
    numbers = re.compile(r"-?\d[\d.eE+-]*")
    assert numbers.sub("0", text) == numbers.sub("0", standard)
    assert json.loads(text)["missing"] == [None, None, None, {"x": None}]
    # a value placed deeper: every line after the first indented by two spaces a level
    assert _encode(value, 3) == text.replace("\n", "\n      ").encode("utf-8")
    with pytest.raises(TypeError):
        _encode({"set": {1, 2}})


def test_a_findings_shared_text_is_the_text_of_its_own_dict(checked):
    """Findings of one rule share their fixed text; their areas and messages stay their own."""
    from dataclasses import replace

    from landcheck.report.json import _ENTRY_DEPTH, _encode, _Entries
    from landcheck.units import Area

    entries = _Entries()
    findings = [f for site in checked.findings for f in site]
    first = next(f for f in findings if float in map(type, f.values))
    other = tuple(v + 1.0 if type(v) is float else v for v in first.values)
    odd = [
        replace(first, area=Area(float("nan"), float("inf"), first.area.method)),
        replace(first, area=Area(-0.0, 1e-300, first.area.method), site_id="S9"),
        replace(first, values=other),  # the same rule, another message
        first,
    ]
    assert odd[2].message != first.message
    for finding in [*findings, *odd, *findings]:  # met twice: from the shared texts again
        assert orjson.dumps(entries.finding(finding)) == _encode(finding.to_dict(), _ENTRY_DEPTH)
    assert json.loads(orjson.dumps(entries.finding(odd[0])))["area_m2"] is None


def test_a_message_is_rendered_once_for_its_templates_and_values(checked, monkeypatch):
    """Messages met again (a layer's title and reason at every site) are not rendered again,
    and a full store of them, emptied, renders the ones met after it anew: the same text."""
    from dataclasses import replace

    import landcheck.report.json as writer
    import landcheck.rules.core as core
    from landcheck.report.json import _ENTRY_DEPTH, _encode, _Entries

    rendered = []
    real = core.render_message

    def counted(templates, values):
        rendered.append((id(templates), *map(id, values)))
        return real(templates, values)

    monkeypatch.setattr(core, "render_message", counted)
    findings = [f for site in checked.findings for f in site]
    first = next(f for f in findings if float in map(type, f.values))
    other = replace(first, values=tuple(v + 1.0 if type(v) is float else v for v in first.values))
    met = [*findings, first, other, first, other]  # the same templates, two messages in turn
    entries = _Entries()
    texts = [entries.finding(f) for f in met]
    assert len(rendered) == len(set(rendered))  # each once
    assert len(rendered) == len({(id(f.templates), *map(id, f.values)) for f in met})
    assert len(rendered) < len(findings)  # the report case's layers not supplied: shared
    for finding, text in zip(met, texts, strict=True):
        assert orjson.dumps(text) == _encode(finding.to_dict(), _ENTRY_DEPTH)
    monkeypatch.setattr(writer, "_SHARED_TEXTS", 2)
    rendered.clear()
    entries = _Entries()
    for finding in [*met, *met]:
        assert orjson.dumps(entries.finding(finding)) == _encode(finding.to_dict(), _ENTRY_DEPTH)
    assert len(rendered) > len(set(rendered))  # emptied again and again: rendered anew


def test_each_writer_reports_its_own_progress(checked, tmp_path):
    from landcheck.report.folder import write_report
    from landcheck.report.gpkg import gpkg_layers
    from landcheck.tables import report_tables

    events = []
    write_report(
        checked,
        tmp_path / "report",
        formats="json,xlsx,gpkg,txt",
        progress=lambda stage, done, total: events.append((stage, done, total)),
    )
    stages = list(dict.fromkeys(stage for stage, _, _ in events))
    assert stages == ["write:json", "write:tables", "write:xlsx", "write:gpkg", "write:txt"]
    units = {
        "write:json": 2,  # sites
        "write:tables": 2,  # sites
        "write:xlsx": len(report_tables(checked, "zh")),  # sheets
        "write:gpkg": len(gpkg_layers(checked)),  # layers
        "write:txt": 2,
    }
    for stage, total in units.items():
        mine = [(done, of) for name, done, of in events if name == stage]
        assert mine[0] == (0, total) and mine[-1] == (total, total), stage
        assert [done for done, _ in mine] == sorted(done for done, _ in mine)


def test_maps_drawn_in_worker_processes_are_the_maps_drawn_here(checked):
    from landcheck.report.maps import PARALLEL_MAPS, map_png, map_pngs

    site_ids = ["S1", "S2"] * (PARALLEL_MAPS // 2 + 1)
    events = []
    parallel = list(
        map_pngs(checked, site_ids, workers=2, progress=lambda d, t: events.append((d, t)))
    )
    here = {site_id: map_png(checked, site_id) for site_id in ("S1", "S2")}
    expected = [here[site_id] for site_id in site_ids]
    assert not (differences := png_differences(parallel, expected)), differences
    assert events == [(done, len(site_ids)) for done in range(1, len(site_ids) + 1)]
    # few sites, or one worker: drawn here, the same images
    assert list(map_pngs(checked, ["S2", "S1"], workers=2)) == [here["S2"], here["S1"]]


def test_a_sites_frame_is_its_rows_with_the_index_set(sample):
    compared = 0
    for views in sample.site_layers:
        for view in views.values():
            for rows in (view.class_rows, view.admin_rows, view.feature_rows):
                if not len(rows):
                    assert rows.frame().empty
                    continue
                data = {k: v[rows.start : rows.stop] for k, v in rows.rows.columns.items()}
                expected = pd.DataFrame(data)
                if rows.rows.index:
                    expected = expected.set_index(rows.rows.index)
                pd.testing.assert_frame_equal(rows.frame(), expected)
                compared += 1
    assert compared > 20


def test_the_writers_of_one_report_share_its_tables(checked, monkeypatch, tmp_path):
    import landcheck.tables
    from landcheck.report.folder import write_report

    built = []
    original = landcheck.tables.report_tables

    def counting(result, lang="zh", **options):
        built.append(lang)
        return original(result, lang, **options)

    monkeypatch.setattr(landcheck.tables, "report_tables", counting)
    write_report(checked, tmp_path / "en", formats="html,xlsx,json", lang="en")
    assert built == ["en"]


def test_the_class_table_is_the_sites_class_frames_one_after_the_other(checked, sample):
    for res in (checked, sample):
        frames = []
        for sid, views in zip(res.sites["site_id"], res.site_layers, strict=True):
            for key, view in views.items():
                if view.classes.empty:
                    continue
                part = view.classes.reset_index()
                part.insert(0, "layer", key)
                part.insert(0, "site_id", sid)
                frames.append(part)
        expected = pd.concat(frames, ignore_index=True)
        pd.testing.assert_frame_equal(res.class_table, expected)


def test_a_value_is_encoded_as_deep_as_it_lies_in_the_file():
    from landcheck.report.json import _encode

    values = [
        {"a": [1, 2.5, {"b": None}], "c": {}, "d": [], "e": "多行\n文本 {x}", "f": float("nan")},
        [[], [{}], [[1]]],
        "text",
        3.25,
        {},
        [],
    ]
    for value in values:
        flat = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY)
        for depth in range(8):
            assert _encode(value, depth) == flat.replace(b"\n", b"\n" + b"  " * depth)
