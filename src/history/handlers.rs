//! Handlers of the history feature.

use crate::history::pages::WelcomePage;
use crate::http::pages::Chrome;

/// `GET /`: the start page.
pub async fn dashboard() -> WelcomePage {
    WelcomePage {
        chrome: Chrome::anonymous(),
    }
}
