"""The XML package back as HTML in the JPO template's form, for review: what the
applicant wrote, item by item, as the JPO's software shows a converted application.

Reading that HTML again gives the same documents, items and text (the round trip the
tests hold the conversion to)."""

from __future__ import annotations

from html import escape

from lxml import etree

from tokkyo.efiling.characters import to_cp932
from tokkyo.efiling.forms import DESCRIPTION_ELEMENTS, FLOATING_ELEMENTS
from tokkyo.efiling.items import wide
from tokkyo.efiling.xml_writer import BIBL, BODY

_HEADINGS = {element: name for name, (element, _) in DESCRIPTION_ELEMENTS.items()}
_FLOATING = {element: name for name, (element, _) in FLOATING_ELEMENTS.items()}
_INLINE = ("u", "sup", "sub")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_JP = "{http://www.jpo.go.jp}"
_PARTIES = (("inventors", "発明者", ("住所又は居所", "氏名")),
            ("applicants", "特許出願人", ("識別番号", "住所又は居所", "氏名又は名称")),
            ("agents", "代理人", ("識別番号", "住所又は居所", "氏名又は名称", "電話番号")))


def to_html(files: dict[str, bytes]) -> str:
    """The package's documents as one HTML page (UTF-8), a `<p>` a line."""
    lines: list[str] = []
    if BIBL in files:
        lines += _request(etree.fromstring(files[BIBL], _PARSER))
    if BODY in files:
        lines += _body(etree.fromstring(files[BODY], _PARSER))
    # libxml2 reads Shift_JIS by JIS's mapping (0x817C is U+2212); the HTML keeps the
    # characters as the applicant's cp932 wrote them
    body = to_cp932("\n".join(f"<p>{line}</p>" for line in lines))
    return ('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
            f'charset=UTF-8">\n</head>\n<body>\n{body}\n</body>\n</html>\n')


def _text(element: etree._Element | None) -> str:
    return escape("".join(element.itertext()).strip()) if element is not None else ""


def _request(root: etree._Element) -> list[str]:
    doc = root[0]
    out = ["【書類名】特許願"]

    def one(path: str, label: str) -> None:
        found = doc.find(path)
        if found is not None:
            out.append(f"【{label}】{_text(found)}")

    one(f"{_JP}file-reference-id", "整理番号")
    date = doc.find(f"{_JP}submission-date/{_JP}date")
    if date is not None:
        day = (date.text or "").strip()
        out.append(f"【提出日】{_era_day(day)}" if day.isdigit() else f"【提出日】{day}")
    one(f"{_JP}addressed-to-person", "あて先")
    for ipc in doc.iterfind(f"{_JP}ipc-article/{_JP}ipc"):
        out.append(f"【国際特許分類】{_text(ipc)}")
    for group, label, fields in _PARTIES:
        for person in doc.iterfind(f"{_JP}{group}/*"):
            out.append(f"【{label}】")
            book = person.find(f"{_JP}addressbook")
            values = {
                "識別番号": book.find(f"{_JP}registered-number"),
                "住所又は居所": book.find(f"{_JP}address"),
                "氏名": book.find(f"{_JP}name"), "氏名又は名称": book.find(f"{_JP}name"),
                "電話番号": book.find(f"{_JP}phone")} if book is not None else {}
            for name in fields:
                if values.get(name) is not None:
                    out.append(f"【{name}】{_text(values[name])}")
                if name == "識別番号" and person.find(f"{_JP}attorney") is not None:
                    out.append("【弁理士】")
    payment = doc.find(f"{_JP}charge-article/{_JP}payment")
    if payment is not None:
        out.append("【手数料の表示】")
        account = payment.find(f"{_JP}account")
        fee = payment.find(f"{_JP}fee")
        if account is not None:
            out.append(f"【予納台帳番号】{escape(account.get(_JP + 'number', ''))}")
        if fee is not None:
            out.append(f"【納付金額】{escape(fee.get(_JP + 'amount', ''))}")
    listing = doc.find(f"{_JP}submission-object-list-article")
    if listing is not None:
        out.append("【提出物件の目録】")
        for group in listing.iterfind(f"{_JP}list-group"):
            count = (group.findtext(f"{_JP}number-of-object") or "1").strip()
            out.append(f"【物件名】{_text(group.find(_JP + 'document-name'))}"
                       f"\u3000{wide(int(count))}")
    return out


