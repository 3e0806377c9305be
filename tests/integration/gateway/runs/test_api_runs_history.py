"""Integration tests of `GET /runs`, the execution history: filters, order and paging."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.api_helpers import assert_fields, make_job, q, run_and_wait, unique
from tests.support import ServerProcess


@pytest.fixture(scope="module")
def history(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two jobs: `a` ran twice (succeeded), `b` once (failed), `b` last of all."""
    workdir = tmp_path_factory.mktemp("work")
    a = make_job(server, workdir, name=unique("hist-a"))
    b = make_job(server, workdir, name=unique("hist-b"), command="exit 1")
    a_runs = [run_and_wait(server, a["id"])]
    time.sleep(0.01)  # distinct creation times, so since/until can split them
    a_runs.append(run_and_wait(server, a["id"]))
    time.sleep(0.01)
    b_run = run_and_wait(server, b["id"])
    return {"a": a, "b": b, "a_runs": a_runs, "b_run": b_run}


def ids_of(server: ServerProcess, query: str) -> list[str]:
    status, page = server.request("GET", f"/runs?{query}")
    assert status == 200, page
    assert page["total"] == len(page["items"]) and page["next_cursor"] is None
    return [run["id"] for run in page["items"]]


class TestRunHistory:
    def test_owner_by_id_and_by_name(self, server: ServerProcess, history: dict) -> None:
        """`owner` takes a job ID (any case) or a name, and lists that job's runs newest first."""
        expected = [run["id"] for run in reversed(history["a_runs"])]
        a = history["a"]
        for owner in (a["id"], a["id"].lower(), a["name"]):
            assert ids_of(server, f"owner={q(owner)}") == expected, owner

    def test_newest_first(self, server: ServerProcess, history: dict) -> None:
        """Without filters the latest run comes first and creation times go down."""
        status, page = server.request("GET", "/runs?limit=1000")
        assert status == 200
        assert page["items"][0]["id"] == history["b_run"]["id"]
        created = [run["queued_at"] for run in page["items"] if run["queued_at"]]
        assert created == sorted(created, reverse=True)
        assert all("env" not in run for run in page["items"])

    def test_state_filter(self, server: ServerProcess, history: dict) -> None:
        """`state` keeps only the runs in that state."""
        b = history["b"]
        assert ids_of(server, f"owner={b['id']}&state=failed") == [history["b_run"]["id"]]
        assert ids_of(server, f"owner={b['id']}&state=succeeded") == []
        assert ids_of(server, f"owner={history['a']['id']}&state=failed") == []

    def test_kind_filter(self, server: ServerProcess, history: dict) -> None:
        """`kind=job` keeps job runs; `kind=pipeline` has none of this job's runs."""
        assert ids_of(server, f"owner={history['b']['id']}&kind=job") == [history["b_run"]["id"]]
        assert ids_of(server, f"owner={history['b']['id']}&kind=pipeline") == []
        status, page = server.request("GET", "/runs?kind=job&limit=1000")
        assert status == 200 and {run["kind"] for run in page["items"]} == {"job"}

    def test_since_and_until(self, server: ServerProcess, history: dict) -> None:
        """`since` and `until` bound the runs by time, both ends included."""
        first, second = history["a_runs"]
        owner = history["a"]["id"]
        assert ids_of(server, f"owner={owner}&since={q(second['queued_at'])}") == [second["id"]]
        assert ids_of(server, f"owner={owner}&until={q(first['queued_at'])}") == [first["id"]]
        both = f"owner={owner}&since={q(first['queued_at'])}&until={q(second['queued_at'])}"
        assert ids_of(server, both) == [second["id"], first["id"]]
        assert ids_of(server, f"owner={owner}&since=2999-01-01T00:00:00Z") == []

    def test_paging(self, server: ServerProcess, history: dict) -> None:
        """`limit=1` pages through a job's runs with `next_cursor`, `total` counting them all."""
        owner = history["a"]["id"]
        status, page = server.request("GET", f"/runs?owner={owner}&limit=1")
        assert status == 200
        assert page["total"] == 2 and len(page["items"]) == 1
        assert page["next_cursor"] is not None
        cursor = page["next_cursor"]
        status, rest = server.request("GET", f"/runs?owner={owner}&limit=1&cursor={cursor}")
        assert status == 200
        assert rest["total"] == 2 and rest["next_cursor"] is None
        seen = [page["items"][0]["id"], rest["items"][0]["id"]]
        assert seen == [run["id"] for run in reversed(history["a_runs"])]

    def test_unknown_owner_has_no_runs(self, server: ServerProcess) -> None:
        """An owner that matches nothing gives an empty list, not an error."""
        assert ids_of(server, f"owner={unique()}") == []

    @pytest.mark.parametrize(
        ("query", "field"),
        [("state=bogus", "state"), ("kind=task", "kind"), ("since=yesterday", "since"),
         ("until=soon", "until"), ("limit=0", "limit"), ("limit=1001", "limit"),
         ("cursor=R000000000000", "cursor")],
    )  # fmt: skip
    def test_bad_query(self, server: ServerProcess, query: str, field: str) -> None:
        """A bad filter value is a 400 naming the parameter."""
        assert_fields(server.request("GET", f"/runs?{query}"), field)

    def test_get_one_run(self, server: ServerProcess, history: dict) -> None:
        """A run listed is the same as the run fetched by ID, also in lower case."""
        run = history["b_run"]
        assert server.request("GET", f"/runs/{run['id'].lower()}") == (200, run)

    def test_runs_survive_their_job(self, server: ServerProcess, tmp_path: Path) -> None:
        """Deleting a job keeps its runs in the history."""
        job = make_job(server, tmp_path)
        run = run_and_wait(server, job["id"])
        assert server.request("DELETE", f"/jobs/{job['id']}")[0] == 204
        assert server.request("GET", f"/runs/{run['id']}")[0] == 200
        assert ids_of(server, f"owner={job['id']}") == [run["id"]]
