"""addin.mail.mailer against a real aiosmtpd server: plain, STARTTLS (self-signed) and implicit SSL."""
from __future__ import annotations

import re
import ssl
from dataclasses import replace
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import openpyxl
import pytest

from addin.mail.mailer import (MailError, SmtpConfig, SmtpSession, build_message, check_address, local_hostname,
                          message_bytes, new_message_id, pack_hash, smtp_config, subject_for, write_eml)
from addin.book.settings import Department, Settings
from tests.smtp_server import make_pack, png_bytes, smtp_server

DEALER = "示例家电商行"
MONTH = "2026-10"
RD = Department("研发部", ("rd@factory.test", "rd2@factory.test"))


@pytest.fixture
def pack(tmp_path):
    return make_pack(tmp_path / "packs", MONTH, RD)


def _message(pack, recipients=RD.emails, **kw):
    return build_message(pack, dealer=DEALER, month=MONTH, sender="service@dealer.test", recipients=recipients,
                         message_id=new_message_id("service@dealer.test", MONTH), **kw)


def _config(server, security="none", **kw) -> SmtpConfig:
    base = SmtpConfig("127.0.0.1", server.port, security, "", "service@dealer.test", timeout=5)
    return replace(base, **kw)


def _parts(msg):
    """(html text, {cid: bytes}, [(filename, bytes)]) of a parsed message."""
    html = msg.get_body(("html",)).get_content()
    images = {p["Content-ID"].strip("<>"): p.get_content() for p in msg.walk() if p.get_content_type() == "image/png"}
    files = [(p.get_filename(), p.get_content()) for p in msg.iter_attachments()]
    return html, images, files


def _assert_pack_arrived(msg, pack):
    assert msg["Subject"] == f"{DEALER} 2026年10月售后反馈包 · 研发部"
    assert [a.addr_spec for a in msg["To"].addresses] == list(RD.emails)
    assert msg["To"].addresses[0].display_name == "研发部"
    assert msg["From"].addresses[0].display_name == DEALER
    html, images, files = _parts(msg)
    # line for line (MIME text travels with CRLF line ends): no <br> added, no CSS rewriting
    assert html.replace("\r\n", "\n").rstrip("\n") == pack.html
    assert "<br>" not in html
    assert images == {cid: Path(p).read_bytes() for cid, p in pack.images.items()}
    assert all(p.get_content_disposition() == "inline" for p in msg.walk() if p.get_content_type() == "image/png")
    for cid in pack.images:
        assert f"cid:{cid}" in html
    assert files == [(Path(pack.xlsx_path).name, Path(pack.xlsx_path).read_bytes())]
    assert re.fullmatch(r"<[^@<>]+@dealer\.test>", msg["Message-ID"])


def test_message__structure_and_chinese_names(pack):
    raw = message_bytes(_message(pack))
    assert raw.isascii() and b"\r\n" in raw              # 7-bit clean, CRLF lines
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    msg = message_from_bytes(raw, policy=default)
    assert msg.get_content_type() == "multipart/mixed"
    _assert_pack_arrived(msg, pack)
    att = next(msg.iter_attachments())
    name = Path(pack.xlsx_path).name
    # one unbroken RFC 2231 parameter (no filename*0*= pieces) and an RFC 2047 name= for old clients
    text = raw.decode()
    assert re.search(r"Content-Disposition: attachment;\r\n filename\*=UTF-8''(%[0-9A-F]{2}|[A-Za-z0-9._-])+\r\n", text)
    assert "filename*0" not in text and "name*0" not in text
    assert re.search(r'name="=\?UTF-8\?B\?[^"]+\?="', raw.decode())
    from email.header import decode_header, make_header
    encoded = re.search(r'name="(=\?UTF-8\?B\?[^"]+\?=)"', raw.decode()).group(1)
    assert str(make_header(decode_header(encoded))) == name
    wb = openpyxl.load_workbook(__import__("io").BytesIO(att.get_content()))
    assert wb["反馈明细"]["A2"].value == f"{MONTH}-研发部-1"


def test_message__eml_marked_unsent_for_outlook(pack, tmp_path):
    path = write_eml(tmp_path / "发件箱" / "2026-10_研发部.eml", _message(pack, eml=True))
    msg = message_from_bytes(path.read_bytes(), policy=default)
    assert msg["X-Unsent"] == "1"
    _assert_pack_arrived(msg, pack)


