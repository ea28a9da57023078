"""How much of an officer's file the import reads: one table of limits for every step.

The reader, the store and the page's upload widget each had their own (200,000 rows in the
reader, 100,000 in the store); a file accepted by one step and refused by the next read as a
bug. Bounded work on hostile input: past these the file is refused with a message.
"""

from __future__ import annotations

MAX_BYTES = 20 * 1024 * 1024          # an upload; a year of monthly records is < 2 MB


MAX_XLSX_UNPACKED = 100 * 1024 * 1024  # all members of a workbook, uncompressed


MAX_ROWS = 100_000                    # data rows (blank, title and total rows not counted)


MAX_COLUMNS = 200


MAX_CELL_CHARS = 1000


HEADER_SEARCH_ROWS = 30               # the header must start within this many lines


MAX_SHEET_CELLS = 5_000_000           # rows × columns a sheet's values span (the reader's grid)


MAX_ISSUES = 1000                     # reading stops there: the file is not what was meant
