"""The call store: SQLAlchemy 2.x models for agents, calls, turns, flags, scorecards,
model versions and users; SQLite by default, PostgreSQL (psycopg 3) by URL.

Re-ingesting a call id replaces the call; a batch is ingested in chunks, each chunk
in one transaction. Texts are redacted before they are stored unless told otherwise.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint, create_engine, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from .calls import Call, chunked
from .redact import redact_call

__all__ = ["DEFAULT_URL", "ROLES", "Store"]

DEFAULT_URL = "sqlite:///motnlp.db"
ROLES = ("agent", "coach", "admin")
FLAG_KINDS = ("missed_probe", "missed_empathy", "no_confirm", "interruption")


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class Agent(Base):
    __tablename__ = "agents"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)


class ModelVersion(Base):
    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    version: Mapped[str] = mapped_column(String(64))


class CallRow(Base):
    __tablename__ = "calls"
    call_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), index=True)
    lang: Mapped[str | None] = mapped_column(String(8))
    domain: Mapped[str | None] = mapped_column(String(128))
    started_at: Mapped[datetime | None] = mapped_column(index=True)
    ingested_at: Mapped[datetime] = mapped_column()
    model_version_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id"))
    data: Mapped[dict] = mapped_column(JSON)
    turns: Mapped[list[TurnRow]] = relationship(cascade="all, delete-orphan", order_by="TurnRow.idx")
    flags: Mapped[list[FlagRow]] = relationship(cascade="all, delete-orphan")
    scorecard: Mapped[ScorecardRow | None] = relationship(cascade="all, delete-orphan")


class TurnRow(Base):
    __tablename__ = "turns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.call_id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(32))
    pred: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[float | None] = mapped_column(Float)


class FlagRow(Base):
    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.call_id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    turn: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[dict] = mapped_column(JSON)


class ScorecardRow(Base):
    __tablename__ = "scorecards"
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.call_id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str | None] = mapped_column(String(128))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc).replace(tzinfo=None) if parsed.tzinfo else parsed


def _flag_rows(call: Call) -> Iterator[FlagRow]:
    evidence = call.extra.get("evidence") or {}
    flags = call.flags or {}
    for kind, key in (("missed_probe", "missed_probe"), ("missed_empathy", "missed_empathy"),
                      ("interruption", "interruptions")):
        items = evidence.get(key) or [{} for _ in flags.get(key, [])]
        for turn, item in zip(flags.get(key, []), items, strict=False):
            yield FlagRow(call_id=call.call_id, kind=kind, turn=turn, evidence=item)
    if flags.get("no_confirm"):
        ev = evidence.get("no_confirm") or {}
        turn = (ev.get("last_action") or {}).get("turn")
        yield FlagRow(call_id=call.call_id, kind="no_confirm", turn=turn, evidence=ev)


def hash_token(token: str) -> str:
    """The stored form of an access token (only hashes are kept)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Store:
    """A database of annotated calls.

    Parameters
    ----------
    url : str
        SQLAlchemy URL: ``sqlite:///motnlp.db`` or ``postgresql+psycopg://user@host/db``.
    """

    def __init__(self, url: str = DEFAULT_URL) -> None:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        self.url = url
        self.engine = create_engine(url, future=True)
        Base.metadata.create_all(self.engine)
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # -- writing ------------------------------------------------------------
    def _model_version(self, session: Session, info: dict | None) -> int | None:
        if not info or not info.get("name"):
            return None
        name, version = str(info["name"]), str(info.get("version") or "")
        row = session.scalar(select(ModelVersion).where(ModelVersion.name == name, ModelVersion.version == version))
        if row is None:
            row = ModelVersion(name=name, version=version)
            session.add(row)
            session.flush()
        return row.id

    def _call_row(self, session: Session, call: Call) -> CallRow:
        if call.agent_id and session.get(Agent, call.agent_id) is None:
            session.add(Agent(id=call.agent_id))
            session.flush()
        row = CallRow(call_id=call.call_id, agent_id=call.agent_id, lang=call.lang, domain=call.domain,
                      started_at=_parse_time(call.started_at), ingested_at=datetime.now(timezone.utc).replace(tzinfo=None),
                      model_version_id=self._model_version(session, call.extra.get("model")), data=call.to_dict())
        row.turns = [TurnRow(idx=i, speaker=t.speaker, text=t.text, start=t.start, end=t.end, label=t.label,
                             pred=t.pred, confidence=t.confidence) for i, t in enumerate(call.turns)]
        row.flags = list(_flag_rows(call))
        row.scorecard = ScorecardRow(data=call.extra.get("scorecard") or {})
        return row

    def ingest(self, calls: Iterable[Call], *, chunk_size: int = 200, redact: bool = True) -> int:
        """Store annotated calls, replacing any stored call with the same id.

        Each chunk of ``chunk_size`` calls is one transaction. Returns the count.
        """
        count = 0
        for chunk in chunked(calls, chunk_size):
            latest = {c.call_id: c for c in chunk}  # a repeated id within a chunk: the last wins
            with self.session.begin() as session:
                session.execute(delete(CallRow).where(CallRow.call_id.in_(list(latest))))
                for child in (TurnRow, FlagRow, ScorecardRow):
                    session.execute(delete(child).where(child.call_id.in_(list(latest))))
                for call in latest.values():
                    session.add(self._call_row(session, redact_call(call) if redact else call))
            count += len(chunk)
        return count

    # -- users --------------------------------------------------------------
    def add_user(self, name: str, role: str, agent_id: str | None = None) -> str:
        """Create a user and return their new token (shown once; only its hash is stored)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if role == "agent" and not agent_id:
            raise ValueError("an agent user needs --agent-id")
        token = secrets.token_urlsafe(32)
        with self.session.begin() as session:
            session.add(User(name=name, role=role, agent_id=agent_id, token_sha256=hash_token(token)))
        return token

    def user_for_token(self, token: str | None) -> User | None:
        """The user a token belongs to, or None."""
        if not token:
            return None
        with self.session() as session:
            return session.scalar(select(User).where(User.token_sha256 == hash_token(token)))

    # -- reading ------------------------------------------------------------
    def calls_for(self, agent_id: str | None = None, since: datetime | None = None) -> list[CallRow]:
        """Calls (with turns, flags, scorecard loaded), newest first."""
        from sqlalchemy.orm import selectinload

        query = select(CallRow).options(selectinload(CallRow.turns), selectinload(CallRow.flags),
                                        selectinload(CallRow.scorecard))
        if agent_id is not None:
            query = query.where(CallRow.agent_id == agent_id)
        if since is not None:
            query = query.where(CallRow.started_at >= since)
        query = query.order_by(CallRow.started_at.desc(), CallRow.call_id)
        with self.session() as session:
            return list(session.scalars(query))

    def call(self, call_id: str) -> CallRow | None:
        """One call with its turns and flags, or None."""
        from sqlalchemy.orm import selectinload

        with self.session() as session:
            return session.scalar(select(CallRow).where(CallRow.call_id == call_id).options(
                selectinload(CallRow.turns), selectinload(CallRow.flags), selectinload(CallRow.scorecard)))

    def agents(self) -> list[str]:
        """Every agent id with calls."""
        with self.session() as session:
            return list(session.scalars(select(Agent.id).order_by(Agent.id)))

    def counts(self) -> dict[str, int]:
        """Row counts per table (for tests and the CLI summary)."""
        from sqlalchemy import func

        with self.session() as session:
            return {table.__tablename__: session.scalar(select(func.count()).select_from(table))
                    for table in (Agent, CallRow, TurnRow, FlagRow, ScorecardRow, ModelVersion, User)}
