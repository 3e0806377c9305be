"""The documentation: generated pages that match the code, technical pages that build cleanly,
and guides whose links lead somewhere."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT

DOCS = ROOT / "docs"
GUIDES = (
    "getting-started.md",
    "cli.md",
    "cli-reference.md",
    "configuration.md",
    "rest-api.md",
    "deployment.md",
)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def load(name: str):
    """A generator script of docs/gen/, imported by path (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, DOCS / "gen" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


cli_reference = load("cli_reference")
config_reference = load("config_reference")


class TestCliReference:
    def test_every_command_has_a_section(self):
        """Each command of both programs, groups and leaves, has its own heading in the page."""
        page = (DOCS / "cli-reference.md").read_text(encoding="utf-8")
        headings = set(re.findall(r"^#{2,4} (.+)$", page, re.MULTILINE))
        paths = cli_reference.command_paths()
        assert {"orchestrator-cli jobs create", "orchestrator-server init"} <= set(paths)
        assert [path for path in paths if path not in headings] == []

    def test_the_page_matches_the_code(self):
        """The committed page is what the generator makes from today's commands (make docs)."""
        page = (DOCS / "cli-reference.md").read_text(encoding="utf-8")
        assert page == cli_reference.render(), "docs/cli-reference.md is stale: run make docs"

    def test_the_contents_links_reach_their_sections(self):
        """Every link of the page's contents list names the anchor of an existing heading."""
        page = (DOCS / "cli-reference.md").read_text(encoding="utf-8")
        anchors = {cli_reference.anchor(h) for h in re.findall(r"^#+ (.+)$", page, re.MULTILINE)}
        targets = re.findall(r"\]\(#([^)]+)\)", page)
        assert len(targets) == len(cli_reference.command_paths())
        assert [target for target in targets if target not in anchors] == []


class TestConfigReference:
    def test_every_key_of_the_yaml_is_documented(self):
        """Each key of conf/orchestrator.yaml appears with its environment variable."""
        conf = yaml.safe_load((ROOT / "conf" / "orchestrator.yaml").read_text(encoding="utf-8"))
        page = (DOCS / "configuration.md").read_text(encoding="utf-8")
        for section, keys in conf.items():
            for key in keys:
                assert f"`{key}`<br>`ORCH_{section.upper()}__{key.upper()}`" in page

    def test_the_page_matches_the_yaml(self):
        """The committed page is what the generator makes from today's YAML (make docs)."""
        source = (ROOT / "conf" / "orchestrator.yaml").read_text(encoding="utf-8")
        page = (DOCS / "configuration.md").read_text(encoding="utf-8")
        assert page == config_reference.render(source), "docs/configuration.md is stale"

    def test_a_line_it_cannot_read_stops_the_generator(self):
        """A new kind of YAML line is an error, not a key silently left out of the page."""
        with pytest.raises(ValueError, match=r"orchestrator.yaml:3: cannot read"):
            config_reference.parse("server:\n  port: 8080\n    nested: 1\n")


class TestTechnicalDocumentation:
    def test_pdoc_builds_every_module_without_warnings(self, tmp_path: Path):
        """`make docs`' API step writes a page per module and reports no warning at all."""
        done = subprocess.run(
            [sys.executable, str(DOCS / "gen" / "api_reference.py"), "--output", str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=240,
        )
        assert done.returncode == 0, done.stderr
        assert "warning" not in done.stderr
        for page in ("index.html", "orchestrator/startup.html", "actors/supervisor.html"):
            assert (tmp_path / page).is_file(), page
        assert (tmp_path / "cli" / "main.html").is_file()


class TestGuides:
    def test_the_readme_links_every_guide(self):
        """README.md points to each page of docs/, the ones written later included."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        pages = {page.name for page in DOCS.glob("*.md")}
        assert set(GUIDES) <= pages
        assert sorted(name for name in pages if f"(docs/{name})" not in readme) == []

    def test_relative_links_lead_to_files(self):
        """Links between README.md and the guides name files that exist."""
        broken = []
        for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
            for target in LINK.findall(page.read_text(encoding="utf-8")):
                path = target.split("#")[0]
                if not path or re.match(r"^[a-z]+:", path):
                    continue  # an anchor in the same page, or a URL
                if not (page.parent / path).exists():
                    broken.append(f"{page.name}: {target}")
        assert broken == []
