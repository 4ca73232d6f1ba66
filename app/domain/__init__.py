"""The chart model: pure Python (no Qt, no torch); musical time is integer ticks."""
