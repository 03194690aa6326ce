//! What a party thought of a carried-out match: how satisfied (1 to 5),
//! whether it would do it again, and an optional line for the makelaar.

use time::{Duration, OffsetDateTime};

use super::validation::{self as v, FieldErrors};

/// The lowest and highest score.
pub const SCORES: [i16; 5] = [1, 2, 3, 4, 5];
/// The line for the makelaar is at most this long.
pub const MAX_REMARK: usize = 500;
/// An answer may be changed for this long after it was first given.
pub const CHANGE_WINDOW: Duration = Duration::days(14);

/// A whole, valid answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub satisfied: i16,
    pub again: bool,
    pub remark: Option<String>,
}

/// Check the form's three fields: `tevreden` (1-5), `weer` (ja/nee) and the
/// optional `toelichting`; Dutch messages per field otherwise.
pub fn parse(satisfied: &str, again: &str, remark: &str) -> Result<Answer, FieldErrors> {
    let mut errors = FieldErrors::new();
    let satisfied = match satisfied.trim() {
        "" => {
            errors.add("tevreden", crate::t("evaluation-error-satisfied-missing"));
            None
        }
        s => match s.parse::<i16>() {
            Ok(n) if SCORES.contains(&n) => Some(n),
            _ => {
                errors.add("tevreden", crate::t("evaluation-error-satisfied-range"));
                None
            }
        },
    };
    let again = match again.trim() {
        "ja" => Some(true),
        "nee" => Some(false),
        _ => {
            errors.add("weer", crate::t("evaluation-error-again"));
            None
        }
    };
    let remark = v::optional_text(
        &mut errors,
        "toelichting",
        crate::t("evaluation-field-remark"),
        remark,
        MAX_REMARK,
    );
    match (satisfied, again) {
        (Some(satisfied), Some(again)) if errors.is_empty() => Ok(Answer {
            satisfied,
            again,
            remark,
        }),
        _ => Err(errors),
    }
}

/// Until when an answer first given at `answered_at` may be changed.
pub fn changeable_until(answered_at: OffsetDateTime) -> OffsetDateTime {
    answered_at + CHANGE_WINDOW
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_answer_passes() {
        assert_eq!(
            parse("4", "ja", "  Fijne samenwerking "),
            Ok(Answer {
                satisfied: 4,
                again: true,
                remark: Some("Fijne samenwerking".into())
            })
        );
        assert_eq!(
            parse("1", "nee", ""),
            Ok(Answer {
                satisfied: 1,
                again: false,
                remark: None
            })
        );
    }

    #[test]
    fn scores_outside_one_to_five_and_missing_choices_are_refused() {
        for bad in ["0", "6", "-1", "3.5", "vier"] {
            let errors = parse(bad, "ja", "").unwrap_err();
            assert!(errors.get("tevreden").is_some(), "{bad}");
            assert!(errors.get("weer").is_none());
        }
        let errors = parse("", "", "").unwrap_err();
        assert!(errors.get("tevreden").is_some() && errors.get("weer").is_some());
        assert!(parse("3", "misschien", "")
            .unwrap_err()
            .get("weer")
            .is_some());
    }

    #[test]
    fn the_line_for_the_makelaar_has_a_limit() {
        let long = "x".repeat(MAX_REMARK + 1);
        assert!(parse("3", "ja", &long)
            .unwrap_err()
            .get("toelichting")
            .is_some());
        assert!(parse("3", "ja", &"x".repeat(MAX_REMARK)).is_ok());
    }
}
