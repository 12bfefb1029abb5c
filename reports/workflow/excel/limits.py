"""How large an uploaded sheet may be, and how much of it the preview lists: every limit in one place.

A unit's template has one row per obligation: tens for a Deyang unit, 10,000 for the province-scale unit of
`make bench` (bench/data.py, the import plan). Its 10,000-row file is ~600 KB packed and ~8 MB unpacked, each part
packed ~14 times. The limits leave that at least twice the room and refuse what is far beyond it, before openpyxl
opens the file (its size, its packing) or while it is streamed (rows, columns, cells), never after reading it all."""

MAX_UPLOAD_MB = 5  # the file as sent
MAX_UNPACKED_MB = 50  # all its parts unpacked (a 400 MB cell packs into 400 KB)
MAX_RATIO = 100  # a part unpacked to more than 100 times its packed size is a zip bomb, not a worksheet…
RATIO_FROM_MB = 1  # … when it unpacks to more than 1 MB (a small part may pack tighter, and costs nothing)
MAX_PART_MB = 2  # a part openpyxl builds whole (formats, the workbook, relationships; a template's: a few KB)
MAX_ROWS = 20_000  # data rows of a worksheet, its header not counted
MAX_COLUMNS = 30  # the template has 16 and 10: room for a few columns a person adds
MAX_CELL_CHARS = 4_000  # the longest text any field takes (工作进展, 存在问题, 下步计划 on the sheet page)
PREVIEW_ROWS = 100  # rows the preview lists of each kind (with errors, changed); it counts the rest
