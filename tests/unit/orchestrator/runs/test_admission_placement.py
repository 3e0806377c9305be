"""Admission asks the executor whether a run can be placed: a run it cannot place waits with
the executor's reason, and starts once the executor can place it."""

from __future__ import annotations

from orchestrator.runs.admission import Admission


def job(job_id: str, resources: dict | None = None) -> dict:
    return {"id": job_id, "name": job_id, "max_concurrent": 10, "resources": resources or {}}


class TestPlacement:
    """`placeable(resources)` holds back only the runs it names a reason for."""

    def test_unplaceable_run_waits_with_the_reason(self) -> None:
        """A gpu run waits with the executor's words while a plain run behind it starts."""
        offered: dict[str, float] = {}

        def placeable(resources: dict) -> str | None:
            missing = {k: v for k, v in resources.items() if offered.get(k, 0) < v}
            return (
                "no worker offers " + ",".join(f"{k}={v}" for k, v in missing.items())
                if missing
                else None
            )

        admission = Admission(4, placeable=placeable)
        admission.enqueue({"id": "R1"}, job("J1", {"gpu": 1}))
        admission.enqueue({"id": "R2"}, job("J2"))
        assert [run["id"] for run, _ in admission.startable()] == ["R2"]
        assert admission.reasons == {"R1": "no worker offers gpu=1"}
        offered["gpu"] = 1
        assert [run["id"] for run, _ in admission.startable()] == ["R1"]
        assert admission.reasons == {}
