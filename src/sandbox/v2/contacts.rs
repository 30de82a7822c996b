//! The contact endpoints (reference §3.3–§3.6): create, search, read, and a contact's email
//! addresses, phone numbers and jobs. A contact of another key is answered as missing (404).

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::contact_body::parse_contact;
use super::fields::{Errors, field, one_of, opt_array, opt_object, opt_string, req_string, root};
use super::model::{V2Contact, V2ContactAddress};
use super::paging::{Limits, Style, page, paging};
use super::request::{Ctx, Endpoint, Outcome, Query, path_uuid, serve};
use super::seed::seed;
use crate::sandbox::V2Step;
use crate::sandbox::answers::Problem;
use crate::sandbox::server::SandboxState;

const READ: Endpoint = Endpoint::read(V2Step::SearchContacts);

/// `POST /contacts` → 201 `{id, _link}`.
pub(crate) async fn create_contact(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let store = state.clone();
    serve(
        &req,
        Some(payload),
        &state,
        Endpoint::write(V2Step::CreateContact),
        |ctx, body| {
            let contact = parse_contact(
                &body.unwrap_or_default(),
                seed(),
                &ctx.company_id,
                Utc::now(),
            )?;
            let id = contact.id;
            store.v2.add_contact(ctx.key.clone(), contact);
            Ok(HttpResponse::Created()
                .json(json!({"id": id.to_string(), "_link": ctx.link(&format!("/contacts/{id}"))})))
        },
    )
    .await
}

/// `POST /contacts/search` → `contactCollection`.
pub(crate) async fn search_contacts(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let store = state.clone();
    serve(&req, Some(payload), &state, READ, |ctx, body| -> Outcome {
        let limits = Limits {
            style: Style::Page,
            default: 25,
            max: 25,
            bad_size: 400,
        };
        let paging = paging(&Query::of(&req)?, limits)?;
        let search = parse_search(&body.unwrap_or_default())?;
        let mut found: Vec<V2Contact> = store
            .v2
            .contacts_of(&ctx.key)
            .into_iter()
            .filter(|contact| search.matches(contact))
            .collect();
        search.sort(&mut found);
        let items: Vec<Value> = found.iter().map(|contact| render(ctx, contact)).collect();
        Ok(HttpResponse::Ok().json(page(&items, paging)))
    })
    .await
}

/// `GET /contacts/{contactId}` → `contact`.
pub(crate) async fn get_contact(req: HttpRequest, state: web::Data<SandboxState>) -> HttpResponse {
    let store = state.clone();
    serve(&req, None, &state, READ, |ctx, _| {
        let contact = find(&store, ctx, &req)?;
        Ok(HttpResponse::Ok().json(render(ctx, &contact)))
    })
    .await
}

/// `GET /contacts/{contactId}/email-addresses` → `{items: [emailAddress]}`.
pub(crate) async fn email_addresses(
    req: HttpRequest,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let store = state.clone();
    serve(&req, None, &state, READ, |ctx, _| {
        let contact = find(&store, ctx, &req)?;
        let items: Vec<Value> = contact
            .emails
            .iter()
            .map(|email| {
                json!({
                    "id": email.id.to_string(),
                    "_link": ctx.link(&format!("/contacts/{}/email-addresses/{}", contact.id, email.id)),
                    "address": email.address,
                    "primary": email.primary,
                })
            })
            .collect();
        Ok(HttpResponse::Ok().json(json!({ "items": items })))
    })
    .await
}

/// `GET /contacts/{contactId}/phone-numbers` → `{items: [phoneNumber]}`.
pub(crate) async fn phone_numbers(
    req: HttpRequest,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let store = state.clone();
    serve(&req, None, &state, READ, |ctx, _| {
        let contact = find(&store, ctx, &req)?;
        let items: Vec<Value> = contact
            .phones
            .iter()
            .map(|phone| {
                json!({
                    "id": phone.id.to_string(),
                    "_link": ctx.link(&format!("/contacts/{}/phone-numbers/{}", contact.id, phone.id)),
                    "number": phone.number,
                    "ext": phone.ext,
                    "type": phone.kind,
                    "primary": phone.primary,
                    "smsOptOut": null,
                })
            })
            .collect();
        Ok(HttpResponse::Ok().json(json!({ "items": items })))
    })
    .await
}

