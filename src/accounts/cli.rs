//! `leadrelay user add` (SPEC §2).

use anyhow::{Context, bail};

use crate::accounts::model::{NewUser, Role, is_plausible_email, normalize_email};
use crate::accounts::{queries, users};
use crate::audit::Actor;
use crate::crypto::password;
use crate::db::DbConn;
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::tenants::queries as tenants;

/// Adds a user. Returns the generated password when none was given.
pub fn add_user(
    conn: &mut DbConn,
    email: &str,
    role: &str,
    company_slug: Option<&str>,
    given_password: Option<String>,
) -> anyhow::Result<Option<String>> {
    let email = normalize_email(email);
    if !is_plausible_email(&email) {
        bail!("{email:?} is not an email address");
    }
    let Some(role) = Role::parse(role) else {
        bail!("unknown role {role:?}; use platform-admin, company-admin or viewer");
    };
    let (password, generated) = match given_password {
        Some(password) => {
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            password::check_policy(&password).map_err(|msg| anyhow::anyhow!(msg))?;
            (password, false)
        }
        None => (password::generate_password(), true),
    };
    let hash = password::hash_password(&password)?;
    let actor = Actor::command_line();
    match (role, company_slug) {
        (Role::PlatformAdmin, Some(_)) => {
            bail!("a platform admin belongs to no company; leave out --company")
        }
        (Role::PlatformAdmin, None) => {
            if queries::find_by_email(conn, &email)?.is_some() {
                bail!("{email} already has an account");
            }
            let id = uuid::Uuid::new_v4().to_string();
            let now = crate::db::now();
            crate::db::write_transaction(conn, |conn| {
                queries::insert(
                    conn,
                    &NewUser {
                        id: &id,
                        company_id: None,
                        email: &email,
                        password_hash: &hash,
                        role: role.as_str(),
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                crate::audit::record(
                    conn,
                    &actor,
                    None,
                    crate::audit::Action::UserCreated,
                    &email,
                    role.as_str(),
                )
            })
            .context("while adding the user")?;
        }
        (_, None) => bail!("a {} needs --company SLUG", role.as_str()),
        (_, Some(slug)) => {
            let company =
                tenants::find_company_by_slug(conn, &CompanyScope::All, slug).map_err(|err| {
                    match err {
                        diesel::result::Error::NotFound => {
                            anyhow::anyhow!("no company with slug {slug:?}")
                        }
                        other => anyhow::Error::from(other),
                    }
                })?;
            match users::add_user(conn, &actor, &company.id, &email, role, &hash) {
                Ok(()) => {}
                Err(AppError::Conflict(_)) => bail!("{email} already has an account"),
                Err(AppError::Unexpected(err)) => return Err(err),
                Err(other) => bail!("{other}"),
            }
        }
    }
    Ok(generated.then_some(password))
}

/// `leadrelay user add`: prints the generated password, once, when none was given.
pub async fn user_add_command(
    settings: crate::config::Settings,
    args: crate::cli::UserAddArgs,
) -> anyhow::Result<()> {
    let mut conn = crate::startup::command_connection(&settings).await?;
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("while reading the password from standard input")?;
        Some(line)
    } else {
        None
    };
    let generated = tokio::task::spawn_blocking(move || {
        add_user(
            &mut conn,
            &args.email,
            &args.role,
            args.company.as_deref(),
            password,
        )
    })
    .await??;
    if let Some(password) = generated {
        println!("{password}");
    }
    Ok(())
}
