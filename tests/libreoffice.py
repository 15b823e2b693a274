"""LibreOffice headless, as the tests that open landcheck's files in it call it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice")


def calc_missing() -> bool:
    """No soffice, or one without Calc (``make libreoffice`` installs Writer alone)."""
    return SOFFICE is None or not (Path(SOFFICE).resolve().parent / "libsclo.so").exists()


def convert(
    source: Path,
    to: str,
    outdir: Path,
    home: Path,
    *,
    infilter: str | None = None,
    env: dict[str, str] | None = None,
) -> Path:
    """``source`` converted by LibreOffice to the format ``to`` in ``outdir``; the new file.

    ``home`` holds the throwaway user profile (and is HOME unless ``env`` says otherwise);
    the conversion must succeed.
    """
    command = [SOFFICE, f"-env:UserInstallation=file://{home}/profile", "--headless"]
    if infilter is not None:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", to, "--outdir", str(outdir), str(source)]
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env=env or {"HOME": str(home), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    converted = outdir / f"{Path(source).stem}.{to}"
    assert run.returncode == 0 and converted.exists(), run.stdout + run.stderr
    return converted
