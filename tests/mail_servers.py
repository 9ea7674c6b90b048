"""Real mail servers for the e-mail tests: Dovecot (IMAP over TLS) and aiosmtpd (SMTP with STARTTLS).

Dovecot runs from its own configuration in a temporary folder, on a free loopback port, with a
self-signed certificate made by ``openssl`` here. As root it logs users in as ``nobody`` (Dovecot
refuses to run its login processes as root). Nothing is mocked: the tool talks to both servers over
TCP exactly as it talks to the board's.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

USER = "pmp@ludzasnovads.lv"
SECRET = "slepena-parole-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost / 127.0.0.1 (made with openssl, as a board might)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True)
    os.chmod(key, 0o644)  # Dovecot reads it as root before dropping privileges; the folder is ours
    return cert, key


DOVECOT_CONF = """\
base_dir = {root}/base
state_dir = {root}/state
instance_name = pmp-test-{port}
protocols = imap
listen = 127.0.0.1
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
log_path = {root}/dovecot.log
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


class Dovecot:
    """A private Dovecot instance with one user (``USER``/``SECRET``)."""

    def __init__(self) -> None:
        binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
        if binary is None:
            if os.environ.get("CI"):
                raise RuntimeError("dovecot is not installed (.ci/run installs dovecot-imapd)")
            pytest.skip("dovecot-imapd is not installed")
        self.binary = binary
        # Not under pytest's tmp_path: Dovecot's unprivileged processes must be able to enter it.
        self.root = Path(tempfile.mkdtemp(prefix="pmp-dovecot-"))
        os.chmod(self.root, 0o755)
        self.port = free_port()
        self.cert, _ = make_cert(self.root)
        for sub in ("base", "state", "mail"):
            (self.root / sub).mkdir()
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            uid, gid = nobody.pw_uid, nobody.pw_gid
            os.chown(self.root / "mail", uid, gid)
            login_user, internal_user = "dovenull", "dovecot"
        else:
            uid, gid = os.getuid(), os.getgid()
            login_user = internal_user = pwd.getpwuid(uid).pw_name
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{SECRET}:{uid}:{gid}::{self.root}/mail::\n")
        self.conf = self.root / "dovecot.conf"
        self.conf.write_text(DOVECOT_CONF.format(root=self.root, port=self.port, login_user=login_user,
                                                 internal_user=internal_user))
        subprocess.run([self.binary, "-c", str(self.conf)], check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("dovecot did not start: " + self.log())

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self):  # type: ignore[no-untyped-def]
        """A logged-in IMAPClient (the test's own view of the mailbox)."""
        from imapclient import IMAPClient

        ctx = ssl.create_default_context(cafile=str(self.cert))
        c = IMAPClient("127.0.0.1", port=self.port, ssl=True, ssl_context=ctx, timeout=30)
        c.login(USER, SECRET)
        return c

    def append(self, msg: EmailMessage | bytes, folder: str = "INBOX") -> None:
        c = self.client()
        try:
            c.append(folder, bytes(msg))
        finally:
            c.logout()

    def messages(self, folder: str = "INBOX") -> dict[int, tuple[tuple[bytes, ...], bytes]]:
        """uid -> (flags, raw) of every message in ``folder``."""
        c = self.client()
        try:
            if not c.folder_exists(folder):
                return {}
            c.select_folder(folder, readonly=True)
            uids = c.search(["ALL"])
            data = c.fetch(uids, ["FLAGS", "BODY.PEEK[]"]) if uids else {}
            return {u: (d[b"FLAGS"], d[b"BODY[]"]) for u, d in data.items()}
        finally:
            c.logout()

    def stop(self) -> None:
        pid_file = self.root / "base" / "master.pid"
        with contextlib.suppress(OSError, ValueError):
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except OSError:
                    break
                time.sleep(0.05)
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Captured:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def msg(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.raw)  # type: ignore[return-value]


@dataclass
class SmtpServer:
    """aiosmtpd on a loopback port: STARTTLS required, AUTH required, every message kept."""

    cert: Path
    key: Path
    port: int = 0
    received: list[Captured] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> SmtpServer:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        server = self

        class Handler:
            async def handle_DATA(self, srv, session, envelope):  # type: ignore[no-untyped-def]
                with server._lock:
                    server.received.append(Captured(envelope.mail_from, list(envelope.rcpt_tos),
                                                    bytes(envelope.original_content or envelope.content)))
                return "250 OK"

        def authenticator(srv, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER
                  and auth_data.password.decode() == SECRET)
            if ok:
                server.logins.append(mechanism)
            return AuthResult(success=ok)

        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(self.cert), str(self.key))
        self.port = free_port()
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=ctx,
                                      require_starttls=True, authenticator=authenticator, auth_require_tls=True,
                                      ready_timeout=10)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def messages(self) -> list[Captured]:
        with self._lock:
            return list(self.received)


def mail_section(dovecot: Dovecot, smtp: SmtpServer, **extra: object) -> str:
    """The ``[mail]`` table of a test workspace pointing at both servers."""
    lines = [
        "[mail]",
        f'address = "{USER}"',
        'imap_host = "127.0.0.1"',
        f"imap_port = {dovecot.port}",
        'smtp_host = "127.0.0.1"',
        f"smtp_port = {smtp.port}",
        'smtp_security = "starttls"',
        f'user = "{USER}"',
        f'ca_file = "{dovecot.cert}"',
        "poll_seconds = 1",
    ]
    for key, value in extra.items():
        lines.append(f"{key} = {value!r}".replace("'", '"') if isinstance(value, str) else
                     f"{key} = {str(value).lower() if isinstance(value, bool) else value}")
    return "\n" + "\n".join(lines) + "\n"
