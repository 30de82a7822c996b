//! `leadrelay company add` and `leadrelay location add | list | rotate-url | set-api` (SPEC §2). Each
//! returns what the command prints on standard output; `main` prints it.

use anyhow::{Context, bail};
use chrono::NaiveDateTime;
use url::Url;

use crate::audit::Actor;
use crate::config::Settings;
use crate::crypto::master_key::MasterKey;
use crate::crypto::secret_box::SecretBox;
use crate::crypto::url_token::UrlSigner;
use crate::db::DbConn;
use crate::domain::scope::CompanyScope;
use crate::error::AppError;
use crate::http::time::is_time_zone;
use crate::tenants::companies::add_company as insert_company;
use crate::tenants::keys::store_key;
use crate::tenants::locations::insert_new_location;
use crate::tenants::model::{
    AccuLynxApi, Company, Location, LocationStatus, check_name, check_slug, slug_from_name,
};
use crate::tenants::queries;
use crate::tenants::secrets::{self, parse_acculynx_key};
use crate::tenants::webhook_urls::{Grace, rotate, webhook_url};

/// Creates a company and returns its slug.
pub fn add_company(
    conn: &mut DbConn,
    name: &str,
    slug: Option<&str>,
    time_zone: &str,
) -> anyhow::Result<String> {
    let name = check_name("company", name).map_err(anyhow::Error::msg)?;
    let slug = slug.map_or_else(|| slug_from_name(&name), |s| s.trim().to_string());
    check_slug(&slug).map_err(anyhow::Error::msg)?;
    if !is_time_zone(time_zone) {
        bail!("{time_zone:?} is not a time zone; use an IANA name such as America/Denver");
    }
    match insert_company(conn, &Actor::command_line(), &name, &slug, time_zone) {
        Ok(()) => Ok(slug),
        Err(AppError::Conflict(_)) => bail!("a company with slug {slug:?} already exists"),
        Err(AppError::Unexpected(err)) => Err(err),
        Err(other) => bail!("{other}"),
    }
}

/// What the location commands need: the secret box, the URL signer and the public URL.
pub struct CommandSecrets {
    /// Seals location keys under the master key.
    pub secret_box: SecretBox,
    /// Signs webhook URLs.
    pub url_signer: UrlSigner,
    /// Base of the webhook URLs printed.
    pub public_url: Url,
}

impl CommandSecrets {
    /// Checks the master key against the database (as a start of the server does) and loads
    /// the webhook signing secret. The public URL is `LEADRELAY_PUBLIC_URL`, else `http://`
    /// and the bind address, as the server would show it.
    pub fn open(
        conn: &mut DbConn,
        settings: &Settings,
        master_key: &MasterKey,
    ) -> anyhow::Result<Self> {
        let secret_box = SecretBox::new(master_key);
        let url_signer = secrets::open_instance_secrets(
            conn,
            &secret_box,
            secrets::master_key_variable(&settings.master_key),
        )?;
        let public_url = match &settings.public_url {
            Some(url) => url.clone(),
            None => Url::parse(&format!("http://{}", settings.bind))
                .context("while building the public URL from LEADRELAY_BIND")?,
        };
        Ok(Self {
            secret_box,
            url_signer,
            public_url,
        })
    }

    /// The current webhook URL of a location.
    pub fn url_of(&self, location: &Location) -> String {
        webhook_url(
            &self.public_url,
            &self.url_signer,
            &location.id,
            location.url_version,
        )
    }
}

fn company_by_slug(conn: &mut DbConn, slug: &str) -> anyhow::Result<Company> {
    match queries::find_company_by_slug(conn, &CompanyScope::All, slug.trim()) {
        Ok(company) => Ok(company),
        Err(diesel::result::Error::NotFound) => bail!("no company with slug {slug:?}"),
        Err(other) => Err(anyhow::Error::new(other).context("while looking up the company")),
    }
}

