//! `/companies/{slug}/alerts`: a company admin sets who is told and when, sends a test
//! notification, and reads what was sent. Viewers get 403; other companies 404.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::alerts::model::{AlertSettings, split_recipients};
use crate::alerts::pages::{AlertForm, AlertsPage, SentRow};
use crate::alerts::{check, queries, targets};
use crate::audit::{self, Action, Actor};
use crate::error::AppError;
use crate::http::extractors::CurrentUser;
use crate::http::flash::{self, FlashKind};
use crate::http::pages::render_page;
use crate::http::with_db;
use crate::state::AppState;
use crate::tenants::model::Company;

/// Most recipients.
const MAX_RECIPIENTS: usize = 20;
/// Notifications the page lists.
const SHOWN: i64 = 50;

async fn company_and_settings(
    user: &CurrentUser,
    state: &AppState,
    slug: String,
) -> Result<(Company, AlertSettings), AppError> {
    let scope = user.scope();
    let found = with_db(&state.db, move |conn| {
        let company = crate::tenants::queries::find_company_by_slug(conn, &scope, &slug)?;
        let settings = queries::find_settings(conn, &company.id)?
            .unwrap_or_else(|| AlertSettings::defaults(&company.id));
        Ok((company, settings))
    })
    .await?;
    user.require_admin()?;
    Ok(found)
}

async fn page(
    user: &CurrentUser,
    state: &AppState,
    company: Company,
    form: AlertForm,
    has_channel: bool,
    error: Option<String>,
) -> Result<AlertsPage, AppError> {
    let company_id = company.id.clone();
    let sent = with_db(&state.db, move |conn| {
        Ok(queries::recent(conn, &company_id, SHOWN)?)
    })
    .await?;
    Ok(AlertsPage {
        chrome: user.chrome(),
        slug: company.slug,
        company_name: company.name,
        form,
        can_email: state.notifier.can_email(),
        has_channel,
        error,
        sent: sent
            .iter()
            .map(|row| SentRow::new(row, &user.time_zone))
            .collect(),
    })
}

/// `GET /companies/{slug}/alerts` (admins).
pub async fn show_alerts(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<AlertsPage, AppError> {
    let (company, settings) = company_and_settings(&user, &state, slug.into_inner()).await?;
    let form = AlertForm::of(&settings);
    page(&user, &state, company, form, settings.has_channel(), None).await
}

/// The settings form.
#[derive(Debug, Deserialize)]
pub struct AlertsForm {
    #[serde(default)]
    emails: String,
    #[serde(default)]
    webhook_url: String,
    #[serde(default)]
    remove_webhook: String,
    #[serde(default)]
    silent_days: String,
    #[serde(default)]
    backlog_minutes: String,
    #[serde(default)]
    cooldown_minutes: String,
    #[serde(default)]
    daily_digest: String,
}

fn number(text: &str, what: &str, range: std::ops::RangeInclusive<i32>) -> Result<i32, String> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            format!(
                "Enter {what} as a whole number from {} to {}.",
                range.start(),
                range.end()
            )
        })
}

fn read_recipients(text: &str) -> Result<Vec<String>, String> {
    let list: Vec<String> = split_recipients(text)
        .iter()
        .map(|email| email.to_lowercase())
        .collect();
    if list.len() > MAX_RECIPIENTS {
        return Err(format!("Give at most {MAX_RECIPIENTS} email recipients."));
    }
    for email in &list {
        let plausible = email.parse::<lettre::Address>().is_ok() && email.contains('.');
        if !plausible {
            return Err(format!(
                "\"{email}\" is not an email address; write one address per line."
            ));
        }
    }
    Ok(list)
}

