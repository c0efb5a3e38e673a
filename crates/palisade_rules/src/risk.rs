//! Risk ratings: DREAD (five factors, 0–10) or the OWASP Risk Rating Methodology (eight likelihood
//! and eight impact factors, 0–9), chosen per model. Every threat gets a default rating from its
//! rule (the finding's severity, and whether anyone who can read the API description can find it);
//! a person can replace it in the model with their own factors and a reason.
//!
//! Both methods place a threat on the same 3×3 matrix of likelihood and impact bands, so a risk
//! matrix means the same thing whichever method a model uses.

use palisade_model::{
    Dread, OwaspImpact, OwaspLikelihood, OwaspRisk, RatingMethod, RiskOverride, Severity, Stride,
};
use serde::Serialize;

/// A band of likelihood or impact: a row or column of the risk matrix.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Low,
    Medium,
    High,
}

impl Band {
    /// Low, medium and high, in that order.
    pub const ALL: [Band; 3] = [Band::Low, Band::Medium, Band::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    /// The OWASP bands on a 0–9 scale: below 3 low, below 6 medium, else high.
    fn of_owasp(value: f64) -> Self {
        if value < 3.0 {
            Self::Low
        } else if value < 6.0 {
            Self::Medium
        } else {
            Self::High
        }
    }

    /// The same bands on DREAD's 0–10 scale (thirds).
    fn of_dread(value: f64) -> Self {
        Self::of_owasp(value * 0.9)
    }
}

/// The OWASP overall severity of a likelihood and an impact (its 3×3 matrix); `Note` is `info`.
pub fn matrix_level(likelihood: Band, impact: Band) -> Severity {
    match (likelihood, impact) {
        (Band::Low, Band::Low) => Severity::Info,
        (Band::Low, Band::Medium) | (Band::Medium, Band::Low) => Severity::Low,
        (Band::Low, Band::High) | (Band::Medium, Band::Medium) | (Band::High, Band::Low) => {
            Severity::Medium
        }
        (Band::Medium, Band::High) | (Band::High, Band::Medium) => Severity::High,
        (Band::High, Band::High) => Severity::Critical,
    }
}

/// A risk rating: the factors, the likelihood and impact they give, and the level.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Risk {
    /// The model's rating method (`policy.rating`).
    pub method: RatingMethod,
    /// DREAD factors, when the method is DREAD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dread: Option<Dread>,
    /// OWASP Risk Rating factors, when the method is OWASP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owasp: Option<OwaspRisk>,
    /// DREAD: the mean of the five factors (0–10). OWASP: the mean of likelihood and impact (0–9).
    pub score: f64,
    /// DREAD: the mean of reproducibility, exploitability and discoverability (0–10). OWASP: the
    /// mean of the eight likelihood factors (0–9).
    pub likelihood: f64,
    /// DREAD: the mean of damage and affected users (0–10). OWASP: the higher of the technical
    /// and the business impact means (0–9).
    pub impact: f64,
    pub likelihood_band: Band,
    pub impact_band: Band,
    /// DREAD: from the score (8 critical, 6.5 high, 4.5 medium, 2.5 low). OWASP: from the matrix.
    pub level: Severity,
    /// Why a person replaced the rule's default rating; absent for defaults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn mean(values: &[u8]) -> f64 {
    let sum: u32 = values.iter().copied().map(u32::from).sum();
    #[allow(clippy::cast_precision_loss)]
    let n = values.len().max(1) as f64;
    f64::from(sum) / n
}

impl Risk {
    /// Rates DREAD factors: the score is their mean; the level follows the usual bands.
    pub fn from_dread(dread: Dread) -> Self {
        let score = mean(&[
            dread.damage,
            dread.reproducibility,
            dread.exploitability,
            dread.affected_users,
            dread.discoverability,
        ]);
        let likelihood = mean(&[
            dread.reproducibility,
            dread.exploitability,
            dread.discoverability,
        ]);
        let impact = mean(&[dread.damage, dread.affected_users]);
        let level = if score >= 8.0 {
            Severity::Critical
        } else if score >= 6.5 {
            Severity::High
        } else if score >= 4.5 {
            Severity::Medium
        } else if score >= 2.5 {
            Severity::Low
        } else {
            Severity::Info
        };
        Self {
            method: RatingMethod::Dread,
            dread: Some(dread),
            owasp: None,
            score,
            likelihood,
            impact,
            likelihood_band: Band::of_dread(likelihood),
            impact_band: Band::of_dread(impact),
            level,
            reason: None,
        }
    }

