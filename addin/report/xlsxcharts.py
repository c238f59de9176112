"""Native Excel charts for the KPI tables (statistics workbook and department packs).

`native_chart` returns the chart for a table placed by `xlsxout.write_table` with its size in
pixels, or None where a table reads better than a chart (or has nothing to draw). Long
category lists (production months, the fault Pareto) become horizontal bars, first row on
top, with a height that grows with the number of bars, so every label stays horizontal and
readable; counts get integer axes.
"""
from __future__ import annotations

from addin.report.tables import Table
from addin.report.xlsxout import Placed

WIDTH = 520
HEIGHT = 260                         # three table+chart blocks to a printed page (sheetpages)
BAR_PX = 20                          # height per category of a horizontal bar chart
FONT = {"name": "Microsoft YaHei", "size": 9}
GOOD, ALERT = "#5B9B5B", "#C0504D"
TOTAL_ROWS = ("by_type", "fees", "promise", "early")


def _series(sheet, p: Placed, cat_col, val_col, name, rows, **extra) -> dict:
    first, last = rows
    cats = [sheet, first, p.col + cat_col[0], last, p.col + cat_col[1]] if isinstance(cat_col, tuple) else \
        [sheet, first, p.col + cat_col, last, p.col + cat_col]
    return {"name": name, "categories": cats, "values": [sheet, first, p.col + val_col, last, p.col + val_col],
            **extra}


def _drawable(key: str, table: Table) -> bool:
    rows = [r for r in table.rows if r[0] != "合计"] if key in TOTAL_ROWS else list(table.rows)
    if key == "replies":
        return any(r[5] is not None for r in rows)
    if key == "by_type":
        return bool(rows) and len(table.headers) > 2
    return bool(rows)


def _bar(book, ws, sheet, p, key, table, rows, label_col):
    """Horizontal bars, first table row on top: categories from the table's first column,
    counts from its count column (the Pareto's 故障单数, a batch table's 故障单数); a 其他 row grey."""
    n = rows[1] - rows[0] + 1
    ch = book.add_chart({"type": "bar"})
    cats, val = 0, (2 if key.startswith("pareto") else 1)
    rest = [None] * (n - 1) + [{"fill": {"color": "#A6A6A6"}}] if str(table.rows[-1][0]).startswith("其他") else None
    ch.add_series(_series(sheet, p, cats, val, "故障单数", rows, data_labels={"value": True, "font": FONT},
                          gap=60, points=rest))
    ch.set_y_axis({"reverse": True, "num_font": FONT})
    ch.set_x_axis(_count_axis(_max(table, val), 10))
    ch.set_legend({"none": True})
    return ch, max(HEIGHT, 70 + BAR_PX * n)


def _max(table: Table, col: int) -> float:
    """Largest number in a column, the 合计 row left out."""
    return max((r[col] for r in table.rows if r[0] != "合计" and isinstance(r[col], (int, float))), default=0)


def _count_axis(top: float, step_one_upto: int) -> dict:
    """An axis of counts: integers only (steps of 1 while the largest count is small)."""
    axis = {"num_format": "0", "num_font": FONT, "min": 0,
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    if top <= step_one_upto:
        axis.update(major_unit=1, max=max(int(top) + 1, 2))
    return axis


def _column(book, sheet, p, key, table, rows):
    counts = {"by_type": -1, "promise": 2, "satisfaction": 1}         # column holding each bar's count
    if key == "by_type":
        ch = book.add_chart({"type": "column", "subtype": "stacked"})
        for j in range(1, len(table.headers) - 1):
            ch.add_series(_series(sheet, p, 0, j, table.headers[j], rows, gap=80))
    elif key == "fees":
        ch = book.add_chart({"type": "column"})
        ch.add_series(_series(sheet, p, 0, 2, "应收客户合计", rows))
        ch.add_series(_series(sheet, p, 0, 5, "厂家结算金额", rows))
        ch.set_y_axis({"num_format": "#,##0", "num_font": FONT})
    elif key == "promise":
        ch = book.add_chart({"type": "column", "subtype": "stacked"})
        ch.add_series(_series(sheet, p, 0, 3, "按时", rows, fill={"color": GOOD}, gap=80,
                              data_labels={"value": True, "font": {**FONT, "color": "white"}}))
        ch.add_series(_series(sheet, p, 0, 4, "超时", rows, fill={"color": ALERT},
                              data_labels={"value": True, "font": {**FONT, "color": "white"}}))
    else:                                               # satisfaction: the five ratings
        ch = book.add_chart({"type": "column"})
        ch.add_series(_series(sheet, p, 0, 1, "单数", (rows[0], rows[0] + 4), data_labels={"value": True},
                              gap=80))
        ch.set_legend({"none": True})
    if key in counts:
        ch.set_y_axis(_count_axis(_max(table, counts[key]), 8))
    ch.set_x_axis({"num_font": FONT})
    return ch, HEIGHT


def native_chart(book, ws, key: str, table: Table, p: Placed, sheet: str, label_col: int,
                 tallest: int = 720):
    """(chart, width_px, height_px) for the KPI table `key` placed at `p` on `ws`, or None.
    `label_col`: a spare (hidden) column for category labels the table does not hold;
    `tallest`: the most pixels the chart may take (a printed page)."""
    if p.empty or key not in ("by_type", "warranty", "fees", "promise", "satisfaction", "replies",
                              "pareto", "pareto_quality", "batches") or not _drawable(key, table):
        return None
    n = len(table.rows)
    rows = (p.first, p.last - (1 if key in TOTAL_ROWS else 0))
    if key == "warranty":                                # the last three rows: 保内合计, 保外合计, 无法判定
        ch = book.add_chart({"type": "pie"})
        ch.add_series(_series(sheet, p, 0, 2, "单数", (p.first + n - 3, p.last),
                              data_labels={"percentage": True, "category": True, "font": FONT,
                                           "position": "best_fit"}))
        height = HEIGHT
    elif key == "replies":
        ch = book.add_chart({"type": "bar"})
        ch.add_series(_series(sheet, p, 0, 5, "回复率", rows, data_labels={"value": True, "font": FONT}))
        ch.set_x_axis({"min": 0, "max": 1, "num_format": "0%", "num_font": FONT})
        ch.set_y_axis({"reverse": True, "num_font": FONT})
        ch.set_legend({"none": True})
        height = max(HEIGHT, 70 + BAR_PX * n)
    elif key in ("pareto", "pareto_quality", "batches"):
        ch, height = _bar(book, ws, sheet, p, key, table, rows, label_col)
    else:
        ch, height = _column(book, sheet, p, key, table, rows)
    ch.set_title({"name": table.title, "name_font": {"name": FONT["name"], "size": 11, "bold": True}})
    if key not in ("pareto", "pareto_quality", "batches", "replies", "satisfaction"):
        ch.set_legend({"position": "bottom", "font": FONT})
    height = min(height, tallest)
    ch.set_size({"width": WIDTH, "height": height})
    return ch, WIDTH, height