def _era_day(day: str) -> str:
    """20261206 as 令和８年１２月６日 (the request's dates are written in the era)."""
    year, month, date = int(day[:4]), int(day[4:6]), int(day[6:8])
    era, first = ("令和", 2019) if (year, month) >= (2019, 5) else ("平成", 1989)
    return f"{era}{wide(year - first + 1)}年{wide(month)}月{wide(date)}日"


def _body(root: etree._Element) -> list[str]:
    out: list[str] = []
    description = root.find("description")
    if description is not None:
        out.append("【書類名】明細書")
        _description(description, out)
    claims = root.find("claims")
    if claims is not None:
        out.append("【書類名】特許請求の範囲")
        for claim in claims:
            if claim.tag == "claim":
                out.append(f"【請求項{wide(int(claim.get('num', '0')))}】")
                out += _lines(claim.find("claim-text"))
            elif claim.tag in _FLOATING:
                out += _floating(claim)
    abstract = root.find("abstract")
    if abstract is not None:
        out.append("【書類名】要約書")
        out.append("【要約】")
        for p in abstract.iterfind("p"):
            out += _lines(p)
    drawings = root.find("drawings")
    if drawings is not None:
        out.append("【書類名】図面")
        for figure in drawings.iterfind("figure"):
            out.append(f"【図{wide(int(figure.get('num', '0')))}】")
            out += [_img(img) for img in figure.iterfind("img")]
    return out


def _description(element: etree._Element, out: list[str]) -> None:
    for child in element:
        if child.tag == "invention-title":
            out.append(f"【発明の名称】{_inline(child)}")
        elif child.tag == "heading":
            out.append(f"【{_text(child)}】")
        elif child.tag == "p":
            out.append(f"【{wide(int(child.get('num', '0')), 4)}】")
            out += _lines(child)
        elif child.tag in _HEADINGS:
            out.append(f"【{_HEADINGS[child.tag]}】")
            _description(child, out)


def _lines(element: etree._Element | None) -> list[str]:
    """An element's content as lines: `<br/>` ends a line; a citation, formula, table
    or image stands as its own item."""
    if element is None:
        return []
    out: list[str] = []
    current = [escape(element.text or "")]
    for child in element:
        if child.tag == "br":
            out.append("".join(current))
            current = []
        elif child.tag in ("patcit", "nplcit"):
            label = "特許文献" if child.tag == "patcit" else "非特許文献"
            current.append(f"【{label}{wide(int(child.get('num', '0')))}】"
                           f"{_inline(child.find('text'))}")
        elif child.tag in _FLOATING:
            out.append("".join(current))
            out += _floating(child)
            current = []
        elif child.tag == "img":
            current.append(_img(child))
        else:
            current.append(_inline(child, wrap=True))
        current.append(escape(child.tail or ""))
    out.append("".join(current))
    return [line for line in out if line.strip()]


def _floating(element: etree._Element) -> list[str]:
    label = _FLOATING[element.tag]
    return [f"【{label}{wide(int(element.get('num', '0')))}】",
            *(_img(img) for img in element.iterfind("img"))]


def _inline(element: etree._Element | None, wrap: bool = False) -> str:
    """Text with its U, SUP and SUB kept."""
    if element is None:
        return ""
    inner = escape(element.text or "") + "".join(
        _inline(child, wrap=True) + escape(child.tail or "") for child in element)
    if wrap and element.tag in _INLINE:
        return f"<{element.tag}>{inner}</{element.tag}>"
    return inner


def _img(element: etree._Element) -> str:
    return f'<img src="{escape(element.get("file", ""))}">'
