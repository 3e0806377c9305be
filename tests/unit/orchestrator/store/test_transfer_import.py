"""Tests of configuration import on real stores: a bad document changes nothing and names every
problem with its path; merge, replace, renames, items without IDs, and dry runs."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.store.transfer import export
from tests.transfer_helpers import Stores, fill, load, problems, same


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    """Opens real stores by name in the test's directory; all are closed afterwards."""
    opened = Stores(tmp_path)
    yield opened
    opened.close()


def bad_document(doc: dict) -> dict:
    bad = copy.deepcopy(doc)
    bad["jobs"][1]["workdir"] = "relative/dir"
    bad["jobs"][0]["id"] = "P00000000"
    bad["pipelines"][0]["steps"][1]["job"] = "missing"
    bad["schedules"][0]["targets"].append("nowhere")
    bad["webhooks"][0]["url"] = "ftp://example.org"
    bad["jobs"].append({"name": "test", "command": "x", "workdir": "/", "state": "failed"})
    return bad


class TestInvalidDocuments:
    def test_every_problem_is_named_with_its_path(self, stores) -> None:
        """One error names each problem by path; the store stays as it was."""
        store = stores("a")
        fill(store)
        found = problems(store, bad_document(export(store, True)))
        assert found == {
            "jobs[0].id": "must be a job ID: J and 8 characters",
            "jobs[1].workdir": "must be an absolute path",
            "jobs[2].name": "'test' is also the name of jobs[1]",
            "jobs[2].state": "unknown field",
            "pipelines[0].steps[1].job": "no job has the ID or name 'missing'",
            "schedules[0].targets[2]": "job or pipeline 'nowhere' is unknown",
            "webhooks[0].url": "must be an absolute http:// or https:// URL",
        }

    def test_the_shape_of_the_document_is_checked(self, stores) -> None:
        """Wrong format, version, sections and items are problems at their path."""
        store = stores("a")
        doc = {"format": "other", "version": 2, "jobs": {}, "pipelines": [3], "extra": 1}
        assert problems(store, doc) == {
            "extra": "unknown field",
            "format": "must be 'orchestrator-config'",
            "version": "must be 1, the version this server reads",
            "jobs": "must be a list",
            "pipelines[0]": "must be an object (a pipeline)",
        }
        assert set(problems(store, [])) == {"document"}

    def test_replace_needs_every_section(self, stores) -> None:
        """A replace without a section would delete a whole kind by mistake: it is refused."""
        store = stores("a")
        fill(store)
        found = problems(store, {"jobs": [], "pipelines": [], "schedules": []}, "replace")
        assert set(found) == {"webhooks"}

    def test_names_must_stay_unique_against_what_remains(self, stores) -> None:
        """In a merge, a new item may not take the name of a record the import keeps."""
        store = stores("a")
        made = fill(store)
        item = {"id": "J00000001", "name": "build", "command": "x", "workdir": "/"}
        found = problems(store, {"jobs": [item]})
        taken = f"'build' is also the name of job {made['build']['id']}, which stays"
        assert found == {"jobs[0].name": taken}

    def test_replace_must_not_leave_references_behind(self, stores) -> None:
        """A replace that keeps a pipeline but drops its job is refused."""
        store = stores("a")
        made = fill(store)
        doc = export(store, True)
        doc["jobs"] = doc["jobs"][1:]
        found = problems(store, doc, "replace")
        build = made["build"]["id"]
        assert found == {"pipelines[0].steps[0].job": f"no job has the ID or name '{build}'"}


