"""Rendering findings: documents by stage, once per site, templates, one rule against a site."""

from dataclasses import replace

import pytest

from landcheck.facts import ProjectFacts
from landcheck.io.profiles import load_profile
from landcheck.measure import unavailable_layer
from landcheck.profile import Outcome, Text
from landcheck.rules import ProfileRules, RuleInput, SiteInfo, evaluate_rule, evaluate_site
from landcheck.rules.apply import _asked_once
from landcheck.rules.core import render, render_message, render_values
from landcheck.units import Area

A, B, C = Text("甲", "A"), Text("乙", "B"), Text("丙", "C")


def test_documents_by_stage():
    plain = Outcome("conditional", Text("", ""), (A, B))
    staged = Outcome("conditional", Text("", ""), (A, B, C), ("preexam", "approval", "preexam"))
    assert plain.documents_at("preexam") == ((A, B), ())
    assert plain.documents_at("approval") == ((A, B), ())
    assert staged.documents_at("preexam") == ((A, C), (B,))
    assert staged.documents_at("approval") == ((A, B, C), ())


def test_a_document_is_asked_for_once_per_site_and_other_findings_stay_as_they_are():
    first, second, third, bare = ((A, B), ()), ((B, C), (A,)), ((), (C,)), ((), ())
    untouched = ((), (Text("丁", "D"),))
    out = _asked_once([first, second, third, bare, untouched])
    assert out == [
        ((A, B), ()),
        ((C,), ()),
        ((), ()),
        ((), ()),
        ((), (Text("丁", "D"),)),
    ]
    kept = [
        (now is given[0], later is given[1])
        for (now, later), given in zip(out, (first, second, third, bare, untouched), strict=True)
    ]
    assert kept == [(True, True), (False, False), (True, False), (True, True), (True, True)]


def test_the_documents_kept_follow_each_site_s_outcomes_not_the_last_site_s():
    # which documents a finding keeps is worked out once per combination of outcomes:
    # sites alternating between two combinations each get their own
    profile = load_profile()
    first, second, *others = profile.rules
    plain = Text("", "")
    first = replace(
        first,
        outcomes={
            **first.outcomes,
            "asks": Outcome("conditional", plain, (A, B)),
            "none": Outcome("not_involved", plain),
        },
    )
    second = replace(
        second, outcomes={**second.outcomes, "asks": Outcome("conditional", plain, (B, C), ())}
    )
    rules = ProfileRules(replace(profile, rules=type(profile.rules)([first, second, *others])))
    area = Area(1.0, 1.0)

    def documents(site_id, first_outcome):
        decided = [(first_outcome, area, ()), ("asks", area, ())]
        decided += [("unknown", area, ()) for _ in others]  # messages not rendered here
        findings = rules._findings(site_id, decided)
        assert [f.site_id for f in findings] == [site_id] * len(findings)
        return [f.documents for f in findings[:2]]

    for _ in range(2):
        assert documents("S1", "asks") == [(A, B), (C,)]
        assert documents("S2", "none") == [(), (B, C)]
    assert len(rules._shared) == 2


def test_a_template_takes_the_values_it_names_in_its_language():
    values = {
        "layer": Text("永久基本农田", "farmland"),
        "area_ha": 1.23456,
        "unused": Text("x", "y"),
    }
    assert (
        render("{layer}{area_ha:.2f}公顷，{layer}", values, "zh")
        == "永久基本农田1.23公顷，永久基本农田"
    )
    assert render("{area_ha:.1f} ha of {layer}", values, "en") == "1.2 ha of farmland"
    with pytest.raises(KeyError):
        render("{reason}", values, "en")


@pytest.mark.parametrize(
    "template",
    [
        "{layer}{area_ha:.2f}公顷，{layer}",
        "{area_ha:>12,.3f} {{literal}} {layer!r} {layer}",
        "no value at all",
        "{{{area_ha}}}",
    ],
)
def test_values_by_place_render_as_by_name(template):
    names = ("layer", "area_ha", "width")
    values = (Text("永久基本农田", "farmland"), 1234.56789, 9)
    for lang in ("zh", "en"):
        by_name = render(template, dict(zip(names, values, strict=True)), lang)
        assert render_values(template, names, values, lang) == by_name


