"""Saving and loading models safely: plain arrays and JSON, never pickle.

A model directory holds ``model.npz`` (arrays, loaded with ``allow_pickle=False``),
``model.json`` (vocabulary, classes, parameters, the arrays' SHA-256) and ``meta.json``
(name, version, created, training-data hash, label set, dev scores, library
versions). Loading checks the format marker, the hash and every array's shape; a
tampered, truncated or foreign file is refused with :data:`~motnlp.errors.E.E022`.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import platform
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .classify import LinearLayer, MotClassifier
from .errors import E, MotnlpError
from .featurize import CONTEXT_COLUMNS, OWN_COLUMNS, SHAPE_COLUMNS, TextVocabulary, TurnFeaturizer
from .labels import AGENT, CUSTOMER, labels_for
from .tokenize import Tokenizer

__all__ = ["FORMAT", "load_model", "read_meta", "save_model"]

#: 3: window-state context columns; 4: context_weight; 5: the words-only layer (own_words)
FORMAT, FORMAT_VERSION = "motnlp-model", 5
_PARAMS = ("C", "two_pass", "context_weight", "own_words", "cv", "min_df", "max_features", "class_weight",
           "random_state")
#: Older format versions still read, with the values their missing params had then.
_OLDER_DEFAULTS = {3: {"context_weight": 1.0, "own_words": False}, 4: {"own_words": False}}


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("motnlp", "scikit-learn", "numpy", "scipy", "jieba", "spacy", "opencc"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "unknown"
    return out


def save_model(model: MotClassifier, path: str | Path, *, name: str = "motnlp",
               version: str = "1", meta: dict[str, Any] | None = None) -> Path:
    """Write ``model`` to the directory ``path`` (created); return the directory."""
    target = Path(path)
    target.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {"idf": model.featurizer_.vocabulary_.idf_}
    layers: dict[str, dict] = {}
    for pass_name in ("pass1", "pass2", "words"):
        layer_set = getattr(model, f"{pass_name}_")
        if layer_set is None:
            continue
        layers[pass_name] = {}
        for speaker, layer in layer_set.items():
            arrays[f"{pass_name}.{speaker}.coef"] = layer.coef
            arrays[f"{pass_name}.{speaker}.intercept"] = layer.intercept
            layers[pass_name][speaker] = {"classes": layer.classes, "temperature": layer.temperature}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    blob = buffer.getvalue()
    vocab = model.featurizer_.vocabulary_.vocabulary_
    spec = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        # What was fitted, not what set_params may have changed since.
        "params": {**{k: getattr(model, k) for k in _PARAMS}, "context_weight": model.context_weight_,
                   "own_words": model.words_ is not None},
        "tokenizer": {"hmm": model.featurizer_.tokenizer.hmm},
        "vocabulary": sorted(vocab, key=vocab.get),
        "layers": layers,
        "arrays_sha256": hashlib.sha256(blob).hexdigest(),
    }
    spec_bytes = json.dumps(spec, ensure_ascii=False).encode("utf-8")
    info = {
        "name": name, "version": version,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "labels": {AGENT: list(labels_for(AGENT)), CUSTOMER: list(labels_for(CUSTOMER))},
        "libraries": _library_versions(),
        "model_sha256": hashlib.sha256(spec_bytes).hexdigest(),
        **(meta or {}),
    }
    for file_name, data in (("model.npz", blob), ("model.json", spec_bytes),
                            ("meta.json", json.dumps(info, ensure_ascii=False, indent=1).encode())):
        tmp = target / f".{file_name}.tmp"
        tmp.write_bytes(data)
        tmp.replace(target / file_name)
    return target


def read_meta(path: str | Path) -> dict[str, Any]:
    """The ``meta.json`` of a model directory."""
    try:
        return json.loads((Path(path) / "meta.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise MotnlpError(E.E022, path=str(path), detail=f"meta.json unreadable ({exc})") from None


def _refuse(path: Path, detail: str) -> MotnlpError:
    return MotnlpError(E.E022, path=str(path), detail=detail)


def _read_spec(directory: Path) -> tuple[dict, bytes]:
    try:
        spec_bytes = (directory / "model.json").read_bytes()
        blob = (directory / "model.npz").read_bytes()
    except OSError as exc:
        raise _refuse(directory, f"missing model file ({exc.strerror}: {Path(exc.filename).name})") from None
    try:
        spec = json.loads(spec_bytes)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _refuse(directory / "model.json", "not a motnlp model (broken JSON)") from None
    if not isinstance(spec, dict) or spec.get("format") != FORMAT:
        raise _refuse(directory / "model.json", "not a motnlp model (format marker missing)")
    if spec.get("format_version") not in (FORMAT_VERSION, *_OLDER_DEFAULTS):
        raise _refuse(directory / "model.json", f"unsupported format version {spec.get('format_version')!r}")
    if hashlib.sha256(blob).hexdigest() != spec.get("arrays_sha256"):
        raise _refuse(directory / "model.npz", "checksum mismatch (file changed or truncated)")
    return spec, blob


def _layer(arrays, spec: dict, pass_name: str, speaker: str, width: int, path: Path) -> LinearLayer:
    info = spec["layers"][pass_name][speaker]
    coef = arrays[f"{pass_name}.{speaker}.coef"]
    intercept = arrays[f"{pass_name}.{speaker}.intercept"]
    classes = list(info["classes"])
    if classes != list(labels_for(speaker)) or coef.shape != (len(classes), width) or intercept.shape != (len(classes),):
        raise _refuse(path, f"{pass_name}/{speaker} arrays have the wrong shape")
    return LinearLayer(classes, coef, intercept, float(info["temperature"]))


def _check_params(params: dict, path: Path) -> None:
    """Refuse params of the wrong type (they would fail later, mid-prediction)."""
    flags_ok = all(isinstance(params[k], bool) for k in ("two_pass", "own_words"))
    weight = params["context_weight"]
    weight_ok = isinstance(weight, (int, float)) and not isinstance(weight, bool) and math.isfinite(weight)
    if not (flags_ok and weight_ok):
        raise _refuse(path / "model.json", "bad params (two_pass/own_words must be true/false, "
                                           "context_weight a number)")


def load_model(path: str | Path) -> MotClassifier:
    """Load a model directory written by :func:`save_model`; never executes code from it."""
    directory = Path(path)
    spec, blob = _read_spec(directory)
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        given = {**_OLDER_DEFAULTS.get(spec["format_version"], {}), **spec["params"]}
        params = {k: given[k] for k in _PARAMS}
        _check_params(params, directory)
        model = MotClassifier(**params)
        model.context_weight_ = float(params["context_weight"])
        vocab = TextVocabulary(min_df=params["min_df"], max_features=params["max_features"])
        vocab.vocabulary_ = {t: i for i, t in enumerate(spec["vocabulary"])}
        vocab.idf_ = arrays["idf"]
        if vocab.idf_.shape != (len(vocab.vocabulary_),):
            raise _refuse(directory, "vocabulary and idf sizes differ")
        tokenizer = Tokenizer(hmm=bool(spec.get("tokenizer", {}).get("hmm", False)))
        model.featurizer_ = TurnFeaturizer(tokenizer=tokenizer, min_df=params["min_df"],
                                           max_features=params["max_features"])
        model.featurizer_.vocabulary_ = vocab
        width = 3 * len(vocab.vocabulary_) + SHAPE_COLUMNS
        model.pass1_ = {s: _layer(arrays, spec, "pass1", s, width, directory) for s in (AGENT, CUSTOMER)}
        model.pass2_ = model.words_ = None
        if params["two_pass"]:
            width2 = width + CONTEXT_COLUMNS + (OWN_COLUMNS if params["own_words"] else 0)
            model.pass2_ = {s: _layer(arrays, spec, "pass2", s, width2, directory) for s in (AGENT, CUSTOMER)}
            if params["own_words"]:
                words = len(vocab.vocabulary_)
                model.words_ = {s: _layer(arrays, spec, "words", s, words, directory) for s in (AGENT, CUSTOMER)}
    except MotnlpError:
        raise
    except (KeyError, TypeError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise _refuse(directory, f"malformed model ({type(exc).__name__}: {exc})") from None
    model.classes_ = {AGENT: list(labels_for(AGENT)), CUSTOMER: list(labels_for(CUSTOMER))}
    return model
