//! Accounts: first-run setup, sign-in, lockout, throttling, sessions, users, CLI, audit.
