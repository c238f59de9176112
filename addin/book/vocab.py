"""The analysis vocabulary of the dealer's workbook: cause classes, the fault list, the sales ledger.

Three editable sheets (written by the template, read here like policy_sheet reads the policy):
- 原因分类 (原因类别, 归属, 关键词, 说明): each order's failure falls into one class. The
  class is the clerk's own choice in the 服务单 column 原因类别 when it names a class; else the
  first row whose keyword appears in 原因分析, then in 现场确诊故障 / 报修故障 (so put the
  specific classes — 非故障, 运输, 安装 — above the broad product-quality ones); else 原因不明.
  归属 routes the class: 产品质量 feeds the quality, R&D and production items; 服务过程
  (transport, installation) the service department's pack; 用户与环境 and 非故障 no item.
- 故障代码 (产品类型, 故障代码, 故障名称, 同义词): the fault list per category, a dropdown for
  现场确诊故障 and the key that groups free text ("不冷", "制冷差" → 不制冷).
- 销售台账 (月份, 产品型号, 销售数量, 生产月份): optional; what a sales system exports. With it
  the packs show failure rates; without it, counts.
A sheet that is absent means the defaults (原因分类, 故障代码) or no sales; a cell that makes no
sense is a warning at its cell and the row is left out.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from addin.book.issues import WARNING, CellRef, Issue

CAUSE_SHEET, FAULT_SHEET, SALES_SHEET = "原因分类", "故障代码", "销售台账"
CAUSE_HEADERS = ("原因类别", "归属", "关键词(顿号分隔)", "说明")
FAULT_HEADERS = ("产品类型", "故障代码", "故障名称", "同义词(顿号分隔)")
SALES_HEADERS = ("月份", "产品型号", "销售数量", "生产月份(可选)")
QUALITY, SERVICE, USER, NONE, UNKNOWN = "产品质量", "服务过程", "用户与环境", "非故障", "不明"
GROUPS = (QUALITY, SERVICE, USER, NONE, UNKNOWN)
UNKNOWN_CLASS = "原因不明"
CAUSE_LIST_NAME, FAULT_LIST_NAME = "原因类别列表", "故障名称列表"
SCAN_ROWS = 10


@dataclass(frozen=True)
class CauseClass:
    name: str
    group: str
    keywords: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Fault:
    category: str              # "" = any category
    code: str
    name: str
    synonyms: tuple[str, ...] = ()


DEFAULT_CLASSES: tuple[CauseClass, ...] = (
    CauseClass("非故障", NONE, ("咨询", "情况属实", "非质量问题", "正常现象", "无故障", "未发现故障", "未见异常", "使用指导", "讲解",
                             "设置问题", "操作指导"), "不是产品故障,不作为反馈事项"),
    CauseClass("运输仓储", SERVICE, ("运输", "磕碰", "搬运", "仓储", "到货", "跌落", "压坏", "外包装"),
               "送货、仓储造成的损坏:经销商和物流的改进事项"),
    CauseClass("安装问题", SERVICE, ("安装", "接线错误", "未调平", "移机", "排水管", "管路连接"),
               "安装不当:经销商自己的改进事项"),
    CauseClass("用户使用/环境", USER, ("电压", "雷击", "进水", "受潮", "鼠咬", "老鼠", "虫", "蟑螂", "误操作",
                                  "使用不当", "人为", "灰尘", "脏堵", "水质", "水压", "水垢", "油污", "偏心",
                                  "拉链", "杂物", "残渣", "硬币", "摔", "未清洗", "未保养", "客户更换"), "使用或环境造成,不作为厂家事项"),
    CauseClass("制造工艺", QUALITY, ("虚焊", "焊接", "装配", "漏装", "松脱", "松动", "接插件", "工艺", "来料", "批次"),
               "生产、装配造成:生产部和质量部"),
    CauseClass("设计缺陷", QUALITY, ("设计", "结构", "软件", "程序缺陷", "散热不良"), "设计造成:研发部"),
    CauseClass("元器件故障", QUALITY, ("元件", "元器件", "电容", "芯片", "老化", "击穿", "烧毁", "损坏", "灯条",
                                "压缩机", "电机", "主板", "电脑板", "漏氟", "漏水", "传感器", "磁控管", "失效", "故障"),
               "零部件失效:质量部和研发部"),
    CauseClass(UNKNOWN_CLASS, UNKNOWN, (), "关键词都不匹配、又没有选择类别的单"),
)

_F = (
    ("电视", "TV01", "无图像", "黑屏、不显示、开机无图像、无画面、背光不亮"),
    ("电视", "TV02", "无伴音", "没声音、无声音、声音小"), ("电视", "TV03", "屏幕异常", "花屏、竖线、横线、亮线、闪屏"),
    ("电视", "TV04", "不开机", "无法开机、开不了机、指示灯不亮"), ("电视", "TV05", "遥控失灵", "遥控器无反应、遥控不灵"),
    ("冰箱", "BX01", "不制冷", "制冷差、不冷、制冷效果差、冷藏不冷、冷冻不冷"), ("冰箱", "BX02", "噪音大", "异响、响声大、噪声大"),
    ("冰箱", "BX03", "漏水", "渗水、积水"), ("冰箱", "BX04", "结冰结霜", "结冰、结霜、冰堵"),
    ("冰箱", "BX05", "不通电", "不开机、无电源"),
    ("洗衣机", "XY01", "不脱水", "脱水不了、甩干不了"), ("洗衣机", "XY02", "不排水", "排水慢、排不出水"),
    ("洗衣机", "XY03", "不进水", "进水慢"), ("洗衣机", "XY04", "噪音大", "异响、振动大、响声大"),
    ("洗衣机", "XY05", "漏水", "渗水"), ("洗衣机", "XY06", "不开机", "无法启动、不通电"),
    ("空调", "KT01", "不制冷", "制冷差、不冷、制冷效果差、制冷不好"), ("空调", "KT02", "不制热", "制热差、不热"),
    ("空调", "KT03", "漏水", "滴水、室内机漏水"), ("空调", "KT04", "噪音大", "异响、响声大"),
    ("空调", "KT05", "显示故障代码", "报故障码、显示E、报警"), ("空调", "KT06", "不开机", "开不了机、无反应"),
    ("空调", "KT07", "压缩机不启动", "压缩机不转、压缩机不工作、压缩机损坏"), ("空调", "KT08", "缺氟", "漏氟、制冷剂不足、缺制冷剂"),
    ("电视", "TV06", "背光板损坏", "背光灯条损坏、灯条损坏、背光灯条老化"), ("冰箱", "BX06", "压缩机不启动", "压缩机不转、压缩机损坏"),
    ("洗衣机", "XY07", "排水泵堵塞", "排水泵堵、排水泵损坏"),
    ("热水器", "RS01", "不加热", "不热、加热慢、水不热"), ("热水器", "RS02", "漏水", "渗水、滴水"),
    ("热水器", "RS03", "漏电", "漏电保护跳闸、跳闸"), ("热水器", "RS04", "不点火", "点不着、打不着火"),
    ("微波炉", "WB01", "不加热", "加热慢、不热"), ("微波炉", "WB02", "转盘不转", "托盘不转"),
    ("微波炉", "WB03", "打火", "冒火花、打火花"), ("微波炉", "WB04", "不开机", "不通电、无反应"),
)
DEFAULT_FAULTS: tuple[Fault, ...] = tuple(Fault(c, k, n, tuple(s.split("、"))) for c, k, n, s in _F)


@dataclass(frozen=True)
class Vocab:
    classes: tuple[CauseClass, ...] = DEFAULT_CLASSES
    faults: tuple[Fault, ...] = DEFAULT_FAULTS
    sales: pd.DataFrame | None = None     # month (YYYY-MM), model, qty, prod_month (or None)
    issues: tuple[Issue, ...] = field(default=())

    def group_of(self, name: str) -> str:
        return next((c.group for c in self.classes if c.name == name), UNKNOWN)

    @property
    def unknown_class(self) -> str:
        return next((c.name for c in self.classes if c.group == UNKNOWN), UNKNOWN_CLASS)


def norm(v) -> str:
    """Cell text for matching: NFKC (full-width → half-width), no spaces."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v)))


