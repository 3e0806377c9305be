"""`server.event_loop`: the gateway runs on asyncio's loop or on uvloop, as configured."""

from __future__ import annotations

import asyncio
import importlib.util
import sys

import pytest

from orchestrator.config import load_config
from orchestrator.errors import ConfigError
from orchestrator.startup.event_loop import factory, run

HAVE_UVLOOP = importlib.util.find_spec("uvloop") is not None


async def loop_name() -> str:
    return type(asyncio.get_running_loop()).__module__.split(".")[0]


class TestChoice:
    """Each setting gives the loop it names; auto takes uvloop only when it can."""

    def test_asyncio_is_asyncio_even_with_uvloop_installed(self):
        name, make = factory("asyncio")
        assert (name, make) == ("asyncio", None)
        assert run("asyncio", loop_name()) == "asyncio"

    @pytest.mark.skipif(not HAVE_UVLOOP, reason="uvloop is not installed")
    def test_auto_and_uvloop_run_on_uvloop_when_installed(self):
        assert factory("auto")[0] == "uvloop"
        assert run("uvloop", loop_name()) == "uvloop"
        assert run("auto", loop_name()) == "uvloop"

    def test_without_uvloop_auto_falls_back_and_uvloop_is_refused(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "uvloop", None)  # makes `import uvloop` fail
        assert factory("auto") == ("asyncio", None)
        assert run("auto", loop_name()) == "asyncio"
        with pytest.raises(ConfigError, match="uvloop is not installed"):
            run("uvloop", loop_name())

    def test_an_unknown_loop_is_a_config_error(self):
        with pytest.raises(ConfigError, match="event_loop"):
            load_config(path=None, env={}, overrides={"server.event_loop": "trio"})
        assert load_config(path=None, env={}).server.event_loop == "asyncio"
