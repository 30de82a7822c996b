//! `leadrelay bench`: the performance harness. Each benchmark measures a baseline in the
//! same run (what the machine does without leadrelay's work), so numbers from different
//! machines can be compared by their ratio. Results are printed as Markdown.

pub mod delivery;
pub mod intake;
pub mod load;
pub mod support;
