//! What every page form shares: the refusal a form shows (`FormError`) and
//! the one way a handler ends ([`OnForm::on_form`]: done, draw the form again
//! with the refusal, or the error page), reading numbers and multipart
//! uploads.

use axum::response::{IntoResponse, Response};
use lobby_app::{Actor, AppError};

use super::{error_page, PageError};

/// A form with nothing but its CSRF token (a button that does one thing).
#[derive(serde::Deserialize)]
pub struct Empty {}

/// A form field's error, shown beside it: the field it names, the error's
/// code and the API's (English) message. A page shows it through
/// [`Chrome::refused`], in the reader's language.
#[derive(Default, Debug, Clone)]
pub struct FormError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FormError {
    pub fn from_app(e: &AppError) -> Option<Self> {
        match e {
            AppError::Invalid { field, message } | AppError::Duplicate { field, message } => {
                Some(FormError {
                    field: field.clone(),
                    code: e.code().to_string(),
                    message: message.clone(),
                })
            }
            AppError::VersionConflict => Some(FormError {
                field: "form".into(),
                code: e.code().to_string(),
                message: e.to_string(),
            }),
            _ => None,
        }
    }

    /// A refusal shown on the form: the field it names, else the whole form.
    pub fn refusal(e: &AppError) -> Self {
        Self::from_app(e).unwrap_or_else(|| FormError {
            field: "form".into(),
            code: e.code().to_string(),
            message: e.to_string(),
        })
    }
}

/// A fresh key for a create form (sent back as `_key`).
pub fn form_key() -> String {
    use rand::Rng;
    format!("form-{:032x}", rand::thread_rng().gen::<u128>())
}

/// A place of this site to go back to: a path of safe characters only
/// (letters, digits and `/-_.~?=&%+,#:@!*'();`), never `//host` nor
/// `/\\host`; anything else is home. A tab, a newline or a backslash, which
/// browsers may read as part of a scheme-relative URL or a header, never
/// passes.
pub fn safe_next(n: Option<&str>) -> String {
    match n {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && p.len() <= 2048
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/-_.~?=&%+,#:@!*'();".contains(&b)) =>
        {
            p.to_string()
        }
        _ => "/".into(),
    }
}

/// How a form handler ends. The use case's answer splits three ways:
/// `Ok(Ok(v))` it was done (redirect), `Ok(Err(refusal))` a refusal the
/// form shows (draw the page again with it, 422), `Err(page)` anything
/// else, which `?` turns into the error page in the reader's language:
///
/// ```ignore
/// match use_case(&s.app, &c.actor, &input).await.on_form()? {
///     Ok(v) => Ok(see(&format!("/things/{}", v.id))),
///     Err(refusal) => list_with(&s, c, Some(refusal)).await,
/// }
/// ```
pub trait OnForm<T> {
    fn on_form(self) -> Result<Result<T, FormError>, PageError>;
}

impl<T> OnForm<T> for Result<T, AppError> {
    fn on_form(self) -> Result<Result<T, FormError>, PageError> {
        match self {
            Ok(v) => Ok(Ok(v)),
            Err(e) => match FormError::from_app(&e) {
                Some(fe) => Ok(Err(fe)),
                None => Err(PageError(e)),
            },
        }
    }
}

/// What kind of refusal an English message is, as a catalogue key
/// (`refuse.required` …): the Chinese page says that, by the field's name,
/// instead of printing the API's English.
pub fn reason_key(code: &str, message: &str) -> String {
    let m = message.to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|w| m.contains(w));
    let kind = match code {
        "duplicate" => "duplicate",
        "version_conflict" => "version",
        "invalid_input" if has(&["waits for a second person"]) => "second_person",
        "invalid_input" if has(&["inside the server's network"]) => "inside",
        "invalid_input"
            if has(&[
                "more than can be billed",
                "more than a line",
                "more than a statement",
            ]) =>
        {
            "too_large"
        }
        "invalid_input"
            if has(&[
                "required", "say ", "give ", "choose ", "needs ", "is empty", "empty",
            ]) =>
        {
            "required"
        }
        "invalid_input" if has(&["whole number", "a number", "minutes as"]) => "number",
        "invalid_input" if has(&["date", "time like", "a time", "rfc 3339"]) => "date",
        "invalid_input" if has(&["at most", "too long", "longer", "too many", "spans"]) => {
            "too_long"
        }
        "invalid_input" if has(&["no such", "unknown", "not one", "not a "]) => "unknown",
        "invalid_input" if has(&["must be", " is 1", "–", " to "]) => "range",
        "invalid_input" if has(&["archived", "expired", "closed", "already"]) => "state",
        "invalid_input" if has(&["jpeg", "png", "photo", "image", "file"]) => "file",
        "invalid_input" => "invalid",
        _ => return format!("error.{code}"),
    };
    format!("refuse.{kind}")
}

