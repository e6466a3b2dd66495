"""A real SMTP server on loopback for the tests (aiosmtpd), recording every envelope it receives."""

import socket

from aiosmtpd.handlers import Sink


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpRecorder(Sink):
    """Accepts every message and keeps its envelope (``mail_from``, ``rcpt_tos``, ``original_content``)."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"
