"""`tokkyo efile check` and `tokkyo efile convert` through the real CLI, on files on disk:
exit status 0 without errors, 1 with errors (nothing written), 2 for input that cannot be
read or an output that cannot be used."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.efiling.applications import CLEAN, image, images, replace, word_html
from tokkyo.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = tmp_path_factory.mktemp("efile")
    (here / "clean.htm").write_bytes(word_html(CLEAN))
    (here / "gap.htm").write_bytes(word_html(replace(CLEAN, "【請求項４】", "【請求項５】")))
    grey = replace(CLEAN, '<img src="fig1.gif">', '<img src="grey.png">')
    (here / "grey.htm").write_bytes(word_html(grey))
    (here / "fig1.gif").write_bytes(images()["fig1.gif"])
    (here / "grey.png").write_bytes(image("png", mode="L"))
    return here


def test_check_a_clean_application(folder):
    result = runner.invoke(app, ["efile", "check", str(folder / "clean.htm")])
    assert result.exit_code == 0, result.output
    assert "clean.htm: 0 errors, 0 warnings" in result.output
    assert "read as cp932" in result.output


def test_check_lists_errors_and_exits_1(folder):
    result = runner.invoke(app, ["efile", "check", str(folder / "gap.htm"), "--json"])
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert (body["ok"], body["errors"], body["warnings"]) == (False, 1, 0)
    [f] = body["findings"]
    text = (folder / "gap.htm").read_bytes().decode("cp932")
    line = text[:text.index("【請求項５】")].count("\n") + 1
    assert (f["code"], f["line"], f["item"]) == ("claim-number-gap", line, "請求項５")
    assert f["message"]["en"] == ("【請求項５】 should be 【請求項４】: number the claims from "
                                  "1 without gaps.")


def test_a_warning_does_not_fail(folder):
    result = runner.invoke(app, ["efile", "check", str(folder / "grey.htm"), "--lang", "ja"])
    assert result.exit_code == 0, result.output
    assert "image-bit-depth" in result.output and "0 errors, 1 warning" in result.output


def test_convert_writes_the_package(folder, tmp_path):
    out = tmp_path / "xml"
    result = runner.invoke(app, ["efile", "convert", str(folder / "clean.htm"), "--to",
                                 str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "JPOXMLDOC01-appb-D000001.gif", "JPOXMLDOC01-appb.xml", "JPOXMLDOC01-jpbibl.xml"]
    zipped = tmp_path / "package.zip"
    result = runner.invoke(app, ["efile", "convert", str(folder / "grey.htm"), "--to",
                                 str(zipped)])
    assert result.exit_code == 0, result.output
    assert sorted(zipfile.ZipFile(zipped).namelist()) == sorted(p.name for p in out.iterdir())


def test_convert_writes_nothing_with_errors(folder, tmp_path):
    out = tmp_path / "xml"
    result = runner.invoke(app, ["efile", "convert", str(folder / "gap.htm"), "--to", str(out)])
    assert result.exit_code == 1
    assert "not converted: correct the errors first" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unreadable_input_and_unusable_output_exit_2(folder, tmp_path):
    result = runner.invoke(app, ["efile", "check", str(tmp_path / "none.htm")])
    assert (result.exit_code, result.output.strip()) == (
        2, f"{tmp_path / 'none.htm'}: no such file")
    bad = tmp_path / "bad.htm"
    bad.write_bytes(b'<meta charset="utf-8">\xff')
    result = runner.invoke(app, ["efile", "check", str(bad)])
    assert (result.exit_code, result.output.strip()) == (
        2, f"{bad}: the file is not valid UTF-8: byte 22 (0xFF) cannot be read; save the "
           "HTML again as UTF-8 or Shift_JIS")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "x").write_text("kept")
    result = runner.invoke(app, ["efile", "convert", str(folder / "clean.htm"), "--to",
                                 str(taken)])
    assert result.exit_code == 2
    assert f"{taken} is not empty; give a new or empty folder" in result.output
    assert [p.name for p in taken.iterdir()] == ["x"]


def test_review_gives_back_the_application(folder, tmp_path):
    """convert, then review: the HTML it writes checks clean with the package's images and
    holds the same items as the application."""
    out = tmp_path / "xml"
    assert runner.invoke(app, ["efile", "convert", str(folder / "clean.htm"), "--to",
                               str(out)]).exit_code == 0
    page = out / "review.htm"
    result = runner.invoke(app, ["efile", "review", str(out), "--to", str(page)])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(app, ["efile", "check", str(page), "--json"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)["documents"] == [
        "特許願", "明細書", "特許請求の範囲", "要約書", "図面"]
    printed = runner.invoke(app, ["efile", "review", str(out)])
    assert printed.output == page.read_text("utf-8")


def test_review_refuses_what_is_not_a_package(tmp_path):
    (tmp_path / "JPOXMLDOC01-appb.xml").write_bytes(b"<application-body><claims>")
    result = runner.invoke(app, ["efile", "review", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith("the package's XML is not well-formed: ")
    result = runner.invoke(app, ["efile", "review", str(tmp_path / "none")])
    assert (result.exit_code, result.output.strip()) == (
        2, f"{tmp_path / 'none'}: no such folder or file")
