"""The transcription job: audio or a song folder -> activations, hits, tempo map and an Expert chart.

The editor's worker and the CLI both call `transcribe`; `redecode` re-runs only the cheap part
(decode + mapping) from stored activations when a preset or sensitivity changes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from app.constants import SAMPLE_RATE
from app.domain.lanes import Difficulty
from app.domain.notes import NoteList
from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.domain.song import Chart, SongMetadata
from app.domain.tempo_map import TempoMap
from app.io.errors import ChartFileError
from app.transcription.activations import Activations, DrumHit
from app.transcription.tempo_estimation import BeatGrid

SEPARATE_CHOICES = ("auto", "on", "off")
DRUM_STEM_NAMES = ("drums", "drums_1", "drums_2", "drums_3", "drums_4")
"""File names (without extension) of Clone Hero drum stems: `auto` does not separate them."""


@dataclass(frozen=True)
class TranscribeOptions:
    """What the user chose. sensitivity: class -> 0..1 slider (0.5 neutral); snap_divisions: per beat."""

    preset: str = "conservative"
    separate: str = "auto"
    model_path: Path | None = None
    demucs_repo: Path | None = None
    dynamics: bool = False
    snap_divisions: int | None = None
    sensitivity: dict[str, float] = field(default_factory=dict)
    charter: str = "Chart Hero"
    engine: str = "auto"
    """app.transcription.engine.ENGINES: `auto` runs the checkpoint's onnxruntime twin, made on first use."""


@dataclass
class TranscriptionResult:
    """Everything the job produced; `chart` holds Expert notes, tempo map, sections and metadata."""

    chart: Chart
    activations: Activations
    hits: list[DrumHit]
    beat_grid: BeatGrid
    audio_description: str
    stems: dict[str, Path]
    duration_s: float
    options: TranscribeOptions
    model_sha256: str | None = None
    model_version: str = ""
    separated: bool = False
    calibration: object = None
    timings_s: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _step(timings: dict[str, float], name: str, t0: float) -> float:
    now = time.perf_counter()
    timings[name] = timings.get(name, 0.0) + now - t0
    return now


def load_model(path: Path | None, engine: str = "auto", warn: Callable[[str], None] | None = None):
    """The checkpoint at `path` (default: the shipped model), ready to run on `engine` (see app.transcription.engine)."""
    from app.resources import default_model_path
    from app.transcription.engine import load_engine

    path = Path(path) if path else default_model_path()
    if not path.is_file():
        raise ChartFileError(path, "model file not found (pass --model PATH)")
    return load_engine(path, engine, warn)


def _audio_metadata(path: Path) -> SongMetadata:
    meta = SongMetadata(name=path.stem)
    try:
        import soundfile as sf
        with sf.SoundFile(str(path)) as fh:
            meta.name = (fh.title or "").strip() or path.stem
            meta.artist = (fh.artist or "").strip()
            meta.album = (fh.album or "").strip()
            meta.genre = (fh.genre or "").strip()
            meta.year = (fh.date or "").strip()[:4]
    except Exception:  # tags are a nicety; decoding errors are reported by load_audio
        pass
    return meta


def _load_input(source: Path) -> tuple[np.ndarray, str, dict[str, Path], SongMetadata, bool]:
    """(mono audio, description, stems to export, metadata, is_drum_audio)."""
    from app.audio.decode import load_audio
    from app.audio.song_audio import load_song_audio
    from app.io.song_folder import find_stems

    if not source.exists():
        raise ChartFileError(source, "no such file or folder")
    if source.is_dir():
        song = load_song_audio(source)
        meta = SongMetadata(name=source.name)
        ini = next((f for f in source.iterdir() if f.name.lower() == "song.ini"), None)
        if ini is not None:
            from app.io.song_ini import read_song_ini
            meta = read_song_ini(ini)[0]
        return song.audio, song.description, find_stems(source), meta, song.is_drums_only
    audio = load_audio(source, SAMPLE_RATE, mono=True)
    is_drum_stem = source.stem.lower() in DRUM_STEM_NAMES  # a chart's drums.ogg given on its own
    stems = {"drums" if is_drum_stem else "song": source}
    return audio, f"used {source.name}", stems, _audio_metadata(source), is_drum_stem


