//! The companies a request, a command or a job may see (SPEC §3): every company-owned query
//! takes a scope, so a request for another company's data finds nothing (404) by construction.

/// The companies a request may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompanyScope {
    /// A platform admin: every company.
    All,
    /// One company, by id.
    Company(String),
}

impl CompanyScope {
    /// Whether this scope includes the company.
    pub fn includes(&self, company_id: &str) -> bool {
        match self {
            CompanyScope::All => true,
            CompanyScope::Company(id) => id == company_id,
        }
    }
}
