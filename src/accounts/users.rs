//! A company's users: list, add with a role, change role, reset password, remove.

use crate::http::pages::render_page;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::accounts::model::{NewUser, Role, User, is_plausible_email, normalize_email};
use crate::accounts::pages::{NewPasswordPage, UserRow, UsersPage};
use crate::accounts::{passwords, queries};
use crate::audit::{self, Action, Actor};
use crate::crypto::password;
use crate::db::DbConn;
use crate::error::AppError;
use crate::http::confirm::{ConfirmField, ConfirmPage};
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::time::show_time;
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::model::Company;
use crate::tenants::queries as tenants;

fn rows(user: &CurrentUser, users: Vec<User>, two_factor: &[String]) -> Vec<UserRow> {
    users
        .into_iter()
        .map(|u| {
            let role = u.role();
            UserRow {
                is_self: u.id == user.id,
                two_factor: two_factor.contains(&u.id),
                last_login: u.last_login_at.map(|at| show_time(at, &user.time_zone)),
                id: u.id,
                email: u.email,
                role: role.as_str(),
                role_label: role.label(),
            }
        })
        .collect()
}

fn page(
    user: &CurrentUser,
    company: Company,
    (users, two_factor): (Vec<User>, Vec<String>),
    email: String,
    error: Option<String>,
) -> UsersPage {
    UsersPage {
        chrome: user.chrome(),
        can_manage: user.is_admin(),
        can_reset_two_factor: user.is_platform_admin(),
        requires_two_factor: company.require_two_factor,
        users: rows(user, users, &two_factor),
        slug: company.slug,
        company_name: company.name,
        email,
        error,
    }
}

/// A company's users, and which of them sign in with two factors.
fn list_with_two_factor(
    conn: &mut DbConn,
    company_id: &str,
) -> diesel::QueryResult<(Vec<User>, Vec<String>)> {
    Ok((
        queries::list_for_company(conn, company_id)?,
        crate::accounts::two_factor::queries::enabled_in_company(conn, company_id)?,
    ))
}

/// `GET /companies/{slug}/users`.
pub async fn list_users(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<UsersPage, AppError> {
    let scope = user.scope();
    let (company, users) = with_db(&state.db, move |conn| {
        let company = tenants::find_company_by_slug(conn, &scope, &slug)?;
        let users = list_with_two_factor(conn, &company.id)?;
        Ok((company, users))
    })
    .await?;
    Ok(page(&user, company, users, String::new(), None))
}

/// The add-user form.
#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    email: String,
    role: String,
}

/// `POST /companies/{slug}/users`: adds a user with a generated password, shown once.
pub async fn create_user(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope();
    let slug = slug.into_inner();
    let lookup_slug = slug.clone();
    let company = with_db(&state.db, move |conn| {
        Ok(tenants::find_company_by_slug(conn, &scope, &lookup_slug)?)
    })
    .await?;
    user.require_admin()?;
    let form = form.into_inner();
    let email = normalize_email(&form.email);
    let role = Role::parse(&form.role).filter(|role| Role::COMPANY.contains(role));
    let problem = match role {
        _ if !is_plausible_email(&email) => {
            Some("Enter a valid email address, like office@example.com.")
        }
        None => Some("Choose a role: company admin or viewer."),
        Some(_) => None,
    };
    let generated = password::generate_password();
    let hash = passwords::hash(generated.clone()).await?;
    let actor = Actor::user(&user);
    let company_id = company.id.clone();
    let new_email = email.clone();
    let created = match (problem, role) {
        (None, Some(role)) => {
            with_db(&state.db, move |conn| {
                add_user(conn, &actor, &company_id, &new_email, role, &hash)?;
                Ok(None)
            })
            .await
        }
        (problem, _) => Ok(problem.map(str::to_string)),
    };
    let error = match created {
        Ok(None) => None,
        Ok(Some(problem)) => Some(problem),
        Err(AppError::Conflict(_)) => Some(format!("{email} already has an account.")),
        Err(other) => return Err(other),
    };
    if let Some(error) = error {
        let company_id = company.id.clone();
        let users = with_db(&state.db, move |conn| {
            Ok(list_with_two_factor(conn, &company_id)?)
        })
        .await?;
        let page = page(&user, company, users, email, Some(error));
        return render_page(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            &page,
            None,
        );
    }
    let shown = NewPasswordPage {
        chrome: user.chrome(),
        heading: "User added".to_string(),
        email,
        password: generated,
        back: format!("/companies/{slug}/users"),
    };
    render_page(actix_web::http::StatusCode::OK, &shown, None)
}