    /// Rates OWASP factors: likelihood and impact means, their bands, and the matrix level.
    pub fn from_owasp(owasp: OwaspRisk) -> Self {
        let l = owasp.likelihood;
        let i = owasp.impact;
        let likelihood = mean(&[
            l.skill_level,
            l.motive,
            l.opportunity,
            l.size,
            l.ease_of_discovery,
            l.ease_of_exploit,
            l.awareness,
            l.intrusion_detection,
        ]);
        let technical = mean(&[
            i.loss_of_confidentiality,
            i.loss_of_integrity,
            i.loss_of_availability,
            i.loss_of_accountability,
        ]);
        let business = mean(&[
            i.financial_damage,
            i.reputation_damage,
            i.non_compliance,
            i.privacy_violation,
        ]);
        let impact = technical.max(business);
        let likelihood_band = Band::of_owasp(likelihood);
        let impact_band = Band::of_owasp(impact);
        Self {
            method: RatingMethod::Owasp,
            dread: None,
            owasp: Some(owasp),
            score: f64::midpoint(likelihood, impact),
            likelihood,
            impact,
            likelihood_band,
            impact_band,
            level: matrix_level(likelihood_band, impact_band),
            reason: None,
        }
    }

    /// The default rating of a threat of this severity and STRIDE categories, by `method`.
    /// `remote`: found from an API description anyone can read (discovery is easier).
    ///
    /// The factors are chosen so that the level equals the severity: critical is high likelihood
    /// and high impact; high is high likelihood and medium impact; medium is medium and medium;
    /// low is medium likelihood and low impact; info is low and low.
    pub fn default_for(
        method: RatingMethod,
        severity: Severity,
        remote: bool,
        stride: &[Stride],
    ) -> Self {
        match method {
            RatingMethod::Dread => Self::from_dread(default_dread(severity, remote)),
            RatingMethod::Owasp => Self::from_owasp(default_owasp(severity, remote, stride)),
        }
    }

    /// The rating of a threat: the person's factors for `method` when the model gives them,
    /// else the default for `severity`. The reason is kept either way.
    pub fn rate(
        method: RatingMethod,
        severity: Severity,
        remote: bool,
        stride: &[Stride],
        person: Option<&RiskOverride>,
    ) -> Self {
        let factors = person.and_then(|p| match method {
            RatingMethod::Dread => p.dread.map(Self::from_dread),
            RatingMethod::Owasp => p.owasp.map(Self::from_owasp),
        });
        let mut risk =
            factors.unwrap_or_else(|| Self::default_for(method, severity, remote, stride));
        risk.reason = person.and_then(|p| p.reason.clone());
        risk
    }

    /// Whether a person supplied the factors of this rating.
    pub fn is_rated_by_a_person(&self, person: Option<&RiskOverride>) -> bool {
        person.is_some_and(|p| match self.method {
            RatingMethod::Dread => p.dread.is_some(),
            RatingMethod::Owasp => p.owasp.is_some(),
        })
    }
}

/// (likelihood, impact) bases on 0–10 for DREAD.
fn dread_bases(severity: Severity) -> (u8, u8) {
    match severity {
        Severity::Critical => (9, 9),
        Severity::High => (8, 5),
        Severity::Medium => (5, 5),
        Severity::Low => (5, 2),
        Severity::Info => (1, 1),
    }
}

fn default_dread(severity: Severity, remote: bool) -> Dread {
    let (likelihood, impact) = dread_bases(severity);
    Dread {
        damage: impact,
        reproducibility: likelihood,
        exploitability: likelihood,
        affected_users: impact,
        discoverability: if remote {
            likelihood.saturating_add(1).min(10)
        } else {
            likelihood
        },
    }
}

