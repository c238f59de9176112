"""Delivering one month's department packs once: plan against the ledger, hand each message
over once (SMTP) or write it as an .eml file, and record intent before and outcome after.

Rules (docs/mail.md): a recipient who already got a month's pack on a channel is skipped; a
failed or never-tried recipient is sent; an "unknown" outcome blocks automatic sending for
that recipient until the clerk says received (`--unknown received`) or not (`--unknown resend`);
`force` sends to every address of the chosen departments on purpose.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from addin.mail.mailer import (Delivery, MailError, SmtpConfig, SmtpSession, build_message, check_address,
                     message_bytes, new_message_id, pack_hash, subject_for, write_eml)
from addin.book.files import safe_component
from addin.book.settings import Department
from addin.mail.outbox import FAILED, SENDING, SENT, UNKNOWN, Intent, Ledger, Row

SMTP, EML = "smtp", "eml"


@dataclass(frozen=True)
class Step:
    """What one department needs this run."""

    department: Department
    to: tuple[str, ...]                       # every usable address of the department (To: header)
    send: tuple[str, ...]                     # envelope recipients of this run
    done: tuple[Row, ...] = ()                # already delivered
    unknown: tuple[Row, ...] = ()             # outcome unknown: waiting for the clerk
    problems: tuple[str, ...] = ()            # addresses we cannot use
    pack: object = None                       # the DeptPack, attached once packs are built
    note: str = ""                            # why nothing is sent although nothing is wrong

    @property
    def name(self) -> str:
        return self.department.name


@dataclass(frozen=True)
class Outcome:
    department: str
    delivery: Delivery = field(default_factory=Delivery)
    error: str = ""                           # the whole message failed (server down …)
    location: str = ""                        # server or .eml file


def _address_problem(address: str, channel: str) -> str:
    problem = check_address(address)
    if not problem and channel == SMTP and address.lower().endswith(("@example.com", ".invalid")):
        problem = f"“{address}”是示例邮箱,请在设置表填写真实地址"
    return problem


def plan_month(departments, ledger: Ledger, month: str, channel: str, force: bool = False,
               only: tuple[str, ...] = ()) -> list[Step]:
    """One Step per department with addresses (limited to `only` when given). Needs no packs,
    so a month with nothing left to send costs one ledger query."""
    steps = []
    for dept in departments:
        if only and dept.name not in only:
            continue
        problems = tuple(p for p in (_address_problem(a, channel) for a in dept.emails) if p)
        valid = tuple(a for a in dept.emails if not _address_problem(a, channel))
        latest = ledger.latest(month, dept.name, channel)
        done = tuple(latest[a] for a in valid if a in latest and latest[a].state == SENT)
        unknown = tuple(latest[a] for a in valid if a in latest and latest[a].state in (UNKNOWN, SENDING))
        blocked = {r.recipient for r in done + unknown}
        send = valid if force else tuple(a for a in valid if a not in blocked)
        steps.append(Step(dept, valid, send, done, unknown, problems))
    return steps


QUIET_NOTE = "本月没有需要该部门回复的事项,不发送(设置“无事项时也发送”填“是”时会发一封简短通知)"


def attach_packs(steps: list[Step], packs, mail_when_no_items: bool = False) -> list[Step]:
    """Give each step its department's pack; a department without a pack sends nothing, nor
    one whose pack asks nothing (no item, nothing carried over) unless the settings say so."""
    by_name = {p.department.name: p for p in packs}
    out = []
    for step in steps:
        pack = by_name.get(step.name)
        if pack is None and step.send:
            step = replace(step, send=(), problems=step.problems + ("本月没有给该部门的反馈包",))
        elif (pack is not None and step.send and not mail_when_no_items
              and not getattr(pack, "item_ids", True) and not getattr(pack, "carried_ids", True)):
            step = replace(step, send=(), note=QUIET_NOTE)
        out.append(replace(step, pack=pack))
    return out


def _intent(step: Step, msg_id: str, subject: str, month: str, channel: str, location: str,
            force: bool) -> Intent:
    return Intent(month, step.name, step.send, channel, msg_id, pack_hash(step.pack, subject),
                  subject, Path(step.pack.xlsx_path).name, location, force)


def deliver_smtp(steps: list[Step], ledger: Ledger, config: SmtpConfig, *, dealer: str, month: str,
                 force: bool = False, session_factory=SmtpSession) -> list[Outcome]:
    """Send every step with something to send over one SMTP connection, recording as we go."""
    todo = []
    for step in (s for s in steps if s.send):
        msg_id, subject = new_message_id(config.sender, month), subject_for(dealer, month, step.name, _factory(step))
        msg = build_message(step.pack, dealer=dealer, month=month, sender=config.sender,
                            recipients=step.to, message_id=msg_id)
        todo.append((step, _intent(step, msg_id, subject, month, SMTP, config.where, force), message_bytes(msg)))
    for _, intent, _ in todo:
        ledger.record_intent(intent)
    if not todo:
        return []
    try:
        with session_factory(config) as session:
            return [_send_one(session, ledger, step, intent, payload) for step, intent, payload in todo]
    except MailError as exc:
        for _, intent, _ in todo:
            ledger.mark(intent.message_id, _still(ledger, intent), FAILED, exc.message)
        return [Outcome(step.name, error=exc.message, location=config.where) for step, _, _ in todo]


def _still(ledger: Ledger, intent: Intent) -> list[str]:
    """Recipients of an intent that are still pending (not yet settled)."""
    return [r.recipient for r in ledger.rows(intent.month, intent.department, SMTP)
            if r.message_id == intent.message_id and r.state == "pending"]


def _send_one(session, ledger: Ledger, step: Step, intent: Intent, payload: bytes) -> Outcome:
    if session.broken:
        note = "与服务器的连接已中断,本封未发出,下次运行会重发"
        ledger.mark(intent.message_id, intent.recipients, FAILED, note)
        return Outcome(step.name, error=note, location=intent.location)

    def before_data(accepted, refused):
        ledger.mark(intent.message_id, accepted, SENDING)

    try:
        d = session.send(payload, intent.recipients, before_data)
    except MailError as exc:
        ledger.mark(intent.message_id, intent.recipients, FAILED, exc.message)
        return Outcome(step.name, error=exc.message, location=intent.location)
    record_delivery(ledger, intent.message_id, d)
    return Outcome(step.name, d, location=intent.location)


def record_delivery(ledger: Ledger, message_id: str, d: Delivery) -> None:
    ledger.mark(message_id, d.accepted, SENT)
    ledger.mark(message_id, d.unknown, UNKNOWN, d.detail)
    for address, reason in d.refused.items():
        ledger.mark(message_id, [address], FAILED, reason)


def _factory(step: Step) -> str:
    """The factory the step's pack is for ('' for a dealer with a single factory)."""
    return getattr(step.pack, "factory", "")


