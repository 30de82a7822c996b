//! The JSON API for scripts (`/api/v1/…`): a company's leads, one lead's timeline, and
//! resending a lead, authenticated by per-company API tokens (`Authorization: Bearer …`,
//! never a cookie, so CSRF does not apply). Tokens are made and revoked by company admins
//! on the portal's "API tokens" page, shown once and stored as a SHA-256 hash; each is
//! scoped to reading, or reading and resending. The OpenAPI document at `/api/openapi.json`
//! is generated from these handlers ([`openapi`]), so it cannot drift from them.

pub mod auth;
pub mod error;
pub mod leads;
pub mod model;
pub mod openapi;
pub mod queries;
pub mod shapes;
pub mod token;
pub mod token_pages;
pub mod tokens;
