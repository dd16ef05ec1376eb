"""The document page (portal.md §9, §10): bibliography, parties, legal status with ST.27
events, abstract, claims, description, classifications, citations, prosecution history,
the case's documents and its fixed addresses, built from the documents service's view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa

from tokkyo.documents.fixed_addresses import token
from tokkyo.documents.jsonable import jsonable
from tokkyo.documents.summaries import statuses_of
from tokkyo.model import printed_numbers as printed
from tokkyo.model import urls
from tokkyo.model.code_labels import citation_type_label, st27_label
from tokkyo.model.headings import with_headings
from tokkyo.model.laws import Law
from tokkyo.portal.i18n import Translator
from tokkyo.store.repositories import case_reader, cases, publications, stored_translations
from tokkyo.store.repositories.stored_translations import Stored
from tokkyo.translate.accumulate import SECTION_KINDS, source_sha256
from tokkyo.translate.errors import TranslationError
from tokkyo.translate.kinds import ContentKind
from tokkyo.translate.realtime import Part, Realtime, State
from tokkyo.translate.service import Platform

CLASS_FIELDS = {"fi": "FI", "ipc": "IP", "f-term": "FT", "theme": "TC", "cpc": "CP",
                "locarno": "LC", "jp-design": "DC", "d-term": "DT", "nice": "NC",
                "similar-group": "SC", "vienna": "VC"}
STAGE_CODES = {"app": "0", "pub": "1", "reg": "5"}
LAW_CODES = {"patent": "1", "utility": "2", "design": "3", "trademark": "4"}
#: Sections with their own address, /d/…/{section} (portal.md §7, §9).
ADDRESSABLE = ("claims", "description", "history", "status")
SECTIONS = {"patent": "PU", "utility": "PU", "design": "DE", "trademark": "TR"}


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _meaning(code: str, lang: str) -> str:
    """An ST.27 event's short label in the page's language (model/code_labels)."""
    return st27_label(code, lang)


def fixed_addresses(origin: str, law: str, stage: str, number: str, lang: str,
                    secret: bytes = b"", country: str = "JP") -> list[str]:
    """The tokkyo permalink, the J-PlatPat simplified shape and, for a case, the API's
    token shape (/c1800, jpo-api.md §11) when the server's key is given. A foreign
    document has its permalink only (J-PlatPat's shapes are for JP documents)."""
    own = urls.absolute(origin, urls.document(law, stage, number, country))
    if country != "JP":
        return [own]
    shaped = f"JP-{number[:4]}-{number[4:]}" if len(number) == 10 else f"JP-{number}"
    jplatpat = (f"{origin}/c1801/{SECTIONS[law]}/{shaped}/"
                f"{LAW_CODES[law]}{STAGE_CODES[stage]}/{lang}")
    found = [own, jplatpat]
    if secret and stage == "app" and len(number) == 10:
        found.append(f"{origin}/c1800/{SECTIONS[law]}/{shaped}/"
                     f"{token(secret, Law(law), number)}/{LAW_CODES[law]}0/{lang}")
    return found


def tabs(sections: list[str], base: str, only: str, lang: str) -> list[tuple[str, str]]:
    """(section, link) per tab: addressable sections link to their own address, the others
    to their place on the whole page, so the tabs work without JavaScript."""
    whole = f"{base}?lang={lang}"
    links = [("all", whole)]
    for s in sections:
        if s in ADDRESSABLE:
            links.append((s, f"{base}/{s}?lang={lang}"))
        else:
            links.append((s, f"{whole}#{s}" if only else f"#{s}"))
    return links


def language_name(code: str, t: Translator) -> str:
    """A language's name in the page's language (`de` → ドイツ語 / German), the code
    itself when tokkyo has no name for it."""
    key = f"language.{code}"
    name = t(key)
    return code if name == key else name


def section_json(d: dict[str, Any], section: str,
                 stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """A section address answering a program (Accept: application/json), with the
    section's stored translations under `machine_translation` when there are any
    (`stored_translation_json`)."""
    body: dict[str, Any] = {"address": d["address"], "section": section,
                            "heading": d["heading"], "title": d["title"]}
    if section == "claims":
        body["claims"] = jsonable(d["claims"])
    elif section == "description":
        body["paragraphs"] = jsonable(d["paragraphs"])
    elif section == "history":
        body["history"] = jsonable(d["history"])
    else:
        body["status"] = jsonable(d["status"]) if d["status"] else None
        body["status_data_date"] = jsonable(d["status_data_date"])
        body["events"] = jsonable(d["events"])
    body["case"] = d["case"]
    if stored:
        body["machine_translation"] = stored
    return body


def page(conn: sa.Connection, view: dict[str, Any], *, law: str, stage: str, number: str,
         t: Translator, origin: str, on: dt.date, only: str = "", base: str = "",
         secret: bytes = b"") -> dict[str, Any]:
    """The template's `d` for a publication view or a case view; `only` one section."""
    is_case = "progress" in view
    country = view.get("country", "JP")
    progress = view.get("progress") or {}
    title = view.get("title") or progress.get("title", "")
    app_number = view.get("application_number", number)
    day = printed.slash_date
    app_label = printed.application_label(country, law, app_number)
    biblio: list[tuple[str, str]] = [(t("col.application"), app_label)]
    if not is_case:
        biblio += [(t("col.document"), view.get("printed_number")
                    or f"{view['kind']} {view['number']}"),
                   (t("col.publication"), day(view.get("date"))),
                   (t("col.filing"), day(view.get("filing_date")))]
        biblio += [(f"{t('doc.title_in')}（{language_name(o['language'], t)}）"
                    if t.lang == "ja" else
                    f"{t('doc.title_in')} ({language_name(o['language'], t)})", o["text"])
                   for o in view.get("other_texts", []) if o["part"] == "title"]
        if view.get("family_id"):
            biblio.append((t("doc.family"), view["family_id"]))
        if view.get("repaired"):
            biblio.append((t("doc.repaired"), t("doc.repaired_note")))
    else:
        biblio += [(t("col.filing"), day(progress.get("filing_date"))),
                   (t("col.publication_number"), printed.publication_label(
                       law, progress.get("ad_publication_number", ""))
                    if country == "JP" else progress.get("ad_publication_number", "")),
                   (t("col.registration"), printed.registration_label(
                       country, law, progress.get("registration_number", ""))
                    or progress.get("registration_number", "")),
                   (t("col.registration_date"), day(progress.get("registration_date")))]
    biblio = [(k, v) for k, v in biblio if v]
    parties = [(p["role"], p["name"]) for p in view.get("parties", [])]
    if is_case:
        parties += [(p["role"], p["name"]) for p in progress.get("parties", [])]
    classes: dict[str, list[str]] = {}
    for c in view.get("classifications", []):
        classes.setdefault(c["scheme"], []).append(c["code"])
    # a gazette's own citations (no type, no draft date) are those of its description
    citations = [dict(c, type=citation_type_label(c["citation_type"], t.lang)
                      if c["citation_type"] or c["draft_date"] else t("doc.citation.patent_in"),
                      date=day(c["draft_date"])) for c in view.get("cited", [])]
    citations += [{"printed": c.get("title", "") or c.get("document_number", ""), "url": "",
                   "type": citation_type_label(c.get("citation_type", ""), t.lang)
                   if c.get("citation_type") or c.get("draft_date")
                   else t("doc.citation.npl_in"),
                   "date": day(c.get("draft_date")), "order": c.get("order")}
                  for c in (view.get("citations") or {}).get("non_patents", [])
                  + view.get("non_patent_citations", [])]
    history = [dict(h, date=_day(h["date"])) for h in view.get("prosecution", [])]
    events = [{"date": _day(e["date"]), "st27": e["st27_code"], "meaning": _meaning(
        e["st27_code"], t.lang), "national": e.get("national_code", ""),
        "description": e.get("description", "")} for e in view.get("events", [])]
    # events another office reported for a foreign document (INPADOC codes, as received)
    events += [{"date": _day(e["date"]), "st27": e["category"], "meaning": "",
                "national": e["code"], "description": e["description"]}
               for e in view.get("reported_events", [])]
    case_number = app_number or f"P{view.get('number', number)}"
    app_id = view.get("id") if is_case else cases.application_id(conn, Law(law), case_number,
                                                                  country)
    status = statuses_of(conn, [app_id], on).get(app_id) if app_id else None
    # the date of the registration record the status is read from (portal.md §10)
    data_date = case_reader.registration_updated(conn, app_id) if app_id else None
    heading = (app_label or f"{t('law.' + law)} {country} {app_number}") if is_case \
        else (view.get("printed_number") or f"JP {view['number']} {view['kind']}")
    sections = ["biblio", "status", "abstract", "claims", "description", "classes",
                "citations", "history", "documents", "fixed"]
    present = [s for s in sections if s not in ("abstract", "claims", "description")
               or view.get({"description": "paragraphs"}.get(s, s))]
    base = base or urls.document(law, stage, number, country)
    claims = view.get("claims", [])
    paragraphs = with_headings(view.get("paragraphs", []), country, t.lang)
    # the language of the document's own text (its title, claims, description, names),
    # marked on the page so that a reader, a screen reader and a language check can tell
    # it from the page's own language
    text_lang = view.get("language") or ("ja" if country == "JP" else "")
    return {
        "text_lang": text_lang, "claims_lang": {
            c.get("language") or text_lang: language_name(c.get("language") or text_lang, t)
            for c in view.get("claims", [])},
        "heading": heading, "title": title, "biblio": biblio, "parties": parties,
        "status": status, "status_data_date": data_date, "events": events,
        "abstract": view.get("abstract", ""),
        "claims": claims, "paragraphs": paragraphs,
        "classes": sorted(classes.items()), "class_fields": CLASS_FIELDS,
        "citations": [c for c in citations if c["printed"]], "history": history,
        "documents": [dict(x, date=day(x["date"])) for x in view.get("documents", [])]
        + ([{"kind": "app", "number": app_number, "printed_number": app_label, "date": "",
             "url": view["case"]}] if "case" in view else []),
        "kinds": [dict(k, date=day(k["date"])) for k in view.get("kinds", [])]
        if len(view.get("kinds", [])) > 1 else [],
        "family": [dict(x, date=day(x["date"])) for x in view.get("family", [])],
        "files": view.get("files", []),
        "fixed": fixed_addresses(origin, law, stage, number, t.lang, secret, country),
        "sections": present, "only": only, "address": base + (f"/{only}" if only else ""),
        "base": base,
        "tabs": tabs(present, base, only, t.lang),
        "case": view.get("case") or (base if is_case else ""), "is_case": is_case,
        "publication_id": None if is_case else publication_id(conn, view),
    }


def publication_id(conn: sa.Connection, view: dict[str, Any]) -> int | None:
    """The stored id of a publication view (its stored translations and page views are
    kept by it); None for a case view."""
    if "progress" in view:
        return None
    return publications.find(conn, view.get("country", "JP"), view["kind"], view["number"])


#: What a page of a document in another language translates, in page order, and the
#: content kind each part is routed as (translation.md §1: the JPO routes titles,
#: descriptions and bibliographic data to different engines).
TRANSLATED_PARTS = (("title", ContentKind.TITLE), ("abstract", ContentKind.ABSTRACT),
                    ("claims", ContentKind.CLAIMS), ("description", ContentKind.DESCRIPTION),
                    ("history", ContentKind.DOCUMENT_NAME))
#: Which parts a section address shows.
PARTS_OF = {"claims": ("claims",), "description": ("description",), "history": ("history",),
            "status": ()}


def translation_source(d: dict[str, Any], lang: str) -> str:
    """The language a page of `d` in `lang` translates from: the document's own when it
    differs from the page's (English pages of JP documents, Japanese pages of foreign
    ones), else "" (no translation)."""
    source = d.get("text_lang") or ""
    return source if source and source != lang else ""


def translation_parts(d: dict[str, Any], source: str, only: str = ""
                      ) -> tuple[list[Part], dict[str, list[int]]]:
    """The parts a page shows, and for each the positions (in the page's list: claims,
    paragraphs, history rows) its units stand at. Claims in another language than the
    document's (an EP grant's German and French claims) are not translated; names of
    applicants and inventors never are."""
    wanted = PARTS_OF.get(only, tuple(name for name, _ in TRANSLATED_PARTS))
    texts: dict[str, list[tuple[int, str]]] = {
        "title": [(0, d["title"])] if d.get("title") else [],
        "abstract": [(0, d["abstract"])] if d.get("abstract") else [],
        "claims": [(i, c["text"]) for i, c in enumerate(d.get("claims", []))
                   if (c.get("language") or source) == source and c.get("text")],
        "description": [(i, p["text"]) for i, p in enumerate(d.get("paragraphs", []))
                        if p.get("text")],
        "history": [(i, h["name"]) for i, h in enumerate(d.get("history", []))
                    if h.get("name")] if source == "ja" else [],
    }
    parts, positions = [], {}
    for name, kind in TRANSLATED_PARTS:
        if name in wanted and texts[name]:
            parts.append(Part(name, kind, tuple(t for _, t in texts[name])))
            positions[name] = [i for i, _ in texts[name]]
    return parts, positions


@dataclass(frozen=True, slots=True)
class Held:
    """A publication's stored (accumulated) translations into a page's language, by
    section, with what tells whether each is current: the engine and version routed now
    for its section, and why the publication is queued again ("" when it is not)."""

    sections: dict[str, Stored]
    routed: dict[str, tuple[str, str]]
    queued: str


def held_translations(conn: sa.Connection, d: dict[str, Any], target: str,
                      platform: Platform) -> Held | None:
    """The stored translations a page of `d` in `target` shows (translation.md §4), None
    when it translates nothing or nothing of it is stored. Two reads by the publication's
    id; no engine is called (the routing table only names the engine of each section)."""
    source = translation_source(d, target)
    pub_id = d.get("publication_id")
    if not source or not pub_id:
        return None
    sections = stored_translations.stored(conn, pub_id, target)
    if not sections:
        return None
    routed: dict[str, tuple[str, str]] = {}
    for section in sections:
        try:
            _route, engine = platform.route(source, target, SECTION_KINDS[section])
        except TranslationError:                # no route now: the stored one still shows
            continue
        routed[section] = (engine.name, engine.version)
    return Held(sections, routed, stored_translations.queued_reason(conn, pub_id, target))


def stored_units(d: dict[str, Any], source: str) -> dict[str, list[tuple[int, str]]]:
    """Per stored section, the page's units its translation is aligned with (position in
    the page's list, text): the units accumulation translated
    (`stored_translations.sources`): the title, the abstract, the claims in the
    document's own language and every paragraph, one stored line each."""
    return {
        "title": [(0, d["title"])] if (d.get("title") or "").strip() else [],
        "abstract": [(0, d["abstract"])] if (d.get("abstract") or "").strip() else [],
        "claims": [(i, c["text"]) for i, c in enumerate(d.get("claims", []))
                   if (c.get("language") or source) == source],
        "description": [(i, p["text"]) for i, p in enumerate(d.get("paragraphs", []))],
    }


def _sizes(d: dict[str, Any]) -> dict[str, int]:
    return {"title": 1, "abstract": 1, "claims": len(d.get("claims", [])),
            "description": len(d.get("paragraphs", [])), "history": len(d.get("history", []))}


def _stored_part(name: str, item: Stored, units: list[tuple[int, str]], size: int,
                 held: Held, t: Translator) -> dict[str, Any]:
    """A stored section as the page shows it: the real-time part's keys, its lines placed
    at their originals' positions, plus `stored`, `translated_at` and `stale` ("source":
    the original changed since; "version": another engine or version is routed now, the
    publication is queued again), said in `notice` rather than hidden."""
    cells: list[str | None] = [None] * size
    for (at, _text), line in zip(units, item.text.split("\n"), strict=False):
        cells[at] = line
    stale = ""
    if source_sha256([text for _, text in units]) != item.source_sha256:
        stale = "source"
    elif name in held.routed:
        stale = "version" if held.routed[name] != (item.engine, item.version) else ""
    elif held.queued == "engine version":
        stale = "version"
    when = item.translated_at.astimezone(dt.UTC)
    return {"state": State.DONE.value, "engine": item.engine, "version": item.version,
            "notice": t(f"mt.stale.{stale}") if stale else "", "units": cells,
            "untranslated": [False] * size,
            "label": t("mt.stored", engine=item.engine, version=item.version,
                       time=when.strftime("%Y-%m-%d %H:%M UTC")),
            "stored": True, "translated_at": when.isoformat(), "stale": stale}


def machine_translation(realtime: Realtime | None, d: dict[str, Any], t: Translator,
                        wait: float | None = None, held: Held | None = None
                        ) -> dict[str, Any] | None:
    """What the page shows beside the original (`d["mt"]`): per part its state, engine,
    version, notice and the translated units placed at their originals' positions (None
    where a unit is not translated); None when the page is in the document's language.
    A part with a stored translation (`held`) shows it, and no engine is asked for it;
    the others are translated in real time (`realtime`; None: left out, for an answer
    that must not wait for an engine)."""
    source = translation_source(d, t.lang)
    if not source:
        return None
    only = d.get("only", "")
    parts, positions = translation_parts(d, source, only)
    sizes = _sizes(d)
    wanted = PARTS_OF.get(only, tuple(name for name, _ in TRANSLATED_PARTS))
    shown: dict[str, dict[str, Any]] = {}
    if held is not None:
        aligned = stored_units(d, source)
        for name, item in held.sections.items():
            if name in wanted and aligned.get(name):
                shown[name] = _stored_part(name, item, aligned[name], sizes[name], held, t)
    parts = [p for p in parts if p.name not in shown]
    done = [] if realtime is None else realtime.translate(parts, source=source,
                                                          target=t.lang, wait=wait)
    for part in done:
        units: list[str | None] = [None] * sizes[part.name]
        flags = [False] * sizes[part.name]
        for at, text, kept in zip(positions[part.name], part.units, part.untranslated,
                                  strict=False):
            units[at], flags[at] = text, kept
        shown[part.name] = {"state": part.state.value, "engine": part.engine,
                            "version": part.version, "notice": part.notice,
                            "units": units, "untranslated": flags,
                            "label": t("mt.by", engine=part.engine, version=part.version)
                            if part.state is State.DONE else "", "stored": False}
    states = {p.state for p in done}
    query = {"lang": t.lang, **({"only": only} if only else {})}
    order = [name for name, _ in TRANSLATED_PARTS]
    return {"source": source, "target": t.lang,
            "parts": {name: shown[name] for name in order if name in shown},
            "source_name": language_name(source, t), "target_name": language_name(t.lang, t),
            "pending": State.PENDING in states,
            "url": f"{d['base']}/translation?{urlencode(query)}"}


def page_translation(conn: sa.Connection, d: dict[str, Any], t: Translator,
                     platform: Platform, realtime: Realtime | None) -> dict[str, Any] | None:
    """`machine_translation` with the publication's stored translations read first."""
    return machine_translation(realtime, d, t,
                               held=held_translations(conn, d, t.lang, platform))


def stored_translation_json(conn: sa.Connection, d: dict[str, Any], t: Translator,
                            platform: Platform) -> dict[str, Any] | None:
    """The stored translations of a document's JSON answer (`machine_translation`): the
    translation endpoint's keys and `url` (where the parts not stored are translated in
    real time); None when none is stored for the page's language."""
    mt = page_translation(conn, d, t, platform, None)
    if mt is None or not mt["parts"]:
        return None
    return {**translation_json(mt), "url": mt["url"]}


def document_json(conn: sa.Connection, view: dict[str, Any], t: Translator,
                  platform: Platform, base: str) -> dict[str, Any]:
    """A document's JSON answer (the page's twin): the documents service's view, with the
    stored translations into the page's language under `machine_translation` when there
    are any (a case view as it is)."""
    if "progress" in view:
        return view
    country = view.get("country", "JP")
    d = {"title": view.get("title", ""), "abstract": view.get("abstract", ""),
         "claims": view.get("claims", []), "paragraphs": view.get("paragraphs", []),
         "text_lang": view.get("language") or ("ja" if country == "JP" else ""),
         "publication_id": publication_id(conn, view), "only": "", "base": base}
    mt = stored_translation_json(conn, d, t, platform)
    return {**view, "machine_translation": mt} if mt else view


def translation_json(mt: dict[str, Any] | None) -> dict[str, Any]:
    """The translation endpoint's answer (the page's script fills the page with it)."""
    if mt is None:
        return {"pending": False, "parts": {}}
    return {k: mt[k] for k in ("source", "target", "pending", "parts")}
