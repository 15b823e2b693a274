"""The README's quick start and library example do what it says, on the committed sample."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from landcheck import demo
from landcheck.cli.main import cli
from landcheck.io.output import atomic_folder
from landcheck.io.sample_files import SAMPLE_STANDARDS
from landcheck.sample.standards import standards_csv

ROOT = Path(__file__).resolve().parents[1]


def test_make_demo_writes_what_the_quick_start_says(tmp_path, monkeypatch, sample_gpkg):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\s+```bash\n(.*?)```", text, re.S).group(1)
    assert block.split("\n")[:2] == ["make demo", "make test"]
    listed = re.search(r"the report folder `landcheck-demo/report/` \(([^)]*)\)", text).group(1)
    said = re.split(r",\s*", listed)
    # the command `make demo` runs, into a folder of this test
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^demo:.*\n\t\$\(BIN\)/landcheck (.*)$", makefile, re.M).group(1)
    folder = tmp_path / "landcheck-demo"
    arguments = recipe.replace("$(DEMO_DIR)", str(folder)).split()

    def write_sample(directory, seed):  # the committed sample: test_sample.py shows it is the same
        with atomic_folder(directory, kind="sample") as staging:
            shutil.copy(sample_gpkg, os.path.join(staging, demo.SAMPLE_FILE))
            Path(staging, SAMPLE_STANDARDS).write_text(standards_csv(), encoding="utf-8")

    monkeypatch.setattr(demo, "write_sample", write_sample)
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(folder / "report")) == sorted([".landcheck", *said])
    assert demo.SAMPLE_FILE in os.listdir(folder / "sample")
    assert "S02" in result.output and "prohibited" in result.output  # the summary
    assert f"Report written to {folder / 'report'}" in result.output


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
