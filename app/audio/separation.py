"""Drum separation with demucs, run only when asked: chunked, cancellable, cached on disk per (audio, model)."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from app.audio.decode import resample
from app.audio.demucs_models import (  # noqa: F401  (re-exported: the public face of separation)
    PREFERRED_MODELS, SeparatorSpec, default_model_dir, find_separation_model, load_separation_model,
    no_model_message,
)
from app.domain.progress import CancelFn, ProgressFn, check_cancel
from app.io.atomic import atomic_path

CACHE_VERSION = 1
"""Bump when the separation recipe changes, so old cached stems are not reused."""

OVERLAP = 0.25
"""Overlap between demucs segments (fraction), crossfaded by apply_model's triangle weights."""


class DrumSeparation(NamedTuple):
    """Separated stems, float32 of shape (2, n) at the input sample rate: drums + the sum of the rest."""

    drums: np.ndarray
    rest: np.ndarray


def default_stem_cache_dir() -> Path:
    """~/.cache/chart-hero/stems on Linux (the user cache folder of app.paths)."""
    from app.paths import stems_cache_dir  # issue 7: one list of user folders

    return stems_cache_dir()


def as_stereo(audio: np.ndarray) -> np.ndarray:
    """(n,) or (channels, n) -> float32 (2, n): mono is duplicated, extra channels dropped."""
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"audio must be (n,) or (channels, n), got shape {x.shape}")
    return np.ascontiguousarray(np.repeat(x, 2, axis=0) if x.shape[0] == 1 else x[:2])


def stem_cache_key(audio_stereo: np.ndarray, sr: int, model_name: str) -> str:
    """sha256 of the samples and rate, plus the model name: the folder name of the cached stems."""
    h = hashlib.sha256()
    h.update(f"v{CACHE_VERSION}|{sr}|{audio_stereo.shape}|".encode())
    h.update(np.ascontiguousarray(audio_stereo, dtype=np.float32).tobytes())
    safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in model_name)
    return f"{h.hexdigest()[:32]}-{safe_name}"


def _load_cached(folder: Path, shape: tuple[int, ...]) -> DrumSeparation | None:
    try:
        drums = np.load(folder / "drums.npy", allow_pickle=False)
        rest = np.load(folder / "rest.npy", allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if drums.shape != shape or rest.shape != shape:
        return None
    return DrumSeparation(drums.astype(np.float32), rest.astype(np.float32))


def _save_cached(folder: Path, stems: DrumSeparation) -> None:
    """float16 .npy (half the size, ~-66 dB rounding); rest first, drums last, each atomic."""
    for name, array in (("rest", stems.rest), ("drums", stems.drums)):
        with atomic_path(folder / f"{name}.npy") as tmp:
            with open(tmp, "wb") as fh:
                np.save(fh, array.astype(np.float16), allow_pickle=False)


def separate_drums(audio_stereo: np.ndarray, sr: int, spec: SeparatorSpec,
                   on_progress: ProgressFn | None = None, should_cancel: CancelFn | None = None,
                   cache_dir: str | Path | None = None, segment_s: float | None = None,
                   use_cache: bool = True) -> DrumSeparation:
    """Split audio into (drums, rest), each float32 (2, n) at `sr`.

    The model runs segment by segment (`segment_s`, default the model's own, at most 7.8 s
    for htdemucs) with `OVERLAP`; progress is reported and `should_cancel` checked before
    every segment (Cancelled is raised). Results are cached in `cache_dir` (default
    default_stem_cache_dir()) per (audio sha256, model name): a second call loads them and
    does not touch the model. Returned stems are the float16-rounded cached values, so a
    first and a cached run give identical arrays.
    """
    report = on_progress or (lambda fraction, message: None)
    x = as_stereo(audio_stereo)
    folder = Path(cache_dir) if cache_dir is not None else default_stem_cache_dir()
    folder = folder / stem_cache_key(x, sr, spec.name)
    if use_cache:
        cached = _load_cached(folder, x.shape)
        if cached is not None:
            report(1.0, f"drum separation ({spec.name}) loaded from cache")
            return cached
    check_cancel(should_cancel)
    report(0.0, f"loading separation model {spec.name}")
    model = load_separation_model(spec)
    sources = run_model(model, x, sr, report, should_cancel, segment_s)
    names = list(model.sources)
    drums_idx = names.index("drums")
    drums = sources[drums_idx]
    rest = sources[[i for i in range(len(names)) if i != drums_idx]].sum(axis=0)
    stems = DrumSeparation(drums.astype(np.float16).astype(np.float32),
                           rest.astype(np.float16).astype(np.float32))
    check_cancel(should_cancel)
    note = ""
    if use_cache:
        try:
            _save_cached(folder, stems)
        except OSError as exc:  # an unwritable cache must not waste the separation
            note = f" (not cached: {exc.strerror or exc})"
    report(1.0, f"drum separation ({spec.name}) done{note}")
    return stems


def run_model(model, audio_stereo: np.ndarray, sr: int, report: ProgressFn,
              should_cancel: CancelFn | None = None, segment_s: float | None = None) -> np.ndarray:
    """Apply a demucs model segment by segment: (2, n) at sr -> (sources, 2, n) float32 at sr.

    Normalises the mix by its mean and standard deviation, as demucs.api does; shifts=0 so
    the result is deterministic.
    """
    import torch
    from demucs.apply import apply_model

    x = resample(audio_stereo, sr, model.samplerate)
    length = x.shape[-1]
    ref = x.mean(axis=0)
    mean, std = float(ref.mean()), float(ref.std()) + 1e-8
    mix = torch.from_numpy((x - mean) / std)[None]
    segment = segment_s
    limit = float(getattr(model, "max_allowed_segment", getattr(model, "segment", float("inf"))))
    if segment is not None:
        segment = min(float(segment), limit)
    own = getattr(model, "segment", None) or model.models[0].segment  # a BagOfModels has no segment
    seg_len = int(model.samplerate * float(segment if segment is not None else own))
    done = [0.0]

    def callback(info: dict) -> None:
        if info.get("state") == "start":
            check_cancel(should_cancel)
            return
        models = max(1, int(info.get("models", 1)))
        within = min(1.0, (int(info.get("segment_offset", 0)) + seg_len) / max(1, length))
        done[0] = max(done[0], (int(info.get("model_idx_in_bag", 0)) + within) / models)
        report(0.99 * done[0], f"separating drums: {100 * done[0]:.0f} %")

    with torch.no_grad():
        out = apply_model(model, mix, shifts=0, split=True, overlap=OVERLAP, segment=segment,
                          progress=False, device="cpu", callback=callback)
    sources = out[0].numpy() * std + mean  # (sources, 2, n)
    if model.samplerate != sr:
        sources = np.stack([resample(s, model.samplerate, sr) for s in sources])
        n = audio_stereo.shape[-1]
        sources = sources[..., :n] if sources.shape[-1] >= n else np.pad(
            sources, ((0, 0), (0, 0), (0, n - sources.shape[-1])))
    return np.ascontiguousarray(sources, dtype=np.float32)
