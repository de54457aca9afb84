"""A minimal SMTP server on 127.0.0.1 (a thread) that keeps what it receives: the real smtplib client,
in this process or in a worker process, delivers to it."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import Message


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._reply("220 sink ESMTP")
        while line := self.rfile.readline():
            verb = line.decode("latin-1").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 sink")
            elif verb == "DATA":
                self._reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append(message_from_bytes(data, policy=policy.default))
                self._reply("250 kept")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self._reply("250 ok")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    received: list[Message]


@contextmanager
def smtp_sink() -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Session)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
