"""Admission decisions: global and per-job limits, FIFO order, and the machine's resources."""

from __future__ import annotations

from orchestrator.runs.admission import Admission, ResourceLimits


def run(run_id: str) -> dict:
    return {"id": run_id}


def job(job_id: str, limit: int = 1) -> dict:
    return {"id": job_id, "name": job_id.lower(), "max_concurrent": limit}


class TestLimits:
    def test_global_limit_keeps_fifo_order(self):
        """With room for two, the first two queued start and the third waits with a reason."""
        gate = Admission(2)
        for n in range(3):
            gate.enqueue(run(f"R{n}"), job(f"J{n}"))
        assert [r["id"] for r, _ in gate.startable()] == ["R0", "R1"]
        assert "max_concurrent_runs" in gate.reasons["R2"]
        gate.release("R0")
        assert [r["id"] for r, _ in gate.startable()] == ["R2"]

    def test_a_job_at_its_limit_does_not_hold_up_others(self):
        """A second run of a busy job waits; a later run of another job starts."""
        gate = Admission(10)
        gate.enqueue(run("R1"), job("JA"))
        gate.enqueue(run("R2"), job("JA"))
        gate.enqueue(run("R3"), job("JB"))
        assert [r["id"] for r, _ in gate.startable()] == ["R1", "R3"]
        assert "max_concurrent (1) runs going" in gate.reasons["R2"]


class TestResources:
    def test_busy_cpu_holds_every_run_until_it_calms(self):
        """Above max_cpu_percent nothing starts; below it the queue starts in order."""
        gate = Admission(10, ResourceLimits(max_cpu_percent=80))
        gate.enqueue(run("R1"), job("JA", 5))
        gate.enqueue(run("R2"), job("JA", 5))
        gate.observe(cpu_percent=95, available_mb=8000)
        assert gate.startable() == []
        assert "max_cpu_percent (80%)" in gate.reasons["R1"]
        gate.observe(cpu_percent=40, available_mb=8000)
        assert [r["id"] for r, _ in gate.startable()] == ["R1", "R2"]
        assert gate.reasons == {}

    def test_low_memory_holds_runs(self):
        """Below min_free_memory_mb runs wait and say how much memory is available."""
        gate = Admission(10, ResourceLimits(min_free_memory_mb=1024))
        gate.enqueue(run("R1"), job("JA"))
        gate.observe(cpu_percent=10, available_mb=512)
        assert gate.startable() == []
        assert gate.reasons["R1"].startswith("available memory is below")

    def test_default_limits_never_hold(self):
        """With the defaults, even a saturated machine takes runs."""
        gate = Admission(10)
        gate.enqueue(run("R1"), job("JA"))
        gate.observe(cpu_percent=100, available_mb=1)
        assert len(gate.startable()) == 1


class TestAtTheLimit:
    """While every queued run waits for the global limit, a look costs only the new runs."""

    def full_gate(self) -> Admission:
        gate = Admission(1)
        for n in range(4):
            gate.enqueue(run(f"R{n}"), job(f"J{n}"))
        assert [r["id"] for r, _ in gate.startable()] == ["R0"]
        assert gate.unchanged == 0  # the first look: every entry may have changed
        return gate

    def test_only_the_runs_queued_since_are_new(self):
        """Three wait; two more come: the next look keeps the three and gives the two the
        same reason."""
        gate = self.full_gate()
        gate.enqueue(run("R4"), job("J4"))
        gate.enqueue(run("R5"), job("J5"))
        assert gate.startable() == []
        assert gate.unchanged == 3 and len(gate.queue) == 5
        assert (
            gate.reasons["R5"] == gate.reasons["R1"] and "max_concurrent_runs" in gate.reasons["R5"]
        )

    def test_a_release_looks_at_everything_again(self):
        """A run ends: the first waiting starts, and every entry may have changed."""
        gate = self.full_gate()
        gate.startable()
        gate.release("R0")
        assert [r["id"] for r, _ in gate.startable()] == ["R1"]
        assert gate.unchanged == 0 and [r["id"] for r, _ in gate.queue] == ["R2", "R3"]

    def test_a_withdrawn_run_shifts_what_is_known(self):
        """Cancelling the second waiting run: the two left are still known, the new one behind
        them gets its reason."""
        gate = self.full_gate()
        assert gate.withdraw("R2")["id"] == "R2"
        gate.enqueue(run("R4"), job("J4"))
        assert gate.startable() == []
        assert gate.unchanged == 2 and "R4" in gate.reasons and "R2" not in gate.reasons

    def test_a_busy_machine_is_not_the_shortcut(self):
        """A busy CPU after a full look: the reason becomes the CPU for every run."""
        gate = Admission(1, ResourceLimits(max_cpu_percent=50))
        for n in range(3):
            gate.enqueue(run(f"R{n}"), job(f"J{n}"))
        gate.startable()
        gate.observe(90.0, None)
        assert gate.startable() == [] and gate.unchanged == 0
        assert "max_cpu_percent" in gate.reasons["R2"]
