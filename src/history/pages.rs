//! Page templates of the history feature.

use askama::Template;
use askama_web::WebTemplate;

use crate::http::pages::Chrome;

/// The start page of a fresh installation.
#[derive(Template, WebTemplate)]
#[template(path = "history/welcome.html")]
pub struct WelcomePage {
    /// Layout data.
    pub chrome: Chrome,
}
