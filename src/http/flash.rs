//! One-time messages shown on the page after a redirect ("Location created"). Carried in a
//! short-lived cookie; the text is plain and always escaped by the template.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use crate::http::pages::Flash;

const COOKIE: &str = "lr_flash";

/// A 303 redirect to `location` that shows `message` there.
pub fn redirect_with(location: &str, kind: FlashKind, message: &str) -> HttpResponse {
    let value = format!("{}:{}", kind.as_str(), message);
    let cookie = Cookie::build(COOKIE, urlencode(&value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(Duration::seconds(60))
        .finish();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .cookie(cookie)
        .finish()
}

/// A plain 303 redirect.
pub fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// The flash kinds.
#[derive(Debug, Clone, Copy)]
pub enum FlashKind {
    /// Something worked.
    Success,
    /// Something did not.
    Error,
}

impl FlashKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Error => "error",
        }
    }
}

/// The message carried by this request, if any.
pub fn take(req: &HttpRequest) -> Option<Flash> {
    let cookie = req.cookie(COOKIE)?;
    let decoded: String = url::form_urlencoded::parse(format!("v={}", cookie.value()).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())?;
    let (kind, message) = decoded.split_once(':')?;
    let kind = match kind {
        "success" => "success",
        _ => "error",
    };
    Some(Flash {
        kind,
        message: message.chars().take(500).collect(),
    })
}

/// Middleware helper: the cookie that removes a flash once shown.
pub fn removal_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::build(COOKIE, "").path("/").finish();
    cookie.make_removal();
    cookie
}

/// Whether the request carries a flash (so the response should remove it).
pub fn present(req: &HttpRequest) -> bool {
    req.cookie(COOKIE).is_some()
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Middleware: once a page has shown the flash, remove its cookie.
pub async fn clear_shown_flash(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let had_flash = present(req.request());
    let mut response = next.call(req).await?;
    if had_flash && response.status().is_success() {
        let sets_new = response
            .headers()
            .get_all(header::SET_COOKIE)
            .any(|value| value.to_str().is_ok_and(|v| v.starts_with(COOKIE)));
        if !sets_new {
            response.response_mut().add_cookie(&removal_cookie())?;
        }
    }
    Ok(response)
}
