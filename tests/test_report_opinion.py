"""The draft opinion of report.docx, read back: its review points, its title, its documents.

Built by construction (tests/common.py): a 100 m square site (1 ha) on one land-use parcel.
"""

from __future__ import annotations

import warnings

import docx
from common import county, frame, sites, square

import landcheck
from landcheck.report.folder import write_report
from landcheck.report.opinion import draft_texts
from landcheck.tables import documents_table

PLANAR = {"area_method": "planar", "coverage": county()}


def land_use(code):
    """One parcel of ``code`` (collective) covering the 1 ha site and 50 m around it."""
    parcel = {"BSM": "T1", "DLBM": code, "KCXS": 0.0, "QSXZ": "30"}
    return frame([{**parcel, "geometry": square(-50, -50, 200)}])


def check(layers, **options):
    site = sites(square(0, 0, 100), project_type=["industrial"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return landcheck.check(site, layers=layers, **{**PLANAR, **options})


def draft(result, folder, lang="zh"):
    """The paragraphs of report.docx from the drafts' appendix on."""
    path = write_report(result, folder, formats="docx", lang=lang)["docx"]
    lines = [p.text for p in docx.Document(path).paragraphs]
    return lines[lines.index(draft_texts(lang, result.stage)["appendix"]) :]


def conclusion(part, heading):
    return part[part.index(heading) + 1]


def test_the_area_is_printed_only_where_the_site_takes_the_layer(tmp_path):
    # only the land-use layer: farmland and minerals unknown; preexam_needed and pv_siting
    # not_involved. 3,000 m² (30 m x 100 m) of the site is permanent farmland on 0103.
    result = check({"land_use": land_use("0702")})
    statuses = {f.check: f.status for f in result.site_findings("S1")}
    assert statuses["permanent_farmland"] == "unknown"
    assert statuses["preexam_needed"] == statuses["pv_siting"] == "not_involved"
    part = draft(result, tmp_path / "unknown")
    assert conclusion(part, "（一）永久基本农田") == "结论：无法判定；涉及面积 —。"
    assert conclusion(part, "（七）是否需要用地预审") == "结论：不涉及；涉及面积 —。"
    assert conclusion(part, "（八）光伏项目用地") == "结论：不涉及；涉及面积 —。"
    assert not [line for line in part if "涉及面积 1.0000 公顷" in line]
    farmland = frame([{"BSM": "F1", "DLBM": "0103", "geometry": square(0, 0, 30, 100)}])
    taken = check({"land_use": land_use("0103"), "farmland": farmland})
    assert next(f for f in taken.site_findings("S1") if f.check == "permanent_farmland").status == (
        "prohibited"
    )
    part = draft(taken, tmp_path / "taken")
    assert conclusion(part, "（一）永久基本农田") == "结论：禁止；涉及面积 0.3000 公顷（4.50 亩）。"
    english = draft(taken, tmp_path / "en", "en")
    assert english[english.index("3.1 permanent basic farmland") + 1] == (
        "Conclusion: prohibited; area concerned 0.3000 ha (4.50 mu)."
    )


BASELINE = [
    "建设项目用地预审与选址申请表",
    "建设项目用地坐标表（2000国家大地坐标系，TXT格式）",
    "项目位置图及国土空间规划图（摘图）",
]


def test_at_approval_the_baseline_is_not_asked_and_the_draft_is_named_for_the_stage(tmp_path):
    # 3,000 m² of farmland on a 1 ha site of 耕地: at 报批 the 预审 application form is not
    # a document "needed now", and the draft is no 用地预审与选址意见书.
    farmland = frame([{"BSM": "F1", "DLBM": "0103", "geometry": square(0, 0, 30, 100)}])
    layers = {"land_use": land_use("0103"), "farmland": farmland}
    preexam = check(layers)
    assert [d.zh for d in preexam.documents("S1")][:3] == BASELINE
    approval = check(layers, stage="approval")
    now = [d.zh for d in approval.documents("S1")]
    assert not set(BASELINE) & set(now)
    assert now[0] == "调整后的选址方案（避让永久基本农田）"  # the industrial site's farmland
    assert "补充耕地方案（耕地占补平衡落实情况，水田单列）" in now
    assert approval.documents_later("S1") == []
    table = documents_table(approval, "zh").frame  # report.xlsx's 须提交材料清单
    assert table["document"].tolist() == now
    assert set(table["stage"]) == {"现在（用地报批）"}
    part = draft(approval, tmp_path / "approval")
    assert part[0] == "附录　用地报批审查意见（草稿）"
    assert "S1 用地报批审查意见（草稿）" in part
    assert not [line for line in part if "预审与选址意见书" in line]
    listed = part[part.index("四、尚须提交的材料") + 1 :]
    assert listed[0] == "1. 调整后的选址方案（避让永久基本农田）"
    english = draft(approval, tmp_path / "en", "en")
    assert english[0] == "Appendix: draft land approval review opinions"
    assert "S1 land approval review opinion (draft)" in english
    # at 预审 the draft keeps its name
    part = draft(preexam, tmp_path / "preexam")
    assert part[0] == "附录　用地预审与选址意见书（草稿）"
    assert part[part.index("四、尚须提交的材料") + 1] == "1. 建设项目用地预审与选址申请表"
