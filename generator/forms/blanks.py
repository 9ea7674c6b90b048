"""Blank workbooks for many institutions at once (the reminders of ``pmp build``): each built once per shape.

Writing one blank form with openpyxl takes tens of milliseconds; with every F1 of 600 schools missing,
re-creating it for each reminder made the build six times slower. Two institutions whose blank form
has the same *shape* — form, kind, stages, ``reports`` and the plan activities it lists — get workbooks
that differ only in the institution's name (title cells, instructions) and id (the hidden metadata
sheet). So the workbook is written once per shape and copied for the others with those inline strings
replaced, part by part, in the package's XML.

The replacement is used only when it is exact: the first institution's name and id must occur in the
package solely as whole ``<t>`` elements (count checked), and both names must be plain text that the
writer stores unchanged (no leading formula character, no surrounding or control whitespace). Anything
else is written directly, as before.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from ..core.safe import safe_text
from .definitions import FORMS
from .fields import FormContext

if TYPE_CHECKING:
    from ..core.config import Config, Institution
    from ..core.period import Period

#: The prefix of the instructions sheet's institution line (writer.write_help).
_LINE_PREFIXES = ("", "Iestāde: ")


def _xml_text(text: str) -> bytes:
    """Text as openpyxl writes it into an inline string: XML-escaped, non-ASCII as character references."""
    return escape(text).encode("ascii", "xmlcharrefreplace")


def _plain(text: str) -> bool:
    return text == text.strip() and text.isprintable() and safe_text(text) == text


def _elements(text: str) -> list[bytes]:
    return [b"<t>" + _xml_text(prefix + text) + b"</t>" for prefix in _LINE_PREFIXES]


class _Template:
    """One written blank workbook and where its institution's name and id sit."""

    def __init__(self, data: bytes, inst: Institution) -> None:
        self.data = data
        self.name, self.id = inst.name, inst.id
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.parts = [(info, zf.read(info)) for info in zf.infolist()]
        self.exact = _plain(inst.name) and _plain(inst.id) and all(
            part.count(_xml_text(raw)) == sum(part.count(el) for el in _elements(raw))
            for raw in (inst.name, inst.id) for _, part in self.parts)

    def for_institution(self, inst: Institution) -> bytes | None:
        """The same workbook for ``inst`` (None when the replacement would not be exact)."""
        if not (self.exact and _plain(inst.name) and _plain(inst.id)):
            return None
        pairs = [*zip(_elements(self.name), _elements(inst.name), strict=True),
                 *zip(_elements(self.id), _elements(inst.id), strict=True)]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for info, part in self.parts:
                for old, new in pairs:
                    part = part.replace(old, new)
                zf.writestr(info, part, compress_type=info.compress_type)
        return out.getvalue()


class BlankForms:
    """Blank workbooks of one config and period, each shape written once (see the module's note)."""

    def __init__(self, cfg: Config, period: Period) -> None:
        self.cfg, self.period = cfg, period
        self._templates: dict[tuple[object, ...], _Template] = {}

    def _shape(self, form_id: str, inst: Institution) -> tuple[object, ...]:
        acts = self.cfg.activities_for(inst.id, self.period.plan_years)
        return (form_id, inst.kind, tuple(inst.stages), inst.reports, tuple(a.number for a in acts))

    def _write(self, form_id: str, inst: Institution) -> bytes:
        from .writer import build_workbook

        out = io.BytesIO()
        build_workbook(FORMS[form_id], FormContext(self.cfg, self.period, inst)).save(out)
        return out.getvalue()

    def workbook_bytes(self, form_id: str, inst: Institution) -> bytes:
        """The blank ``form_id`` workbook of ``inst`` as the bytes of an .xlsx file."""
        key = self._shape(form_id, inst)
        template = self._templates.get(key)
        if template is None:
            data = self._write(form_id, inst)
            self._templates[key] = _Template(data, inst)
            return data
        return template.for_institution(inst) or self._write(form_id, inst)
