//! Placeholder for `ruche-web`, the Leptos client (see the README's "Status").
//! It links the engine already, so the wasm32 build of the rules the client
//! will reuse is checked from the start.

pub use ruche_shared as rules;
