//! The few things the screens ask of the browser: local storage, the clock,
//! random operation ids, the page's address, and HTTP calls to the server.
//! Every failure here degrades quietly (private browsing without storage still
//! works, only without surviving a reload).

use leptos::prelude::{ReadSignal, Set, signal};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// A value kept in local storage.
pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

/// Keeps a value in local storage (if the browser lets us).
pub fn save(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

/// Forgets a value kept in local storage.
pub fn forget(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

/// Where a tablet keeps its table token for a join code.
pub fn table_token_key(code: &str) -> String {
    format!("ruche.table.{code}")
}

/// Where the facilitator's browser keeps a workshop's secret.
pub fn secret_key(workshop: &str) -> String {
    format!("ruche.secret.{workshop}")
}

/// Where this browser keeps a workshop's join code for its console: the
/// console puts it in its addresses (`?w=`) from its very first connection,
/// so that a balancer sends it to the server its tablets reach.
pub fn code_key(workshop: &str) -> String {
    format!("ruche.code.{workshop}")
}

/// Where this browser lists the workshops it created: `[[id, title], …]`.
const WORKSHOPS_KEY: &str = "ruche.workshops";

/// The workshops this browser created (and still has the secret of), newest first.
pub fn my_workshops() -> Vec<(String, String)> {
    let listed: Vec<(String, String)> = load(WORKSHOPS_KEY)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    listed
        .into_iter()
        .filter(|(id, _)| load(&secret_key(id)).is_some())
        .collect()
}

/// Lists a workshop this browser just created, first.
pub fn remember_workshop(id: &str, title: &str) {
    let mut listed = my_workshops();
    listed.retain(|(known, _)| known != id);
    listed.insert(0, (id.to_owned(), title.to_owned()));
    save(
        WORKSHOPS_KEY,
        &serde_json::to_string(&listed).unwrap_or_default(),
    );
}

/// Forgets a workshop (deleted): its place in the list and its secret.
pub fn forget_workshop(id: &str) {
    let mut listed = my_workshops();
    listed.retain(|(known, _)| known != id);
    save(
        WORKSHOPS_KEY,
        &serde_json::to_string(&listed).unwrap_or_default(),
    );
    forget(&secret_key(id));
    forget(&code_key(id));
}

/// Where the landing page notes that a workshop was just created here: the
/// console then asks the facilitator to keep the link, until they say so.
pub fn keep_link_key(workshop: &str) -> String {
    format!("ruche.keep-link.{workshop}")
}

/// Puts `text` on the clipboard where the browser allows it (on `localhost`
/// or HTTPS); elsewhere (a plain `http://192.168…` page) selects the element
/// with id `id`, so that Ctrl+C copies it.
pub fn copy_or_select(text: &str, id: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into())
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null());
    let written = clipboard.is_some_and(|clipboard| {
        js_sys::Reflect::get(&clipboard, &"writeText".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .is_some_and(|write| write.call1(&clipboard, &text.into()).is_ok())
    });
    if !written {
        select_text(&window, id);
    }
}

/// Selects the text of the element with id `id`.
fn select_text(window: &web_sys::Window, id: &str) {
    let Some(document) = window.document() else {
        return;
    };
    if let (Some(element), Ok(Some(selection))) =
        (document.get_element_by_id(id), window.get_selection())
        && let Ok(range) = document.create_range()
        && range.select_node_contents(&element).is_ok()
    {
        let _ = selection.remove_all_ranges();
        let _ = selection.add_range(&range);
    }
}

/// Milliseconds since the Unix epoch, by the browser's clock.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A random operation id (128 bits, hex). `crypto.getRandomValues` works on
/// plain `http://` local addresses, where `crypto.randomUUID` does not.
pub fn new_op_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The page's origin, e.g. `http://192.168.1.10:8080`.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The address tablets open (`http://192.168.1.10:8080`): the page's own
/// origin at first, then what the server says (`GET /api/server`): the
/// facilitator's browser is often on `localhost`, which no tablet reaches.
pub fn tablet_base() -> ReadSignal<String> {
    let (base, set_base) = signal(origin());
    leptos::task::spawn_local(async move {
        let Ok(answer) = http("GET", ruche_shared::api::SERVER_INFO, None, None).await else {
            return;
        };
        if let Some(tablet_base) = json_text(&answer.body, "tablet_base") {
            set_base.set(tablet_base);
        }
    });
    base
}

/// A text field of a small JSON answer, read by the browser's own JSON
/// parser (the client's size budget: serde's code for each answer type
/// costs more than the answer is worth).
pub fn json_text(body: &str, field: &str) -> Option<String> {
    let value = js_sys::JSON::parse(body).ok()?;
    js_sys::Reflect::get(&value, &field.into())
        .ok()?
        .as_string()
}

/// Names the browser tab after its screen and workshop, « Ruche · Mur ·
/// Salle municipale », so that a facilitator with five tabs finds the wall.
pub fn title_tab(screen: &str, workshop_title: Option<String>) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&match workshop_title {
            Some(title) => format!("Ruche · {screen} · {title}"),
            None => format!("Ruche · {screen}"),
        });
    }
}