/// One line for an error a command cannot act on.
fn plain(err: AppError) -> anyhow::Error {
    match err {
        AppError::Unexpected(err) => err,
        AppError::NotFound => anyhow::anyhow!("not found"),
        other => anyhow::anyhow!("{}", other.to_string().trim_end_matches('.')),
    }
}

/// `leadrelay location add`: creates a location, with its AccuLynx key when one is given
/// (AccuLynx is not asked: it may be unreachable), and returns its webhook URL.
pub fn add_location(
    conn: &mut DbConn,
    secrets: &CommandSecrets,
    company_slug: &str,
    name: &str,
    key: Option<&str>,
    api: &str,
) -> anyhow::Result<String> {
    let name = check_name("location", name).map_err(anyhow::Error::msg)?;
    let api = AccuLynxApi::from_input(api)
        .map_err(|err| crate::config::ConfigError::new("--api", err))?;
    let key = match key {
        Some(text) if text.trim().is_empty() => {
            bail!("--acculynx-key-stdin was given but standard input held no key")
        }
        Some(text) => Some(parse_acculynx_key(text).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let company = company_by_slug(conn, company_slug)?;
    let actor = Actor::command_line();
    let created = crate::db::write_transaction(conn, |conn| {
        let location = insert_new_location(conn, &actor, &company.id, &name, api)?;
        if let Some(key) = &key {
            // A new location has no held leads, and this process no worker or cache to tell.
            let _ = store_key(conn, &actor, &secrets.secret_box, &location, key)?;
        }
        Ok::<_, AppError>(location)
    });
    match created {
        Ok(location) => Ok(secrets.url_of(&location)),
        Err(AppError::Conflict(_)) => bail!(
            "company {:?} already has a location called {name:?}",
            company.slug
        ),
        Err(other) => Err(plain(other)),
    }
}

/// `leadrelay location set-api ID v1|v2`: switches the location's AccuLynx API (audited) and
/// says what changed.
pub fn set_api(conn: &mut DbConn, location_id: &str, api: &str) -> anyhow::Result<String> {
    let api =
        AccuLynxApi::from_input(api).map_err(|err| crate::config::ConfigError::new("API", err))?;
    let location =
        queries::find_location(conn, &CompanyScope::All, location_id.trim()).map_err(|err| {
            match err {
                diesel::result::Error::NotFound => {
                    anyhow::anyhow!("there is no location with id {:?}", location_id.trim())
                }
                other => anyhow::Error::new(other).context("while reading the location"),
            }
        })?;
    let changed = crate::db::write_transaction(conn, |conn| {
        crate::tenants::acculynx_api::change_api(conn, &Actor::command_line(), &location, api)
    })
    .map_err(plain)?;
    Ok(if changed {
        format!(
            "{}: leads now go to AccuLynx {} ({}).\n",
            location.name,
            api.as_str(),
            api.label()
        )
    } else {
        format!("{}: already on AccuLynx {}.\n", location.name, api.as_str())
    })
}

/// `leadrelay location list`: the company's locations as a table (id, name, status, webhook
/// URL), or a sentence when it has none.
pub fn list_locations(
    conn: &mut DbConn,
    secrets: &CommandSecrets,
    company_slug: &str,
) -> anyhow::Result<String> {
    let company = company_by_slug(conn, company_slug)?;
    let locations = queries::list_locations(conn, &company.id)?;
    if locations.is_empty() {
        return Ok(format!(
            "{} has no locations yet; add one with `leadrelay location add --company {} --name NAME`.\n",
            company.name, company.slug
        ));
    }
    let rows: Vec<[String; 5]> = locations
        .iter()
        .map(|location| {
            let status = location.status();
            let url = if status == LocationStatus::Deleted {
                "-".to_string()
            } else {
                secrets.url_of(location)
            };
            [
                location.id.clone(),
                location.name.clone(),
                status.as_str().to_string(),
                location.api().as_str().to_string(),
                url,
            ]
        })
        .collect();
    Ok(table(["ID", "NAME", "STATUS", "API", "WEBHOOK URL"], &rows))
}

/// Columns padded to their widest cell, two spaces apart; the last column is not padded.
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|title| title.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header = header.map(str::to_string);
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < N {
                let pad = widths[i] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `leadrelay location rotate-url`: the new webhook URL, and until when the old one works.
pub fn rotate_url(
    conn: &mut DbConn,
    secrets: &CommandSecrets,
    location_id: &str,
    grace: &str,
) -> anyhow::Result<(String, Option<NaiveDateTime>)> {
    let grace = Grace::parse(grace).map_err(|msg| anyhow::anyhow!("--grace: {msg}"))?;
    let location_id = location_id.trim();
    match rotate(
        conn,
        &Actor::command_line(),
        &CompanyScope::All,
        location_id,
        grace,
    ) {
        Ok(rotated) => Ok((
            secrets.url_of(&rotated.location),
            rotated.previous_valid_until,
        )),
        Err(AppError::NotFound) => bail!("no location with id {location_id:?}"),
        Err(AppError::Validation(_)) => {
            bail!("location {location_id} was deleted; it has no webhook URL to rotate")
        }
        Err(other) => Err(plain(other)),
    }
}

/// `leadrelay company add`: prints the new company's slug.
pub async fn company_add_command(
    settings: crate::config::Settings,
    args: crate::cli::CompanyAddArgs,
) -> anyhow::Result<()> {
    let mut conn = crate::startup::command_connection(&settings).await?;
    let slug = tokio::task::spawn_blocking(move || {
        add_company(&mut conn, &args.name, args.slug.as_deref(), &args.time_zone)
    })
    .await??;
    println!("{slug}");
    Ok(())
}

/// `leadrelay location add|list|rotate-url`.
pub async fn location_command(
    settings: crate::config::Settings,
    command: crate::cli::LocationCommand,
) -> anyhow::Result<()> {
    use crate::cli::LocationCommand;
    let master_key = crate::startup::load_master_key(&settings)?;
    let key = match &command {
        LocationCommand::Add(args) if args.acculynx_key_stdin => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("while reading the AccuLynx API key from standard input")?;
            Some(crate::crypto::Secret::new(text))
        }
        _ => None,
    };
    let mut conn = crate::startup::command_connection(&settings).await?;
    let printed = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let secrets = CommandSecrets::open(&mut conn, &settings, &master_key)?;
        let conn = &mut conn;
        match command {
            LocationCommand::Add(args) => add_location(
                conn,
                &secrets,
                &args.company,
                &args.name,
                key.as_ref().map(|key| key.expose().as_str()),
                &args.api,
            )
            .map(|url| format!("{url}\n")),
            LocationCommand::SetApi(args) => set_api(conn, &args.id, &args.api),
            LocationCommand::List(args) => list_locations(conn, &secrets, &args.company),
            LocationCommand::RotateUrl(args) => {
                let (url, until) = rotate_url(conn, &secrets, &args.id, &args.grace)?;
                match until {
                    Some(until) => eprintln!(
                        "The old URL keeps working until {} UTC.",
                        until.format("%Y-%m-%d %H:%M")
                    ),
                    None => eprintln!("The old URL no longer works."),
                }
                Ok(format!("{url}\n"))
            }
        }
    })
    .await??;
    print!("{printed}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::table;

    #[test]
    fn tables_align_their_columns() {
        let rows = [
            ["1".to_string(), "Überlingen".to_string(), "x".to_string()],
            ["22".to_string(), "B".to_string(), "y".to_string()],
        ];
        assert_eq!(
            table(["ID", "NAME", "URL"], &rows),
            "ID  NAME        URL\n1   Überlingen  x\n22  B           y\n"
        );
    }
}
