"""The README's library example runs as written, on the committed sample."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_quick_start_is_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\s+```bash\n(.*?)```", text, re.S).group(1)
    assert block.split("\n")[:2] == ["make demo", "make test"]


def test_readme_library_example_runs(tmp_path, sample_gpkg):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    assert len(code.strip().splitlines()) <= 10
    code = code.replace('"data/luxi_sample.gpkg.zip"', repr(sample_gpkg))
    code = code.replace('"my-report"', repr(str(tmp_path / "report")))
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    result = namespace["result"]
    assert result.status("S02") == "prohibited"
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == [
        ".landcheck",
        "findings.json",
        "landcheck.gpkg",
        "report.html",
        "report.xlsx",
    ]
