"""The webhook model: where to send which events, and the secret that signs each delivery."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from orchestrator.models.fields import Checker

EVENTS = ("job.succeeded", "job.failed", "pipeline.succeeded", "pipeline.failed", "system.error")
FIELD_ORDER = ("name", "url", "events", "secret", "enabled", "description")
SECRET_MASK = "***"


def validate_webhook(body: Any, base: dict | None = None) -> dict[str, Any]:
    """Check a create/replace body (base=None) or a patch on top of `base`.

    A `secret` equal to the mask keeps the stored secret, so a client can send back what it read.
    """
    check = Checker(body, set(FIELD_ORDER))
    if base is None:
        check.require("name", "url", "events")
    fields: dict[str, Any] = dict(base) if base is not None else _fresh()
    if check.has("name"):
        fields["name"] = check.name()
    if check.has("url"):
        url = check.string("url", min_len=1, max_len=2000)
        parts = urlsplit(url or "")
        if url is not None and (parts.scheme not in ("http", "https") or not parts.netloc):
            check.fail("url", "must be an absolute http:// or https:// URL")
        fields["url"] = url
    if check.has("events"):
        events = check.string_list("events")
        unknown = [e for e in events or [] if e != "*" and e not in EVENTS]
        if events is not None and (not events or unknown):
            check.fail("events", f"must list events among {', '.join(EVENTS)}, or '*'")
        fields["events"] = events
    if check.has("secret"):
        secret = body["secret"]
        if secret is not None and not isinstance(secret, str):
            check.fail("secret", "must be a string or null")
        elif secret != SECRET_MASK:
            fields["secret"] = secret or ""
    for name in ("enabled",):
        if check.has(name):
            fields[name] = check.boolean(name)
    if check.has("description"):
        fields["description"] = check.string("description", max_len=2000)
    check.done()
    return {name: fields[name] for name in FIELD_ORDER}


def _fresh() -> dict[str, Any]:
    return {"secret": "", "enabled": True, "description": ""}


def wants(webhook: dict, event: str) -> bool:
    """True when the webhook is enabled and subscribed to `event` (or to everything)."""
    return webhook["enabled"] and ("*" in webhook["events"] or event in webhook["events"])


def public_webhook(webhook: dict, deliveries: list[dict] | None = None) -> dict[str, Any]:
    shown = {**webhook, "secret": SECRET_MASK if webhook["secret"] else ""}
    if deliveries is not None:
        shown["deliveries"] = deliveries
    return shown
