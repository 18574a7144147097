"""Model versions: a registry of trained models in a models directory.

Layout::

    models/                      (the models directory; $MOTNLP_MODELS_DIR overrides it)
      default/                   the model used when no --model is given
        promotion.json           which NAME@VERSION was promoted, when, with which scores
      triage/1/  triage/2/ ...   NAME/VERSION: a model directory each (meta.json has the
                                 training-data hash and dev scores)

A model reference ``NAME@VERSION`` (or ``NAME@latest``) names ``NAME/VERSION`` in the
models directory; ``DIR/NAME@VERSION`` names it in ``DIR``. Every ``--model`` option
accepts a reference (:func:`motnlp.pipeline.resolve_model` calls :func:`resolve`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .calls import Call
from .errors import E, MotnlpError
from .persist import read_meta

__all__ = ["DEFAULT_NAME", "MODELS_ENV", "find", "list_models", "models_dir", "next_version", "parse_ref",
           "promote", "resolve", "train_version"]

MODELS_ENV = "MOTNLP_MODELS_DIR"
DEFAULT_NAME = "default"
SCORE = "agent_fine_macro_f1"
_REF = re.compile(r"^(?:(?P<dir>.*)/)?(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*)@(?P<version>\d+|latest)$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def models_dir(path: str | Path | None = None) -> Path:
    """The models directory: ``path``, else ``$MOTNLP_MODELS_DIR``, else the one beside the shipped model."""
    if path:
        return Path(path)
    if os.environ.get(MODELS_ENV):
        return Path(os.environ[MODELS_ENV])
    from .pipeline import DEFAULT_MODEL

    return DEFAULT_MODEL.parent


def parse_ref(ref: str) -> tuple[Path | None, str, str] | None:
    """``(directory or None, name, version)`` of ``[DIR/]NAME@VERSION``, or None if ``ref`` is not one."""
    match = _REF.match(ref)
    if match is None:
        return None
    return (Path(match["dir"]) if match["dir"] else None), match["name"], match["version"]


def versions(directory: Path, name: str) -> list[int]:
    """The versions of ``name`` in ``directory``, oldest first (a version is a folder with meta.json)."""
    base = directory / name
    if not base.is_dir():
        return []
    return sorted(int(p.name) for p in base.iterdir() if p.name.isdigit() and (p / "meta.json").is_file())


def find(ref: str, directory: str | Path | None = None) -> Path:
    """The model folder ``ref`` names; raise E033/E035 when it is malformed or absent."""
    parsed = parse_ref(ref)
    if parsed is None:
        raise MotnlpError(E.E033, ref=ref, detail="expected NAME@VERSION, e.g. triage@3 or triage@latest")
    where, name, version = parsed
    base = where or models_dir(directory)
    if version == "latest":
        found = versions(base, name)
        if not found:
            raise MotnlpError(E.E035, what=f"model in {base} named", key=name)
        version = str(found[-1])
    path = base / name / str(int(version))
    if not (path / "meta.json").is_file():
        raise MotnlpError(E.E035, what=f"model in {base}", key=f"{name}@{version}")
    return path


def resolve(ref: str | None) -> Path | None:
    """A ``--model`` value as a folder: an existing path as is, ``NAME@VERSION`` looked up, None for None."""
    if not ref:
        return None
    if Path(ref).exists() or parse_ref(ref) is None:
        return Path(ref)
    return find(ref)


def next_version(directory: Path, name: str) -> str:
    """One more than the highest version of ``name`` (``"1"`` for a new name)."""
    base = directory / name
    taken = [int(p.name) for p in base.iterdir() if p.name.isdigit()] if base.is_dir() else []
    return str(max(taken, default=0) + 1)


def train_version(calls: Sequence[Call], directory: str | Path, name: str, *, dev: Sequence[Call] = (),
                  **params: Any) -> tuple[Path, str, dict]:
    """Train into ``directory/name/VERSION`` (the next version); return path, version and meta.

    The model is written to a temporary folder and renamed into place, so a version
    folder is never half-written.
    """
    from .pipeline import train_model

    if not _NAME.match(name) or name == DEFAULT_NAME:
        raise MotnlpError(E.E013, field="--name", kind=f"letters, digits, '.', '_' or '-', and not {DEFAULT_NAME!r}")
    base = Path(directory) / name
    base.mkdir(parents=True, exist_ok=True)
    while True:
        version = next_version(Path(directory), name)
        target = base / version
        try:
            target.mkdir()  # reserve the number
        except FileExistsError:
            continue
        break
    tmp = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=base))
    try:
        _, meta = train_model(calls, tmp, dev=dev, name=name, version=version, **params)
        target.rmdir()
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()
        raise
    return target, version, meta


def _score(meta: dict, key: str = SCORE) -> float | None:
    value = (meta.get("dev_scores") or {}).get(key)
    return float(value) if isinstance(value, int | float) else None


def _promotion(directory: Path) -> dict:
    try:
        return json.loads((directory / DEFAULT_NAME / "promotion.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def list_models(directory: str | Path | None = None) -> list[dict[str, Any]]:
    """One row per model version (and the default), oldest first within a name."""
    base = models_dir(directory)
    promoted = _promotion(base).get("from")
    rows = []
    names = sorted(p.name for p in base.iterdir() if p.is_dir() and _NAME.match(p.name)) if base.is_dir() else []
    for name in names:
        for version in ([None] if name == DEFAULT_NAME else versions(base, name)):
            path = base / name if version is None else base / name / str(version)
            if not (path / "meta.json").is_file():
                continue
            meta = read_meta(path)
            ref = DEFAULT_NAME if version is None else f"{name}@{version}"
            rows.append({"ref": ref, "path": str(path), "name": meta.get("name"), "version": meta.get("version"),
                         "created": meta.get("created"), "train_calls": meta.get("train_calls"),
                         "data_sha256": (meta.get("training_data_sha256") or "")[:12],
                         SCORE: _score(meta), "customer_macro_f1": _score(meta, "customer_macro_f1"),
                         "default": ref == promoted or (version is None),
                         "promoted_from": promoted if version is None else None})
    return rows


def _dev_score(path: Path, dev: Sequence[Call]) -> float | None:
    from .persist import load_model
    from .pipeline import evaluate_model

    return evaluate_model(load_model(path), dev, baseline=False)[SCORE]


def _scores(candidate: Path, current: Path, dev: Sequence[Call]) -> tuple[float | None, float | None]:
    """The candidate's and the current default's dev score (re-evaluated on ``dev`` if given)."""
    if not (current / "meta.json").is_file():
        return (_dev_score(candidate, dev) if dev else _score(read_meta(candidate))), None
    if dev:
        return _dev_score(candidate, dev), _dev_score(current, dev)
    return _score(read_meta(candidate)), _score(read_meta(current))


def _install(source: Path, target: Path, record: dict) -> None:
    """Copy ``source`` to ``target`` (replacing it) via a temporary folder and renames."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new.", dir=target.parent))
    old = None
    try:
        shutil.copytree(source, tmp, dirs_exist_ok=True)
        from .io import atomic_writer

        with atomic_writer(str(tmp / "promotion.json")) as handle:
            handle.write(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, old / target.name)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists():
            os.replace(old / target.name, target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def promote(ref: str, directory: str | Path | None = None, *, dev: Sequence[Call] = (),
            force: bool = False) -> dict[str, Any]:
    """Make ``ref`` the default model (``DIR/default``) unless it scores worse than the current one.

    The scores compared are the dev ``agent_fine_macro_f1`` in both meta.json files, or,
    with ``dev`` calls given, both models re-evaluated on them. A candidate without a
    score does not replace a default with one. Returns the promotion record.

    Raises
    ------
    MotnlpError
        E034 when the candidate is worse and ``force`` is false; E035 when ``ref`` is absent.
    """
    base = models_dir(directory)
    parsed = parse_ref(ref)
    candidate = find(ref, base)
    current = base / DEFAULT_NAME
    new, old = _scores(candidate, current, dev)
    worse = old is not None and (new is None or new < old)
    if worse and not force:
        raise MotnlpError(E.E034, ref=ref, new="(none)" if new is None else f"{new:.4f}", old=f"{old:.4f}")
    record = {"from": f"{parsed[1]}@{candidate.name}" if parsed else ref, "path": str(candidate),
              "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "scores": {"candidate": new, "previous": old},
              "scored_on": "dev calls given" if dev else "meta.json dev_scores", "forced": bool(worse and force),
              "previous": _promotion(base).get("from")}
    _install(candidate, current, record)
    return record
