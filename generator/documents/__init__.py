"""The documents: annual report, updated action plan, consolidated workbook, build and demo."""
