"""User-facing errors: a coded enum of messages, raised as :class:`MotnlpError`.

Every error a user can cause is one of these codes; the CLI prints it as one line
``motnlp: error: FILE:LINE: message`` and exits with status 2.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["E", "MotnlpError"]


class E(str, Enum):
    """Error messages, each with a stable code (``E001`` ...)."""

    E001 = "file is empty"
    E002 = "not valid UTF-8 ({detail}); re-run with --encoding {guess}"
    E003 = "broken JSON: {detail}"
    E004 = "a call must be a JSON object, got {kind}"
    E005 = "missing required field '{field}'"
    E006 = "unknown speaker {speaker!r}; map it with --speakers {speaker}=agent or =customer"
    E007 = "turn {turn} has empty text"
    E008 = "turn {turn} is {size} bytes, over the {limit}-byte limit"
    E009 = "unknown input format {fmt!r}; choose one of: {choices}"
    E010 = "cannot tell the format of this file; pass --format ({choices})"
    E011 = "file not found"
    E012 = "no turns could be read"
    E013 = "field '{field}' must be {kind}"
    E014 = "bad --speakers mapping {item!r}; expected NAME=agent or NAME=customer"
    E015 = "label {label!r} is not a {speaker} label"
    E016 = "CSV is missing column(s): {columns}"
    E017 = "line has no speaker prefix (expected 'Agent:', 'Customer:', '坐席:', '客户:' ...)"
    E018 = "turn {turn} has bad times: {detail}"
    E019 = "stored flags differ from flags recomputed from labels: {detail}"
    E020 = "turns {turns} repeat {share:.0%} of their text verbatim from call {other}"
    E021 = "duplicate call_id {call_id!r} (first seen at {where})"
    E022 = "model file refused: {detail}"
    E023 = "no labelled turns to {what}"
    E024 = "call has {n} turns; corpus calls need {lo}-{hi}"
    E025 = "cannot write {path}: {detail}"
    E026 = "broken {fmt} file: {detail}"
    E027 = "{item}: unknown label {label!r}; {speaker} labels are: {choices}"
    E028 = "{item}: {label!r} is a {other} label, but turn {turn} is spoken by the {speaker}"
    E029 = "{item}: turn {turn} of call {call_id!r} no longer matches the call text ({detail})"
    E030 = "{item}: turn {turn} of call {call_id!r} is annotated more than once ({detail})"
    E031 = "{item}: call {call_id!r} has no label for turn(s) {turns}"
    E032 = "{item}: call {call_id!r} is not in the original calls"
    E033 = "bad model reference {ref!r}: {detail}"
    E034 = "refusing to promote {ref}: dev agent_fine_macro_f1 {new} is worse than the default's {old} (--force overrides)"
    E035 = "no {what} {key!r}"
    E036 = "{who} may not {action}"
    E037 = "dispute #{id} is already {status}"
    E038 = "a learning curve needs at least {need} labelled training calls, got {n}"

    def fmt(self, **kwargs: object) -> str:
        """Return ``"E0xx: message"`` with the placeholders filled in."""
        return f"{self.name}: {self.value.format(**kwargs)}"


class MotnlpError(Exception):
    """A user error with a location.

    Parameters
    ----------
    code : E
        The message code.
    path : str, optional
        The file the error is in.
    line : int, optional
        The 1-based line number in ``path``.
    **kwargs
        Values for the message's placeholders.
    """

    def __init__(
        self, code: E, *, path: str | None = None, line: int | None = None, **kwargs: object
    ) -> None:
        self.code = code
        self.path = path
        self.line = line
        self.message = code.fmt(**kwargs)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """``FILE:LINE: message`` (location parts omitted when unknown)."""
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}"
