//! The server-side confirmation step of destructive forms (replay a delivered lead, delete a
//! location, rotate a webhook URL, reset a password, remove a user). A POST without
//! `confirm=yes` changes nothing and answers a page saying, in words, what will happen, with
//! a Confirm button that posts the same form again with the confirmation and the CSRF token,
//! and a Cancel link. `static/js/app.js` may shortcut the step with the browser's own
//! `confirm()`, adding the field itself; without script the page is the step.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use serde::Deserialize;

use crate::error::AppError;
use crate::http::pages::{Chrome, render_page};

/// The field a destructive form carries once the user confirmed.
#[derive(Debug, Default, Deserialize)]
pub struct ConfirmField {
    /// `yes` once confirmed.
    #[serde(default)]
    pub confirm: String,
}

impl ConfirmField {
    /// Whether the user confirmed.
    pub fn given(&self) -> bool {
        self.confirm == "yes"
    }
}

/// The confirm page.
#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    /// Layout data (its CSRF token goes into the Confirm form).
    pub chrome: Chrome,
    /// The question ("Delete Main Street?").
    pub question: String,
    /// What will happen, in words.
    pub consequences: Vec<String>,
    /// Where the Confirm button posts (the same URL as the form).
    pub action: String,
    /// The Confirm button's words.
    pub button: String,
    /// Whether the action cannot be undone (styles the button).
    pub danger: bool,
    /// Fields of the original form carried over (a rotation's grace period).
    pub carried: Vec<(String, String)>,
    /// Where Cancel goes.
    pub cancel: String,
}

impl ConfirmPage {
    /// A confirm page asking `question` before posting to `action`.
    pub fn new(chrome: Chrome, question: impl Into<String>, action: impl Into<String>) -> Self {
        Self {
            chrome,
            question: question.into(),
            consequences: Vec::new(),
            action: action.into(),
            button: "Confirm".to_string(),
            danger: true,
            carried: Vec::new(),
            cancel: "/".to_string(),
        }
    }

    /// Adds a sentence saying what will happen.
    pub fn saying(mut self, sentence: impl Into<String>) -> Self {
        self.consequences.push(sentence.into());
        self
    }

    /// Sets the Confirm button's words.
    pub fn button(mut self, words: impl Into<String>) -> Self {
        self.button = words.into();
        self
    }

    /// Carries a field of the original form over to the confirmed POST.
    pub fn carry(mut self, name: &str, value: impl Into<String>) -> Self {
        self.carried.push((name.to_string(), value.into()));
        self
    }

    /// Sets where Cancel goes.
    pub fn cancel_to(mut self, url: impl Into<String>) -> Self {
        self.cancel = url.into();
        self
    }

    /// The page as an answer (200: nothing was changed).
    pub fn answer(&self) -> Result<HttpResponse, AppError> {
        render_page(StatusCode::OK, self, None)
    }
}
