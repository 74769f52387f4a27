"""Reading inputs and writing outputs. Nothing here annotates; no stage touches a file."""
from pipeline.io.jsonl import JsonlWriter, read_records
from pipeline.io.readers import SUPPORTED_SUFFIXES, expand_inputs, read_inputs

__all__ = ["SUPPORTED_SUFFIXES", "JsonlWriter", "expand_inputs", "read_inputs", "read_records"]
