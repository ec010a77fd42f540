//! A browser for tests: keeps cookies, finds each page's form token and sends it with forms,
//! as a real browser does with the pages' forms.

use crate::{Answer, TestApp};
use std::collections::BTreeMap;
use std::sync::Mutex;
use swforce_app::access::{Origin, Principal};
use swforce_store::TokenKind;

#[derive(Debug)]
pub struct Browser<'a> {
    pub server: &'a TestApp,
    cookies: Mutex<BTreeMap<String, String>>,
}

/// The form token in a page: a hidden field or an upload form's address.
pub fn csrf_in(html: &str) -> Option<String> {
    for marker in ["name=\"csrf\" value=\"", "?csrf="] {
        if let Some(rest) = html.split(marker).nth(1) {
            let token: String = rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
            if token.len() == 64 {
                return Some(token);
            }
        }
    }
    None
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a TestApp) -> Self {
        Self {
            server,
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&self, a: &Answer) {
        let mut jar = self.cookies.lock().unwrap();
        for (k, v) in &a.headers {
            if !k.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let pair = v.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || v.contains("Max-Age=0") {
                    jar.remove(name);
                } else {
                    jar.insert(name.to_string(), value.to_string());
                }
            }
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn get(&self, path: &str) -> Answer {
        let a = self
            .server
            .request("GET", path, &[("cookie", &self.cookie_header())], None);
        self.keep(&a);
        a
    }

    /// The form token of this browser, read from a page as a person's browser would.
    pub fn csrf(&self) -> String {
        let page = self.get("/census");
        csrf_in(&page.body).unwrap_or_else(|| panic!("no form token on /census: {}", page.body))
    }

    /// Posts a form with its token.
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(
            path,
            "application/x-www-form-urlencoded",
            serde_urlencoded::to_string(&all).unwrap().as_bytes(),
        )
    }

    /// Posts a body as it is, with this browser's cookies (and no token unless in `path`).
    pub fn post_raw(&self, path: &str, content_type: &str, body: &[u8]) -> Answer {
        let a = self.server.request(
            "POST",
            path,
            &[
                ("cookie", &self.cookie_header()),
                ("content-type", content_type),
                // As every current browser sends with a form of the page's own site.
                ("sec-fetch-site", "same-origin"),
            ],
            Some(body),
        );
        self.keep(&a);
        a
    }

    /// Uploads a file the way an upload form does, with the token in the form's address.
    pub fn post_file(
        &self,
        path: &str,
        file_name: &str,
        bytes: &[u8],
        extra: &[(&str, &str)],
    ) -> Answer {
        let boundary = "swforce-test-boundary-7d41";
        let mut body = Vec::new();
        for (k, v) in extra {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let sep = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{sep}csrf={}", self.csrf());
        self.post_raw(
            &path,
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
        )
    }

    /// Signs in through the sign-in form.
    pub fn sign_in(&self, email: &str, password: &str) -> Answer {
        self.post_form("/sign-in", &[("email", email), ("password", password)])
    }
}

/// The password every test person has.
pub const PASSWORD: &str = "granite-meadow-lantern";

impl TestApp {
    pub fn browser(&self) -> Browser<'_> {
        Browser::new(self)
    }

    /// A request with any method and headers.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Answer {
        let url = self.url(path);
        let r = match (method, body) {
            ("GET", _) => {
                let mut req = self.agent().get(&url);
                for (k, v) in headers.iter().filter(|(_, v)| !v.is_empty()) {
                    req = req.header(*k, *v);
                }
                req.call()
            }
            (_, body) => {
                let mut req = self.agent().post(&url);
                for (k, v) in headers.iter().filter(|(_, v)| !v.is_empty()) {
                    req = req.header(*k, *v);
                }
                req.send(body.unwrap_or_default())
            }
        };
        crate::answer(r)
    }

    /// The site admin, made on first use and signed in to the application directly.
    pub fn site_admin(&self) -> Principal {
        let origin = Origin::default();
        match self.app.sign_in("admin@swforce.test", PASSWORD, &origin) {
            Ok(s) => s.principal,
            Err(_) => {
                let (_, secret) = self
                    .app
                    .create_site_admin("admin@swforce.test", "Site Admin", "swforce administrators")
                    .unwrap();
                self.app
                    .set_password_with(TokenKind::Invitation, &secret, PASSWORD, PASSWORD, &origin)
                    .unwrap()
                    .principal
            }
        }
    }

    /// The organisation of this name, made (as a local authority for `la`, else a campaign) if
    /// there is none yet; its id.
    pub fn organisation(&self, name: &str, la: Option<&str>) -> i64 {
        let admin = self.site_admin();
        if let Some(o) = self
            .app
            .store()
            .organisations()
            .unwrap()
            .into_iter()
            .find(|o| o.name == name)
        {
            return o.id;
        }
        let kind = if la.is_some() {
            "local_authority"
        } else {
            "campaign"
        };
        self.app
            .create_organisation(&admin, name, kind, la.unwrap_or(""), "", &Origin::default())
            .unwrap()
            .id
    }

    /// A person in an organisation with these roles, signed in through the web form. Their
    /// account is made as if long ago, so their diaries count towards five.
    pub fn person(&self, org: i64, email: &str, roles: &[&str]) -> Browser<'_> {
        let made = self.app.store().user_by_email(email).unwrap().is_none();
        let b = self.newcomer(org, email, roles);
        if made {
            let mut u = self.app.store().user_by_email(email).unwrap().unwrap();
            u.created_at = "2020-01-06T09:00:00Z".into();
            self.app.store().update_user(&u).unwrap();
        }
        b
    }

    /// A person whose account is made now, through an invitation, signed in through the web
    /// form.
    pub fn newcomer(&self, org: i64, email: &str, roles: &[&str]) -> Browser<'_> {
        if self.app.store().user_by_email(email).unwrap().is_none() {
            let admin = self.site_admin();
            let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
            let (_, link) = self
                .app
                .invite(
                    &admin,
                    org,
                    email,
                    "Test Person",
                    &roles,
                    None,
                    "http://x",
                    &Origin::default(),
                )
                .unwrap();
            let secret = link.rsplit('/').next().unwrap();
            self.app
                .set_password_with(
                    TokenKind::Invitation,
                    secret,
                    PASSWORD,
                    PASSWORD,
                    &Origin::default(),
                )
                .unwrap();
        }
        let b = self.browser();
        let a = b.sign_in(email, PASSWORD);
        assert_eq!(a.status, 303, "sign-in: {}", a.body);
        b
    }
}

impl TestApp {
    /// A national analyst of a national body, signed in: may import statistics.
    pub fn analyst(&self) -> Browser<'_> {
        let org = self.organisation("Department for Education", None);
        self.person(org, "analyst@education.test", &["national_analyst"])
    }

    /// An API token for a person already made, with these scopes.
    pub fn token(&self, email: &str, scopes: &[&str]) -> String {
        let who = self
            .app
            .sign_in(email, PASSWORD, &Origin::default())
            .unwrap()
            .principal;
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        // Each named after its scopes and its place in the list, as live tokens' names differ.
        let made = self.app.api_tokens(&who).map_or(0, |t| t.len());
        // (Cut to fit a token's name; the place in the list keeps them apart.)
        let list: String = scopes.join(" ").chars().take(80).collect();
        let name = format!("test {list} ({made})");
        self.app
            .create_api_token(&who, &name, &scopes, 30, &Origin::default())
            .unwrap()
            .secret
    }
}
