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


PARETO_TOP = 12


def pareto_chart(path: Path, title: str, labels, counts) -> Path:
    """Horizontal bars sorted by count, largest on top (long Chinese labels stay readable),
    each with its count and the cumulative share; beyond the top 12 the rest is one 其他 bar.
    The 80 % line of the classic Pareto is marked by colouring the bars that reach it."""
    pairs = sorted(zip([" ".join(str(v).split()) for v in labels], [float(c) for c in counts]),
                   key=lambda p: -p[1])
    if len(pairs) > PARETO_TOP:
        rest = sum(v for _, v in pairs[PARETO_TOP - 1:])
        pairs = pairs[:PARETO_TOP - 1] + [(f"其他({len(pairs) - PARETO_TOP + 1}项)", rest)]
    fig, ax = _figure(title, (WIDTH_IN, max(3.2, 0.36 * len(pairs) + 1.4)))
    if not pairs:
        _empty(ax)
        return _save(fig, path)
    names, values = [p[0] for p in pairs], [p[1] for p in pairs]
    total, running, cum = sum(values), 0.0, []
    for v in values:
        running += v
        cum.append(100 * running / total if total else 0)
    pos = list(range(len(names)))[::-1]
    vital = [i == 0 or cum[i - 1] < 80 for i in range(len(values))]   # the bars that make up 80 %
    bars = ax.barh(pos, values, color=[BAR if v else "#9DB4CF" for v in vital])
    ax.bar_label(bars, labels=[f"{v:g} 单 · 累计 {c:.0f}%" for v, c in zip(values, cum)], fontsize=8, padding=3)
    ax.set_yticks(pos, [_wrap(n, 22) for n in names], fontsize=9)
    ax.set_xlabel("故障单数(深色:累计占 80% 的主要问题)")
    ax.set_xlim(0, max(values) * 1.45 or 1)
    _integer_ticks(ax.xaxis)
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
