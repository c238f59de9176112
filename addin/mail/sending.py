"""Sending a workbook's packs: the one place that picks the transport (SMTP when a server is
configured, else .eml files in 发件箱/ beside the workbook), holds the run lock, settles what a
stopped run left behind and describes the result in Chinese. Used by `aftersales send`,
`send-due`, the demo and the Excel button; no click here.
"""
from __future__ import annotations

import re
import sqlite3
import tempfile
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from addin import clock

from addin.book.files import safe_component
from addin.mail.dispatch import EML, MonthResult, send_month
from addin.mail.due import due_months, order_months
from addin.book.months import month_label
from addin.mail.mailer import MailError, smtp_config, subject_for
from addin.mail.outbox import LockBusy
from addin.mail import outbox
from addin.mail.outbox import Ledger, ledger_error, legacy_ledger_path, run_lock, shared_ledger_path

OUTBOX_FOLDER = "发件箱"


def outbox_folder(workbook: Path) -> Path:
    return Path(workbook).parent / OUTBOX_FOLDER


def log_path(workbook: Path) -> Path:
    return Path(workbook).with_name(Path(workbook).stem + "_自动发送日志.txt")


@contextmanager
def scratch_for(dry_run: bool):
    """A temporary folder for a dry run's packs and ledger copies (None for a real run): a dry
    run writes nothing beside the workbook."""
    if not dry_run:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="aftersales-dry-run-", ignore_cleanup_errors=True) as folder:
        yield Path(folder)


def scratch_copy(db: Path, scratch: Path) -> Path:
    """A copy of an SQLite ledger in `scratch` (empty when the ledger does not exist yet); the
    original is opened read-only, so not even a journal file appears beside it."""
    copy = scratch / db.name
    if db.is_file() and not copy.exists():
        with closing(sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)) as src, \
                closing(sqlite3.connect(copy)) as dst:
            src.backup(dst)
    return copy


def packs_builder(wb, month: str, packs=None, scratch: Path | None = None):
    """A function returning the month's packs — `packs` when the caller already built them, else
    built by addin.report.packs (into `scratch`, with a copy of the reply ledger, for a dry run)
    — called only if something is left to send."""
    def build():
        if packs is not None:
            return packs
        from addin.report.packs import ReportError, build_month
        from addin.report.replies import ledger_path as replies_ledger
        try:
            if scratch is None:
                return build_month(wb, month, None).packs
            own = getattr(wb.settings, "factory", "")
            folder = scratch / "reports" / month / (safe_component(own, "厂家") if own else "")
            return build_month(wb, month, folder, ledger_file=scratch_copy(replies_ledger(wb.path), scratch)).packs
        except ReportError as error:
            raise MailError(error.code, error.message) from None
    return build


PLAIN_LOGIN = ("SMTP加密方式为 none:用户名和密码(授权码)将不加密地在网络上传送。"
               "请在设置表把 SMTP加密方式 改为 ssl(端口 465)或 starttls(端口 587)。")


def config_for(settings, dry_run: bool = False):
    """(SmtpConfig or None, a note for the clerk: no password in a dry run, or a login that
    would travel unencrypted — said once per run)."""
    try:
        config, note = smtp_config(settings), ""
    except MailError as error:
        if not (dry_run and error.code == "smtp-no-password"):
            raise
        config, note = smtp_config(settings, keyring_get=lambda user: "(未设置)"), error.message
    if config and config.user and config.security == "none":
        note = f"{note};{PLAIN_LOGIN}" if note else PLAIN_LOGIN
    return config, note


def _addresses(rows_or_names) -> str:
    return "、".join(getattr(r, "recipient", r) for r in rows_or_names)


