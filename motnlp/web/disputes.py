"""API routes for agent disputes (see :mod:`motnlp.disputes`).

``POST /api/disputes`` (an agent: only turns of their own calls, 403 otherwise),
``GET /api/disputes`` (an agent sees disputes on their own calls), ``GET
/api/disputes/{id}``, and ``POST /api/disputes/{id}/accept`` / ``.../reject`` (coaches
and admins only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import Depends, FastAPI, HTTPException, Path, Query
from pydantic import BaseModel, Field

from ..disputes import add_dispute, decide, get_dispute, list_disputes
from ..errors import E, MotnlpError
from ..store import Store, User

__all__ = ["DisputeIn", "DisputeOut", "add_dispute_routes"]

_NO_NUL = r"^[^\x00]*$"
_HTTP = {E.E035: 404, E.E036: 403, E.E037: 409}
DisputeId = Path(..., ge=1, le=2**31 - 1, description="The dispute's id.")


class DisputeIn(BaseModel):
    """A proposed label for one turn."""

    call_id: str = Field(..., min_length=1, max_length=256, pattern=_NO_NUL)
    turn: int = Field(..., ge=0, le=100_000, description="0-based turn index.")
    label: str = Field(..., min_length=1, max_length=32, description="The label the turn should have.")
    comment: str = Field("", max_length=4000, pattern=_NO_NUL, description="Why.")


class DisputeOut(BaseModel):
    """A dispute and its decision."""

    id: int
    call_id: str
    turn: int
    label: str
    previous: str | None
    comment: str
    author: str
    status: Literal["open", "accepted", "rejected"]
    decided_by: str | None
    created_at: str | None
    decided_at: str | None


def _http(exc: MotnlpError) -> HTTPException:
    return HTTPException(_HTTP.get(exc.code, 422), exc.message)


def add_dispute_routes(app: FastAPI, store: Store, user_dependency: Callable[..., User],
                       allow: Callable[[User, str | None], None]) -> None:
    """Add the dispute routes to ``app`` with the app's ``user`` dependency and ``allow`` check."""

    def call_agent(call_id: str) -> str | None:
        call = store.call(call_id)
        if call is None:
            raise HTTPException(404, "no such call")
        return call.agent_id

    @app.post("/api/disputes", status_code=201, response_model=DisputeOut, summary="Dispute a turn's label")
    def create(body: DisputeIn, who: User = Depends(user_dependency)) -> dict:
        allow(who, call_agent(body.call_id))
        try:
            return add_dispute(store, who, body.call_id, body.turn, body.label, body.comment)
        except MotnlpError as exc:
            raise _http(exc) from None

    @app.get("/api/disputes", response_model=list[DisputeOut], summary="Disputes (an agent's own calls only)")
    def index(status: Literal["open", "accepted", "rejected"] | None = Query(None),
              call_id: str | None = Query(None, max_length=256, pattern=_NO_NUL),
              who: User = Depends(user_dependency)) -> list[dict]:
        return list_disputes(store, who=who, status=status, call_id=call_id)

    @app.get("/api/disputes/{dispute_id}", response_model=DisputeOut, summary="One dispute")
    def show(dispute_id: int = DisputeId, who: User = Depends(user_dependency)) -> dict:
        try:
            dispute = get_dispute(store, dispute_id)
        except MotnlpError as exc:
            raise _http(exc) from None
        call = store.call(dispute["call_id"])
        allow(who, call.agent_id if call is not None else None)
        return dispute

    def decision(accept: bool) -> Callable[..., dict]:
        def route(dispute_id: int = DisputeId, who: User = Depends(user_dependency)) -> dict:
            allow(who, None)
            try:
                return decide(store, who, dispute_id, accept=accept)
            except MotnlpError as exc:
                raise _http(exc) from None

        return route

    app.post("/api/disputes/{dispute_id}/accept", response_model=DisputeOut,
             summary="Accept a dispute (coaches and admins)")(decision(True))
    app.post("/api/disputes/{dispute_id}/reject", response_model=DisputeOut,
             summary="Reject a dispute (coaches and admins)")(decision(False))
