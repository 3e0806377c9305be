"""Fuzz every operation of the API from its own OpenAPI document: no generated request, valid or
not, may get a 5xx answer.

Schemathesis generates cases from `/openapi.json` (its coverage cases, then random
schema-conforming and schema-breaking ones) and
sends them with the admin key to a real server in a temporary data directory. The run is small
and deterministic by default (`ORCH_FUZZ_EXAMPLES`, 10 per operation and mode); `make fuzz` runs
it at full size, and `ORCH_FUZZ_ONLY` narrows it to the operations whose label holds that text.

The fuzzer may create jobs and webhooks, run them and fire schedules, so every body is scrubbed
before it is sent: a job's `command` becomes `true` and a webhook's `url` points at a closed
loopback port, so nothing generated runs as a shell command or leaves the machine. A `wait=true`
is held to a few seconds, and the endless log stream is left out.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

from tests.support import ServerProcess  # noqa: E402

EXAMPLES = int(os.environ.get("ORCH_FUZZ_EXAMPLES", "10"))
ONLY = os.environ.get("ORCH_FUZZ_ONLY", "")  # e.g. "POST /users": fuzz only labels holding it
SKIPPED = {"GET /logs/stream": "an endless event stream: it never answers in full"}
SAFE_COMMAND = "true"
SAFE_URL = "http://127.0.0.1:9/fuzz"  # the discard port: nothing listens, nothing leaves
MAX_WAIT = "2"


def scrub(value: Any) -> Any:
    """The generated body with every job command made harmless and every URL on loopback."""
    if isinstance(value, dict):
        clean = {k: scrub(v) for k, v in value.items()}
        if isinstance(clean.get("command"), str):
            clean["command"] = SAFE_COMMAND
        if isinstance(clean.get("url"), str):
            clean["url"] = SAFE_URL
        return clean
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def hold_wait(query: dict[str, Any] | None) -> None:
    """A `wait=true` with a long `timeout` would hold the request open: keep it short."""
    if not query or "timeout" not in query:
        return
    try:
        if float(query["timeout"]) > float(MAX_WAIT):
            query["timeout"] = MAX_WAIT
    except (TypeError, ValueError):
        pass


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server of its own: the fuzzer changes users, keys and configuration at will."""
    base = tmp_path_factory.mktemp("fuzz")
    proc = ServerProcess(base / "data").start()
    yield proc
    proc.stop()


def fuzz_operation(operation: Any, server: ServerProcess, seen: list[int]) -> str | None:
    """Run one operation's cases in both modes; the first server error found, or None."""
    headers = {"Authorization": f"Bearer {server.api_key}"}

    def send(case: Any) -> None:
        if case.body is not None and not isinstance(case.body, str | bytes):
            case.body = scrub(case.body)
        hold_wait(case.query)
        seen.append(1)
        case.call_and_validate(
            base_url=server.url, headers=headers, checks=[not_a_server_error], timeout=30
        )

    # The coverage phase: schemathesis's deterministic edge cases, one per field and way to
    # break it (a wrong JSON type, a value past a bound), that random generation seldom hits.
    config = operation.schema.config.generation_for(operation=operation)
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    for case in operation.schema.iter_coverage_cases(
        operation, generation_modes=modes, generation_config=config
    ):
        try:
            send(case)
        except (Exception, BaseExceptionGroup) as err:  # noqa: BLE001 - reported with its operation and case
            return f"{operation.label} (coverage): {str(err).strip()[:1500]}"
    for mode in modes:
        test = settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(given(case=operation.as_strategy(mode))(send))
        try:
            test()
        except Unsatisfiable:  # nothing to break: the operation takes no input at all
            continue
        except (Exception, BaseExceptionGroup) as err:  # noqa: BLE001 - any failure is reported with its operation
            return f"{operation.label} ({mode}): {str(err).strip()[:1500]}"
    return None


class TestFuzz:
    def test_no_operation_answers_a_server_error(self, fuzz_server: ServerProcess) -> None:
        """Every operation, fed generated valid and invalid input, answers below 500."""
        schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json", timeout=30)
        operations, failures, seen = [], [], []
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label in SKIPPED or ONLY not in operation.label:
                continue
            operations.append(operation.label)
            failure = fuzz_operation(operation, fuzz_server, seen)
            if failure:
                failures.append(failure)
        print(f"fuzzed {len(operations)} operations, {len(seen)} cases, {len(failures)} failing")
        assert len(operations) > (0 if ONLY else 50), operations
        assert fuzz_server.request("GET", "/health")[0] == 200
        assert not failures, "\n\n".join(failures)


def test_scrub_makes_commands_and_urls_harmless(tmp_path: Path) -> None:
    """Nested job commands and webhook URLs are replaced, other values kept."""
    body = {"jobs": [{"command": "rm -rf ~", "workdir": str(tmp_path)}], "url": "http://x.io"}
    assert scrub(body) == {
        "jobs": [{"command": SAFE_COMMAND, "workdir": str(tmp_path)}],
        "url": SAFE_URL,
    }
