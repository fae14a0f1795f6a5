"""Retrieval stage: hybrid dense + BM25 fused by reciprocal rank; follow-up query rewriting."""