/// `POST /companies/{slug}/alerts`.
pub async fn save_alerts(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: web::Form<AlertsForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (company, saved) = company_and_settings(&user, &state, slug.clone()).await?;
    let form = form.into_inner();
    let typed = AlertForm {
        emails: form.emails.clone(),
        webhook_host: saved.webhook_host.clone(),
        silent_days: form.silent_days.clone(),
        backlog_minutes: form.backlog_minutes.clone(),
        cooldown_minutes: form.cooldown_minutes.clone(),
        daily_digest: form.daily_digest == "yes",
    };
    let read = read_form(&state, &company, saved, &form).await;
    let settings = match read {
        Ok(settings) => settings,
        Err(problem) => {
            let page = page(&user, &state, company, typed, false, Some(problem)).await?;
            return render_page(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                &page,
                None,
            );
        }
    };
    let actor = Actor::user(&user);
    let detail = format!(
        "{} email recipient(s); webhook: {}; silent after {} days; backlog after {} minutes; cooldown {} minutes; daily digest {}",
        settings.recipients().len(),
        settings.webhook_host.as_deref().unwrap_or("none"),
        settings.silent_days,
        settings.backlog_minutes,
        settings.cooldown_minutes,
        if settings.daily_digest { "on" } else { "off" },
    );
    with_db(&state.db, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            queries::save_settings(conn, &settings)?;
            audit::record(
                conn,
                &actor,
                Some(&settings.company_id),
                Action::AlertsChanged,
                "alerts",
                &detail,
            )
        })?;
        Ok(())
    })
    .await?;
    Ok(flash::redirect_with(
        &format!("/companies/{slug}/alerts"),
        FlashKind::Success,
        "Alerts saved. Use \"Send test notification\" to check that they arrive.",
    ))
}

async fn read_form(
    state: &AppState,
    company: &Company,
    saved: AlertSettings,
    form: &AlertsForm,
) -> Result<AlertSettings, String> {
    let recipients = read_recipients(&form.emails)?;
    let silent_days = number(&form.silent_days, "the days without leads", 1..=90)?;
    let backlog_minutes = number(&form.backlog_minutes, "the backlog minutes", 5..=1440)?;
    let cooldown_minutes = number(&form.cooldown_minutes, "the cooldown minutes", 5..=10_080)?;
    let (mut webhook_url, mut webhook_host) = (saved.webhook_url, saved.webhook_host);
    if form.remove_webhook == "yes" {
        (webhook_url, webhook_host) = (None, None);
    }
    if !form.webhook_url.trim().is_empty() {
        let url = targets::parse(&form.webhook_url)?;
        let target = targets::check(&url, state.notifier.allow_private()).await?;
        webhook_url = Some(state.notifier.seal_webhook(&company.id, &url));
        webhook_host = Some(target.host);
    }
    Ok(AlertSettings {
        company_id: company.id.clone(),
        emails: recipients.join("\n"),
        webhook_url,
        webhook_host,
        silent_days,
        backlog_minutes,
        cooldown_minutes,
        daily_digest: form.daily_digest == "yes",
        updated_at: crate::db::now(),
    })
}

/// `POST /companies/{slug}/alerts/test`: sends a test on every channel now.
pub async fn send_test_notification(
    user: CurrentUser,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (company, settings) = company_and_settings(&user, &state, slug.clone()).await?;
    let back = format!("/companies/{slug}/alerts");
    if !settings.has_channel() {
        return Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            "Add an email recipient or a webhook URL first, then send a test.",
        ));
    }
    let outcomes = check::send_test(&state.db, &state.notifier, &settings, &company.name)
        .await
        .map_err(AppError::Unexpected)?;
    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|outcome| {
            outcome
                .result
                .as_ref()
                .err()
                .map(|why| format!("{}: {why}", outcome.channel))
        })
        .collect();
    if failed.is_empty() {
        Ok(flash::redirect_with(
            &back,
            FlashKind::Success,
            "Test notification sent; check that it arrived.",
        ))
    } else {
        Ok(flash::redirect_with(
            &back,
            FlashKind::Error,
            &format!(
                "The test notification did not go out everywhere — {}",
                failed.join(" ")
            ),
        ))
    }
}
