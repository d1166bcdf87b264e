//! What every handler is given: the application and the server's settings
//! that shape answers. Its own module, so a handler imports it from here
//! and never from the crate's root (where the router is assembled).

use std::sync::Arc;

use lobby_app::App;

#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    /// Set the `Secure` attribute on cookies (behind HTTPS).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (see
    /// `extract::client_ip`); empty: the TCP peer is the client.
    pub trusted_proxies: Arc<Vec<ipnet::IpNet>>,
}
