//! Lead intake (SPEC §6): every answer of `POST /hooks/{location_id}/{token}`, what is stored
//! before answering, and a lead's way from ClientTether's post to AccuLynx.

mod answers;
mod bodies;
mod grouped_store;
mod slow_clients;
