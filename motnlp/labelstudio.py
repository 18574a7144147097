"""Label Studio: tasks with pre-annotations out, JSON exports with annotations back in.

The labelling config (``motnlp/data/label_studio_config.xml``, printed by ``motnlp
export --config``) uses a ``<Repeater on="$turns">``: for turn *i* of a call it shows
the Text ``turn_i`` and the Choices ``label_i``. A task is one call::

    {"data": {"call_id": "c1", "lang": "en", ...,
              "turns": [{"speaker": "agent", "text": "Hello", "who": "#0 agent"}, ...]},
     "predictions": [{"model_version": "motnlp 1", "score": 0.81,
                      "result": [{"id": "c1-0", "from_name": "label_0", "to_name": "turn_0",
                                  "type": "choices", "value": {"choices": ["other"]}, "score": 0.93}]}]}

Label Studio's JSON export is the same list of tasks, each with ``annotations``
(``result`` items of the same shape, ``was_cancelled``, ``ground_truth``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from .annotation_tools import check_label, labelled_copy, missing_turns, original_call, task_metadata
from .calls import Call
from .errors import E, MotnlpError

__all__ = ["config", "from_export", "to_tasks"]

_CONTROL = re.compile(r"^label_(\d+)$")


def config() -> str:
    """The labelling config XML shipped with motnlp."""
    return resources.files("motnlp.data").joinpath("label_studio_config.xml").read_text(encoding="utf-8")


def _prediction(call: Call) -> dict[str, Any] | None:
    """The model's labels as one Label Studio prediction (None when the call has none)."""
    result = [{"id": f"{call.call_id}-{i}", "from_name": f"label_{i}", "to_name": f"turn_{i}", "type": "choices",
               "value": {"choices": [turn.pred]}, **({"score": turn.confidence} if turn.confidence is not None else {})}
              for i, turn in enumerate(call.turns) if turn.pred]
    if not result:
        return None
    scores = [r["score"] for r in result if "score" in r]
    info = call.extra.get("model") or {}
    version = " ".join(str(v) for v in (info.get("name"), info.get("version")) if v) or "motnlp"
    prediction: dict[str, Any] = {"model_version": version, "result": result}
    if scores:
        prediction["score"] = round(sum(scores) / len(scores), 4)
    return prediction


def to_tasks(calls: Iterable[Call]) -> list[dict[str, Any]]:
    """Label Studio import tasks, one per call, with the predictions as pre-annotations."""
    tasks = []
    for call in calls:
        turns = []
        for i, turn in enumerate(call.turns):
            item: dict[str, Any] = {"speaker": turn.speaker, "text": turn.text, "who": f"#{i} {turn.speaker}"}
            item.update({k: v for k, v in (("start", turn.start), ("end", turn.end)) if v is not None})
            turns.append(item)
        task: dict[str, Any] = {"data": {**task_metadata(call), "turns": turns}}
        prediction = _prediction(call)
        if prediction is not None:
            task["predictions"] = [prediction]
        tasks.append(task)
    return tasks


def _broken(path: str, detail: str) -> MotnlpError:
    return MotnlpError(E.E026, path=path, fmt="Label Studio export", detail=detail)


def _task_call(task: Any, path: str, item: str) -> Call:
    """The call a task shows, rebuilt from its ``data``."""
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("turns"), list):
        raise _broken(path, f"{item} has no data.turns list (was it exported from a motnlp project?)")
    fields = {k: v for k, v in data.items() if k != "turns"}
    turns = [{k: v for k, v in t.items() if k != "who"} if isinstance(t, dict) else t for t in data["turns"]]
    try:
        return Call.from_dict({**fields, "turns": turns})
    except MotnlpError as exc:
        raise _broken(path, f"{item}: {exc.message}") from None


