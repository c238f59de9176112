"""The dealer's settings (sheet 设置): who the dealer is, where packs go, how to mail.

`Settings()` holds example defaults; `settings_from_rows` reads the sheet's rows (as any
reader returns them: a list of lists of cell values) and reports bad cells as Issues.
The SMTP password is never stored here (environment or OS keyring only).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from addin.book.factories import (DEFAULT_DEPARTMENTS, FACTORY_HEADERS, Department, Factory, Resolver,  # noqa: F401
                                  cell_text, factory_table)
from addin.book.issues import ERROR, WARNING, CellRef, Issue
from addin.book.values import read_decimal

SETTINGS_SHEET = "设置"
EMAIL_SEPARATORS = re.compile("[,;\\s\u3001\uff0c\uff1b]+")   # also 、 ， ； and spaces between addresses
SECURITIES = ("ssl", "starttls", "none")
SETTLEMENT_MODELS = ("按单结算", "包干")


@dataclass(frozen=True)
class Settings:
    dealer_name: str = "示例家电商行"
    dealer_address: str = ""         # printed at the foot of every service order
    service_phone: str = ""          # the 24-hour service line, printed on the service order
    service_point: str = "示例县城服务网点"
    default_tier: str = "县城"
    sender: str = ""                 # From: address; defaults to smtp_user
    smtp_host: str = ""
    smtp_port: int = 465
    smtp_user: str = ""
    smtp_security: str = "ssl"
    send_day: int = 5                # day of the month the previous month's packs go out
    reply_days: int = 30             # departments answer each feedback item within this
    settlement_model: str = "按单结算"
    annual_sales: Decimal = Decimal(0)     # yuan, for the lump-sum comparison
    lump_sum_rate: Decimal = Decimal("0.02")  # share of annual sales the factory pays
    visit_after_days: int = 3        # a finished order is due for its 回访 after this many days
    mail_when_no_items: bool = False        # a department with no items: a short mail, or none
    departments: tuple[Department, ...] = DEFAULT_DEPARTMENTS
    factories: tuple[Factory, ...] = ()   # 设置's 厂家 table; () = the one factory of the keys above
    factory: str = ""                     # the factory these settings are for ('' = a single factory)

    def department(self, name: str) -> Department | None:
        return next((d for d in self.departments if d.name == name), None)

    def factory_list(self) -> tuple[Factory, ...]:
        """The factories the dealer serves: the 厂家 table, else one unnamed factory with the
        departments and settlement of the keys above."""
        return self.factories or (Factory("", departments=self.departments),)

    @property
    def several_factories(self) -> bool:
        return len(self.factories) > 1

    def for_factory(self, factory: Factory, named: bool = True) -> "Settings":
        """These settings as one factory's contract: its departments, settlement and reply
        deadline (a blank cell of its row: the key above). `named`: the outputs and ledgers
        carry its name (several factories); a single factory keeps today's names."""
        pick = lambda attr: getattr(self, attr) if getattr(factory, attr) is None else getattr(factory, attr)  # noqa: E731
        return replace(self, departments=factory.departments, factories=(factory,),
                       factory=factory.name if named else "",
                       **{a: pick(a) for a in ("settlement_model", "lump_sum_rate", "annual_sales", "reply_days")})


