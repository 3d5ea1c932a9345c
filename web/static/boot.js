// Starts the WASM client. A file rather than an inline script, so that the
// page's Content-Security-Policy can refuse every inline script.
//
// Four bundles (ruche_shared::api::route::Bundle): creating a workshop is the
// designer's, the facilitator's console the console's, the wall the wall's;
// everything else (joining, the tablet) is the room's, so a tablet never
// downloads the facilitator's screens or the wall's.
// The address's query names the bundle when the app itself moved to the
// other one (`?bundle=…`); otherwise the fragment gives a first guess, which
// the app corrects once if it is wrong.
const bundles = ["ruche_room", "ruche_wall", "ruche_console", "ruche_designer"];
const asked = new URLSearchParams(location.search).get("bundle");
const first = (location.hash.match(/^#?\/*([a-z]+)/) || [])[1];
const guess = first === "create" ? "ruche_designer"
  : first === "facilitate" ? "ruche_console"
  : first === "wall" ? "ruche_wall"
  : "ruche_room";
const name = bundles.includes(asked) ? asked : guess;
import(`/${name}.js`).then((bundle) => bundle.default({ module_or_path: `/${name}_bg.wasm` }));
