"""The Notifier actor: turns finished runs and critical errors into webhook deliveries.

It only decides what to send and to whom (asking Storage for the subscribers); the sending,
with its waits and retries, happens on the Sender's own loop, so no receiver can slow an actor.
Delivery records go back to Storage as tells from the Sender's thread.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

import pykka

from actors import messages as m
from actors.base import Actor, Address
from orchestrator.config_schema import WebhooksConfig
from orchestrator.errors import Conflict, Unavailable
from orchestrator.log import get_logger
from orchestrator.models.fields import now
from orchestrator.models.run import TERMINAL
from orchestrator.notify import delivery as d
from orchestrator.notify.sender import Sender

log = get_logger("orchestrator.webhooks")
# A run is announced once, even if its final state is saved again (a crash after its end).
_REMEMBERED_RUNS = 4096
# The same critical error repeated (a failing disk on every commit) is sent once per window.
_ERROR_WINDOW = 60.0
# How long deliveries in flight may go on while the server stops.
_CLOSE_GRACE = 1.0


class NotifierActor(Actor):
    def __init__(
        self, storage: Any, settings: WebhooksConfig, address: Address | None = None
    ) -> None:
        """`storage` is asked who subscribes and told how deliveries went; `address`, when
        given, is where Storage (started before it) already tells it what was committed."""
        super().__init__()
        if address is not None:
            self.take_address(address)
        self.storage = storage
        self.settings = settings
        self.sender: Sender | None = None
        self.announced: OrderedDict[str, None] = OrderedDict()
        self.errors_sent: dict[str, float] = {}
        self.last_subscribers: dict[str, list[dict]] = {}
        # Events whose subscribers are known and current: Storage tells when webhooks change,
        # so a finished run costs no question to Storage.
        self.current: set[str] = set()

    def on_start(self) -> None:
        s = self.settings
        self.sender = Sender(s.timeout, s.max_attempts, s.retry_base)
        # Known from the start, so that a store that fails later can still be reported.
        self._guarded(self._subscribers, d.SYSTEM_ERROR)

    def on_stop(self) -> None:
        if self.sender is not None:
            self.sender.close(_CLOSE_GRACE)

    def on_failure(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        log.error("notifier failed", error=f"{exc_type.__name__}: {exc_value}")
        self.on_stop()

    def on_receive(self, message: Any) -> Any:
        match message:
            case m.Committed(runs, webhooks_changed):
                if webhooks_changed:
                    self.current.clear()
                for run in runs:
                    if run["state"] in TERMINAL:
                        self._guarded(self._run_ended, run)
            case m.SystemError(text, details) | m.StoreFailed(text, details):
                self._guarded(self._system_error, text, details)
            case m.TestWebhook(webhook_id):
                return self._test(webhook_id)

    def _guarded(self, handle: Any, *args: Any) -> None:
        """A notification that cannot be sent is logged; the Notifier itself goes on."""
        try:
            handle(*args)
        except pykka.ActorDeadError:
            log.debug("notification skipped: the store is stopping")
        except Exception:
            log.exception("notification failed")

    def _run_ended(self, run: dict) -> None:
        event = d.run_event(run)
        if event is None or run["id"] in self.announced:
            return
        self.announced[run["id"]] = None
        if len(self.announced) > _REMEMBERED_RUNS:
            self.announced.popitem(last=False)
        for webhook in self._subscribers(event):
            self._send(webhook, event, d.run_body(d.new_delivery_id(), event, run, now()))

    def _system_error(self, text: str, details: dict) -> None:
        key = text + json.dumps(details, sort_keys=True, default=str)
        moment = time.monotonic()
        self.errors_sent = {k: t for k, t in self.errors_sent.items() if moment - t < _ERROR_WINDOW}
        if key in self.errors_sent:
            log.debug("repeated system error not sent again", message=text)
            return
        self.errors_sent[key] = moment
        for webhook in self._subscribers(d.SYSTEM_ERROR):
            body = d.error_body(d.new_delivery_id(), text, details, now())
            self._send(webhook, d.SYSTEM_ERROR, body)

    def _subscribers(self, event: str) -> list[dict]:
        """Who wants `event`. When the store cannot answer (it may be what failed), the list
        it gave last time."""
        if event in self.current:
            return self.last_subscribers[event]
        try:
            found = self.storage.ask(m.Subscribers(event))
        except pykka.ActorDeadError:
            raise
        except Exception as err:
            if event not in self.last_subscribers:
                raise
            log.warning("using the last known webhooks: the store failed", error=repr(err))
            return self.last_subscribers[event]
        self.last_subscribers[event] = found
        self.current.add(event)
        return found

    def _test(self, ref: str) -> str:
        """Send the `test` event to one webhook, subscribed to it or not; replies the ID."""
        webhook = dict(self.storage.ask(m.GetDefinition(ref, "webhook")))
        if not webhook["enabled"]:
            raise Conflict(f"Webhook {webhook['id']} is disabled; enable it to send a test.")
        body = d.test_body(d.new_delivery_id(), webhook, now())
        if not self._send(webhook, d.TEST_EVENT, body):
            raise Unavailable("Too many webhook deliveries are pending; try again later.")
        return body["id"]

    def _send(self, webhook: dict, event: str, body: dict) -> bool:
        if self.sender is None:
            return False
        storage, shown = self.storage, _who(webhook)

        def updated(record: dict) -> None:
            # On the Sender's thread: tell only, and log how the delivery went.
            try:
                storage.tell(m.SaveDelivery(webhook["id"], record))
            except pykka.ActorDeadError:
                log.debug("delivery record lost: the store is stopping", delivery_id=record["id"])
            _log_update(record, shown)

        return self.sender.send(webhook, event, body, updated)


def _who(webhook: dict) -> dict[str, str]:
    """How logs name a webhook: never its full URL, which may carry a token in its path."""
    return {"webhook_id": webhook["id"], "host": urlsplit(webhook["url"]).hostname or ""}


def _log_update(record: dict, who: dict[str, str]) -> None:
    attempts = record["attempts"]
    if not attempts:
        return
    last = attempts[-1]
    fields = {
        **who,
        "delivery_id": record["id"],
        "webhook_event": record["event"],
        "attempts": len(attempts),
        "status": last["status"],
    }
    if record["state"] == d.DeliveryState.DELIVERED:
        log.info("webhook delivered", **fields, duration=last["duration"])
    elif record["state"] == d.DeliveryState.FAILED:
        log.warning("webhook delivery failed", **fields, error=last["error"])
    else:
        log.debug("webhook attempt failed; will retry", **fields, error=last["error"])
