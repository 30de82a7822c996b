//! Headers on every answer (SPEC §3): a strict Content-Security-Policy with no inline
//! script, no framing, no MIME sniffing, and no referrer (pages show webhook URLs, which are
//! secrets). Pages are not cached by browsers or proxies for the same reason; static assets
//! set their own `Cache-Control`, which `DefaultHeaders` leaves alone.

use actix_web::middleware::DefaultHeaders;

/// The policy: everything from this origin only; no inline script or style, no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Middleware adding the security headers to every response that lacks them.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cache-Control", "no-store"))
}