def split_words(v) -> tuple[str, ...]:
    return tuple(w for w in (norm(p) for p in re.split(r"[、,,;;/|]", str(v or ""))) if w)


def _on_unique(frame: pd.DataFrame, cols, compute) -> pd.Series:
    """`compute` on the distinct combinations of `cols` only (free text repeats a lot: a year of
    100,000 orders has a few thousand), normalised (`norm`) there, mapped back to every row."""
    if frame.empty:
        return pd.Series([], index=frame.index, dtype=object)
    raw = pd.DataFrame({c: frame[c].astype(object) if c in frame else None for c in cols},
                       index=frame.index).fillna("").astype(str)
    codes, uniq = pd.MultiIndex.from_frame(raw).factorize()
    keys = pd.DataFrame({c: [norm(v) for v in uniq.get_level_values(i)] for i, c in enumerate(cols)})
    values = compute(keys).to_numpy(dtype=object)
    return pd.Series(values[codes], index=frame.index, dtype=object)


def _classify(t: pd.DataFrame, vocab: Vocab) -> pd.Series:
    out = t["cause_class"].where(t["cause_class"].isin({c.name for c in vocab.classes}), "")
    for text in (t["cause"], t["diagnosed_fault"] + "|" + t["reported_fault"]):
        for c in vocab.classes:
            if c.keywords:
                hit = (out == "") & text.str.contains("|".join(map(re.escape, c.keywords)), regex=True)
                out = out.mask(hit, c.name)
    return out.mask(out == "", vocab.unknown_class)


