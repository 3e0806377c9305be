"""The distribution, built for real: `packaging/build.py` on a copy of the tree, then the archive's
binaries and the wheel run as a user would run them.

Slow (a couple of minutes, mostly PyInstaller), so every test shares one build. It runs on Linux;
the release workflow builds and smoke-tests the other systems with the same `packaging/smoke.py`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestrator import VERSION_DISPLAY, __version__
from tests.support import ROOT

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.timeout(600),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds for Linux only"),
]

LINK = re.compile(r"\]\(([^)\s]+)\)")
_spec = importlib.util.spec_from_file_location("smoke", ROOT / "packaging" / "smoke.py")
smoke = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(smoke)


@dataclass(frozen=True)
class Build:
    tree: Path
    dist: Path
    output: str
    with_ui: bool

    @property
    def archive(self) -> Path:
        return next(self.dist.glob(f"orchestrator-{__version__}-linux-*.tar.gz"))

    @property
    def wheel(self) -> Path:
        return self.dist / f"orchestrator-{__version__}-py3-none-any.whl"


def copy_tree(destination: Path) -> None:
    """The files git would commit (tracked, or new and not ignored): a clean checkout's view."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """build.py run once on a copy of the tree, so the real tree and its dist/ stay untouched."""
    tree = tmp_path_factory.mktemp("tree")
    copy_tree(tree)
    with_ui = (tree / "web" / "package.json").is_file() and shutil.which("npm") is not None
    args = [sys.executable, str(tree / "packaging" / "build.py")]
    done = subprocess.run(
        args if with_ui else [*args, "--skip-ui"], cwd=tree, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Build(tree, tree / "dist", done.stdout, with_ui)


@pytest.fixture(scope="module")
def unpacked(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return smoke.unpack(build.archive, tmp_path_factory.mktemp("unpacked"))


@pytest.fixture
def packaged_server(unpacked: Path, tmp_path: Path) -> Iterator[smoke.PackagedServer]:
    """The archive's server with its shipped configuration, a free port and a fresh data dir."""
    env = {key: value for key, value in os.environ.items() if key != "LD_LIBRARY_PATH"}
    command = [
        unpacked / "bin" / "orchestrator-server",
        "--config",
        unpacked / "conf" / "orchestrator.yaml",
    ]
    server = smoke.PackagedServer(command, tmp_path / "data", cwd=tmp_path, env=env)
    server.wait_healthy()
    yield server
    server.stop()


class TestBuild:
    def test_the_build_prints_its_figures(self, build: Build):
        """The summary gives the build time, each binary's start-up time and the archive size."""
        assert "build time:" in build.output
        assert build.output.count("start-up") == 2
        assert f"{build.archive.name}: " in build.output

    def test_the_archive_is_named_for_the_system_and_has_its_checksum(self, build: Build):
        """dist/orchestrator-<version>-linux-<arch>.tar.gz, and a .sha256 file that matches it."""
        assert build.archive.name.startswith(f"orchestrator-{__version__}-linux-")
        smoke.verify_checksum(build.archive)  # raises when the digest or the name differ
        assert build.archive.stat().st_size < 40 * 2**20

    def test_the_wheel_carries_the_default_config_and_the_ui(self, build: Build):
        """The default config, the Swagger UI and (when built) the web UI are in the wheel."""
        with zipfile.ZipFile(build.wheel) as wheel:
            names = set(wheel.namelist())
        assert "orchestrator/default.yaml" in names
        assert "orchestrator/gateway/static/vendor/swagger-ui/swagger-ui-bundle.js" in names
        assert ("orchestrator/gateway/static/ui/index.html" in names) == build.with_ui


class TestArchive:
    def test_the_archive_holds_what_an_install_needs(self, build: Build):
        """Both binaries (executable), the config, the service files, the install script, docs."""
        top = build.archive.name.removesuffix(".tar.gz")
        with tarfile.open(build.archive) as tar:
            members = {m.name.removeprefix(top + "/"): m for m in tar.getmembers() if m.isfile()}
        assert set(members) == {
            "bin/orchestrator-server",
            "bin/orchestrator-cli",
            "conf/orchestrator.yaml",
            "service/orchestrator.service",
            "install.sh",
            "README.md",
            "LICENSE",
            "CHANGELOG.md",
            "DEPLOYMENT.md",
            *(f"docs/{guide.name}" for guide in (ROOT / "docs").glob("*.md")),
        } | {name for name in members if name.startswith("docs/screenshots/")}
        assert any(name.startswith("docs/screenshots/") for name in members)
        for name in ("bin/orchestrator-server", "bin/orchestrator-cli", "install.sh"):
            assert members[name].mode & 0o111, name

    def test_the_readme_gets_a_user_started_with_the_binaries(self, unpacked: Path):
        """The README is the release's own: binaries, admin credentials, a first job, the UI's
        URL, and no `make` (there is no Makefile in the archive)."""
        readme = (unpacked / "README.md").read_text(encoding="utf-8")
        for needed in ("bin/orchestrator-server", "bin/orchestrator-cli", "admin", "jobs run"):
            assert needed in readme, needed
        assert "http://127.0.0.1:8080/" in readme
        assert not re.search(r"\bmake\b", readme)

    def test_every_relative_link_resolves_inside_the_archive(self, unpacked: Path):
        """Links and images of the README and the shipped docs lead to files in the archive."""
        pages = [unpacked / "README.md", *sorted((unpacked / "docs").glob("*.md"))]
        assert len(pages) > 5
        broken = []
        for page in pages:
            for target in LINK.findall(page.read_text(encoding="utf-8")):
                path = target.split("#")[0]
                if not path or re.match(r"^[a-z]+:", path):
                    continue
                resolved = (page.parent / path).resolve()
                if not resolved.is_file() or unpacked.resolve() not in resolved.parents:
                    broken.append(f"{page.relative_to(unpacked)} -> {target}")
        assert broken == []

    def test_both_binaries_report_the_version(self, unpacked: Path):
        """`--version` of each packaged binary prints the product and its display version."""
        for name in ("orchestrator-server", "orchestrator-cli"):
            version = smoke.program_version(unpacked / "bin" / name)
            assert version == f"orchestrator {VERSION_DISPLAY}"

    def test_the_packaged_cli_runs_a_job_on_the_packaged_server(
        self, unpacked: Path, packaged_server, tmp_path: Path
    ):
        """A job created and run with the packaged CLI succeeds and its output is kept."""
        cli = unpacked / "bin" / "orchestrator-cli"
        context = smoke.run_job(cli, packaged_server, "hello", "echo packaged-hello", tmp_path)
        assert context["state"] == "succeeded"
        assert context["content"].strip() == "packaged-hello"

    def test_jobs_see_the_machines_library_path_not_the_bundles(
        self, unpacked: Path, packaged_server, tmp_path: Path
    ):
        """The one-file bundle's LD_LIBRARY_PATH does not leak into the commands of jobs."""
        cli = unpacked / "bin" / "orchestrator-cli"
        command = 'echo "[${LD_LIBRARY_PATH-unset}]"'
        context = smoke.run_job(cli, packaged_server, "libpath", command, tmp_path)
        assert context["content"].strip() == "[unset]"

    def test_sigterm_stops_the_packaged_server_cleanly(self, packaged_server):
        """SIGTERM, as systemd and launchd send it, ends the packaged server with exit code 0."""
        assert packaged_server.stop() == 0


@pytest.fixture(scope="module")
def venv(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel and its dependencies, nothing else."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--disable-pip-version-check", str(build.wheel)], check=True)
    return venv


class TestWheel:
    def test_the_installed_server_serves_the_api_docs_and_ui(
        self, build: Build, venv: Path, tmp_path: Path
    ):
        """`orchestrator-server` from the wheel starts with no config file and serves its pages."""
        server = smoke.PackagedServer(
            [venv / "bin" / "orchestrator-server"], tmp_path / "data", tmp_path
        )
        try:
            server.wait_healthy()
            assert server.get("/docs")[0] == 200
            status, page = server.get("/ui/")
            assert status == 200
            assert ('id="app"' in page) == build.with_ui
        finally:
            assert server.stop() == 0

    def test_the_shipped_default_config_is_the_built_in_one(self, venv: Path, tmp_path: Path):
        """orchestrator/default.yaml is installed and loads to exactly the built-in defaults."""
        python = venv / "bin" / "python"
        where = "import orchestrator, pathlib; print(pathlib.Path(orchestrator.__file__).parent)"
        # Run away from the source tree, whose orchestrator/ would be found first.
        found = subprocess.check_output([python, "-c", where], cwd=tmp_path, text=True)
        package = Path(found.strip())
        default = package / "default.yaml"
        assert default.is_file()
        server = venv / "bin" / "orchestrator-server"
        builtin = subprocess.check_output([server, "check-config"], cwd=tmp_path, text=True)
        shipped = subprocess.check_output(
            [server, "--config", default, "check-config"], cwd=tmp_path, text=True
        )
        assert shipped == builtin
        assert "port: 8080" in builtin
