//! Tenancy and roles over the whole route table.
