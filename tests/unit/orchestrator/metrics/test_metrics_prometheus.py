"""The Prometheus text of the metrics document, read back with the official client's parser."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from orchestrator.metrics.prometheus import render
from orchestrator.store.store import Store
from tests.metrics_helpers import (
    NOW,
    add_job,
    add_run,
    families,
    metrics_document,
    open_store,
    value,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.close()


class TestPrometheus:
    def test_the_text_parses_with_every_family_documented(self, store: Store, tmp_path: Path):
        """Every family has HELP and TYPE, and the values are the document's."""
        job = add_job(store, tmp_path, "job")
        add_run(store, job, "failed", NOW - timedelta(hours=1), 3.0)
        document = metrics_document(store, tmp_path)
        text = render(document)
        found = families(text)
        assert all(f.documentation and f.type in ("gauge", "counter") for f in found.values())
        assert value(found["orchestrator_runs_24h"], state="failed") == 1
        assert value(found["orchestrator_runs_24h"], state="succeeded") == 0
        assert value(found["orchestrator_jobs"], state="failed") == 1
        assert value(found["orchestrator_runs_running"]) == 2
        assert value(found["orchestrator_runs_queued"]) == 5
        assert value(found["orchestrator_run_duration_seconds"], quantile="0.5") == 3.0
        rss = value(found["orchestrator_process_rss_bytes"])
        assert rss == document["process"]["rss"]
        available = value(found["orchestrator_memory_available_bytes"])
        assert available == document["system"]["memory"]["available"]
        assert "orchestrator_cpu_percent" in found
        assert value(found["orchestrator_info"], version="0.3.0a0") == 1
        assert (
            '# TYPE orchestrator_runs_24h gauge\norchestrator_runs_24h{state="scheduled"} 0' in text
        )

    def test_quantiles_are_nan_without_finished_runs(self, store: Store, tmp_path: Path):
        """No finished run in the window: quantiles are NaN, as in a Prometheus summary."""
        found = families(render(metrics_document(store, tmp_path)))
        assert math.isnan(value(found["orchestrator_run_duration_seconds"], quantile="0.99"))

    def test_label_values_are_escaped(self, store: Store, tmp_path: Path):
        """Quotes, backslashes and newlines in a label value survive the round trip."""
        odd = 'a"b\\c\nd'
        found = families(render(metrics_document(store, tmp_path, version=odd)))
        assert value(found["orchestrator_info"], version=odd) == 1

    def test_missing_parts_are_left_out(self):
        """A partial document renders what it has and nothing else."""
        found = families(render({"version": "1", "runs": {"running": 1}}))
        assert set(found) == {"orchestrator_info", "orchestrator_runs_running"}
