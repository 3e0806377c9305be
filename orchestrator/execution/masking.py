"""Secret masking of a byte stream: every secret value written is replaced by `***`.

Output arrives in chunks cut anywhere, so a value may be split across two of them: the masker
holds back the end of a chunk while it could still be the start of a secret, and lets it go
when the next chunk (or the end of the stream) shows it is not.
"""

from __future__ import annotations

from collections.abc import Iterable

MASK = b"***"
# A value this short would mask ordinary words and, by where the stars fall, give itself away.
MIN_SECRET = 4


class Masker:
    """Masks the secret values of one stream; `feed` returns what may be released now."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = {s.encode("utf-8", "surrogatepass") for s in secrets if len(s) >= MIN_SECRET}
        # Longest first, so that a value containing another is masked whole.
        self.secrets = sorted(values, key=len, reverse=True)
        self.longest = len(self.secrets[0]) if self.secrets else 0
        self.held = b""

    def feed(self, chunk: bytes) -> bytes:
        """The part of `held + chunk` that can no longer turn into a secret, masked."""
        if not self.secrets:
            return chunk
        data = self.held + chunk
        for secret in self.secrets:
            if secret in data:
                data = data.replace(secret, MASK)
        keep = self._pending_prefix(data)
        if keep:
            self.held = data[-keep:]
            return data[:-keep]
        self.held = b""
        return data

    def flush(self) -> bytes:
        """At the end of the stream: what was held back (no secret can complete any more)."""
        held, self.held = self.held, b""
        return held

    def _pending_prefix(self, data: bytes) -> int:
        """The length of the longest end of `data` that begins some secret (shorter than it)."""
        for size in range(min(self.longest - 1, len(data)), 0, -1):
            tail = data[-size:]
            if any(secret.startswith(tail) for secret in self.secrets):
                return size
        return 0