def transcribe(source: str | Path, options: TranscribeOptions = TranscribeOptions(),
               on_progress: ProgressFn | None = None, should_cancel: CancelFn | None = None,
               model_bundle=None) -> TranscriptionResult:
    """Transcribe an audio file or Clone Hero song folder into an Expert drum chart.

    Progress: loading 0-5 %, separation 5-40 % (when it runs), network 40-90 %, decode and tempo 90-100 %.
    Raises ChartFileError for unreadable input or model, app.domain.progress.Cancelled on cancel.
    """
    from app.audio.loudness import normalize_loudness

    report = on_progress or (lambda f, m: None)
    timings: dict[str, float] = {}
    warnings: list[str] = []
    source = Path(source)
    if options.separate not in SEPARATE_CHOICES:
        raise ValueError(f"separate must be one of {SEPARATE_CHOICES}")
    t0 = time.perf_counter()
    report(0.0, f"reading {source.name}")
    model = _start_model_load(model_bundle, options.model_path, options.engine, warnings.append)
    try:
        audio, description, stems, meta, is_drums = _load_input(source)
        duration_s = len(audio) / SAMPLE_RATE
        if duration_s < 1.0:
            raise ChartFileError(source, f"audio too short to chart ({duration_s:.2f} s)")
    except BaseException:
        model()  # a bad model is reported before bad audio, as when they load in turn
        raise
    t0 = _step(timings, "audio", t0)
    check_cancel(should_cancel)

    separated = False
    if options.separate == "on" or (options.separate == "auto" and not is_drums):
        audio, separated, note = _maybe_separate(source, audio, options, report, should_cancel)
        if note:
            warnings.append(note)
        if separated:
            description += " + drums separated"
        t0 = _step(timings, "separation", t0)

    audio = normalize_loudness(audio, SAMPLE_RATE)
    bundle = model()
    t0 = _step(timings, "loudness_and_model", t0)
    from app.transcription.engine import run_network

    base = 0.4 if separated else 0.05
    act = run_network(audio, bundle, lambda f, m="": report(base + (0.9 - base) * f, "listening"), should_cancel)
    t0 = _step(timings, "network", t0)
    report(0.9, "decoding")
    hits, chart, grid = _chart_from_activations(act, options, bundle, meta, duration_s)
    t0 = _step(timings, "decode_and_tempo", t0)
    report(1.0, "done")
    version = str(bundle.training_summary.get("version", "")) if bundle.training_summary else ""
    return TranscriptionResult(chart, act, hits, grid, description, stems, duration_s, options,
                               bundle.sha256, version, separated, bundle.calibration, timings, warnings)


def preload(engine: str = "auto") -> None:
    """Import the engine and the code a transcription runs (onnxruntime and scipy.fft 0.5 s, torch 2-3 s in a fresh
    process, once): the editor calls it in the background at start, so its first auto-chart starts warm."""
    from app.transcription.onnx_twin import onnxruntime_available
    if engine != "torch" and onnxruntime_available():
        import scipy.fft  # noqa: F401  (the twin's STFT)
        import app.transcription.onnx_twin  # noqa: F401
    else:
        import app.transcription.inference  # noqa: F401  (torch and the network code)
    import app.transcription.decode  # noqa: F401
    import app.transcription.mapping  # noqa: F401
    import app.transcription.playability  # noqa: F401
    import app.transcription.sections  # noqa: F401


def _start_model_load(bundle, model_path: Path | None, engine: str = "auto",
                      warn: Callable[[str], None] | None = None) -> Callable[[], object]:
    """A function that returns the model bundle: `bundle` when given, else the checkpoint at `model_path`,
    loaded (with its engine's import: 0.5 s for onnxruntime, 2 s for torch in a fresh process) on a thread
    started now, so that decoding, separating and normalising the audio overlap it. The function re-raises
    the loading error."""
    if bundle is not None:
        return lambda: bundle
    from concurrent.futures import ThreadPoolExecutor

    def load() -> object:
        preload(engine)
        return load_model(model_path, engine, warn)

    pool = ThreadPoolExecutor(1, thread_name_prefix="load-model")
    future = pool.submit(load)
    pool.shutdown(wait=False)
    return future.result


