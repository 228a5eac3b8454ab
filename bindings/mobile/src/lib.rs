//! Mobile bindings: filled in by the Kotlin issue.