/// Creates a company user and records it; a duplicate email is a `Conflict`.
pub fn add_user(
    conn: &mut DbConn,
    actor: &Actor,
    company_id: &str,
    email: &str,
    role: Role,
    password_hash: &str,
) -> Result<(), AppError> {
    crate::db::write_transaction(conn, |conn| {
        if queries::find_by_email(conn, email)?.is_some() {
            return Err(AppError::Conflict(format!(
                "{email} already has an account."
            )));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let now = crate::db::now();
        queries::insert(
            conn,
            &NewUser {
                id: &id,
                company_id: Some(company_id),
                email,
                password_hash,
                role: role.as_str(),
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(
            conn,
            actor,
            Some(company_id),
            Action::UserCreated,
            email,
            role.as_str(),
        )?;
        Ok(())
    })
}

/// Loads a company user the current user may manage: in scope (else 404), not a platform
/// admin (they belong to no company page: 404), and the current user an admin (else 403).
async fn managed_user(
    user: &CurrentUser,
    state: &AppState,
    id: String,
) -> Result<(User, String), AppError> {
    let scope = user.scope();
    let (target, slug) = with_db(&state.db, move |conn| {
        let target = queries::find(conn, &scope, &id)?;
        let company_id = target.company_id.clone().ok_or(AppError::NotFound)?;
        let company = tenants::find_company(conn, &company_id)?;
        Ok((target, company.slug))
    })
    .await?;
    user.require_admin()?;
    Ok((target, slug))
}

/// The role form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    role: String,
}

/// `POST /users/{id}/role`.
pub async fn change_role(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let (target, slug) = managed_user(&user, &state, id.into_inner()).await?;
    let back = format!("/companies/{slug}/users");
    let Some(role) = Role::parse(&form.role).filter(|role| Role::COMPANY.contains(role)) else {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "Choose a role: company admin or viewer.",
        ));
    };
    if target.id == user.id {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "You cannot change your own role; ask another admin.",
        ));
    }
    let actor = Actor::user(&user);
    let detail = format!("{} → {}", target.role, role.as_str());
    let message = format!("{} is now a {}.", target.email, role.label().to_lowercase());
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            queries::set_role(conn, &target.id, role)?;
            audit::record(
                conn,
                &actor,
                target.company_id.as_deref(),
                Action::UserRoleChanged,
                &target.email,
                &detail,
            )
        })?;
        Ok(())
    })
    .await?;
    Ok(flash::redirect_with(&back, FlashKind::Success, &message))
}

/// `POST /users/{id}/reset-password`: a new generated password, shown once; the user's
/// sessions end.
pub async fn reset_password(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ConfirmField>,
) -> Result<HttpResponse, AppError> {
    let (target, slug) = managed_user(&user, &state, id.into_inner()).await?;
    if !form.given() {
        return ConfirmPage::new(
            user.chrome(),
            format!("Reset the password of {}?", target.email),
            format!("/users/{}/reset-password", target.id),
        )
        .saying("A new password is made and shown to you once; their current password stops working and they are signed out everywhere.")
        .button("Reset password")
        .cancel_to(format!("/companies/{slug}/users"))
        .answer();
    }
    let generated = password::generate_password();
    let hash = passwords::hash(generated.clone()).await?;
    let actor = Actor::user(&user);
    let email = target.email.clone();
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            queries::set_password(conn, &target.id, &hash)?;
            audit::record(
                conn,
                &actor,
                target.company_id.as_deref(),
                Action::UserPasswordReset,
                &target.email,
                "",
            )
        })?;
        Ok(())
    })
    .await?;
    let shown = NewPasswordPage {
        chrome: user.chrome(),
        heading: "Password reset".to_string(),
        email,
        password: generated,
        back: format!("/companies/{slug}/users"),
    };
    render_page(actix_web::http::StatusCode::OK, &shown, None)
}

/// `POST /users/{id}/remove`.
pub async fn remove_user(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ConfirmField>,
) -> Result<HttpResponse, AppError> {
    let (target, slug) = managed_user(&user, &state, id.into_inner()).await?;
    let back = format!("/companies/{slug}/users");
    if target.id == user.id {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "You cannot remove yourself; ask another admin.",
        ));
    }
    if !form.given() {
        return ConfirmPage::new(
            user.chrome(),
            format!("Remove {}?", target.email),
            format!("/users/{}/remove", target.id),
        )
        .saying("They can no longer sign in, and are signed out at once. What they did stays in the audit log.")
        .button("Remove user")
        .cancel_to(back)
        .answer();
    }
    let actor = Actor::user(&user);
    let message = format!("{} was removed.", target.email);
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            queries::delete(conn, &target.id)?;
            audit::record(
                conn,
                &actor,
                target.company_id.as_deref(),
                Action::UserRemoved,
                &target.email,
                "",
            )
        })?;
        Ok(())
    })
    .await?;
    Ok(flash::redirect_with(&back, FlashKind::Success, &message))
}
