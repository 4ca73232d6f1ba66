"""Audio: decoding, song-folder stems, loudness, waveform peaks, display spectrogram, drum separation (no Qt)."""
