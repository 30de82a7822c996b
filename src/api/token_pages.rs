//! The portal's "API tokens" page of a company, and the page that shows a new token once.

use askama::Template;
use askama_web::WebTemplate;

use crate::api::model::{ApiToken, TokenScope};
use crate::http::pages::Chrome;
use crate::http::time::{ShownTime, show_time};

/// A token in the list.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// Public id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Scope in words.
    pub scope_label: &'static str,
    /// Who made it.
    pub created_by: String,
    /// When.
    pub created: ShownTime,
    /// Last use.
    pub last_used: Option<ShownTime>,
    /// When revoked.
    pub revoked: Option<ShownTime>,
}

impl TokenRow {
    /// A stored token, its times in `zone`.
    pub fn new(token: &ApiToken, zone: &str) -> Self {
        Self {
            id: token.id.clone(),
            name: token.name.clone(),
            scope_label: token.scope().label(),
            created_by: token.created_by.clone(),
            created: show_time(token.created_at, zone),
            last_used: token.last_used_at.map(|at| show_time(at, zone)),
            revoked: token.revoked_at.map(|at| show_time(at, zone)),
        }
    }
}

/// `GET /companies/{slug}/api-tokens`.
#[derive(Template, WebTemplate)]
#[template(path = "api/tokens.html")]
pub struct TokensPage {
    /// Layout data.
    pub chrome: Chrome,
    /// Company slug.
    pub slug: String,
    /// Company name.
    pub company_name: String,
    /// Its tokens, newest first.
    pub tokens: Vec<TokenRow>,
    /// The scopes the form offers (code, words).
    pub scopes: Vec<(&'static str, &'static str)>,
    /// The name typed, when the form is shown again.
    pub name: String,
    /// Why the form was refused.
    pub error: Option<String>,
}

impl TokensPage {
    /// The scopes, as the form offers them.
    pub fn scope_choices() -> Vec<(&'static str, &'static str)> {
        TokenScope::ALL
            .into_iter()
            .map(|scope| (scope.as_str(), scope.label()))
            .collect()
    }
}

/// The answer to `POST /companies/{slug}/api-tokens`: the token, shown this once.
#[derive(Template, WebTemplate)]
#[template(path = "api/new_token.html")]
pub struct NewTokenPage {
    /// Layout data.
    pub chrome: Chrome,
    /// Company slug.
    pub slug: String,
    /// The token's name.
    pub name: String,
    /// Scope in words.
    pub scope_label: &'static str,
    /// The whole token.
    pub token: String,
}
