"""Choosing the key source for a configuration, and rotating the key without losing secrets."""

from __future__ import annotations

import os

from orchestrator.config import Config
from orchestrator.log import get_logger
from orchestrator.security.crypto import KeySource, SecretBox, new_key, write_key

log = get_logger("orchestrator.security")


def key_source(config: Config) -> KeySource:
    return KeySource(os.environ.get("ORCH_SECRET_KEY") or None, config.key_path)


def finish_pending_rotation(store, source: KeySource) -> None:
    """A rotation cut short left `secret.key.new`: seal everything with it and make it current."""
    if source.env_key or not source.pending_file.exists():
        return
    count = store.reseal(store.box)
    os.replace(source.pending_file, source.key_file)
    log.warning("finished a key rotation that was cut short", secrets=count)


def rotate(store, source: KeySource) -> bytes:
    """Seal every secret with a new key; returns the new key.

    With a key file, the new key is written beside the old one first, then every secret is
    sealed again and committed, then the new file replaces the old: a crash at any point is
    completed by `finish_pending_rotation` at the next start. With ORCH_SECRET_KEY the caller
    must show the new key, which replaces the variable's value.
    """
    key = new_key()
    old = source.read()
    if not source.env_key:
        write_key(source.pending_file, key)
    count = store.reseal(SecretBox([key, *old]))
    if not source.env_key:
        os.replace(source.pending_file, source.key_file)
    log.info("secret key rotated", secrets=count)
    return key
