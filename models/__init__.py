"""Model library: the sentence encoder, the hoax classifier and its registry (no Prefect, no web)."""
