"""The bound stage's quick pass (upper bounds at C speed) gives exactly the exact scan's answer.

Every refusal and every acceptance must be the one the streaming expat scan gives: the quick pass may
only say "within the limits" when the exact scan would too, and otherwise hands the file to it. Checked
on real forms (where the quick pass must be the one that answers), on the hostile corpus of the suite,
and on crafted parts aimed at each bound: odd spellings of the ``r`` attribute, character references,
prefixed elements, other encodings, far rows and columns, many strings, and limits set just around the
real counts.
"""

from __future__ import annotations

import io
import re
import shutil
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from generator.core.workspace import Workspace
from generator.intake.bound import _exact, bound
from generator.intake.safety import Limits
from tests.conftest import DATA
from tests.intake_helpers import (
    FAST,
    entity_bomb,
    filled,
    many_entries,
    plain_xlsx_bytes,
    replace_part,
    sheet_part,
    with_extra_rows,
    zip_bomb,
)
from tests.test_forms_read_hostile import PARTS
from tests.test_intake_hostile import CASES

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _same(path: Path, limits: Limits = FAST) -> dict[str, bytes]:
    """Assert the quick and the exact answers agree; return the parts the quick pass handed on."""
    parts: dict[str, bytes] = {}
    reason, counts = bound(path, limits, parts)
    exact_reason, exact_counts = _exact(path, limits)
    assert reason == exact_reason
    assert counts.sheet_names == exact_counts.sheet_names
    if parts:  # only when the quick pass proved the file within the limits
        assert reason is None
        with zipfile.ZipFile(path) as zf:
            assert parts == {name: zf.read(name) for name in parts}
    return parts


def _around(path: Path) -> None:
    """The same answer with the default limits, and with each limit just below, at and just above what
    the file holds (where the exact scan's answer turns), and at a few row and column limits."""
    _same(path)
    reason, counts = _exact(path, FAST)
    if reason is not None:
        return
    rows = max(counts.sheets.values(), default=0)
    for name, n in (("max_cells", counts.cells), ("max_text", counts.text), ("max_strings", counts.strings),
                    ("max_rows", rows)):
        for value in (n - 1, n, n + 1):
            _same(path, replace(FAST, **{name: max(value, 0)}))
    for value in (30, 100, 500, 899, 900, 901, 999, 1000, 5000):
        _same(path, replace(FAST, max_rows=value))
    for value in (1, 5, 26, 27, 100):
        _same(path, replace(FAST, max_columns=value))


def _edit(xlsx: bytes, part: str, edit: object) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        xml = zf.read(part)
    assert callable(edit)
    return replace_part(xlsx, part, edit(xml))


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("forms")
    (root / "ws").mkdir()
    shutil.copyfile(DATA / "mini_config.toml", root / "ws" / "config.toml")
    ws = Workspace(root / "ws")
    return {form: filled(ws, form, inst, folder=root).read_bytes()
            for form, inst in (("F1", "sd"), ("F2", "sd"), ("F4", "ip"))}


def test_real_forms_take_the_quick_pass(mini_ws: Workspace, tmp_path: Path) -> None:
    for form, inst in (("F1", "sd"), ("F2", "sd"), ("F4", "ip"), ("F1", "bt")):
        path = filled(mini_ws, form, inst, folder=tmp_path)
        parts = _same(path)
        assert parts and any(name.startswith("xl/worksheets/") for name in parts)


