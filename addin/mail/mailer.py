"""Mail transport: one department pack → one MIME message → one SMTP hand-over (or an .eml).

Messages are built with the standard `email` package and handed to `smtplib` step by step
(MAIL, RCPT, DATA) so that we know exactly when the server has the message (yagmail's `send()`
retries by itself, three copies after a dropped connection; see docs/mail.md). The password
comes from the environment or the OS keyring (`keyring`, service name `yagmail` so passwords
stored for earlier versions still work); addresses are checked by `email-validator`.
"""
from __future__ import annotations

import hashlib
import os
import re
import smtplib
import socket
import ssl
import sys
from base64 import b64encode
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from addin.book.files import atomic_write_bytes
from addin.book.months import month_label

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
POLICY = SMTP.clone(refold_source="none")   # raw headers (set_raw) are written verbatim
ENV = "AFTERSALES_SMTP_"
KEYRING_SERVICE = "yagmail"   # the name earlier versions (through yagmail.register) stored under


class MailError(Exception):
    """The mail could not go out at all (no server, wrong password, …). `message` is Chinese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str                      # ssl / starttls / none
    user: str
    sender: str
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    context: ssl.SSLContext | None = field(default=None, compare=False)   # None → verified default

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"


@dataclass(frozen=True)
class Delivery:
    """What one hand-over achieved: `accepted` got the message (250 after DATA); `refused`
    maps an address to the server's reason; `unknown` were handed over but the server's
    answer never came (connection lost or timeout after DATA)."""

    accepted: tuple[str, ...] = ()
    refused: dict = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    detail: str = ""


def keyring_password(user: str) -> str:
    """The password stored with `keyring set yagmail USER` (Windows Credential Manager, macOS
    Keychain); '' when keyring is missing or has no usable backend."""
    if not user:
        return ""
    try:
        import keyring
        return keyring.get_password(KEYRING_SERVICE, user) or ""
    except Exception:          # keyring backends raise many kinds of errors on headless machines
        return ""


def _default_keyring(user: str) -> str:
    # Headless Linux keyrings error out or block on a prompt: ask only where a desktop store exists.
    return keyring_password(user) if sys.platform in ("win32", "darwin") else ""


def smtp_config(settings, env: dict | None = None,
                keyring_get: Callable[[str], str] = _default_keyring) -> SmtpConfig | None:
    """The server to use: environment variables AFTERSALES_SMTP_* over the 设置 sheet; None
    when no host is configured (messages are then written as .eml files)."""
    env = os.environ if env is None else env
    host = env.get(ENV + "HOST", "").strip() or settings.smtp_host.strip()
    if not host:
        return None
    security = (env.get(ENV + "SECURITY", "").strip().lower() or settings.smtp_security)
    if security not in ("ssl", "starttls", "none"):
        raise MailError("smtp-security", f"SMTP加密方式“{security}”无效,请填 ssl / starttls / none 之一。")
    port_text = env.get(ENV + "PORT", "").strip()
    try:
        port = int(port_text) if port_text else int(settings.smtp_port)
    except ValueError:
        raise MailError("smtp-port", f"环境变量 {ENV}PORT 的值“{port_text}”不是端口号。") from None
    user = env.get(ENV + "USER", "").strip() or settings.smtp_user.strip()
    password = env.get(ENV + "PASSWORD", "") or keyring_get(user)
    if user and not password:
        raise MailError("smtp-no-password", f"没有找到邮箱 {user} 的SMTP密码:请设置环境变量 {ENV}PASSWORD,"
                        "或把密码(授权码)保存到 Windows 凭据管理器(见 docs/mail.md)。密码不要写在工作簿里。")
    sender = settings.sender.strip() or user
    if not sender:
        raise MailError("smtp-no-sender", "请在设置表填写“发件人邮箱”或“SMTP用户名”。")
    return SmtpConfig(host, port, security, user, sender, password)


def check_address(address: str) -> str:
    """'' when the address can be used, else a Chinese reason. email-validator's syntax check
    (RFC 5322/6531, no DNS), ASCII only (not every server takes SMTPUTF8); the reserved test
    domain `.test` is allowed, as in our tests."""
    from email_validator import EmailNotValidError, validate_email
    try:
        validate_email(address, check_deliverability=False, allow_smtputf8=False, test_environment=True)
    except EmailNotValidError:
        return f"“{address}”不是有效的邮箱地址"
    return ""


def one_line(text: str) -> str:
    """Workbook text fit for a mail header: line breaks (Alt+Enter in a cell) and other control
    characters become one space, so a header can neither break nor be forged."""
    return re.sub(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+", " ", str(text)).strip()


def subject_for(dealer: str, month: str, department: str, factory: str = "") -> str:
    """The subject; with several factories it names the factory the pack is for."""
    return one_line(f"{dealer} {month_label(month)}售后反馈包 · {factory + ' ' if factory else ''}{department}")


def pack_hash(pack, subject: str) -> str:
    """sha256 of what a message says: subject, body, charts and attachment (not Date/Message-ID)."""
    h = hashlib.sha256()
    for chunk in (subject.encode(), pack.html.encode(), Path(pack.xlsx_path).name.encode(),
                  Path(pack.xlsx_path).read_bytes()):
        h.update(len(chunk).to_bytes(8, "big") + chunk)
    for cid in sorted(pack.images):
        h.update(cid.encode() + Path(pack.images[cid]).read_bytes())
    return h.hexdigest()


def new_message_id(sender: str, month: str) -> str:
    domain = sender.rpartition("@")[2] or "aftersales.invalid"
    return make_msgid(idstring=month.replace("-", ""), domain=domain)


def _encoded_words(text: str) -> str:
    """RFC 2047 base64 words of at most 75 characters, joined by spaces (for name=)."""
    if text.isascii():
        return text
    words, chunk = [], ""
    for ch in text:
        if len((chunk + ch).encode()) > 45:
            words.append(chunk)
            chunk = ""
        chunk += ch
    words.append(chunk)
    return " ".join(f"=?UTF-8?B?{b64encode(w.encode()).decode()}?=" for w in words)


def _attachment(data: bytes, name: str) -> EmailMessage:
    """The pack .xlsx with its Chinese name as RFC 2231 filename* (one unbroken parameter: many
    clients cannot join filename*0*/*1* pieces) and RFC 2047 name= for old Outlook/Foxmail."""
    part = EmailMessage(policy=POLICY)
    part.set_content(data, *XLSX)
    del part["Content-Type"]
    del part["Content-Disposition"]
    part.set_raw("Content-Type", f'{"/".join(XLSX)};\r\n name="{_encoded_words(name)}"')
    part.set_raw("Content-Disposition", f"attachment;\r\n filename*=UTF-8''{quote(name, safe='')}")
    return part


def build_message(pack, *, dealer: str, month: str, sender: str, recipients, message_id: str,
                  eml: bool = False) -> EmailMessage:
    """One department's message: multipart/mixed [alternative [text, related [html, PNGs]], xlsx].
    `eml=True` adds X-Unsent: 1 so Outlook opens the saved file as a draft ready to send."""
    dept = pack.department.name
    name = Path(pack.xlsx_path).name
    msg = EmailMessage(policy=POLICY)
    factory = getattr(pack, "factory", "")
    msg["Subject"] = subject_for(dealer, month, dept, factory)
    msg["From"] = Address(one_line(dealer), addr_spec=sender)
    msg["To"] = [Address(one_line(f"{factory} {dept}" if factory else dept), addr_spec=r) for r in recipients]
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = message_id
    msg["X-Aftersales-Month"] = month
    if eml:
        msg["X-Unsent"] = "1"
    msg.set_content(f"{dept}:\n\n这是{dealer}{month_label(month)}的售后反馈包,正文含图表,"
                    f"请用支持HTML的邮件客户端查看;明细见附件“{name}”。\n", cte="base64")
    msg.add_alternative(pack.html, subtype="html", cte="base64")
    html = msg.get_payload()[1]
    for cid, path in pack.images.items():
        if not re.fullmatch(r"[A-Za-z0-9._@-]+", cid):
            raise ValueError(f"cid must be plain ASCII: {cid!r}")
        html.add_related(Path(path).read_bytes(), "image", "png", cid=f"<{cid}>", filename=f"{cid}.png",
                         disposition="inline")   # shown in the body, not listed as an attachment
    msg.make_mixed()
    msg.attach(_attachment(Path(pack.xlsx_path).read_bytes(), name))
    return msg


def message_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=POLICY)


def write_eml(path: Path, msg: EmailMessage) -> Path:
    """Save the message as an .eml file (atomically): Outlook, Foxmail and Thunderbird open it."""
    return atomic_write_bytes(path, message_bytes(msg))


def local_hostname() -> str:
    """An ASCII name for EHLO: a computer name with Chinese characters breaks it."""
    name = socket.gethostname()
    return name if re.fullmatch(r"[A-Za-z0-9-]{1,63}", name or "") else "aftersales-pc"


def _reply(code: int, resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return f"{code} {text}".strip()


def scrub(text: str, cfg: SmtpConfig) -> str:
    """`text` (a server reply, an error) without the password, plain or as AUTH sent it (base64
    of LOGIN and PLAIN): whatever a server echoes never reaches the screen, a log or the ledger."""
    if not cfg.password:
        return text
    secrets = {cfg.password, b64encode(cfg.password.encode()).decode(),
               b64encode(f"\0{cfg.user}\0{cfg.password}".encode()).decode()}
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "******")
    return text


def _explain(exc: BaseException, cfg: SmtpConfig) -> MailError:
    """One Chinese sentence for a connection-level failure, the password scrubbed out."""
    error = _explain_raw(exc, cfg)
    return MailError(error.code, scrub(error.message, cfg))


def _explain_raw(exc: BaseException, cfg: SmtpConfig) -> MailError:
    where = cfg.where
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailError("smtp-auth", f"邮件服务器 {where} 拒绝了用户名或密码(用户 {cfg.user})。QQ邮箱、"
                         f"腾讯企业邮、163 等需要填“授权码”而不是登录密码。服务器答复:{_reply(exc.smtp_code, exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailError("smtp-not-supported", f"邮件服务器 {where} 不支持登录或加密:{exc}。请检查 SMTP加密方式 设置。")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailError("smtp-tls-cert", f"无法验证邮件服务器 {cfg.host} 的证书({exc.verify_message}),"
                         "为安全起见没有发送。请确认服务器地址填写正确(用服务商给的域名,不要用IP)。")
    if isinstance(exc, ssl.SSLError):
        return MailError("smtp-tls", f"与邮件服务器 {where} 建立加密连接失败:加密方式和端口可能不匹配"
                         "(ssl 一般用 465,starttls 一般用 587)。")
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return MailError("smtp-timeout", f"邮件服务器 {where} 在 {cfg.timeout:g} 秒内没有响应:请检查网络、"
                         "端口和加密方式(ssl 端口上用了 none/starttls 也会这样)。")
    if isinstance(exc, socket.gaierror):
        return MailError("smtp-host", f"找不到邮件服务器“{cfg.host}”:请检查 SMTP服务器 设置和网络连接。")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailError("smtp-disconnected", f"邮件服务器 {where} 断开了连接:请检查端口和加密方式。({exc})")
    if isinstance(exc, smtplib.SMTPResponseException) and 400 <= exc.smtp_code < 500:
        return MailError("smtp-temporary", f"邮件服务器 {where} 暂时不能接收({_reply(exc.smtp_code, exc.smtp_error)}):"
                         "这是服务器的临时问题,下次运行会自动重试,不需要修改设置。")
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailError("smtp-refused", f"邮件服务器 {where} 拒绝:{_reply(exc.smtp_code, exc.smtp_error)}")
    return MailError("smtp-connect", f"无法连接邮件服务器 {where}:{exc}。请检查服务器地址、端口和网络。")


class SmtpSession:
    """One SMTP connection for a whole run. `send` hands one message over exactly once:
    MAIL, RCPT per recipient, DATA; it never retries. After a lost connection `broken` is True."""

    def __init__(self, config: SmtpConfig):
        self.config = config
        self.smtp = None
        self.broken = False

    def __enter__(self) -> "SmtpSession":
        cfg = self.config
        ctx = cfg.context or ssl.create_default_context()
        try:
            if cfg.security == "ssl":
                smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, local_hostname=local_hostname(),
                                        timeout=cfg.timeout, context=ctx)
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.port, local_hostname=local_hostname(), timeout=cfg.timeout)
            try:
                self._hello(smtp, ctx)
            except BaseException:
                smtp.close()
                raise
        except MailError:
            raise
        except (smtplib.SMTPException, OSError) as exc:
            raise _explain(exc, cfg) from None
        self.smtp = smtp
        return self

    def _hello(self, smtp, ctx) -> None:
        cfg = self.config
        smtp.ehlo()
        if cfg.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise MailError("smtp-no-starttls", f"邮件服务器 {cfg.where} 不支持 STARTTLS:请改用 ssl 或检查端口。")
            smtp.starttls(context=ctx)
            smtp.ehlo()
        if cfg.user:
            if not (cfg.user + cfg.password).isascii():
                raise MailError("smtp-auth-ascii", "SMTP用户名或密码含有中文或全角字符,邮件服务器无法登录:"
                                "请检查是否输入法切到了全角,或改用邮箱服务商生成的授权码。")
            smtp.login(cfg.user, cfg.password)

    def __exit__(self, *exc) -> None:
        try:
            if self.smtp is not None and not self.broken:
                self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            if self.smtp is not None:
                self.smtp.close()

    def send(self, payload: bytes, recipients, before_data: Callable | None = None) -> Delivery:
        """Hand `payload` to the server for `recipients` (see _send); the server's replies come
        back with the password scrubbed out (they go to the screen and the ledger)."""
        d = self._send(payload, recipients, before_data)
        return Delivery(d.accepted, {a: scrub(r, self.config) for a, r in d.refused.items()}, d.unknown,
                        scrub(d.detail, self.config))

    def _send(self, payload: bytes, recipients, before_data: Callable | None = None) -> Delivery:
        """Hand `payload` to the server for `recipients`. `before_data(accepted, refused)` runs
        after the server said 354 and before the first byte of the message: from then on a
        missing answer means "outcome unknown". Raises MailError when the connection fails
        before that point (nothing was handed over)."""
        smtp, recipients = self.smtp, tuple(recipients)
        try:
            code, resp = smtp.mail(self.config.sender)
            if code != 250:
                smtp.rset()
                return Delivery(refused={r: "发件人被拒:" + _reply(code, resp) for r in recipients})
            refused = {}
            for r in recipients:
                code, resp = smtp.rcpt(r)
                if code not in (250, 251):
                    refused[r] = _reply(code, resp)
            accepted = tuple(r for r in recipients if r not in refused)
            if not accepted:
                smtp.rset()
                return Delivery(refused=refused)
            smtp.putcmd("data")
            code, resp = smtp.getreply()
            if code != 354:
                smtp.rset()
                return Delivery(refused={**refused, **{r: _reply(code, resp) for r in accepted}})
        except (smtplib.SMTPException, OSError) as exc:
            self.broken = True
            raise _explain(exc, self.config) from None
        if before_data is not None:
            before_data(accepted, refused)
        return self._data(payload, accepted, refused)

    def _data(self, payload: bytes, accepted: tuple, refused: dict) -> Delivery:
        body = re.sub(rb"(?m)^\.", b"..", payload)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        try:
            self.smtp.send(body + b".\r\n")
            code, resp = self.smtp.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self.broken = True
            return Delivery(refused=refused, unknown=accepted,
                            detail=f"邮件已交给服务器,但没有收到确认({exc or type(exc).__name__})")
        if code != 250:
            return Delivery(refused={**refused, **{r: _reply(code, resp) for r in accepted}})
        return Delivery(accepted=accepted, refused=refused)
