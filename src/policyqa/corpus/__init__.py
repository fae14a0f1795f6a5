"""Corpus stage: files -> normalized text -> 公文 structure -> chunks with provenance."""
