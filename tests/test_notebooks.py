"""Every notebook, committed without outputs, runs top to bottom on the sample county.

An empty list of notebooks fails at collection (pytest's ``empty_parameter_set_mark``).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    # the kernel's temporary folder: a notebook's OUT folder (tempfile.mkdtemp) is made under
    # the test's, which pytest removes with its old runs, not left in the system's at each run
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:  # committed without outputs: what a reader runs is all there is
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    assert list(tmp_path.glob("landcheck-*")), "the notebook wrote outside the test's folder"
