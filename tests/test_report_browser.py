"""report.html in headless Chromium: loads with no network request, every site, a real picture.

Chromium is Debian's package (``make browser`` installs it when run as root); without it
these tests are skipped, saying so.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
from matplotlib.image import imread
from report_case import layers, result, site_frame

import landcheck
from landcheck.report import write_report

pytestmark = pytest.mark.browser

CHROMIUM = next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p),
    None,
)
if CHROMIUM is None:
    pytest.skip(
        "headless Chromium is not installed (run `make browser` as root to install "
        "Debian's chromium)",
        allow_module_level=True,
    )

# Reports the page's web fonts into the DOM once they have loaded (added to a copy only).
FONT_PROBE = (
    "<script>document.fonts.ready.then(function(){var s=[];document.fonts.forEach("
    "function(f){s.push(f.family.replace(/['\"]/g,'')+':'+f.status)});"
    "document.body.setAttribute('data-fonts',s.join(','))});</script>"
)


def chromium(tmp_path, url, *args, netlog=None):
    """Run headless Chromium on a page; all traffic goes to a dead local proxy."""
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--proxy-server=127.0.0.1:9",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
        *([f"--log-net-log={netlog}"] if netlog else []),
        *args,
        url,
    ]
    done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return done.stdout.decode("utf-8", "replace")


def page_requests(netlog):
    """URLs the page asked the network for (the browser's own update pings are not the page's)."""
    with open(netlog, encoding="utf-8") as handle:
        log = json.load(handle)
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start and "file://" in params.get("network_isolation_key", ""):
            urls.append(params["url"])
    return urls


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser") / "report"
    return write_report(result(), folder, formats="html")["html"]


def test_markup_in_a_site_name_makes_no_request(tmp_path):
    tag = '<img src="http://example.invalid/a.png">'
    # the same tag written into a page as markup: the browser fetches it and the log shows it
    probe = tmp_path / "probe.html"
    probe.write_text(f"<!DOCTYPE html><html><body>{tag}</body></html>", encoding="utf-8")
    chromium(tmp_path, probe.as_uri(), "--dump-dom", netlog=tmp_path / "probe.json")
    assert page_requests(tmp_path / "probe.json") == ["http://example.invalid/a.png"]
    # as a site's name in landcheck's report it stays text
    site = site_frame()
    site.loc[0, "name"] = tag
    checked = landcheck.check(site, layers=layers(), area_method="planar")
    page = write_report(checked, tmp_path / "named", formats="html")["html"]
    dom = chromium(tmp_path, f"file://{page}", "--dump-dom", netlog=tmp_path / "named.json")
    assert page_requests(tmp_path / "named.json") == []
    assert "&lt;img src=" in dom and 'data-site-id="S1"' in dom


def test_report_loads_offline_with_every_site_and_its_font(report, tmp_path):
    copy = tmp_path / "report.html"
    with open(report, encoding="utf-8") as handle:
        copy.write_text(handle.read().replace("</body>", FONT_PROBE + "</body>"), encoding="utf-8")
    netlog = tmp_path / "report.json"
    dom = chromium(tmp_path, copy.as_uri(), "--dump-dom", netlog=netlog)
    assert page_requests(netlog) == []
    for site_id in result().site_ids:
        assert f'data-site-id="{site_id}"' in dom
    assert "Landcheck Sans:loaded" in dom
    assert "占用地类面积统计表" in dom


def test_screenshot_is_a_real_picture(report, tmp_path):
    shot = tmp_path / "shot.png"
    chromium(tmp_path, f"file://{report}", f"--screenshot={shot}", "--window-size=1280,2400")
    image = imread(shot)
    assert image.shape[0] >= 2000 and image.shape[1] >= 1200
    assert float(np.std(image[..., :3])) > 0.05  # not a blank page
