from __future__ import annotations

import pytest

from tokkyo.model.classifications import (
    ClassificationError,
    normalise_fi,
    normalise_ipc,
    normalise_theme,
    parse_fterm,
)


@pytest.mark.parametrize(("raw", "code"), [
    ("H01L  21/301       20060101AFI20210219BHJP        ", "H01L21/301"),
    ("B09B   3/00        20060101ALI20210219BHJP", "B09B3/00"),
    ("H01M 8/02", "H01M8/02"),
    ("H01M0008020000", "H01M8/02"),
    ("H01M0010054000", "H01M10/054"),
])
def test_ipc(raw, code):
    assert normalise_ipc(raw) == code


@pytest.mark.parametrize(("raw", "code"), [
    ("H01L21/78 M", "H01L21/78@M"),
    ("B09B3/00 304H", "B09B3/00,304@H"),
    ("B01D53/14 311", "B01D53/14,311"),
    ("H01M10/54", "H01M10/54"),
    ("H01L21/78@M", "H01L21/78@M"),
])
def test_fi(raw, code):
    assert normalise_fi(raw) == code


def test_fterm_forms():
    assert parse_fterm("4F100AB01.A").code == "4F100AB01.A"
    assert parse_fterm("3E067BA10C").code == "3E067BA10.C"
    term = parse_fterm("4E168AE01")
    assert (term.theme, term.viewpoint, term.number, term.addition) == ("4E168", "AE", "01", "")


@pytest.mark.parametrize(("call", "raw", "message"), [
    (normalise_ipc, "X99Z 1/00", "IPC symbol 'X99Z 1/00' is not of the form H01M8/02"),
    (normalise_fi, "H01L", "FI symbol 'H01L' is not of the form H01L21/78, H01L21/78@M or "
                           "B09B3/00,304@H"),
    (parse_fterm, "4F10AB01", "F-term '4F10AB01' is not of the form 4F100AB01 or 4F100AB01.A"),
    (normalise_theme, "4F1000", "theme code '4F1000' is not of the form 4F100"),
])
def test_errors_name_the_input(call, raw, message):
    with pytest.raises(ClassificationError) as caught:
        call(raw)
    assert str(caught.value) == message