/// `GET /contacts/{contactId}/jobs` → the contact's jobs as links, unassigned ones included.
pub(crate) async fn contact_jobs(req: HttpRequest, state: web::Data<SandboxState>) -> HttpResponse {
    let store = state.clone();
    serve(&req, None, &state, READ, |ctx, _| -> Outcome {
        let limits = Limits {
            style: Style::Record,
            default: 25,
            max: 50,
            bad_size: 416,
        };
        let paging = paging(&Query::of(&req)?, limits)?;
        let contact = find(&store, ctx, &req)?;
        let items: Vec<Value> = store
            .v2
            .jobs_of(&ctx.key, |job| job.contact_id == contact.id)
            .iter()
            .map(|job| json!({"id": job.id.to_string(), "_link": ctx.link(&format!("/jobs/{}", job.id))}))
            .collect();
        Ok(HttpResponse::Ok().json(page(&items, paging)))
    })
    .await
}

/// The contact of the path's `contactId`, of the caller's company, or 404.
fn find(state: &SandboxState, ctx: &Ctx, req: &HttpRequest) -> Result<V2Contact, Problem> {
    let id = path_uuid(req, "contactId")?;
    state
        .v2
        .contact(&ctx.key, id)
        .ok_or_else(|| Problem::V2(404, format!("Contact {id} was not found")))
}

/// The `contact` shape: phones and emails as links only (reference §3.6).
fn render(ctx: &Ctx, contact: &V2Contact) -> Value {
    let id = contact.id;
    let links = |kind: &str, ids: Vec<Uuid>| -> Vec<Value> {
        ids.into_iter()
            .map(|item| json!({"id": item.to_string(), "_link": ctx.link(&format!("/contacts/{id}/{kind}/{item}"))}))
            .collect()
    };
    json!({
        "id": id.to_string(),
        "_link": ctx.link(&format!("/contacts/{id}")),
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "salutation": null,
        "crossReference": contact.cross_reference,
        "companyName": contact.company_name,
        "phoneNumbers": links("phone-numbers", contact.phones.iter().map(|p| p.id).collect()),
        "emailAddresses": links("email-addresses", contact.emails.iter().map(|e| e.id).collect()),
        "mailingAddress": contact.mailing_address.as_ref().map(|a| render_address(ctx, a)),
        "billingAddress": contact.billing_address.as_ref().map(|a| render_address(ctx, a)),
    })
}

fn render_address(ctx: &Ctx, address: &V2ContactAddress) -> Value {
    let found = address.state_id.and_then(|id| seed().state_by_id(id));
    let country = address.country_id.and_then(|id| seed().country_by_id(id));
    json!({
        "street1": address.street1,
        "street2": address.street2,
        "city": address.city,
        "zipCode": address.zip_code,
        "state": found.map(|(country, state)| json!({
            "id": state.id, "name": state.name, "abbreviation": state.abbreviation,
            "_link": ctx.link(&format!("/acculynx/countries/{}/states/{}", country.id, state.id)),
        })),
        "country": country.map(|country| json!({
            "id": country.id, "name": country.name, "abbreviation": country.abbreviation,
            "_link": ctx.link(&format!("/acculynx/countries/{}", country.id)),
        })),
    })
}

const SORT_COLUMNS: &[&str] = &[
    "CreatedDate",
    "CompanyName",
    "ContactType",
    "firstName",
    "lastName",
    "LifeTimeValue",
];

/// A valid `contactSearchPost`.
struct Search {
    types: Option<Vec<Uuid>>,
    term: Option<String>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    column: &'static str,
    descending: bool,
}

