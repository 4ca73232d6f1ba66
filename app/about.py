"""Facts for the About box and `chart-hero --version`: versions, the model's sha256, user folders."""
from __future__ import annotations

from pathlib import Path


def model_description(path: Path | None = None) -> str:
    """'<file>: schema N, created <date>, sha256 <hex>' or 'no model' (loads torch when a model exists)."""
    from app.resources import default_model_path
    path = Path(path) if path else default_model_path()
    if not path.exists():
        return "no model"
    try:
        import datetime as dt

        from app.transcription.checkpoint import SCHEMA_VERSION, load_checkpoint
        bundle = load_checkpoint(path)
    except Exception as exc:  # an unreadable model is a fact to show, not a crash
        return f"{path.name}: unreadable ({type(exc).__name__}: {exc})"
    created = dt.datetime.fromtimestamp(bundle.created_s).strftime("%Y-%m-%d") if bundle.created_s else "?"
    version = bundle.training_summary.get("version") or f"schema {SCHEMA_VERSION}"
    return f"{path.name}: {version}, created {created}, sha256 {bundle.sha256}"


def about_lines(model: str | None = None) -> list[str]:
    """The lines `chart-hero --version` prints (and the About box shows)."""
    from app import __version__
    from app.paths import user_locations
    lines = [f"chart-hero {__version__}", f"model: {model if model is not None else model_description()}"]
    lines += [f"{what}: {where}" for what, where in user_locations()]
    return lines
