//! The world a run plays in: the sites, the people signed in, the pages' sessions.

#[allow(unused_imports)]
use super::*;

/// What every client shares: tokens per role, the site and its ids.
pub(crate) struct World {
    pub(crate) base: String,
    pub(crate) http: reqwest::Client,
    pub(crate) tokens: BTreeMap<&'static str, String>,
    /// The front desk's browser session (pages take a session cookie, not
    /// an API token).
    pub(crate) desk_session: String,
    pub(crate) site: i64,
    pub(crate) units: Vec<i64>,
    pub(crate) tickets: Vec<i64>,
    pub(crate) month: (String, String),
    pub(crate) user: String,
    pub(crate) password: String,
}

impl World {
    pub(crate) fn token(&self, role: &str) -> &str {
        self.tokens.get(role).map(String::as_str).unwrap_or("")
    }
}

pub(crate) const ROLES: [&str; 4] = [
    "front_desk",
    "engineering",
    "field_assistant",
    "cs_supervisor",
];

pub(crate) fn loopback_only(url: &str) -> Result<()> {
    let u = reqwest::Url::parse(url).context("--url")?;
    match u.host_str() {
        Some("127.0.0.1") | Some("localhost") | Some("[::1]") | Some("::1") => Ok(()),
        other => bail!("--url must be on loopback (127.0.0.1, localhost, ::1), not {other:?}"),
    }
}

/// Signs in through the sign-in form (its CSRF token rides in a cookie and
/// the form) and returns the session cookie's value.
pub(crate) async fn web_sign_in(
    http: &reqwest::Client,
    base: &str,
    user: &str,
    pw: &str,
) -> Result<String> {
    let cookie_value = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.split(';').next())
            .map(str::to_string)
    };
    let page = http.get(format!("{base}/login")).send().await?;
    let csrf_cookie =
        cookie_value(&page, "lobby_login_csrf").ok_or_else(|| anyhow!("no sign-in cookie"))?;
    let body = page.text().await?;
    let csrf = body
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .ok_or_else(|| anyhow!("no CSRF token on the sign-in page"))?
        .to_string();
    let r = http
        .post(format!("{base}/login"))
        .header("cookie", format!("lobby_login_csrf={csrf_cookie}"))
        .form(&[
            ("username", user),
            ("password", pw),
            ("next", "/"),
            ("_csrf", csrf.as_str()),
        ])
        .send()
        .await?;
    cookie_value(&r, "lobby_session")
        .ok_or_else(|| anyhow!("the sign-in form did not sign {user} in ({})", r.status()))
}

pub(crate) async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    user: &str,
    pw: &str,
) -> Result<Value> {
    let r = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": user, "password": pw}))
        .send()
        .await?;
    let status = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("cannot sign in as {user}: {status} {body}");
    }
    Ok(body)
}

pub(crate) async fn get_json(http: &reqwest::Client, url: String, token: &str) -> Result<Value> {
    let r = http.get(&url).bearer_auth(token).send().await?;
    let status = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("GET {url}: {status} {body}");
    }
    Ok(body)
}

pub(crate) async fn setup(a: &RunArgs, prefix: &str) -> Result<World> {
    loopback_only(&a.url)?;
    let base = a.url.trim_end_matches('/').to_string();
    // Redirects are not followed: a page that sends the client to the
    // sign-in page is an error, not a fast 200.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(a.clients * 2)
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let mut tokens = BTreeMap::new();
    let mut site = None;
    for role in ROLES {
        let user = format!("{prefix}{role}");
        let body = sign_in(&http, &base, &user, &a.password).await?;
        let token = body["token"]
            .as_str()
            .ok_or_else(|| anyhow!("no token for {user}"))?
            .to_string();
        if site.is_none() {
            site = body["user"]["grants"][0]["site_id"].as_i64();
        }
        tokens.insert(role, token);
    }
    let site = site.ok_or_else(|| anyhow!("the front desk account holds no site"))?;
    let desk = tokens.get("front_desk").cloned().unwrap_or_default();
    let desk_session =
        web_sign_in(&http, &base, &format!("{prefix}front_desk"), &a.password).await?;
    let units: Vec<i64> = get_json(
        &http,
        format!("{base}/api/v1/units?site_id={site}&limit=200"),
        &desk,
    )
    .await?["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|u| u["id"].as_i64()).collect())
        .unwrap_or_default();
    if units.is_empty() {
        bail!("site {site} has no units");
    }
    // Ticket ids to view: up to 2,000 of the site's, newest first.
    let mut tickets = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let mut url = format!("{base}/api/v1/tickets?site_id={site}&limit=200");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page = get_json(&http, url, &desk).await?;
        tickets.extend(
            page["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["id"].as_i64()),
        );
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    // The load tool runs outside the product: wall-clock today is what it means.
    #[allow(clippy::disallowed_methods)]
    let today = jiff::Zoned::now().date();
    let first = today.first_of_month();
    let last_month = first.checked_sub(jiff::ToSpan::months(1))?;
    let month = (last_month.to_string(), first.yesterday()?.to_string());
    Ok(World {
        base,
        http,
        tokens,
        desk_session,
        site,
        units,
        tickets,
        month,
        user: format!("{prefix}front_desk"),
        password: a.password.clone(),
    })
}