impl Search {
    fn matches(&self, contact: &V2Contact) -> bool {
        let in_range = contact.created_date >= self.start && contact.created_date <= self.end;
        let typed = self
            .types
            .as_ref()
            .is_none_or(|types| contact.contact_type_ids.iter().any(|id| types.contains(id)));
        let named = self.term.as_ref().is_none_or(|term| {
            [
                &contact.first_name,
                &contact.last_name,
                &contact.company_name,
            ]
            .iter()
            .any(|name| {
                name.as_ref()
                    .is_some_and(|name| name.to_lowercase().contains(term))
            })
        });
        in_range && typed && named
    }

    fn sort(&self, contacts: &mut [V2Contact]) {
        let text = |value: &Option<String>| value.as_deref().unwrap_or_default().to_lowercase();
        let type_name = |contact: &V2Contact| {
            contact
                .contact_type_ids
                .first()
                .and_then(|id| seed().contact_types.iter().find(|t| t.id == *id))
                .map(|t| t.name.clone())
                .unwrap_or_default()
        };
        // Every sort is stable over creation order, so ties keep it.
        match self.column {
            "CompanyName" => contacts.sort_by_key(|c| text(&c.company_name)),
            "ContactType" => contacts.sort_by_key(type_name),
            "firstName" => contacts.sort_by_key(|c| text(&c.first_name)),
            "lastName" => contacts.sort_by_key(|c| text(&c.last_name)),
            _ => contacts.sort_by_key(|c| c.created_date),
        }
        if self.descending {
            contacts.reverse();
        }
    }
}

fn parse_search(body: &Value) -> Result<Search, Problem> {
    let obj = root(body)?;
    let mut errors = Errors::default();
    let types = opt_array(obj, "contactTypes", &mut errors).map(|names| {
        let mut ids = Vec::new();
        for (index, name) in names.iter().enumerate() {
            match name.as_str() {
                None => errors.push(&format!("contactTypes[{index}]"), "must be a string"),
                // An unknown name matches nothing rather than failing the search.
                Some(name) => ids.extend(seed().contact_type(name).map(|t| t.id)),
            }
        }
        ids
    });
    let term = opt_string(obj, "", "searchTerm", None, &mut errors)
        .map(|term| term.trim().to_lowercase())
        .filter(|term| !term.is_empty());
    let start = search_date(obj, "startDate", false, &mut errors);
    let end = search_date(obj, "endDate", true, &mut errors);
    let (mut column, mut descending) = ("CreatedDate", false);
    match opt_object(obj, "", "sort", &mut errors) {
        None if field(obj, "sort").is_none() => errors.push("sort", "is required"),
        None => {}
        Some(sort) => {
            if let Some(text) = req_string(sort, "sort", "sortColumn", None, &mut errors) {
                match one_of(&text, SORT_COLUMNS) {
                    Some(known) => column = known,
                    None => errors.push("sort.sortColumn", "is not a sort column"),
                }
            }
            if let Some(text) = req_string(sort, "sort", "sortDirection", None, &mut errors) {
                match one_of(&text, &["Ascending", "Descending"]) {
                    Some(known) => descending = known == "Descending",
                    None => errors.push("sort.sortDirection", "must be Ascending or Descending"),
                }
            }
        }
    }
    let search = Search {
        types,
        term,
        start: start.unwrap_or_default(),
        end: end.unwrap_or_default(),
        column,
        descending,
    };
    errors.result(search)
}

/// A required ISO 8601 date-time (a date alone is its whole day; no offset is UTC).
fn search_date(
    obj: &serde_json::Map<String, Value>,
    name: &str,
    end_of_day: bool,
    errors: &mut Errors,
) -> Option<DateTime<Utc>> {
    let text = req_string(obj, "", name, None, errors)?;
    let text = text.trim();
    let parsed = DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|at| at.and_utc())
        })
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|day| {
                    let day = if end_of_day { day.succ_opt()? } else { day };
                    let at = day.and_hms_opt(0, 0, 0)?.and_utc();
                    Some(if end_of_day {
                        at - chrono::Duration::nanoseconds(1)
                    } else {
                        at
                    })
                })
        });
    if parsed.is_none() {
        errors.push(name, "must be an ISO 8601 date-time");
    }
    parsed
}
