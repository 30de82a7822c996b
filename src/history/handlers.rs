//! Handlers of the history feature.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::history::pages::WelcomePage;
use crate::http::extractors::CurrentUser;
use crate::http::flash;
use crate::http::pages::Chrome;
use crate::http::with_db;
use crate::startup::AppState;

/// `GET /`: where a visitor starts. Signed in: their company (or, for platform admins, the
/// companies). Not signed in: the login page, or on a fresh installation a page saying how
/// to create the first administrator.
pub async fn dashboard(
    user: Option<CurrentUser>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if let Some(user) = user {
        return Ok(match &user.company_slug {
            Some(slug) if !user.is_platform_admin() => {
                flash::redirect(&format!("/companies/{slug}"))
            }
            _ => flash::redirect("/companies"),
        });
    }
    let anyone = with_db(&state.db, |conn| {
        Ok(crate::accounts::queries::any_user_exists(conn)?)
    })
    .await?;
    if anyone {
        return Ok(flash::redirect("/login"));
    }
    let page = WelcomePage {
        chrome: Chrome::anonymous(),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page.render().map_err(anyhow::Error::from)?))
}
