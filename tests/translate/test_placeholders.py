"""Placeholders survive every engine: whatever an engine does with the tokens (keeps,
moves, drops, repeats them), each number, sign, formula and tag comes out once, in the
target's form."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tokkyo.translate.placeholders import TOKEN, mask, restore

PIECES = ["【０００１】", "【請求項２】", "請求項１～３", "請求項１又は２", "基板１０",
          "ウェーハ１１ａ", "図２", "【数１】", "【化３】", "【表１】", "ＳｉＯ２", "Ｈ２Ｏ",
          "<sub>2</sub>", "<chem id=\"c1\">CH3</chem>", "<maths num=\"1\"><math/></maths>",
          "を有する", "。", "厚さ１０ｍｍ", "３個", "、", "text", " ", "⟦"]
WANTED = {"【０００１】": "[0001]", "請求項１～３": "claims 1 to 3",
          "請求項１又は２": "claim 1 or 2", "基板１０": "10", "ウェーハ１１ａ": "11a",
          "図２": "FIG. 2", "【数１】": "[Math. 1]", "【化３】": "[Chem. 3]",
          "【表１】": "[Table 1]", "ＳｉＯ２": "SiO2", "Ｈ２Ｏ": "H2O",
          "<sub>2</sub>": "<sub>2</sub>",
          "<chem id=\"c1\">CH3</chem>": "<chem id=\"c1\">CH3</chem>"}


def engines(text: str) -> list[str]:
    """What engines do to tokens: keep, reverse, drop every other, repeat, space them."""
    tokens = TOKEN.findall(text)
    return [text, " ".join(f"⟦{t}⟧" for t in reversed(tokens)),
            TOKEN.sub(lambda m: "" if int(m.group(1)) % 2 else m.group(0), text),
            text + text, re.sub(r"⟦(\d+)⟧", r"⟦ \1 ⟧", text), "nothing left",
            "⟦ stray ⟧⟦" + text + "⟦99⟧"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12))
def test_every_slot_survives_every_engine(pieces):
    text = "".join(pieces)
    masked = mask(text, "ja")
    assert not any(ch in TOKEN.sub("", masked.text) for ch in "⟦⟧")
    for output in engines(masked.text):
        back = restore(output, masked, "en")
        for slot in masked.slots:
            assert back.text.count(slot.text_in("en")) >= 1
        assert not TOKEN.search(back.text)
        assert back.text.count("⟦") == text.count("⟦")
    assert restore(masked.text, masked, "ja").text == text


def test_what_each_marker_becomes_in_english():
    for source, english in WANTED.items():
        masked = mask(f"前{source}後", "ja")
        word = source.rstrip("０１２３４５６７８９ａ") if english in ("10", "11a") else ""
        assert restore(masked.text, masked, "en").text == f"前{word}{english}後", source


def test_units_and_counts_are_not_signs():
    for text in ("厚さ１０ｍｍ", "３個", "１つ"):
        assert mask(text, "ja").slots == ()


def test_english_text_keeps_its_numbers_but_not_its_tags():
    masked = mask("claim 1 and H<sub>2</sub>", "en")
    assert [s.kind for s in masked.slots] == ["markup"]
