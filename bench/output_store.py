"""How a run's output is best stored: its own table, as JSON text or zlib-compressed.

Run from the repository root: `.venv/bin/python bench/output_store.py` (`--quick`: fewer rows).
For outputs of four kinds (a typical job's few KiB of log lines, 100 KiB of them, a long job's
output at the 1 MiB cap with head, gap and tail, and a flood of one repeated byte at the cap),
each stored as plain JSON text, the way the server stores it (`store.output_codec`: zlib level 1
from 512 characters of JSON on) and at zlib level 6: the bytes per row in the file, the time to
encode and write a row (one commit each, as a run's end is) and to read and decode it again.
Real SQLite, in WAL mode like the store; no server.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, section  # noqa: E402
from orchestrator.store import output_codec  # noqa: E402
from orchestrator.store.tables import _decode, _encode  # noqa: E402

Codec = tuple[Callable[[object], object], Callable[[object], object]]


def log_lines(size: int, seed: int) -> str:
    """Log text as jobs print it: time, level, a worker, a message with numbers."""
    rng, lines, total = random.Random(seed), [], 0
    words = ("processed", "fetched", "wrote", "skipped", "retrying", "merged", "indexed")
    while total < size:
        line = (
            f"2025-06-0{rng.randint(1, 9)}T12:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}."
            f"{rng.randint(0, 999):03d}Z {rng.choice(('INFO', 'INFO', 'DEBUG', 'WARN'))} "
            f"worker-{rng.randint(1, 8)} {rng.choice(words)} item {rng.randint(1, 10**6)} "
            f"in {rng.random() * 100:.1f} ms\n"
        )
        lines.append(line)
        total += len(line)
    return "".join(lines)


def capped(text: str) -> dict:
    """The stored form of a stream cut to 1 MiB: 64 KiB head, gap marker, the rest as tail."""
    head, tail = text[:65536], text[-(1048576 - 65536) :]
    dropped = len(text) - len(head) - len(tail)
    stdout = f"{head}\n[... {dropped} bytes dropped ...]\n{tail}"
    layout = {"stdout": [65536, dropped], "stderr": [0, 0]}
    return {"stdout": stdout, "stderr": "", "truncated": True, "dropped": {}, "layout": layout}


def whole(stdout: str, stderr: str = "") -> dict:
    layout = {"stdout": [len(stdout), 0], "stderr": [len(stderr), 0]}
    return {"stdout": stdout, "stderr": stderr, "truncated": False, "layout": layout}


def zlib_codec(level: int) -> Codec:
    """JSON, UTF-8, compressed at `level`, as a BLOB."""

    def encode(value: object) -> bytes:
        return zlib.compress(_encode(value).encode("utf-8", "surrogatepass"), level)

    def decode(blob: object) -> object:
        return _decode(zlib.decompress(blob).decode("utf-8", "surrogatepass"))

    return encode, decode


def measure(path: Path, value: dict, codec: Codec, rows: int) -> tuple[float, float, float]:
    """(bytes per row in the file, ms to write a row, ms to read a row)."""
    encode, decode = codec
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute('CREATE TABLE "outputs" (key TEXT PRIMARY KEY, value BLOB)')
    db.commit()
    began = time.perf_counter()
    for row in range(rows):
        db.execute('REPLACE INTO "outputs" (key, value) VALUES (?, ?)', (f"R{row}", encode(value)))
        db.commit()
    write = (time.perf_counter() - began) / rows * 1e3
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size / rows
    began = time.perf_counter()
    for row in range(rows):
        (stored,) = db.execute('SELECT value FROM "outputs" WHERE key = ?', (f"R{row}",)).fetchone()
        assert decode(stored) == value
    read = (time.perf_counter() - began) / rows * 1e3
    db.close()
    return size, write, read


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows")
    args = parser.parse_args()
    print(machine())
    kinds = {
        "typical (3 KiB log, 200 B stderr)": (whole(log_lines(3000, 1), log_lines(200, 2)), 200),
        "100 KiB log": (whole(log_lines(100_000, 3)), 100),
        "1 MiB cap, log lines (head+tail)": (capped(log_lines(4_000_000, 4)), 20),
        "1 MiB cap, flood of 'x'": (capped("x" * 4_000_000), 20),
    }
    codecs = {
        "JSON text": (_encode, _decode),
        "zlib 1": (output_codec.encode, output_codec.decode),  # what the store writes
        "zlib 6": zlib_codec(6),
    }
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, (value, rows) in kinds.items():
            rows = max(5, rows // 10) if args.quick else rows
            section(f"{kind}: {rows} rows")
            for name, codec in codecs.items():
                path = Path(tmp) / f"{len(figures)}.db"
                size, write, read = measure(path, value, codec, rows)
                kib = size / 1024
                print(f"{name:<10} {kib:9.1f} KiB/row  write {write:.3f} ms  read {read:.3f} ms")
                figures.append((kind, name, size, write, read))
    print(machine())
    rows = [("output", "stored as", "KiB per row", "write ms", "read ms")]
    rows += [(k, n, f"{s / 1024:.1f}", f"{w:.3f}", f"{r:.3f}") for k, n, s, w, r in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
