"""Choosing a song folder's audio: drum stem, numbered drum stems, full mix, odd names, no audio."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from app.audio.song_audio import AudioSource, find_stems, load_song_audio
from app.io.errors import ChartFileError
from audio_helpers import tone

SR = 44100


def _write(folder, name, freq=440.0, seconds=0.5, amp=0.1):
    if name.lower().endswith(".opus"):  # opus only runs at 48 kHz
        sf.write(folder / name, tone(freq, seconds, 48000, amp), 48000, format="OGG", subtype="OPUS")
    else:
        sf.write(folder / name, tone(freq, seconds, SR, amp), SR)


def test_drums_ogg_is_used_alone(tmp_path):
    for name in ("song.ogg", "guitar.ogg", "drums.ogg", "preview.ogg"):
        _write(tmp_path, name)
    song = load_song_audio(tmp_path)
    assert song.source is AudioSource.DRUM_STEM and song.source == "drum stem"
    assert [f.name for f in song.files] == ["drums.ogg"]
    assert song.description == "used drums.ogg"
    assert song.audio.dtype == np.float32 and song.audio.ndim == 1
    assert song.sample_rate_hz == SR and song.duration_s == pytest.approx(0.5, abs=0.01)
    assert song.is_drums_only


def test_numbered_drum_stems_are_mixed(tmp_path):
    for i, freq in enumerate((100, 200, 300, 400), start=1):
        _write(tmp_path, f"drums_{i}.ogg", freq, seconds=0.5 + 0.1 * i)
    _write(tmp_path, "song.ogg")
    song = load_song_audio(tmp_path)
    assert song.source is AudioSource.DRUM_STEMS and song.source == "drum stems 1-4"
    assert [f.name for f in song.files] == [f"drums_{i}.ogg" for i in range(1, 5)]
    assert song.duration_s == pytest.approx(0.9, abs=0.01)  # the longest stem
    assert song.description.startswith("mixed drums_1.ogg + drums_2.ogg")
    spectrum = np.abs(np.fft.rfft(song.audio[:SR // 2]))
    peaks_hz = sorted(np.argsort(spectrum)[-4:] * 2)  # bin width 2 Hz
    assert all(any(abs(p - f) <= 4 for p in peaks_hz) for f in (100, 200, 300, 400))


def test_drums_stem_wins_over_numbered_stems(tmp_path):
    _write(tmp_path, "drums.ogg")
    _write(tmp_path, "drums_1.ogg")
    song = load_song_audio(tmp_path)
    assert song.source is AudioSource.DRUM_STEM and [f.name for f in song.files] == ["drums.ogg"]


def test_full_mix_sums_song_and_instruments_but_not_crowd(tmp_path):
    _write(tmp_path, "song.ogg", 440, amp=0.1)
    _write(tmp_path, "guitar.ogg", 440, amp=0.2)
    _write(tmp_path, "crowd.ogg", 440, amp=0.5)
    _write(tmp_path, "preview.ogg", 440, amp=0.5)
    song = load_song_audio(tmp_path)
    assert song.source is AudioSource.FULL_MIX and not song.is_drums_only
    assert [f.name for f in song.files] == ["song.ogg", "guitar.ogg"]
    assert np.abs(song.audio).max() == pytest.approx(0.3, abs=0.02)
    assert "song.ogg + guitar.ogg" in song.description


def test_uppercase_names_and_other_extensions(tmp_path):
    _write(tmp_path, "DRUMS.WAV")
    _write(tmp_path, "Song.Opus")
    _write(tmp_path, "notes.ogg")  # not a stem name
    stems = find_stems(tmp_path)
    assert {k: v.name for k, v in stems.items()} == {"song": "Song.Opus", "drums": "DRUMS.WAV"}
    assert [f.name for f in load_song_audio(tmp_path).files] == ["DRUMS.WAV"]


def test_song_only_stereo(tmp_path):
    _write(tmp_path, "song.mp3" if "MP3" in sf.available_formats() else "song.wav")
    song = load_song_audio(tmp_path, mono=False)
    assert song.audio.shape[0] == 2 and song.description.startswith("used song.")


def test_one_stem_with_two_files_prefers_ogg(tmp_path):
    _write(tmp_path, "song.wav")
    _write(tmp_path, "song.ogg")
    assert find_stems(tmp_path)["song"].name == "song.ogg"


def test_folder_without_audio(tmp_path):
    (tmp_path / "notes.mid").write_bytes(b"MThd")
    with pytest.raises(ChartFileError) as err:
        load_song_audio(tmp_path)
    assert err.value.path == tmp_path
    assert err.value.problem == "no audio files (expected song.ogg, drums.ogg, ...)"


def test_preview_only_and_missing_folder(tmp_path):
    _write(tmp_path, "preview.ogg")
    with pytest.raises(ChartFileError, match="only preview.ogg"):
        load_song_audio(tmp_path)
    with pytest.raises(ChartFileError, match="not found"):
        load_song_audio(tmp_path / "nope")


def test_corrupt_chosen_stem_names_the_file(tmp_path):
    (tmp_path / "drums.ogg").write_bytes(b"not audio at all" * 10)
    with pytest.raises(ChartFileError) as err:
        load_song_audio(tmp_path)
    assert err.value.path == tmp_path / "drums.ogg"