/// The WebSocket address of the server that served the page, naming the
/// workshop by its join `code` when known (for a balancer: see
/// `ruche_shared::api::websocket_path`).
pub fn websocket_url(code: Option<&str>) -> String {
    let origin = origin();
    let ws = if let Some(rest) = origin.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = origin.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        origin
    };
    format!("{ws}{}", ruche_shared::api::websocket_path(code))
}

/// The current URL fragment.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Goes to another screen (a new history entry).
pub fn navigate(fragment: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(fragment);
    }
}

/// Loads the page again with the bundle `name` for the same address (see
/// `app`): `boot.js` loads the bundle the query names, so the choice is
/// this app's (`Route::bundle`), never a guess that could disagree and loop.
pub fn switch_bundle(name: &str) {
    if let Some(window) = web_sys::window() {
        let hash = window.location().hash().unwrap_or_default();
        let _ = window.location().replace(&format!("/?bundle={name}{hash}"));
    }
}

/// Rewrites the address without a new history entry (to drop a secret from it).
pub fn replace_fragment(fragment: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(fragment));
    }
}

/// An HTTP answer: its status and body text.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Calls the server. `bearer` is the facilitator secret, sent as a header
/// (never in the URL).
pub async fn http(
    method: &str,
    path: &str,
    json_body: Option<String>,
    bearer: Option<&str>,
) -> Result<Answer, String> {
    let response = fetch(method, path, json_body, bearer).await?;
    Ok(Answer {
        status: response.status(),
        body: text_of(&response).await?,
    })
}

/// The server's answer to a request, unread.
async fn fetch(
    method: &str,
    path: &str,
    json_body: Option<String>,
    bearer: Option<&str>,
) -> Result<web_sys::Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| "headers")?;
    if let Some(body) = &json_body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&wasm_bindgen::JsValue::from_str(body));
    }
    if let Some(secret) = bearer {
        let _ = headers.set("Authorization", &format!("Bearer {secret}"));
    }
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(path, &init).map_err(|_| "request")?;
    JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| "the server cannot be reached".to_owned())?
        .dyn_into()
        .map_err(|_| "response".to_owned())
}

async fn text_of(response: &web_sys::Response) -> Result<String, String> {
    Ok(JsFuture::from(response.text().map_err(|_| "body")?)
        .await
        .map_err(|_| "body")?
        .as_string()
        .unwrap_or_default())
}

/// Downloads what `GET path` answers (with the facilitator's `bearer`) as
/// a file named `name`, whatever it is (text or a workbook's bytes: the
/// browser keeps it as it came). `Err` with the server's words otherwise.
pub async fn download(path: &str, bearer: &str, name: &str) -> Result<(), String> {
    let response = fetch("GET", path, None, Some(bearer)).await?;
    if response.status() != 200 {
        return Err(text_of(&response).await?);
    }
    let blob: web_sys::Blob = JsFuture::from(response.blob().map_err(|_| "body")?)
        .await
        .map_err(|_| "body")?
        .dyn_into()
        .map_err(|_| "body")?;
    save_blob(&blob, name)
}

/// Saves `text` as a file named `name` (a workshop's programme, as JSON).
pub fn save_text(text: &str, name: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "blob")?;
    save_blob(&blob, name)
}

/// The text of the file chosen in the file field `id`, if one is.
pub async fn read_chosen_file(id: &str) -> Result<String, String> {
    let file = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files()?.get(0))
        .ok_or("no file")?;
    JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| "the file cannot be read".to_owned())
}

/// Offers `blob` to the person as a file named `name`.
fn save_blob(blob: &web_sys::Blob, name: &str) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|_| "blob")?;
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
