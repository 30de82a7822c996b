//! The job endpoints (reference §3.8–§3.13): create, read (always 404: every sandbox job is
//! an unassigned lead, which `GET /jobs/{id}` hides), external references, the initial
//! appointment, the sales owner and messages. A job of another key is answered as missing.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde_json::{Value, json};
use uuid::Uuid;

use super::fields::utf16_len;
use super::job_body::{
    parse_appointment, parse_external_reference, parse_id, parse_job, parse_message,
};
use super::model::{V2ExternalReference, V2Job, V2Message};
use super::request::{Ctx, Endpoint, Outcome, Query, path_uuid, serve};
use super::seed::seed;
use crate::sandbox::V2Step;
use crate::sandbox::answers::Problem;
use crate::sandbox::server::SandboxState;

/// `POST /jobs` → 201 `{id, _link}`; the job is a Lead, unassigned.
pub(crate) async fn create_job(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let store = state.clone();
    serve(
        &req,
        Some(payload),
        &state,
        Endpoint::write(V2Step::CreateJob),
        |ctx, body| {
            let new = parse_job(&body.unwrap_or_default(), seed())?;
            if !store.v2.has_contact(&ctx.key, new.contact_id) {
                return Err(Problem::V2(
                    404,
                    format!("contact.id: contact {} was not found", new.contact_id),
                ));
            }
            let id = Uuid::new_v4();
            store.v2.add_job(
                ctx.key.clone(),
                V2Job {
                    id,
                    company_id: ctx.company_id.clone(),
                    contact_id: new.contact_id,
                    location_address: new.location_address,
                    priority: new.priority,
                    job_category_id: new.job_category_id,
                    work_type_id: new.work_type_id,
                    lead_source_id: new.lead_source_id,
                    trade_type_ids: new.trade_type_ids,
                    notes: new.notes,
                    current_milestone: "Lead".to_string(),
                    external_references: Vec::new(),
                    initial_appointment: None,
                    sales_owner_id: None,
                    messages: Vec::new(),
                    created_date: Utc::now(),
                },
            );
            Ok(HttpResponse::Created()
                .json(json!({"id": id.to_string(), "_link": ctx.link(&format!("/jobs/{id}"))})))
        },
    )
    .await
}

/// `GET /jobs/{jobId}`: 404 with no body, as AccuLynx answers for unassigned jobs (and for
/// jobs that do not exist).
pub(crate) async fn get_job(req: HttpRequest, state: web::Data<SandboxState>) -> HttpResponse {
    serve(
        &req,
        None,
        &state,
        Endpoint::read(V2Step::Lookups),
        |_, _| Ok(HttpResponse::NotFound().finish()),
    )
    .await
}

/// `{jobId, companyId, source, projectId}`.
fn reference_json(ctx: &Ctx, job_id: Uuid, reference: &V2ExternalReference) -> Value {
    json!({
        "jobId": job_id.to_string(),
        "companyId": ctx.company_id,
        "source": reference.source,
        "projectId": reference.project_id,
    })
}

/// `GET /jobs/external-references?source=&projectId=&jobId=` → a bare array (`[]` when
/// nothing matches); source and projectId match without regard to case.
pub(crate) async fn find_external_references(
    req: HttpRequest,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let store = state.clone();
    serve(
        &req,
        None,
        &state,
        Endpoint::read(V2Step::ExternalReference),
        |ctx, _| -> Outcome {
            let query = Query::of(&req)?;
            let mut problems = Vec::new();
            let source = query.get("source").map(str::trim).filter(|s| !s.is_empty());
            match source {
                None => problems.push("source is required"),
                Some(source) if utf16_len(source) > 50 => {
                    problems.push("source must be at most 50 characters");
                }
                Some(_) => {}
            }
            let project = query
                .get("projectId")
                .map(str::trim)
                .filter(|s| !s.is_empty());
            if project.is_some_and(|project| utf16_len(project) > 100) {
                problems.push("projectId must be at most 100 characters");
            }
            let job_text = query.get("jobId").map(str::trim).filter(|s| !s.is_empty());
            let job = match job_text {
                None => None,
                Some(text) => {
                    let parsed = Uuid::parse_str(text).ok();
                    if parsed.is_none() {
                        problems.push("jobId must be a uuid");
                    }
                    parsed
                }
            };
            if project.is_none() && job_text.is_none() {
                problems.push("projectId or jobId is required");
            }
            if !problems.is_empty() {
                return Err(Problem::V2(400, problems.join("; ")));
            }
            let source = source.unwrap_or_default();
            let mut found = Vec::new();
            for stored in store
                .v2
                .jobs_of(&ctx.key, |stored| job.is_none_or(|id| stored.id == id))
            {
                for reference in &stored.external_references {
                    let same_source = reference.source.to_lowercase() == source.to_lowercase();
                    let same_project = project.is_none_or(|project| {
                        reference.project_id.to_lowercase() == project.to_lowercase()
                    });
                    if same_source && same_project {
                        found.push(reference_json(ctx, stored.id, reference));
                    }
                }
            }
            Ok(HttpResponse::Ok().json(found))
        },
    )
    .await
}

