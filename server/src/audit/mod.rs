//! Results anyone can re-count: the JSON export carries the workshop's whole
//! log under a hash chain ([`chain`]), and `ruche-server verify` ([`verify`])
//! replays it with the engine and checks every figure of the export against it.

pub mod chain;
pub mod verify;
