"""Drum sheet music from a chart: a five-line percussion staff as MusicXML (music21) and PDF."""
from app.notation.export import export_notation, notation_musicxml
from app.notation.pdf import PdfEngineError

__all__ = ["export_notation", "notation_musicxml", "PdfEngineError"]
