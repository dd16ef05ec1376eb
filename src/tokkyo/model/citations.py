"""Citations made during examination (`cite_doc_info`) and in a document's text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PatentCitation:
    document_number: str
    draft_date: dt.date | None = None
    citation_type: str = ""
    order: int | None = None


@dataclass(frozen=True, slots=True)
class NonPatentCitation:
    draft_date: dt.date | None = None
    citation_type: str = ""
    order: int | None = None
    document_type: str = ""
    author: str = ""
    title: str = ""
    publication_name: str = ""
    country: str = ""
    publisher: str = ""
    issue_date: str = ""
    issue_date_type: str = ""
    issue_number: str = ""
    pages: str = ""


@dataclass(frozen=True, slots=True)
class Citations:
    patents: tuple[PatentCitation, ...] = ()
    non_patents: tuple[NonPatentCitation, ...] = ()
