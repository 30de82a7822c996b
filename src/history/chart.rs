//! The dashboard's 14-day chart (SPEC §8), drawn on the server as SVG: one stacked bar per
//! day (delivered, failed or rejected, the rest), each with its number written above it and
//! a `<title>` that screen readers and hovering read. The page also offers the same numbers
//! as a table. The geometry is computed here; the template only places it (and escapes).

use chrono::NaiveDate;

/// One day's leads, by what became of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCounts {
    /// The day, in the company's time zone.
    pub date: NaiveDate,
    /// Delivered.
    pub delivered: i64,
    /// Failed or rejected.
    pub failed: i64,
    /// Waiting (queued, retrying, held) or duplicate.
    pub other: i64,
}

impl DayCounts {
    /// Every lead received that day.
    pub fn received(&self) -> i64 {
        self.delivered + self.failed + self.other
    }
}

/// A coloured part of a bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// CSS class (`seg-delivered`, `seg-failed`, `seg-other`).
    pub class: &'static str,
    /// Top edge.
    pub y: u32,
    /// Height.
    pub height: u32,
}

/// One day's bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// Under the bar: "11/27".
    pub label: String,
    /// In the table and title: "Fri 27 Nov".
    pub long_label: String,
    /// Left edge.
    pub x: u32,
    /// Centre, for the texts.
    pub center: u32,
    /// Width.
    pub width: u32,
    /// Bottom to top: delivered, failed, other (empty ones left out).
    pub segments: Vec<Segment>,
    /// Where the number above the bar sits.
    pub value_y: u32,
    /// The day's numbers.
    pub counts: DayCounts,
    /// "Fri 27 Nov: 12 received: 10 delivered, 1 failed or rejected, 1 waiting or duplicate."
    pub summary: String,
}

/// A chart ready for the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// Unique within the page (ids of `<title>` and `<desc>`).
    pub id: String,
    /// What the chart shows.
    pub title: String,
    /// The numbers in one or two sentences.
    pub description: String,
    /// viewBox width.
    pub width: u32,
    /// viewBox height.
    pub height: u32,
    /// y of the axis.
    pub baseline: u32,
    /// y of the day labels.
    pub label_y: u32,
    /// One per day, oldest first.
    pub bars: Vec<Bar>,
    /// Whether there is nothing to draw.
    pub empty: bool,
}

const SLOT: u32 = 50;
const BAR: u32 = 32;
const MARGIN: u32 = 10;
const TOP: u32 = 22;
const PLOT: u32 = 160;

/// Lays out the chart of `days` (oldest first).
pub fn daily_chart(id: &str, title: &str, days: &[DayCounts]) -> Chart {
    let most = days.iter().map(DayCounts::received).max().unwrap_or(0);
    let baseline = TOP + PLOT;
    let scale = |count: i64| -> u32 {
        if count <= 0 || most <= 0 {
            return 0;
        }
        let height = (count as f64 / most as f64 * f64::from(PLOT)).round() as u32;
        height.max(1)
    };
    let bars = days
        .iter()
        .enumerate()
        .map(|(index, day)| {
            let x = MARGIN + index as u32 * SLOT + (SLOT - BAR) / 2;
            let mut top = baseline;
            let mut segments = Vec::new();
            for (class, count) in [
                ("seg-delivered", day.delivered),
                ("seg-failed", day.failed),
                ("seg-other", day.other),
            ] {
                // A rounded-up segment may poke a pixel or two into the top margin.
                let height = scale(count).min(top);
                if height > 0 {
                    top -= height;
                    segments.push(Segment {
                        class,
                        y: top,
                        height,
                    });
                }
            }
            let long_label = day.date.format("%a %-d %b").to_string();
            Bar {
                label: day.date.format("%-m/%-d").to_string(),
                summary: format!(
                    "{long_label}: {} received: {} delivered, {} failed or rejected, {} waiting or duplicate.",
                    day.received(),
                    day.delivered,
                    day.failed,
                    day.other
                ),
                long_label,
                x,
                center: x + BAR / 2,
                width: BAR,
                segments,
                value_y: top.saturating_sub(5),
                counts: *day,
            }
        })
        .collect::<Vec<_>>();
    let total: i64 = days.iter().map(DayCounts::received).sum();
    let delivered: i64 = days.iter().map(|day| day.delivered).sum();
    let failed: i64 = days.iter().map(|day| day.failed).sum();
    let description = if total == 0 {
        format!("No leads were received in the last {} days.", days.len())
    } else {
        format!(
            "{total} leads received in the last {} days: {delivered} delivered, {failed} failed or rejected, {} waiting or duplicate. The busiest day had {most}.",
            days.len(),
            total - delivered - failed
        )
    };
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        description,
        width: MARGIN * 2 + SLOT * days.len() as u32,
        height: baseline + 24,
        baseline,
        label_y: baseline + 16,
        bars,
        empty: total == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32, delivered: i64, failed: i64, other: i64) -> DayCounts {
        DayCounts {
            date: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            delivered,
            failed,
            other,
        }
    }

    #[test]
    fn bars_are_stacked_to_scale_with_their_numbers() {
        let chart = daily_chart(
            "c1",
            "Leads per day",
            &[day(26, 0, 0, 0), day(27, 6, 2, 2), day(28, 3, 0, 2)],
        );
        assert_eq!(chart.bars.len(), 3);
        assert!(chart.bars[0].segments.is_empty());
        let busiest = &chart.bars[1];
        let heights: Vec<u32> = busiest.segments.iter().map(|s| s.height).collect();
        assert_eq!(heights, vec![96, 32, 32], "10 leads fill the plot");
        assert_eq!(
            busiest.segments[2].y, TOP,
            "the tallest bar reaches the top"
        );
        assert_eq!(
            busiest.summary,
            "Fri 27 Nov: 10 received: 6 delivered, 2 failed or rejected, 2 waiting or duplicate."
        );
        assert_eq!(chart.bars[2].segments[0].height, 48);
        assert!(
            chart
                .description
                .starts_with("15 leads received in the last 3 days")
        );
        assert!(!chart.empty);
    }

    #[test]
    fn a_quiet_fortnight_says_so() {
        let days: Vec<DayCounts> = (1..=14).map(|d| day(d, 0, 0, 0)).collect();
        let chart = daily_chart("c", "t", &days);
        assert!(chart.empty);
        assert_eq!(chart.width, 720);
        assert_eq!(
            chart.description,
            "No leads were received in the last 14 days."
        );
    }

    #[test]
    fn a_single_lead_among_many_still_shows() {
        let chart = daily_chart("c", "t", &[day(1, 1000, 1, 0)]);
        assert_eq!(chart.bars[0].segments[1].height, 1);
    }
}
