"""The webhook sender: one asyncio loop on a thread of its own, with one HTTP client session.

Actors must never wait on the network or sleep, so every delivery becomes a task on this loop:
its attempts, its timeouts and its backoff waits happen here. A slow or dead receiver only holds
its own task; a cap on concurrent requests and a bounded number of pending deliveries keep a
flood of events from eating the server.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from orchestrator.log import get_logger
from orchestrator.models.fields import iso, now
from orchestrator.notify import delivery as d

log = get_logger("orchestrator.webhooks")
OnUpdate = Callable[[dict[str, Any]], None]
STOPPED = "The server stopped before the delivery ended."


@dataclass
class _Job:
    """One delivery in flight: where it goes, what it sends, and its record so far."""

    url: str
    event: str
    secret: str
    payload: bytes
    record: dict[str, Any]
    on_update: OnUpdate


class Sender:
    def __init__(
        self,
        timeout: float,
        max_attempts: int,
        retry_base: float,
        max_concurrent: int = 16,
        max_pending: int = 1000,
    ) -> None:
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.max_concurrent = max_concurrent
        self.max_pending = max_pending
        self._lock = threading.Lock()
        self._pending = 0  # accepted and not finished; guarded by _lock
        self._closed = False
        # Only touched on the loop's thread: every delivery, and those inside an attempt.
        self._tasks: set[asyncio.Task] = set()
        self._attempting: set[asyncio.Task] = set()
        self._closing = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="WebhookSender", daemon=True
        )
        self._thread.start()
        opened = asyncio.run_coroutine_threadsafe(self._open(), self._loop)
        self._session, self._slots = opened.result()

    async def _open(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        # The session and the semaphore belong to the loop they are created on.
        connector = aiohttp.TCPConnector(limit=self.max_concurrent)
        session = aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=self.timeout)
        )
        return session, asyncio.Semaphore(self.max_concurrent)

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def send(
        self, webhook: dict[str, Any], event: str, body: dict[str, Any], on_update: OnUpdate
    ) -> bool:
        """Schedule the delivery of `body` (whose `id` is the delivery ID) to `webhook`; returns
        False when it was dropped (closed, or too many deliveries pending). Thread-safe.

        `on_update(record)` is called on the sender's thread with the delivery record: once when
        it is accepted, then after every attempt. It must not block."""
        payload = d.encode(body)
        with self._lock:
            reason = "the sender is closed" if self._closed else None
            if reason is None and self._pending >= self.max_pending:
                reason = f"{self.max_pending} deliveries are pending"
            if reason is None:
                self._pending += 1
        if reason is not None:
            log.warning("webhook delivery dropped", webhook_id=webhook["id"], reason=reason)
            return False
        job = _Job(
            url=webhook["url"],
            event=event,
            secret=webhook.get("secret") or "",
            payload=payload,
            record=d.new_record(body["id"], event, now()),
            on_update=on_update,
        )
        self._loop.call_soon_threadsafe(self._spawn, job)
        return True

    def _spawn(self, job: _Job) -> None:
        task = self._loop.create_task(self._deliver(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, job: _Job) -> None:
        record = job.record
        try:
            _report(job)
            for number in range(1, self.max_attempts + 1):
                attempt, may_retry = await self._attempt(job)
                record["attempts"].append(attempt)
                if attempt["status"] is not None and 200 <= attempt["status"] < 300:
                    record.update(state=d.DeliveryState.DELIVERED, delivered_at=attempt["at"])
                elif number == self.max_attempts or not may_retry:
                    record["state"] = d.DeliveryState.FAILED
                _report(job)
                if record["state"] != d.DeliveryState.PENDING:
                    return
                if self._closing:  # no retry once the server stops
                    raise asyncio.CancelledError
                await asyncio.sleep(d.backoff(self.retry_base, number - 1))
        except asyncio.CancelledError:
            cut = {"at": iso(now()), "status": None, "error": STOPPED, "duration": 0.0}
            record["attempts"].append(cut)
            record["state"] = d.DeliveryState.FAILED
            _report(job)
            raise
        finally:
            with self._lock:
                self._pending -= 1

    async def _attempt(self, job: _Job) -> tuple[dict[str, Any], bool]:
        """One POST once a slot is free, and whether another may succeed."""
        async with self._slots:
            task = asyncio.current_task()
            self._attempting.add(task)
            try:
                return await self._post(job)
            finally:
                self._attempting.discard(task)

    async def _post(self, job: _Job) -> tuple[dict[str, Any], bool]:
        """Never raises but for cancellation: a failure becomes the attempt's error."""
        at, started = iso(now()), time.perf_counter()
        status, error, may_retry = None, None, True
        # Signed at each attempt: a retry an hour later must still pass a receiver's
        # replay window, which judges the timestamp.
        record_id = job.record["id"]
        headers = d.headers(job.event, record_id, job.payload, job.secret, int(time.time()))
        try:
            async with self._session.post(
                job.url, data=job.payload, headers=headers, allow_redirects=False
            ) as response:
                status = response.status
                may_retry = d.retriable(status)
                if not 200 <= status < 300:
                    error = f"HTTP {status} {response.reason or ''}".rstrip()
        except TimeoutError:
            error = f"No answer within {self.timeout:g} seconds."
        except aiohttp.InvalidURL as err:
            error, may_retry = f"Invalid URL: {err}", False
        except (aiohttp.ClientError, OSError) as err:
            error = f"{type(err).__name__}: {err}"
        except ValueError as err:  # a request aiohttp refuses to build: trying again is vain
            error, may_retry = f"{type(err).__name__}: {err}", False
        duration = round(time.perf_counter() - started, 6)
        return {"at": at, "status": status, "error": error, "duration": duration}, may_retry

    def close(self, grace: float = 0.0) -> None:
        """Give deliveries in flight up to `grace` seconds, cancel the rest (their records say
        so), then close the session and the loop. Idempotent; call it from any other thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        done = asyncio.run_coroutine_threadsafe(self._shutdown(grace), self._loop)
        try:
            done.result(timeout=grace + 10)
        except Exception as err:  # noqa: BLE001 - closing goes on whatever happened
            log.warning("webhook sender did not close cleanly", error=repr(err))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()

    async def _shutdown(self, grace: float) -> None:
        # Requests under way get `grace` to end; waits for a slot or for a retry are cut now.
        self._closing = True
        tasks, attempting = set(self._tasks), set(self._attempting)
        for task in tasks - attempting:
            task.cancel()
        if attempting and grace > 0:
            await asyncio.wait(attempting, timeout=grace)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._session.close()


def _report(job: _Job) -> None:
    """Hand a snapshot of the record to the owner; a failing callback never stops a delivery."""
    snapshot = {**job.record, "attempts": [dict(a) for a in job.record["attempts"]]}
    try:
        job.on_update(snapshot)
    except Exception as err:  # noqa: BLE001
        log.warning("webhook delivery update failed", delivery_id=job.record["id"], error=repr(err))
