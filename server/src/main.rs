//! Placeholder for `ruche-server`: the WebSocket hub, the event log and the
//! HTTP API are not built yet (see the README's "Status"). It only says so, so
//! that `cargo xtask run` tells a newcomer the truth instead of failing oddly.

use std::process::ExitCode;

fn main() -> ExitCode {
    let engine = ruche_shared::protocol::PROTOCOL_VERSION;
    eprintln!(
        "ruche-server: not built yet. The workshop engine (protocol v{engine}) is ready and \
         tested; the server that runs it comes next. See README.md, section \"Status\"."
    );
    ExitCode::FAILURE
}
