"""``motnlp ingest``, ``motnlp feed``, ``motnlp serve`` and ``motnlp users add``."""

from __future__ import annotations

import json
from datetime import datetime

import typer

from ..errors import E, MotnlpError
from ..io import ReadReport
from ..store import DEFAULT_URL, ROLES, Store
from .common import INPUTS, fail_if_nothing, read_inputs, say, warn_skipped

DB = typer.Option(DEFAULT_URL, "--db", help="Database URL: sqlite:///motnlp.db or postgresql://user@host/db.")
users_app = typer.Typer(help="Manage access tokens.", no_args_is_help=True)


def ingest(
    inputs: list[str] = INPUTS,
    db: str = DB,
    no_redact: bool = typer.Option(False, "--no-redact", help="Store texts unredacted (redaction is on by default)."),
    chunk_size: int = typer.Option(200, "--chunk-size", help="Calls per transaction."),
) -> int:
    """Store annotated calls (re-ingesting a call id replaces it)."""
    report = ReadReport()
    store = Store(db)
    count = store.ingest(read_inputs(inputs, report, fmt="jsonl"), chunk_size=chunk_size, redact=not no_redact)
    warn_skipped(report)
    fail_if_nothing(report)
    say(f"motnlp: stored {count} call(s) in {db}")
    return 3 if report.errors else 0


def feed(
    agent_id: str = typer.Argument(..., help="The agent whose moments to show."),
    db: str = DB,
    since: str | None = typer.Option(None, "--since", help="Only calls on or after this date (YYYY-MM-DD)."),
    fmt: str = typer.Option("json", "--format", help="json or atom."),
) -> int:
    """An agent's coaching moments (missed and good), with quotes and suggested probes."""
    from ..feed import agent_moments, to_atom

    try:
        when = datetime.fromisoformat(since) if since else None
    except ValueError:
        raise MotnlpError(E.E013, field="--since", kind="a date like 2026-03-01") from None
    if fmt not in ("json", "atom"):
        raise MotnlpError(E.E013, field="--format", kind="json or atom")
    moments = agent_moments(Store(db), agent_id, when)
    if fmt == "atom":
        typer.echo(to_atom(agent_id, moments).decode("utf-8"))
    else:
        typer.echo(json.dumps(moments, ensure_ascii=False, indent=1))
    return 0


def serve(
    db: str = DB,
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
) -> int:
    """Serve the coaching pages, JSON API and Atom feeds (FastAPI + uvicorn)."""
    import uvicorn

    from ..web import create_app

    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")
    return 0


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="A unique user name."),
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    agent_id: str | None = typer.Option(None, "--agent-id", help="The agent id an agent user may see."),
    db: str = DB,
) -> int:
    """Create a user and print their access token (shown once; only its hash is stored)."""
    try:
        token = Store(db).add_user(name, role, agent_id)
    except ValueError as exc:
        raise MotnlpError(E.E013, field="--role/--agent-id", kind=str(exc)) from None
    typer.echo(token)
    return 0


def register(app: typer.Typer) -> None:
    """Add the commands to ``app``."""
    app.command("ingest")(ingest)
    app.command("feed")(feed)
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
