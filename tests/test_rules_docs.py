"""docs/rules.md is generated from the built-in profile: the test fails when they drift apart."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from landcheck.cli.main import cli
from landcheck.io.profiles import load_profile
from landcheck.rules.docs import BEGIN, END, rules_markdown

RULES_MD = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_docs_rules_md_is_the_profile_as_generated():
    text = RULES_MD.read_text(encoding="utf-8")
    generated = text.split(BEGIN + "\n", 1)[1].split(END, 1)[0]
    assert generated == rules_markdown(load_profile()), (
        "docs/rules.md is out of date: replace its generated part with `landcheck profile docs`"
    )


def test_profile_docs_prints_every_rule_with_its_basis_marks_and_stages():
    result = CliRunner().invoke(cli, ["profile", "docs"])
    assert result.exit_code == 0
    for rule in load_profile().rules:
        assert f"### `{rule.id}` — {rule.title.zh}" in result.output
    assert "自然资规〔2018〕3号） (2018-07-30) 〔P〕" in result.output
    assert "永久基本农田补划方案 (报批 (later))" in result.output
    assert "自然资规〔2019〕1号" not in result.output


def test_docs_profile_md_lists_every_checks_outcomes():
    # a check's outcomes are the profile's to word: the table readers write profiles from
    import re

    from landcheck.rules.registry import EVALUATORS

    text = (RULES_MD.parent / "profile.md").read_text(encoding="utf-8")
    for name, evaluator in EVALUATORS.items():
        row = re.search(rf"^\| `{re.escape(name)}` \|[^|]*\|([^|]*)\|", text, re.M)
        assert row is not None, f"docs/profile.md has no row for the check {name!r}"
        listed = {word.strip() for word in row.group(1).split(",")}
        assert listed == set(evaluator.outcomes), name
