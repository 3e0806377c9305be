"""Tests of configuration export and of the round trip on real stores: every definition with
its ID, secrets masked unless asked for, an export imported into an empty store exported the same
again, and masked secrets kept only where a secret is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.store.transfer import export
from tests.transfer_helpers import MASKED, Stores, fill, load, problems, same


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    """Opens real stores by name in the test's directory; all are closed afterwards."""
    opened = Stores(tmp_path)
    yield opened
    opened.close()


class TestExport:
    def test_every_definition_with_ids_and_stamps(self, stores) -> None:
        """Jobs, pipelines, schedules and webhooks come with IDs, fields and stamps."""
        store = stores("a")
        made = fill(store)
        doc = export(store, False)
        assert (doc["format"], doc["version"]) == ("orchestrator-config", 1)
        assert [j["id"] for j in doc["jobs"]] == [made["build"]["id"], made["test"]["id"]]
        build = doc["jobs"][0]
        assert (build["timeout"], build["created_by"], build["env"]) == (30.0, "alice", {"A": "1"})
        assert build["created_at"] == made["build"]["created_at"]
        assert doc["pipelines"][0]["steps"][0]["job"] == made["build"]["id"]
        assert doc["schedules"][0]["targets"] == [made["flow"]["id"], made["test"]["id"]]
        assert "state" not in build and "deliveries" not in doc["webhooks"][0]

    def test_secrets_are_masked_unless_asked_for(self, stores) -> None:
        """Without include_secrets every secret value is `***`; with it, the real values."""
        store = stores("a")
        fill(store)
        masked = export(store, False)
        assert masked["jobs"][0]["secret_env"] == {"TOKEN": "***"}
        assert masked["webhooks"][0]["secret"] == "***"
        assert "t0p" not in json.dumps(masked) and "s3" not in json.dumps(masked)
        full = export(store, True)
        assert full["jobs"][0]["secret_env"] == {"TOKEN": "t0p"}
        assert full["webhooks"][0]["secret"] == "s3"


class TestRoundTrip:
    def test_export_import_export_is_identical(self, stores, tmp_path: Path) -> None:
        """An export imported into an empty store exports the same again, also once reopened."""
        source, target = stores("a"), stores("b")
        fill(source)
        doc = export(source, True)
        answer = load(target, json.loads(json.dumps(doc)))
        assert answer["created"]["jobs"] == [
            {"id": j["id"], "name": j["name"]} for j in doc["jobs"]
        ]
        assert same(export(target, True)) == same(doc)
        target.close()
        again = stores("b")
        assert same(export(again, True)) == same(doc)
        raw = json.dumps(dict(again.tables["jobs"].items()))
        assert "t0p" not in raw  # sealed at rest like any secret

    def test_new_schedules_get_marks(self, stores) -> None:
        """An imported schedule starts from the import, like one created through the API."""
        source, target = stores("a"), stores("b")
        made = fill(source)
        load(target, export(source, True))
        assert target.marks[made["nightly"]["id"]]["checkpoint"]

    def test_importing_the_same_again_changes_nothing(self, stores) -> None:
        """A second import of the same document reports everything unchanged."""
        store = stores("a")
        fill(store)
        doc = export(store, False)
        answer = load(store, doc)
        assert [i["id"] for i in answer["unchanged"]["jobs"]] == [j["id"] for j in doc["jobs"]]
        assert not any(answer["updated"].values()) and not any(answer["created"].values())
        assert same(export(store, False)) == same(doc)


class TestMaskedSecrets:
    def test_a_mask_keeps_the_stored_secret_of_the_same_id(self, stores) -> None:
        """Re-importing a masked export keeps every secret as it was."""
        store = stores("a")
        made = fill(store)
        doc = export(store, False)
        doc["jobs"][0]["command"] = "make all"
        load(store, doc)
        assert store.jobs[made["build"]["id"]]["secret_env"] == {"TOKEN": "t0p"}
        assert store.webhooks[made["hook"]["id"]]["secret"] == "s3"

    def test_a_mask_without_a_stored_secret_is_a_problem(self, stores) -> None:
        """A masked secret with nothing stored behind it is named at its path."""
        source, target = stores("a"), stores("b")
        fill(source)
        doc = export(source, False)
        expected = {"jobs[0].secret_env.TOKEN": MASKED, "webhooks[0].secret": MASKED}
        assert problems(target, doc) == expected
        doc = export(source, False)
        doc["jobs"][0]["secret_env"]["OTHER"] = "***"
        assert problems(source, doc) == {"jobs[0].secret_env.OTHER": MASKED}