/// (likelihood, impact) bases on 0–9 for OWASP, one in the middle of each band.
fn owasp_bases(severity: Severity) -> (u8, u8) {
    match severity {
        Severity::Critical => (7, 7),
        Severity::High => (7, 4),
        Severity::Medium => (4, 4),
        Severity::Low => (4, 1),
        Severity::Info => (1, 1),
    }
}

fn default_owasp(severity: Severity, remote: bool, stride: &[Stride]) -> OwaspRisk {
    let (l, i) = owasp_bases(severity);
    let has = |s: &[Stride]| stride.iter().any(|x| s.contains(x));
    // The technical impacts the threat's STRIDE categories touch are one point higher: the
    // means stay inside the band, the factors say what is at stake.
    let bump = |hit: bool| if hit { i.saturating_add(1).min(9) } else { i };
    OwaspRisk {
        likelihood: OwaspLikelihood {
            skill_level: l,
            motive: l,
            opportunity: l,
            size: l,
            ease_of_discovery: if remote {
                l.saturating_add(1).min(9)
            } else {
                l
            },
            ease_of_exploit: l,
            awareness: l,
            intrusion_detection: l,
        },
        impact: OwaspImpact {
            loss_of_confidentiality: bump(has(&[
                Stride::InformationDisclosure,
                Stride::ElevationOfPrivilege,
            ])),
            loss_of_integrity: bump(has(&[
                Stride::Tampering,
                Stride::Spoofing,
                Stride::ElevationOfPrivilege,
            ])),
            loss_of_availability: bump(has(&[Stride::DenialOfService])),
            loss_of_accountability: bump(has(&[Stride::Repudiation])),
            financial_damage: i,
            reputation_damage: i,
            non_compliance: i,
            privacy_violation: i,
        },
    }
}

/// How many threats fall in each cell of the 3×3 risk matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskMatrix {
    /// `counts[likelihood][impact]`, bands in order low, medium, high.
    counts: [[usize; 3]; 3],
}

/// One cell of the risk matrix, as serialized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MatrixCell {
    pub likelihood: Band,
    pub impact: Band,
    /// The level the OWASP matrix gives this cell.
    pub level: Severity,
    pub count: usize,
}

impl RiskMatrix {
    /// Counts `risks` by their likelihood and impact bands.
    pub fn of<'a>(risks: impl IntoIterator<Item = &'a Risk>) -> Self {
        let mut m = Self::default();
        for r in risks {
            m.counts[r.likelihood_band as usize][r.impact_band as usize] += 1;
        }
        m
    }

    pub fn count(&self, likelihood: Band, impact: Band) -> usize {
        self.counts[likelihood as usize][impact as usize]
    }

    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    /// Every cell, high likelihood first, then by impact from low to high.
    pub fn cells(&self) -> Vec<MatrixCell> {
        let mut cells = Vec::with_capacity(9);
        for likelihood in Band::ALL.into_iter().rev() {
            for impact in Band::ALL {
                cells.push(MatrixCell {
                    likelihood,
                    impact,
                    level: matrix_level(likelihood, impact),
                    count: self.count(likelihood, impact),
                });
            }
        }
        cells
    }

    /// A small grid: likelihood down the side (high at the top), impact along the bottom.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, likelihood) in Band::ALL.into_iter().rev().enumerate() {
            let side = if i == 0 { "likelihood" } else { "" };
            out.push_str(&format!("{side:>10} {:>6} │", likelihood.as_str()));
            for impact in Band::ALL {
                out.push_str(&format!(" {:>6}", self.count(likelihood, impact)));
            }
            out.push('\n');
        }
        out.push_str(&format!("{:>17} └{}\n", "", "─".repeat(21)));
        out.push_str(&format!(
            "{:>19}{:>7}{:>7}{:>7}\n{:>19}{:>21}\n",
            "", "low", "medium", "high", "", "impact"
        ));
        out
    }
}

impl Serialize for RiskMatrix {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.cells().serialize(s)
    }
}

