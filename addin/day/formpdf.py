"""Drawing service orders (表7-27) as PDF pages: one A4 page per copy, three copies per order.

fpdf2 embeds a subset of the CJK font the charts use (addin.report.charts.font_file, Noto
Sans SC), so the characters print the same on any PC and printer. Each page: the dealer's
header, 编号, the copy's name (客户联 / 经销商存根联 / 厂家结算联) in the top corner and at the
foot; blocks for the customer, the product (是否三包期内 ticked from the engine's verdict), the
visit, the faults and solution, the fee lines, the satisfaction boxes, the signatures, and
the dealer's address and 24-hour phone from 设置. A blank form has the same blocks, empty.
`write_forms(forms, settings, out)` writes the file atomically.
"""
from __future__ import annotations

from pathlib import Path

from addin.book.factories import Resolver
from addin.book.columns import RATINGS
from addin.book.files import atomic_path
from addin.day.form import COPIES, FEE_LINES, OrderForm, clean

LEFT, TOP, WIDTH = 12.0, 10.0, 186.0       # mm; A4 is 210 x 297
LABEL_W, LINE_H, ROW_H = 25.0, 4.6, 8.0
GREY, DARK = (235, 235, 235), (40, 40, 40)
TALL_H = 11.0                               # free-text rows: room to write by hand
MAX_LINES = 4
TALL = ("reported_fault", "diagnosed_fault", "cause", "solution", "other_service")
TIMES = ("reported_at", "arrived_at", "left_at")
TIME_HINT = "月    日    时    分"
PAIRS = (  # (label, field) pairs per row of the grid; None value: handwritten
    ("客户信息", (("客户名称", "customer"), ("联系电话", "phone"))),
    (None, (("地址", "address"),)),
    ("产品信息", (("产品类型", "category"), ("服务类型", "service_type"))),
    (None, (("产品型号", "model"), ("产品序列号", "serial"))),
    (None, (("出厂日期", "production_date"), ("购买日期", "purchase_date"), ("使用工况", "usage"))),
    ("服务过程", (("报修时间", "reported_at"), ("售后人员", "technician"), ("到达人员数", "staff_count"))),
    (None, (("到达现场时间", "arrived_at"), ("离开现场时间", "left_at"), ("服务工时", "labour_hours"))),
    (None, (("报修故障", "reported_fault"),)),
    (None, (("现场确诊故障", "diagnosed_fault"),)),
    (None, (("原因分析", "cause"),)),
    (None, (("解决方案", "solution"),)),
    (None, (("更换配件", "parts"), ("单程距离(公里)", "distance_km"))),
    (None, (("其他服务", "other_service"),)),
)


