"""Result lists as CSV (portal.md §6): UTF-8 with BOM (or Windows-31J), CRLF, every field
quoted, header in the UI language, dates YYYY/MM/DD, multi-value cells joined by `; `,
and a leading `'` on cells that a spreadsheet would read as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence

from tokkyo.documents.summaries import CaseSummary

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
#: (message key of the header, value of a row); the abstract column only in that mode.
Column = tuple[str, Callable[[CaseSummary], str]]


def slash_date(value: dt.date | None) -> str:
    """Dates as the portal and its CSV show them: YYYY/MM/DD."""
    return value.strftime("%Y/%m/%d") if value else ""


def columns(with_abstract: bool, origin: str, document_label: Callable[[CaseSummary], str],
            app_label: Callable[[CaseSummary], str], *, law: str = "all",
            registration_label: Callable[[CaseSummary], str] | None = None) -> list[Column]:
    """The columns of a result list's CSV: the patent list's (J-PlatPat's, seed 001) for
    patents and for all laws, the design and trademark lists' of portal.md §4 plus the URL
    for those screens."""
    registered = registration_label or (lambda r: r.registration_number)
    status: Column = ("col.status", lambda r: r.status.status.value if r.status else "")
    url: Column = ("col.url", lambda r: origin + r.permalink)
    if law == "design":
        return [("col.registration", registered), ("col.application", app_label),
                ("col.filing", lambda r: slash_date(r.filing_date)),
                ("col.registration_date", lambda r: slash_date(r.registration_date)),
                ("col.article", lambda r: r.title), ("col.design_class", lambda r: r.design_class),
                ("col.applicant", lambda r: "; ".join(r.applicants)), status, url]
    if law == "trademark":
        return [("col.application", app_label), ("col.registration", registered),
                ("col.filing", lambda r: slash_date(r.filing_date)),
                ("col.registration_date", lambda r: slash_date(r.registration_date)),
                ("col.mark", lambda r: r.mark or r.title),
                ("col.classes", lambda r: "; ".join(r.classes)),
                ("col.applicant", lambda r: "; ".join(r.applicants)), status, url]
    cols: list[Column] = [
        ("col.document", document_label),
        ("col.country", lambda r: r.country),
        ("col.kind", lambda r: r.document_kind),
        ("col.application", app_label),
        ("col.filing", lambda r: slash_date(r.filing_date)),
        ("col.publication", lambda r: slash_date(r.publication_date)),
        ("col.title", lambda r: r.title),
        ("col.applicant", lambda r: "; ".join(r.applicants)),
        ("col.fi", lambda r: "; ".join(r.fi)),
    ]
    if with_abstract:
        cols.append(("col.abstract", lambda r: r.abstract))
    cols += [
        ("col.publication_number", lambda r: r.publication_number),
        ("col.examined_number", lambda r: r.examined_number),
        ("col.registration", lambda r: r.registration_number),
        ("col.appeal", lambda r: "; ".join(r.appeals)),
        ("col.other", lambda r: ""),
        status, url,
    ]
    return cols


def guard(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def encode(rows: Sequence[CaseSummary], cols: list[Column], header: Callable[[str], str],
           encoding: str = "utf-8") -> tuple[bytes, int]:
    """The file's bytes and how many characters Windows-31J could not hold (as 〓)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([header(key) for key, _ in cols])
    for row in rows:
        writer.writerow([guard(value(row) or "") for _, value in cols])
    text = buffer.getvalue()
    if encoding == "utf-8":
        return (BOM + text).encode("utf-8"), 0
    out, lost = [], 0
    for char in text:
        try:
            out.append(char.encode("cp932"))
        except UnicodeEncodeError:
            out.append("〓".encode("cp932"))
            lost += 1
    return b"".join(out), lost
