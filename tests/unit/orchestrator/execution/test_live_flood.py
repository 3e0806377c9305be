"""A job flooding its output: the tail kept as a ring (fed by chunks or read straight from the
pipe) reads like the plain stream's end, and a real flood is read in few large pieces with its
head, tail, gap and secrets as for any output."""

from __future__ import annotations

import os
import random
import threading
from pathlib import Path

import pytest

from orchestrator.execution.live import RunOutput
from orchestrator.execution.local import LocalExecutor
from orchestrator.execution.model import AttemptSpec
from orchestrator.execution.output import _SETPIPE_SZ
from orchestrator.execution.stream_buffer import StreamBuffer, gap_marker

POSIX = pytest.mark.skipif(os.name == "nt", reason="the commands are POSIX shell")


def expected(data: bytes, cap: int) -> bytes:
    """What a stream of `data` keeps under `cap`, computed the plain way."""
    head = min(65536, cap // 2)
    if len(data) <= cap:
        return data
    tail = cap - head
    return data[:head] + gap_marker(len(data) - head - tail) + data[-tail:]


class TestRing:
    """Once full, the tail is a ring; what it keeps and every read by offset stay the same."""

    def test_chunks_of_every_size_keep_the_end(self) -> None:
        """Random chunk sizes, some larger than the tail, wrap the ring many times."""
        rng = random.Random(14)
        data = bytes(rng.randrange(256) for _ in range(20_000))
        buffer, at = StreamBuffer(1000), 0
        while at < len(data):
            size = rng.choice((1, 7, 300, 499, 500, 501, 999, 1200))
            buffer.feed(data[at : at + size])
            at += size
            assert buffer.kept() == expected(data[:at], 1000), at

    def test_reads_by_offset_across_the_wrap(self) -> None:
        """Every offset reads the bytes after it, whatever part of the ring they lie in."""
        data = bytes(range(256)) * 10
        buffer = StreamBuffer(200)
        for at in range(0, len(data), 37):
            buffer.feed(data[at : at + 37])
        assert buffer.at != 0  # the ring has wrapped: the reads below cross its seam
        start = buffer.tail_start
        for offset in range(start, len(data) + 1):
            assert buffer.read(offset) == (data[offset:], len(data)), offset
        assert buffer.read(start + 10, 50) == (data[start + 10 : start + 60], start + 60)

    def test_fill_from_a_pipe_is_the_same_as_feeding(self) -> None:
        """Bytes read straight into the ring keep what feeding the same bytes keeps."""
        data = bytes(random.Random(7).randrange(256) for _ in range(50_000))
        fed, filled = StreamBuffer(4000), StreamBuffer(4000)
        fed.feed(data)
        filled.feed(data[:4000])  # head and tail full: from here the ring reads the pipe
        assert filled.ring_ready
        read, write = os.pipe()
        try:
            at = 4000
            for size in (1, 999, 1500, 3000, 5000, 35_500):
                os.write(write, data[at : at + size])
                got = 0
                while got < size:  # one read takes at most the ring's size
                    got += filled.fill(read)
                at += size
            assert filled.written == len(data) == at
            assert filled.kept() == fed.kept()
        finally:
            os.close(read)
            os.close(write)


@POSIX
class TestFloodThroughTheExecutor:
    """A real process writing megabytes as fast as it can."""

    def run(self, command: str, workdir: Path, output: RunOutput) -> str:
        spec = AttemptSpec(command, str(workdir), secrets=output.secrets)
        result = LocalExecutor().start(spec, lambda _: None, output=output).wait(60)
        assert result is not None and result.exit_code == 0, result
        return output.final()["stdout"]

    @pytest.mark.skipif(_SETPIPE_SZ is None, reason="pipes cannot be enlarged here")
    def test_a_flood_is_read_in_large_pieces(self, tmp_path: Path) -> None:
        """20 MB come in a few dozen reads, not thousands of pipe-sized ones, and the run keeps
        its head, its end and the gap."""
        output = RunOutput(1024 * 1024)
        text = self.run(
            "head -c 20000000 /dev/zero | tr '\\0' x; echo; echo FATAL", tmp_path, output
        )
        reads = len(output.streams["stdout"].ends)
        assert reads < 150, reads  # 64 KiB reads would be 306 at the very least
        assert text.startswith("x" * 65536 + "\n[... ") and text.endswith("x\nFATAL\n")
        assert f"[... {output.final()['dropped']['stdout']} bytes dropped ...]" in text

    def test_secrets_are_masked_in_a_flood(self, tmp_path: Path) -> None:
        """With a secret to mask, every byte still passes the masker, in the tail too."""
        output = RunOutput(1024 * 1024, ["hunter22"])
        command = "head -c 5000000 /dev/zero | tr '\\0' x; echo hunter22; head -c 200000 /dev/zero"
        text = self.run(command, tmp_path, output)
        assert "hunter22" not in text and "x***\n" in text

    def test_a_follower_sees_the_flood_end(self, tmp_path: Path) -> None:
        """A listener subscribed during the flood is called, and its last read is the end."""
        output, seen = RunOutput(1024 * 1024), threading.Event()
        output.subscribe(seen.set)
        text = self.run("head -c 3000000 /dev/zero | tr '\\0' y; echo END", tmp_path, output)
        assert seen.is_set() and text.endswith("yyEND\n")
        assert output.read("stdout", output.positions()["stdout"] - 4)[0] == b"END\n"
