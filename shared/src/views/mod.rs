//! What screens show, derived from a [`crate::Workshop`] and never stored:
//! the vote histogram, the scoring results, and who is taking part.

pub mod participation;
pub mod scoring;
pub mod visibility;
pub mod votes;
