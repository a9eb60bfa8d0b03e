"""The report printed by a real browser: headless Chromium prints each report to PDF on US
Letter and on A4 (the page size injected into a copy: the report itself fixes none), and
pdftotext reads back what a clinician would: the level, reasons, scores, checklist,
disclaimer, 988 for an emergency, and at most two pages before the appendix.

Skips when Chromium or poppler is absent (a new user's machine); with TRIAGE_REQUIRE_BROWSER=1
(set by .ci/run, which installs them) it cannot skip."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from reports import BANK, CASES, write_case
from typer.testing import CliRunner

from triage_cli.cli import app
from triage_cli.formats import toml_summary
from triage_cli.record.recorded import as_recorded
from triage_cli.record.words import DISCLAIMER

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
if os.environ.get("TRIAGE_REQUIRE_BROWSER") == "1":
    assert CHROMIUM and PDFTOTEXT, "TRIAGE_REQUIRE_BROWSER=1 but chromium or pdftotext is missing"
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and PDFTOTEXT),
    reason="headless Chromium and poppler-utils (pdftotext) are needed to print the report",
)
APPENDIX = "Appendix: every answer"


def print_pdf(html: Path, size: str, folder: Path) -> Path:
    """Chromium's print of a copy of the report with `@page { size: SIZE }` injected."""
    page = folder / f"{html.stem}-{size}.html"
    page.write_text(
        html.read_text(encoding="utf-8").replace("<style>", f"<style>@page {{ size: {size}; }}", 1),
        encoding="utf-8",
    )
    pdf = page.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert pdf.exists() and pdf.stat().st_size > 0, f"Chromium printed no PDF of {page}"
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        [str(PDFTOTEXT), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("size", ["Letter", "A4"])
@pytest.mark.parametrize("case", list(CASES))
def test_the_printed_report_reads_right_and_fits_two_pages_before_the_appendix(
    tmp_path: Path, case: str, size: str
) -> None:
    summary = write_case(tmp_path, case)
    result = CliRunner().invoke(app, ["report", str(summary)])
    assert result.exit_code == 0, result.output
    pages = pdf_pages(print_pdf(summary.with_suffix(".html"), size, tmp_path))
    before = next(n for n, page in enumerate(pages) if APPENDIX in page)
    assert 1 <= before <= 2, f"{case} on {size}: {before} pages before the appendix"
    assert len(pages) > before
    front = flat(" ".join(pages[:before]))
    record = as_recorded(BANK, toml_summary.read(BANK, summary))
    a = record.assessment
    assert a.level is not None
    assert flat(f"{a.level.title} [{a.level.code}]") in front
    for reason in a.reasons:
        assert flat(reason)[:60] in front, reason
    assert "Screening scores" in front and "Published cut-offs" in front
    if "phq9_total" in record.scores:  # a value, not only the headings
        band = str(record.scores["phq9_band"]).replace("_", " ")
        assert f"{record.scores['phq9_total']}/27 {band}" in front
    for item in record.checklist:
        assert flat(item.text)[:50] in front, item.id
    assert flat(DISCLAIMER) in front
    assert ("988" in front) is bool(a.emergency)
    # the running header and page numbers of the @page margin boxes
    assert f"Intake report, client {record.client_id}" in pages[0]
    assert f"Page 1 of {len(pages)}" in flat(pages[0])
