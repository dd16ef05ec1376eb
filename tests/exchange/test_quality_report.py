"""Completeness against the authority file and the quality report of a delivery
(issue 16 items 5–6), on documents read from the corpus EP files with the real reader:
missing told apart from expected-missing, parts judged by kind (EP B has no abstract,
bibliographic-only counted apart), every accuracy check, timeliness against the agreed
maximum and the periods missed, the JSON and the document-level CSV."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest

from tests.exchange.corpus_records import delivered
from tokkyo.exchange import completeness, quality, st37
from tokkyo.exchange.inputs import AgreementRow, Delivery

RECEIVED = dt.datetime(2021, 10, 20, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2021, 10, 21)


@pytest.fixture(scope="module")
def docs():
    """The corpus EP documents published in 2021 (the delivery of October 2021)."""
    return [d for d in delivered("ep-2021-10", RECEIVED)
            if d.publication_date and d.publication_date.year == 2021]


def agreement(**changes) -> list[AgreementRow]:
    row = AgreementRow(partner="EP", direction="receive", right="patent",
                       product="publication data", content="text", format="ST.36",
                       kind_codes=("A1", "A2", "B1", "B2"), frequency="monthly",
                       max_delay_days=60,
                       required_sections=frozenset({"bibliography", "abstract", "claims",
                                                    "description"}))
    return [dataclasses.replace(row, **changes)]


def authority_for(docs) -> list[st37.AuthorityEntry]:
    """An authority file written from the documents, plus one number never delivered and
    three with exception codes."""
    text = "".join(f"EP;{d.number};{d.kind};{d.publication_date:%Y%m%d};\n" for d in docs)
    text += ("EP;3900001;A1;20210707;\n"          # listed, no exception: missing
             "EP;3900002;A1;20210707;W\n"         # withdrawn before publication
             "EP;3900003;B1;20210707;O\n"         # paper only
             "EP;3900004;A1;20211006;E\n"         # deleted after publication
             "EP;1000001;A1;20150101;\n")         # outside the delivery's dates
    return st37.read(text.encode(), "csv")


def test_missing_expected_missing_and_parts_by_kind(docs):
    entries = authority_for(docs)
    scope = completeness.in_scope(entries, docs, ("A1", "A2", "B1", "B2"))
    assert "1000001" not in {e.number for e in scope}
    result = completeness.compute(docs, scope, required=agreement()[0].required_sections)
    assert [e.number for e in result.missing] == ["3900001"]
    assert sorted((e.number, e.exception) for e in result.expected_missing) == [
        ("3900002", "W"), ("3900003", "O"), ("3900004", "E")]
    assert result.unlisted == ()
    # EP B grants carry no abstract: none of them is short of one
    grants = [d for d in docs if d.kind.startswith("B")]
    assert grants and all("abstract" not in d.sections_present for d in grants)
    assert not any(p.document.kind.startswith("B") for p in result.parts_missing)
    # bibliographic-only publications are counted apart, not as missing parts
    bib = [d for d in docs if d.bibliographic_only]
    assert result.bibliographic_only == len(bib) == 1      # v1-5-A2.xml
    assert result.complete == len(docs)
    assert result.score == 1.0
    # a document whose description did not arrive
    cut = dataclasses.replace(docs[0], sections_present=docs[0].sections_present
                              - {"description"})
    partial = completeness.compute([cut, *docs[1:]], scope,
                                   required=agreement()[0].required_sections)
    assert [(p.document.number, p.missing) for p in partial.parts_missing] == [
        (cut.number, ("description",))]
    # one delivered document missing from the delivery shows up by number
    fewer = completeness.compute(docs[1:], scope)
    assert {e.number for e in fewer.missing} == {"3900001", docs[0].number.lstrip("0")}


def test_content_label_from_the_sections_delivered(docs):
    texts = [d for d in docs if not d.bibliographic_only]
    assert completeness.content_label(docs) == "full text"
    abstracts = [dataclasses.replace(d, sections_present=frozenset({"bibliography",
                                                                    "abstract"}))
                 for d in texts]
    assert completeness.content_label(abstracts) == "abstract only"
    assert completeness.content_label([]) == "—"


def test_the_report_of_a_clean_delivery(docs):
    delivery = Delivery("EP", "ep-2021-10", 1, RECEIVED, "loaded", files=len(docs),
                        manifest_kind="json", manifest_counts={"EP A1": 5, "EP B1": 2})
    report = quality.report(delivery, docs, agreement(), authority_for(docs), today=TODAY)
    out = report.as_json()
    assert out["scores"]["completeness"] == 1.0
    assert out["scores"]["accuracy"] == 1.0, out["accuracy"]
    assert out["manifest"]["counts"]["EP A1"]["expected"] == 5
    assert out["accuracy"]["repairs"] == 1        # v1-5-1-A1-2.xml: four bare `<` repaired
    delays = sorted((RECEIVED.date() - d.publication_date).days for d in docs)
    t = out["timeliness"]
    assert (t["max_days"], t["median_days"], t["target_days"]) == (
        delays[-1], quality._percentile(delays, 0.5), 60)
    assert t["within_target"] == sum(1 for x in delays if x <= 60)
    assert t["score"] == pytest.approx(t["within_target"] / len(delays))


def test_every_accuracy_check_names_what_is_wrong(docs):
    base = next(d for d in docs if d.kind == "A1" and not d.bibliographic_only)
    cases = {
        "kind-not-valid-for-country": dataclasses.replace(base, kind="C1"),
        "country-not-st3": dataclasses.replace(base, country="XX"),
        "publication-date-in-future": dataclasses.replace(
            base, publication_date=dt.date(2022, 1, 1)),
        "filing-after-publication": dataclasses.replace(
            base, filing_date=dt.date(2021, 12, 1), publication_date=dt.date(2021, 10, 1)),
        "publication-date-missing": dataclasses.replace(base, publication_date=None),
        "file-name-number-differs": dataclasses.replace(base, file="EP3333333A1.xml"),
        "number-format": dataclasses.replace(base, number="12AB"),
        "xml-not-well-formed": dataclasses.replace(base, problems=("xml-not-well-formed",)),
    }
    for code, doc in cases.items():
        assert code in quality.document_checks(doc, TODAY), code
    assert quality.document_checks(dataclasses.replace(
        base, file=f"EP{base.number}A1.xml", problems=(
            "not-schema-validated", f"EP{base.number}: the document carries no drawings.")),
        TODAY) == []
    delivery = Delivery("EP", "ep-bad", 1, RECEIVED, "partially-loaded", files=4,
                        files_quarantined=1)
    other = next(d for d in docs if d.number != base.number and d.kind == "B1")
    twice = [base, base, cases["country-not-st3"], other]
    report = quality.report(delivery, twice, agreement(), None, today=TODAY)
    assert report.duplicates == 1
    assert report.findings == {"country-not-st3": 1, "duplicate": 2}
    assert report.accuracy_score == 1 / 4
    assert report.as_json()["manifest"] == {"kind": "none", "note": "no-manifest"}
    assert report.completeness.has_authority_file is False


def test_the_document_csv_has_a_line_per_document(docs):
    delivery = Delivery("EP", "ep-2021-10", 1, RECEIVED, "loaded", files=len(docs))
    report = quality.report(delivery, docs, agreement(max_delay_days=30), None, today=TODAY)
    rows = list(csv.DictReader(io.StringIO(quality.document_csv(report))))
    assert len(rows) == len(docs)
    assert tuple(rows[0]) == quality.CSV_COLUMNS
    grant = next(r for r in rows if r["kind"] == "B1")
    assert "abstract" not in grant["sections_expected"].split()
    assert {r["timely"] for r in rows} <= {"yes", "no"}
    assert sum(r["timely"] == "yes" for r in rows) == report.timeliness.within_target


def test_periods_missed_before_a_delivery():
    earlier = Delivery("EP", "ep-2021-05", 1, dt.datetime(2021, 5, 20, tzinfo=dt.UTC),
                       "loaded", files=1)
    now = Delivery("EP", "ep-2021-10", 1, RECEIVED, "loaded", files=1)
    t = quality.timeliness([], now, agreement(), [earlier, now])
    assert (t.periods_missed, t.previous_delivery) == (4, earlier.received_at)
    weekly = quality.timeliness([], now, agreement(frequency="weekly"), [earlier])
    assert weekly.periods_missed == 20      # 153 days: 21 whole weeks, less the one due next


def test_what_tokkyo_does_not_keep_is_not_the_partners_error(docs):
    """Reader lines about tokkyo's own model (opponents, CPC combination sets not kept)
    and about the nature of a record (a DOCDB bibliographic record) do not fail accuracy;
    a symbol the partner wrote wrong does."""
    base = next(d for d in docs if d.kind == "A1" and not d.bibliographic_only)
    base = dataclasses.replace(base, file=f"EP{base.number}A1.xml")
    informing = (
        f"EP {base.number} B2: opponents are not kept (the model has no opponent role): X.",
        f"EP{base.number}: 2 CPC combination sets are kept as their separate codes; which "
        "codes combine is not held.",
        f"EP {base.number} A: a DOCDB bibliographic record: no claims or description.")
    assert quality.document_checks(dataclasses.replace(base, problems=informing),
                                   TODAY) == []
    wrong = f"EP{base.number}: IPC symbol 'H01M 99/XX' could not be read."
    assert quality.document_checks(dataclasses.replace(base, problems=(wrong,)),
                                   TODAY) == [wrong]
