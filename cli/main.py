"""The `orchestrator-cli` root: global options, the list of command groups, and the exit policy.

Every failure ends here as one line on stderr and CLI.md's exit code: 0 success, 1 an error from
the server (or a waited run that did not succeed), 2 a usage error. Tracebacks appear only with
--debug. A new command group is one module plus one `add_command` line below.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from cli import (
    VERSION_DISPLAY,
    audit,
    backup,
    contexts,
    jobs,
    keys,
    logs,
    monitoring,
    pipelines,
    retention,
    runs,
    schedules,
    session,
    system,
    transfer,
    users,
    webhooks,
    workers,
)
from cli.client import ApiError
from cli.errors import Failure
from cli.log import setup_logging
from cli.output import FORMATS
from cli.state import State

PROG = "orchestrator-cli"
INTERRUPTED = 130
# Click 8.2+ raises this when a group is called without a command; older versions exit instead.
NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _failure(err: ApiError, state: State | None) -> Failure:
    """The line a person reads for an API error, with a hint where the fix is on our side."""
    message = err.message
    if err.status == 401 and state is not None and not state.settings.api_key:
        message += " (give a key with --api-key or ORCH_API_KEY)"
    return Failure(message)


def _silence_stdout() -> None:
    """After a closed pipe (`... | head`), let the interpreter's final flush go nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class RootGroup(click.Group):
    """The root group: turns every exception into a line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ApiError as err:
            state = ctx.obj if isinstance(ctx.obj, State) else None
            if state is not None:
                state.logger.error("%s (%s, HTTP %s)", err.message, err.code, err.status)
            raise _failure(err, state) from err
        except (BrokenPipeError, KeyboardInterrupt, EOFError):
            raise
        except Exception as err:
            state = ctx.obj if isinstance(ctx.obj, State) else None
            if state is None or state.debug:
                raise
            state.logger.exception("unexpected error")
            raise Failure(f"unexpected error: {err} (run with --debug for details)") from err

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line, then exit with the code and the one line the outcome calls for."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name or PROG, complete_var, False, **extra)
        except NO_ARGS_IS_HELP as err:
            err.show()
            code = err.exit_code
        except click.UsageError as err:
            hint = f" (see '{err.ctx.command_path} --help')" if err.ctx else ""
            click.echo(f"error: {err.format_message()}{hint}", err=True)
            code = err.exit_code
        except Failure as err:
            err.show()
            code = err.exit_code
        except click.ClickException as err:
            # Click's own "Error: ..." would be a second prefix; every error line is "error: ".
            click.echo(f"error: {err.format_message()}", err=True)
            code = err.exit_code
        except click.Abort as err:
            interrupted = isinstance(err.__cause__, KeyboardInterrupt | EOFError)
            click.echo("error: interrupted" if interrupted else "error: aborted", err=True)
            code = INTERRUPTED if interrupted else 1
        except OSError as err:
            if not isinstance(err, BrokenPipeError) and err.errno != errno.EPIPE:
                raise
            _silence_stdout()
            code = 1
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--server",
    metavar="URL",
    help="Server URL. [default: $ORCH_SERVER_URL, the CLI config file, http://127.0.0.1:8080]",
)
@click.option(
    "--api-key", metavar="KEY", help="API key. [default: $ORCH_API_KEY, the CLI config file]"
)
@click.option(
    "-o",
    "--output",
    type=click.Choice(FORMATS, case_sensitive=False),
    default="table",
    show_default=True,
    envvar="ORCH_CLI_OUTPUT",
    help="table for people; json (the API's document) or yaml for scripts.",
)
@click.option("--silent", is_flag=True, help="No log output on the console.")
@click.option("--debug", is_flag=True, help="Verbose logs on the console, tracebacks on errors.")
@click.version_option(
    VERSION_DISPLAY, "--version", prog_name="orchestrator", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(
    ctx: click.Context,
    server: str | None,
    api_key: str | None,
    output: str,
    silent: bool,
    debug: bool,
) -> None:
    """Control an Orchestrator server: jobs, pipelines, schedules, runs, contexts, logs."""
    logger = setup_logging(debug=debug, silent=silent)
    logger.debug("command %s %s", PROG, ctx.invoked_subcommand or "")
    ctx.obj = State(
        server_option=server,
        api_key_option=api_key,
        output_format=output.lower(),
        debug=debug,
        silent=silent,
        logger=logger,
    )


cli.add_command(jobs.jobs)
cli.add_command(pipelines.pipelines)
cli.add_command(schedules.schedules)
cli.add_command(runs.runs)
cli.add_command(contexts.contexts)
cli.add_command(logs.logs)
cli.add_command(system.log_level)
cli.add_command(system.version)
cli.add_command(system.health)
cli.add_command(session.login)
cli.add_command(session.logout)
cli.add_command(session.whoami)
cli.add_command(users.users)
cli.add_command(keys.keys)
cli.add_command(audit.audit)
cli.add_command(webhooks.webhooks)
cli.add_command(monitoring.metrics)
cli.add_command(monitoring.status)
cli.add_command(transfer.export)
cli.add_command(transfer.import_command)
cli.add_command(backup.backup)
cli.add_command(retention.system)
cli.add_command(workers.workers)


def _late_output(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """`-o/--output` given after the command: it wins over the one before it."""
    state = ctx.find_object(State)
    if value is not None and state is not None:
        state.output_format = value.lower()


def accept_output_everywhere(command: click.Command) -> None:
    """Give every command its own `-o/--output`, so that `runs list -o json` works like
    `-o json runs list`. `export` keeps `-o` for its file (as before) and takes `--output`."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            accept_output_everywhere(sub)
        return
    taken = {opt for param in command.params for opt in getattr(param, "opts", [])}
    if "--output" in taken:
        return
    names = ["--output"] if "-o" in taken else ["-o", "--output"]
    command.params.append(
        click.Option(
            names,
            type=click.Choice(FORMATS, case_sensitive=False),
            expose_value=False,
            callback=_late_output,
            help="Output format, as the global option (which it overrides).",
        )
    )


accept_output_everywhere(cli)


def main() -> None:
    """Console-script entry point of `orchestrator-cli`."""
    # Job output may hold characters the console's code page cannot show (Windows): replace
    # them rather than fail halfway through printing.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    cli.main(prog_name=PROG)
