"""Encryption at rest: secret values are sealed with Fernet before they reach the store file.

The key comes from `ORCH_SECRET_KEY` or from a key file (mode 0600, outside the database) created
on first start. The store keeps a sealed check value, so a wrong or missing key stops the start
with a clear message instead of producing garbage. Rotation writes the new key beside the old one
(`secret.key.new`) before re-sealing, so a crash mid-way is finished on the next start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from orchestrator.errors import OrchestratorError

PREFIX = "enc:"
_CHECK = "orchestrator key check"


class SecretKeyError(OrchestratorError):
    code = "secret_key_error"


@dataclass(frozen=True)
class KeySource:
    """Where the key comes from: the environment value wins over the file."""

    env_key: str | None
    key_file: Path

    @property
    def pending_file(self) -> Path:
        return self.key_file.with_name(self.key_file.name + ".new")

    def read(self) -> list[bytes]:
        """Known keys, newest first (a pending rotation's key before the current one)."""
        if self.env_key:
            return [self.env_key.strip().encode()]
        keys = []
        for path in (self.pending_file, self.key_file):
            if path.exists():
                keys.append(path.read_bytes().strip())
        return keys


class SecretBox:
    """Seals and opens secret strings. With several keys, the first seals, any opens."""

    def __init__(self, keys: list[bytes]) -> None:
        try:
            self.fernet = MultiFernet([Fernet(key) for key in keys])
        except ValueError:
            raise SecretKeyError(
                "The secret key is not a valid Fernet key (32 url-safe base64-encoded bytes)."
            ) from None

    def seal(self, text: str) -> str:
        return PREFIX + self.fernet.encrypt(text.encode()).decode()

    def open(self, sealed: str) -> str:
        if not sealed.startswith(PREFIX):
            raise SecretKeyError("A secret in the store is not sealed; the store is damaged.")
        try:
            return self.fernet.decrypt(sealed[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise SecretKeyError("A secret in the store cannot be opened with this key.") from None

    def check_value(self) -> str:
        return self.seal(_CHECK)

    def verify(self, sealed_check: str) -> bool:
        try:
            return self.open(sealed_check) == _CHECK
        except SecretKeyError:
            return False


def new_key() -> bytes:
    return Fernet.generate_key()


def write_key(path: Path, key: bytes) -> None:
    """Write a key file readable by its owner only (the mode is ignored on Windows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def unlock(source: KeySource, stored_check: str | None) -> tuple[SecretBox, str | None]:
    """The box for this store. Returns (box, new check value to store, or None).

    A new store gets a new key file; an existing one must be opened by a known key.
    """
    keys = source.read()
    if stored_check is None:
        if not keys:
            key = new_key()
            write_key(source.key_file, key)
            keys = [key]
        box = SecretBox(keys)
        return box, box.check_value()
    if not keys:
        raise SecretKeyError(
            f"The store holds encrypted secrets but no key was found: set ORCH_SECRET_KEY or "
            f"restore the key file {source.key_file}."
        )
    box = SecretBox(keys)
    if not box.verify(stored_check):
        where = "ORCH_SECRET_KEY" if source.env_key else str(source.key_file)
        raise SecretKeyError(
            f"The secret key ({where}) does not match the store; refusing to start."
        )
    return box, None
