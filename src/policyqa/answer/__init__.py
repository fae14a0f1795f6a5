"""Answer stage: question typing, extractive composition, refusal, citation verification."""
