"""Routes: login, per-agent coaching page, team overview, call page, JSON API, Atom feed.

Access: a token (``motnlp users add``) in ``Authorization: Bearer`` or the login
cookie. Agents see only their own feed, calls and charts (403 otherwise); coaches and
admins see everything.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from ..feed import agent_moments, moments_for_call, team_median, to_atom, weekly_stats
from ..labels import coarse
from ..store import Store, User
from .charts import bar_chart, line_chart
from .disputes import add_dispute_routes

__all__ = ["create_app"]

COOKIE = "motnlp_token"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, "since must be an ISO date, e.g. 2026-03-01") from None


def create_app(url: str) -> FastAPI:
    """The app over the store at ``url``."""
    store = Store(url)
    app = FastAPI(title="motnlp coaching", version="1", description="MOT coaching feed, pages and API.")
    env = Environment(loader=PackageLoader("motnlp.web", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["phase"] = lambda label: coarse(label or "other") if label else "none"

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def user(request: Request) -> User:
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else request.cookies.get(COOKIE)
        found = store.user_for_token(token)
        if found is None:
            raise HTTPException(401, "a valid token is required", headers={"WWW-Authenticate": "Bearer"})
        return found

    def allow(who: User, agent_id: str | None) -> None:
        if who.role in ("coach", "admin"):
            return
        if agent_id is None or who.agent_id != agent_id:
            raise HTTPException(403, "you may only see your own calls")

    def page(name: str, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context))

    def agent_view(agent_id: str, since: datetime | None) -> dict:
        calls = store.calls_for(agent_id, since)
        stats = weekly_stats(calls)
        return {"agent_id": agent_id, "stats": stats, "team": team_median(store),
                "moments": [m for c in calls for m in moments_for_call(c)]}

    def call_or_404(call_id: str):
        call = store.call(call_id)
        if call is None:
            raise HTTPException(404, "no such call")
        return call

    @app.exception_handler(401)
    async def unauthorised(request: Request, exc: HTTPException):
        if request.url.path.startswith(("/api", "/feed")):
            return Response(status_code=401, content='{"detail": "a valid token is required"}',
                            media_type="application/json", headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse("/login", status_code=303)

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form() -> HTMLResponse:
        return page("login.html", error=None)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        token = parse_qs((await request.body()).decode("utf-8", "replace")).get("token", [""])[0].strip()
        who = store.user_for_token(token)
        if who is None:
            return page("login.html", error="That token is not valid.")
        target = f"/agents/{who.agent_id}" if who.role == "agent" else "/team"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.get("/", include_in_schema=False)
    def home(who: User = Depends(user)) -> RedirectResponse:
        return RedirectResponse(f"/agents/{who.agent_id}" if who.role == "agent" else "/team", status_code=303)

    @app.get("/agents/{agent_id}", response_class=HTMLResponse, summary="Coaching page of one agent")
    def agent_page(agent_id: str, since: str | None = Query(None), who: User = Depends(user)) -> HTMLResponse:
        allow(who, agent_id)
        view = agent_view(agent_id, _since(since))
        weeks = view["stats"]["weeks"]
        charts = {
            "probe_rate": line_chart([(w, s["probe_rate"]) for w, s in weeks.items()], "Probes per requirement by week",
                                     reference=view["team"]["probe_rate"]),
            "missed": bar_chart([(w, s["missed_probes"]) for w, s in weeks.items()], "Missed probes by week",
                                colour="#c0504d"),
            "phases": bar_chart(list(view["stats"]["phases"].items()), "EODC phase mix (agent turns)"),
        }
        return page("agent.html", who=who, charts=charts, **view)

    @app.get("/team", response_class=HTMLResponse, summary="Team overview for coaches")
    def team_page(who: User = Depends(user)) -> HTMLResponse:
        allow(who, None)
        return page("team.html", who=who, rows=_team_rows(), team=team_median(store))

    def _team_rows() -> list[dict]:
        rows = []
        for agent in store.agents():
            stats = weekly_stats(store.calls_for(agent))
            rows.append({"agent_id": agent, "calls": stats["calls"], "probe_rate": stats["probe_rate"],
                         "missed_probes": stats["missed_probes"]})
        return rows

    @app.get("/calls/{call_id}", response_class=HTMLResponse, summary="One call, turns coloured by label")
    def call_page(call_id: str, who: User = Depends(user)) -> HTMLResponse:
        call = call_or_404(call_id)
        allow(who, call.agent_id)
        flagged = {f.turn: f.kind for f in call.flags if f.turn is not None}
        return page("call.html", who=who, call=call, flagged=flagged, moments=moments_for_call(call))

    @app.get("/api/agents/{agent_id}/moments", summary="An agent's coaching moments")
    def api_moments(agent_id: str, since: str | None = Query(None), who: User = Depends(user)) -> list[dict]:
        allow(who, agent_id)
        return agent_moments(store, agent_id, _since(since))

    @app.get("/api/agents/{agent_id}/stats", summary="An agent's weekly stats and the team median")
    def api_stats(agent_id: str, since: str | None = Query(None), who: User = Depends(user)) -> dict:
        allow(who, agent_id)
        view = agent_view(agent_id, _since(since))
        return {"agent_id": agent_id, "stats": view["stats"], "team": view["team"]}

    @app.get("/api/team", summary="Every agent's summary (coaches only)")
    def api_team(who: User = Depends(user)) -> dict:
        allow(who, None)
        return {"agents": _team_rows(), "team": team_median(store)}

    @app.get("/api/calls/{call_id}", summary="One annotated call")
    def api_call(call_id: str, who: User = Depends(user)) -> dict:
        call = call_or_404(call_id)
        allow(who, call.agent_id)
        return call.data

    @app.get("/feed/{agent_id}.atom", summary="An agent's coaching feed as Atom 1.0")
    def atom(agent_id: str, request: Request, who: User = Depends(user)) -> Response:
        allow(who, agent_id)
        base = str(request.base_url).rstrip("/")
        return Response(to_atom(agent_id, agent_moments(store, agent_id), base_url=base),
                        media_type="application/atom+xml")

    add_dispute_routes(app, store, user, allow)
    app.state.store = store
    return app
