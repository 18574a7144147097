"""motnlp: Moments-of-Truth coaching from Chinese and English call transcripts.

The pipeline, one module per stage: :mod:`~motnlp.io` → :mod:`~motnlp.normalize` →
:mod:`~motnlp.tokenize` → :mod:`~motnlp.featurize` → :mod:`~motnlp.classify` →
:mod:`~motnlp.aggregate` (flags, scorecard, evidence).
"""

from __future__ import annotations

__version__ = "0.1.0"

from .calls import Call, Turn
from .errors import E, MotnlpError
from .flags import call_flags
from .io import read_calls, write_jsonl
from .tokenize import Tokenizer, tokenize

__all__ = ["Call", "E", "MotnlpError", "Tokenizer", "Turn", "__version__", "call_flags",
           "read_calls", "tokenize", "write_jsonl"]
