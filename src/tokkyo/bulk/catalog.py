"""The products tokkyo provides from the data it holds (bulk.md §3.2).

Each product names the builder that makes its files from the store; operators may edit
titles and descriptions in the database, `ensure_products` only adds what is missing
and refreshes the shipped texts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tokkyo.bulk.status import Schedule
from tokkyo.store.repositories import products as product_rows


@dataclass(frozen=True, slots=True)
class ProductSpec:
    id: str
    builder: str
    title_ja: str
    title_en: str
    description_ja: str
    description_en: str
    laws: str
    format: str                   # in English, as stored and as the API answers
    schema: str
    frequency: str
    schedule: str                 # in English, as stored and as the API answers
    archive_unit: str
    due: Schedule                 # when each publish run is due (the status page)
    format_ja: str = ""           # the same in Japanese, for the Japanese pages
    schedule_ja: str = ""


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        "jp-gazette-a", "gazette",
        "公開特許公報（全文XML）", "JP unexamined patent publications, full text (XML)",
        "公開特許公報の全文を、受領したままのXML（jp-official-gazette形式）で、発行日ごとにZIPに"
        "まとめて提供します。各ファイルにSHA-256、収録件数、収録期間を付します。",
        "Unexamined patent publications as received (jp-official-gazette XML), one ZIP per "
        "issue day, each with its SHA-256, record count and period covered.",
        "patent", "ZIP of jp-official-gazette XML", "jp-official-gazette, jp-a.dtd V4.7",
        "daily", "each business day by 10:00 JST", "jp-publications",
        Schedule("business-days", dt.time(10, 0)),
        "jp-official-gazette形式XMLのZIP", "営業日ごと、10:00 JSTまで"),
    ProductSpec(
        "case-progress", "progress",
        "経過情報（JSON Lines）", "Case progress (JSON Lines)",
        "出願ごとの経過情報を、特許情報取得APIの経過情報（app_progress）の応答データと同じ形の"
        "JSON Lines で提供します。差分は更新された出願のみを含みます。",
        "One line per case: the `data` object of the API's app_progress operation. A delta "
        "holds the cases updated since the previous release.",
        "patent utility design trademark", "JSON Lines (UTF-8)", "jpo-api app_progress v1",
        "daily", "each day by 06:00 JST", "case-data", Schedule("daily", dt.time(6, 0)),
        "JSON Lines (UTF-8)", "毎日、6:00 JSTまで"),
    ProductSpec(
        "legal-status", "legal-status",
        "法的状態イベント（WIPO ST.27, CSV）", "Legal status events (WIPO ST.27, CSV)",
        "出願ごとの法的状態イベントを WIPO ST.27 のコードと元の日本のイベントとともに CSV で"
        "提供します。",
        "Legal status events per case as WIPO ST.27 codes with the JP event they come from, "
        "as CSV (UTF-8).",
        "patent utility design trademark", "CSV (UTF-8, RFC 4180)", "WIPO ST.27 (2023)",
        "daily", "each day by 06:00 JST", "case-data", Schedule("daily", dt.time(6, 0)),
        "CSV (UTF-8, RFC 4180)", "毎日、6:00 JSTまで"),
    ProductSpec(
        "foreign-publications", "foreign",
        "外国公報", "Foreign publications",
        "各国・機関の特許・意匠・商標公報を、受領したままのファイル（XML、テキスト、ZIP）で"
        "国ごとのリリースとして提供します。各ファイルにSHA-256、収録公報数、公報発行日の範囲を"
        "付し、後の受領分で差し替えられた文献は、差し替えたファイルと前のファイルおよびその"
        "リリースをマニフェストに示します。複数の国の公報を含むファイル（DOCDB等）は、それぞれの"
        "国のリリースに含め、収録件数はその国の公報数です。",
        "Other offices' patent, design and trademark publications as received (XML, text, "
        "ZIP), byte for byte, one release per country, each file with its SHA-256, the "
        "number of publications it holds and their dates. A document replaced by a later "
        "delivery: the manifest names the replaced file and the release it was in. A file "
        "holding several countries' publications (DOCDB) is in each country's release, "
        "counted there by that country's publications.",
        "patent utility design trademark", "Files as received (XML, text, ZIP)",
        "EP ep-patent-document, USPTO (ST.36, PATDOC, pap, Green Book, XML4IP), CNIPA, "
        "WIPO ST.96, EPO DOCDB",
        "daily", "each day by 07:00 JST", "foreign-publications",
        Schedule("daily", dt.time(7, 0)),
        "受領したままのファイル（XML、テキスト、ZIP）", "毎日、7:00 JSTまで"),
    ProductSpec(
        "machine-translations", "translations",
        "蓄積機械翻訳", "Accumulated machine translations",
        "外国文献（中国語・韓国語・英語など）の蓄積された機械翻訳を、翻訳先の言語ごとの JSON Lines "
        "で提供します。1行が1公報で、請求項・段落ごとの訳文と、翻訳エンジン、バージョン、翻訳日時、"
        "原文の SHA-256 を付します。機械翻訳であり、正文ではありません。差分はその間に翻訳された"
        "公報のみを含みます。",
        "The stored machine translations of foreign documents (Chinese, Korean, English ...), "
        "one JSON Lines file per target language: a line per publication with its "
        "translated sections unit by unit (each claim, each paragraph) and the engine, "
        "version, time and SHA-256 of the source of each. Machine translation, not "
        "authoritative. A delta holds the publications translated since the previous "
        "release.",
        "patent utility", "JSON Lines (UTF-8), one file per target language",
        "tokkyo machine-translations v1", "daily", "each day by 07:00 JST",
        "foreign-publications", Schedule("daily", dt.time(7, 0)),
        "JSON Lines (UTF-8)、翻訳先の言語ごとに1ファイル", "毎日、7:00 JSTまで"),
)

BY_ID = {p.id: p for p in PRODUCTS}

#: The archive units' names (bulk.md §3.2: what an archive order asks for), by language.
UNITS = {"jp-publications": ("公開特許公報", "JP patent publications"),
         "case-data": ("経過情報・法的状態", "Case progress and legal status"),
         "foreign-publications": ("外国公報", "Foreign publications")}


def text(product: Any, field: str, lang: str) -> str:
    """A product's `format` or `schedule` in the page's language: the shipped Japanese
    text for a shipped product on a Japanese page, else the stored (English) text, which
    an operator may have edited and which the API answers."""
    spec = BY_ID.get(str(product.id))
    stored = str(getattr(product, field) or "")
    if lang == "ja" and spec is not None and stored == getattr(spec, field):
        return str(getattr(spec, f"{field}_ja")) or stored
    return stored


def unit_name(unit: str, lang: str) -> str:
    """An archive unit's name in the page's language; the id itself for a unit the
    catalogue does not name."""
    names = UNITS.get(unit)
    return names[0 if lang == "ja" else 1] if names else unit


def ensure_products(conn: sa.Connection) -> None:
    for position, spec in enumerate(PRODUCTS):
        product_rows.save_product(
            conn, spec.id, builder=spec.builder, title_ja=spec.title_ja,
            title_en=spec.title_en, description_ja=spec.description_ja,
            description_en=spec.description_en, laws=spec.laws, format=spec.format,
            schema=spec.schema, frequency=spec.frequency, schedule=spec.schedule,
            archive_unit=spec.archive_unit, position=position)
