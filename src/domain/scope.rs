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

/// Proof that the caller sees every company (a platform admin's scope): the few queries that
/// read across companies take it, so they say so and cannot be reached with a company scope.
#[derive(Debug)]
pub struct EveryCompany(());

impl CompanyScope {
    /// [`EveryCompany`] for the platform scope; `None` for a company's.
    pub fn every_company(&self) -> Option<EveryCompany> {
        match self {
            CompanyScope::All => Some(EveryCompany(())),
            CompanyScope::Company(_) => None,
        }
    }
}