def test_hostile_corpus_same_answer(tmp_path: Path) -> None:
    whole = plain_xlsx_bytes()
    files = [content if content is not None else whole[: len(whole) // 2] for _, content, _ in CASES]
    files += [entity_bomb(padding=pad, part=part) for part in PARTS for pad in (0, 5000, 100_000)]
    files += [zip_bomb(8), many_entries(300),
              replace_part(whole, "xl/_rels/workbook.xml.rels", b"<Relationships"),
              replace_part(whole, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"),
              replace_part(whole, "xl/styles.xml", b'<styleSheet xmlns="x"><broken></styleSheet>')]
    for n, content in enumerate(files):
        path = tmp_path / f"{n}.xlsx"
        path.write_bytes(content)
        if zipfile.is_zipfile(path):
            _same(path)


def test_two_entries_under_one_name_same_answer(forms: dict[str, bytes], tmp_path: Path) -> None:
    """A zip may hold two entries with the same name; the exact scan reads both, so the quick pass must
    not read only the one the name finds."""
    base = forms["F4"]
    part = sheet_part(base, "Rādītāji")
    rows = _rows(6000, 1, '<row r="{r}"><c r="A{r}"><v>1</v></c></row>').encode()
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        xml = zf.read(part)
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": exactly what is being tested
        with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if info.filename == part:
                    dst.writestr(part, xml.replace(b"</sheetData>", rows + b"</sheetData>"))
                dst.writestr(info.filename, src.read(info.filename))
    path = tmp_path / "twice.xlsx"
    path.write_bytes(out.getvalue())
    _same(path)
    assert bound(path, FAST)[0] is not None


def _rows(n: int, first: int, template: str) -> str:
    return "".join(template.format(r=r) for r in range(first, first + n))


CRAFTED_ROWS = {
    # far rows, far columns, many rows numbered low, rows without numbers, Calc's empty last row
    "row-900": '<row r="900"><c r="A900"><v>1</v></c></row>',
    "row-1500": '<row r="1500"><c r="B1500"><v>1</v></c></row>',
    "far-row": '<row r="6001"><c r="A6001" t="inlineStr"><is><t>x</t></is></c></row>',
    "far-row-no-cell": '<row r="1048576" customFormat="false" ht="12.8" hidden="false"></row>',
    "far-column": '<row r="999"><c r="XFD999" t="inlineStr"><is><t>x</t></is></c></row>',
    "column-cv": '<row r="999"><c r="CV999"><v>1</v></c></row>',
    "column-cw": '<row r="999"><c r="CW999"><v>1</v></c></row>',
    "dollar-column": '<row r="999"><c r="A$B999"><v>1</v></c></row>',
    "low-numbers": _rows(6000, 0, '<row r="7"><c t="inlineStr"><is><t>{r}</t></is></c></row>'),
    "no-numbers": _rows(120, 0, '<row><c><v>{r}</v></c></row>'),
    "cell-below-row": '<row r="20"><c r="A6001"><v>1</v></c></row>',
    # the r attribute spelled every way XML allows
    "tab-before-r": '<row\tr="6001"><c\tr="A6001"><v>1</v></c></row>',
    "newline-before-r": '<row\nr="6001"><c\nr="A6001"><v>1</v></c></row>',
    "space-around-eq": '<row r = "6001"><c r =\t"A6001"><v>1</v></c></row>',
    "single-quotes": "<row r='6001'><c r='A6001'><v>1</v></c></row>",
    "char-ref-in-r": '<row r="&#54;001"><c r="A&#54;001"><v>1</v></c></row>',
    "char-ref-column": '<row r="999"><c r="&#88;FD999"><v>1</v></c></row>',
    "non-ascii-digits": '<row r="٦٠٠١"><c r="A٦٠٠١"><v>1</v></c></row>',
    "long-number": '<row r="' + "9" * 5000 + '"><c><v>1</v></c></row>',
    "prefixed": f'<x:row xmlns:x="{_MAIN}" r="6001"><x:c r="A6001"><x:v>1</x:v></x:c></x:row>',
    "prefixed-many": f'<x:row xmlns:x="{_MAIN}" r="9">'
                     + _rows(5500, 0, '<x:c r="A9"><x:v>1</x:v></x:c>') + "</x:row>",
    "text-that-looks-like-r": '<row r="999"><c r="A999" t="inlineStr"><is><t> r="ZZZ9" r=\'9999\'</t></is>'
                              '</c></row>',
    "comment": '<!-- <row r="9999"><c r="A9999"/></row> --><row r="999"><c r="A999"/></row>',
    "cdata": '<row r="999"><c r="A999" t="inlineStr"><is><t><![CDATA[<c r="ZZ1">]]></t></is></c></row>',
    "broken-after": '<row r="999"><c r="A999"></row>',
}


@pytest.mark.parametrize("name", list(CRAFTED_ROWS), ids=list(CRAFTED_ROWS))
def test_crafted_sheet_same_answer(forms: dict[str, bytes], tmp_path: Path, name: str) -> None:
    base = forms["F4"]
    part = sheet_part(base, "Rādītāji")
    rows = CRAFTED_ROWS[name].encode("utf-8")
    path = tmp_path / "x.xlsx"
    path.write_bytes(_edit(base, part, lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>")))
    _around(path)


@pytest.mark.parametrize("declaration", [
    '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>',
    '<?xml version="1.0" encoding="UTF-16"?>', "\ufeff", '<?xml version="1.0"?>'])
def test_encodings_same_answer(forms: dict[str, bytes], tmp_path: Path, declaration: str) -> None:
    base = forms["F4"]
    part = sheet_part(base, "Rādītāji")

    def recode(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml).decode("utf-8")
        if "UTF-16" in declaration:
            return (declaration + body).encode("utf-16")
        if "ISO" in declaration:
            return (declaration + body).encode("latin-1", "xmlcharrefreplace")
        return (declaration + body).encode("utf-8")

    path = tmp_path / "x.xlsx"
    path.write_bytes(_edit(base, part, recode))
    _around(path)


def test_shared_strings_same_answer(forms: dict[str, bytes], tmp_path: Path) -> None:
    base = forms["F4"]
    for n, sst in enumerate([
        "".join(f"<si><t>{i}</t></si>" for i in range(60_000)),
        "".join(f"<si><t>{i}</t></si>" for i in range(100)),
    ]):
        for count in ("", ' uniqueCount="100"', ' uniqueCount="60000"', ' uniqueCount = \'60000\'',
                      ' uniqueCount="&#54;0000"', ' uniqueCount="99999999999999999999"'):
            xml = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}"{count}>{sst}</sst>'
            out = io.BytesIO()
            with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in src.infolist():
                    dst.writestr(info.filename, src.read(info.filename))
                dst.writestr("xl/sharedStrings.xml", xml)
            path = tmp_path / f"{n}-{len(count)}.xlsx"
            path.write_bytes(out.getvalue())
            _around(path)


def test_limits_just_around_the_real_counts(forms: dict[str, bytes], tmp_path: Path) -> None:
    for name, content in (*forms.items(), ("big", with_extra_rows(forms["F4"], "Rādītāji", 3000, first=5)),
                          ("wide", with_extra_rows(forms["F1"], "Aktivitātes", 40, first=900))):
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(content)
        _around(path)
