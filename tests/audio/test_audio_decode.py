"""Decoding every writable format, resampling, info, writing, and one-line errors for bad files."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from app.audio.decode import audio_info, load_audio, resample, write_audio
from app.io.errors import ChartFileError
from audio_helpers import tone

FORMATS = [
    ("wav", {}),
    ("flac", {}),
    ("ogg", {"format": "OGG", "subtype": "VORBIS"}),
    ("opus", {"format": "OGG", "subtype": "OPUS"}),
    ("mp3", {"format": "MP3", "subtype": "MPEG_LAYER_III"}),
]


def _writable(ext: str, kw: dict) -> bool:
    fmt = kw.get("format", ext.upper())
    return fmt in sf.available_formats() and kw.get("subtype", "PCM_16") in set(sf.available_subtypes(fmt)) | {"PCM_16"}


@pytest.mark.parametrize("ext,kw", FORMATS, ids=[f[0] for f in FORMATS])
def test_decodes_each_format_to_44k1(tmp_path, ext, kw):
    if not _writable(ext, kw):
        pytest.skip(f"libsndfile here cannot write {ext}")
    path = tmp_path / f"a.{ext}"
    sf.write(path, tone(440, 1.0, sr=48000, channels=2), 48000, **kw)
    mono = load_audio(path)
    stereo = load_audio(path, mono=False)
    assert mono.dtype == np.float32 and mono.ndim == 1
    assert stereo.shape[0] == 2 and stereo.dtype == np.float32
    assert abs(mono.size - 44100) < 44100 * 0.05  # codec padding may add a few ms
    spectrum = np.abs(np.fft.rfft(mono[:32768]))
    assert abs(np.argmax(spectrum) * 44100 / 32768 - 440) < 3
    info = audio_info(path)
    assert info.sample_rate_hz == 48000 and info.channels == 2
    assert info.duration_s == pytest.approx(1.0, abs=0.05)


def test_resampling_keeps_pitch_and_length(tmp_path):
    path = tmp_path / "a.wav"
    sf.write(path, tone(1000, 2.0, sr=22050), 22050)
    x = load_audio(path, sample_rate=44100)
    assert x.size == 88200
    assert abs(np.argmax(np.abs(np.fft.rfft(x))) * 44100 / x.size - 1000) < 1
    assert resample(np.zeros((2, 48000), np.float32), 48000, 44100).shape == (2, 44100)


def test_mono_file_loads_as_stereo_when_asked(tmp_path):
    path = tmp_path / "m.wav"
    sf.write(path, tone(), 44100)
    x = load_audio(path, mono=False)
    assert x.shape == (2, 44100) and np.array_equal(x[0], x[1])


@pytest.mark.parametrize("name,content,problem", [
    ("missing.ogg", None, "not found"),
    ("empty.ogg", b"", "empty"),
    ("corrupt.ogg", b"OggS" + b"\x00garbage" * 200, "cannot decode"),
    ("corrupt.wav", b"RIFF" + b"\x01" * 500, "cannot decode"),
    ("corrupt.mp3", b"\x00not an mp3" * 300, "cannot decode"),
    ("notes.txt", b"hello", "unsupported"),
])
def test_bad_files_raise_one_line_chart_file_error(tmp_path, name, content, problem):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ChartFileError) as err:
        load_audio(path)
    assert err.value.path == path
    assert problem in err.value.problem and "\n" not in str(err.value)
    if content is not None and name.endswith(".ogg"):
        with pytest.raises(ChartFileError):
            audio_info(path)


def test_file_without_samples_is_an_error(tmp_path):
    path = tmp_path / "silent.wav"
    sf.write(path, np.zeros((0, 2), np.float32), 44100)
    with pytest.raises(ChartFileError, match="no audio samples"):
        load_audio(path)


@pytest.mark.parametrize("ext", ["ogg", "wav", "flac"])
def test_write_audio_round_trip_and_atomic(tmp_path, ext):
    path = tmp_path / f"out.{ext}"
    audio = np.stack([tone(440, 1.0), tone(660, 1.0)])
    assert write_audio(path, audio, 44100) == path
    back = load_audio(path, mono=False)
    assert back.shape[0] == 2 and abs(back.shape[1] - 44100) < 2000
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left behind
    with pytest.raises(ChartFileError):
        write_audio(tmp_path / "out.aac", audio, 44100)
