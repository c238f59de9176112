"""PNG charts for the mail bodies (matplotlib, Agg), with Chinese labels on any machine.

The font is registered from a file, never looked up by family name alone: matplotlib's
defaults draw empty boxes for Chinese even where Chinese system fonts exist. First choice is
Noto Sans SC shipped by the PyPI package `pylopdf-fonts-zh-cn` (simplified forms, OFL);
then Microsoft YaHei on Windows; then common Linux/macOS CJK files. Each chart function
takes plain labels and numbers and writes one PNG atomically.

Sized for the mail body, which shows every chart 640 pixels wide: figures are 6.4 inches
wide at 150 dpi (sharp on high-density screens), so a 9 pt label is about 12 pixels on
screen. Counts get integer axes; many category labels are turned upright instead of
overlapping.
"""
from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path

from addin.book.files import atomic_path

FALLBACK_FONTS = (
    Path("C:/Windows/Fonts/msyh.ttc"), Path("C:/Windows/Fonts/msyh.ttf"),
    Path("C:/Windows/Fonts/simsun.ttc"),
    Path("/System/Library/Fonts/PingFang.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)
BAR = "#3b6ea8"
ALERT = "#c0504d"
GOOD = "#5b9b5b"
LINE = "#e08a1e"


class FontMissing(RuntimeError):
    """No font able to draw Chinese was found (install pylopdf-fonts-zh-cn)."""


def font_file() -> Path:
    """The file of the CJK font charts use."""
    try:
        from pylopdf_fonts_zh_cn import sans_path
        path = Path(sans_path())
        if path.is_file():
            return path
    except ImportError:
        pass
    for path in FALLBACK_FONTS:
        if path.is_file():
            return path
    raise FontMissing("找不到可显示中文的字体:请安装 pylopdf-fonts-zh-cn(pip install pylopdf-fonts-zh-cn)。")


@lru_cache(maxsize=1)
def _setup() -> str:
    """Select the Agg backend, register the font file, return its family name."""
    import matplotlib
    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager
    path = font_file()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name


def _wrap(label, width: int) -> str:
    """Wrap each line of a label (labels may carry their own line breaks)."""
    lines = [w for part in str(label).split("\n") for w in (textwrap.wrap(part, width) or [""])]
    return "\n".join(lines[:4])


WIDTH_IN, DPI = 6.4, 150


def _figure(title: str, size=(WIDTH_IN, 3.8)):
    _setup()
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=size, dpi=DPI)
    ax.set_title(title, fontsize=12, pad=10)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return Path(path)


def _empty(ax, text="本月无数据"):
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=12, color="#777777", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def bar_chart(path: Path, title: str, labels, values, *, ylabel: str = "单数",
              horizontal: bool = False, highlight=None) -> Path:
    """One bar per label, value printed on each bar; `highlight`: labels drawn in red."""
    labels, values = [str(v) for v in labels], [float(v) for v in values]
    height = max(3.2, 0.36 * len(labels) + 1.2) if horizontal else 3.8
    fig, ax = _figure(title, (WIDTH_IN, height))
    if not labels:
        _empty(ax)
        return _save(fig, path)
    colors = [ALERT if highlight and lab in highlight else BAR for lab in labels]
    fmt = "{:g}"
    if horizontal:
        pos = list(range(len(labels)))[::-1]
        bars = ax.barh(pos, values, color=colors)
        ax.set_yticks(pos, [_wrap(lab, 22) for lab in labels], fontsize=9)
        ax.set_xlabel(ylabel)
        ax.set_xlim(0, max(values) * 1.15 or 1)
        if all(float(v).is_integer() for v in values):
            _integer_ticks(ax.xaxis)
    else:
        bars = ax.bar(range(len(labels)), values, color=colors)
        rotate = 90 if len(labels) > 12 else 30 if len(labels) > 6 else 0
        ax.set_xticks(range(len(labels)), [_wrap(lab, 8) for lab in labels], fontsize=9 if rotate < 90 else 8,
                      rotation=rotate, ha="right" if rotate == 30 else "center",
                      rotation_mode="anchor" if rotate == 30 else "default")
        ax.set_xlim(-0.6, len(labels) - 0.4)
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, max(values) * 1.18 or 1)
        if all(float(v).is_integer() for v in values):
            _integer_ticks(ax.yaxis)
    ax.bar_label(bars, labels=[fmt.format(round(v, 2)) for v in values], fontsize=8, padding=2)
    return _save(fig, path)


LIGHT = "#9DB4CF"
REST = "#A6A6A6"


