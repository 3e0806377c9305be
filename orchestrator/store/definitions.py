"""Named definitions (jobs, pipelines, ...): records by ID with a unique-name index.

People use names and IDs interchangeably; this is the one place that decides how a reference
is looked up: an ID of the right prefix in any case first, then the exact name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from orchestrator import ids
from orchestrator.errors import Conflict, NotFound
from orchestrator.store.tables import Table


class Definitions(Mapping[str, dict]):
    def __init__(self, prefix: str, label: str, table: Table) -> None:
        self.prefix = prefix
        self.label = label
        self.table = table
        self.records: dict[str, dict] = {}
        self.names: dict[str, str] = {}
        stored = sorted((v for _, v in table.items()), key=lambda r: r.get("created_at") or "")
        for record in stored:
            self.records[record["id"]] = record
            self.names[record["name"]] = record["id"]

    def __getitem__(self, key: str) -> dict:
        return self.records[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def find(self, ref: str) -> dict | None:
        """A record by ID (any case) or by exact name; None when nothing matches."""
        record_id = ids.as_id(ref, self.prefix)
        if record_id and record_id in self.records:
            return self.records[record_id]
        found = self.names.get(ref)
        return self.records[found] if found else None

    def require(self, ref: str) -> dict:
        record = self.find(ref)
        if record is None:
            raise NotFound(f"No {self.label} has the ID or name '{ref}'.")
        return record

    def check_name_free(self, name: str, record_id: str | None = None) -> None:
        owner = self.names.get(name)
        if owner is not None and owner != record_id:
            raise Conflict(f"A {self.label} named '{name}' already exists.", {"id": owner})

    def save(self, record: dict) -> dict:
        """Create or replace; the name must stay unique within this kind."""
        self.check_name_free(record["name"], record["id"])
        old = self.records.get(record["id"])
        if old is not None and old["name"] != record["name"]:
            del self.names[old["name"]]
        self.records[record["id"]] = record
        self.names[record["name"]] = record["id"]
        self.table.put(record["id"], record)
        return record

    def remove(self, record_id: str) -> dict:
        record = self.records.pop(record_id)
        del self.names[record["name"]]
        self.table.delete(record_id)
        return record
