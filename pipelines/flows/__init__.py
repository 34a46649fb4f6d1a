"""Prefect flows: collect (per source, checkpointed), score (chunked), watch (both), serve; thin tasks."""
