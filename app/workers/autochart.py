"""The editor's auto-chart jobs as plain functions (run on a worker thread): transcribe, re-decode, confidences."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.domain.tempo_map import TempoMap


@dataclass
class AutoChartOutput:
    """A transcription plus what the editor keeps about it: per-note confidences and the song id."""

    result: object  # app.transcription.pipeline.TranscriptionResult
    confidences: dict
    song_id: str
    source: Path


def autochart(source: str | Path, options, on_progress: ProgressFn | None = None,
              should_cancel: CancelFn | None = None, model_bundle=None) -> AutoChartOutput:
    """Transcribe `source` (audio file or song folder) with TranscribeOptions `options`."""
    from app.io.corrections import song_id
    from app.transcription.confidence import note_confidences
    from app.transcription.pipeline import transcribe

    source = Path(source)
    result = transcribe(source, options, on_progress, should_cancel, model_bundle=model_bundle)
    check_cancel(should_cancel)
    confidences = note_confidences(result.chart.drums.expert, result.hits, result.chart.tempo_map)
    return AutoChartOutput(result, confidences, song_id(source), source)


def prewarm_in_background(delay_s: float = 0.0) -> threading.Thread:
    """Import the model engine and the transcription code on a daemon thread (after `delay_s`), so the first
    auto-chart of a session does not pay for it; errors are left for the real run to report."""
    def run() -> None:
        time.sleep(delay_s)
        try:
            from app.transcription.pipeline import preload
            preload()
        except Exception:  # the auto-chart itself reports what is wrong
            pass
    thread = threading.Thread(target=run, name="chart-hero-prewarm", daemon=True)
    thread.start()
    return thread


@dataclass
class RedecodeOutput:
    result: object
    confidences: dict
    seconds: float


def redecode_notes(result, preset: str, sensitivity: Mapping[str, float], dynamics: bool,
                   tempo_map: TempoMap | None = None, on_progress: ProgressFn | None = None,
                   should_cancel: CancelFn | None = None) -> RedecodeOutput:
    """Decode the stored activations again (no network); `tempo_map`: the chart's current map, if edited."""
    from dataclasses import replace

    from app.transcription.confidence import note_confidences
    from app.transcription.pipeline import redecode

    t0 = time.perf_counter()
    if tempo_map is not None and tempo_map != result.chart.tempo_map:
        chart = result.chart.copy()
        chart.tempo_map = tempo_map
        result = replace(result, chart=chart)
    check_cancel(should_cancel)
    new = redecode(result, preset=preset, sensitivity=dict(sensitivity), dynamics=dynamics)
    confidences = note_confidences(new.chart.drums.expert, new.hits, new.chart.tempo_map)
    return RedecodeOutput(new, confidences, time.perf_counter() - t0)


def export_corrections(out_path: str | Path, db_path: str | Path | None = None,
                       on_progress: ProgressFn | None = None, should_cancel: CancelFn | None = None) -> int:
    """Export the corrections store as JSONL (the editor runs it on a worker thread); returns the count."""
    from app.io.corrections import export_jsonl
    return export_jsonl(out_path, db_path)
