//! Two-factor sign-in (issue 12, acceptance 3): enrolment, the second sign-in step with codes
//! computed here from the secret the enrolment page shows, recovery codes, lockout, a company
//! that requires it, and the platform admin's reset.
//!
//! Codes: the test takes the current 30-second step `t` once; enrolment uses the code of `t`
//! and the next sign-in the code of `t + 1`. Both stay within the server's one-step window
//! whatever step boundary passes meanwhile, and each is newer than the one before, as the
//! replay protection wants.

mod admin;
mod rotation;
mod sign_in;

use leadrelay::accounts::two_factor::codes::{TotpSecret, step_of, unix_now};

use crate::support::fixtures::{PASSWORD, Session, anonymous, csrf_of, try_login};
use crate::support::helpers::TestApp;

/// What an enrolment gave the test.
pub struct Enrolled {
    /// The secret, as the page showed it (base32).
    pub base32: String,
    pub secret: TotpSecret,
    /// The recovery codes shown once.
    pub recovery: Vec<String>,
    /// The step whose code confirmed the enrolment.
    pub step: u64,
}

impl Enrolled {
    /// The code of `step`.
    pub fn code(&self, step: u64) -> String {
        self.secret.code_at_step(step)
    }
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let to = from + html[from..].find(end)?;
    Some(&html[from..to])
}

/// The secret shown on the enrolment page.
pub fn secret_on(html: &str) -> Option<String> {
    between(html, "id=\"two-factor-secret\">", "</code>").map(|text| text.replace(' ', ""))
}

/// The recovery codes shown on a page.
pub fn recovery_codes_on(html: &str) -> Vec<String> {
    let Some(list) = between(html, "id=\"recovery-codes\"", "</ul>") else {
        return Vec::new();
    };
    list.split("<code>")
        .skip(1)
        .filter_map(|part| part.split("</code>").next())
        .map(str::to_string)
        .collect()
}

/// Enrols the signed-in user with the code of the current step.
pub async fn enrol(session: &Session) -> Enrolled {
    let response = session.get("/account/two-factor").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"two-factor-qr\" src=\"data:image/svg+xml;base64,"),
        "QR code"
    );
    let base32 = secret_on(&html).expect("the secret in text");
    let bytes = totp_rs::Secret::Encoded(base32.clone()).to_bytes().unwrap();
    let secret = TotpSecret::from_bytes(bytes);
    let step = step_of(unix_now());
    let response = session
        .post(
            "/account/two-factor/confirm",
            &[("code", &secret.code_at_step(step))],
        )
        .await;
    assert_eq!(response.status(), 200, "a right code turns it on");
    let html = response.text().await.unwrap();
    assert!(html.contains("Save these recovery codes now"), "{html}");
    let recovery = recovery_codes_on(&html);
    assert_eq!(recovery.len(), 10, "{html}");
    Enrolled {
        base32,
        secret,
        recovery,
        step,
    }
}

/// A visitor who typed the right password of an enrolled user: at the second step.
pub async fn after_password(app: &TestApp, email: &str) -> Session {
    let session = anonymous(app).await;
    let response = try_login(&session, email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login/two-factor");
    assert!(
        !response
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("lr_session=")),
        "no session before the code"
    );
    session
}

/// Types a code at the second step.
pub async fn type_code(session: &Session, code: &str) -> reqwest::Response {
    session.post("/login/two-factor", &[("code", code)]).await
}

/// Types a code that must sign in; the session is then usable (its CSRF token refreshed).
pub async fn sign_in_with(mut session: Session, code: &str) -> Session {
    let response = type_code(&session, code).await;
    assert_eq!(response.status(), 303, "the code signs in");
    let html = session.get("/account").await.text().await.unwrap();
    session.csrf = csrf_of(&html);
    session
}
