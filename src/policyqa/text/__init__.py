"""Text stage: normalization, aliases and tokenization shared by corpus and queries."""