/// `POST /jobs/external-references` → 201 `externalReference`. Duplicates are accepted (the
/// spec states no uniqueness) and each is recorded.
pub(crate) async fn add_external_reference(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let store = state.clone();
    let endpoint = Endpoint::write(V2Step::ExternalReference);
    serve(&req, Some(payload), &state, endpoint, |ctx, body| {
        let (job_id, source, project_id) = parse_external_reference(&body.unwrap_or_default())?;
        let reference = V2ExternalReference {
            source,
            project_id,
            created_date: Utc::now(),
        };
        let answer = reference_json(ctx, job_id, &reference);
        store
            .v2
            .update_job(&ctx.key, job_id, |job| {
                job.external_references.push(reference);
            })
            .ok_or_else(|| job_not_found(job_id))?;
        Ok(HttpResponse::Created().json(answer))
    })
    .await
}

/// `PUT /jobs/{jobId}/initial-appointment` → 204; replaces any earlier appointment.
pub(crate) async fn put_initial_appointment(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let store = state.clone();
    let endpoint = Endpoint::write(V2Step::Appointment);
    serve(&req, Some(payload), &state, endpoint, |ctx, body| {
        let job_id = path_uuid(&req, "jobId")?;
        let appointment = parse_appointment(&body.unwrap_or_default())?;
        store
            .v2
            .update_job(&ctx.key, job_id, |job| {
                job.initial_appointment = Some(appointment);
            })
            .ok_or_else(|| job_not_found(job_id))?;
        Ok(HttpResponse::NoContent().finish())
    })
    .await
}

/// `POST /jobs/{jobId}/representatives/sales-owner` `{id}` → 204; the id is an Active user's.
pub(crate) async fn set_sales_owner(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let store = state.clone();
    let endpoint = Endpoint::write(V2Step::SalesOwner);
    serve(&req, Some(payload), &state, endpoint, |ctx, body| {
        let job_id = path_uuid(&req, "jobId")?;
        let user_id = parse_id(&body.unwrap_or_default())?;
        if !store
            .v2
            .jobs_of(&ctx.key, |job| job.id == job_id)
            .is_empty()
            && seed().active_user(user_id).is_none()
        {
            return Err(Problem::V2(404, format!("User {user_id} was not found")));
        }
        store
            .v2
            .update_job(&ctx.key, job_id, |job| job.sales_owner_id = Some(user_id))
            .ok_or_else(|| job_not_found(job_id))?;
        Ok(HttpResponse::NoContent().finish())
    })
    .await
}

/// `POST /jobs/{jobId}/messages` `{message}` → 201 `{messageId}`.
pub(crate) async fn post_message(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<SandboxState>,
) -> HttpResponse {
    let store = state.clone();
    let endpoint = Endpoint::write(V2Step::Message);
    serve(&req, Some(payload), &state, endpoint, |ctx, body| {
        let job_id = path_uuid(&req, "jobId")?;
        let message = parse_message(&body.unwrap_or_default())?;
        let id = Uuid::new_v4();
        let entry = V2Message {
            id,
            message,
            created_date: Utc::now(),
        };
        store
            .v2
            .update_job(&ctx.key, job_id, |job| job.messages.push(entry))
            .ok_or_else(|| job_not_found(job_id))?;
        Ok(HttpResponse::Created().json(json!({ "messageId": id.to_string() })))
    })
    .await
}

fn job_not_found(id: Uuid) -> Problem {
    Problem::V2(404, format!("Job {id} was not found"))
}
