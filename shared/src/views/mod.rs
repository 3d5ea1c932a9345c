//! What screens show across methods, derived from a [`crate::Workshop`] and
//! never stored: who is taking part, who may see what, and the workshop as
//! one audience sees it (the snapshot sent to a client and the one stored). Each method's own
//! results view lives in its folder (`methods/<method>/`).

pub mod participation;
pub mod visibility;
pub mod workshop_view;
