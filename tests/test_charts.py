import warnings

import pytest

from addin.report import charts


def test_font_file_is_noto_sans_sc():
    path = charts.font_file()
    assert path.is_file() and "NotoSansSC" in path.name


@pytest.mark.parametrize("draw", [
    lambda p: charts.pareto_chart(p, "故障帕累托", ["压缩机不启动", "不脱水"], [3, 1], [0.75, 1.0]),
    lambda p: charts.bar_chart(p, "按生产月份的故障单数", ["2026-01", "2026-02"], [4, 1]),
    lambda p: charts.bar_chart(p, "批次故障", ["KFR-35GW 2026-01"], [4], horizontal=True),
    lambda p: charts.stacked_chart(p, "上门时效达标", ["省会", "县城"], {"按时": [2, 0], "超时": [1, 1]}),
    lambda p: charts.bar_chart(p, "空的月份", [], []),
])
def test_charts_render_chinese_without_missing_glyphs(tmp_path, draw):
    path = tmp_path / "chart.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw(path)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_registered_font_is_what_matplotlib_resolves():
    from matplotlib import font_manager
    name = charts._setup()
    found = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    assert found == str(charts.font_file())


def _drawn(monkeypatch, draw, tmp_path):
    """Draw a chart and return its (figure, axes) as saved."""
    seen = {}
    real = charts._save

    def keep(fig, path):
        fig.canvas.draw()
        seen["fig"], seen["ax"] = fig, fig.axes[0]
        seen["boxes"] = [t.get_window_extent() for t in fig.axes[0].get_xticklabels() if t.get_text()]
        return real(fig, path)
    monkeypatch.setattr(charts, "_save", keep)
    draw(tmp_path / "c.png")
    return seen


def test_many_month_labels_do_not_overlap_and_counts_have_integer_ticks(monkeypatch, tmp_path):
    months = [f"20{24 + i // 12}-{i % 12 + 1:02d}" for i in range(30)]
    seen = _drawn(monkeypatch, lambda p: charts.bar_chart(p, "按生产月份(批次)的故障", months,
                                                          [1 + i % 3 for i in range(30)]), tmp_path)
    boxes = seen["boxes"]
    assert len(boxes) == 30
    assert all(not a.overlaps(b) for a, b in zip(boxes, boxes[1:]))
    assert all(float(v).is_integer() for v in seen["ax"].get_yticks())


def test_stacked_counts_have_integer_ticks_and_legend_clear_of_bars(monkeypatch, tmp_path):
    seen = _drawn(monkeypatch, lambda p: charts.stacked_chart(p, "上门时效达标", ["地级市", "县城", "乡镇"],
                                                              {"按时": [2, 1, 3], "超时": [1, 2, 0]}), tmp_path)
    ax = seen["ax"]
    assert all(float(v).is_integer() for v in ax.get_yticks())
    legend = ax.get_legend().get_window_extent()
    tops = [ax.transData.transform((0, 3))[1]]                    # the tallest stack is 3
    assert legend.y0 > max(tops)


def test_charts_are_sized_for_a_640_pixel_mail_body(tmp_path):
    from PIL import Image
    path = charts.bar_chart(tmp_path / "c.png", "批次", ["2026-01", "2026-02"], [4, 1])
    width = Image.open(path).size[0]
    assert 640 <= width <= 1280                                   # shown at 640: text neither tiny nor blurred
