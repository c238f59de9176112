"""The month's 回访 (return visit) numbers, a KPI table for the statistics book and the service
department's pack.

Input: the month's orders (summary.month_orders). Definitions:
- 应回访: the month's orders that were finished (离开现场时间 filled);
- 回访率 = those with a 回访日期 / 应回访; 及时回访: 回访日期 at most 设置 回访天数 days after the
  离开现场时间's day;
- the customer's word at the visit is read from 回访结果 by its rating word, the strongest first
  (很不满意/非常不满意 → 很不满意, 不满意/不太满意 → 不满意, 非常满意/很满意 → 非常满意, 满意, 一般);
  未接通/无人接听/打不通/联系不上/关机 → 未联系上; anything else → 未写明评价;
- 回访后满意率 = (非常满意 + 满意) / visits with a rating word;
- complaints (客户评价 不满意/很不满意) followed up = those with a 回访日期.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from addin.book.columns import RATINGS
from addin.report.tables import Table

WORDS = (("很不满意|非常不满意", "很不满意"), ("不满意|不太满意", "不满意"), ("非常满意|很满意", "非常满意"),
         ("满意", "满意"), ("一般", "一般"), ("未接通|无人接听|打不通|联系不上|未联系上|关机", "未联系上"))
UNRATED = "未写明评价"
COMPLAINTS = ("不满意", "很不满意")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def visit_word(results: pd.Series) -> pd.Series:
    """Each 回访结果 text → a rating, 未联系上 or 未写明评价 (whole column, first word that matches)."""
    text = results.fillna("").astype(str)
    conditions = [text.str.contains(pattern, regex=True) for pattern, _ in WORDS]
    return pd.Series(np.select(conditions, [w for _, w in WORDS], default=UNRATED), index=results.index)


def return_visits(orders: pd.DataFrame, settings=None) -> Table:
    """The 回访情况 table of the month's orders."""
    days = getattr(settings, "visit_after_days", 3)
    done = orders[orders["left_at"].notna()]
    visited = done[done["visit_date"].notna()]
    lag = (visited["visit_date"].dt.normalize() - visited["left_at"].dt.normalize()).dt.days
    n, v = len(done), len(visited)
    timely = int((lag <= days).sum())
    words = visit_word(visited["visit_result"]).value_counts()
    rated = int(sum(int(words.get(r, 0)) for r in RATINGS))
    good = int(words.get("非常满意", 0)) + int(words.get("满意", 0))
    complaints = orders[orders["rating"].isin(COMPLAINTS)]
    followed = int(complaints["visit_date"].notna().sum())
    rows = [("已完成服务单(应回访)", n, None), ("已回访(回访率)", v, _share(v, n)),
            (f"其中 {days} 天内回访", timely, _share(timely, n)), ("未回访", n - v, _share(n - v, n))]
    rows += [(f"回访结果:{r}", int(words.get(r, 0)), _share(int(words.get(r, 0)), rated)) for r in RATINGS]
    rows += [("回访结果:未联系上", int(words.get("未联系上", 0)), None),
             ("回访结果:" + UNRATED, int(words.get(UNRATED, 0)), None),
             ("回访后满意率(非常满意+满意)", good, _share(good, rated)),
             ("投诉单(客户评价不满意/很不满意)", len(complaints), None),
             ("其中已回访跟进", followed, _share(followed, len(complaints)))]
    return Table("visits", "回访情况", ("项目", "单数", "占比"), ("text", "int", "pct"), tuple(rows),
                 "回访率的分母为本月报修、已完成(有离开现场时间)的服务单;回访结果按其中的评价词归类,"
                 "各评价的占比以写明评价的回访为分母。")
