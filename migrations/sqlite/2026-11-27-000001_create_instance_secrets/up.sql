-- Secrets of this installation (webhook signing secret, master-key check), encrypted
-- under the master key.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    ciphertext BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