def test_a_spec_with_a_field_of_its_own_is_left_to_the_names():
    names, values = ("area_ha", "width"), (1.5, 9)
    for fill in (
        lambda t: render(t, dict(zip(names, values, strict=True)), "en"),
        lambda t: render_values(t, names, values, "en"),
    ):
        with pytest.raises(KeyError):  # validation refuses such a template
            fill("{area_ha:{width}}")


def test_every_builtin_message_renders_by_place_as_by_name():
    from landcheck.io.profiles import BUILTIN_PROFILES, load_profile
    from landcheck.rules.apply import _DEFAULT_OUTCOMES
    from landcheck.rules.core import message_names

    checked = 0
    for name in BUILTIN_PROFILES:
        profile = load_profile(name)
        outcomes = [o for rule in profile.rules for o in rule.outcomes.values()]
        for outcome in [*outcomes, *_DEFAULT_OUTCOMES.values()]:
            names = message_names(outcome.message)
            values = tuple(
                Text(f"甲{i}", f"a{i}") if i % 2 else 1234.5678 * (i + 1) for i in range(len(names))
            )
            rendered = {}
            for lang in ("zh", "en"):
                template = outcome.message.get(lang)
                try:
                    by_name = render(template, dict(zip(names, values, strict=True)), lang)
                except ValueError:  # a number's spec given a text: the same error by place
                    with pytest.raises(ValueError):
                        render_values(template, names, values, lang)
                    continue
                assert render_values(template, names, values, lang) == by_name
                rendered[lang] = by_name
                checked += 1
            if len(rendered) == 2:
                assert render_message(outcome.message, values) == Text(**rendered)
    assert checked > 100


def test_one_rule_evaluated_alone_gives_the_finding_of_the_whole_site():
    profile = load_profile()
    area = Area(10_000.0, 9_998.0)
    site = SiteInfo("S1", "厂区", "industrial", False, area)
    views = {
        key: unavailable_layer(key, spec.kind, "not supplied", area)
        for key, spec in profile.layers.items()
    }
    whole = evaluate_site(profile, site, views)
    for rule, finding in zip(profile.rules, whole, strict=True):
        inp = RuleInput(site, views[rule.layer], views, rule.params, profile.analysis, profile)
        alone = evaluate_rule(rule, inp, profile.layers[rule.layer].title)
        assert alone == finding
    assert "could not be used (not supplied)" in whole[0].message.en


def test_a_batch_gives_each_site_the_findings_it_gives_alone_and_shares_their_parts():
    profile = load_profile()
    rules = ProfileRules(profile, "approval")
    runs = []
    for site_id, size in (("S1", 10_000.0), ("S2", 30_000.0)):
        area = Area(size, size - 2.0)
        site = SiteInfo(site_id, "厂区", "industrial", False, area)
        views = {
            key: unavailable_layer(key, spec.kind, "not supplied", area)
            for key, spec in profile.layers.items()
        }
        batch = rules.evaluate(site, views)
        assert batch == evaluate_site(profile, site, views, "approval")
        runs.append(batch)
    for one, two in zip(*runs, strict=True):
        assert one.basis is two.basis and one.documents is two.documents
        assert one.area != two.area and one.site_id != two.site_id


def _first_rule_unknown_says(template: Text):
    """The built-in profile whose first rule's ``unknown`` outcome says ``template``."""
    profile = load_profile()
    first, *others = profile.rules
    first = replace(first, outcomes={**first.outcomes, "unknown": Outcome("unknown", template)})
    return replace(profile, rules=type(profile.rules)([first, *others]))


def test_a_batch_gives_each_project_class_and_type_its_own_titles():
    titles = Text("{project_class} {project_type}", "{a_project_class}, {a_project_type}")
    profile = _first_rule_unknown_says(titles)
    rules = ProfileRules(profile)
    area = Area(10_000.0, 9_998.0)
    views = {
        key: unavailable_layer(key, spec.kind, "not supplied", area)
        for key, spec in profile.layers.items()
    }
    sites = [
        SiteInfo("S1", "厂区", "industrial", False, area),
        SiteInfo("S2", "矿区", "mining", False, area),
        SiteInfo("S3", "道路", "transport", True, area, ProjectFacts(project_type="railway")),
        SiteInfo("S4", "未注明", None, False, area),
        SiteInfo("S5", "厂区二", "industrial", False, area),
    ]
    messages = []
    for site in sites:
        batch = rules.evaluate(site, views)
        assert batch == evaluate_site(profile, site, views)
        messages.append(batch[0].message.en)
    assert messages == [
        "an industrial project, an industrial project",
        "a mining project, a mining project",
        "a transport project in a national plan, or a provincial expressway, a railway (incl. "
        "spur lines)",
        "a project of no stated class, a project of no stated class",
        "an industrial project, an industrial project",
    ]


