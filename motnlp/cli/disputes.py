"""``motnlp disputes list|add|accept|reject|export``: agents' label disputes."""

from __future__ import annotations

import json

import typer

from ..disputes import accepted_calls, add_dispute, decide, list_disputes, user_by_name
from ..io import write_jsonl
from ..store import Store
from .common import say
from .store import DB

app = typer.Typer(help="Agents dispute turn labels; coaches accept or reject; accepted ones become gold labels.",
                  no_args_is_help=True)
USER = typer.Option(..., "--user", help="Act as this stored user ('motnlp users add').")


@app.command("list")
def list_(
    db: str = DB,
    status: str | None = typer.Option(None, "--status", help="open, accepted or rejected."),
    call_id: str | None = typer.Option(None, "--call-id", help="Only disputes on this call."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON list."),
) -> int:
    """List disputes, oldest first."""
    rows = list_disputes(Store(db), status=status, call_id=call_id)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for d in rows:
        decided = f" by {d['decided_by']}" if d["decided_by"] else ""
        typer.echo(f"#{d['id']:<4} {d['status']:9} {d['call_id']} turn {d['turn']}: {d['previous'] or '-'} -> "
                   f"{d['label']}  ({d['author']}{decided}) {d['comment']}".rstrip())
    return 0


@app.command("add")
def add(
    call_id: str = typer.Argument(..., help="The stored call."),
    turn: int = typer.Argument(..., help="0-based turn index."),
    label: str = typer.Argument(..., help="The label the turn should have."),
    user: str = USER,
    comment: str = typer.Option("", "--comment", help="Why."),
    db: str = DB,
) -> int:
    """Dispute a turn's label (an agent only on their own calls)."""
    store = Store(db)
    dispute = add_dispute(store, user_by_name(store, user), call_id, turn, label, comment)
    typer.echo(dispute["id"])
    return 0


def _decide(dispute_id: int, user: str, db: str, accept: bool) -> int:
    store = Store(db)
    dispute = decide(store, user_by_name(store, user), dispute_id, accept=accept)
    say(f"motnlp: dispute #{dispute['id']} {dispute['status']} by {dispute['decided_by']}")
    return 0


@app.command("accept")
def accept(dispute_id: int = typer.Argument(..., help="The dispute's id."), user: str = USER, db: str = DB) -> int:
    """Accept an open dispute (coaches and admins)."""
    return _decide(dispute_id, user, db, True)


@app.command("reject")
def reject(dispute_id: int = typer.Argument(..., help="The dispute's id."), user: str = USER, db: str = DB) -> int:
    """Reject an open dispute (coaches and admins)."""
    return _decide(dispute_id, user, db, False)


@app.command("export")
def export(
    db: str = DB,
    output: str = typer.Option(..., "-o", "--output", help="Labelled JSONL to write ('-' for stdout)."),
) -> int:
    """Write the stored calls that have accepted disputes, those turns' labels as gold labels."""
    calls = accepted_calls(Store(db))
    count = write_jsonl(calls, output)
    say(f"motnlp: wrote {count} call(s) with accepted disputes to {output}")
    return 0


def register(root: typer.Typer) -> None:
    """Add the command group to ``root``."""
    root.add_typer(app, name="disputes")
