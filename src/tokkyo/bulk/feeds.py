"""Announcements as an Atom feed (RFC 4287) and a JSON Feed (1.1)."""

from __future__ import annotations

from typing import Any

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"


def _text(row: Any, lang: str, field: str) -> str:
    return getattr(row, f"{field}_{lang}") or getattr(row, f"{field}_ja") or ""


def atom(rows: list[Any], origin: str, lang: str) -> bytes:
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    etree.SubElement(feed, f"{{{ATOM}}}title").text = (
        "tokkyo 一括ダウンロード お知らせ" if lang == "ja" else "tokkyo bulk data announcements")
    etree.SubElement(feed, f"{{{ATOM}}}id").text = f"{origin}/bulk/announcements"
    etree.SubElement(feed, f"{{{ATOM}}}link", href=f"{origin}/bulk/announcements.atom",
                     rel="self")
    etree.SubElement(feed, f"{{{ATOM}}}link", href=f"{origin}/bulk/announcements")
    updated = rows[0].published_at.isoformat() if rows else "1970-01-01T00:00:00+00:00"
    etree.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    etree.SubElement(author, f"{{{ATOM}}}name").text = "tokkyo"
    for row in rows:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        etree.SubElement(entry, f"{{{ATOM}}}id").text = (
            f"{origin}/bulk/announcements#a{row.id}")
        etree.SubElement(entry, f"{{{ATOM}}}title").text = _text(row, lang, "title")
        etree.SubElement(entry, f"{{{ATOM}}}updated").text = row.published_at.isoformat()
        etree.SubElement(entry, f"{{{ATOM}}}category", term=row.category)
        etree.SubElement(entry, f"{{{ATOM}}}link", href=_href(row, origin))
        etree.SubElement(entry, f"{{{ATOM}}}content", type="text").text = _text(row, lang,
                                                                               "body")
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8")


def _href(row: Any, origin: str) -> str:
    if row.file_id:
        return f"{origin}/bulk/files/{row.file_id}"
    if row.release_id:
        return f"{origin}/bulk/releases/{row.release_id}"
    if row.product_id:
        return f"{origin}/bulk/products/{row.product_id}"
    return f"{origin}/bulk/announcements#a{row.id}"


def json_feed(rows: list[Any], origin: str, lang: str) -> dict[str, Any]:
    return {"version": "https://jsonfeed.org/version/1.1",
            "title": "tokkyo bulk data announcements", "language": lang,
            "home_page_url": f"{origin}/bulk/announcements",
            "feed_url": f"{origin}/bulk/announcements.json",
            "items": [{"id": str(row.id), "url": _href(row, origin),
                       "title": _text(row, lang, "title"),
                       "content_text": _text(row, lang, "body"),
                       "date_published": row.published_at.isoformat(),
                       "tags": [row.category]} for row in rows]}
