"""The gateway's audit entries: those of one turn of the event loop go to Storage together."""

from __future__ import annotations

import asyncio

from actors import messages as m
from orchestrator.gateway.audit_batch import AuditBatch
from tests.unit.actors.conftest import Recorder


class TestAuditBatch:
    """One `Audit` message per turn of the loop, with the entries in the order they came."""

    def test_entries_of_one_turn_are_one_message(self) -> None:
        storage = Recorder()
        batch = AuditBatch(storage)

        async def scenario() -> None:
            for number in range(3):
                batch.add({"n": number})
            assert storage.told == []  # nothing is told before the turn ends
            await asyncio.sleep(0)
            batch.add({"n": 3})
            await asyncio.sleep(0)

        asyncio.run(scenario())
        assert storage.told == [m.Audit(({"n": 0}, {"n": 1}, {"n": 2})), m.Audit(({"n": 3},))]
