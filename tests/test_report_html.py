"""report.html: self-contained, every site, bilingual; maps and fonts that need no system font."""

from __future__ import annotations

import base64
import io
import re
import warnings

import jinja2
import pytest
from fontTools.ttLib import TTFont
from markupsafe import Markup, escape
from matplotlib.font_manager import FontProperties, findfont
from report_case import layers, result, site_frame

import landcheck
from landcheck.report.content import SITE_TABLES, format_value, format_values
from landcheck.report.html import (
    _environment,
    _escaped,
    _finding_cards,
    _list_items,
    _rows_html,
    _table_head,
    render_html,
)
from landcheck.report.maps import LEGEND_GID, map_png, site_map
from landcheck.typeface import FONT_PATH, font_families

MAP = '<svg xmlns="http://www.w3.org/2000/svg" class="site-map"'
EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def page():
    return render_html(result(), lang="zh")


def test_every_site_has_a_section_with_a_map(page):
    for site_id in result().site_ids:
        assert f'data-site-id="{site_id}"' in page
    assert page.count(MAP) == len(result().site_ids)
    assert "data:image/png" not in page  # the maps are drawn, not images
    for title in (
        "项目用地基本情况表",
        "占用地类面积统计表",
        "涉及永久基本农田情况表",
        "涉及生态保护红线情况表",
        "城镇开发边界内外面积表",
        "规划分区符合性表",
        "审查意见",
        "须提交材料",
        "数据来源与运行参数",
    ):
        assert title in page, title


def test_page_needs_no_network(page):
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "<script" not in page
    assert "@font-face{font-family:'Landcheck Sans';src:url(data:font/woff;base64," in page


def test_markup_in_names_cannot_make_the_page_fetch_anything():
    site_tag = '<img src="https://example.org/a.png">'
    feature_tag = "<link href='//cdn.example/x.css'>"
    assert EXTERNAL.search(site_tag) and EXTERNAL.search(feature_tag)  # what the test looks for
    site = site_frame()
    site.loc[0, "name"] = site_tag
    case = layers()
    case["farmland"].loc[0, "BSM"] = feature_tag
    page = render_html(landcheck.check(site, layers=case, area_method="planar"), maps=False)
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "&lt;img src=&#34;https://example.org/a.png&#34;&gt;" in page  # shown as text
    assert "&lt;link href=&#39;//cdn.example/x.css&#39;&gt;" in page


def test_embedded_font_covers_every_character_of_the_page(page):
    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    cmap = font.getBestCmap()
    text = re.sub(r"<[^>]+>|data:[^\"')]+", "", page)
    missing = {c for c in text if ord(c) > 0x7F and ord(c) not in cmap}
    assert not missing
    assert len(data) < 1_500_000


def test_provenance_and_findings_texts(page):
    assert "EPSG:4523" in page and "china-preexam" in page
    assert "《中华人民共和国土地管理法》第三十五条、第四十四条" in page
    assert "调整后的选址方案（避让永久基本农田）" in page
    assert "细小重叠容差" in page


def test_english_report(tmp_path):
    page = render_html(result(), lang="en", maps=False)
    assert '<html lang="en">' in page
    assert "<svg" not in page and '<figure class="map">' not in page  # maps=False: no map
    assert "Land-use classes taken" in page and "Findings" in page
    assert "The site takes 1.0000 ha (15.00 mu) of permanent basic farmland" in page
    assert "Land Administration Law, arts. 35 and 44" in page


def test_user_text_is_escaped():
    site = site_frame()
    site.loc[0, "name"] = "<script>alert(1)</script>"
    checked = landcheck.check(site, layers=layers(), area_method="planar")
    page = render_html(checked, maps=False)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "text", ["", "P01", "工业园 甲", "1,234.50", "a<b", "a>b", "A&B", "it's", 'a "b"', "&amp;<>'\""]
)
def test_cell_text_is_escaped_as_markupsafe_escapes_it(text):
    assert _escaped(text) == str(escape(text))
    assert type(_escaped(text)) is str


@pytest.mark.parametrize("kind", ["text", "ha", "mu", "m2", "m2_exact", "share", "int", "other"])
def test_a_column_is_formatted_as_each_of_its_cells(kind):
    values = [1.5, -0.0, 2, None, float("nan"), 1234567.891, 0.125, True]
    if kind != "int":  # round(inf) raises, cell or column
        values.append(float("-inf"))
    if kind == "text":
        values += ["工业园", "a<b"]
    assert format_values(values, kind) == [format_value(v, kind) for v in values]


def _rows_cell_by_cell(records, head):
    """The site tables' rows as they were written a cell at a time, to compare with."""
    columns, _, classes = head
    rows = []
    for record in records:
        out = [f'  <tr class="{_escaped(record["_role"])} lvl-{int(record["_level"])}">\n']
        for column, css in zip(columns, classes, strict=True):
            text = _escaped(format_value(record.get(column.key), column.kind))
            status = record.get("_status") if column.key == "status" else None
            if status:
                text = f'<span class="badge status-{_escaped(status)}">{text}</span>'
            out.append(f'    <td class="{css}">{text}</td>\n')
        rows.append("".join(out) + "  </tr>\n")
    return rows


