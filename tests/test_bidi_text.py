"""A site id holding a bidirectional override does not reorder the numbers beside it.

U+202E (right-to-left override) in a site id reversed the rest of each message line
it stood in: in report.html "永久基本农田 0.3000 公顷" read "0003.0". Messages and the
HTML report show such characters as their escapes; the data keep the id as given.
"""

from __future__ import annotations

import json
import re

import landcheck
from landcheck.report import write_report
from tests.common import county, frame, sites, square

_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")

_ID = "A\u202e-1"


def _result() -> landcheck.CheckResult:
    site = sites(square(0, 0, 100), name=["厂区"])
    site["site_id"] = [_ID]
    farmland = frame([{"BSM": "F1", "geometry": square(70, 0, 30, 100)}])
    survey = frame(
        [{"BSM": "L1", "DLBM": "0103", "QSXZ": "30", "geometry": square(-500, -500, 1000)}]
    )
    return landcheck.check(
        site,
        layers={"farmland": farmland, "land_use": survey},
        coverage=county(),
        area_method="planar",
    )


def test_a_site_ids_override_is_shown_not_obeyed_in_messages_and_the_html(tmp_path):
    result = _result()
    findings = result.site_findings(_ID)
    farmland = next(f for f in findings if f.check == "permanent_farmland")
    assert farmland.area.m2 == 3_000.0
    assert _REORDERING.search(farmland.message.zh) is None
    assert "0.3000 公顷" in farmland.message.zh
    messages = [f.message for f in findings]
    assert any("A\\u202e-1" in m.zh for m in messages)
    assert not any(_REORDERING.search(m.zh) or _REORDERING.search(m.en) for m in messages)

    write_report(result, tmp_path / "out", formats="json,html")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert _REORDERING.search(html) is None
    assert "A\\u202e-1" in html
    data = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert data["sites"][0]["site_id"] == _ID  # the data keep the id as given
    assert not any(_REORDERING.search(f["message"]["zh"]) for f in data["sites"][0]["findings"])
