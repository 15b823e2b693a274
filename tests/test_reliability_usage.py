"""Profile numbers, layer keys and check() arguments (docs/reliability.md §3 item 16, §4).

A profile number that would turn a conflict into a note is refused; a ``--layer`` key the
profile does not define is a usage error unless it is marked ``+`` as the user's own
layer; no sites and wrong arguments to :func:`landcheck.check` are clear errors.
"""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import pytest
import yaml
from click.testing import CliRunner
from common import frame, sites, square

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import InputDataError, LandcheckError, ProfileError
from landcheck.io.profiles import (
    builtin_profile_text,
    load_profile,
    profile_from_dict,
    profile_from_yaml,
)
from landcheck.profile import Profile

PROFILE_KEYS = (
    "farmland, eco_redline, urban_boundary, planning_zones, land_use, townships, "
    "protected_areas, approved_land, forest, grassland, wetland, mineral_rights, geohazard, "
    "geohazard_points, heritage, illegal_land"
)
TEXT_HINT = " (a text: write the number without quotes, with a decimal point, e.g. 1.0e+9)"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def data(write_gpkg):
    """A 200 x 400 m site; farmland 200 x 240 m over it (48,000 m² = 4.8 ha taken)."""
    site = sites(square(0, 0, 200, 400), name=["厂房"], project_class=["industrial"])
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(0, 100, 200, 240)}])
    hazard = frame([{"BSM": "H1", "MC": "滑坡", "geometry": square(-100, 0, 150, 100)}])
    return write_gpkg(sites=site, farmland=farmland, hazard=hazard, empty=site.iloc[:0])


def digest(path) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def with_analysis(line_from: str, line_to: str) -> str:
    text = builtin_profile_text("china-preexam")
    assert text.count(line_from) == 1
    return text.replace(line_from, line_to)


# ---------------------------------------------------------------------------------------
# 16. Profile numbers

AREA = "analysis.sliver.area_m2"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        pytest.param(
            "area_m2: .nan", f"{AREA}: expected a finite number from 1 to 100, got nan", id="nan"
        ),
        pytest.param(
            "area_m2: .inf", f"{AREA}: expected a finite number from 1 to 100, got inf", id="inf"
        ),
        pytest.param(
            "area_m2: 1.0e+9", f"{AREA}: must be from 1 to 100, got 1000000000.0", id="1.0e+9"
        ),
        pytest.param(
            "area_m2: 1e9",
            f"{AREA}: expected a finite number from 1 to 100, got '1e9'{TEXT_HINT}",
            id="1e9 is a text",
        ),
        pytest.param("area_m2: 0.5", f"{AREA}: must be from 1 to 100, got 0.5", id="0.5"),
        pytest.param("area_m2: -1", f"{AREA}: must be from 1 to 100, got -1", id="-1"),
        pytest.param(
            "area_m2: true", f"{AREA}: expected a finite number from 1 to 100, got True", id="bool"
        ),
        pytest.param(
            "area_m2: '5'",
            f"{AREA}: expected a finite number from 1 to 100, got '5'{TEXT_HINT}",
            id="quoted",
        ),
    ],
)
def test_sliver_area_must_be_finite_and_within_bounds(line, problem):
    text = with_analysis("area_m2: 1.0", line)
    with pytest.raises(ProfileError) as caught:
        profile_from_yaml(text, origin="p.yaml")
    assert caught.value.problems == [problem]


@pytest.mark.parametrize(
    ("where", "value", "problem"),
    [
        pytest.param(
            "width_m",
            float("nan"),
            "analysis.sliver.width_m: expected a finite number from 0 to 1, got nan",
            id="width nan",
        ),
        pytest.param(
            "width_m", 2, "analysis.sliver.width_m: must be from 0 to 1, got 2", id="width 2"
        ),
        pytest.param(
            "width_m",
            -float("inf"),
            "analysis.sliver.width_m: expected a finite number from 0 to 1, got -inf",
            id="width -inf",
        ),
        pytest.param(
            "declared_area_tolerance",
            float("inf"),
            "analysis.declared_area_tolerance: expected a finite number from 0 to 0.1, got inf",
            id="tolerance inf",
        ),
        pytest.param(
            "declared_area_tolerance",
            0.5,
            "analysis.declared_area_tolerance: must be from 0 to 0.1, got 0.5",
            id="tolerance 0.5",
        ),
        pytest.param(
            "sliver",
            [1, 2],
            "analysis.sliver: expected a mapping (key: value), got [1, 2]",
            id="sliver list",
        ),
    ],
)
def test_other_analysis_numbers_are_validated(where, value, problem):
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    if where == "width_m":
        data["analysis"]["sliver"]["width_m"] = value
    else:
        data["analysis"][where] = value
    with pytest.raises(ProfileError) as caught:
        Profile.from_dict(data, origin="p.yaml")
    assert caught.value.problems == [problem]


