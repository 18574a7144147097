"""Shared fixtures: paths to test data, a CLI runner, one tokenizer per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from motnlp.cli import main
from motnlp.tokenize import Tokenizer

DATA = Path(__file__).parent / "data"


@dataclass
class Result:
    """What one CLI invocation did."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run ``motnlp ARGS...`` in-process and capture its exit code and output."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    """One tokenizer for the whole session (loading jieba's dictionary takes a second)."""
    return Tokenizer()


@pytest.fixture(scope="session")
def data() -> Path:
    """The test data folder."""
    return DATA
