//! Page templates of the history feature and the view data they show.

use askama::Template;
use askama_web::WebTemplate;

use crate::history::chart::Chart;
use crate::http::pages::Chrome;
use crate::http::time::ShownTime;
use crate::leads::LeadStatus;
use crate::tenants::model::Company;

/// The start page of a fresh installation.
#[derive(Template, WebTemplate)]
#[template(path = "history/welcome.html")]
pub struct WelcomePage {
    /// Layout data.
    pub chrome: Chrome,
}

/// `1234567` → `"1,234,567"`.
pub fn thousands(number: i64) -> String {
    let digits = number.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if number < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// A location's leads in a time window, by what became of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowCounts {
    /// Every lead received.
    pub received: i64,
    /// Delivered.
    pub delivered: i64,
    /// Failed or rejected.
    pub failed: i64,
    /// Queued, retrying or held.
    pub waiting: i64,
}

impl WindowCounts {
    /// Counts `count` leads of `status` (unknown statuses count as failed: they need a look).
    pub fn count(&mut self, status: LeadStatus, count: i64) {
        self.received += count;
        match status {
            LeadStatus::Delivered => self.delivered += count,
            LeadStatus::Failed | LeadStatus::Rejected => self.failed += count,
            status if status.is_waiting() => self.waiting += count,
            _ => {}
        }
    }

    /// Adds another window's counts.
    pub fn add(&mut self, other: &WindowCounts) {
        self.received += other.received;
        self.delivered += other.delivered;
        self.failed += other.failed;
        self.waiting += other.waiting;
    }

    /// Delivered ÷ (delivered + failed), as "97%", or "—" when nothing has finished.
    pub fn success_rate(&self) -> String {
        let finished = self.delivered + self.failed;
        if finished == 0 {
            return "—".to_string();
        }
        let rate = self.delivered as f64 * 100.0 / finished as f64;
        if rate > 99.0 && self.failed > 0 {
            // Never round a failure away: "99.6%", not "100%".
            format!("{rate:.1}%")
        } else {
            format!("{}%", rate.floor() as i64)
        }
    }

    /// [`thousands`] of each number, in column order.
    pub fn cells(&self) -> [String; 4] {
        [
            thousands(self.received),
            thousands(self.delivered),
            thousands(self.failed),
            thousands(self.waiting),
        ]
    }
}

/// A row of the dashboard's table.
#[derive(Debug, Clone)]
pub struct LocationStats {
    /// Location id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Whether it was deleted (shown while it still has recent leads).
    pub deleted: bool,
    /// Last 24 hours.
    pub day: WindowCounts,
    /// Last 7 days.
    pub week: WindowCounts,
}

/// A recent failure on the dashboard.
#[derive(Debug, Clone)]
pub struct FailureRow {
    /// Lead id.
    pub id: String,
    /// The lead's name.
    pub name: String,
    /// Its location's name.
    pub location: String,
    /// When it arrived.
    pub received: ShownTime,
    /// Status code (badge class).
    pub status: &'static str,
    /// Status words.
    pub status_label: &'static str,
    /// Why, in a sentence.
    pub reason: String,
}

/// A location that needs someone.
#[derive(Debug, Clone)]
pub struct AttentionRow {
    /// Location id.
    pub location_id: String,
    /// Its name.
    pub location: String,
    /// What is wrong.
    pub problem: String,
    /// What to do.
    pub action: &'static str,
}

/// One company on the dashboard.
#[derive(Debug, Clone)]
pub struct CompanySummary {
    /// The company.
    pub company: Company,
    /// Whether it has a live location.
    pub has_locations: bool,
    /// Per location.
    pub rows: Vec<LocationStats>,
    /// All locations, last 24 hours.
    pub day_total: WindowCounts,
    /// All locations, last 7 days.
    pub week_total: WindowCounts,
    /// The last 14 days.
    pub chart: Chart,
    /// Newest failed or rejected leads.
    pub failures: Vec<FailureRow>,
    /// Locations that need someone.
    pub attention: Vec<AttentionRow>,
}

/// `GET /` for a signed-in user.
#[derive(Template, WebTemplate)]
#[template(path = "history/dashboard.html")]
pub struct DashboardPage {
    /// Layout data.
    pub chrome: Chrome,
    /// Whether the viewer sees every company.
    pub is_platform_admin: bool,
    /// Whether the viewer may change things (links to forms).
    pub can_manage: bool,
    /// The companies, by name.
    pub companies: Vec<CompanySummary>,
}

/// A lead in a list.
#[derive(Debug, Clone)]
pub struct ListRow {
    /// Lead id.
    pub id: String,
    /// When it arrived.
    pub received: ShownTime,
    /// "First Last" or "(no name)".
    pub name: String,
    /// Email, if any.
    pub email: String,
    /// Phone, if any.
    pub phone: String,
    /// Its location's name.
    pub location: String,
    /// Status code (badge class).
    pub status: &'static str,
    /// Status words.
    pub status_label: &'static str,
    /// Attempts so far.
    pub attempts: i32,
    /// Why the last attempt failed, if it did.
    pub last_error: String,
}

/// A status in the list's filter and counts.
#[derive(Debug, Clone)]
pub struct StatusCount {
    /// Status code; empty for "all".
    pub code: &'static str,
    /// Words.
    pub label: &'static str,
    /// Leads of this status matching the rest of the filter, grouped by thousands.
    pub count: String,
    /// The list filtered to this status.
    pub href: String,
    /// Whether it is the status shown now.
    pub current: bool,
}

/// A lead list: a location's (`/locations/{id}/leads`) or a company's
/// (`/companies/{slug}/leads`).
#[derive(Template, WebTemplate)]
#[template(path = "history/lead_list.html")]
pub struct LeadListPage {
    /// Layout data.
    pub chrome: Chrome,
    /// The company.
    pub company: Company,
    /// The location, for a location's list: (id, name).
    pub location: Option<(String, String)>,
    /// The list's own path (the filter form's action).
    pub path: String,
    /// Search typed.
    pub q: String,
    /// From date typed.
    pub from: String,
    /// To date typed.
    pub to: String,
    /// Status chosen (code; empty for all).
    pub status: String,
    /// "All" first, then one per status, with counts.
    pub counts: Vec<StatusCount>,
    /// The leads of this page.
    pub rows: Vec<ListRow>,
    /// Whether to show each lead's location (a company's list).
    pub show_location: bool,
    /// The next (older) page.
    pub older_href: Option<String>,
    /// The first page, when this is not it.
    pub newest_href: Option<String>,
    /// The CSV export of this filter.
    pub csv_href: String,
    /// Parts of the query that were left out, in sentences.
    pub problems: Vec<String>,
    /// Whether any filter is applied.
    pub filtered: bool,
    /// The zone times are shown in.
    pub time_zone: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(200_000), "200,000");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
    }

    #[test]
    fn the_success_rate_counts_finished_leads_and_never_rounds_a_failure_away() {
        let mut counts = WindowCounts::default();
        assert_eq!(counts.success_rate(), "—");
        counts.count(LeadStatus::Queued, 5);
        assert_eq!(counts.success_rate(), "—");
        counts.count(LeadStatus::Delivered, 2);
        counts.count(LeadStatus::Rejected, 1);
        assert_eq!(counts.success_rate(), "66%");
        counts.count(LeadStatus::Delivered, 997);
        assert_eq!(counts.success_rate(), "99.9%");
        assert_eq!(
            counts,
            WindowCounts {
                received: 1005,
                delivered: 999,
                failed: 1,
                waiting: 5
            }
        );
    }
}