/// `""` for None, for template inputs.
pub fn or_empty(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// A phone number as a `tel:` address (`021-5432 8866` → `tel:021-54328866`):
/// digits, `+`, `-` only, so a tap on a phone dials it.
pub fn tel(phone: &str) -> String {
    let dial: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '+' | '-'))
        .collect();
    format!("tel:{dial}")
}

/// Reads a multipart form: its text fields and its files (`file`, any
/// number), checking the CSRF token.
pub async fn read_multipart(
    a: &Actor,
    mp: &mut axum::extract::Multipart,
) -> Result<(Vec<(String, String)>, Vec<Vec<u8>>), Response> {
    let (fields, files) = read_multipart_named(a, mp).await?;
    Ok((fields, files.into_iter().map(|(_, b)| b).collect()))
}

/// Reads a multipart form whose files are named (`file`, or `file_<id>`
/// for a row's photo): its text fields and its non-empty files with their
/// names, checking the CSRF token.
pub async fn read_multipart_named(
    a: &Actor,
    mp: &mut axum::extract::Multipart,
) -> Result<(Vec<(String, String)>, Vec<(String, Vec<u8>)>), Response> {
    let mut fields = Vec::new();
    let mut files = Vec::new();
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                if name == "file" || name.starts_with("file_") {
                    match field.bytes().await {
                        Ok(b) if !b.is_empty() => files.push((name, b.to_vec())),
                        Ok(_) => {}
                        Err(_) => return Err(error_page(Some(a), AppError::PayloadTooLarge)),
                    }
                } else {
                    let v = field.text().await.unwrap_or_default();
                    fields.push((name, v));
                }
            }
            Ok(None) => break,
            Err(_) => return Err(error_page(Some(a), AppError::PayloadTooLarge)),
        }
    }
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str());
    crate::extract::check_csrf(a, csrf).map_err(IntoResponse::into_response)?;
    Ok((fields, files))
}

/// Reads a multipart photo form (`_csrf`, `file`), checking the CSRF token.
pub async fn read_upload(
    a: &Actor,
    mp: &mut axum::extract::Multipart,
) -> Result<Vec<u8>, Response> {
    let (_, mut files) = read_multipart(a, mp).await?;
    Ok(files.pop().unwrap_or_default())
}

/// A whole number typed into a form field. One that is not a number is
/// refused naming the field; it never becomes a default.
pub fn number<T: std::str::FromStr>(field: &str, v: &str) -> Result<T, AppError> {
    v.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, format!("{field} must be a whole number")))
}

/// Like [`number`], for a field that may be left empty.
pub fn number_opt<T: std::str::FromStr>(field: &str, v: &str) -> Result<Option<T>, AppError> {
    match v.trim() {
        "" => Ok(None),
        t => number(field, t).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::reason_key;

    #[test]
    fn an_english_refusal_becomes_a_kind_of_mistake() {
        let k = |m| reason_key("invalid_input", m);
        assert_eq!(k("username is required"), "refuse.required");
        assert_eq!(k("say which vendor"), "refuse.required");
        assert_eq!(k("headcount must be a whole number"), "refuse.number");
        assert_eq!(k("day must be a date like 2026-11-26"), "refuse.date");
        assert_eq!(k("at most 6 photos a checkpoint"), "refuse.too_long");
        assert_eq!(k("no such floor at this site"), "refuse.unknown");
        assert_eq!(k("score must be 0–100"), "refuse.range");
        assert_eq!(k("this route is archived"), "refuse.state");
        assert_eq!(k("something else"), "refuse.invalid");
        assert_eq!(reason_key("duplicate", "x"), "refuse.duplicate");
        assert_eq!(
            reason_key("invalid_transition", "x"),
            "error.invalid_transition"
        );
    }
}

/// A text field of a multipart form as read by [`read_multipart`] (`""`
/// when absent).
pub fn field(fields: &[(String, String)], k: &str) -> String {
    fields
        .iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// A photo's address query: `?thumb=1` asks for its 320-pixel thumbnail.
#[derive(serde::Deserialize, Default)]
pub struct PhotoQ {
    thumb: Option<String>,
}

impl PhotoQ {
    pub fn thumb(&self) -> bool {
        self.thumb.as_deref().is_some_and(|t| !t.is_empty())
    }
}

/// An image as the answer.
pub fn image((content_type, bytes): (String, Vec<u8>)) -> Response {
    ([(axum::http::header::CONTENT_TYPE, content_type)], bytes).into_response()
}