@pytest.mark.parametrize("key", [*SITE_TABLES, "findings"])
def test_rows_made_a_column_at_a_time_are_those_made_a_cell_at_a_time(key):
    table = landcheck.tables.report_tables(result(), "zh")[key]
    head = _table_head(table, True)
    records = [dict(r) for r in table.records]
    assert _rows_html(records, head) == _rows_cell_by_cell(records, head)
    first = head[0][0].key  # one cell needing escapes: its column is escaped cell by cell
    records[-1][first] = "<b>A&B</b>"
    rows = _rows_html(records, head)
    assert rows == _rows_cell_by_cell(records, head)
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in rows[-1] and "<b>" not in "".join(rows)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "《土地管理法》第三十五条 [V]",
        "a<b\n\nA&B\n<script>alert(1)</script>",
        'it\'s\n"quoted"\n',
        float("nan"),
    ],
)
def test_a_findings_list_is_what_the_templates_loop_over_its_lines_wrote(text):
    loop = _environment().from_string("{% for item in items %}<li>{{ item }}</li>{% endfor %}")
    lines = [line for line in str(text).split("\n") if line]
    made = _list_items(text)
    assert str(made) == loop.render(items=lines) and bool(made) == bool(lines)
    assert "<script>" not in made


_CARD_LOOP = """\
  {% for finding in findings %}
  <div class="finding edge-{{ finding.status }}">
    <div class="head"><span class="title">{{ finding.check }}</span><span class="badge \
status-{{ finding.status }}">{{ finding.status_text }}</span>{% if finding.ha != "—" %}\
<span class="area">{{ t.area }} {{ finding.ha }} {{ t.ha }}（{{ finding.mu }} {{ t.mu }}）</span>\
{% endif %}</div>
    <p>{{ finding.message }}</p>
    {% if finding.basis %}<div class="label">{{ t.basis }}</div><ul>{{ finding.basis }}</ul>\
{% endif %}
    {% if finding.documents %}<div class="label">{{ t.documents }}</div><ul>\
{{ finding.documents }}</ul>{% endif %}
  </div>
  {% endfor %}
"""
"""The site template's loop over a site's findings, as it drew their cards (a finding without an
area of the site, such as ground around it, shows none)."""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_finding_cards_are_what_the_templates_loop_over_the_findings_wrote(lang):
    table = landcheck.tables.report_tables(result(), lang)["findings"]
    records = [dict(r) for r in table.records]
    hostile = {"check": "<b>A&B</b>", "_status": 'x" onclick="y', "status": "it's"}
    records.append({**records[0], **hostile, "message": "<script>1</script>", "basis": ""})
    records.append({**records[0], "basis": "a<b\n\nc", "documents": "", "ha": float("nan")})
    texts = landcheck.report.content.report_texts(lang)
    made = _finding_cards(records, _list_items, texts)
    cards = [
        {
            "check": r["check"],
            "status": r["_status"],
            "status_text": r["status"],
            "ha": format_value(r["ha"], "ha"),
            "mu": format_value(r["mu"], "mu"),
            "message": r["message"],
            "basis": _list_items(r["basis"]),
            "documents": _list_items(r["documents"]),
        }
        for r in records
    ]
    assert str(made) == _environment().from_string(_CARD_LOOP).render(findings=cards, t=texts)
    assert made.count('<div class="finding ') == len(records) > 2
    assert "<script>" not in made and "<b>" not in made and 'x" onclick' not in made


def test_templates_read_dict_keys_and_attributes_alike():
    template = _environment().from_string("{{ d.name }} {{ d.items() | list }} {{ n.real }}")
    expected = "&lt;b&gt; [(&#39;name&#39;, &#39;&lt;b&gt;&#39;)] 3"
    assert template.render(d={"name": "<b>"}, n=3) == expected
    with pytest.raises(jinja2.UndefinedError):
        _environment().from_string("{{ d.missing }}").render(d={"name": "x"})


@pytest.mark.parametrize(
    "value", ["", "工业园 甲", "a<b", "A&B", "it's", 'a "b"', 3, 1.5, None, Markup("<b>x</b>")]
)
def test_template_outputs_are_escaped_as_markupsafe_escapes_them_without_markup(value, monkeypatch):
    made = []
    monkeypatch.setattr(jinja2.runtime, "escape", lambda v: made.append(v) or escape(v))
    template = _environment().from_string("{{ value }}|{% for v in [value] %}{{ v }}{% endfor %}")
    assert template.render(value=value) == f"{escape(value)}|{escape(value)}"
    assert made == []


def test_maps_use_the_bundled_cjk_font_and_no_glyph_is_missing():
    families = font_families()
    assert families[0] == "Noto Sans CJK SC"
    assert findfont(FontProperties(family=list(families))) in (
        FONT_PATH,
        findfont(FontProperties(family=["Noto Sans CJK SC"])),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would raise
        data = map_png(result(), "S1", lang="zh")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_site_map_has_legend_scale_bar_and_north_arrow():
    figure = site_map(result(), "S1", lang="zh")
    assert len(figure.axes) == 3
    constraints = figure.axes[0]
    labels = [t.get_text() for t in constraints.texts if t.get_gid() == LEGEND_GID]
    assert labels[0] == "项目用地 S1"
    assert "永久基本农田 1.0000 公顷" in labels
    texts = [t.get_text() for t in constraints.texts]
    assert "北" in texts and "50 m" in texts and "中枢镇" in texts
    english = site_map(result(), "S2", lang="en", panels=["constraints"])
    assert [t.get_text() for t in english.axes[0].texts].count("N") == 1
    assert "S1" not in [t.get_text() for t in english.axes[0].texts]  # S1 is far away


def test_a_value_that_rounds_to_zero_is_written_without_a_minus_sign():
    # an uncovered rest of -7e-5 m² (the sums' last digits) was shown as "-0.00%" in the
    # urban boundary table of the HTML and Word reports
    assert format_values([-7e-10, -1e-7, None], "share") == ["0.00%", "0.00%", "—"]
    assert [format_value(-0.00004, "ha"), format_value(-0.001, "m2")] == ["0.0000", "0.00"]
    assert format_value(-0.0002, "share") == "-0.02%"  # a real negative keeps its sign
