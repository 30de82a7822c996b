//! Which of AccuLynx's APIs a location's leads go to: v1 leads or v2 contact and job.

/// The AccuLynx API a location's leads are delivered through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccuLynxApi {
    /// `POST /api/v1/leads`: one request per lead (deprecated by AccuLynx).
    V1,
    /// v2: a contact (found or created) and a job in milestone Lead.
    V2,
}

impl AccuLynxApi {
    /// Both, in the order the setting lists them.
    pub const ALL: [AccuLynxApi; 2] = [Self::V1, Self::V2];

    /// As stored and as typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
        }
    }

    /// Parses the stored form (unknown reads as v1, the only one older rows know).
    pub fn parse(text: &str) -> Self {
        match text {
            "v2" => Self::V2,
            _ => Self::V1,
        }
    }

    /// Parses what a person typed (`v1` or `v2`, any case).
    pub fn from_input(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "v1" => Ok(Self::V1),
            "v2" => Ok(Self::V2),
            other => Err(format!("the AccuLynx API must be v1 or v2, not {other:?}")),
        }
    }

    /// As shown on the location page.
    pub fn label(self) -> &'static str {
        match self {
            Self::V1 => "v1 leads",
            Self::V2 => "v2 contact and job",
        }
    }
}
