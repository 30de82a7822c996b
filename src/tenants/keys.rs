//! A location's AccuLynx API key (SPEC §4): save or replace it (sealed, never shown again),
//! and "Test key" against AccuLynx's company settings.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::acculynx::client::KeyCheck;
use crate::audit::{self, Action, Actor};
use crate::crypto::secret_box::{AccuLynxKey, OpenError, SecretBox};
use crate::db::DbConn;
use crate::domain::scope::CompanyScope;
use crate::effects::AfterCommit;
use crate::error::AppError;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::locations::scoped_location;
use crate::tenants::model::{KeyStatus, Location, LocationStatus};
use crate::tenants::queries;
use crate::tenants::secrets::{open_location_key, parse_acculynx_key, seal_location_key};

/// How a saved key is named in messages: by its last four characters when it may show them.
pub fn key_name(last4: Option<&str>) -> String {
    match last4 {
        Some(last4) if !last4.is_empty() => format!("the key ending in …{last4}"),
        _ => "the key".to_string(),
    }
}

/// Seals `key` for `location` and stores it, with an audit entry; call inside a write
/// transaction. The entry names the key by its last four characters only. What must follow
/// the commit: the location's cached copy dropped, and the worker woken for leads re-queued.
pub fn store_key(
    conn: &mut DbConn,
    actor: &Actor,
    secret_box: &SecretBox,
    location: &Location,
    key: &AccuLynxKey,
) -> diesel::QueryResult<AfterCommit> {
    let sealed = seal_location_key(secret_box, &location.id, key);
    let last4 = key.last4();
    queries::set_location_key(conn, &location.id, &sealed, &last4)?;
    // SPEC §7: leads held for a missing or rejected key go out once a new key is saved (a
    // paused location keeps holding them until it is resumed).
    let requeued = if location.status() == LocationStatus::Active {
        crate::leads::queue::requeue_held(conn, &location.id)?
    } else {
        0
    };
    let detail = match &location.key_last4 {
        Some(old) if location.acculynx_key.is_some() => format!(
            "{} (replaces {})",
            key_name(Some(&last4)),
            key_name(Some(old))
        ),
        _ => key_name(Some(&last4)),
    };
    audit::record(
        conn,
        actor,
        Some(&location.company_id),
        Action::KeySet,
        &location.name,
        &detail,
    )?;
    Ok(AfterCommit::nothing()
        .location_changed(&location.id)
        .leads_due(requeued > 0))
}

/// Saves a location's key (a deleted location is refused).
pub fn save_key(
    conn: &mut DbConn,
    actor: &Actor,
    secret_box: &SecretBox,
    scope: &CompanyScope,
    location_id: &str,
    key: &AccuLynxKey,
) -> Result<AfterCommit, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let location = queries::find_location(conn, scope, location_id)?;
        if location.status() == LocationStatus::Deleted {
            return Err(AppError::validation(
                "This location was deleted; it cannot take an AccuLynx key.",
            ));
        }
        Ok(store_key(conn, actor, secret_box, &location, key)?)
    })
}

/// The key form. Deliberately without `Debug`, so that nothing can print the key.
#[derive(Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    acculynx_key: String,
}

/// `POST /locations/{id}/key`: saves or replaces the AccuLynx key.
pub async fn save_location_key(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<KeyForm>,
) -> Result<HttpResponse, AppError> {
    let (location, _) = scoped_location(&user, &state, id.into_inner()).await?;
    user.require_admin()?;
    let back = format!("/locations/{}", location.id);
    let key = match parse_acculynx_key(&form.acculynx_key) {
        Ok(key) => key,
        Err(message) => return Ok(flash::redirect_with(&back, FlashKind::Error, &message)),
    };
    let name = key_name(Some(&key.last4()));
    let actor = Actor::user(&user);
    let scope = user.scope();
    let secret_box = state.secret_box.clone();
    let saved = with_db(&state.db, move |conn| {
        save_key(conn, &actor, &secret_box, &scope, &location.id, &key)
    })
    .await;
    match saved {
        Ok(after) => {
            after.apply(&state);
            Ok(flash::redirect_with(
                &back,
                FlashKind::Success,
                &format!(
                    "AccuLynx API key saved: {name}. It is stored encrypted and will not be shown \
                 again. Next: press \"Test key\" to check it with AccuLynx."
                ),
            ))
        }
        Err(AppError::Validation(message)) => {
            Ok(flash::redirect_with(&back, FlashKind::Error, &message))
        }
        Err(other) => Err(other),
    }
}