def test_message__rejects_non_ascii_cid(pack):
    bad = replace(pack, images={"图1": next(iter(pack.images.values()))})
    with pytest.raises(ValueError):
        _message(bad)


def test_pack_hash__ignores_date_and_id_but_not_content(pack, tmp_path):
    subject = subject_for(DEALER, MONTH, "研发部")
    assert pack_hash(pack, subject) == pack_hash(pack, subject)
    other = tmp_path / "other.png"
    other.write_bytes(png_bytes(rgb=(0, 255, 0)))
    changed = replace(pack, images={**pack.images, next(iter(pack.images)): other})
    assert pack_hash(changed, subject) != pack_hash(pack, subject)


def test_smtp_plain__one_connection_one_copy(pack):
    with smtp_server("plain") as server, SmtpSession(_config(server)) as session:
        seen = []
        d = session.send(message_bytes(_message(pack)), RD.emails, lambda acc, ref: seen.append(acc))
    assert d.accepted == RD.emails and not d.refused and not d.unknown
    assert seen == [RD.emails]
    assert server.handler.envelopes == [("service@dealer.test", list(RD.emails))]
    _assert_pack_arrived(server.handler.messages[0], pack)


def test_smtp_starttls_self_signed__with_cafile(pack, tmp_path):
    users = {"service@dealer.test": "app-code-abc"}
    with smtp_server("starttls", users, tmp_path) as server:
        cfg = _config(server, "starttls", user="service@dealer.test", password="app-code-abc",
                      context=server.client_context())
        with SmtpSession(cfg) as session:
            d = session.send(message_bytes(_message(pack)), RD.emails[:1])
    assert d.accepted == RD.emails[:1]
    assert server.handler.envelopes[0][1] == list(RD.emails[:1])
    _assert_pack_arrived(server.handler.messages[0], pack)


def test_smtp_ssl__implicit(pack, tmp_path):
    with smtp_server("ssl", {"u@dealer.test": "pw"}, tmp_path) as server:
        cfg = _config(server, "ssl", user="u@dealer.test", password="pw", context=server.client_context())
        with SmtpSession(cfg) as session:
            d = session.send(message_bytes(_message(pack)), RD.emails)
    assert d.accepted == RD.emails
    _assert_pack_arrived(server.handler.messages[0], pack)


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_smtp_tls__self_signed_refused_by_default_context(tmp_path, security):
    with smtp_server(security, None, tmp_path) as server:
        with pytest.raises(MailError) as err:
            SmtpSession(_config(server, security)).__enter__()
    assert err.value.code == "smtp-tls-cert"
    assert server.handler.raw == []


def test_smtp__wrong_password(tmp_path):
    with smtp_server("ssl", {"u@dealer.test": "right"}, tmp_path) as server:
        cfg = _config(server, "ssl", user="u@dealer.test", password="wrong", context=server.client_context())
        with pytest.raises(MailError) as err:
            SmtpSession(cfg).__enter__()
    assert err.value.code == "smtp-auth" and "授权码" in err.value.message


def test_smtp__full_width_password_explained(tmp_path):
    with smtp_server("ssl", {"u@dealer.test": "right"}, tmp_path) as server:
        cfg = _config(server, "ssl", user="u@dealer.test", password="ｒｉｇｈｔ", context=server.client_context())
        with pytest.raises(MailError) as err:
            SmtpSession(cfg).__enter__()
    assert err.value.code == "smtp-auth-ascii"


def test_smtp__server_down():
    from tests.smtp_server import free_port
    cfg = SmtpConfig("127.0.0.1", free_port(), "none", "", "a@dealer.test", timeout=2)
    with pytest.raises(MailError) as err:
        SmtpSession(cfg).__enter__()
    assert err.value.code == "smtp-connect" and "127.0.0.1" in err.value.message


def test_smtp__timeout_on_silent_port():
    import socket
    with socket.socket() as listener:          # accepts connections, never greets
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        cfg = SmtpConfig("127.0.0.1", listener.getsockname()[1], "none", "", "a@dealer.test", timeout=0.5)
        with pytest.raises(MailError) as err:
            SmtpSession(cfg).__enter__()
    assert err.value.code == "smtp-timeout"


