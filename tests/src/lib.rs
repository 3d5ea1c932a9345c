//! End-to-end test helpers. Empty until the server exists: the engine's own
//! tests (rules, properties, the source's two workshops) live in `shared/tests/`.