impl schemars::JsonSchema for RiskMatrix {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RiskMatrix".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<MatrixCell>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_give_back_their_severity_in_both_methods() {
        for severity in [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ] {
            for remote in [false, true] {
                for stride in [
                    &[][..],
                    &[Stride::Spoofing, Stride::ElevationOfPrivilege][..],
                    &[
                        Stride::Tampering,
                        Stride::InformationDisclosure,
                        Stride::DenialOfService,
                        Stride::Repudiation,
                    ][..],
                ] {
                    for method in [RatingMethod::Dread, RatingMethod::Owasp] {
                        let r = Risk::default_for(method, severity, remote, stride);
                        assert_eq!(r.level, severity, "{method} {severity} remote={remote}");
                        assert_eq!(r.method, method);
                    }
                }
            }
        }
    }

    #[test]
    fn dread_and_owasp_follow_their_methods() {
        let r = Risk::from_dread(Dread {
            damage: 10,
            reproducibility: 10,
            exploitability: 7,
            affected_users: 10,
            discoverability: 10,
        });
        assert!((r.score - 9.4).abs() < 1e-9);
        assert_eq!(r.level, Severity::Critical);
        assert_eq!((r.likelihood_band, r.impact_band), (Band::High, Band::High));
        // A medium likelihood (5.25) and a low impact (technical 1.25, business 2.25, the
        // higher counts): overall low on the OWASP matrix.
        let o = Risk::from_owasp(OwaspRisk {
            likelihood: OwaspLikelihood {
                skill_level: 5,
                motive: 2,
                opportunity: 7,
                size: 1,
                ease_of_discovery: 3,
                ease_of_exploit: 6,
                awareness: 9,
                intrusion_detection: 9,
            },
            impact: OwaspImpact {
                loss_of_confidentiality: 2,
                loss_of_integrity: 1,
                loss_of_availability: 1,
                loss_of_accountability: 1,
                financial_damage: 1,
                reputation_damage: 2,
                non_compliance: 1,
                privacy_violation: 5,
            },
        });
        assert!((o.likelihood - 5.25).abs() < 1e-9);
        assert!((o.impact - 2.25).abs() < 1e-9);
        assert_eq!(
            (o.likelihood_band, o.impact_band),
            (Band::Medium, Band::Low)
        );
        assert_eq!(o.level, Severity::Low);
    }

    #[test]
    fn a_persons_factors_win_and_keep_their_reason() {
        let person = RiskOverride {
            dread: Some(Dread {
                damage: 2,
                reproducibility: 2,
                exploitability: 2,
                affected_users: 2,
                discoverability: 2,
            }),
            reason: Some("internal only".into()),
            ..RiskOverride::default()
        };
        let r = Risk::rate(
            RatingMethod::Dread,
            Severity::High,
            true,
            &[],
            Some(&person),
        );
        assert_eq!(r.level, Severity::Info);
        assert_eq!(r.reason.as_deref(), Some("internal only"));
        assert!(r.is_rated_by_a_person(Some(&person)));
        // DREAD factors mean nothing to an OWASP-rated model: the default stays.
        let o = Risk::rate(
            RatingMethod::Owasp,
            Severity::High,
            true,
            &[],
            Some(&person),
        );
        assert_eq!(o.level, Severity::High);
        assert!(!o.is_rated_by_a_person(Some(&person)));
    }

    #[test]
    fn the_matrix_counts_and_draws() {
        let risks = [
            Risk::default_for(RatingMethod::Owasp, Severity::High, false, &[]),
            Risk::default_for(RatingMethod::Owasp, Severity::High, true, &[]),
            Risk::default_for(RatingMethod::Dread, Severity::Low, false, &[]),
        ];
        let m = RiskMatrix::of(&risks);
        assert_eq!(m.count(Band::High, Band::Medium), 2);
        assert_eq!(m.count(Band::Medium, Band::Low), 1);
        assert_eq!(m.total(), 3);
        assert_eq!(m.cells().len(), 9);
        insta::assert_snapshot!(m.text(), @r"
        likelihood   high │      0      2      0
                   medium │      1      0      0
                      low │      0      0      0
                          └─────────────────────
                               low medium   high
                                          impact
        ");
    }
}
