"""Executors: how batches of articles get annotated (a process pool, a Ray cluster), behind one registry."""