# label in column A of 设置 → (field, kind, note)
KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("经销商名称", "dealer_name", "text", "出现在月报和邮件标题中"),
    ("经销商地址", "dealer_address", "text", "印在服务单底部"),
    ("24小时服务电话", "service_phone", "text", "印在服务单底部,客户有问题打这个电话"),
    ("服务网点", "service_point", "text", "计算上门距离的出发地"),
    ("默认城市级别", "default_tier", "tier", "服务单未填城市级别时使用:省会/地级市/县城/乡镇"),
    ("发件人邮箱", "sender", "text", "留空则用SMTP用户名"),
    ("SMTP服务器", "smtp_host", "text", "如 smtp.exmail.qq.com;留空则邮件存为 .eml 文件"),
    ("SMTP端口", "smtp_port", "int", "SSL 一般 465,STARTTLS 一般 587"),
    ("SMTP用户名", "smtp_user", "text", "密码不要写在这里:用环境变量或系统凭据管理器"),
    ("SMTP加密方式", "smtp_security", "security", "ssl / starttls / none"),
    ("每月发送日", "send_day", "day", "每月这一天发送上个月的反馈包(1-28)"),
    ("回复期限(天)", "reply_days", "int", "各部门回复改进措施的期限"),
    ("结算方式", "settlement_model", "model", "按单结算 / 包干"),
    ("年销售额(元)", "annual_sales", "money", "包干结算时用于对比"),
    ("包干比例", "lump_sum_rate", "rate", "厂家按年销售额拨付售后费用的比例,如 0.02"),
    ("回访天数", "visit_after_days", "int", "完成服务后这么多天仍未回访的单,列入“今日工作”"),
    ("无事项时也发送", "mail_when_no_items", "yesno", "某部门本月没有需要回复的事项时:是 = 发一封简短通知;否 = 不发"),
)
DEPT_HEADERS = ("部门", "收件邮箱(多个用分号隔开)", "可见客户完整信息", "厂家(只有一个厂家时可不填)")
TABLE_HEADS = ("部门", "厂家")     # first cells of the departments and factories tables' header rows


def settings_rows(settings: Settings) -> list[tuple]:
    """The 设置 sheet's key/value rows (header row first), as the template writes them, then
    (for a dealer with a 厂家 table) a blank row and the 厂家 table."""
    rows = key_rows(settings)
    return rows + [(), *factory_rows(settings)] if settings.factories else rows


def key_rows(settings: Settings) -> list[tuple]:
    """The key/value rows of 设置, header row first."""
    rows = [("项目", "内容", "说明")]
    for label, attr, kind, note in KEYS:
        value = getattr(settings, attr)
        if isinstance(value, bool):
            value = "是" if value else "否"
        rows.append((label, float(value) if isinstance(value, Decimal) else value, note))
    return rows


def department_rows(settings: Settings) -> list[tuple]:
    """The departments table; with several factories each row names its factory."""
    rows = [DEPT_HEADERS]
    for f in settings.factory_list():
        for d in (f.departments if settings.several_factories else settings.departments):
            rows.append((d.name, ";".join(d.emails), "是" if d.full_customer_data else "否",
                         f.name if settings.several_factories else ""))
        if not settings.several_factories:
            break
    return rows


def factory_rows(settings: Settings) -> list[tuple]:
    """The 厂家 table, header first (only the header for a dealer with the single factory of the
    keys above)."""
    show = lambda v: "" if v is None else float(v) if isinstance(v, Decimal) else v  # noqa: E731
    return [FACTORY_HEADERS] + [(f.name, "、".join(f.brands), show(f.settlement_model), show(f.lump_sum_rate),
                                 show(f.annual_sales), show(f.reply_days)) for f in settings.factories]


_text = cell_text


def _convert(kind: str, raw: str):
    """Text of a settings cell → value, or raise ValueError with a Chinese reason."""
    if kind == "text":
        return raw
    if kind in ("int", "day"):
        d = read_decimal(raw, "any")
        if d != d.to_integral_value() or d < 0 or (kind == "day" and not 1 <= d <= 28):
            raise ValueError("请填 1 到 28 之间的整数" if kind == "day" else "请填不小于 0 的整数")
        return int(d)
    if kind in ("money", "rate"):
        d = read_decimal(raw, "money" if kind == "money" else "any", percent=True)
        if d < 0:
            raise ValueError("不能是负数")
        return d
    if kind == "yesno":
        if raw not in ("是", "否"):
            raise ValueError("请填 是 / 否 之一")
        return raw == "是"
    choices = {"tier": ("省会", "地级市", "县城", "乡镇"), "security": SECURITIES,
               "model": SETTLEMENT_MODELS}[kind]
    value = raw.lower() if kind == "security" else raw
    if value not in choices:
        raise ValueError("请填 " + " / ".join(choices) + " 之一")
    return value


