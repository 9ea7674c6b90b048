"""PMP prevention programme toolkit: forms, intake, documents for Latvian municipalities."""

__version__ = "0.1.0"