def _annotation_labels(annotation: dict, path: str, item: str, call: Call) -> dict[int, str]:
    """Turn index → label from one annotation's ``result``."""
    labels: dict[int, str] = {}
    result = annotation.get("result")
    if not isinstance(result, list):
        raise _broken(path, f"{item}: annotation {annotation.get('id')} has no result list")
    for region in result:
        match = _CONTROL.match(str(region.get("from_name", ""))) if isinstance(region, dict) else None
        if match is None or region.get("type") != "choices":
            continue  # other controls (a comment box added to the config) carry no turn label
        index = int(match.group(1))
        if index >= len(call.turns):
            raise _broken(path, f"{item}: {region['from_name']} but the call has {len(call.turns)} turns")
        choices = (region.get("value") or {}).get("choices")
        if not isinstance(choices, list) or not choices:
            continue
        if len(choices) > 1 or index in labels:
            found = [*([labels[index]] if index in labels else []), *choices]
            raise MotnlpError(E.E030, path=path, item=item, turn=index, call_id=call.call_id,
                              detail="labels " + ", ".join(map(str, found)))
        labels[index] = check_label(choices[0], call.turns[index].speaker, item=item, turn=index, path=path)
    return labels


def _merge(per_annotation: list[tuple[Any, dict[int, str]]], path: str, item: str, call_id: str) -> dict[int, str]:
    """Combine several annotators' labels; a turn on which they disagree is an error."""
    merged: dict[int, str] = {}
    source: dict[int, Any] = {}
    for ann_id, labels in per_annotation:
        for index, label in labels.items():
            if index in merged and merged[index] != label:
                raise MotnlpError(E.E030, path=path, item=item, turn=index, call_id=call_id,
                                  detail=f"annotation {source[index]} says {merged[index]}, annotation {ann_id} "
                                         f"says {label}; mark one as ground truth")
            merged[index], source[index] = label, ann_id
    return merged


def _task_labels(task: dict, path: str, item: str, call: Call) -> dict[int, str] | None:
    """The task's labels (None when nobody submitted an annotation)."""
    annotations = task.get("annotations", [])
    if not isinstance(annotations, list):
        raise _broken(path, f"{item}: annotations is not a list")
    done = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
    if not done:
        return None
    truth = [a for a in done if a.get("ground_truth")]
    chosen = truth if len(truth) == 1 else done
    return _merge([(a.get("id"), _annotation_labels(a, path, item, call)) for a in chosen], path, item, call.call_id)


def _item_name(task: Any, position: int, call_id: str | None = None) -> str:
    task_id = task.get("id") if isinstance(task, dict) else None
    name = f"task {task_id}" if task_id is not None else f"task #{position + 1}"
    return f"{name} (call {call_id})" if call_id else name


def _one_task(task: Any, position: int, path: str, originals: Mapping[str, Call] | None,
              allow_unlabelled: bool, skipped: list[str]) -> Call | None:
    call = _task_call(task, path, _item_name(task, position))
    item = _item_name(task, position, call.call_id)
    if originals is not None:
        turns = [(i, turn.speaker, turn.text, (item, None)) for i, turn in enumerate(call.turns)]
        call = original_call(originals, call.call_id, turns, len(call.turns), path=path, item=item)
    labels = _task_labels(task, path, item, call)
    if labels is None:
        if allow_unlabelled:
            skipped.append(f"{path}: {item}: no submitted annotation, skipped")
            return None
        raise MotnlpError(E.E031, path=path, item=item, call_id=call.call_id,
                          turns=f"{missing_turns(len(call.turns), {})} (no submitted annotation)")
    if gaps := missing_turns(len(call.turns), labels):
        raise MotnlpError(E.E031, path=path, item=item, call_id=call.call_id, turns=gaps)
    return labelled_copy(call, labels)


def from_export(text: str, path: str, originals: Mapping[str, Call] | None = None, *,
                allow_unlabelled: bool = False, skipped: list[str] | None = None) -> list[Call]:
    """The labelled calls in a Label Studio JSON export (see :func:`motnlp.annotation_tools.import_file`)."""
    try:
        tasks = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MotnlpError(E.E003, path=path, line=exc.lineno, detail=exc.msg) from None
    if not isinstance(tasks, list):
        raise _broken(path, "expected a JSON list of tasks (Export > JSON)")
    calls: list[Call] = []
    seen: dict[str, str] = {}
    for position, task in enumerate(tasks):
        call = _one_task(task, position, path, originals, allow_unlabelled, skipped if skipped is not None else [])
        if call is None:
            continue
        if call.call_id in seen:
            raise MotnlpError(E.E021, path=path, call_id=call.call_id, where=seen[call.call_id])
        seen[call.call_id] = _item_name(task, position)
        calls.append(call)
    return calls
