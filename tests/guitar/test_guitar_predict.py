"""Prediction on files and folders, with onsets from a CSV or the detector; ONNX export parity."""
from __future__ import annotations

import csv

import pytest

from app.guitar.checkpoint import load_guitar_model
from app.guitar.metadata import read_metadata
from app.guitar.predict import predict_path, read_onsets_csv


def _test_recording(config):
    splits = __import__("json").loads((config.run_path / "splits.json").read_text())
    name = sorted(r for r, s in splits.items() if s == "test")[0]
    events = [e for e in read_metadata(config.data.metadata).events if e.recording == name]
    return events[0].audio_path, events


def test_predict_with_onsets_csv_and_detector(trained_run, tmp_path) -> None:
    config, result, _ = trained_run
    bundle = load_guitar_model(result.best_path)
    audio, events = _test_recording(config)
    table = tmp_path / "onsets.csv"
    with open(table, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source_audio", "onset_sec", "offset_sec"])
        w.writerows([[audio.name, e.onset_s, e.offset_s] for e in events] + [[audio.name, "x", ""]])
    onsets, problems = read_onsets_csv(table)
    assert [p.row for p in problems] == [len(events) + 1]
    given = predict_path(bundle, audio.parent, onsets)  # a folder: only this file has onsets
    assert len(given) == len(events) and {p.onset_source for p in given} == {"csv"}
    right = sum(p.label == e.label for p, e in zip(given, events))
    assert right / len(events) >= 0.8
    found = predict_path(bundle, audio)
    assert abs(len(found) - len(events)) <= 0.2 * len(events) and found[0].onset_source == "detector"
    assert all(0.0 <= p.confidence <= 1.0 and abs(sum(p.probs) - 1) < 1e-4 for p in found)


def test_onnx_export_matches_torch(trained_run, tmp_path) -> None:
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from app.guitar.export import PARITY_TOLERANCE, export_onnx, onnx_max_abs_diff

    _, result, _ = trained_run
    bundle = load_guitar_model(result.best_path)
    export_onnx(bundle, tmp_path / "m.onnx")
    diff = onnx_max_abs_diff(bundle, tmp_path / "m.onnx")
    print(f"ONNX max abs diff {diff:.2e}")
    assert diff <= PARITY_TOLERANCE
    assert not bundle.model.training
