"""`orchestrator-server`: the composition root (configuration → logs → actors → app → serve).

Every configuration key can come from the YAML file, the environment or these options; a bad
one stops the start with one line that names it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from orchestrator import VERSION_DISPLAY
from orchestrator.config import Config, load_config, parse_assignment
from orchestrator.errors import OrchestratorError
from orchestrator.log import logs_for
from orchestrator.startup.private_files import keep_private

LEVELS = click.Choice(["debug", "info", "warning", "error"], case_sensitive=False)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION_DISPLAY, prog_name="orchestrator", message="%(prog)s %(version)s")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="YAML configuration file (default: ./orchestrator.yaml if present).",
)
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8080).")
@click.option("--data-dir", help="Store, key file and logs (default ./data).")
@click.option("--log-level", type=LEVELS, help="debug, info, warning or error.")
@click.option("--silent", is_flag=True, help="No log output on the console.")
@click.option("--debug", is_flag=True, help="Very verbose logs (level debug, plus internals).")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="SECTION.KEY=VALUE",
    help="Override any configuration key (repeatable).",
)
@click.pass_context
def main(
    ctx: click.Context,
    config_file: str | None,
    host: str | None,
    port: int | None,
    data_dir: str | None,
    log_level: str | None,
    silent: bool,
    debug: bool,
    assignments: tuple[str, ...],
) -> None:
    """Orchestrator server: jobs, pipelines and schedules behind a REST API."""
    keep_private()  # the data directory, store, logs and keys: readable by this user only
    try:
        overrides: dict[str, Any] = dict(parse_assignment(text) for text in assignments)
        dedicated = {
            "server.host": host,
            "server.port": port,
            "server.data_dir": data_dir,
            "logging.level": log_level and log_level.lower(),
        }
        # An option left out must not hide the same key given with --set; one given wins.
        overrides.update({name: value for name, value in dedicated.items() if value is not None})
        if silent:
            overrides["logging.console"] = False
        config = load_config(config_file, overrides=overrides)
    except OrchestratorError as err:
        raise click.UsageError(f"configuration: {err.message}") from None
    ctx.obj = (config, debug)
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


@main.command()
@click.pass_obj
def serve(obj: tuple[Config, bool]) -> None:
    """Start the server (the default command)."""
    from orchestrator.startup.serve import serve_forever

    config, debug = obj
    sys.exit(serve_forever(config, debug))


@main.command()
@click.option("--admin-password", help="Password of the first admin (default: generated).")
@click.option("--admin-api-key", help="API key of the first admin (default: generated).")
@click.pass_obj
def init(obj: tuple[Config, bool], admin_password: str | None, admin_api_key: str | None) -> None:
    """Create the data directory, the store and the admin user, then exit."""
    from orchestrator.startup.runtime import Runtime
    from orchestrator.startup.serve import announce_admin

    config, debug = obj
    logs = logs_for(config, debug)
    try:
        runtime = Runtime(config)
    except OrchestratorError as err:
        logs.close()
        raise click.ClickException(err.message) from None
    try:
        password = admin_password or os.environ.get("ORCH_ADMIN_PASSWORD") or None
        api_key = admin_api_key or os.environ.get("ORCH_ADMIN_API_KEY") or None
        try:
            created = runtime.bootstrap_admin(password, api_key)
        except OrchestratorError as err:
            raise click.ClickException(err.message) from None
        if created:
            announce_admin(config, created)
        else:
            click.echo(f"The store at {config.store_path} already has users; nothing to do.")
    finally:
        runtime.stop()
        logs.close()


@main.command("rotate-key")
@click.pass_obj
def rotate_key(obj: tuple[Config, bool]) -> None:
    """Seal every secret in the store with a new key (run it while the server is stopped)."""
    from orchestrator.security.rotation import key_source, rotate
    from orchestrator.store.damage import open_store
    from orchestrator.store.lock import DataLock

    config, debug = obj
    logs = logs_for(config, debug)
    source = key_source(config)
    lock = DataLock(config.data_dir)
    try:
        lock.acquire()
        store = open_store(config.store_path, source)
    except OrchestratorError as err:
        lock.release()
        logs.close()
        raise click.ClickException(err.message) from None
    try:
        key = rotate(store, source)
    finally:
        store.close()
        lock.release()
        logs.close()
    if source.env_key:
        click.echo("Secrets are now sealed with a new key. Set ORCH_SECRET_KEY to:")
        click.echo(key.decode())
    else:
        click.echo(f"Secrets are now sealed with a new key, written to {source.key_file}.")


@main.command("check-config")
@click.pass_obj
def check_config(obj: tuple[Config, bool]) -> None:
    """Load and validate the configuration, then print it."""
    import yaml

    from orchestrator.execution.users import resolve_run_as

    try:
        resolve_run_as(obj[0].execution.run_as)  # the user must exist and be reachable
    except OrchestratorError as err:
        raise click.ClickException(err.message) from None
    if obj[0].execution.executor == "dask":
        from orchestrator.execution.dask_cluster import DaskSettings, settings_problem

        problem = settings_problem(DaskSettings.from_config(obj[0].execution))
        if problem is not None:
            raise click.ClickException(problem)
    click.echo(yaml.safe_dump(obj[0].to_dict(), sort_keys=False).rstrip())


def run() -> None:  # pragma: no cover - console entry point
    main(prog_name="orchestrator-server")


__all__ = ["main", "Path"]
