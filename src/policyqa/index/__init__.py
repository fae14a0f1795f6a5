"""Index stage: embedders, dense (FAISS) and sparse (BM25) indexes, manifest, build/load."""
