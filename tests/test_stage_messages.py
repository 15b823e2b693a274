"""A message at the approval stage (报批) says what that stage needs, not what 预审 did.

At ``--stage approval`` the 报批 report and draft told the applicant "须办理用地预审，由…预审",
as if the pre-examination were still ahead (实施条例 art. 24(1)–(2): the pre-examination
comes with the project's approval, the land application after it). An outcome may now give
its approval-stage message (``approval: {zh, en}``), validated as its own.
"""

from __future__ import annotations

import pytest
import yaml
from common import county, frame, sites, square

import landcheck
from landcheck.errors import ProfileError
from landcheck.io.profiles import builtin_profile_text, profile_from_dict

PLANAR = {"area_method": "planar", "coverage": county()}


def _preexam(stage: str) -> landcheck.rules.Finding:
    approved = frame([{"BSM": "A1", "geometry": square(0, 0, 40, 100)}])
    result = landcheck.check(
        sites(square(0, 0, 100)), layers={"approved_land": approved}, stage=stage, **PLANAR
    )
    return next(f for f in result.site_findings("S1") if f.check == "preexam_needed")


def test_the_pre_examination_is_behind_the_applicant_at_the_approval_stage():
    before, after = _preexam("preexam"), _preexam("approval")
    assert before.outcome == after.outcome == "required"
    assert (
        "新增建设用地 0.6000 公顷（已批建设用地 0.4000 公顷），须办理用地预审" in before.message.zh
    )
    assert "须办理用地预审，由" not in after.message.zh
    assert after.message.zh.startswith(
        "项目用地中新增建设用地 0.6000 公顷（已批建设用地 0.4000 公顷），报批前须已办理用地预审"
    )
    assert "its opinion goes with it" in after.message.en


def test_an_approval_message_is_validated_as_its_own():
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["check"] == "preexam_needed")
    rule["outcomes"]["required"]["approval"]["zh"] = "须已办理 {no_such_value}"
    with pytest.raises(ProfileError, match=r"outcomes\.required\.approval\.zh: unknown value"):
        profile_from_dict(data, origin="test")


OPINION = "建设项目用地预审与选址意见书"


def test_the_pre_examination_opinion_is_a_document_of_the_approval_stage():
    # the approval-stage message says the opinion goes with the application, yet no list
    # (the draft's 四、尚须提交的材料, the workbook, report.html) named it
    before, after = _preexam("preexam"), _preexam("approval")
    assert [d.zh for d in after.documents] == [OPINION]
    assert [d.zh for d in before.documents] == []
    assert [d.zh for d in before.documents_later] == [OPINION]


def test_a_site_wholly_on_approved_land_alone_needs_no_pre_examination_opinion():
    approved = frame([{"BSM": "A1", "geometry": square(-10, -10, 120)}])
    result = landcheck.check(
        sites(square(0, 0, 100)), layers={"approved_land": approved}, stage="approval", **PLANAR
    )
    found = next(f for f in result.site_findings("S1") if f.check == "preexam_needed")
    assert found.outcome == "not_required"
    assert OPINION not in [d.zh for d in result.documents("S1")]
