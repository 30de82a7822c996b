//! Portal fixes a new user's walk found: server-side confirm pages, "Retry now", "Send a test
//! lead", the edit form's dates and words, plain network errors, the no-key location status,
//! and the refused-request log.

mod confirm_pages;
mod edit_form;
mod location_status;
mod refused_requests;
mod retry_now;
mod test_lead;
mod transport_errors;

use crate::support::fixtures::Session;

/// The hidden fields of the confirm page's Confirm form (name, value), in order.
pub fn confirm_form_fields(html: &str) -> Vec<(String, String)> {
    let start = html.find("id=\"confirm-form\"").expect("a confirm form");
    let form = &html[start..html[start..].find("</form>").unwrap() + start];
    form.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|rest| {
            let name = rest.split('"').next().unwrap().to_string();
            let value = rest
                .split("value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (name, value.to_string())
        })
        .collect()
}

/// Presses the confirm page's Confirm button: posts exactly what its form carries.
pub async fn press_confirm(session: &Session, html: &str) -> reqwest::Response {
    let start = html.find("id=\"confirm-form\"").expect("a confirm form");
    let before = &html[..start];
    let action_at = before.rfind("action=\"").unwrap() + "action=\"".len();
    let action = before[action_at..].split('"').next().unwrap().to_string();
    let fields = confirm_form_fields(html);
    session
        .client
        .post(format!("{}{action}", session.base))
        .form(&fields)
        .send()
        .await
        .unwrap()
}
