//! The portal side of API tokens: a company admin lists, makes and revokes them
//! (`/companies/{slug}/api-tokens`, `/api-tokens/{id}/revoke`), each change audited.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::api::model::{NewApiToken, TokenScope};
use crate::api::token_pages::{NewTokenPage, TokenRow, TokensPage};
use crate::api::{queries, token};
use crate::audit::{self, Action, Actor};
use crate::error::AppError;
use crate::http::confirm::{ConfirmField, ConfirmPage};
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::pages::render_page;
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants;
use crate::tenants::model::Company;

/// Longest token name.
const MAX_NAME: usize = 80;

async fn company_page(
    user: &CurrentUser,
    state: &AppState,
    slug: String,
    name: String,
    error: Option<String>,
) -> Result<TokensPage, AppError> {
    let scope = user.scope();
    let (company, tokens) = with_db(&state.db, move |conn| {
        let company = tenants::queries::find_company_by_slug(conn, &scope, &slug)?;
        let tokens = queries::list_for_company(conn, &scope, &company.id)?;
        Ok((company, tokens))
    })
    .await?;
    user.require_admin()?;
    Ok(TokensPage {
        chrome: user.chrome(),
        tokens: tokens
            .iter()
            .map(|token| TokenRow::new(token, &user.time_zone))
            .collect(),
        slug: company.slug,
        company_name: company.name,
        scopes: TokensPage::scope_choices(),
        name,
        error,
    })
}

/// `GET /companies/{slug}/api-tokens` (admins).
pub async fn list_tokens(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<TokensPage, AppError> {
    company_page(&user, &state, slug.into_inner(), String::new(), None).await
}

/// The make-a-token form.
#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Give the token a name that says which script uses it.".to_string());
    }
    if name.chars().count() > MAX_NAME {
        return Err(format!("Keep the name to {MAX_NAME} characters."));
    }
    if name.chars().any(char::is_control) {
        return Err("The name cannot hold line breaks or control characters.".to_string());
    }
    Ok(())
}

/// `POST /companies/{slug}/api-tokens`: makes a token and shows it once.
pub async fn create_token(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: web::Form<NewTokenForm>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope();
    let slug = slug.into_inner();
    let lookup = slug.clone();
    let company: Company = with_db(&state.db, move |conn| {
        Ok(tenants::queries::find_company_by_slug(
            conn, &scope, &lookup,
        )?)
    })
    .await?;
    user.require_admin()?;
    let form = form.into_inner();
    let name = form.name.trim().to_string();
    let problem = check_name(&name).err().or_else(|| {
        TokenScope::parse(&form.scope).is_none().then(|| {
            "Choose what the token may do: read leads, or read and resend them.".to_string()
        })
    });
    if let Some(problem) = problem {
        let page = company_page(&user, &state, slug, name, Some(problem)).await?;
        return render_page(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            &page,
            None,
        );
    }
    let token_scope = TokenScope::parse(&form.scope).unwrap_or(TokenScope::Read);
    let minted = token::mint();
    let actor = Actor::user(&user);
    let (id, hash, company_id, token_name) = (
        minted.id.clone(),
        minted.secret_hash.clone(),
        company.id.clone(),
        name.clone(),
    );
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            queries::insert(
                conn,
                &NewApiToken {
                    id: &id,
                    company_id: &company_id,
                    name: &token_name,
                    scope: token_scope.as_str(),
                    secret_hash: &hash,
                    created_by: &actor.label,
                    created_at: crate::db::now(),
                },
            )?;
            audit::record(
                conn,
                &actor,
                Some(&company_id),
                Action::ApiTokenCreated,
                &token_name,
                &format!("lr_{id}_…, {}", token_scope.label().to_lowercase()),
            )
        })?;
        Ok(())
    })
    .await?;
    let page = NewTokenPage {
        chrome: user.chrome(),
        slug: company.slug,
        name,
        scope_label: token_scope.label(),
        token: minted.text,
    };
    render_page(actix_web::http::StatusCode::OK, &page, None)
}

/// `POST /api-tokens/{id}/revoke`: without `confirm=yes`, the confirm page.
pub async fn revoke_token(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ConfirmField>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope();
    let id = id.into_inner();
    let lookup = id.clone();
    let (found, company) = with_db(&state.db, move |conn| {
        let found = queries::find(conn, &scope, &lookup)?;
        let company = tenants::queries::find_company(conn, &found.company_id)?;
        Ok((found, company))
    })
    .await?;
    user.require_admin()?;
    let back = format!("/companies/{}/api-tokens", company.slug);
    if !form.given() {
        return ConfirmPage::new(
            user.chrome(),
            format!("Revoke the API token {}?", found.name),
            format!("/api-tokens/{}/revoke", found.id),
        )
        .saying("Scripts using it are refused at once (401). A revoked token cannot be used again; make a new one if needed.")
        .button("Revoke token")
        .cancel_to(back)
        .answer();
    }
    let scope = user.scope();
    let actor = Actor::user(&user);
    let revoked = with_db(&state.db, move |conn| {
        Ok(crate::db::write_transaction(conn, |conn| {
            let revoked = queries::revoke(conn, &scope, &found.id, crate::db::now())?;
            if revoked {
                audit::record(
                    conn,
                    &actor,
                    Some(&found.company_id),
                    Action::ApiTokenRevoked,
                    &found.name,
                    &format!("lr_{}_…", found.id),
                )?;
            }
            Ok::<_, diesel::result::Error>((revoked, found.name))
        })?)
    })
    .await?;
    let (changed, name) = revoked;
    let message = if changed {
        format!("The API token {name} is revoked; scripts using it are refused from now on.")
    } else {
        format!("The API token {name} was already revoked.")
    };
    Ok(flash::redirect_with(&back, FlashKind::Success, &message))
}
