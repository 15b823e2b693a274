"""Text holding a lone surrogate ("\\ud800") is refused where it enters, naming where it is.

UTF-8 cannot encode a lone surrogate, so it used to fail deep inside (pyarrow's
UnicodeEncodeError, or findings.json's writer) with an internal error. Site names and ids,
field names, given project facts, profile values and input paths (a GBK file name on a UTF-8
system) are now refused with landcheck's own error: in the library an InputDataError (a
ProfileError for a profile), on the command line exit 1 with the message, no traceback and
no report folder.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from common import sites, square

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import InputDataError, ProfileError
from landcheck.io.profiles import builtin_profile_text, profile_from_dict


def with_text(column: str, value: str):
    frame = sites(square(0, 0, 100), square(200, 0, 100))
    frame[column] = pd.Series(["fine", value], dtype=object)
    return frame


@pytest.mark.parametrize("column", ["name", "site_id", "XMMC", "remark"])
def test_a_site_text_with_a_lone_surrogate_is_refused_naming_the_site_and_the_field(column):
    with pytest.raises(InputDataError) as caught:
        landcheck.check(with_text(column, "县道\ud800改扩建"), area_method="planar")
    message = str(caught.value)
    assert message.startswith(f"site feature 2: field {column!r} holds ")
    assert "lone surrogate (U+D800 at character 3)" in message
    assert "rename it or give it in UTF-8" in message


def test_a_site_field_name_with_a_lone_surrogate_is_refused():
    frame = sites(square(0, 0, 100), note=["x"])
    frame.columns = pd.Index(["site_id", "note\udcff", "geometry"], dtype=object)
    with pytest.raises(InputDataError, match=r"site features: field name 'note\\udcff' holds"):
        landcheck.check(frame, area_method="planar")


def test_sites_without_surrogates_are_checked_as_before():
    result = landcheck.check(with_text("name", "县道改扩建"), area_method="planar")
    assert result.sites["name"].tolist() == ["fine", "县道改扩建"]
    assert result.sites["planar_m2"].tolist() == [10_000.0, 10_000.0]


def test_a_given_project_fact_with_a_lone_surrogate_is_refused():
    with pytest.raises(InputDataError, match=r"^facts\.plan_ref: 'G\\udcff' holds a lone"):
        landcheck.check(sites(square(0, 0, 100)), facts={"plan_ref": "G\udcff"})


def test_a_profile_value_with_a_lone_surrogate_is_refused_naming_its_key():
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    data["rules"][0]["title"] = {"zh": "农田\udc80", "en": "farmland"}
    with pytest.raises(ProfileError) as caught:
        profile_from_dict(data, origin="mine")
    assert "rules[0].title.zh: a lone surrogate (U+DC80 at character 3)" in str(caught.value)


@pytest.mark.parametrize(
    "where", [("documents", 0), ("layers", "farmland", "title", "en"), ("analysis", "crs")]
)
def test_a_lone_surrogate_anywhere_in_a_profile_is_refused_even_beside_a_date(where):
    import datetime

    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    data["documents"] = [*(data.get("documents") or []), "a document"]
    target = data
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = "x\udcff"
    with pytest.raises(ProfileError, match="lone surrogate"):
        profile_from_dict(data, origin="mine")
    # a value JSON cannot write (a YAML date) is walked too, and still found
    data["version"] = datetime.date(2026, 12, 1)
    with pytest.raises(ProfileError, match="lone surrogate"):
        profile_from_dict(data, origin="mine")


def test_a_site_path_with_a_lone_surrogate_is_refused(tmp_path):
    with pytest.raises(InputDataError, match="lone surrogate"):
        landcheck.check(str(tmp_path / "地块\udcb5.gpkg"))


@pytest.mark.skipif(os.name != "posix", reason="file names are bytes on POSIX only")
def test_a_site_file_named_in_gbk_ends_in_exit_1_without_a_report(tmp_path):
    name = os.fsdecode(b"\xb5\xd8\xbf\xe9.gpkg")  # 地块 in GBK: a lone surrogate per byte
    sites(square(0, 0, 100)).to_file(tmp_path / "sites.gpkg")
    os.rename(tmp_path / "sites.gpkg", tmp_path / name)
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["check", str(tmp_path / name), "-o", str(out)])
    assert result.exit_code == 1
    assert "holds a lone surrogate (U+DCB5" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not out.exists()


def test_a_project_flag_with_bytes_that_are_not_utf8_ends_in_exit_1(tmp_path):
    path = tmp_path / "sites.gpkg"
    sites(square(0, 0, 100)).to_file(path)
    out = tmp_path / "report"
    arguments = ["check", str(path), "--project-id", "P\udcff", "-o", str(out)]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 1
    assert "facts.project_id: 'P\\udcff' holds a lone surrogate" in result.output
    assert "Traceback" not in result.output and not out.exists()
