"""The live output buffers alone: masking across chunks, head + tail with the gap marked, reads
by offset that stay valid while the tail rolls, and the stored form read back the same."""

from __future__ import annotations

from orchestrator.execution.live import LiveOutputs, RunOutput
from orchestrator.execution.masking import Masker
from orchestrator.execution.stream_buffer import StreamBuffer, gap_marker, whole_characters


class TestMasking:
    """Secret values never come out of the masker, however the chunks are cut."""

    def test_value_in_one_chunk(self) -> None:
        """A value inside a chunk reads `***`."""
        assert Masker(["hunter22"]).feed(b"pw=hunter22!\n") == b"pw=***!\n"

    def test_value_split_across_two_chunks(self) -> None:
        """A value cut in two by the pipe is still masked whole; nothing of it leaks early."""
        masker = Masker(["hunter22"])
        first = masker.feed(b"pw=hunt")
        assert b"hunt" not in first
        assert first + masker.feed(b"er22 done\n") == b"pw=*** done\n"

    def test_every_cut_of_the_value(self) -> None:
        """Whatever byte the value is cut at, the joined output is the same."""
        text = b"a secret: hunter22, again hunter22\n"
        for cut in range(len(text) + 1):
            masker = Masker(["hunter22"])
            out = masker.feed(text[:cut]) + masker.feed(text[cut:]) + masker.flush()
            assert out == b"a secret: ***, again ***\n", cut

    def test_held_prefix_is_released_when_it_is_not_a_secret(self) -> None:
        """An end that only looked like a value's start comes out with the next chunk or at
        the end of the stream."""
        masker = Masker(["hunter22"])
        assert masker.feed(b"hun") == b""
        assert masker.flush() == b"hun"

    def test_short_values_are_not_masked(self) -> None:
        """Values under 4 characters would mask ordinary words: they are left alone."""
        assert Masker(["abc", ""]).feed(b"abc def\n") == b"abc def\n"


class TestStreamBuffer:
    """A stream past its cap keeps its head and its end, and says how much it dropped."""

    def test_under_the_cap_everything_is_kept(self) -> None:
        """Up to the cap nothing is dropped."""
        buffer = StreamBuffer(100)
        buffer.feed(b"x" * 60)
        buffer.feed(b"y" * 40)
        assert (buffer.kept(), buffer.dropped) == (b"x" * 60 + b"y" * 40, 0)

    def test_past_the_cap_head_gap_and_tail(self) -> None:
        """Head and tail are half the cap each under 128 KiB; the gap counts what is gone."""
        buffer = StreamBuffer(10)
        for index in range(100):
            buffer.feed(b"%02d" % index)
        assert buffer.dropped == 190
        assert buffer.kept() == b"00010" + gap_marker(190) + b"79899"

    def test_head_is_64_kib_for_a_large_cap(self) -> None:
        """With the default cap the first 64 KiB are the head; the rest of the cap the end."""
        buffer = StreamBuffer(1024 * 1024)
        buffer.feed(b"h" * 65536 + b"m" * 3_000_000 + b"ERROR at the end\n")
        kept = buffer.kept()
        assert kept.startswith(b"h" * 65536 + b"\n[... ")
        assert kept.endswith(b"ERROR at the end\n")
        assert buffer.written - buffer.dropped == 1024 * 1024

    def test_offsets_count_the_bytes_written(self) -> None:
        """A read from an offset in the dropped part starts with the gap marker, then the
        tail; from the tail, just what follows."""
        buffer = StreamBuffer(10)
        buffer.feed(b"0123456789abcdefghij")
        assert buffer.read(3) == (b"34" + gap_marker(10) + b"fghij", 20)
        assert buffer.read(12) == (gap_marker(3) + b"fghij", 20)
        assert buffer.read(17) == (b"hij", 20)
        assert buffer.read(20) == (b"", 20)
        assert buffer.read(0, 2) == (b"01", 2)

    def test_stored_form_reads_like_the_live_one(self) -> None:
        """The stored text, head length and dropped count give back the same reads."""
        live = StreamBuffer(10)
        live.feed(b"0123456789abcdefghij")
        text = live.kept().decode()
        again = StreamBuffer.stored(text, len(live.head), live.dropped)
        for offset in (0, 3, 5, 12, 17, 20):
            assert again.read(offset) == live.read(offset), offset

    def test_a_character_cut_at_the_end_waits(self) -> None:
        """Live reads stop before a UTF-8 character that is not all there yet."""
        data = "é€".encode()
        assert whole_characters(data) == len(data)
        assert whole_characters(data[:-1]) == 2
        assert whole_characters(b"abc") == 3


class TestRunOutput:
    """Writers and readers meet in one object; the registry finds it by run ID."""

    def test_writes_wake_subscribers_and_final_keeps_layout(self) -> None:
        """Each write calls the listeners; `final` has text, dropped and where the gap is."""
        output, calls = RunOutput(10, ["s3cret!"]), []
        unsubscribe = output.subscribe(lambda: calls.append(1))
        output.write("stdout", b"pw s3cr")
        output.write("stdout", b"et! ok")
        output.write("stderr", b"e" * 30)
        unsubscribe()
        output.close()
        final = output.final()
        assert len(calls) == 3
        assert final["stdout"] == "pw *** ok" and final["truncated"] is True
        assert final["dropped"] == {"stdout": 0, "stderr": 20}
        assert final["layout"]["stderr"] == [5, 20] and output.complete

    def test_without_secrets_no_masker_and_the_same_output(self) -> None:
        """A run without secrets gets no maskers; its bytes pass as written, and closing it
        tells followers once."""
        output, calls = RunOutput(100), []
        output.subscribe(lambda: calls.append(1))
        output.write("stdout", b"plain ")
        output.write("stdout", b"text\n")
        output.close()
        assert output.maskers == {}
        assert output.final()["stdout"] == "plain text\n" and output.complete
        assert len(calls) == 3  # two writes and the close

    def test_registry(self) -> None:
        """Added outputs are found by run ID until discarded."""
        live, output = LiveOutputs(), RunOutput(100)
        live.add("R1", output)
        assert live.get("R1") is output and len(live) == 1
        live.discard("R1")
        assert live.get("R1") is None
