//! Tables, written by hand with portable column types (STYLE.md "Database"): the same
//! declarations serve SQLite and PostgreSQL. Keep in step with both migration folders.

diesel::table! {
    /// Secrets of this installation, sealed under the master key.
    instance_secrets (name) {
        name -> Text,
        ciphertext -> Binary,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Tenants.
    companies (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        time_zone -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        require_two_factor -> Bool,
    }
}

diesel::table! {
    /// People who sign in to the portal.
    users (id) {
        id -> Text,
        company_id -> Nullable<Text>,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        last_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        time_zone -> Nullable<Text>,
    }
}

diesel::table! {
    /// Server-side sessions; `id` is the SHA-256 of the cookie's token.
    sessions (id) {
        id -> Text,
        user_id -> Text,
        ip -> Text,
        user_agent -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    /// One-time first-run setup links; `token_hash` is the SHA-256 of the token.
    setup_tokens (token_hash) {
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Who did what, when, from where (SPEC §3).
    audit_events (id) {
        id -> BigInt,
        company_id -> Nullable<Text>,
        actor_user_id -> Nullable<Text>,
        actor -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        ip -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// A company's locations, each with its sealed AccuLynx key and webhook URL version.
    locations (id) {
        id -> Text,
        company_id -> Text,
        name -> Text,
        status -> Text,
        acculynx_key -> Nullable<Binary>,
        key_last4 -> Nullable<Text>,
        key_set_at -> Nullable<Timestamp>,
        key_status -> Text,
        key_checked_at -> Nullable<Timestamp>,
        key_check_message -> Nullable<Text>,
        url_version -> Integer,
        previous_url_version -> Nullable<Integer>,
        previous_url_valid_until -> Nullable<Timestamp>,
        mapping -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        acculynx_api -> Text,
        v2_defaults -> Text,
        rate_limit_policy -> Nullable<Text>,
        rate_limited_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Every lead received, with its payloads and delivery state.
    leads (id) {
        id -> Text,
        company_id -> Text,
        location_id -> Text,
        received_at -> Timestamp,
        status -> Text,
        content_type -> Text,
        request_headers -> Text,
        raw_body -> Nullable<Text>,
        mapped_body -> Nullable<Text>,
        warnings -> Text,
        errors -> Text,
        dedupe_key -> Nullable<Text>,
        duplicate_of -> Nullable<Text>,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        phone_digits -> Nullable<Text>,
        search_text -> Nullable<Text>,
        attempts -> Integer,
        retry_step -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        queued_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_http_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        payload_purged_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Each request made to AccuLynx for a lead.
    delivery_attempts (id) {
        id -> BigInt,
        lead_id -> Text,
        number -> Integer,
        started_at -> Timestamp,
        duration_ms -> Integer,
        request_body -> Nullable<Text>,
        http_status -> Nullable<Integer>,
        response_headers -> Text,
        response_body -> Nullable<Text>,
        error -> Nullable<Text>,
        outcome -> Text,
        summary -> Text,
        request -> Nullable<Text>,
    }
}

diesel::table! {
    /// What a lead's AccuLynx v2 delivery obtained so far (contact, job, steps done).
    v2_deliveries (lead_id) {
        lead_id -> Text,
        round -> Integer,
        contact_id -> Nullable<Text>,
        job_id -> Nullable<Text>,
        job_requested_at -> Nullable<Timestamp>,
        reference_done -> Bool,
        appointment_done -> Bool,
        sales_owner_done -> Bool,
        message_done -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The AccuLynx contact found or created for an email, per location.
    v2_contacts (location_id, email) {
        location_id -> Text,
        email -> Text,
        contact_id -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// AccuLynx's name → id lists, cached per location.
    v2_lookups (location_id, kind) {
        location_id -> Text,
        kind -> Text,
        items -> Text,
        fetched_at -> Timestamp,
    }
}

diesel::table! {
    /// Replays and edits of a lead.
    lead_events (id) {
        id -> BigInt,
        lead_id -> Text,
        kind -> Text,
        actor -> Text,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Webhook calls the intake refused, per location (the newest kept; no body, no token).
    refused_requests (id) {
        id -> BigInt,
        location_id -> Text,
        received_at -> Timestamp,
        http_status -> Integer,
        reason -> Text,
        content_type -> Text,
        body_size -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Bulk resends: a company's failed or held leads sent again, run in the background.
    bulk_resend_jobs (id) {
        id -> Text,
        company_id -> Text,
        location_id -> Nullable<Text>,
        lead_status -> Text,
        filter_words -> Text,
        list_href -> Text,
        total -> Integer,
        done -> Integer,
        failed -> Integer,
        created_by -> Text,
        created_by_user_id -> Nullable<Text>,
        state -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The leads a bulk resend takes, captured when it was confirmed, and what became of each.
    bulk_resend_items (job_id, lead_id) {
        job_id -> Text,
        lead_id -> Text,
        state -> Text,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// Tokens of a company's JSON API, for scripts: only the secret's SHA-256 is kept.
    api_tokens (id) {
        id -> Text,
        company_id -> Text,
        name -> Text,
        scope -> Text,
        secret_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Two-factor sign-in of a user: the sealed TOTP secret, when it was turned on, and the
    /// newest time step accepted (replay protection).
    two_factor (user_id) {
        user_id -> Text,
        secret -> Binary,
        enabled_at -> Nullable<Timestamp>,
        last_step -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One-time recovery codes of a user; `code_hash` is the SHA-256 of the code.
    recovery_codes (user_id, code_hash) {
        user_id -> Text,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Sign-ins waiting for their second step; `id` is the SHA-256 of the cookie's token.
    two_factor_challenges (id) {
        id -> Text,
        user_id -> Text,
        next -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::joinable!(users -> companies (company_id));
diesel::joinable!(two_factor -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(two_factor_challenges -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(locations -> companies (company_id));
diesel::joinable!(leads -> locations (location_id));
diesel::joinable!(delivery_attempts -> leads (lead_id));
diesel::joinable!(lead_events -> leads (lead_id));
diesel::joinable!(v2_deliveries -> leads (lead_id));
diesel::joinable!(refused_requests -> locations (location_id));
diesel::joinable!(bulk_resend_jobs -> companies (company_id));
diesel::joinable!(bulk_resend_items -> bulk_resend_jobs (job_id));
diesel::joinable!(bulk_resend_items -> leads (lead_id));
diesel::joinable!(api_tokens -> companies (company_id));

diesel::allow_tables_to_appear_in_same_query!(
    instance_secrets,
    companies,
    users,
    sessions,
    setup_tokens,
    audit_events,
    locations,
    leads,
    delivery_attempts,
    lead_events,
    v2_deliveries,
    v2_contacts,
    v2_lookups,
    refused_requests,
    bulk_resend_jobs,
    bulk_resend_items,
    api_tokens,
    two_factor,
    recovery_codes,
    two_factor_challenges,
);