def describe(result: MonthResult, dealer: str) -> list[str]:
    """Chinese lines for the clerk: one header, then one or more lines per department."""
    how = f"写成 .eml 文件到 {result.where}" if result.channel == EML else f"通过邮件服务器 {result.where} 发送"
    lines = [f"{month_label(result.month)}:{'(预演,不会发送)将' if result.dry_run else ''}{how}"]
    outcomes = {o.department: o for o in result.outcomes}
    for step in result.steps:
        name = step.name
        if not step.to and not step.problems:
            lines.append(f"  {name}:设置表里没有收件邮箱,不发送")
        if step.note:
            lines.append(f"  {name}:{step.note}")
        for problem in step.problems:
            lines.append(f"  {name}:未发送 —— {problem}")
        if step.done and not (step.send and set(step.send) & {r.recipient for r in step.done}):
            did = "已写入发件箱" if result.channel == EML else "已发送"
            lines.append(f"  {name}:之前{did},跳过({_addresses(step.done)},{step.done[-1].updated_at})")
        if step.unknown and not step.send:
            lines.append(f"  {name}:状态不明 —— {step.unknown[-1].detail}({_addresses(step.unknown)},"
                         f"{step.unknown[-1].updated_at})。为避免重复,不会自动重发;请向收件人确认后运行"
                         f" aftersales send 工作簿 --month {result.month} --department {name} --unknown received"
                         f"(已收到)或 --unknown resend(未收到,重发)")
        if result.dry_run and step.send and step.pack is not None:
            xlsx = Path(step.pack.xlsx_path)
            subject = subject_for(dealer, result.month, name, getattr(step.pack, "factory", ""))
            lines.append(f"  {name} → {_addresses(step.send)};主题“{subject}”;"
                         f"附件 {xlsx.name}({max(1, xlsx.stat().st_size // 1024)} KB),图表 {len(step.pack.images)} 张")
        if name in outcomes:
            lines += _outcome_lines(outcomes[name])
    if len(lines) == 1:
        lines.append("  没有需要发送的部门")
    return lines


def _outcome_lines(o) -> list[str]:
    lines, d = [], o.delivery
    if o.error:
        lines.append(f"  {o.department}:失败 —— {o.error}(下次运行会重试)")
    if d.accepted and o.location.endswith(".eml"):
        lines.append(f"  {o.department}:已写入 {o.location}(收件人 {_addresses(d.accepted)};"
                     "用 Outlook 打开即为待发送的草稿)")
    elif d.accepted:
        lines.append(f"  {o.department}:已发送 → {_addresses(d.accepted)}")
    for address, reason in d.refused.items():
        if re.match(r"(发件人被拒:)?4\d\d", reason):      # 4xx: the server's temporary trouble
            lines.append(f"  {o.department}:暂时未发出 → {address}:{reason}(服务器临时问题,下次运行会自动重试,"
                         "不需要改地址)")
        else:
            lines.append(f"  {o.department}:被拒收 → {address}:{reason}(改正地址后再运行会只补发这一封)")
    if d.unknown:
        lines.append(f"  {o.department}:状态不明 → {_addresses(d.unknown)}:{d.detail}。不会自动重发;"
                     "请向收件人确认后用 --unknown received 或 --unknown resend 处理")
    return lines


def factory_of(settings) -> str:
    """The factory part of the ledger key: '' while a dealer has a single factory."""
    return getattr(settings, "factory", "") or ""


def ledger_line(path: Path) -> str:
    return f"发送记录:{path}(本机所有副本共用,同一个月不会重复发送)"


def locked(settings, workbook: Path, scratch: Path | None, action, ledger_file: Path | None = None):
    """Run `action(ledger)` on the shared ledger (or `ledger_file`; the workbook's old ledger is
    adopted) holding the run lock, after settling what a stopped run left; a dry run (`scratch`
    given) works on a copy of the ledger in `scratch` and takes no lock.
    Raises LockBusy, outbox.LedgerError."""
    path = ledger_file or shared_ledger_path(create=scratch is None)
    try:
        addresses = [e for d in settings.departments for e in d.emails]
        if scratch is not None:
            with Ledger(scratch_copy(path, scratch), settings.dealer_name, factory_of(settings)) as ledger:
                ledger.adopt(legacy_ledger_path(workbook))      # so the plan knows what was sent
                ledger.inherit(addresses)
                return action(ledger)
        with run_lock(path), Ledger(path, settings.dealer_name, factory_of(settings)) as ledger:
            ledger.adopt(legacy_ledger_path(workbook))
            ledger.inherit(addresses)
            ledger.recover()
            return action(ledger)
    except sqlite3.Error as error:
        raise ledger_error(error, path, outbox.LABEL) from None


