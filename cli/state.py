"""What every command shares through the click context: settings, the HTTP client, the printer.

The root group builds one `State`; commands receive it with `@pass_state` (click's
`make_pass_decorator`, as in click's `examples/repo`). The configuration file is read only when a
command first needs the client, so `--help` and `--version` never touch it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import click

from cli.client import ApiClient
from cli.config import ConfigFileError, Settings, resolve
from cli.errors import Failure
from cli.output import Output


@dataclass
class State:
    """Global options and the objects built from them."""

    server_option: str | None = None
    api_key_option: str | None = None
    output_format: str = "table"
    debug: bool = False
    silent: bool = False
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("orchestrator.cli"))
    _settings: Settings | None = None
    _client: ApiClient | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = resolve(self.server_option, self.api_key_option)
            except ConfigFileError as err:
                raise Failure(str(err)) from None
            self.logger.debug("server %s", self._settings.server)
        return self._settings

    @property
    def client(self) -> ApiClient:
        if self._client is None:
            self._client = ApiClient(self.settings.server, self.settings.api_key)
        return self._client

    @property
    def out(self) -> Output:
        return Output(self.output_format)


pass_state = click.make_pass_decorator(State)