def test_a_message_naming_a_value_its_decision_lacks_is_an_error():
    profile = load_profile()
    rule = next(r for r in profile.rules if r.id == "cultivated_land")
    # paddy_ha is the evaluator's; a layer not available is decided unknown without it
    unknown = Outcome("unknown", Text("{paddy_ha:.4f}", "{paddy_ha:.4f}"))
    rule = replace(rule, outcomes={**rule.outcomes, "unknown": unknown})
    area = Area(10_000.0, 9_998.0)
    site = SiteInfo("S1", "厂区", "industrial", False, area)
    view = unavailable_layer("land_use", "land_use", "not supplied", area)
    inp = RuleInput(site, view, {"land_use": view}, rule.params, profile.analysis, profile)
    with pytest.raises(KeyError, match="paddy_ha"):
        evaluate_rule(rule, inp, profile.layers["land_use"].title)


def test_a_layer_not_supplied_gives_every_site_one_tuple_of_values_per_rule():
    from common import frame, sites, square

    from landcheck import check

    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(0, 0, 300)}])
    result = check(
        sites(square(0, 0, 100), square(1_000, 0, 100), square(2_000, 0, 100)),
        layers={"farmland": farmland},
        area_method="planar",
    )
    forest = [next(f for f in site if f.check == "forest") for site in result.findings]
    assert [f.outcome for f in forest] == ["unknown"] * 3
    assert all(f.values is forest[0].values for f in forest)
    assert forest[0].values[-1] == "未提供图层 / layer not supplied"
    farm = [result.layer_area(i, "farmland").planar_m2 for i in result.site_ids]
    assert farm == [10_000.0, 0.0, 0.0]


def test_only_unknown_values_that_are_texts_are_shared():
    from landcheck.rules.apply import _RuleParts

    profile = load_profile("china-preexam")
    rule = profile.rules[0]
    parts = _RuleParts(rule, profile.layers[rule.layer].title, "preexam")
    title = Text("林地", "forest land")
    first = parts.same_unknown((title, "未提供图层 / layer not supplied"))
    again = parts.same_unknown((Text("林地", "forest land"), "未提供图层 / layer not supplied"))
    assert again is first
    # equal numbers that print differently, as a site's own field may hold them, stay apart
    for values in ((1,), (1.0,), (True,), (0.0,), (-0.0,)):
        assert parts.same_unknown(values) is values


def test_unknown_findings_of_a_layer_not_available_follow_each_site_s_reason_and_values():
    # a profile's own template for the unknown outcome may name the site's area
    named = Text("{layer} {reason} {area_ha:.4f}", "{layer} ({reason}): {area_ha:.4f} ha")
    profile = _first_rule_unknown_says(named)
    first, *others = profile.rules
    rules = ProfileRules(profile)
    small, large = Area(10_000.0, 10_000.0), Area(25_000.0, 25_000.0)
    second = next(r for r in others if r.layer != first.layer)
    site_views = []
    for area, reason in ((small, "not supplied"), (large, "not supplied"), (small, "no area")):
        site_views.append(
            {
                key: unavailable_layer(key, spec.kind, reason, area)
                for key, spec in profile.layers.items()
            }
        )
    sites = [
        SiteInfo(f"S{i}", "", "industrial", False, v[first.layer].uncovered)
        for i, v in enumerate(site_views)
    ]
    found = [rules.evaluate(site, views) for site, views in zip(sites, site_views, strict=True)]
    for site, views, findings in zip(sites, site_views, found, strict=True):
        assert findings == evaluate_site(profile, site, views)
    own = [f[0].values for f in found]
    assert [v[-1] for v in own] == [1.0, 2.5, 1.0]  # each site's area, not the first one's
    assert [v[1] for v in own] == ["not supplied", "not supplied", "no area"]
    built_in = [next(f for f in findings if f.check == second.check).values for findings in found]
    assert built_in[0] is built_in[1]  # the same reason: one tuple for all sites
    assert built_in[2] is not built_in[0] and built_in[2][-1] == "no area"
