"""Scoring our stages against gold data (``zhnews eval``)."""
