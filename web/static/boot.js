// Starts the WASM client. A file rather than an inline script, so that the
// page's Content-Security-Policy can refuse every inline script.
import init from "/ruche_web.js";
init({ module_or_path: "/ruche_web_bg.wasm" });
