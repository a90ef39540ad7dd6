"""The HTML report in a real browser: headless Debian Chromium through selenium and Debian's chromedriver.

``evaluate --html`` on two small CLAIR documents and a hostile one (a ``<script>`` and an ``onerror`` handler in
its text, and an emoji outside the BMP before its spans), then ``compare --html``. The browser must show the tables
and the boundary views, run nothing from the document, log no error, and show every chunk's text exactly (the
spans are sliced in Python by code point). Cheap metrics (SC, BI, RC) keep it to seconds. Screenshots are saved in
the test's temporary folder, or in ``$REPORT_SCREENSHOTS`` when set, for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adaptive_splitters.cli import main

ROOT = Path(__file__).resolve().parents[1]
CLAIR = ROOT.parent / "shared" / "data" / "clair" / "parsed"
DOCUMENTS = (
    CLAIR / "Norma (légal)_EDPS Generative AI guidelines.json",
    CLAIR / "Ada (technique)_Standards - Explicability.json",
)
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,2200",
)
TITLE = "Adaptive chunking report"
HOSTILE = (
    "# A hostile document 😀\n\n"
    "<script>document.title = 'pwned'; window.pwned = true;</script>\n\n"
    '<img src="x" onerror="window.pwned = true"> and </div></details></section> closing tags.\n\n'
    + "\n\n".join(f"Paragraph {i} says 𝒳 and 😀 twice: 😀." for i in range(40))
    + "\n"
)


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A headless Chromium with a fresh profile, its console logged; skipped when it cannot be had."""
    webdriver = pytest.importorskip("selenium.webdriver", reason='selenium missing: pip install ".[browser]"')
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.skip(f"{path} missing: apt-get install chromium chromium-driver")
    monkeypatch.setenv("SE_OFFLINE", "true")  # selenium-manager must never download a browser or a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver: Any, folder: Path, name: str) -> Path:
    path = folder / name
    driver.save_screenshot(str(path))
    wanted = os.environ.get("REPORT_SCREENSHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(wanted) / name)
    return path


def _errors(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.mark.skipif(not all(p.is_file() for p in DOCUMENTS), reason="CLAIR corpus not found at ../shared/data/clair")
def test_the_report_shows_tables_and_boundaries_and_runs_nothing_from_documents(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    hostile = tmp_path / "hostile.md"
    hostile.write_text(HOSTILE, encoding="utf-8")
    report = tmp_path / "report.html"
    args = ["evaluate", *map(str, DOCUMENTS), str(hostile), "--metrics", "SC,BI,RC", "--html", str(report)]
    assert main(args) == 0

    browser.get(report.as_uri())
    assert browser.title == TITLE  # the hostile script would have changed it
    assert browser.execute_script("return window.pwned") is None
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "<script>document.title = 'pwned'; window.pwned = true;</script>" in body
    assert '<img src="x" onerror="window.pwned = true">' in body

    assert len(browser.find_elements(By.CSS_SELECTOR, "table.means tr")) == 1 + 3  # header, three candidates
    assert len(browser.find_elements(By.CSS_SELECTOR, "section[id^=doc-]")) == 3
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.scores tr.chosen")) == 3
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")) == 1 + 3  # the shares, each document's scores
    opened = browser.find_elements(By.CSS_SELECTOR, "details.candidate[open] .view")
    assert len(opened) == 3
    assert all(view.is_displayed() for view in opened)
    assert browser.find_elements(By.CSS_SELECTOR, "#doc-2 details.candidate[open] .mark")[0].is_displayed()

    # The hostile document's chosen view shows its text exactly, chunk after chunk, emoji and all.
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('#doc-3 details.candidate[open] .view span:not(.mark)'))"
        ".map(s => s.textContent).join('')"
    )
    assert shown == HOSTILE
    _screenshot(browser, tmp_path, "report.png")
    browser.execute_script("document.getElementById('doc-3').scrollIntoView()")
    _screenshot(browser, tmp_path, "hostile.png")
    assert _errors(browser) == []


@pytest.mark.skipif(not all(p.is_file() for p in DOCUMENTS), reason="CLAIR corpus not found at ../shared/data/clair")
def test_compare_shows_two_candidates_side_by_side(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    report = tmp_path / "compare.html"
    args = ["compare", str(DOCUMENTS[1]), "--candidate", "recursive_600", "--candidate", "page", "--html", str(report)]
    assert main([*args, "--metrics", "SC,BI,RC"]) == 0

    browser.get(report.as_uri())
    columns = browser.find_elements(By.CSS_SELECTOR, ".side > div")
    assert [c.find_element(By.TAG_NAME, "h3").text for c in columns] == ["recursive_600", "page"]
    left, right = (c.find_element(By.CLASS_NAME, "view") for c in columns)
    assert left.location["y"] == right.location["y"]  # side by side, not one under the other
    assert left.location["x"] < right.location["x"]
    cut = left.find_element(By.CSS_SELECTOR, ".mark.breaks")  # recursive_600 starts a chunk inside a block
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cut)
    assert cut.is_displayed()
    _screenshot(browser, tmp_path, "compare.png")
    assert _errors(browser) == []
