"""atheris harness: every reader, fed arbitrary bytes, returns calls or a clean MotnlpError.

Run by ``make fuzz`` for a bounded time (``-max_total_time``). Any other exception is
a crash and fails the run.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from motnlp.calls import Call
    from motnlp.errors import MotnlpError
    from motnlp.io import FORMATS, read_file

_NAMES = sorted(FORMATS)
_DIR = tempfile.mkdtemp(prefix="motnlp-fuzz-")


def one_input(data: bytes) -> None:
    """Write ``data`` to a file and read it with the format its first byte picks."""
    if not data:
        return
    fmt = _NAMES[data[0] % len(_NAMES)]
    path = os.path.join(_DIR, "input")
    with open(path, "wb") as handle:
        handle.write(data[1:])
    for item in read_file(path, fmt=fmt):
        if not isinstance(item, Call | MotnlpError):
            raise AssertionError(f"reader {fmt} yielded {type(item).__name__}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