/// `POST /locations/{id}/key/test`: asks AccuLynx about the saved key and records the answer.
pub async fn test_location_key(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (location, _) = scoped_location(&user, &state, id.into_inner()).await?;
    user.require_admin()?;
    let back = format!("/locations/{}", location.id);
    let refuse = |message: &str| Ok(flash::redirect_with(&back, FlashKind::Error, message));
    if location.status() == LocationStatus::Deleted {
        return refuse("This location was deleted; it has no AccuLynx key to test.");
    }
    let Some(sealed) = location.acculynx_key.clone() else {
        return refuse(
            "This location has no AccuLynx API key yet. Paste it in the form below and save \
             it, then test it.",
        );
    };
    let key = match open_location_key(&state.secret_box, &location.id, &sealed) {
        Ok(key) => key,
        Err(OpenError::OtherMasterKey) => {
            // This server's master key is not the one the key was sealed with (a rotation
            // this process has not been restarted for): nothing is wrong with the key.
            tracing::error!(location_id = %location.id, "a stored AccuLynx key was sealed with another master key; restart with the current one");
            return refuse(
                "The saved AccuLynx key cannot be decrypted: it was sealed with another master \
                 key than the one this server runs with. If the master key was just rotated, \
                 restart this server with the new key.",
            );
        }
        Err(err) => {
            tracing::warn!(location_id = %location.id, error = %err, "a stored AccuLynx key does not open");
            let message = format!(
                "The saved AccuLynx key cannot be decrypted: {err}. Paste the key again and save it."
            );
            record_check(&state, &user, &location, &sealed, None, &message).await?;
            return refuse(&message);
        }
    };
    let check = state.acculynx.check_key(&key).await;
    let status = if check.works() {
        Some(KeyStatus::Valid)
    } else if check.rejected() {
        Some(KeyStatus::Rejected)
    } else {
        None
    };
    let message = check.message();
    let recorded = record_check(&state, &user, &location, &sealed, status, &message).await?;
    state.intake_locations.invalidate(&location.id);
    if !recorded {
        return refuse(
            "The key was replaced while it was being tested; press \"Test key\" again to test \
             the new one.",
        );
    }
    let kind = match check {
        KeyCheck::Works { .. } => FlashKind::Success,
        _ => FlashKind::Error,
    };
    Ok(flash::redirect_with(
        &back,
        kind,
        // The flash says it plainly; the page keeps the network's detail behind a disclosure.
        &format!(
            "{} {}",
            crate::acculynx::transport_words::translate(&message)
                .map_or_else(|| message.clone(), |(plain, _)| plain),
            check.next_step()
        ),
    ))
}

/// Records a test outcome unless the key was replaced meanwhile; returns whether it did.
async fn record_check(
    state: &AppState,
    user: &CurrentUser,
    location: &Location,
    tested: &[u8],
    status: Option<KeyStatus>,
    message: &str,
) -> Result<bool, AppError> {
    let actor = Actor::user(user);
    let (id, company_id, name) = (
        location.id.clone(),
        location.company_id.clone(),
        location.name.clone(),
    );
    let (tested, message) = (tested.to_vec(), message.to_string());
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            let current = queries::find_location(conn, &CompanyScope::All, &id)?;
            if current.acculynx_key.as_deref() != Some(tested.as_slice()) {
                return Ok(false);
            }
            queries::record_key_check(conn, &id, status, &message)?;
            audit::record(
                conn,
                &actor,
                Some(&company_id),
                Action::KeyTested,
                &name,
                &message,
            )?;
            Ok(true)
        })
    })
    .await
}