def classify(frame: pd.DataFrame, vocab: Vocab) -> pd.Series:
    """Each order's cause class: the chosen 原因类别, else the first class whose keyword is in
    原因分析, else in 现场确诊故障 / 报修故障, else the unknown class."""
    return _on_unique(frame, ("cause_class", "cause", "diagnosed_fault", "reported_fault"),
                      lambda t: _classify(t, vocab))


def _faults(t: pd.DataFrame, vocab: Vocab) -> pd.Series:
    """Per distinct (category, 现场确诊故障, 报修故障): the first fault-list term (longest first)
    that is the whole 现场确诊故障 of the order's category, else one inside it, else the same for
    报修故障; else the text as typed (a few thousand distinct rows, so a plain loop)."""
    terms = [(term, f.name, norm(f.category) if f.category else None)
             for term, f in sorted(((term, f) for f in vocab.faults for term in {norm(f.name), *f.synonyms} if term),
                                   key=lambda p: -len(p[0]))]

    def name(cat: str, texts) -> str:
        for text in texts:
            for exact in (True, False):      # a whole name or synonym first, then one inside the text
                for term, fault, scope in terms:
                    if fault and (scope is None or cat == scope) and (text == term if exact else term in text):
                        return fault
        return texts[0] or texts[1] or "(未填故障)"
    return pd.Series([name(c, (d, r)) for c, d, r in zip(t["category"], t["diagnosed_fault"], t["reported_fault"])],
                     index=t.index, dtype=object)


def fault_names(frame: pd.DataFrame, vocab: Vocab) -> pd.Series:
    """Each order's fault as a name of the fault list (its 现场确诊故障, else its 报修故障, matched
    by name or synonym within its category); text matching nothing stays as typed (no spaces)."""
    return _on_unique(frame, ("category", "diagnosed_fault", "reported_fault"), lambda t: _faults(t, vocab))


def _header_at(rows, headers) -> int | None:
    first = norm(headers[0])
    for r, row in enumerate(rows[:SCAN_ROWS]):
        if row and norm(row[0]) == first:
            return r
    return None


def _body(rows, headers):
    h = _header_at(rows, headers)
    if h is None:
        return None
    return [(h + 2 + i, list(x) + [""] * len(headers)) for i, x in enumerate(rows[h + 1:])
            if any(norm(c) for c in list(x)[:len(headers)])]


def _warn(issues, sheet, row, col, code, message) -> None:
    issues.append(Issue(CellRef(sheet, row, col), sheet, code, WARNING, message))