class TestModes:
    def test_merge_creates_and_updates_by_id_and_keeps_the_rest(self, stores) -> None:
        """Merge: listed records are created or updated; records not listed stay."""
        store = stores("a")
        made = fill(store)
        doc = export(store, True)
        doc["jobs"] = [{**doc["jobs"][1], "command": "pytest"}]
        doc["jobs"].append({"name": "lint", "command": "ruff", "workdir": "/"})
        doc["pipelines"] = doc["schedules"] = doc["webhooks"] = []
        answer = load(store, doc)
        [new] = answer["created"]["jobs"]
        new_id = new["id"]
        assert new["name"] == "lint"
        assert ids_of(answer["updated"]["jobs"]) == [made["test"]["id"]]
        assert not any(answer["deleted"].values())
        assert store.jobs[made["test"]["id"]]["command"] == "pytest"
        assert store.jobs[made["test"]["id"]]["created_by"] == "bob"
        assert store.jobs[new_id]["created_by"] == "importer"
        assert len(store.jobs) == 3 and len(store.pipelines) == 1

    def test_replace_deletes_what_the_document_leaves_out(self, stores) -> None:
        """Replace: records absent from the document are deleted, with their schedule marks."""
        store = stores("a")
        made = fill(store)
        doc = export(store, True)
        doc["jobs"] = doc["jobs"][1:]
        doc["pipelines"] = doc["schedules"] = doc["webhooks"] = []
        answer = load(store, doc, "replace")
        assert answer["deleted"] == {
            "jobs": [{"id": made["build"]["id"], "name": made["build"]["name"]}],
            "pipelines": [{"id": made["flow"]["id"], "name": made["flow"]["name"]}],
            "schedules": [{"id": made["nightly"]["id"], "name": made["nightly"]["name"]}],
            "webhooks": [{"id": made["hook"]["id"], "name": made["hook"]["name"]}],
        }
        assert list(store.jobs) == [made["test"]["id"]] and len(store.webhooks) == 0
        assert made["nightly"]["id"] not in store.marks

    def test_records_may_swap_names(self, stores) -> None:
        """Two jobs exchanging their names in one import is not a conflict."""
        store = stores("a")
        made = fill(store)
        doc = export(store, True)
        doc["jobs"][0]["name"], doc["jobs"][1]["name"] = "test", "build"
        answer = load(store, doc)
        assert sorted(ids_of(answer["updated"]["jobs"])) == sorted(j["id"] for j in doc["jobs"])
        assert store.jobs.find("test")["id"] == made["build"]["id"]
        assert store.jobs.find("build")["id"] == made["test"]["id"]

    def test_an_item_without_id_matches_by_name(self, stores) -> None:
        """Without an ID, an item updates the record of its name, or creates a new one."""
        store = stores("a")
        made = fill(store)
        items = [{"name": name, "command": "new", "workdir": "/"} for name in ("test", "fresh")]
        answer = load(store, {"jobs": items})
        assert ids_of(answer["updated"]["jobs"]) == [made["test"]["id"]]
        assert store.jobs.find("fresh")["id"] == answer["created"]["jobs"][0]["id"]

    def test_dry_run_reports_and_changes_nothing(self, stores) -> None:
        """A dry run answers what would change; the store and its file stay as they were."""
        store = stores("a")
        made = fill(store)
        before = export(store, True)
        doc = copy.deepcopy(before)
        doc["jobs"][0]["command"] = "changed"
        doc["webhooks"] = []
        answer = load(store, doc, "replace", dry_run=True)
        assert answer["dry_run"] is True and answer["mode"] == "replace"
        assert ids_of(answer["updated"]["jobs"]) == [made["build"]["id"]]
        assert ids_of(answer["deleted"]["webhooks"]) == [made["hook"]["id"]]
        assert same(export(store, True)) == same(before)
        assert all(not table.pending for table in store.tables.all.values())

    def test_dry_run_names_new_items_without_inventing_ids(self, stores) -> None:
        """What a dry run would create is listed by name; an item without an ID in the document
        has `id: null`, one with an ID keeps it, and no ID drawn for the check is shown."""
        store = stores("a")
        fill(store)
        doc = {
            "jobs": [
                {"name": "lint", "command": "ruff", "workdir": "/"},
                {"id": "J00000001", "name": "fixed", "command": "true", "workdir": "/"},
            ]
        }
        first = load(store, doc, dry_run=True)
        again = load(store, doc, dry_run=True)
        assert first["created"]["jobs"] == [
            {"id": None, "name": "lint"},
            {"id": "J00000001", "name": "fixed"},
        ]
        assert again == first
        assert store.jobs.find("lint") is None


def ids_of(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]