def test_a_profile_s_rules_are_checked_by_whoever_loads_or_uses_it():
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    data["rules"][1]["check"] = "overlap_area"
    problem = (
        "rules[1] (eco_redline): check: 'overlap_area' is not an evaluator; use one of "
        "permanent_farmland, eco_redline, urban_boundary, planning_conformity, "
        "cultivated_land, agricultural_conversion, expropriation, preexam_needed, pv_siting, "
        "proximity, overlap, forest, grassland, wetland, protected_areas, mineral_rights, "
        "geohazard, hazard_points, heritage, illegal_land, land_use_standard"
    )
    profile = Profile.from_dict(data, origin="mine")  # the schema alone is fine
    assert profile.rules[1].id == "eco_redline"
    with pytest.raises(ProfileError) as caught:
        profile_from_dict(data, origin="mine")  # loading asks the rules too
    assert caught.value.problems == [problem]
    with pytest.raises(ProfileError) as caught:
        landcheck.check(sites(square(0, 0, 100)), profile=profile)  # so does a run
    assert caught.value.problems == [problem]


def test_bounds_themselves_are_accepted():
    text = with_analysis("area_m2: 1.0", "area_m2: 100")
    text = text.replace("width_m: 0.1", "width_m: 0").replace(
        "declared_area_tolerance: 0.01", "declared_area_tolerance: 0.1"
    )
    analysis = profile_from_yaml(text, origin="p.yaml").analysis
    assert (analysis.sliver_area_m2, analysis.sliver_width_m) == (100.0, 0.0)
    assert analysis.declared_area_tolerance == 0.1


@pytest.mark.parametrize("distance", [".nan", ".inf", "1.0e+9", "0", "-5"])
def test_rule_distances_must_be_finite_and_within_bounds(distance):
    text = builtin_profile_text("china-preexam") + (
        "  - id: near_redline\n"
        "    check: proximity\n"
        "    layer: eco_redline\n"
        "    title: near the redline\n"
        f"    params: {{distance_m: {distance}}}\n"
        "    basis: [{zh: 本地规定, en: local rule, date: 2024-01-01}]\n"
        "    outcomes:\n"
        "      overlaps: {status: conditional, zh: 重叠, en: overlaps}\n"
        "      near: {status: info, zh: 临近, en: near}\n"
        "      clear: {status: not_involved, zh: 无, en: clear}\n"
    )
    with pytest.raises(ProfileError) as caught:
        profile_from_yaml(text, origin="p.yaml")
    (problem,) = caught.value.problems
    appended = len(load_profile().rules)  # the rule's index: after the built-in ones
    assert problem.startswith(
        f"rules[{appended}] (near_redline): params.distance_m: expected a distance in metres, "
        "more than 0 and at most 10,000, got "
    )


def test_a_huge_sliver_threshold_cannot_hide_4_8_ha_of_farmland(runner, data, tmp_path):
    """With ``area_m2: 1.0e+9`` the 4.8 ha taken would have become an ``info`` note."""
    good, huge = tmp_path / "good.yaml", tmp_path / "huge.yaml"
    good.write_text(with_analysis("area_m2: 1.0", "area_m2: 100"), encoding="utf-8")
    huge.write_text(with_analysis("area_m2: 1.0", "area_m2: 1.0e+9"), encoding="utf-8")
    common = [f"{data}:sites", "--layer", f"farmland={data}:farmland", "--area-method", "planar"]

    refused = runner.invoke(
        cli, ["check", *common, "--profile", str(huge), "-o", str(tmp_path / "r1")]
    )
    assert refused.exit_code == 1
    assert f"{AREA}: must be from 1 to 100, got 1000000000.0" in refused.output
    assert not (tmp_path / "r1").exists()

    out = tmp_path / "r2"
    done = runner.invoke(
        cli, ["check", *common, "--profile", str(good), "-o", str(out), "-f", "json"]
    )
    assert done.exit_code == 0, done.output
    site = json.loads((out / "findings.json").read_text(encoding="utf-8"))["sites"][0]
    assert site["layers"]["farmland"]["overlap"]["planar_m2"] == pytest.approx(48_000.0)
    assert site["status"] == "prohibited"


