"""Edit and save workbooks the way a unit does in LibreOffice, through LibreOffice's own UNO API.

Run by the system Python (python3-uno from Debian; a virtualenv cannot import `uno`) with a JSON job on stdin:
{"port": 2002, "steps": [{"open": "in.xlsx" | null, "formats": [[sheet, cell, "0.0%"], ...] (number formats,
set before the values), "values": [[sheet, cell, value], ...],
"copy": [sheet, "A1:N20"] (values only, into a new workbook's first sheet), "save": [[path, filter], ...],
"csv_sheet": name, "pause": seconds}]}. A value starting with "=" is entered as a formula; a number as a number;
any other text as a person types it (LibreOffice decides whether it is a date). Files are saved with
storeAsURL, a real "save as", so LibreOffice stamps its own last-saved time; .csv is exported with storeToURL.
"""

import json
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(port):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 60
    while True:
        try:
            context = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.5)


def url(path):
    return uno.systemPathToFileUrl(path)


def enter(cell, value):
    if isinstance(value, int | float):
        cell.setValue(value)
    else:
        cell.setFormula(value)  # as typed into the cell: "=…" is a formula, "2021-06-20" a date


def run(desktop, step):
    hidden = (prop("Hidden", True),)
    source = desktop.loadComponentFromURL(url(step["open"]), "_blank", 0, hidden) if step.get("open") else None
    doc = source
    for sheet, ref, code in step.get("formats", []):  # a number format set on a cell first, as a unit does
        formats = doc.NumberFormats
        locale = uno.createUnoStruct("com.sun.star.lang.Locale")
        key = formats.queryKey(code, locale, False)
        doc.Sheets.getByName(sheet).getCellRangeByName(ref).NumberFormat = (
            key if key != -1 else formats.addNew(code, locale)
        )
    for sheet, ref, value in step.get("values", []):
        enter(doc.Sheets.getByName(sheet).getCellRangeByName(ref), value)
    if step.get("copy"):
        sheet, ref = step["copy"]
        data = source.Sheets.getByName(sheet).getCellRangeByName(ref).getDataArray()
        doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, hidden)
        target = doc.Sheets.getByIndex(0)
        target.getCellRangeByPosition(0, 0, len(data[0]) - 1, len(data) - 1).setDataArray(data)
    for path, filter_name in step.get("save", []):
        if filter_name.startswith("Text - txt - csv"):
            sheets = doc.Sheets.getElementNames()
            number = sheets.index(step["csv_sheet"]) + 1 if step.get("csv_sheet") else 1
            # separator, quote, UTF-8, first line, formats, language, quoted text, detect numbers, "as shown",
            # formulas, remove space, sheet to export
            options = f"44,34,76,1,,0,false,true,true,false,false,{number}"
            doc.storeToURL(url(path), (prop("FilterName", filter_name), prop("FilterOptions", options)))
        else:
            doc.storeAsURL(url(path), (prop("FilterName", filter_name), prop("Overwrite", True)))
    for opened in {id(d): d for d in (doc, source) if d is not None}.values():
        opened.close(True)
    time.sleep(step.get("pause", 0))


def main():
    job = json.load(sys.stdin)
    desktop = connect(job["port"])
    for step in job["steps"]:
        run(desktop, step)


if __name__ == "__main__":
    main()
