import warnings

import pytest

from addin import charts


def test_font_file_is_noto_sans_sc():
    path = charts.font_file()
    assert path.is_file() and "NotoSansSC" in path.name


@pytest.mark.parametrize("draw", [
    lambda p: charts.pareto_chart(p, "故障帕累托(按型号+故障)", ["KFR-35GW\n压缩机不启动", "XQB80\n不脱水"], [3, 1]),
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
