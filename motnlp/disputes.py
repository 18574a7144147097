"""Agent disputes: an agent proposes a different label for a turn of one of their own
calls; a coach or admin accepts or rejects it. Accepted disputes become gold labels
(``motnlp disputes export``, ``motnlp train --include-disputes``).

The ``disputes`` table lives in the store's database (:class:`motnlp.store.Base`). It
refers to calls by id without a foreign key, so re-ingesting a call keeps its disputes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import DateTime, Integer, Select, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .annotation_tools import check_label, labelled_copy
from .calls import Call
from .errors import E, MotnlpError
from .store import Base, CallRow, Store, User

__all__ = ["STATUSES", "Dispute", "accepted_calls", "accepted_labels", "add_dispute", "apply_disputes", "decide",
           "get_dispute", "list_disputes", "user_by_name"]

STATUSES = ("open", "accepted", "rejected")
DECIDERS = ("coach", "admin")


class Dispute(Base):
    """One proposed label for one turn."""

    __tablename__ = "disputes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(256), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(32))
    previous: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    def to_dict(self) -> dict[str, Any]:
        """The dispute as plain JSON values."""
        return {"id": self.id, "call_id": self.call_id, "turn": self.turn, "label": self.label,
                "previous": self.previous, "comment": self.comment, "author": self.author, "status": self.status,
                "decided_by": self.decided_by, "created_at": _iso(self.created_at), "decided_at": _iso(self.decided_at)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _ensure_table(store: Store) -> None:
    Dispute.__table__.create(store.engine, checkfirst=True)


def user_by_name(store: Store, name: str) -> User:
    """The stored user called ``name`` (E035 if there is none)."""
    with store.session() as session:
        found = session.scalar(select(User).where(User.name == name))
    if found is None:
        raise MotnlpError(E.E035, what="user", key=name)
    return found


def _call(store: Store, call_id: str) -> CallRow:
    row = store.call(call_id)
    if row is None:
        raise MotnlpError(E.E035, what="stored call", key=call_id)
    return row


def add_dispute(store: Store, who: User, call_id: str, turn: int, label: str, comment: str = "") -> dict[str, Any]:
    """Record ``who`` 's proposal that turn ``turn`` of ``call_id`` is ``label``; return it.

    Raises
    ------
    MotnlpError
        E035 for an unknown call, E036 when an agent disputes another agent's call, E013 for
        a turn index outside the call, E027/E028 for a label not of the turn's speaker.
    """
    _ensure_table(store)
    call = _call(store, call_id)
    if who.role not in DECIDERS and (who.agent_id is None or call.agent_id != who.agent_id):
        raise MotnlpError(E.E036, who=f"{who.role} {who.name!r}", action=f"dispute call {call_id!r} (not their call)")
    if not 0 <= turn < len(call.turns):
        raise MotnlpError(E.E013, field="turn", kind=f"a turn index of call {call_id!r} (0-{len(call.turns) - 1})")
    row = call.turns[turn]
    check_label(label, row.speaker, item=f"dispute on call {call_id}", turn=turn, path=None)
    dispute = Dispute(call_id=call_id, turn=turn, label=label, previous=row.label or row.pred, comment=comment,
                      author=who.name, status="open", created_at=_now())
    with store.session.begin() as session:
        session.add(dispute)
    return dispute.to_dict()


def _visible(query: Select, who: User | None) -> Select:
    """``query`` limited, for an agent, to disputes on their own calls."""
    if who is not None and who.role not in DECIDERS:
        agent_calls = select(CallRow.call_id).where(CallRow.agent_id == who.agent_id)
        query = query.where(Dispute.call_id.in_(agent_calls))
    return query


def list_disputes(store: Store, *, who: User | None = None, status: str | None = None,
                  call_id: str | None = None) -> list[dict[str, Any]]:
    """Disputes, oldest first; an agent ``who`` sees only those on their own calls."""
    _ensure_table(store)
    query = _visible(select(Dispute), who)
    if status is not None:
        if status not in STATUSES:
            raise MotnlpError(E.E013, field="status", kind=" or ".join(STATUSES))
        query = query.where(Dispute.status == status)
    if call_id is not None:
        query = query.where(Dispute.call_id == call_id)
    with store.session() as session:
        return [d.to_dict() for d in session.scalars(query.order_by(Dispute.id))]


def get_dispute(store: Store, dispute_id: int, *, who: User | None = None) -> dict[str, Any]:
    """One dispute (E035 if absent or, for an agent, not on their own calls)."""
    _ensure_table(store)
    with store.session() as session:
        found = session.scalar(_visible(select(Dispute).where(Dispute.id == dispute_id), who))
    if found is None:
        raise MotnlpError(E.E035, what="dispute", key=dispute_id)
    return found.to_dict()


def decide(store: Store, who: User, dispute_id: int, *, accept: bool) -> dict[str, Any]:
    """Accept or reject an open dispute as ``who`` (a coach or admin); return it.

    Raises
    ------
    MotnlpError
        E036 for an agent, E035 for an unknown dispute, E037 for one already decided.
    """
    _ensure_table(store)
    action = "accept" if accept else "reject"
    if who.role not in DECIDERS:
        raise MotnlpError(E.E036, who=f"{who.role} {who.name!r}", action=f"{action} disputes (coaches and admins do)")
    with store.session.begin() as session:
        found = session.get(Dispute, dispute_id)
        if found is None:
            raise MotnlpError(E.E035, what="dispute", key=dispute_id)
        if found.status != "open":
            raise MotnlpError(E.E037, id=dispute_id, status=found.status)
        found.status = "accepted" if accept else "rejected"
        found.decided_by, found.decided_at = who.name, _now()
        return found.to_dict()


def accepted_labels(store: Store) -> dict[str, dict[int, str]]:
    """call id → turn → label of the accepted disputes (a later decision on a turn wins)."""
    _ensure_table(store)
    out: dict[str, dict[int, str]] = {}
    query = select(Dispute).where(Dispute.status == "accepted").order_by(Dispute.decided_at, Dispute.id)
    with store.session() as session:
        for dispute in session.scalars(query):
            out.setdefault(dispute.call_id, {})[dispute.turn] = dispute.label
    return out


def _accepted(store: Store) -> list[tuple[Call, dict[int, str]]]:
    """The stored calls with accepted disputes, each with its accepted labels."""
    out = []
    for call_id, labels in sorted(accepted_labels(store).items()):
        row = store.call(call_id)
        if row is not None:  # a call deleted after its dispute was decided has nothing to label
            out.append((Call.from_dict(row.data), labels))
    return out


def accepted_calls(store: Store) -> list[Call]:
    """The stored calls with accepted disputes, those turns' labels set as gold."""
    return [labelled_copy(call, labels) for call, labels in _accepted(store)]


def apply_disputes(calls: Sequence[Call], store: Store) -> tuple[list[Call], int]:
    """Training calls with the accepted disputes applied; return them and the number of turns changed.

    A disputed call already in ``calls`` gets the disputed turns' labels; one that is not
    is added from the store (labelled on its disputed turns, and wherever it had gold labels).
    """
    out = list(calls)
    position = {c.call_id: i for i, c in enumerate(out)}
    changed = 0
    for stored, labels in _accepted(store):
        changed += len(labels)
        if stored.call_id not in position:
            out.append(labelled_copy(stored, labels))
            continue
        base = out[position[stored.call_id]]
        for index in labels:
            if index >= len(base.turns) or base.turns[index].speaker != stored.turns[index].speaker:
                raise MotnlpError(E.E029, path=base.where, item="--include-disputes", turn=index,
                                  call_id=base.call_id, detail="the stored call differs from the training call")
        out[position[base.call_id]] = labelled_copy(base, labels)
    return out, changed
