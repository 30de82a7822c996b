//! The user's own two-factor page: set up with a QR code and a confirming code, then make new
//! recovery codes or turn it off (password and a code).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::accounts::handlers::{LOCK_FOR, MAX_FAILURES};
use crate::accounts::two_factor::check::{CodeCheck, check_code};
use crate::accounts::two_factor::codes::{self, TotpSecret, TypedCode};
use crate::accounts::two_factor::pages::{RecoveryCodesPage, Setup, TwoFactorPage};
use crate::accounts::two_factor::queries::{self as two_factor, TwoFactorRow};
use crate::accounts::two_factor::{ENROL_PATH, open_secret, qr, seal_secret};
use crate::accounts::{passwords, queries};
use crate::audit::{self, Action, Actor};
use crate::db::DbConn;
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::pages::render_page;
use crate::http::time::show_time;
use crate::http::with_db;
use crate::state::AppState;

const WRONG_CODE: &str = "That code is not right, or was already used. Type the code your \
     authenticator app shows now.";

/// The pending secret of a user, made (and sealed) if there is none yet.
fn pending_secret(
    conn: &mut DbConn,
    state: &AppState,
    user_id: &str,
    row: Option<TwoFactorRow>,
) -> Result<TotpSecret, AppError> {
    if let Some(row) = row
        && let Ok(secret) = open_secret(&state.secret_box, user_id, &row.secret)
    {
        return Ok(secret);
    }
    let secret = TotpSecret::generate();
    two_factor::start_enrolment(
        conn,
        user_id,
        &seal_secret(&state.secret_box, user_id, &secret),
    )?;
    Ok(secret)
}

fn setup_of(secret: &TotpSecret, email: &str) -> Setup {
    let base32 = secret.base32();
    let groups: Vec<String> = base32
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect();
    Setup {
        qr_image: secret
            .otpauth_url(email)
            .and_then(|url| qr::svg_data_uri(&url)),
        secret_text: groups.join(" "),
    }
}

/// The page as this user should see it now (making a pending secret if they have none).
async fn current_page(
    user: &CurrentUser,
    state: &web::Data<AppState>,
    error: Option<String>,
) -> Result<TwoFactorPage, AppError> {
    let user_id = user.id.clone();
    let db_state = state.clone();
    let (row, codes_left, secret) = with_db(&state.db, move |conn| {
        let row = two_factor::find(conn, &user_id)?;
        if row.as_ref().is_some_and(|row| row.enabled_at.is_some()) {
            let left = two_factor::recovery_codes_left(conn, &user_id)?;
            return Ok((row, left, None));
        }
        let secret = pending_secret(conn, &db_state, &user_id, row)?;
        Ok((None, 0, Some(secret)))
    })
    .await?;
    Ok(TwoFactorPage {
        chrome: user.chrome(),
        enabled_at: row
            .and_then(|row| row.enabled_at)
            .map(|at| show_time(at, &user.time_zone)),
        codes_left,
        setup: secret.map(|secret| setup_of(&secret, &user.email)),
        required: user.two_factor_required,
        error,
    })
}

/// `GET /account/two-factor`.
pub async fn show_two_factor(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<TwoFactorPage, AppError> {
    current_page(&user, &state, None).await
}

async fn refuse(
    user: &CurrentUser,
    state: &web::Data<AppState>,
    message: &str,
) -> Result<HttpResponse, AppError> {
    let page = current_page(user, state, Some(message.to_string())).await?;
    render_page(StatusCode::UNPROCESSABLE_ENTITY, &page, None)
}

/// A form with a code.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /account/two-factor/confirm`: a right code turns two factors on; the recovery codes
/// are shown, once.
pub async fn confirm_two_factor(
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let user_id = user.id.clone();
    let row = with_db(&state.db, move |conn| Ok(two_factor::find(conn, &user_id)?)).await?;
    let Some(row) = row.filter(|row| row.enabled_at.is_none()) else {
        return Ok(flash::redirect(ENROL_PATH));
    };
    let Ok(secret) = open_secret(&state.secret_box, &user.id, &row.secret) else {
        return refuse(&user, &state, WRONG_CODE).await;
    };
    let TypedCode::Totp(code) = codes::read_code(&form.code) else {
        return refuse(
            &user,
            &state,
            "Type the 6 digits your authenticator app shows.",
        )
        .await;
    };
    let now_step = codes::step_of(codes::unix_now());
    let Some(step) = codes::accepted_step(&secret, &code, now_step, None) else {
        return refuse(&user, &state, WRONG_CODE).await;
    };
    let step = i64::try_from(step).map_err(anyhow::Error::from)?;
    let recovery = codes::new_recovery_codes();
    let hashes: Vec<String> = recovery
        .iter()
        .map(|c| codes::recovery_code_hash(c))
        .collect();
    let actor = Actor::user(&user);
    let (user_id, company_id, email) =
        (user.id.clone(), user.company_id.clone(), user.email.clone());
    let enabled = with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            if !two_factor::enable(conn, &user_id, step, &hashes)? {
                return Ok(false);
            }
            audit::record(
                conn,
                &actor,
                company_id.as_deref(),
                Action::TwoFactorEnabled,
                &email,
                "",
            )?;
            Ok(true)
        })
    })
    .await?;
    if !enabled {
        return Ok(flash::redirect(ENROL_PATH));
    }
    let page = RecoveryCodesPage {
        chrome: user.chrome(),
        heading: "Two-factor sign-in is on".to_string(),
        codes: recovery,
    };
    render_page(StatusCode::OK, &page, None)
}

