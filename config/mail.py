"""Mail backend of the embedded default: every message is written as one ``.eml`` file."""

import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    """Write each message to ``EMAIL_FILE_PATH/<UTC time>-<random>.eml`` as the bytes SMTP would carry.

    Unlike Django's file backend (one ``.log`` per connection holding many messages), each file here is
    one RFC 5322 message with CRLF line ends that a mail client opens directly. The file is written to a
    temporary name and renamed, so a reader never sees half a message.
    """

    _lock = threading.Lock()

    def __init__(self, *, file_path: str | Path | None = None, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        """Write the messages; returns how many were written. Raises OSError unless fail_silently."""
        if not email_messages:
            return 0
        sent = 0
        with self._lock:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                for message in email_messages:
                    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
                    target = self.directory / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
                    partial = target.with_suffix(".part")
                    partial.write_bytes(message.message().as_bytes(linesep="\r\n"))
                    partial.rename(target)
                    sent += 1
            except OSError:
                if not self.fail_silently:
                    raise
        return sent
