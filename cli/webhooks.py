"""`webhooks`: where the server announces finished runs and critical errors (admins only).

`test` sends a test event and, unless told not to, waits for the outcome of that delivery, so
that the exit code answers "does my receiver work?".
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import click

from cli.definitions import (
    Kind,
    aligned,
    delete_command,
    edit_commands,
)
from cli.errors import Failure
from cli.fields import description_option, enabled_option, file_option, name_option
from cli.state import State, pass_state
from cli.table import Column, cell, seconds, when
from cli.wait_option import wait_timeout_option

EVENTS = ("job.succeeded", "job.failed", "pipeline.succeeded", "pipeline.failed", "system.error")
WEBHOOK_ORDER = ("id", "name", "enabled", "url", "events", "secret", "description")
REQUIRED = {"name": "--name", "url": "--url", "events": "--event"}
POLL = 0.2


def _last_state(webhook: Mapping[str, Any]) -> str:
    deliveries = webhook.get("deliveries") or []
    return str(deliveries[0].get("state")) if deliveries else "-"


WEBHOOK_COLUMNS = [
    Column("ID", "id", shrink=False),
    Column("NAME", "name"),
    Column("ENABLED", "enabled", shrink=False),
    Column("EVENTS", "events"),
    Column("URL", "url"),
    Column("LAST", _last_state, shrink=False),
]

_OPTIONS = [
    file_option("webhook"),
    name_option(),
    click.option("--url", metavar="URL", help="Where to POST events (http:// or https://)."),
    click.option(
        "--event",
        "events",
        multiple=True,
        metavar="E",
        help=f"Event to send (repeatable; replaces all on update): {', '.join(EVENTS)}, or '*'.",
    ),
    click.option(
        "--secret",
        metavar="S",
        help="Signs each body (HMAC-SHA256 in X-Orchestrator-Signature); '' removes it.",
    ),
    description_option(),
    enabled_option("Whether events are sent."),
]


def _attempt(delivery: Mapping[str, Any]) -> str:
    """The last attempt: its HTTP status and time, or its error."""
    attempts = delivery.get("attempts") or []
    if not attempts:
        return "no attempt yet"
    last = attempts[-1]
    status = f"HTTP {last['status']}" if last.get("status") is not None else "no answer"
    took = f" in {seconds(last['duration'])}" if last.get("duration") is not None else ""
    error = f": {cell(last.get('error'))}" if last.get("error") else ""
    return f"{status}{took}{error}"


def deliveries_text(deliveries: Any) -> str:
    """One aligned line per delivery, newest first: when, event, state, attempts, last try."""
    rows = [
        [
            when(item.get("created_at")),
            item.get("event"),
            item.get("state"),
            f"{len(item.get('attempts') or [])} attempt(s)",
            _attempt(item),
        ]
        for item in deliveries or []
        if isinstance(item, Mapping)
    ]
    return aligned(rows) if rows else "none yet"


def show_webhook(state: State, webhook: Any) -> None:
    formats = {"deliveries": deliveries_text, "created_at": when, "updated_at": when}
    state.out.item(webhook, WEBHOOK_ORDER, formats)


WEBHOOK = Kind("webhook", "webhooks", show_webhook)


@click.group()
def webhooks() -> None:
    """Webhooks (admin only); an ID argument also takes a name."""


@webhooks.command("list")
@pass_state
def list_command(state: State) -> None:
    """List webhooks with the state of their latest delivery."""
    state.out.items(state.client.get("/webhooks"), WEBHOOK_COLUMNS, empty="No webhooks.")


@webhooks.command("get")
@click.argument("ref", metavar="ID")
@pass_state
def get(state: State, ref: str) -> None:
    """Show one webhook with its latest deliveries."""
    show_webhook(state, state.client.get(WEBHOOK.item(ref)))


edit_commands(
    webhooks,
    WEBHOOK,
    _OPTIONS,
    REQUIRED,
    "Change the given fields of a webhook (--event replaces all its events).",
)
webhooks.add_command(delete_command(WEBHOOK))


def _delivery(state: State, ref: str, delivery_id: str) -> Mapping[str, Any] | None:
    webhook = state.client.get(WEBHOOK.item(ref))
    found = (d for d in webhook.get("deliveries") or [] if d.get("id") == delivery_id)
    return next(found, None)


@webhooks.command("test")
@click.argument("ref", metavar="ID")
@wait_timeout_option(
    10.0, "Seconds to wait for the outcome; 0 sends without waiting.", allow_zero=True
)
@pass_state
def test(state: State, ref: str, timeout: float) -> None:
    """Send a test event now; exit code 0 only if the receiver accepted it in time."""
    answer = state.client.post(WEBHOOK.item(ref, "test"))
    delivery_id = answer.get("delivery_id")
    if not timeout or not delivery_id:
        state.out.message(f"Sent a test event to webhook {ref} (delivery {delivery_id}).", answer)
        return
    deadline = time.monotonic() + timeout
    delivery = _delivery(state, ref, delivery_id)
    while (delivery is None or delivery.get("state") == "pending") and time.monotonic() < deadline:
        time.sleep(POLL)
        delivery = _delivery(state, ref, delivery_id)
    if delivery is None:
        raise Failure(f"the test delivery {delivery_id} did not show up in {timeout:g} s")
    formats = {"attempts": attempts_text, "created_at": when, "delivered_at": when}
    state.out.item(delivery, ("id", "event", "state", "created_at", "delivered_at"), formats)
    outcome = delivery.get("state")
    if outcome == "pending":
        raise Failure(
            f"not delivered within {timeout:g} s ({_attempt(delivery)}); the server keeps "
            f"retrying: see 'webhooks get {ref}'"
        )
    if outcome != "delivered":
        raise Failure(f"the test delivery failed: {_attempt(delivery)}")


def attempts_text(attempts: Any) -> str:
    """A delivery's attempts, one aligned line each: when, status, duration, error."""
    rows = [
        [
            when(item.get("at")),
            f"HTTP {item['status']}" if item.get("status") is not None else "no answer",
            seconds(item.get("duration")),
            cell(item.get("error")) if item.get("error") else "",
        ]
        for item in attempts or []
        if isinstance(item, Mapping)
    ]
    return aligned(rows) if rows else "none"