# ---------------------------------------------------------------------------------------
# 19. --layer keys


def test_unknown_layer_key_is_a_usage_error_listing_the_keys(runner, data, tmp_path):
    before = digest(data)
    result = runner.invoke(
        cli,
        [
            "check",
            f"{data}:sites",
            "--layer",
            f"farmlnd={data}:farmland",
            "-o",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 2
    assert "unknown layer key 'farmlnd' (did you mean 'farmland'?)" in result.output
    assert f"the layers of profile 'china-preexam' are: {PROFILE_KEYS}" in result.output
    assert "--layer +farmlnd=PATH" in result.output
    assert not (tmp_path / "r").exists()
    assert digest(data) == before


def _check_with_two_layers(runner, data, tmp_path, first: str, second: str):
    """``landcheck check`` with the farmland under key ``first``, the hazard under ``second``."""
    return runner.invoke(
        cli,
        [
            "check",
            f"{data}:sites",
            "--layer",
            f"{first}={data}:farmland",
            "--layer",
            f"{second}={data}:hazard",
            "-o",
            str(tmp_path / "r"),
        ],
    )


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("farmland", "farmland", "key 'farmland' is given twice"),
        ("+hazard", "+hazard", "key '+hazard' is given twice"),
        ("farmland", "+farmland", "layer key 'farmland' is given twice"),
    ],
)
def test_the_same_layer_key_twice_is_a_usage_error(runner, data, tmp_path, first, second, message):
    result = _check_with_two_layers(runner, data, tmp_path, first, second)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("farmland", "+Forest", "layer key '+Forest' differs from the key 'forest' of profile"),
        ("+hazard", "+Hazard", "layer key '+Hazard' differs from the layer key 'hazard' given"),
        ("+HAZARD", "+hazard", "layer key '+hazard' differs from the layer key 'HAZARD' given"),
    ],
)
def test_a_layer_key_differing_only_in_case_is_a_usage_error(
    runner, data, tmp_path, first, second, message
):
    """landcheck.gpkg names a column and a table after each key, and SQLite compares their
    names ignoring case: +Forest beside the profile's forest ran the whole check, then failed
    writing the report ("forest_m2 … already exists", an internal error, no report)."""
    before = digest(data)
    result = _check_with_two_layers(runner, data, tmp_path, first, second)
    assert result.exit_code == 2, result.output
    assert message in result.output and "only in case" in result.output
    assert not (tmp_path / "r").exists()
    assert digest(data) == before


def test_check_refuses_a_layer_key_differing_only_in_case_before_reading():
    site = sites(square(0, 0, 100))
    layer = frame([{"BSM": "Q1", "geometry": square(50, 0, 100)}])
    with pytest.raises(InputDataError, match="'forest' of profile 'china-preexam' only in case"):
        landcheck.check(site, layers={"+Forest": layer}, area_method="planar")
    with pytest.raises(InputDataError, match="'hazard' given before only in case"):
        landcheck.check(site, layers={"+hazard": layer, "+Hazard": layer}, area_method="planar")
    # the same key twice is still "given twice", and a profile key marked + is that layer
    with pytest.raises(InputDataError, match="layer key 'hazard' is given twice"):
        landcheck.check(site, layers={"+hazard": layer, " +hazard": layer}, area_method="planar")
    done = landcheck.check(site, layers={"+forest": layer}, area_method="planar")
    assert done.layer_area("S1", "forest").planar_m2 == pytest.approx(5_000.0)