def settings_from_rows(rows: list[list], sheet: str = SETTINGS_SHEET) -> tuple[Settings, list[Issue]]:
    """Read the 设置 sheet's cells. Unknown labels are ignored; bad values keep the default
    and give a warning at their cell. Below the keys: the factories table (header row starting
    厂家) and the departments table (header row starting 部门), in either order."""
    values, issues, by_label = {}, [], {k[0]: k for k in KEYS}
    heads = [r for r, row in enumerate(rows) if row and _text(row[0]) in TABLE_HEADS]
    for r, row in enumerate(rows[:heads[0] if heads else len(rows)]):
        label = _text(row[0]) if row else ""
        if label in by_label and len(row) > 1 and _text(row[1]) != "":
            _, attr, kind, note = by_label[label]
            try:
                values[attr] = _convert(kind, _text(row[1]))
            except (ValueError, InvalidOperation) as exc:
                issues.append(Issue(CellRef(sheet, r + 1, 2), label, "setting-invalid", WARNING,
                                    f"设置“{label}”的值“{_text(row[1])}”无效:{exc}。已按默认值处理。"))
    settings = replace(Settings(), **values)
    block = {_text(rows[r][0]): (r, next((h for h in heads if h > r), len(rows))) for r in reversed(heads)}
    factories = factory_table(rows, *block["厂家"], sheet, issues, _convert) if "厂家" in block else ()
    depts = _department_table(rows, *block["部门"], sheet, issues) if "部门" in block else None
    return _with_factories(settings, factories, depts, sheet, issues), issues


def _department_table(rows, start: int, stop: int, sheet: str, issues) -> list[tuple[int, Department, str]]:
    """(Excel row, Department, its 厂家 cell) of the departments table."""
    out = []
    for r in range(start + 1, stop):
        row = list(rows[r]) + [None, None, None, None]
        name = _text(row[0])
        if not name:
            continue
        emails = tuple(e.strip() for e in EMAIL_SEPARATORS.split(_text(row[1])) if e.strip())
        for e in emails:
            if "@" not in e:
                issues.append(Issue(CellRef(sheet, r + 1, 2), DEPT_HEADERS[1], "setting-email-invalid",
                                    ERROR, f"部门“{name}”的邮箱“{e}”不是有效的邮箱地址,请改成 name@example.com 这样的格式。"))
        out.append((r + 1, Department(name, tuple(e for e in emails if "@" in e), _text(row[2]) == "是"),
                    _text(row[3])))
    return out


def _with_factories(settings: Settings, factories, depts, sheet: str, issues) -> Settings:
    """Settings with each department given to its factory (the 厂家 cell: a factory's name or
    one of its brands). Without a 厂家 table the departments' 厂家 cells name the factories."""
    if not factories and depts and len({f for _, _, f in depts if f}) > 1:
        factories = tuple(Factory(name) for name in dict.fromkeys(f for _, _, f in depts if f))
    if not factories:
        return settings if depts is None else replace(settings, departments=tuple(d for _, d, _ in depts))
    resolver, mine = Resolver(factories), {f.name: [] for f in factories}
    for row, dept, cell in depts if depts is not None else ():
        owner = (resolver.of(cell) if cell else None) if len(factories) > 1 else factories[0].name
        if len(factories) == 1 and cell and not resolver.known(cell):
            owner = None
        if owner is None:
            code = "setting-factory-unknown" if cell else "setting-department-factory-missing"
            known = "、".join(f.name for f in factories)
            issues.append(Issue(CellRef(sheet, row, 4), DEPT_HEADERS[3], code, ERROR,
                                f"部门“{dept.name}”的厂家“{cell}”不在厂家表中(有:{known}),这一行不会收到反馈包。" if cell
                                else f"设置了多个厂家,部门“{dept.name}”要填厂家({known}之一),否则不知道"
                                     "该把哪个厂家的反馈包发给它。这一行不会收到反馈包。"))
            continue
        mine[owner].append(dept)
    factories = tuple(replace(f, departments=tuple(mine[f.name]) if depts is not None else settings.departments)
                      for f in factories)
    if len(factories) == 1:
        return settings.for_factory(factories[0], named=False)
    # every factory's departments (each mails only through its factory: Loaded.for_factory)
    return replace(settings, factories=factories, departments=tuple(d for f in factories for d in f.departments))
