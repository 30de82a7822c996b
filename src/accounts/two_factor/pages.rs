//! Page templates of two-factor sign-in.

use askama::Template;
use askama_web::WebTemplate;

use crate::http::pages::Chrome;
use crate::http::time::ShownTime;

/// What the enrolment part of the page shows while enrolment waits for its code.
pub struct Setup {
    /// The QR code, as a `data:` image.
    pub qr_image: Option<String>,
    /// The secret in base32, in groups of four, for typing by hand.
    pub secret_text: String,
}

/// `/account/two-factor`: set up, or (once on) recovery codes and turning it off.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/two_factor.html")]
pub struct TwoFactorPage {
    /// Layout data.
    pub chrome: Chrome,
    /// When it was turned on; `None` while off.
    pub enabled_at: Option<ShownTime>,
    /// Unused recovery codes left.
    pub codes_left: i64,
    /// The QR code and secret, while setting up.
    pub setup: Option<Setup>,
    /// Whether the user's company requires two factors.
    pub required: bool,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// Shows new recovery codes, this once.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/recovery_codes.html")]
pub struct RecoveryCodesPage {
    /// Layout data.
    pub chrome: Chrome,
    /// "Two-factor sign-in is on" / "New recovery codes".
    pub heading: String,
    /// The codes.
    pub codes: Vec<String>,
}

/// The second step of signing in: the code.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/second_factor.html")]
pub struct SecondFactorPage {
    /// Layout data (anonymous, with the form's CSRF token).
    pub chrome: Chrome,
    /// What went wrong, if anything.
    pub error: Option<String>,
}