def _span(months: list[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} 至 {months[-1]}(共 {len(months)} 个月)"


def _send_due_months(wb, workbook: Path, today: date, dry_run: bool) -> tuple[list[str], bool, bool]:
    """Send every due month: (lines to print, all went well, anything to report)."""
    config, note = config_for(wb.settings, dry_run)
    channel = "smtp" if config else EML
    lines, state = ([f"提醒:{note}"] if note else []), {"ok": True, "acted": bool(note)}

    def run(ledger, scratch):
        months, old = due_months(order_months(wb.orders.frame), today, wb.settings.send_day,
                                 ledger.months_done(channel))
        for month in months:
            try:
                result = send_month(wb.settings, ledger, month, packs_builder(wb, month, scratch=scratch),
                                    config=config, eml_folder=outbox_folder(workbook), dry_run=dry_run)
            except MailError as error:       # e.g. the month's packs cannot be built
                lines.append(f"{month_label(month)}:错误[{error.code}]:{error.message}")
                state.update(ok=False, acted=True)
                continue
            if result.pending or not result.ok or dry_run:
                lines.extend(describe(result, wb.settings.dealer_name))
                state["acted"] = True
            state["ok"] = state["ok"] and result.ok
            if result.outcomes and all(o.error for o in result.outcomes):
                lines.append("邮件服务器不可用,其余月份下次再发")
                break
        if old and state["acted"]:
            lines.append(f"较早的月份 {_span(old)} 不自动发送(需要时用 aftersales send --month)")
    with scratch_for(dry_run) as scratch:
        locked(wb.settings, workbook, scratch, lambda ledger: run(ledger, scratch))
    if state["acted"]:
        lines.append(ledger_line(shared_ledger_path(create=not dry_run)))
    return lines, state["ok"], state["acted"]


@dataclass(frozen=True)
class DueOutcome:
    """What a send-due run did: Chinese lines for the clerk, whether all went well, and whether
    another run held the lock (then nothing was sent and nothing is wrong)."""

    lines: list[str]
    ok: bool
    busy: bool = False


def send_due(wb, workbook: Path, today: date | None = None, dry_run: bool = False) -> DueOutcome:
    """Send every closed month of a loaded workbook whose send day has come and that is not yet
    delivered (`aftersales send-due` and the 发送反馈 button), for every factory (each its own
    orders, departments and ledger key; the lines say which factory). Appends what it did to the
    log beside the workbook; MailError and a corrupt or locked ledger become a line of the
    outcome, never an exception."""
    pairs = _factories(wb)
    lines, ok, acted = [], True, False
    for factory, own in pairs:
        if len(pairs) > 1 and not own.settings.departments and not own.orders.frame.empty:
            lines += [f"【{factory.name}】", no_departments(factory)]
            ok, acted = False, True
            continue
        try:
            more, good, did = _send_due_months(own, Path(workbook), today or clock.today(), dry_run)
        except (MailError, outbox.LedgerError) as error:
            more, good, did = [f"错误[{error.code}]:{error.message}"], False, True
        except LockBusy:
            if lines and not dry_run:
                append_log(workbook, lines)
            return DueOutcome(lines + ["另一个发送任务正在运行,本次不发送。"], True, busy=True)
        lines += _headed(factory, more, len(pairs) > 1 and did)
        ok, acted = ok and good, acted or did
    if not acted:
        return DueOutcome(["没有到期未发送的月份。"], ok)
    lines = _once(lines)
    if not dry_run:
        append_log(workbook, lines)
    return DueOutcome(lines, ok)


def _factories(wb) -> list[tuple]:
    """(factory, the workbook as that factory sees it) — [(None, wb)] for anything without factories."""
    return wb.by_factory() if hasattr(wb, "by_factory") else [(None, wb)]


def _headed(factory, lines: list[str], named: bool) -> list[str]:
    return [f"【{factory.name}】", *lines] if named and lines else lines


def _once(lines: list[str]) -> list[str]:
    """The lines without a repeated reminder or ledger line (said once for all factories)."""
    seen, out = set(), []
    for line in lines:
        if line.startswith(("提醒:", "发送记录:")):
            if line in seen:
                continue
            seen.add(line)
        out.append(line)
    return out


def no_departments(factory) -> str:
    """What send and send-due say for a factory with orders and no department (check:
    setting-factory-no-departments)."""
    return (f"  设置表的部门表里没有厂家“{factory.name}”的部门,它的反馈包没有人可发送;"
            f"请在部门表添加它的部门(“厂家”填“{factory.name}”)后再发送")


@dataclass(frozen=True)
class Unsendable:
    """A factory's month with orders and nobody to send them to: not done, nothing pending."""

    month: str
    ok: bool = False
    pending: bool = False


@dataclass(frozen=True)
class FactoriesResult:
    """send_workbook_month for several factories: one MonthResult per factory."""

    results: tuple

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def pending(self) -> bool:
        return any(r.pending for r in self.results)


def append_log(workbook: Path, lines: list[str]) -> None:
    stamp = clock.stamp()
    with open(log_path(workbook), "a", encoding="utf-8") as fh:
        fh.write("\n".join(f"{stamp} {line}" for line in lines) + "\n")


def send_workbook_month(wb, month: str, *, packs=None, force: bool = False, only: tuple[str, ...] = (),
                        unknown: str = "", dry_run: bool = False,
                        ledger_file: Path | None = None) -> tuple[MonthResult, list[str]]:
    """Send (or plan) one month of a loaded workbook: (result, Chinese lines to show); with
    several factories each factory's packs go to its own departments ((FactoriesResult, lines
    under a 【factory】 heading each); `packs`: {factory name: its packs}).
    `ledger_file`: a ledger of its own instead of the shared one (the demo's made-up dealer).
    Raises MailError (configuration, packs), outbox.LockBusy (another run is sending) and
    outbox.LedgerError (the ledger is corrupt or locked)."""
    pairs = _factories(wb)
    if len(pairs) == 1:
        return _send_month_of(wb, month, packs=packs, force=force, only=only, unknown=unknown, dry_run=dry_run,
                              ledger_file=ledger_file)
    results, lines = [], []
    for factory, own in pairs:
        if not own.settings.departments and month in order_months(own.orders.frame):
            results.append(Unsendable(month))
            lines += [f"【{factory.name}】", no_departments(factory)]
            continue
        mine = packs.get(factory.name) if isinstance(packs, dict) else None
        result, more = _send_month_of(own, month, packs=mine, force=force, only=only, unknown=unknown,
                                      dry_run=dry_run, ledger_file=ledger_file)
        results.append(result)
        lines += _headed(factory, more, True)
    return FactoriesResult(tuple(results)), _once(lines)


def _send_month_of(wb, month: str, *, packs, force: bool, only: tuple[str, ...], unknown: str, dry_run: bool,
                   ledger_file: Path | None) -> tuple[MonthResult, list[str]]:
    """send_workbook_month for one factory's workbook (or a dealer's single factory)."""
    config, note = config_for(wb.settings, dry_run)
    reminder = [f"提醒:{note}"] if note else []
    if month not in order_months(wb.orders.frame):
        return _quiet_month(wb, month, config, dry_run, packs), reminder + [
            f"{month_label(month)}:没有服务单,不发送任何邮件"
            + ("(预演,不写任何文件)。" if dry_run else ";统计表已生成在 reports 文件夹。")]
    with scratch_for(dry_run) as scratch:
        result = locked(wb.settings, Path(wb.path), scratch, lambda ledger: send_month(
            wb.settings, ledger, month, packs_builder(wb, month, packs, scratch), config=config,
            eml_folder=outbox_folder(wb.path), force=force, only=tuple(only), unknown=unknown, dry_run=dry_run),
            ledger_file)
        lines = describe(result, wb.settings.dealer_name) + [ledger_line(ledger_file or shared_ledger_path(
            create=not dry_run))]
        return result, reminder + lines


def _quiet_month(wb, month: str, config, dry_run: bool, packs) -> MonthResult:
    """A month without orders: the statistics table is built (a real run), nothing is mailed."""
    if not dry_run and packs is None:
        packs_builder(wb, month)()
    return MonthResult(month, "smtp" if config else EML, config.where if config else str(outbox_folder(wb.path)),
                       (), dry_run=dry_run)
