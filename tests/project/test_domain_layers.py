"""The store keeps records and the domain keeps rules: `orchestrator.store` never reaches up to
the domain (`orchestrator.definitions`, `orchestrator.runs`) or the actors, the domain never
reaches the actors or the gateway, and each aggregate has its own Storage handler module."""

from __future__ import annotations

import ast
from pathlib import Path

from actors import messages as m
from actors.storage import HANDLERS
from actors.storage import audit as storage_audit
from actors.storage import principals as storage_principals
from tests.support import ROOT

STORE = ROOT / "orchestrator" / "store"
DOMAIN = (ROOT / "orchestrator" / "definitions", ROOT / "orchestrator" / "runs")
RULE_VERBS = ("create_", "update_", "copy_", "delete_")


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, `from a import b` counted as both `a` and `a.b`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def offenders(folders: tuple[Path, ...], forbidden: tuple[str, ...]) -> list[str]:
    """`file: module` for each import of a forbidden package by a module under `folders`."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            for name in sorted(imported_modules(path)):
                if any(name == f or name.startswith(f"{f}.") for f in forbidden):
                    found.append(f"{path.relative_to(ROOT)}: {name}")
    return found


class TestStoreLayer:
    """`orchestrator.store` is a writer: it imports neither the domain rules nor the actors."""

    def test_no_store_module_imports_the_domain_or_the_actors(self) -> None:
        forbidden = ("orchestrator.definitions", "orchestrator.runs", "actors")
        assert offenders((STORE,), forbidden) == []

    def test_no_store_module_defines_what_may_be_created_changed_or_deleted(self) -> None:
        rules = []
        for path in sorted(STORE.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            rules += [
                f"{path.relative_to(ROOT)}: {node.name}"
                for node in tree.body
                if isinstance(node, ast.FunctionDef) and node.name.startswith(RULE_VERBS)
            ]
        assert rules == []

    def test_the_check_sees_an_import_of_the_domain(self, tmp_path: Path) -> None:
        module = tmp_path / "bad.py"
        module.write_text("from orchestrator import definitions\nimport actors.storage\n")
        assert sorted(imported_modules(module)) == [
            "actors.storage",
            "orchestrator",
            "orchestrator.definitions",
        ]


class TestDomainLayer:
    """The domain rules run on any thread: they import neither the actors nor the gateway."""

    def test_no_domain_module_imports_the_actors_or_the_gateway(self) -> None:
        assert offenders(DOMAIN, ("actors", "orchestrator.gateway")) == []

    def test_the_definitions_rules_use_the_store(self) -> None:
        jobs = ROOT / "orchestrator" / "definitions" / "jobs.py"
        assert "orchestrator.store.store" in imported_modules(jobs)


class TestAuditHandlers:
    """The audit trail has its own Storage handler module, registered like the others."""

    def test_audit_messages_go_to_the_audit_module(self) -> None:
        assert HANDLERS[m.Audit] is storage_audit.append
        assert HANDLERS[m.ListAudit] is storage_audit.list_audit

    def test_the_principals_module_no_longer_handles_audit(self) -> None:
        assert not {m.Audit, m.ListAudit} & storage_principals.HANDLERS.keys()
