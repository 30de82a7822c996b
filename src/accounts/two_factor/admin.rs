//! What admins do about two factors: a platform admin resets a user's (a lost phone, no
//! recovery code left); a company's admins (and platform admins) require it for the company.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::accounts::queries;
use crate::accounts::two_factor::queries as two_factor;
use crate::audit::{self, Action, Actor};
use crate::error::AppError;
use crate::http::confirm::{ConfirmField, ConfirmPage};
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::companies::scoped_company;
use crate::tenants::queries as tenants;

/// `POST /users/{id}/two-factor/reset` (platform admins): the user's authenticator and
/// recovery codes stop working and their sessions end; the next sign-in asks only for the
/// password (and, if their company requires it, sends them to set it up again).
pub async fn reset_two_factor(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ConfirmField>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope();
    let id = id.into_inner();
    // Found in the caller's scope first: another company's user is a 404 for anyone.
    let (target, slug, enabled) = with_db(&state.db, move |conn| {
        let target = queries::find(conn, &scope, &id)?;
        let slug = match &target.company_id {
            Some(company_id) => Some(tenants::find_company(conn, company_id)?.slug),
            None => None,
        };
        let enabled = two_factor::is_enabled(conn, &target.id)?;
        Ok((target, slug, enabled))
    })
    .await?;
    user.require_platform_admin()?;
    let back = slug.map_or_else(
        || "/companies".to_string(),
        |slug| format!("/companies/{slug}/users"),
    );
    if !enabled {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            &format!("{} has no two-factor sign-in to reset.", target.email),
        ));
    }
    if !form.given() {
        return ConfirmPage::new(
            user.chrome(),
            format!("Reset the two-factor sign-in of {}?", target.email),
            format!("/users/{}/two-factor/reset", target.id),
        )
        .saying(
            "Their authenticator app and their recovery codes stop working, and they are \
             signed out everywhere. Their next sign-in asks only for the password; if their \
             company requires two-factor sign-in, they set it up again at once.",
        )
        .saying("Do this only once you are sure who asked: whoever has their password can then sign in.")
        .button("Reset two-factor sign-in")
        .cancel_to(back)
        .answer();
    }
    let actor = Actor::user(&user);
    let message = format!(
        "The two-factor sign-in of {} was reset; they were signed out.",
        target.email
    );
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            two_factor::remove(conn, &target.id)?;
            queries::end_sessions_of(conn, &target.id)?;
            audit::record(
                conn,
                &actor,
                target.company_id.as_deref(),
                Action::TwoFactorReset,
                &target.email,
                "authenticator and recovery codes removed; sessions ended",
            )
        })?;
        Ok(())
    })
    .await?;
    Ok(flash::redirect_with(&back, FlashKind::Success, &message))
}

/// The requirement form.
#[derive(Debug, Deserialize)]
pub struct RequirementForm {
    #[serde(default)]
    require: String,
}

/// `POST /companies/{slug}/two-factor` (the company's admins, platform admins): `require=yes`
/// makes every user of the company sign in with two factors; anything else stops requiring it.
pub async fn set_company_requirement(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: web::Form<RequirementForm>,
) -> Result<HttpResponse, AppError> {
    let company = scoped_company(&user, &state, slug.into_inner()).await?;
    user.require_admin()?;
    let require = form.require == "yes";
    let actor = Actor::user(&user);
    let (id, name) = (company.id.clone(), company.name.clone());
    let detail = if require { "required" } else { "not required" };
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            two_factor::set_company_requirement(conn, &id, require)?;
            audit::record(
                conn,
                &actor,
                Some(&id),
                Action::CompanyTwoFactorChanged,
                &name,
                detail,
            )
        })?;
        Ok(())
    })
    .await?;
    let message = if require {
        "Two-factor sign-in is now required: users who have not set it up are sent to do so \
         before anything else."
    } else {
        "Two-factor sign-in is no longer required; users who set it up keep it."
    };
    Ok(flash::redirect_with(
        &format!("/companies/{}", company.slug),
        FlashKind::Success,
        message,
    ))
}
