//! Any text written into an example renders without a panic, and the HTML that comes out has
//! only the tags Markdown makes, and links only to the web or email: raw HTML and script links
//! written by anyone never reach a reader's browser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swforce_domain::exchange::render_markdown;

const TAGS: &[&str] = &[
    "p", "em", "strong", "a", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre",
    "blockquote", "hr", "br", "del", "table", "thead", "tbody", "tr", "th", "td",
];

fuzz_target!(|text: &str| {
    let html = render_markdown(text);
    for tag in html.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(TAGS.contains(&name.as_str()), "tag <{name}> in {html:?}");
        let head = tag.split('>').next().unwrap_or("");
        let rest = head.trim_start_matches('/').trim_start_matches(name.as_str());
        // Attributes are `key="value"`: split on quotes, keys at even places, values at odd.
        let parts: Vec<&str> = rest.split('"').collect();
        for pair in parts.chunks(2) {
            let key = pair[0].trim().trim_end_matches('=').trim();
            if key.is_empty() || key == "/" {
                continue;
            }
            assert!(
                matches!(key, "href" | "title" | "start" | "style" | "align" | "class"),
                "attribute {key} in {html:?}"
            );
            if key == "class" {
                let v = pair.get(1).copied().unwrap_or("");
                assert!(v.starts_with("language-"), "class {v} in {html:?}");
            }
            if key == "href" {
                let v = pair.get(1).copied().unwrap_or("").to_ascii_lowercase();
                assert!(
                    v == "#" || v.starts_with("http://") || v.starts_with("https://") || v.starts_with("mailto:"),
                    "link {v} in {html:?}"
                );
            }
        }
    }
});
