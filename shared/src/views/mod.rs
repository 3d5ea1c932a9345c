//! What screens show across methods, derived from a [`crate::Workshop`] and
//! never stored: who is taking part, and who may see what. Each method's own
//! results view lives in its folder (`methods/<method>/`).

pub mod participation;
pub mod visibility;
