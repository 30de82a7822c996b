//! Page templates of the history feature and the view data they show.

use askama::Template;
use askama_web::WebTemplate;

use crate::history::chart::Chart;
use crate::http::pages::Chrome;
use crate::http::time::ShownTime;
use crate::leads::LeadStatus;
use crate::leads::figures::{Figure, Period, success_rate};
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

/// A location's leads in a time window, per status, and how many were delivered with
/// warnings; every figure is read through [`Figure`], the one definition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowCounts {
    /// Leads per status.
    pub by_status: Vec<(LeadStatus, i64)>,
    /// Delivered with warnings.
    pub with_warnings: i64,
}

impl WindowCounts {
    /// Counts `count` leads of `status`.
    pub fn count(&mut self, status: LeadStatus, count: i64) {
        match self
            .by_status
            .iter_mut()
            .find(|(known, _)| *known == status)
        {
            Some((_, total)) => *total += count,
            None => self.by_status.push((status, count)),
        }
    }

    /// Adds another window's counts.
    pub fn add(&mut self, other: &WindowCounts) {
        for (status, count) in &other.by_status {
            self.count(*status, *count);
        }
        self.with_warnings += other.with_warnings;
    }

    /// The number of a figure.
    pub fn of(&self, figure: Figure) -> i64 {
        if figure.with_warnings_only() {
            self.with_warnings
        } else {
            figure.count_of(&self.by_status)
        }
    }

    /// The leads of one status.
    pub fn of_status(&self, status: LeadStatus) -> i64 {
        self.by_status
            .iter()
            .filter(|(known, _)| *known == status)
            .map(|(_, count)| count)
            .sum()
    }

    /// Every lead received.
    pub fn received(&self) -> i64 {
        self.of(Figure::Received)
    }

    /// [`success_rate`] of these leads.
    pub fn success_rate(&self) -> String {
        success_rate(
            self.of(Figure::Delivered),
            self.of(Figure::Failed) + self.of(Figure::Rejected),
        )
    }
}

/// A figure of the dashboard as shown: its number, linked to the list of its leads.
#[derive(Debug, Clone)]
pub struct FigureCell {
    /// Words ("Failed").
    pub label: &'static str,
    /// The number, grouped by thousands.
    pub count: String,
    /// The number itself.
    pub value: i64,
    /// The lead list of exactly these leads.
    pub href: String,
    /// CSS class.
    pub css: &'static str,
}

/// One window of a dashboard row: the figures in column order, those delivered with
/// warnings, and the success rate.
#[derive(Debug, Clone)]
pub struct WindowView {
    /// [`Figure::COLUMNS`].
    pub cells: Vec<FigureCell>,
    /// Delivered with warnings.
    pub warnings: FigureCell,
    /// Success rate.
    pub rate: String,
}

impl WindowView {
    /// The figures of `counts`, each linked to `list_path` filtered to its leads in `period`.
    pub fn new(counts: &WindowCounts, list_path: &str, period: Period) -> Self {
        let cell = |figure: Figure| {
            let value = counts.of(figure);
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            if let Some(word) = figure.word() {
                query.append_pair("status", word);
            }
            query.append_pair("period", period.word());
            FigureCell {
                label: figure.label(),
                count: thousands(value),
                value,
                href: format!("{list_path}?{}", query.finish()),
                css: figure.css(),
            }
        };
        WindowView {
            cells: Figure::COLUMNS.into_iter().map(cell).collect(),
            warnings: cell(Figure::DeliveredWithWarnings),
            rate: counts.success_rate(),
        }
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
    pub day: WindowView,
    /// Last 7 days.
    pub week: WindowView,
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
    /// The list of the leads concerned, when the problem is leads.
    pub href: Option<String>,
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
    /// All locations, last 7 days, as counted.
    pub week_counts: WindowCounts,
    /// All locations, last 7 days, linked to the company's list.
    pub week_total: WindowView,
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
    /// Status code (badge class); `delivered-warnings` when delivered with warnings.
    pub status: &'static str,
    /// Status words ("Delivered with warnings").
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
    /// The figures the status can also be (waiting, delivered with warnings): (word, label).
    pub groups: Vec<(&'static str, &'static str)>,
    /// Period chosen (`24h`, `7d`; empty for any time).
    pub period: String,
    /// The periods offered: (word, words).
    pub periods: Vec<(&'static str, &'static str)>,
    /// How many leads match the whole filter, in words ("3 leads match").
    pub match_count: String,
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
    /// The "Resend these N leads" button, for admins on a list of failed or held leads.
    pub resend: Option<crate::bulk::pages::ResendOffer>,
    /// The newest bulk resends of this list's company (or location).
    pub resend_jobs: Vec<crate::bulk::pages::JobLink>,
}

/// A company on the platform admin's `/leads` picker.
#[derive(Debug, Clone)]
pub struct CompanyLeadsRow {
    /// Its name.
    pub name: String,
    /// Its lead list.
    pub href: String,
    /// Leads received in the last 7 days, grouped by thousands.
    pub week: String,
    /// Its lead list of the last 7 days.
    pub week_href: String,
}

/// `GET /leads` for a platform admin: pick a company's leads.
#[derive(Template, WebTemplate)]
#[template(path = "history/company_picker.html")]
pub struct CompanyPickerPage {
    /// Layout data.
    pub chrome: Chrome,
    /// Every company, by name.
    pub rows: Vec<CompanyLeadsRow>,
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
    fn the_success_rate_counts_finished_leads_and_rounds_to_the_nearest_percent() {
        let mut counts = WindowCounts::default();
        assert_eq!(counts.success_rate(), "—");
        counts.count(LeadStatus::Queued, 5);
        assert_eq!(counts.success_rate(), "—");
        counts.count(LeadStatus::Delivered, 2);
        counts.count(LeadStatus::Rejected, 1);
        assert_eq!(counts.success_rate(), "67%");
        counts.count(LeadStatus::Delivered, 997);
        assert_eq!(counts.success_rate(), "99.9%");
        assert_eq!(counts.received(), 1005);
        assert_eq!(counts.of(Figure::Waiting), 5);
        let view = WindowView::new(&counts, "/locations/l1/leads", Period::Week);
        assert_eq!(
            view.cells[4].href,
            "/locations/l1/leads?status=waiting&period=7d"
        );
        assert_eq!(view.cells[0].href, "/locations/l1/leads?period=7d");
    }
}
