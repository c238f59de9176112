"""A small recording stand-in for the xlwings Book/Sheet/Range calls addin.excel.livebook and
addin.excel.ribbon use. Every call that xlwings would send to Excel is appended to `book.calls`."""
from __future__ import annotations

import re


def _rc(address: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", address.upper()).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits), col


class Note:
    def __init__(self, sheet, key):
        self.sheet, self.key = sheet, key

    @property
    def text(self):
        self.sheet.book.calls.append("note.text")
        return self.sheet.notes[self.key]

    @text.setter
    def text(self, value):
        self.sheet.book.calls.append("note.text=")
        self.sheet.notes[self.key] = value

    def delete(self):
        self.sheet.book.calls.append("note.delete")
        del self.sheet.notes[self.key]


class Font:
    def __init__(self, rng):
        self.rng = rng

    @property
    def bold(self):
        return None

    @bold.setter
    def bold(self, value):
        self.rng.sheet.book.calls.append("font.bold=")


class Range:
    def __init__(self, sheet, r1, c1, r2=None, c2=None):
        self.sheet, self.r1, self.c1 = sheet, r1, c1
        self.r2, self.c2 = r2 or r1, c2 or c1

    def _call(self, name):
        self.sheet.book.calls.append(name)

    def options(self, **kw):
        return self

    @property
    def row(self):
        self._call("row")
        return self.r1

    @property
    def column(self):
        self._call("column")
        return self.c1

    @property
    def last_cell(self):
        self._call("last_cell")
        return Range(self.sheet, self.r2, self.c2)

    @property
    def value(self):
        self._call("value")
        return [[self.sheet.cells.get((r, c)) for c in range(self.c1, self.c2 + 1)]
                for r in range(self.r1, self.r2 + 1)]

    @value.setter
    def value(self, value):
        self._call("value=")
        rows = value if isinstance(value, list) and value and isinstance(value[0], list) else [[value]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.cells[(self.r1 + i, self.c1 + j)] = v

    @property
    def color(self):
        self._call("color")
        return self.sheet.colours.get((self.r1, self.c1))

    @color.setter
    def color(self, rgb):
        self._call("color=")
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                if rgb is None:
                    self.sheet.colours.pop((r, c), None)
                else:
                    self.sheet.colours[(r, c)] = tuple(rgb)

    @property
    def note(self):
        self._call("note")
        key = (self.r1, self.c1)
        return Note(self.sheet, key) if key in self.sheet.notes else None

    def add_note(self, text):
        self._call("add_note")
        assert (self.r1, self.c1) not in self.sheet.notes, "xlwings refuses a second note"
        self.sheet.notes[(self.r1, self.c1)] = text

    @property
    def font(self):
        return Font(self)

    @property
    def column_width(self):
        return None

    @column_width.setter
    def column_width(self, value):
        self._call("column_width=")


class Areas:
    """A multi-area range ("A1,B3,C5"): one call sets the colour of every area, as in Excel,
    which refuses an address longer than 255 characters."""

    def __init__(self, sheet, address):
        assert len(address) <= 255, f"Excel refuses a range address of {len(address)} characters"
        self.sheet, self.parts = sheet, [Range(sheet, *_rc(a)) for a in address.split(",")]

    @property
    def color(self):
        self.sheet.book.calls.append("color")
        found = {self.sheet.colours.get((p.r1, p.c1)) for p in self.parts}
        return found.pop() if len(found) == 1 else None

    @color.setter
    def color(self, rgb):
        self.sheet.book.calls.append("color=")
        for part in self.parts:
            if rgb is None:
                self.sheet.colours.pop((part.r1, part.c1), None)
            else:
                self.sheet.colours[(part.r1, part.c1)] = tuple(rgb)


class Sheet:
    def __init__(self, book, name, rows=()):
        self.book, self.name, self.visible = book, name, True
        self.cells = {(r + 1, c + 1): v for r, row in enumerate(rows) for c, v in enumerate(row)
                      if v is not None}
        self.colours, self.notes = {}, {}

    def range(self, a, b=None):
        self.book.calls.append("range")
        if isinstance(a, str) and "," in a:
            return Areas(self, a)
        r1, c1 = _rc(a) if isinstance(a, str) else a
        r2, c2 = (_rc(b) if isinstance(b, str) else b) if b is not None else (r1, c1)
        return Range(self, r1, c1, r2, c2)

    @property
    def used_range(self):
        self.book.calls.append("used_range")
        if not self.cells:
            return Range(self, 1, 1)
        return Range(self, 1, 1, max(r for r, _ in self.cells), max(c for _, c in self.cells))

    def clear(self):
        self.book.calls.append("clear")
        self.cells, self.colours, self.notes = {}, {}, {}

    def rows(self):
        """The values as a list of rows (for assertions)."""
        if not self.cells:
            return []
        rmax, cmax = max(r for r, _ in self.cells), max(c for _, c in self.cells)
        return [[self.cells.get((r, c)) for c in range(1, cmax + 1)] for r in range(1, rmax + 1)]


class Sheets:
    def __init__(self, book):
        self.book, self.items = book, []

    def __iter__(self):
        self.book.calls.append("sheets")
        return iter(list(self.items))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, key):
        self.book.calls.append("sheet")
        return self.items[key] if isinstance(key, int) else next(s for s in self.items if s.name == key)

    def add(self, name, after=None):
        self.book.calls.append("add")
        sheet = Sheet(self.book, name)
        self.items.insert(self.items.index(after) + 1 if after else 0, sheet)
        return sheet


class App:
    def __init__(self, book):
        self.book, self.status_bar, self.screen_updating, self.alerts = book, "", True, []

    def alert(self, prompt, title=None, **kw):
        self.book.calls.append("alert")
        self.alerts.append(prompt)


class Book:
    def __init__(self, sheets: dict[str, list[list]], fullname: str = ""):
        self.calls: list[str] = []
        self.fullname = fullname
        self.sheets = Sheets(self)
        self.sheets.items = [Sheet(self, name, rows) for name, rows in sheets.items()]
        self.app = App(self)
        self.selection = None          # a Range, as xlwings' Book.selection
