"""Excel workbooks (.xlsx) with openpyxl (MIT, the maintained reader of the format): one page per
sheet, one line per row, cells separated by tabs. Budgets and vote tables are published so."""

from __future__ import annotations

import io
import zipfile

from nlp.extract import Extraction, ExtractionError
from nlp.extract.office import PageWriter, open_zip


def extract(data: bytes) -> Extraction:
    """The sheets of an .xlsx file as pages. Raises :class:`ExtractionError` for an unreadable one."""
    from openpyxl import load_workbook

    open_zip(data, "Excel (.xlsx)").close()  # refuses a zip bomb before openpyxl inflates it
    try:
        # read_only streams the rows; data_only gives the values computed, not the formulas.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ExtractionError(f"corrupted Excel (.xlsx) file: {exc}") from None
    writer = PageWriter()
    sheets = []
    try:
        for sheet in workbook.worksheets:
            sheets.append(sheet.title)
            writer.write(f"{sheet.title}\n")
            for row in sheet.iter_rows(values_only=True):
                cells = ["" if value is None else str(value) for value in row]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    writer.write("\t".join(cells) + "\n")
            writer.page_break()
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise ExtractionError(f"corrupted Excel (.xlsx) file: {exc}") from None
    finally:
        workbook.close()
    return writer.extraction(sheets=sheets)
