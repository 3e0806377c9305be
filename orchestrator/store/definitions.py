"""Named definitions (jobs, pipelines, ...): records by ID with a unique-name index.

People use names and IDs interchangeably; this is the one place that decides how a reference
is looked up: an ID of the right prefix in any case first, then the exact name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from orchestrator import ids
from orchestrator.errors import Conflict, NotFound
from orchestrator.security.crypto import SecretBox
from orchestrator.store.tables import Table


class Definitions(Mapping[str, dict]):
    """`secrets` names the fields sealed on disk: a string, or an object of strings."""

    def __init__(
        self,
        prefix: str,
        label: str,
        table: Table,
        box: SecretBox,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.prefix = prefix
        self.label = label
        self.table = table
        self.box = box
        self.secrets = secrets
        self.records: dict[str, dict] = {}
        self.names: dict[str, str] = {}
        stored = sorted((v for _, v in table.items()), key=lambda r: r.get("created_at") or "")
        for record in stored:
            record = self._convert(record, box.open)
            self.records[record["id"]] = record
            self.names[record["name"]] = record["id"]

    def _convert(self, record: dict, change) -> dict:
        """A copy of the record with every secret field passed through `change`."""
        if not self.secrets:
            return record
        copy = dict(record)
        for name in self.secrets:
            value = copy.get(name)
            if isinstance(value, dict):
                copy[name] = {k: change(v) for k, v in value.items()}
            elif isinstance(value, str) and value:
                copy[name] = change(value)
        return copy

    def reseal(self, box: SecretBox) -> int:
        """Write every record again sealed by `box` (key rotation); returns how many."""
        self.box = box
        for record in self.records.values():
            self.table.put(record["id"], self._convert(record, box.seal))
        return len(self.records) if self.secrets else 0

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
        self.table.put(record["id"], self._convert(record, self.box.seal))
        return record

    def remove(self, record_id: str) -> dict:
        record = self.records.pop(record_id)
        del self.names[record["name"]]
        self.table.delete(record_id)
        return record
