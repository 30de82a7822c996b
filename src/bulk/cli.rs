//! `leadrelay leads resend --company SLUG [--location ID] --status failed|held [--since DATE]
//! [--until DATE]`: creates the same job the portal's "Resend these N leads" does (ids
//! captured now, one audit entry) and prints how many leads it queued for resending. A
//! running `serve` or `worker` sends them, at the normal delivery pace (a command has no
//! worker of its own; the servers find the job at their next poll).

use anyhow::{Context, bail};

use crate::audit::Actor;
use crate::bulk::jobs::{self, CreateError, ResendTarget};
use crate::cli::LeadsResendArgs;
use crate::config::Settings;
use crate::domain::scope::CompanyScope;
use crate::history::filter::LeadQuery;
use crate::tenants::queries as tenants;

/// Runs `leadrelay leads resend` and returns what it prints.
pub async fn leads_resend_command(
    settings: Settings,
    args: LeadsResendArgs,
) -> anyhow::Result<String> {
    let mut conn = crate::startup::command_connection(&settings).await?;
    let public_url = settings.public_url.as_ref().map_or_else(
        || format!("http://{}", settings.bind),
        |url| url.as_str().trim_end_matches('/').to_string(),
    );
    tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let scope = CompanyScope::All;
        let company = tenants::find_company_by_slug(&mut conn, &scope, args.company.trim())
            .optional_or(|| format!("no company with slug {:?}", args.company))?;
        let location = match &args.location {
            Some(id) => {
                let location = tenants::find_location(&mut conn, &scope, id.trim())
                    .optional_or(|| format!("no location with id {id:?}"))?;
                if location.company_id != company.id {
                    bail!("location {id:?} is not a location of {:?}", company.slug);
                }
                Some((location.id, location.name))
            }
            None => None,
        };
        for (flag, value) in [("--since", &args.since), ("--until", &args.until)] {
            if let Some(value) = value
                && chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").is_err()
            {
                bail!("{flag} {value:?} is not a date; use YYYY-MM-DD (a day in UTC)");
            }
        }
        let list_path = match &location {
            Some((id, _)) => format!("/locations/{id}/leads"),
            None => format!("/companies/{}/leads", company.slug),
        };
        let target = ResendTarget {
            company_id: company.id.clone(),
            company_name: company.name.clone(),
            location,
            list_path,
        };
        let query = LeadQuery {
            status: Some(args.status.clone()),
            from: args.since.clone(),
            to: args.until.clone(),
            ..LeadQuery::default()
        };
        let request = jobs::read_request(&query, "UTC", &target).map_err(anyhow::Error::msg)?;
        match jobs::create_job(&mut conn, &scope, &Actor::command_line(), &request, None) {
            Ok(job) => Ok(format!(
                "{} queued for resending ({}); a running leadrelay serve or worker sends them at the normal delivery pace. Progress: {public_url}/resend-jobs/{}",
                match job.total {
                    1 => "1 lead".to_string(),
                    n => format!("{n} leads"),
                },
                request.words,
                job.id
            )),
            Err(CreateError::Nothing) => Ok(format!(
                "0 leads queued for resending: no {} found.",
                request.words
            )),
            Err(CreateError::Changed(_)) => bail!("the matching leads changed; run it again"),
            Err(CreateError::Database(err)) => {
                Err(err).context("while creating the bulk resend")
            }
        }
    })
    .await
    .context("while resending leads")?
}

/// `NotFound` as a one-line error, other database errors with context.
trait OptionalOr<T> {
    fn optional_or(self, message: impl FnOnce() -> String) -> anyhow::Result<T>;
}

impl<T> OptionalOr<T> for diesel::QueryResult<T> {
    fn optional_or(self, message: impl FnOnce() -> String) -> anyhow::Result<T> {
        match self {
            Ok(found) => Ok(found),
            Err(diesel::result::Error::NotFound) => Err(anyhow::Error::msg(message())),
            Err(err) => Err(err).context("while reading the database"),
        }
    }
}