def read_classes(rows, issues) -> tuple[CauseClass, ...]:
    body = _body(rows, CAUSE_HEADERS) if rows is not None else None
    if not body:
        return DEFAULT_CLASSES
    out = []
    for r, c in body:
        name, group = norm(c[0]), norm(c[1])
        if not name:
            continue
        if group not in GROUPS:
            _warn(issues, CAUSE_SHEET, r, 2, "vocab-group-invalid",
                  f"“{CAUSE_SHEET}”中“{name}”的归属“{group}”无效,请填 {' / '.join(GROUPS)} 之一;这一行未使用。")
            continue
        out.append(CauseClass(name, group, split_words(c[2]), str(c[3] or "")))
    if not any(c.group == UNKNOWN for c in out):
        out.append(DEFAULT_CLASSES[-1])
    return tuple(out)


def read_faults(rows, issues) -> tuple[Fault, ...]:
    body = _body(rows, FAULT_HEADERS) if rows is not None else None
    if not body:
        return DEFAULT_FAULTS
    out = tuple(Fault(norm(c[0]), norm(c[1]), norm(c[2]), split_words(c[3])) for _, c in body if norm(c[2]))
    return out or DEFAULT_FAULTS


def sales_month(v) -> str | None:
    """'2026-10', '2026/10', '2026年10月', 202610 or a date → '2026-10'; None when not a month."""
    if isinstance(v, (datetime, date)):
        return f"{v.year:04d}-{v.month:02d}"
    m = re.fullmatch(r"(\d{4})(?:[-/.年])?(\d{1,2})(?:月|[-/.]\d{1,2}日?)?(?:0:00:00|00:00:00)?", norm(v))
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    return None


def _qty(v) -> int | None:
    text = norm(v).replace(",", "").rstrip("台件个")
    try:
        q = float(text)
    except ValueError:
        return None
    return int(q) if q >= 0 and q == int(q) else None


def read_sales(rows, issues) -> pd.DataFrame | None:
    """The 销售台账 rows as a frame (month, model, qty, prod_month), or None without the sheet."""
    if rows is None:
        return None
    body = _body(rows, SALES_HEADERS)
    if body is None:
        _warn(issues, SALES_SHEET, 1, 1, "sales-header-missing",
              f"“{SALES_SHEET}”工作表找不到表头“{'、'.join(SALES_HEADERS[:3])}”,未计算故障率。")
        return None
    out = []
    for r, c in body:
        month, model, qty = sales_month(c[0]), norm(c[1]), _qty(c[2])
        prod = sales_month(c[3]) if norm(c[3]) else None
        bad = [(1, "月份", "如 2026-10")] if month is None else []
        bad += [(2, "产品型号", "不能为空")] if not model else []
        bad += [(3, "销售数量", "请填不小于 0 的整数")] if qty is None else []
        bad += [(4, "生产月份", "如 2026-03,或空着")] if norm(c[3]) and prod is None else []
        for col, label, hint in bad:
            _warn(issues, SALES_SHEET, r, col, "sales-value-invalid",
                  f"“{SALES_SHEET}”第 {r} 行“{label}”的值“{c[col - 1]}”无效({hint});这一行未计入销量。")
        if not bad:
            out.append((month, model, qty, prod))
    return pd.DataFrame(out, columns=["month", "model", "qty", "prod_month"]) if out else None


def load_vocab(rows_of) -> Vocab:
    """The workbook's vocabulary (`rows_of`: sheet name → rows or None, as for load_policy)."""
    issues: list[Issue] = []
    classes = read_classes(rows_of(CAUSE_SHEET), issues)
    faults = read_faults(rows_of(FAULT_SHEET), issues)
    sales = read_sales(rows_of(SALES_SHEET), issues)
    return Vocab(classes, faults, sales, tuple(issues))


def class_rows(vocab: Vocab = Vocab()) -> list[tuple]:
    return [(c.name, c.group, "、".join(c.keywords), c.note) for c in vocab.classes]


def fault_rows(vocab: Vocab = Vocab()) -> list[tuple]:
    return [(f.category, f.code, f.name, "、".join(f.synonyms)) for f in vocab.faults]
