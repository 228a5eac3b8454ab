//! Python bindings: filled in by the Python issue.
