"""The draft opinion of report.docx, read back: its review points, its title, its documents.

Built by construction (tests/common.py): a 100 m square site (1 ha) on one land-use parcel.
"""

from __future__ import annotations

import warnings
from pathlib import Path

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
    table = table[~table["_possible"].astype(bool)]  # not those unknown checks may need
    assert table["document"].tolist() == now
    assert set(table["stage"]) == {"现在（用地报批）"}
    part = draft(approval, tmp_path / "approval")
    assert part[0] == "附录　用地报批审查意见（草稿）"
    assert "S1 用地报批审查意见（草稿）" in part
    # named only as the document the 报批 needs (实施条例 art. 24), never as the draft
    assert [line for line in part if "预审与选址意见书" in line] == [
        f"{now.index('建设项目用地预审与选址意见书') + 1}. 建设项目用地预审与选址意见书"
    ]
    listed = part[part.index("四、尚须提交的材料") + 1 :]
    assert listed[0] == "1. 调整后的选址方案（避让永久基本农田）"
    english = draft(approval, tmp_path / "en", "en")
    assert english[0] == "Appendix: draft land approval review opinions"
    assert "S1 land approval review opinion (draft)" in english
    # at 预审 the draft keeps its name
    part = draft(preexam, tmp_path / "preexam")
    assert part[0] == "附录　用地预审与选址意见书（草稿）"
    assert part[part.index("四、尚须提交的材料") + 1] == "1. 建设项目用地预审与选址申请表"


ARCHAEOLOGY = (
    "考古调查、勘探意见（文物主管部门；大型基本建设工程的规模标准为本配置自设，未经核实〔U〕）"
)
CHAPTER = (
    "节约集约用地论证分析专章（必要性、用地规模与功能分区合理性、不可避让的充分性、节地水平先进性）"
)
POSSIBLE_HEADING = "以下审查项无法判定，可能另需（括注可能需要该材料的审查项）："


def large_site_with_only_land_use():
    """A 6 ha industrial site (300 m x 200 m) on 0702: every layer but the land use missing."""
    site = sites(square(0, 0, 300, 200), project_type=["industrial"])
    parcel = {"BSM": "T1", "DLBM": "0702", "KCXS": 0.0, "QSXZ": "10"}
    layers = {"land_use": frame([{**parcel, "geometry": square(-50, -50, 400)}])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return landcheck.check(site, layers=layers, **PLANAR)


WETLAND_RESTORATION = (
    "恢复或者重建与所占用湿地面积和质量相当的湿地，没有条件的缴纳湿地恢复费"
    "（经依法批准占用后，由用地单位落实）"
)


def test_the_documents_unknown_checks_may_need_are_listed_apart(tmp_path):
    result = large_site_with_only_land_use()
    unknown = [f.check for f in result.site_findings("S1") if f.status == "unknown"]
    assert len(unknown) == 16 and {"heritage", "illegal_land"} <= set(unknown)  # 征收: none
    # the heritage layer is missing, but the 6 ha project's archaeology, with the threshold's
    # mark, is needed whatever it would show: asked for, not among what may be needed
    assert [d.zh for d in result.documents("S1")] == [*BASELINE, ARCHAEOLOGY]
    possible = {d.document.zh: d for d in result.documents_possible("S1")}
    assert ARCHAEOLOGY not in possible
    assert [c.zh for c in possible[CHAPTER].checks] == [
        "永久基本农田",
        "生态保护红线",
        "建设用地标准（节约集约用地）",
    ]
    assert possible["永久基本农田补划方案"].later and not possible[CHAPTER].later
    assert not set(BASELINE) & set(possible)
    # the draft opinion: the list, then apart the heading and what may be needed
    part = draft(result, tmp_path / "zh")
    start = part.index("四、尚须提交的材料")
    asked = [*BASELINE, ARCHAEOLOGY]
    assert part[start + 1 : start + 5] == [f"{n}. {d}" for n, d in enumerate(asked, 1)]
    # the 预审 opinion, for the 报批 (no approved-land layer: the whole site is new land)
    assert part[start + 5] == "5. 建设项目用地预审与选址意见书（后续报批时提交）"
    assert part[start + 6] == POSSIBLE_HEADING
    assert part[start + 7] == (
        f"1. {CHAPTER}（永久基本农田、生态保护红线、建设用地标准（节约集约用地））"
    )
    listed = part[start + 7 : part.index("五、综合意见")]
    grassland = "草原征占用审核同意书（省级以上草原主管部门）（草原）（后续报批时提交）"
    assert f"{len(possible) - 2}. {grassland}" in listed
    # the wetland restored or rebuilt after the occupation is approved (湿地保护法 art. 21)
    assert f"{len(possible) - 1}. {WETLAND_RESTORATION}（湿地）（后续报批时提交）" in listed
    assert listed[-1].startswith(f"{len(possible)}. 违法用地查处情况说明")
    english = draft(result, tmp_path / "en", "en")
    assert "These checks could not be made; they may also need" in "\n".join(english)
    # report.xlsx's 须提交材料清单 (and report.html, report.docx read the same table)
    table = documents_table(result, "zh").frame
    apart = table[table["_possible"].astype(bool)]
    assert len(apart) == len(possible) and set(apart["stage"]) == {"可能需要（审查项无法判定）"}
    assert table["document"].tolist()[:3] == BASELINE
    page = write_report(result, tmp_path / "html", formats="html")["html"]
    text = Path(page).read_text(encoding="utf-8")
    assert f'<p class="docs-possible">{POSSIBLE_HEADING}</p>' in text
    assert f"<li>{CHAPTER}（永久基本农田、生态保护红线、建设用地标准（节约集约用地））</li>" in text
    # findings.json is unchanged: the list is derived for the reports
    assert "documents_possible" not in result.to_dict()["sites"][0]


def test_a_document_asked_for_is_not_repeated_among_those_that_may_be_needed():
    # 3,000 m² of farmland for an expressway on the national plan: the chapter is asked now,
    # so the redline check (layer missing) does not list it again as possibly needed
    farmland = frame([{"BSM": "F1", "DLBM": "0103", "geometry": square(0, 0, 30, 100)}])
    site = sites(
        square(0, 0, 100),
        project_type=["expressway"],
        plan_level=["national"],
        plan_ref=["国家公路网规划"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = landcheck.check(site, layers={"farmland": farmland}, **PLANAR)
    assert next(
        f for f in result.site_findings("S1") if f.check == "permanent_farmland"
    ).outcome == ("state_council")
    assert CHAPTER in [d.zh for d in result.documents("S1")]
    possible = [d.document.zh for d in result.documents_possible("S1")]
    assert CHAPTER not in possible and "项目属于国家重大项目的证明文件" in possible


def test_at_approval_the_reports_are_headed_as_an_approval_review(tmp_path):
    # report.html, report.xlsx and report.docx were headed 建设项目用地预审与选址审查报告 at 报批
    import zipfile

    approval = check({"land_use": land_use("0103")}, stage="approval")
    write_report(approval, tmp_path / "out", formats=("html", "xlsx", "docx"))
    folder = tmp_path / "out"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<h1>建设项目用地报批审查报告</h1>" in html
    assert "预审与选址审查报告" not in html
    with zipfile.ZipFile(folder / "report.xlsx") as book:
        assert "<dc:title>建设项目用地报批审查报告</dc:title>" in book.read(
            "docProps/core.xml"
        ).decode("utf-8")
    with zipfile.ZipFile(folder / "report.docx") as document:
        body = document.read("word/document.xml").decode("utf-8")
    assert "建设项目用地报批审查报告" in body and "预审与选址审查报告" not in body
