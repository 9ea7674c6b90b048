"""Orchestration above the documents: `pmp build`, `pmp demo` and erasure (`pmp purge`)."""
