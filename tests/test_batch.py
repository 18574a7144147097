"""Batch annotation: parallel and Dask runs equal the serial run; kill -9 then resume loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from motnlp.batch import annotate_batch
from motnlp.io import read_calls
from motnlp.pipeline import train_model

from .conftest import DATA


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    calls = list(read_calls([str(DATA / "roaming.jsonl"), str(DATA / "tiny_en.jsonl")]))
    path = tmp_path_factory.mktemp("batch") / "model"
    train_model(calls, path, cv=2, min_df=1)
    return str(path)


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """300 calls (the fixtures under new ids) with two unreadable lines among them."""
    lines = (DATA / "roaming.jsonl").read_text().splitlines() + (DATA / "tiny_en.jsonl").read_text().splitlines()
    path = tmp_path_factory.mktemp("many") / "calls.jsonl"
    with open(path, "w") as handle:
        for i in range(300):
            data = json.loads(lines[i % len(lines)])
            data["call_id"] = f"call-{i:04d}"
            handle.write(json.dumps(data, ensure_ascii=False) + "\n")
            if i in (17, 203):
                handle.write("{not json\n")
    return str(path)


def _ids(path) -> list[str]:
    return [json.loads(x)["call_id"] for x in open(path)]


def test_jobs_two_equals_jobs_one(tmp_path, model, many) -> None:
    one = annotate_batch([many], str(tmp_path / "one.jsonl"), model=model, jobs=1, chunk_size=16)
    two = annotate_batch([many], str(tmp_path / "two.jsonl"), model=model, jobs=2, chunk_size=16)
    assert (one.annotated, one.rejected) == (two.annotated, two.rejected) == (300, 2)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert _ids(tmp_path / "one.jsonl") == [f"call-{i:04d}" for i in range(300)]
    rejects = [json.loads(x) for x in open(tmp_path / "one.jsonl.rejects.jsonl")]
    assert [r["line"] for r in rejects] == [19, 206] and all(r["code"] == "E003" for r in rejects)
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob("*.checkpoint"))


def test_dask_local_cluster_equals_serial(tmp_path, model, many) -> None:
    distributed = pytest.importorskip("distributed")
    annotate_batch([many], str(tmp_path / "serial.jsonl"), model=model, chunk_size=32)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        result = annotate_batch([many], str(tmp_path / "dask.jsonl"), model=model, chunk_size=32, scheduler=client)
    assert result.annotated == 300 and result.rejected == 2
    assert (tmp_path / "serial.jsonl").read_bytes() == (tmp_path / "dask.jsonl").read_bytes()


def test_kill_minus_nine_then_resume(tmp_path, model, many) -> None:
    clean = tmp_path / "clean.jsonl"
    annotate_batch([many], str(clean), model=model, chunk_size=4)
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "motnlp", "annotate", many, "-o", str(out), "--model", model,
           "--chunk-size", "4", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    checkpoint = tmp_path / "out.jsonl.checkpoint"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if checkpoint.exists() and json.loads(checkpoint.read_text())["state"]["chunks"] >= 5:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "annotate finished before it could be killed; make the input larger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    # a torn write after the last checkpoint must not survive the resume
    with open(tmp_path / "out.jsonl.partial", "a") as handle:
        handle.write('{"call_id": "torn')
    result = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, check=False)
    assert result.returncode == 3, result.stderr  # the two unreadable lines
    assert out.read_bytes() == clean.read_bytes()
    ids = _ids(out)
    assert len(ids) == len(set(ids)) == 300


def test_a_call_that_fails_annotation_is_rejected_alone(tmp_path, model, many, monkeypatch) -> None:
    """The chunk is annotated together; when that fails, the calls are retried one by one."""
    from motnlp.calls import Call
    from motnlp.flags import call_flags
    from motnlp.pipeline import Annotator

    src = tmp_path / "flagged.jsonl"  # the calls with stored flags unlike any prediction: kept as gold_flags
    gold = {}
    with open(src, "w") as handle:
        for line in open(many):
            if line.startswith('{"'):  # not one of the two unreadable lines
                data = json.loads(line)
                flags = call_flags(Call.from_dict(data))
                data["flags"] = gold[data["call_id"]] = {**flags, "missed_probe": [*flags["missed_probe"], 999]}
                line = json.dumps(data, ensure_ascii=False) + "\n"
            handle.write(line)
    real = Annotator._aggregate

    def failing(self, call):
        if call.call_id == "call-0005":
            raise ValueError("boom")
        return real(self, call)

    monkeypatch.setattr(Annotator, "_aggregate", failing)
    out = tmp_path / "out.jsonl"
    result = annotate_batch([str(src)], str(out), model=model, jobs=1, chunk_size=16)
    ids = _ids(out)
    assert "call-0005" not in ids and len(ids) == 299 and result.rejected == 3
    rejects = [json.loads(x) for x in open(tmp_path / "out.jsonl.rejects.jsonl")]
    failed = [r for r in rejects if r["code"] == "annotate"]
    assert [(r["call_id"], r["line"]) for r in failed] == [("call-0005", 6)] and "boom" in failed[0]["reason"]
    # the chunk's other calls were annotated again from fresh copies: their gold flags are intact
    for line in open(out):
        call = json.loads(line)
        assert call["gold_flags"] == gold[call["call_id"]]

