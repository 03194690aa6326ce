//! What users submit: raw form input, and its validation into domain values.

use serde::Deserialize;

use super::validation::{self as v, FieldErrors};
use super::{Category, Direction, OrganisationKind};

pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_BYTES: usize = 1024;

/// An offer or request as typed into the form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ItemInput {
    pub organisation_id: String,
    /// The event the item is for; empty for the year-round marketplace.
    pub event_id: String,
    pub direction: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub theme: String,
    pub hours: String,
    pub quantity: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    pub direction: Direction,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub theme: Option<String>,
    pub hours: Option<i32>,
    pub quantity: Option<String>,
}

impl ItemInput {
    pub fn validate(&self) -> Result<NewItem, FieldErrors> {
        let mut e = FieldErrors::new();
        let direction = v::choice(
            &mut e,
            "direction",
            crate::t("choose-vraag-of-aanbod"),
            &self.direction,
        );
        let category = v::choice(
            &mut e,
            "category",
            crate::t("choose-een-categorie"),
            &self.category,
        );
        let title = v::text(
            &mut e,
            "title",
            crate::t("field-een-titel"),
            &self.title,
            3,
            120,
        );
        let description = v::text(
            &mut e,
            "description",
            crate::t("field-de-beschrijving"),
            &self.description,
            0,
            4000,
        );
        let theme = v::optional_text(
            &mut e,
            "theme",
            crate::t("field-het-thema"),
            &self.theme,
            40,
        )
        .map(|t| t.to_lowercase());
        let hours = v::optional_number(
            &mut e,
            "hours",
            crate::t("field-het-aantal-uren"),
            &self.hours,
            10_000,
        );
        let quantity = v::optional_text(
            &mut e,
            "quantity",
            crate::t("field-de-hoeveelheid"),
            &self.quantity,
            120,
        );
        match (direction, category) {
            (Some(direction), Some(category)) if e.is_empty() => Ok(NewItem {
                direction,
                category,
                title,
                description,
                theme,
                hours,
                quantity,
            }),
            _ => Err(e),
        }
    }
}

/// An organisation as typed into the registration or edit form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OrganisationInput {
    pub org_name: String,
    pub kind: String,
    pub municipality: String,
    pub postcode: String,
    pub description: String,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewOrganisation {
    pub name: String,
    pub kind: OrganisationKind,
    pub municipality: String,
    pub postcode: Option<String>,
    pub description: String,
    pub website: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
}

impl OrganisationInput {
    pub fn validate(&self) -> Result<NewOrganisation, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = v::text(
            &mut e,
            "org_name",
            crate::t("field-de-naam-van-de-organisatie"),
            &self.org_name,
            2,
            120,
        );
        let kind = v::choice(
            &mut e,
            "kind",
            crate::t("choose-het-soort-organisatie"),
            &self.kind,
        );
        let municipality = v::text(
            &mut e,
            "municipality",
            crate::t("field-de-gemeente"),
            &self.municipality,
            2,
            80,
        );
        let postcode = v::postcode(&mut e, "postcode", &self.postcode);
        let description = v::text(
            &mut e,
            "description",
            crate::t("field-de-beschrijving"),
            &self.description,
            0,
            2000,
        );
        let website = v::optional_text(
            &mut e,
            "website",
            crate::t("field-de-website"),
            &self.website,
            200,
        );
        let website = website.map(|w| {
            if w.starts_with("http://") || w.starts_with("https://") {
                w
            } else {
                format!("https://{w}")
            }
        });
        if website.as_deref().is_some_and(|w| {
            w.contains(char::is_whitespace)
                || !w
                    .split_once("://")
                    .is_some_and(|(_, host)| host.contains('.'))
        }) {
            e.add("website", crate::t("validation-website"));
        }
        let contact_name = v::optional_text(
            &mut e,
            "contact_name",
            crate::t("field-de-contactpersoon"),
            &self.contact_name,
            120,
        );
        let contact_email = if self.contact_email.trim().is_empty() {
            None
        } else {
            Some(v::email(&mut e, "contact_email", &self.contact_email))
        };
        let contact_phone = v::optional_text(
            &mut e,
            "contact_phone",
            crate::t("field-het-telefoonnummer"),
            &self.contact_phone,
            40,
        );
        match kind {
            Some(kind) if e.is_empty() => Ok(NewOrganisation {
                name,
                kind,
                municipality,
                postcode,
                description,
                website,
                contact_name,
                contact_email,
                contact_phone,
            }),
            _ => Err(e),
        }
    }
}

/// The account part of the registration form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AccountInput {
    pub name: String,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAccount {
    pub name: String,
    pub email: String,
    pub password: String,
}

impl AccountInput {
    pub fn validate(&self) -> Result<NewAccount, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = v::text(
            &mut e,
            "name",
            crate::t("field-je-naam"),
            &self.name,
            1,
            120,
        );
        let email = v::email(&mut e, "email", &self.email);
        password(&mut e, "password", &self.password);
        e.into_result(NewAccount {
            name,
            email,
            password: self.password.clone(),
        })
    }
}

/// A new password: long enough to resist guessing, short enough to hash cheaply.
pub fn password(e: &mut FieldErrors, field: &'static str, value: &str) {
    if value.chars().count() < MIN_PASSWORD_CHARS {
        e.add(
            field,
            crate::tr("validation-password-short")
                .arg("min", MIN_PASSWORD_CHARS)
                .to_string(),
        );
    } else if value.len() > MAX_PASSWORD_BYTES {
        e.add(field, crate::t("validation-password-long"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> ItemInput {
        ItemInput {
            direction: "request".into(),
            category: "materiaal".into(),
            title: "Laptops voor de huiswerkklas".into(),
            theme: "Onderwijs".into(),
            hours: "".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_item_is_accepted_and_normalised() {
        let new = item().validate().unwrap();
        assert_eq!(new.direction, Direction::Request);
        assert_eq!(new.theme.as_deref(), Some("onderwijs"));
        assert_eq!(new.hours, None);
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let bad = ItemInput {
            category: "geld".into(),
            title: "x".into(),
            hours: "veel".into(),
            ..item()
        };
        let errors = bad.validate().unwrap_err();
        assert!(errors.get("category").is_some());
        assert!(errors.get("title").is_some());
        assert!(errors.get("hours").is_some());
        assert!(errors.get("direction").is_none());
    }

    #[test]
    fn short_passwords_are_refused() {
        let input = AccountInput {
            name: "Anna".into(),
            email: "anna@voorbeeld.nl".into(),
            password: "kort".into(),
        };
        assert!(input.validate().unwrap_err().get("password").is_some());
    }

    #[test]
    fn websites_get_a_scheme() {
        let input = OrganisationInput {
            org_name: "Kinderboerderij".into(),
            kind: "vrijwilligersorganisatie".into(),
            municipality: "Hellendoorn".into(),
            website: "www.bolster.nl".into(),
            ..Default::default()
        };
        assert_eq!(
            input.validate().unwrap().website.as_deref(),
            Some("https://www.bolster.nl")
        );
    }
}
