"""Drives a running LibreOffice Calc through UNO the way a person edits a workbook.

Run by Debian's ``/usr/bin/python3`` (the only interpreter that can ``import uno``), never by the test
venv: ``/usr/bin/python3 uno_driver.py PIPE_NAME SCRIPT.json RESULT.json``. The script is a JSON list of
actions applied in order to one document; the result file records what was read back and, on failure,
which action failed and why. Kept free of any import from the project so it runs in the bare system
Python. See ``uno_harness.py`` for the action vocabulary and the process that hosts the office.

Typing goes through the dispatcher's ``.uno:EnterString`` on the selected cell, so Calc parses the text
exactly as if it were typed into the cell (locale-dependent numbers and dates, ``=`` making a formula);
rows are inserted and deleted with ``.uno:InsertRows`` / ``.uno:DeleteRows`` on a selected row, which
moves defined names, validations and formatting as a person's edit does.
"""

from __future__ import annotations

import json
import sys
import time
import traceback

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

EXCEL_FILTER = "Calc MS Excel 2007 XML"


def _props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def connect(pipe: str, timeout: float):
    """The office's component context, retrying until it accepts connections or ``timeout`` passes."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


class Session:
    """One document open in Calc and the dispatcher acting on its frame."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        smgr = ctx.ServiceManager
        self.desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        self.dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        self.doc = None
        self.read: dict[str, object] = {}

    # --- plumbing --------------------------------------------------------------------------------
    def _uno(self, command: str, **args) -> None:
        frame = self.doc.getCurrentController().getFrame()
        self.dispatcher.executeDispatch(frame, f".uno:{command}", "", 0, _props(**args))

    def _sheet(self, name: str | None = None):
        ctrl = self.doc.getCurrentController()
        return ctrl.getActiveSheet() if name is None else self.doc.getSheets().getByName(name)

    def _select(self, ref: str) -> None:
        self._uno("GoToCell", ToPoint=ref)

    def _select_row(self, row: int) -> None:
        sheet = self._sheet()
        self.doc.getCurrentController().select(sheet.getRows().getByIndex(row - 1))

    # --- actions ---------------------------------------------------------------------------------
    def open(self, path: str) -> None:
        self.doc = self.desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, ())
        if self.doc is None:
            raise RuntimeError(f"Calc could not open {path}")

    def sheet(self, name: str) -> None:
        """Make ``name`` the active sheet (a click on its tab)."""
        self.doc.getCurrentController().setActiveSheet(self._sheet(name))

    def unprotect(self, name: str | None = None) -> None:
        """Tools > Protect Sheet off (the forms have no password); without ``name`` the active sheet."""
        self._sheet(name).unprotect("")

    def unprotect_workbook(self) -> None:
        """Tools > Protect Spreadsheet Structure off (needed to rename or add sheets)."""
        self.doc.unprotect("")

    def type(self, cell: str, text: str) -> None:
        """Select ``cell`` and type ``text`` followed by Enter."""
        self._select(cell)
        self._uno("EnterString", StringName=text)

    def copy(self, ref: str) -> None:
        """Select a range and copy it (Ctrl+C)."""
        self._select(ref)
        self._uno("Copy")

    def paste(self, cell: str) -> None:
        """Select the top-left cell and paste (Ctrl+V)."""
        self._select(cell)
        self._uno("Paste")

    def set_block(self, cell: str, rows: list[list[object]]) -> None:
        """Put a block of values at ``cell`` at once (what pasting a copied block of values leaves)."""
        sheet = self._sheet()
        start = sheet.getCellRangeByName(cell).getCellAddress()
        rng = sheet.getCellRangeByPosition(start.Column, start.Row, start.Column + len(rows[0]) - 1,
                                           start.Row + len(rows) - 1)
        rng.setDataArray(tuple(tuple(r) for r in rows))

    def insert_rows(self, row: int, count: int = 1) -> None:
        """Select row ``row`` (1-based) and insert ``count`` rows above it (Sheet > Insert Rows Above)."""
        for _ in range(count):
            self._select_row(row)
            self._uno("InsertRowsBefore")

    def delete_rows(self, row: int, count: int = 1) -> None:
        """Select row ``row`` (1-based) and delete it ``count`` times (Sheet > Delete Rows)."""
        for _ in range(count):
            self._select_row(row)
            self._uno("DeleteRows")

    def rename_sheet(self, old: str, new: str) -> None:
        """Rename a sheet (double-click on its tab)."""
        self._sheet(old).setName(new)

    def read_cells(self, sheet: str, refs: list[str]) -> None:
        """Record what Calc holds in ``refs``: formula text, string, value, and its type."""
        ws = self._sheet(sheet)
        for ref in refs:
            c = ws.getCellRangeByName(ref)
            self.read[f"{sheet}!{ref}"] = {"formula": c.getFormula(), "string": c.getString(),
                                           "value": c.getValue(), "type": c.getType().value}

    def save(self, path: str) -> None:
        """File > Save As… "Excel 2007-365 (.xlsx)", keeping the format."""
        self.doc.storeToURL(uno.systemPathToFileUrl(path), _props(FilterName=EXCEL_FILTER, Overwrite=True))

    def export_pdf(self, path: str) -> None:
        """File > Export as PDF (every sheet, with the workbook's own print setup)."""
        self.doc.storeToURL(uno.systemPathToFileUrl(path), _props(FilterName="calc_pdf_Export"))

    def close(self) -> None:
        if self.doc is not None:
            self.doc.close(True)
            self.doc = None


def run(pipe: str, actions: list[dict], timeout: float) -> dict:
    session = Session(connect(pipe, timeout))
    done = 0
    try:
        for action in actions:
            (name, args), = action.items()
            method = getattr(session, name)
            if isinstance(args, dict):
                method(**args)
            elif isinstance(args, list):
                method(*args)
            elif args is None:
                method()
            else:
                method(args)
            done += 1
        return {"ok": True, "done": done, "read": session.read}
    except Exception as e:  # reported to the harness, which fails the test with it
        return {"ok": False, "done": done, "failed": actions[done] if done < len(actions) else None,
                "error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc(), "read": session.read}
    finally:
        try:
            session.close()
        except Exception:
            pass


def main() -> int:
    pipe, script, result = sys.argv[1:4]
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0
    with open(script, encoding="utf-8") as fh:
        actions = json.load(fh)
    if actions == "terminate":
        ctx = connect(pipe, timeout)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        try:
            desktop.terminate()
        except Exception:  # the bridge drops while the office exits
            pass
        out = {"ok": True}
    else:
        out = run(pipe, actions, timeout)
    with open(result, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, indent=1)
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
