//! QR codes a phone scans (a permit at the gate, a checkpoint on a
//! patrol), and the address it should open.

/// The base URL a phone reaches this server at (from the request).
pub(crate) fn base_url(headers: &axum::http::HeaderMap, secure: bool) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// A QR code of `data` as inline SVG (empty when it does not fit one).
pub(crate) fn qr_svg(data: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::new(data.as_bytes()) {
        Ok(code) => code
            .render::<svg::Color>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}
