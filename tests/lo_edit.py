"""Edit a workbook in LibreOffice Calc through UNO, as a person would, and save it as .xlsx.

Run with the system Python that has python3-uno (``/usr/bin/python3``)::

    python3 tests/lo_edit.py IN.xlsx OUT.xlsx '[["insert_rows", "Plāna izpilde", 12, 1], ...]'

Operations (rows 1-based, as the sheet shows them):
``insert_rows sheet row count`` (inserted above ``row``), ``delete_rows sheet row count``,
``type sheet cell text`` (as typed into the cell: "=..." becomes a formula, numbers become numbers),
``string sheet cell text`` (stored as text), ``rename sheet new_name``.
The document is saved with Calc's own "Calc MS Excel 2007 XML" filter, so defined names and error
cells are written exactly as Calc writes them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(pipe: str, proc: subprocess.Popen) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 60
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            _DISPATCH["ctx"] = ctx
            _DISPATCH["helper"] = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.DispatchHelper", ctx)
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise
            time.sleep(0.2)


_DISPATCH: dict[str, object] = {}


def _set_locale(desktop_ctx: object, locale: str) -> None:
    """Calc parses typed input with the office locale (lv-LV: "4.5" is the 4th of May)."""
    provider = desktop_ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", desktop_ctx)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (_prop("nodepath", "/org.openoffice.Setup/L10N"),))
    access.setPropertyValue("ooSetupSystemLocale", locale)
    access.setPropertyValue("ooLocale", locale)
    access.commitChanges()


def _apply(doc: object, op: list) -> None:
    kind, sheet_name, *args = op
    sheets = doc.getSheets()
    sheet = sheets.getByName(sheet_name)
    if kind == "insert_rows":
        sheet.getRows().insertByIndex(int(args[0]) - 1, int(args[1]))
    elif kind == "delete_rows":
        sheet.getRows().removeByIndex(int(args[0]) - 1, int(args[1]))
    elif kind == "type":
        sheet.getCellRangeByName(args[0]).setFormula(str(args[1]))
    elif kind == "string":
        sheet.getCellRangeByName(args[0]).setString(str(args[1]))
    elif kind == "enter":  # typed through Calc's input line: the locale decides what "4.5" becomes
        controller = doc.getCurrentController()
        controller.setActiveSheet(sheet)
        controller.select(sheet.getCellRangeByName(args[0]))
        _DISPATCH["helper"].executeDispatch(controller.getFrame(), ".uno:EnterString", "", 0,
                                            (_prop("StringName", str(args[1])),))
    elif kind == "rename":
        sheet.setName(str(args[0]))
    else:
        raise ValueError(f"unknown operation {kind}")


def main(src: str, dest: str, ops: list) -> None:
    profile = tempfile.mkdtemp(prefix="lo_edit_")
    pipe = f"lo_edit_{uuid.uuid4().hex}"
    proc = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible", "--norestore",
         "--nologo", f"--accept=pipe,name={pipe};urp;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        desktop = _connect(pipe, proc)
        _set_locale(_DISPATCH["ctx"], "lv-LV")
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0,
                                           (_prop("Hidden", True),))
        for sheet in doc.getSheets():  # a person would unprotect (no password) before inserting rows
            sheet.unprotect("")
        for op in ops:
            _apply(doc, op)
        doc.calculateAll()
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dest)),
                       (_prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge drops as soffice exits
            pass
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
