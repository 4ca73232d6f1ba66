"""The metadata table: bad rows are reported with their row number and skipped; CSV and Parquet read alike."""
from __future__ import annotations

import pytest

from app.guitar.metadata import COLUMNS, read_metadata, write_metadata_csv
from app.io.errors import ChartFileError


def _row(**kw) -> dict:
    base = {"subset_id": "s", "source_audio": "a.wav", "event_index": 0, "onset_sec": 0.5, "offset_sec": 1.0,
            "duration_sec": 0.5, "pitch_midi": 60, "expression_style": "NO", "label_category": "general_note"}
    return {**base, **kw}


BAD_ROWS = [  # (row fields, words the report must contain)
    (_row(source_audio="missing.wav"), "not found"),
    (_row(onset_sec=2.0, offset_sec=1.5, duration_sec=""), "not before offset_sec"),
    (_row(label_category="tapping"), "unknown label"),
    (_row(onset_sec="abc"), "not a number"),
    (_row(offset_sec="nan"), "not a finite number"),
    (_row(duration_sec=3.0), "disagrees"),
    (_row(label_category="", expression_style=""), "unknown label"),
    (_row(is_harmonic="true"), "contradicts"),
    (_row(onset_sec=""), "onset_sec is missing"),
]


def test_bad_rows_are_reported_with_row_numbers_and_skipped(tmp_path) -> None:
    (tmp_path / "a.wav").write_bytes(b"RIFF")  # existence is checked here; decoding later
    rows = [_row(), *[r for r, _ in BAD_ROWS], _row(label_category="", expression_style="HA")]
    table = write_metadata_csv(tmp_path / "meta.csv", rows)
    meta = read_metadata(table)
    assert [e.row for e in meta.events] == [1, len(rows)]
    assert meta.events[1].label == "harmonic"  # derived from expression_style HA
    assert [p.row for p in meta.problems] == list(range(2, 2 + len(BAD_ROWS)))
    for problem, (_, words) in zip(meta.problems, BAD_ROWS):
        assert words in problem.message, problem.message
    lines = meta.report()
    assert lines[0].startswith("meta.csv row 2: audio file missing.wav not found") and lines[0].endswith("skipped")
    assert all("\n" not in line for line in lines)


def test_parquet_reads_like_csv(tmp_path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    (tmp_path / "a.wav").write_bytes(b"RIFF")
    rows = [_row(), _row(onset_sec=2.0, offset_sec=1.0, duration_sec=None), _row(event_index=2, onset_sec=1.2,
                                                                                     offset_sec=1.4, duration_sec=0.2)]
    table = pa.Table.from_pylist([{k: r.get(k) for k in COLUMNS} for r in rows])
    pq.write_table(table, tmp_path / "meta.parquet")
    meta = read_metadata(tmp_path / "meta.parquet")
    assert [e.row for e in meta.events] == [1, 3] and [p.row for p in meta.problems] == [2]
    assert meta.events[1].onset_s == pytest.approx(1.2)


def test_audio_root_and_required_columns(tmp_path) -> None:
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "a.wav").write_bytes(b"RIFF")
    table = write_metadata_csv(tmp_path / "meta.csv", [_row()])
    assert not read_metadata(table).events
    assert len(read_metadata(table, audio_root=tmp_path / "audio").events) == 1
    (tmp_path / "bad.csv").write_text("source_audio,onset_sec\na.wav,1\n")
    with pytest.raises(ChartFileError, match="lacks the column"):
        read_metadata(tmp_path / "bad.csv")
    with pytest.raises(ChartFileError, match="no such metadata table"):
        read_metadata(tmp_path / "none.csv")
