"""A naive transcription baseline (librosa onsets + band-energy rules), to show what the model adds."""
from __future__ import annotations

import numpy as np

from app.transcription.activations import DrumHit

BANDS_HZ = {"low": (30, 150), "lowmid": (150, 500), "mid": (500, 3000), "high": (5000, 16000)}


def transcribe_baseline(audio: np.ndarray, sr: int = 44100) -> list[DrumHit]:
    """Onsets from librosa's spectral-flux detector; each onset labelled by which bands rise:
    low -> kick, mid + high -> snare, low-mid alone -> tom, high alone -> hi-hat (crash if it rings)."""
    import librosa

    hop, n_fft = 256, 2048
    onsets = librosa.onset.onset_detect(y=audio, sr=sr, hop_length=hop, units="frames", backtrack=False)
    spec = np.abs(librosa.stft(audio, n_fft=n_fft, hop_length=hop)) ** 2
    freqs = librosa.fft_frequencies(sr=sr, n_fft=n_fft)
    band = {k: spec[(freqs >= lo) & (freqs < hi)].sum(axis=0) + 1e-10 for k, (lo, hi) in BANDS_HZ.items()}
    hits: list[DrumHit] = []
    n = spec.shape[1]
    for f in onsets:
        pre = slice(max(0, f - 4), max(1, f - 1))
        post = slice(f, min(n, f + 6))
        rise = {k: 10 * np.log10(v[post].max() / (v[pre].mean() + 1e-10)) for k, v in band.items()}
        ring = 10 * np.log10(band["high"][min(n - 1, f + 40)] / (band["high"][post].max()))
        t = float(f * hop / sr)
        labels = []
        if rise["low"] > 6 and band["low"][post].max() > band["lowmid"][post].max():
            labels.append("kick")
        if rise["mid"] > 6 and rise["high"] > 4:
            labels.append("snare_head")
        elif rise["lowmid"] > 6 and "kick" not in labels:
            labels.append("tom_mid")
        if rise["high"] > 6 and "snare_head" not in labels:
            labels.append("crash" if ring > -12 else "hihat_closed")
        if not labels:
            labels.append(max(("kick", rise["low"]), ("snare_head", rise["mid"]), ("hihat_closed", rise["high"]),
                              key=lambda kv: kv[1])[0])
        hits.extend(DrumHit(t, lab, 0.5) for lab in labels)
    return hits