class _Page:
    """One copy of one form on an fpdf2 page; `y` moves down as blocks are drawn."""

    def __init__(self, pdf, form: OrderForm, copy: str, settings):
        self.pdf, self.form, self.copy, self.settings, self.y = pdf, form, copy, settings, TOP

    def font(self, size: float) -> None:
        self.pdf.set_font("cjk", size=size)

    def text_at(self, x, y, w, h, text, size=9.5, align="L", fill=False, border=0) -> None:
        self.font(size)
        self.pdf.set_xy(x, y)
        self.pdf.cell(w, h, text, border=border, align=align, fill=fill)

    def lines_of(self, text: str, w: float) -> list[str]:
        """`text` wrapped to a box `w` wide (at most MAX_LINES; the cut says where the rest is)."""
        self.font(9.5)
        lines = self.pdf.multi_cell(w - 2, LINE_H, text, dry_run=True, output="LINES") if text else []
        if len(lines) > MAX_LINES:
            more, last = f"…(详见服务单第{self.form.row}行)", lines[MAX_LINES - 1]
            while last and self.pdf.get_string_width(last + more) > w - 2.5 - 2 * self.pdf.c_margin:
                last = last[:-1]
            lines = lines[:MAX_LINES - 1] + [last + more]
        return lines

    def labelled(self, x, w, h, label, lines, top=False) -> None:
        """A grey label cell LABEL_W wide and a value box beside it holding `lines`."""
        self.pdf.set_fill_color(*GREY)
        self.text_at(x, self.y, LABEL_W, h, label, size=8.5, align="C", fill=True, border=1)
        self.pdf.rect(x + LABEL_W, self.y, w - LABEL_W, h)
        self.font(9.5)
        self.pdf.set_xy(x + LABEL_W + 1, self.y + (2 if top else (h - len(lines) * LINE_H) / 2))
        self.pdf.multi_cell(w - LABEL_W - 2, LINE_H, "\n".join(lines))

    def box(self, x, y, checked: bool) -> None:
        self.pdf.rect(x, y, 3.2, 3.2)
        if checked:
            self.pdf.set_line_width(0.5)
            self.pdf.line(x + 0.5, y + 1.7, x + 1.4, y + 2.8)
            self.pdf.line(x + 1.4, y + 2.8, x + 2.9, y + 0.4)
            self.pdf.set_line_width(0.25)

    def choices(self, x, y, options, chosen) -> float:
        """Boxes with labels from x (the chosen one ticked); returns the x after the last."""
        for option in options:
            self.box(x, y + 2.2, option == chosen)
            self.font(9.5)
            w = self.pdf.get_string_width(option) + 2
            self.text_at(x + 4.5, y, w, ROW_H - 0.6, option)
            x += 4.5 + w + 6
        return x

    # ---- blocks ------------------------------------------------------------------------
    def header(self) -> None:
        pdf, s = self.pdf, self.settings
        self.text_at(LEFT, self.y, WIDTH, 8, clean(s.dealer_name), size=15, align="C")
        self.text_at(LEFT + WIDTH - 40, self.y - 2, 40, 7, self.copy, size=10, align="C", border=1)
        self.y += 9
        self.text_at(LEFT, self.y, WIDTH, 8, "售 后 服 务 单", size=14, align="C")
        self.text_at(LEFT + WIDTH - 70, self.y + 1, 70, 7, "编号:" + self.form.order_no, size=11, align="R")
        self.y += 10
        pdf.set_draw_color(*DARK)

    def grid_row(self, pairs) -> None:
        w = (WIDTH - 8) / len(pairs)
        wrapped = [self.lines_of(self.form.fields.get(f, ""), w - LABEL_W) for _, f in pairs]
        tall = len(pairs) == 1 and pairs[0][1] in TALL
        h = max(TALL_H if tall else ROW_H, max(len(ls) for ls in wrapped) * LINE_H + 3)
        x = LEFT + 8
        for (label, f), lines in zip(pairs, wrapped):
            self.labelled(x, w, h, label, lines)
            if not lines and f in TIMES:
                self.pdf.set_text_color(150, 150, 150)
                self.text_at(x + LABEL_W, self.y, w - LABEL_W - 1, h, TIME_HINT, size=8, align="R")
                self.pdf.set_text_color(0, 0, 0)
            x += w
        self.y += h

    def sections(self) -> None:
        starts = []
        for section, pairs in PAIRS:
            if section:
                starts.append((section, self.y))
            self.grid_row(pairs)
            if any(f == "usage" for _, f in pairs):
                self.warranty_row()
        ends = [y for _, y in starts[1:]] + [self.y]
        for (section, top), bottom in zip(starts, ends):
            self.pdf.set_fill_color(*GREY)
            self.pdf.rect(LEFT, top, 8, bottom - top, style="DF")
            step = min(4.2, (bottom - top - 1) / len(section))
            self.font(min(9, step * 2.3))
            self.pdf.set_xy(LEFT, top + (bottom - top - len(section) * step) / 2)
            self.pdf.multi_cell(8, step, "\n".join(section), align="C")

    def warranty_row(self) -> None:
        x = LEFT + 8
        self.pdf.set_fill_color(*GREY)
        self.text_at(x, self.y, LABEL_W, ROW_H, "是否三包期内", size=8.5, align="C", fill=True, border=1)
        self.pdf.rect(x + LABEL_W, self.y, WIDTH - 8 - LABEL_W, ROW_H)
        chosen = {True: "是", False: "否"}.get(self.form.in_warranty)
        after = self.choices(x + LABEL_W + 2, self.y, ("是", "否"), chosen)
        if self.form.verdict:
            self.text_at(after, self.y, 110, ROW_H, "系统判定:" + self.form.verdict, size=8.5)
        self.y += ROW_H

    def fees(self) -> None:
        self.y += 2
        w = (WIDTH - 8) / len(FEE_LINES)
        self.pdf.set_fill_color(*GREY)
        self.text_at(LEFT, self.y, 8, 2 * ROW_H, "收费", size=9, align="C", fill=True, border=1)
        for i, (key, label) in enumerate(FEE_LINES):
            x = LEFT + 8 + i * w
            self.text_at(x, self.y, w, ROW_H, label + "(元)", size=8.5, align="C", fill=True, border=1)
            self.text_at(x, self.y + ROW_H, w, ROW_H, self.form.fees.get(key, ""), size=10.5, align="C", border=1)
        self.y += 2 * ROW_H
        note = self.form.fee_note
        if self.copy == COPIES[2] and self.form.claim:
            factory = Resolver(self.settings.factory_list()).lookup(self.form.fields.get("brand", "")) \
                if self.settings.several_factories else None
            if self.settings.several_factories and factory is None:     # rules.fees.hold_unassigned
                note += ";品牌不属于设置中的任何厂家(或没有填),不能向厂家结算;改正“品牌”后重新打印"
            else:
                note += f";{'向' + factory + '结算' if factory else '厂家结算金额'} {self.form.claim} 元"
        self.note_row("收费说明", note, ROW_H)

    def note_row(self, label: str, text: str, min_h: float, top=False) -> None:
        """A full-width row: the label over the section column too, the text beside it."""
        lines = self.lines_of(text, WIDTH - 8 - LABEL_W)
        h = max(min_h, len(lines) * LINE_H + 3)
        self.labelled(LEFT + 8, WIDTH - 8, h, "", lines, top)
        self.pdf.set_fill_color(*GREY)
        self.text_at(LEFT, self.y, LABEL_W + 8, h, label, size=8.5, align="C", fill=True, border=1)
        self.y += h

    def rating(self) -> None:
        self.y += 2
        self.note_row("客户评价", "", ROW_H)
        self.choices(LEFT + 10 + LABEL_W, self.y - ROW_H, RATINGS, self.form.fields.get("rating"))
        self.note_row("客户意见", self.form.fields.get("comment", ""), 3 * ROW_H, top=True)

    def signatures(self) -> None:
        self.y += 6
        half = WIDTH / 2
        for x, label in ((LEFT, "客户签字:"), (LEFT + half, "售后人员签字:")):
            self.text_at(x, self.y, 26, 7, label)
            self.pdf.line(x + 26, self.y + 6, x + half - 6, self.y + 6)
        self.y += 10
        for x, label in ((LEFT, "日期:"), (LEFT + half, "联系电话:")):
            self.text_at(x, self.y, 26, 7, label)
            self.pdf.line(x + 26, self.y + 6, x + half - 6, self.y + 6)
        self.y += 10
        self.text_at(LEFT + half, self.y, 26, 7, "日期:")
        self.pdf.line(LEFT + half + 26, self.y + 6, LEFT + WIDTH - 6, self.y + 6)

    def footer(self) -> None:
        s = self.settings
        y = 297 - 22
        self.pdf.line(LEFT, y, LEFT + WIDTH, y)
        self.text_at(LEFT, y + 1, WIDTH * 0.62, 7, "经销商地址:" + (clean(s.dealer_address) or "________________"))
        self.text_at(LEFT + WIDTH * 0.62, y + 1, WIDTH * 0.38, 7,
                     "24小时服务电话:" + (clean(s.service_phone) or "____________"), align="R")
        n = COPIES.index(self.copy) + 1
        self.text_at(LEFT, y + 8, WIDTH, 6, f"第{'一二三'[n - 1]}联 {self.copy}" + (
            "(交客户保存)", "(经销商内部留存)", "(报厂家,作为结算依据)")[n - 1], size=8.5, align="C")

    def draw(self) -> None:
        self.header()
        self.sections()
        self.fees()
        self.rating()
        self.signatures()
        self.footer()