def test_a_marked_key_adds_a_layer_of_ones_own(runner, data, tmp_path):
    out = tmp_path / "r"
    result = runner.invoke(
        cli,
        [
            "check",
            f"{data}:sites",
            "--layer",
            f"farmland={data}:farmland",
            "--layer",
            f"+hazard={data}:hazard",
            "--area-method",
            "planar",
            "-o",
            str(out),
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    site = json.loads((out / "findings.json").read_text(encoding="utf-8"))["sites"][0]
    # hazard covers x from -100 to 50 and y from 0 to 100: 50 x 100 m of the site
    assert site["layers"]["hazard"]["overlap"]["planar_m2"] == pytest.approx(5_000.0)
    assert site["layers"]["farmland"]["overlap"]["planar_m2"] == pytest.approx(48_000.0)


def test_a_bad_name_for_ones_own_layer_is_a_usage_error(runner, data, tmp_path):
    result = runner.invoke(
        cli,
        [
            "check",
            f"{data}:sites",
            "--layer",
            f"+my layer={data}:hazard",
            "-o",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 2
    assert "a layer of your own needs a name of letters, digits and _" in result.output


def test_select_commands_check_layer_keys_too(runner, data, tmp_path):
    result = runner.invoke(
        cli,
        [
            "select",
            "buildable",
            f"{data}:sites",
            "--layer",
            f"farmlnd={data}:farmland",
            "-o",
            str(tmp_path / "b"),
        ],
    )
    assert result.exit_code == 2
    assert "unknown layer key 'farmlnd'" in result.output
    assert not (tmp_path / "b").exists()


def test_library_refuses_unknown_keys_and_accepts_marked_ones(data):
    site = gpd.read_file(data, layer="sites")
    farmland = gpd.read_file(data, layer="farmland")
    with pytest.raises(InputDataError) as caught:
        landcheck.check(site, layers={"farmlnd": farmland})
    assert "unknown layer key 'farmlnd' (did you mean 'farmland'?)" in str(caught.value)
    assert PROFILE_KEYS in str(caught.value) and "{'+farmlnd': ...}" in str(caught.value)
    hazard = gpd.read_file(data, layer="hazard")
    result = landcheck.check(
        site, layers={"farmland": farmland, "+hazard": hazard}, area_method="planar"
    )
    assert result.layer_area("S1", "hazard").planar_m2 == pytest.approx(5_000.0, rel=1e-12)
    assert result.profile.layers["hazard"].kind == "generic"
    assert result.status("S1") == "prohibited"


# ---------------------------------------------------------------------------------------
# 20. No sites, wrong arguments


def test_empty_sites_layer_is_exit_1_no_sites(runner, data, tmp_path):
    before = digest(data)
    result = runner.invoke(cli, ["check", f"{data}:empty", "-o", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert f"Error: no sites: {data} has no features" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r").exists()
    assert digest(data) == before


EMPTY = object()
"""Stands for the sites frame without its rows."""


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            {"sites": EMPTY}, "no sites: the sites GeoDataFrame has no features", id="empty"
        ),
        pytest.param(
            {"area_method": "round"},
            "unknown area method 'round'; use one of: planar, ellipsoidal",
            id="area_method",
        ),
        pytest.param(
            {"layers": ["farmland"]},
            "layers: expected a mapping of layer key → source",
            id="layers list",
        ),
        pytest.param({"layers": "farmland=a.shp"}, "got str 'farmland=a.shp'", id="layers str"),
        pytest.param(
            {"layers": {"farmland": 5}},
            "layers['farmland']: expected a path, 'PATH:LAYER', a GeoDataFrame or None, got int 5",
            id="layer value",
        ),
        pytest.param({"layers": {3: "a.shp"}}, "layers: a layer key is a text, got 3", id="key"),
        pytest.param(
            {"sites": None},
            "sites: expected a path, 'PATH:LAYER', a GeoDataFrame or a list of them, "
            "got NoneType None",
            id="sites None",
        ),
        pytest.param({"sites": [42]}, "got int 42", id="sites list"),
    ],
)
def test_check_arguments_raise_a_landcheck_error_listing_valid_values(data, arguments, message):
    site = gpd.read_file(data, layer="sites")
    kwargs = dict(arguments)
    sites_argument = kwargs.pop("sites", site)
    if sites_argument is EMPTY:
        sites_argument = site.iloc[:0]
    with pytest.raises(LandcheckError) as caught:
        landcheck.check(sites_argument, **kwargs)
    assert message in str(caught.value)
    assert isinstance(caught.value, InputDataError)  # also a ValueError


def test_a_profile_giving_a_key_twice_or_no_rule_is_refused(tmp_path):
    # a key given twice kept the last silently (sliver area 100 m²: 50 m² of farmland became
    # a note, the check unknown, not prohibited); rules: [] checked nothing and said so nowhere
    from importlib import resources

    text = resources.files("landcheck.profiles").joinpath("china-preexam.yaml").read_text("utf-8")
    twice = text.replace("    area_m2: 1.0\n", "    area_m2: 1.0\n    area_m2: 100\n", 1)
    assert twice != text
    (tmp_path / "twice.yaml").write_text(twice, encoding="utf-8")
    done = CliRunner().invoke(cli, ["profile", "validate", str(tmp_path / "twice.yaml")])
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert "the key 'area_m2' is given twice in one mapping (first on line" in done.output
    data = yaml.safe_load(text)
    data["rules"] = []
    (tmp_path / "none.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    done = CliRunner().invoke(cli, ["profile", "validate", str(tmp_path / "none.yaml")])
    assert done.exit_code == 1 and "rules: no rule is given, so no site would be checked" in (
        done.output
    )


def test_a_pipe_or_a_device_given_as_data_or_profile_is_refused_not_read_forever(tmp_path):
    # a FIFO as sites, layer or profile blocked the command for ever; /dev/zero as a TXT's
    # sites or a profile ran until memory ran out (internal error: MemoryError)
    import os

    fifo = tmp_path / "fifo.gpkg"
    os.mkfifo(fifo)
    zero = tmp_path / "sites.txt"
    zero.symlink_to("/dev/zero")
    farmland = tmp_path / "farmland.gpkg"
    frame([{"BSM": "F1", "geometry": square(0, 0, 100)}]).to_file(farmland)
    site = tmp_path / "site.gpkg"
    sites(square(0, 0, 100)).to_file(site)
    runs = [
        ["check", str(fifo), "--layer", f"farmland={farmland}"],
        ["check", str(zero), "--layer", f"farmland={farmland}"],
        ["check", str(site), "--layer", f"farmland={farmland}", "--profile", str(fifo)],
        ["check", str(site), "--layer", f"farmland={farmland}", "--profile", "/dev/zero"],
    ]
    for number, args in enumerate(runs):
        out = tmp_path / f"report{number}"
        done = CliRunner().invoke(cli, [*args, "-o", str(out), "-f", "json"])
        assert done.exit_code == 1 and "is not a regular file" in done.output, done.output
        assert "Traceback" not in done.output and not out.exists()


def test_a_postgis_url_given_as_a_file_is_named_without_its_password(tmp_path):
    # "sites: no such file 'postgresql://gis:SECRETPW@…'", and a password holding '"' was
    # shown as a host
    farmland = tmp_path / "farmland.gpkg"
    frame([{"BSM": "F1", "geometry": square(0, 0, 100)}]).to_file(farmland)
    url = "postgresql://gis:SECRETPW@127.0.0.1:54329/plan:public.farm"
    done = CliRunner().invoke(
        cli, ["check", url, "--layer", f"farmland={farmland}", "-o", str(tmp_path / "r")]
    )
    assert done.exit_code == 1 and "SECRETPW" not in done.output
    assert "postgresql://gis@127.0.0.1:54329/plan:public.farm" in done.output
    from landcheck.io.postgis.url import redact

    assert "PW" not in redact('x=postgresql://gis:SECRET"PW@127.0.0.1:5x/plan:public.farm')


def test_profile_layers_names_a_postgis_source_without_its_password(tmp_path):
    # `landcheck profile layers` printed "(source: postgresql://gis:SECRETPW@…)"
    from importlib import resources

    data = yaml.safe_load(
        resources.files("landcheck.profiles").joinpath("china-preexam.yaml").read_text("utf-8")
    )
    data["layers"]["farmland"]["source"] = "postgresql://gis:SECRETPW@127.0.0.1:5432/plan:f"
    path = tmp_path / "pg.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = CliRunner().invoke(cli, ["profile", "layers", str(path)])
    assert done.exit_code == 0, done.output
    assert "SECRETPW" not in done.output
    assert "(source: postgresql://gis@127.0.0.1:5432/plan:f)" in done.output