def _maybe_separate(source: Path, audio: np.ndarray, options: TranscribeOptions, report: ProgressFn,
                    should_cancel: CancelFn | None) -> tuple[np.ndarray, bool, str | None]:
    from app.audio.separation import find_separation_model, no_model_message, separate_drums

    spec = find_separation_model(options.demucs_repo)
    if spec is None:
        return audio, False, no_model_message()
    report(0.05, f"separating drums ({spec.name})")
    stereo = np.stack([audio, audio]) if audio.ndim == 1 else audio
    stems = separate_drums(stereo, SAMPLE_RATE, spec, lambda f, m="": report(0.05 + 0.35 * f, "separating drums"),
                           should_cancel)
    drums = stems.drums.mean(axis=0) if stems.drums.ndim == 2 else stems.drums
    return drums.astype(np.float32), True, None


def _chart_from_activations(act: Activations, options: TranscribeOptions, bundle, meta: SongMetadata,
                            duration_s: float, tempo_map: TempoMap | None = None,
                            grid: BeatGrid | None = None) -> tuple[list[DrumHit], Chart, BeatGrid]:
    from app.transcription.decode import decode, load_preset
    from app.transcription.mapping import MappingOptions, hits_to_notes
    from app.transcription.playability import make_playable
    from app.transcription.sections import estimate_sections
    from app.transcription.tempo_estimation import estimate_tempo_map

    params = load_preset(options.preset, bundle.calibration if bundle else None, options.sensitivity or None)
    hits = decode(act, params)
    if tempo_map is None or grid is None:
        tempo_map, grid = estimate_tempo_map(act, hits)
    notes = hits_to_notes(hits, tempo_map, MappingOptions(dynamics=options.dynamics,
                                                          snap_divisions=options.snap_divisions))
    notes, _ = make_playable(notes, tempo_map, centre_chords=not options.snap_divisions)
    chart = Chart(metadata=meta.copy(), tempo_map=tempo_map)
    chart.metadata.charter = options.charter or chart.metadata.charter
    chart.metadata.pro_drums = True
    chart.metadata.song_length_ms = int(round(duration_s * 1000))
    chart.metadata.delay_ms = 0
    chart.drums.notes[Difficulty.EXPERT] = NoteList(notes)
    chart.drums.authored = {Difficulty.EXPERT}
    audio_end_tick = int(tempo_map.s_to_tick(duration_s)) - 1
    last = chart.last_note_tick()
    end = (last + tempo_map.resolution) if last is not None else tempo_map.resolution * 4
    chart.end_tick = max(min(end, audio_end_tick), (last or 0) + 1)
    chart.sections = estimate_sections(hits, tempo_map, chart.end_tick)
    if not chart.metadata.preview_start_ms and len(chart.sections) > 1:
        chart.metadata.preview_start_ms = int(tempo_map.tick_to_s(chart.sections[1].tick) * 1000)
    return hits, chart, grid


def redecode(result: TranscriptionResult, preset: str | None = None, sensitivity: dict[str, float] | None = None,
             dynamics: bool | None = None, calibration=None) -> TranscriptionResult:
    """Decode the stored activations again with other settings (no network; tempo map kept)."""
    opts = replace(result.options, preset=preset or result.options.preset,
                   sensitivity=dict(sensitivity if sensitivity is not None else result.options.sensitivity),
                   dynamics=result.options.dynamics if dynamics is None else dynamics)

    class _Cal:  # a bundle stand-in carrying only the calibration
        pass
    bundle = _Cal()
    bundle.calibration = calibration if calibration is not None else result.calibration
    hits, chart, grid = _chart_from_activations(result.activations, opts, bundle, result.chart.metadata,
                                                result.duration_s, result.chart.tempo_map, result.beat_grid)
    chart.sections = list(result.chart.sections)
    return replace(result, chart=chart, hits=hits, options=opts)
