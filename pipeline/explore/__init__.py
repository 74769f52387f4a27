"""Exploration: terminal and Jupyter rendering, the run report, the HTML corpus report, the entity index."""
