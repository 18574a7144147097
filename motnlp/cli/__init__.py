"""The ``motnlp`` command line: a thin shell over the library, one file per command."""

from __future__ import annotations

import logging
import sys

import click
import typer

from .. import __version__
from ..errors import MotnlpError
from . import annotate, convert, corpus, disputes, evaluate, export, import_, models, report, select, store, train

__all__ = ["app", "main"]

app = typer.Typer(
    name="motnlp",
    help="Moments-of-Truth coaching from call transcripts (Chinese and English).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"motnlp {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Moments-of-Truth coaching from call transcripts (Chinese and English).

    Add --debug anywhere to see a traceback instead of a one-line error.
    """


for module in (convert, annotate, train, evaluate, report, store, select, export, import_, disputes, models):
    module.register(app)
app.add_typer(corpus.app, name="corpus")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user errors print one line ``motnlp: error: ...`` and return 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="motnlp: %(message)s")
    import jieba  # its logger is set to DEBUG on import; quiet it unless --debug

    jieba.setLogLevel(logging.DEBUG if debug else logging.WARNING)
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="motnlp", standalone_mode=False)
    except MotnlpError as exc:
        if debug:
            raise
        sys.stderr.write(f"motnlp: error: {exc.one_line()}\n")
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        sys.stderr.write("motnlp: aborted\n")
        return 130
    except BrokenPipeError:
        return 0
    return result if isinstance(result, int) else 0
