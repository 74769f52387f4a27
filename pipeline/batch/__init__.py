"""Batch machinery: the corpus runner, its executors, resume, manifest and de-duplication."""
