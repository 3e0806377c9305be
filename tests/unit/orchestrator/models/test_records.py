"""The record types name every field the records carry: what `new_run` builds and what the
OpenAPI document shows of runs, attempts, steps, jobs, pipelines and schedules."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator.gateway.openapi import build_document
from orchestrator.models import records
from orchestrator.models.run import new_run

# Computed for answers only, never stored: the latest run's state and the next fires.
COMPUTED = {"state", "last_run_id", "next_run_at", "target_names", "next_fire_at"}
COMPUTED.add("next_fire_error")


def fields(kind: Any) -> set[str]:
    return set(kind.__required_keys__ | kind.__optional_keys__)


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    return build_document("test")["components"]["schemas"]


class TestRecordTypes:
    """Each TypedDict has the fields of its record, no fewer."""

    def test_a_new_run_has_only_declared_fields(self) -> None:
        owner = {"id": "J0000000A", "name": "nightly"}
        run = new_run("R000000000001", "job", owner, {"type": "api", "by": "ann"}, "now")
        assert set(run) <= fields(records.Run)

    @pytest.mark.parametrize("kind", [records.Run, records.Attempt, records.StepRun])
    def test_every_documented_run_field_is_declared(self, kind: Any, schemas: dict) -> None:
        assert set(schemas[kind.__name__]["properties"]) <= fields(kind)

    @pytest.mark.parametrize("kind", [records.Job, records.Pipeline, records.Schedule])
    def test_every_stored_definition_field_is_declared(self, kind: Any, schemas: dict) -> None:
        assert set(schemas[kind.__name__]["properties"]) - COMPUTED <= fields(kind)