def test_smtp__refused_recipient_is_reported_others_delivered(pack):
    with smtp_server("plain") as server:
        server.handler.refuse = {"rd2@factory.test"}
        with SmtpSession(_config(server)) as session:
            d = session.send(message_bytes(_message(pack)), RD.emails)
    assert d.accepted == ("rd@factory.test",)
    assert list(d.refused) == ["rd2@factory.test"] and d.refused["rd2@factory.test"].startswith("550")
    assert server.handler.envelopes == [("service@dealer.test", ["rd@factory.test"])]


def test_smtp__drop_after_data_is_unknown_not_retried(pack):
    with smtp_server("plain") as server:
        server.handler.drop_after_data = True
        with SmtpSession(_config(server)) as session:
            d = session.send(message_bytes(_message(pack)), RD.emails)
            assert session.broken
    assert d.unknown == RD.emails and not d.accepted
    assert len(server.handler.raw) == 1            # yagmail's send() left three copies here


def test_smtp_config__environment_overrides_sheet():
    settings = Settings(smtp_host="smtp.sheet.test", smtp_port=465, smtp_user="sheet@dealer.test")
    env = {"AFTERSALES_SMTP_HOST": "smtp.env.test", "AFTERSALES_SMTP_PORT": "587",
           "AFTERSALES_SMTP_SECURITY": "STARTTLS", "AFTERSALES_SMTP_USER": "env@dealer.test",
           "AFTERSALES_SMTP_PASSWORD": "secret"}
    cfg = smtp_config(settings, env, keyring_get=lambda u: pytest.fail("keyring must not be asked"))
    assert (cfg.host, cfg.port, cfg.security, cfg.user, cfg.password, cfg.sender) == (
        "smtp.env.test", 587, "starttls", "env@dealer.test", "secret", "env@dealer.test")
    assert "secret" not in repr(cfg)


def test_smtp_config__keyring_then_missing_password():
    settings = Settings(smtp_host="smtp.exmail.qq.com", smtp_user="u@dealer.test", sender="s@dealer.test")
    cfg = smtp_config(settings, {}, keyring_get=lambda user: "kr-" + user)
    assert cfg.password == "kr-u@dealer.test" and cfg.sender == "s@dealer.test" and cfg.port == 465
    with pytest.raises(MailError) as err:
        smtp_config(settings, {}, keyring_get=lambda user: "")
    assert err.value.code == "smtp-no-password" and "AFTERSALES_SMTP_PASSWORD" in err.value.message
    assert smtp_config(Settings(), {}) is None                   # no host → .eml files


def test_smtp_config__bad_env_values():
    with pytest.raises(MailError) as err:
        smtp_config(Settings(), {"AFTERSALES_SMTP_HOST": "h", "AFTERSALES_SMTP_SECURITY": "tls"})
    assert err.value.code == "smtp-security"
    with pytest.raises(MailError) as err:
        smtp_config(Settings(), {"AFTERSALES_SMTP_HOST": "h", "AFTERSALES_SMTP_PORT": "abc"})
    assert err.value.code == "smtp-port"


def test_check_address_and_local_hostname():
    assert check_address("rd@factory.test") == "" and check_address("wang.li@qq.com") == ""
    for bad in ("rd@factory", "研发@factory.test", "rd factory.test", "a..b@factory.test", "研发部 <rd@x.com>",
                "rd@localhost", "rd@@x.com"):
        assert check_address(bad) == f"“{bad}”不是有效的邮箱地址", bad
    assert re.fullmatch(r"[A-Za-z0-9-]+", local_hostname())


def test_keyring_password__reads_the_entry_earlier_versions_stored(monkeypatch):
    """The real keyring library with an in-memory backend (the OS store is not on a test machine)."""
    import keyring
    from keyring.backend import KeyringBackend

    from addin.mail.mailer import KEYRING_SERVICE, keyring_password

    class Memory(KeyringBackend):
        priority = 1
        entries = {(KEYRING_SERVICE, "service@dealer.test"): "授权码123"}

        def get_password(self, service, username):
            return self.entries.get((service, username))

        def set_password(self, service, username, password):
            self.entries[(service, username)] = password

        def delete_password(self, service, username):
            self.entries.pop((service, username), None)

    before = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        assert keyring_password("service@dealer.test") == "授权码123"
        assert keyring_password("other@dealer.test") == "" and keyring_password("") == ""
    finally:
        keyring.set_keyring(before)
