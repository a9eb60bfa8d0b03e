"""triage-cli: level-of-care decision support for behavioral-health intake."""

__version__ = "0.1.0"