def pareto_chart(path: Path, title: str, labels, counts, cumulative) -> Path:
    """Horizontal bars in the given order, largest first on top (long Chinese labels stay
    readable), each with its count and the given cumulative share (0–1). The bars up to 80 %
    are dark, the rest light, a 其他 bar grey; the legend names only the colours drawn."""
    names, values = [" ".join(str(v).split()) for v in labels], [float(c) for c in counts]
    fig, ax = _figure(title, (WIDTH_IN, max(3.2, 0.36 * len(names) + 1.6)))
    if not names:
        _empty(ax)
        return _save(fig, path)
    cum = [100 * float(c or 0) for c in cumulative]
    pos = list(range(len(names)))[::-1]
    kinds = ["rest" if n.startswith("其他") else "vital" if i == 0 or cum[i - 1] < 80 else "minor"
             for i, n in enumerate(names)]
    colour = {"vital": BAR, "minor": LIGHT, "rest": REST}
    bars = ax.barh(pos, values, color=[colour[k] for k in kinds])
    ax.bar_label(bars, labels=[f"{v:g} 单 · 累计 {c:.0f}%" for v, c in zip(values, cum)], fontsize=8, padding=3)
    ax.set_yticks(pos, [_wrap(n, 22) for n in names], fontsize=9)
    ax.set_xlabel("故障单数")
    ax.set_xlim(0, max(values) * 1.45 or 1)
    _integer_ticks(ax.xaxis)
    if len(set(kinds)) > 1:
        from matplotlib.patches import Patch
        said = {"vital": "累计占 80% 的主要故障", "minor": "其余故障", "rest": "其他(合并)"}
        ax.legend(handles=[Patch(color=colour[k], label=said[k]) for k in said if k in kinds],
                  frameon=False, fontsize=8, loc="lower right")
    return _save(fig, path)


def _integer_ticks(axis) -> None:
    from matplotlib.ticker import MaxNLocator
    axis.set_major_locator(MaxNLocator(integer=True))


def stacked_chart(path: Path, title: str, labels, series: dict, *, ylabel: str = "单数") -> Path:
    """Stacked bars: `series` maps a legend name to one value per label (e.g. 按时/超时)."""
    labels = [str(v) for v in labels]
    fig, ax = _figure(title)
    if not labels or not series:
        _empty(ax)
        return _save(fig, path)
    palette = [GOOD, ALERT, BAR, LINE, "#888888"]
    bottom = [0.0] * len(labels)
    for i, (name, values) in enumerate(series.items()):
        values = [float(v) for v in values]
        bars = ax.bar(range(len(labels)), values, bottom=bottom, label=name, color=palette[i % len(palette)])
        ax.bar_label(bars, labels=[f"{v:g}" if v else "" for v in values], label_type="center",
                     fontsize=8, color="white")
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xticks(range(len(labels)), [_wrap(lab, 8) for lab in labels])
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, max(bottom) * 1.25 or 1)          # room above the tallest bar for the legend
    if all(float(v).is_integer() for v in bottom):
        _integer_ticks(ax.yaxis)
    ax.legend(frameon=False, fontsize=9, loc="upper right", ncol=len(series))
    return _save(fig, path)


def chart_data(table) -> dict:
    """What the PNG of a KPI table draws, taken from the table's own rows (no other counting):
    {"kind", "labels", "series": {name: values}, "cumulative"?}. The 合计 row is left out."""
    rows = [r for r in table.rows if r[0] != "合计"]
    if table.key.startswith("pareto"):
        return {"kind": "pareto", "labels": [r[0] for r in rows], "series": {"故障单数": [r[2] for r in rows]},
                "cumulative": [r[4] for r in rows]}
    if table.key == "model_batches":
        return {"kind": "hbar", "labels": [f"{r[0]} {r[1]}" for r in rows], "series": {"故障单数": [r[2] for r in rows]}}
    if table.key == "batches":
        return {"kind": "bar", "labels": [r[0] for r in rows], "series": {"故障单数": [r[1] for r in rows]}}
    if table.key == "promise":
        return {"kind": "stacked", "labels": [r[0] for r in rows],
                "series": {"按时": [r[3] for r in rows], "超时": [r[4] for r in rows]}}
    raise KeyError(f"no PNG chart for table {table.key}")


def table_png(table, path: Path) -> Path:
    """The PNG of a KPI table (pareto*, model_batches, batches, promise), drawn from chart_data."""
    d = chart_data(table)
    name, values = next(iter(d["series"].items()))
    if d["kind"] == "pareto":
        return pareto_chart(path, table.title, d["labels"], values, d["cumulative"])
    if d["kind"] in ("hbar", "bar"):
        return bar_chart(path, table.title, d["labels"], values, ylabel=name, horizontal=d["kind"] == "hbar")
    return stacked_chart(path, table.title, d["labels"], d["series"])
