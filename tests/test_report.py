"""`triage report` and `--report`: the printable HTML report and the chart note, both laid out
from the same Record as it was recorded: content, order, escaping, self-containment, notes
when today's scoring differs, files (0600, never replaced without --force), and several
outputs in one run where one fails."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import html5lib
import pytest
import tomli_w
from reports import ASSESSED, BANK, CASES, EXAMPLE, write_case
from typer.testing import CliRunner, Result

from triage_cli.cli import app
from triage_cli.formats import toml_summary
from triage_cli.record.recorded import as_recorded
from triage_cli.record.words import CRISIS_LINES, DISCLAIMER
from triage_cli.text import local_time

from conftest import assert_exit

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"  # html5lib keeps inline SVG in its own namespace


def invoke(*args: object) -> Result:
    return runner.invoke(app, [*map(str, args)])


def html_of(path: Path) -> Any:
    return html5lib.parse(path.read_text(encoding="utf-8"), namespaceHTMLElements=False)


def text_of(element: Any) -> str:
    return " ".join(" ".join(element.itertext()).split())  # cells apart, wrapping undone


def report(tmp_path: Path, case: str, *extra: object) -> Path:
    summary = write_case(tmp_path, case)
    result = invoke("report", summary, *extra)
    assert_exit(result, 0)
    return summary.with_suffix(".html")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("reports")
    return {case: html_of(report(folder, case)) for case in CASES}


# --- the HTML report -------------------------------------------------------------------------


def test_the_report_is_one_self_contained_page_without_script(pages: dict[str, Any]) -> None:
    for case, page in pages.items():
        assert page.find(".//script") is None, case
        assert page.find(".//link") is None and page.find(".//img") is None, case
        assert page.find(".//style") is not None and page.find(f".//{SVG}svg") is not None, case
        for element in page.iter():
            for name in ("src", "href"):
                assert name not in element.attrib, (case, element.tag)


def test_the_banner_comes_first_only_for_an_emergency(pages: dict[str, Any]) -> None:
    for case, page in pages.items():
        first = page.find(".//body")[0]
        if "emergency" in case:
            assert first.get("class") == "banner", case
            assert all(line in text_of(first) for line in CRISIS_LINES)
            assert "988" in text_of(first)
        else:
            assert "EMERGENCY" not in text_of(page.find(".//body")), case


def test_the_header_names_client_time_tool_model_bank_and_completeness(
    pages: dict[str, Any],
) -> None:
    header = text_of(pages["op"].find(".//header"))
    for fragment in (
        "Client id EX-0001",
        f"Assessed {local_time(ASSESSED)}",
        "clinical model 1.1",
        f"{BANK.name} {BANK.version}",
        BANK.sha256,
        DISCLAIMER,
        "COMPLETE",
    ):
        assert fragment.lower() in header.lower(), fragment
    assert "incomplete" in text_of(pages["incomplete_emergency"].find(".//header")).lower()


def test_the_sections_come_in_the_order_a_reviewer_reads(pages: dict[str, Any]) -> None:
    headings = [text_of(h) for h in pages["iop_withdrawal"].iter("h2")]
    order = ["Recommendation", "Ratings", "Screening scores", "Program", "Insurance checklist",
             "Clinician review", "Appendix"]  # fmt: skip
    found = [next(i for i, h in enumerate(headings) if h.startswith(o)) for o in order]
    assert found == sorted(found), headings


def test_level_withdrawal_reasons_and_scores_are_what_was_recorded(tmp_path: Path) -> None:
    summary = write_case(tmp_path, "iop_withdrawal")
    stored = tomllib.loads(summary.read_text(encoding="utf-8"))
    assert_exit(invoke("report", summary), 0)
    body = text_of(html_of(summary.with_suffix(".html")).find(".//body"))
    rec = stored["recommendation"]
    assert f"Intensive outpatient (IOP) [{rec['level']}]" in body
    assert "Withdrawal management: Ambulatory withdrawal management (withdrawal_now = mild)" in body
    for reason in rec["reasons"] + rec["also_considered"]:
        assert reason in body
    assert f"PHQ-9 (depression) {stored['scores']['phq9_total']}/27" in body
    assert "0-4 minimal, 5-9 mild, 10-14 moderate" in body  # published cut-offs
    assert f"Composite: {stored['ratings']['composite']} of 35" in body


def test_the_ratings_chart_has_a_labelled_bar_per_rating(pages: dict[str, Any]) -> None:
    svg = pages["op"].find(f".//{SVG}svg")
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    for letter in "RFCEPHG":
        assert any(label and label.startswith(f"{letter} ") for label in labels), letter
    assert len(svg.findall(f".//{SVG}rect")) == 7
    incomplete = pages["incomplete_emergency"].find(f".//{SVG}svg")
    assert len(incomplete.findall(f".//{SVG}rect")) == 1  # R = 5 only
    assert "not determined" in [t.text for t in incomplete.iter(f"{SVG}text")]


def test_the_override_is_shown_beside_the_recommendation_and_escaped(
    pages: dict[str, Any],
) -> None:
    page = pages["overridden"]
    box = next(d for d in page.iter("div") if d.get("class") == "override")
    text = text_of(box)
    assert "Intensive outpatient (IOP) [iop]" in text
    assert "Client preference" in text and "By: JD" in text
    assert "<script>alert(1)</script>" in text  # shown as text
    assert "\\x1b[2J" in text and "\x1b" not in text  # the escape made visible
    assert page.find(".//script") is None


def test_checklist_signature_and_appendix(pages: dict[str, Any], tmp_path: Path) -> None:
    page = pages["op"]
    record = as_recorded(BANK, toml_summary.read(BANK, write_case(tmp_path, "op")))
    boxes = [s for s in page.iter("span") if s.get("class") == "box"]
    assert len(boxes) == len(record.checklist) > 0
    body = text_of(page.find(".//body"))
    blanks = ("Reference number", "Representative", "Authorization number",
              "Approved days or units", "Reviewing clinician", "Credentials",
              "Signature")  # fmt: skip
    assert all(blank in body for blank in blanks)
    appendix = text_of(next(s for s in page.iter("section") if s.get("class") == "appendix"))
    for question in BANK.questions:
        assert question.prompt[:40] in appendix, question.id
    assert "not asked" in appendix  # cssrs_3-5 and cssrs_6_recent, skipped
    incomplete = pages["incomplete_emergency"]
    appendix = text_of(next(s for s in incomplete.iter("section") if s.get("class") == "appendix"))
    assert "not answered" in appendix


def test_a_recommendation_edited_by_hand_is_shown_as_recorded_with_a_note(
    tmp_path: Path,
) -> None:
    summary = write_case(tmp_path, "op")
    doc = tomllib.loads(summary.read_text(encoding="utf-8"))
    doc["recommendation"]["level"] = "php"
    summary.write_text(tomli_w.dumps(doc), encoding="utf-8")
    result = invoke("report", summary)
    assert_exit(result, 0)
    body = text_of(html_of(summary.with_suffix(".html")).find(".//body"))
    assert "Partial hospitalization (PHP) [php]" in body  # not silently re-scored
    assert "today's rules and question bank differ" in body
    assert "level: stored 'php', now 'op'" in body
    assert "differ" in result.stderr


def test_today_s_imminent_risk_shows_the_banner_whatever_was_stored(tmp_path: Path) -> None:
    summary = write_case(tmp_path, "emergency")
    doc = tomllib.loads(summary.read_text(encoding="utf-8"))
    doc["recommendation"]["emergency"] = False
    summary.write_text(tomli_w.dumps(doc), encoding="utf-8")
    assert_exit(invoke("report", summary), 0)
    page = html_of(summary.with_suffix(".html"))
    assert page.find(".//body")[0].get("class") == "banner"


# --- the chart note --------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_the_chart_note_is_plain_80_columns_and_agrees_with_the_html(
    tmp_path: Path, case: str
) -> None:
    summary = write_case(tmp_path, case)
    result = invoke("report", summary, "--format", "text", "-o", "-")
    assert_exit(result, 0)
    note = result.stdout
    assert max(map(len, note.splitlines())) <= 80
    assert not re.search("[\u2500-\u257f\x1b]", note)  # no box drawing, no escapes
    record = as_recorded(BANK, toml_summary.read(BANK, summary))
    flat = " ".join(note.split())
    for reason in record.assessment.reasons:
        assert " ".join(reason.split()) in flat
    assert DISCLAIMER in flat
    assert ("988" in note) is bool(record.assessment.emergency)
    if record.assessment.emergency:
        assert note.startswith("*** EMERGENCY: imminent risk ***")
    if case == "overridden":
        assert "<script>alert(1)</script>" in flat and "\\x1b[2J" in flat
    for item in record.checklist:
        assert " ".join(item.text.split()) in flat


# --- files and runs --------------------------------------------------------------------------


def test_the_report_goes_beside_the_summary_0600_and_is_never_replaced_without_force(
    tmp_path: Path,
) -> None:
    summary = write_case(tmp_path, "op")
    assert_exit(invoke("report", summary), 0)
    written = summary.with_suffix(".html")
    assert written.stat().st_mode & 0o777 == 0o600
    before = written.read_bytes()
    again = invoke("report", summary)
    assert_exit(again, 2)
    assert "exists" in again.stderr and written.read_bytes() == before
    assert_exit(invoke("report", summary, "--force"), 0)
    assert_exit(invoke("report", summary, "--format", "text"), 0)
    assert summary.with_suffix(".txt").exists()
    assert_exit(invoke("report", summary, "-o", tmp_path / "note.txt"), 0)
    assert (tmp_path / "note.txt").read_text().startswith("Level-of-care intake note")


def test_score_writes_the_report_even_when_the_export_fails(tmp_path: Path) -> None:
    summary = write_case(tmp_path, "emergency")
    target = tmp_path / "r.html"
    result = invoke("score", summary, "--report", target, "--export", "/proc/nope.toml")
    assert_exit(result, 1)
    assert target.exists() and target.stat().st_mode & 0o777 == 0o600
    assert "report written" in result.stderr
    assert "error: summary not written" in result.stderr
    assert result.stderr.count("EMERGENCY: imminent risk") >= 2  # around the failure


def test_a_report_with_another_extension_is_a_usage_error(tmp_path: Path) -> None:
    summary = write_case(tmp_path, "op")
    result = invoke("score", summary, "--report", tmp_path / "r.pdf")
    assert_exit(result, 2)
    assert ".html (or .htm)" in result.stderr and not (tmp_path / "r.pdf").exists()


def test_score_report_of_an_example_answers_file(tmp_path: Path) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text(tomli_w.dumps({"answers": EXAMPLE}), encoding="utf-8")
    assert_exit(invoke("score", answers, "--report", tmp_path / "r.htm"), 0)
    body = text_of(html_of(tmp_path / "r.htm").find(".//body"))
    assert "Outpatient (OP) [op]" in body and "held answers only" in body


# --- hostile and odd stored values -----------------------------------------------------------


def edited(tmp_path: Path, case: str, change: Any) -> Path:
    summary = write_case(tmp_path, case)
    doc = tomllib.loads(summary.read_text(encoding="utf-8"))
    change(doc)
    summary.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return summary


def test_nothing_in_the_page_can_fetch(pages: dict[str, Any]) -> None:
    for case, page in pages.items():
        style = "".join(page.find(".//style").itertext())
        assert "url(" not in style and "@import" not in style, case
        for element in page.iter():
            assert not any(name.lower().endswith("href") for name in element.attrib), case


@pytest.mark.parametrize("composite", [3, 0, -5, 10**15])
def test_a_composite_out_of_range_is_not_shown_as_one(tmp_path: Path, composite: int) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["ratings"]["composite"] = composite

    summary = edited(tmp_path, "op", change)
    for fmt in ("html", "text"):
        result = invoke("report", summary, "--format", fmt, "-o", "-")
        assert_exit(result, 0)
        flat = " ".join(result.stdout.split())
        assert "records no usable value for [ratings] composite" in flat
        assert f"{composite} of 35" not in flat


def test_missing_or_unusable_scores_and_ratings_are_said_so(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        del doc["ratings"]
        doc["scores"]["auditc_positive"] = "false"  # a string, not the boolean
        doc["scores"]["phq9_total"] = {"a": 1}

    result = invoke("report", edited(tmp_path, "op", change), "--format", "text", "-o", "-")
    assert_exit(result, 0)
    flat = " ".join(result.stdout.split())
    assert "records no usable value for [scores] phq9_total" in flat
    assert "[scores] auditc_positive" in flat and "[ratings] R" in flat
    assert "- AUDIT-C (alcohol): not determined" in flat  # "false" is not a band
    assert "{'a': 1}/27" not in flat and "PHQ-9 (depression): moderate" in flat  # band kept


def test_a_long_or_hostile_note_is_cut_wrapped_and_never_markup(tmp_path: Path) -> None:
    hostile = '</style><b>x</b> "q" \\ \u202eevil' + " Auth ref " + "X" * 3000

    def change(doc: dict[str, Any]) -> None:
        doc["override"] = {"level": "iop", "reason": "other", "note": hostile, "by": "</style>"}

    summary = edited(tmp_path, "op", change)
    assert_exit(invoke("report", summary), 0)
    page = html_of(summary.with_suffix(".html"))
    box = next(d for d in page.iter("div") if d.get("class") == "override")
    text = text_of(box)
    assert "</style><b>x</b>" in text and box.find(".//b[.='x']") is None
    assert "\\u202e" in text and "\u202e" not in text
    assert "more)" in text and "X" * 2500 not in text  # cut at the prose limit, with a count
    assert ".override, .note, li { overflow-wrap: anywhere; }" in "".join(
        page.find(".//style").itertext()
    )
    note = invoke("report", summary, "--format", "text", "-o", "-").stdout
    assert max(map(len, note.splitlines())) <= 80 and "X" * 2500 not in note


def test_the_css_string_filter_escapes_everything_that_could_end_it() -> None:
    from triage_cli.formats.report_html import _css_string

    escaped = str(_css_string('a"b\\c</style>\n\u202e'))
    assert not set(escaped) & set('"<>\n\u202e')
    assert escaped.startswith("a\\22 b\\5c c\\3c \\2f style\\3e ")


def test_the_banner_leads_what_report_says_on_the_terminal(tmp_path: Path) -> None:
    result = invoke("report", write_case(tmp_path, "emergency"))
    assert_exit(result, 0)
    assert result.stderr.lstrip().startswith("┏━ EMERGENCY: imminent risk")
    assert result.stderr.index("EMERGENCY") < result.stderr.index("report written")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "out.pdf"), ".html (or .htm)"),
        (("-o", "x.txt", "--format", "html"), "--format html but"),
    ],
)
def test_report_output_names_must_say_what_they_hold(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    summary = write_case(tmp_path, "op")
    result = invoke("report", summary, *(str(tmp_path / a) if "." in a else a for a in args))
    assert_exit(result, 2)
    assert message in result.stderr
    assert not list(tmp_path.glob("out.pdf")) and not list(tmp_path.glob("x.txt"))
