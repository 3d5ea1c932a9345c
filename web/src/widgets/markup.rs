//! Screens drawn as one string of markup rather than as Leptos views (the
//! spider web, the journey map): a string builder is a few hundred bytes of
//! every tablet's download, a view per shape about ten KiB. Every text that
//! goes into such a string goes through [`escape`].

/// `text` safe inside an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => safe.push_str("&amp;"),
            '<' => safe.push_str("&lt;"),
            '>' => safe.push_str("&gt;"),
            '"' => safe.push_str("&quot;"),
            '\'' => safe.push_str("&#39;"),
            c => safe.push(c),
        }
    }
    safe
}