/// Checks a code of the signed-in user's enabled enrolment; a wrong one counts toward the
/// lockout and is audited. `None` when two factors are not on.
async fn checked_code(
    user: &CurrentUser,
    state: &web::Data<AppState>,
    typed: String,
    allow_recovery: bool,
    doing: &'static str,
) -> Result<Option<CodeCheck>, AppError> {
    let user_id = user.id.clone();
    let secret_box = state.secret_box.clone();
    let actor = Actor::user(user);
    let (company_id, email) = (user.company_id.clone(), user.email.clone());
    with_db(&state.db, move |conn| {
        let Some(row) = two_factor::find(conn, &user_id)?.filter(|r| r.enabled_at.is_some()) else {
            return Ok(None);
        };
        let checked = check_code(conn, &secret_box, &row, &typed, allow_recovery)?;
        if !checked.accepted() {
            let locked = queries::record_failed_login(conn, &user_id, MAX_FAILURES, LOCK_FOR)?;
            let detail = if locked {
                format!("wrong code while {doing}; account locked for 15 minutes")
            } else {
                format!("wrong code while {doing}")
            };
            audit::record(
                conn,
                &actor,
                company_id.as_deref(),
                Action::SecondFactorFailed,
                &email,
                &detail,
            )?;
        }
        Ok(Some(checked))
    })
    .await
}

/// `POST /account/two-factor/recovery-codes`: ten new recovery codes (a code from the app,
/// or a recovery code, first); the old ones stop working.
pub async fn renew_recovery_codes(
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.into_inner().code;
    match checked_code(&user, &state, typed, true, "making recovery codes").await? {
        None => return Ok(flash::redirect(ENROL_PATH)),
        Some(CodeCheck::Wrong) => return refuse(&user, &state, WRONG_CODE).await,
        Some(_) => {}
    }
    let recovery = codes::new_recovery_codes();
    let hashes: Vec<String> = recovery
        .iter()
        .map(|c| codes::recovery_code_hash(c))
        .collect();
    let actor = Actor::user(&user);
    let (user_id, company_id, email) =
        (user.id.clone(), user.company_id.clone(), user.email.clone());
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            two_factor::replace_recovery_codes(conn, &user_id, &hashes)?;
            audit::record(
                conn,
                &actor,
                company_id.as_deref(),
                Action::RecoveryCodesRenewed,
                &email,
                "",
            )
        })?;
        Ok(())
    })
    .await?;
    let page = RecoveryCodesPage {
        chrome: user.chrome(),
        heading: "New recovery codes".to_string(),
        codes: recovery,
    };
    render_page(StatusCode::OK, &page, None)
}

/// The turn-off form.
#[derive(Debug, Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

/// `POST /account/two-factor/disable`: with the password and a code, two factors go off.
pub async fn disable_two_factor(
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<DisableForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let lookup = user.id.clone();
    let stored = with_db(&state.db, move |conn| {
        Ok(queries::find(conn, &CompanyScope::All, &lookup)?)
    })
    .await?;
    if !passwords::verify(form.password, Some(stored.password_hash)).await? {
        return refuse(&user, &state, "Your password is not right.").await;
    }
    match checked_code(
        &user,
        &state,
        form.code,
        true,
        "turning two-factor sign-in off",
    )
    .await?
    {
        None => return Ok(flash::redirect(ENROL_PATH)),
        Some(CodeCheck::Wrong) => return refuse(&user, &state, WRONG_CODE).await,
        Some(_) => {}
    }
    let actor = Actor::user(&user);
    let (user_id, company_id, email) =
        (user.id.clone(), user.company_id.clone(), user.email.clone());
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            two_factor::remove(conn, &user_id)?;
            audit::record(
                conn,
                &actor,
                company_id.as_deref(),
                Action::TwoFactorDisabled,
                &email,
                "",
            )
        })?;
        Ok(())
    })
    .await?;
    let message = if user.two_factor_required {
        "Two-factor sign-in is off. Your company requires it: set it up again below."
    } else {
        "Two-factor sign-in is off: signing in needs only your password."
    };
    Ok(flash::redirect_with(
        ENROL_PATH,
        FlashKind::Success,
        message,
    ))
}