def eml_path(folder: Path, month: str, department: str, force: bool, factory: str = "") -> Path:
    """`<month>_<department>.eml` (with several factories `<month>_<factory>_<department>.eml`) in
    `folder` (names made safe: they come from the workbook)."""
    own = f"{safe_component(factory, '厂家')}_" if factory else ""
    stem = f"{safe_component(month, '月份')}_{own}{safe_component(department, '部门')}"
    path = folder / f"{stem}.eml"
    n = 2
    while force and path.exists():
        path = folder / f"{stem}_{n}.eml"
        n += 1
    return path


def deliver_eml(steps: list[Step], ledger: Ledger, folder: Path, *, dealer: str, month: str,
                sender: str, force: bool = False) -> list[Outcome]:
    """Write each message as an .eml file (no server configured): Outlook opens it as a draft."""
    outcomes = []
    for step in (s for s in steps if s.send):
        msg_id, subject = new_message_id(sender, month), subject_for(dealer, month, step.name, _factory(step))
        path = eml_path(folder, month, step.name, force, _factory(step))
        msg = build_message(step.pack, dealer=dealer, month=month, sender=sender, recipients=step.to,
                            message_id=msg_id, eml=True)
        ledger.record_intent(_intent(step, msg_id, subject, month, EML, str(path), force))
        write_eml(path, msg)
        ledger.mark(msg_id, step.send, SENT, "已写成 .eml 文件(未经邮件服务器发送)")
        outcomes.append(Outcome(step.name, Delivery(accepted=step.send), location=str(path)))
    return outcomes


@dataclass(frozen=True)
class MonthResult:
    month: str
    channel: str
    where: str                                # server, or the outbox folder
    steps: tuple[Step, ...]
    outcomes: tuple[Outcome, ...] = ()
    resolved: int = 0                         # unknown rows the clerk settled this run
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """False when anything the clerk must act on is left: a failure, a refused or unusable
        address, an unknown outcome."""
        return not (any(o.error or o.delivery.refused or o.delivery.unknown for o in self.outcomes)
                    or any(s.problems or (s.unknown and not s.send) for s in self.steps))

    @property
    def pending(self) -> bool:
        return any(s.send for s in self.steps)


def send_month(settings, ledger: Ledger, month: str, build_packs, *, config: SmtpConfig | None,
               eml_folder: Path, force: bool = False, only: tuple[str, ...] = (),
               unknown: str = "", dry_run: bool = False) -> MonthResult:
    """Plan and deliver one month. `build_packs()` → the month's DeptPacks, called only when
    something is left to send. `unknown`: '' (leave waiting), 'received' or 'resend'."""
    channel = SMTP if config else EML
    where = config.where if config else str(eml_folder)
    resolved = 0
    if unknown and not dry_run:
        for name in only or (None,):
            resolved += ledger.resolve_unknown(month, name, channel, delivered=unknown == "received")
    steps = plan_month(settings.departments, ledger, month, channel, force, only)
    if unknown == "resend" and dry_run:
        steps = [replace(s, send=tuple(dict.fromkeys(s.send + tuple(r.recipient for r in s.unknown))), unknown=())
                 for s in steps]
    if any(s.send for s in steps):
        steps = attach_packs(steps, build_packs(), getattr(settings, "mail_when_no_items", False))
    if dry_run:
        return MonthResult(month, channel, where, tuple(steps), dry_run=True)
    dealer = settings.dealer_name
    if config:
        outcomes = deliver_smtp(steps, ledger, config, dealer=dealer, month=month, force=force)
    else:
        sender = settings.sender or settings.smtp_user or "aftersales@example.invalid"
        outcomes = deliver_eml(steps, ledger, eml_folder, dealer=dealer, month=month, sender=sender, force=force)
    return MonthResult(month, channel, where, tuple(steps), tuple(outcomes), resolved)
