//! Page templates of the accounts feature.

use askama::Template;
use askama_web::WebTemplate;

use crate::http::pages::Chrome;
use crate::http::time::ShownTime;

/// The sign-in page.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/login.html")]
pub struct LoginPage {
    /// Layout data (anonymous, with the form's CSRF token).
    pub chrome: Chrome,
    /// The email typed, to keep it after an error.
    pub email: String,
    /// Where to go after signing in.
    pub next: String,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// The first-run page that creates the first platform admin.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/setup.html")]
pub struct SetupPage {
    /// Layout data.
    pub chrome: Chrome,
    /// Where the form posts (the setup link itself).
    pub action: String,
    /// The email typed.
    pub email: String,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// The signed-in user's own page: password change and time zone.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account.html")]
pub struct AccountPage {
    /// Layout data.
    pub chrome: Chrome,
    /// What went wrong with the password change, if anything.
    pub error: Option<String>,
    /// The time zone field: the zone chosen, as typed, or empty for the default.
    pub time_zone: String,
    /// The zone followed when none is chosen (the company's, or UTC).
    pub default_time_zone: String,
    /// The zone times are shown in now.
    pub shown_in: String,
    /// Zones suggested in the field (any IANA name is accepted).
    pub time_zones: &'static [&'static str],
    /// What is wrong with the time zone typed, if anything.
    pub time_zone_error: Option<String>,
}

impl AccountPage {
    /// The page of this user, with a password error if any.
    pub fn of(user: &crate::http::extractors::CurrentUser, error: Option<String>) -> Self {
        Self {
            chrome: user.chrome(),
            error,
            time_zone: user.own_time_zone.clone().unwrap_or_default(),
            default_time_zone: user.default_time_zone.clone(),
            shown_in: user.time_zone.clone(),
            time_zones: crate::http::time::COMMON_TIME_ZONES,
            time_zone_error: None,
        }
    }
}

/// A row of the users page.
pub struct UserRow {
    /// Id.
    pub id: String,
    /// Email.
    pub email: String,
    /// Role code.
    pub role: &'static str,
    /// Role label.
    pub role_label: &'static str,
    /// Last sign-in, if any.
    pub last_login: Option<ShownTime>,
    /// Whether this row is the viewer themself (no self-demotion or removal).
    pub is_self: bool,
    /// Whether they sign in with two factors.
    pub two_factor: bool,
}

/// A company's users.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/users.html")]
pub struct UsersPage {
    /// Layout data.
    pub chrome: Chrome,
    /// Company slug.
    pub slug: String,
    /// Company name.
    pub company_name: String,
    /// The users.
    pub users: Vec<UserRow>,
    /// Whether the viewer may change users.
    pub can_manage: bool,
    /// Whether the viewer may reset users' two-factor sign-in (platform admins).
    pub can_reset_two_factor: bool,
    /// Whether the company requires two-factor sign-in.
    pub requires_two_factor: bool,
    /// Email typed in the add form after an error.
    pub email: String,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// Shows a generated password once.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/new_password.html")]
pub struct NewPasswordPage {
    /// Layout data.
    pub chrome: Chrome,
    /// "User added" / "Password reset".
    pub heading: String,
    /// Whose password.
    pub email: String,
    /// The password, shown this once.
    pub password: String,
    /// Where to go next.
    pub back: String,
}