def new_pdf():
    from fpdf import FPDF
    from addin.report.charts import font_file
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(LEFT, TOP, LEFT)
    pdf.add_font("cjk", fname=str(font_file()))
    pdf.set_line_width(0.25)
    pdf.set_creator("aftersales")
    return pdf


def write_forms(forms: list[OrderForm], settings, out: Path | str) -> Path:
    """Three pages per form (客户联, 经销商存根联, 厂家结算联) into `out`, atomically."""
    pdf = new_pdf()
    pdf.set_title(f"{clean(settings.dealer_name)} 售后服务单")
    for form in forms:
        for copy in COPIES:
            pdf.add_page()
            _Page(pdf, form, copy, settings).draw()
    with atomic_path(out) as tmp:
        pdf.output(str(tmp))
    return Path(out)


def print_orders(wb, order_nos: list[str], blank: int, out: Path | str, prefix: str | None = None) -> list[OrderForm]:
    """The forms of `order_nos` then `blank` blank forms (numbers from form.blank_numbers),
    three copies each, written to `out`; the blank numbers are added to the list of issued
    numbers beside the workbook (form.issued_path) once the PDF is written. Returns the forms."""
    from addin.book.files import atomic_write_text
    from addin.day.form import blank_numbers, issued_numbers, issued_path, order_forms
    forms = order_forms(wb, order_nos) if order_nos else []
    ledger = issued_path(wb.path) if blank and wb.path is not None else None
    issued = issued_numbers(ledger) if ledger else []
    blanks = blank_numbers(wb, blank, prefix, issued)
    forms += [OrderForm(n) for n in blanks]
    write_forms(forms, wb.settings, out)
    if ledger and blanks:
        atomic_write_text(ledger, "".join(f"{n}\n" for n in issued + blanks))
    return forms
