//! The public sign-up form for an edition, as the paper aanmeldformulier
//! has it: the organisation, its contact person, and its first offers and
//! requests.

use serde::{Deserialize, Serialize};

use super::forms::{ItemInput, NewItem, NewOrganisation, OrganisationInput};
use super::validation::FieldErrors;

/// How many offers and requests the form has room for.
pub const ITEM_ROWS: usize = 3;

/// The field names of one item row, for messages beside the right field.
pub const ITEM_FIELDS: [[&str; 4]; ITEM_ROWS] = [
    [
        "item1_direction",
        "item1_category",
        "item1_title",
        "item1_description",
    ],
    [
        "item2_direction",
        "item2_category",
        "item2_title",
        "item2_description",
    ],
    [
        "item3_direction",
        "item3_category",
        "item3_title",
        "item3_description",
    ],
];

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SignupInput {
    pub org_name: String,
    pub kind: String,
    pub municipality_id: String,
    pub postcode: String,
    pub kvk: String,
    pub description: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub item1_direction: String,
    pub item1_category: String,
    pub item1_title: String,
    pub item1_description: String,
    pub item2_direction: String,
    pub item2_category: String,
    pub item2_title: String,
    pub item2_description: String,
    pub item3_direction: String,
    pub item3_category: String,
    pub item3_title: String,
    pub item3_description: String,
}

/// A checked sign-up.
#[derive(Debug, Clone)]
pub struct NewSignup {
    pub organisation: NewOrganisation,
    pub municipality_id: i64,
    pub kvk: Option<String>,
    pub items: Vec<NewItem>,
}

impl SignupInput {
    /// One item row as typed: (direction, category, title, description).
    pub fn row(&self, i: usize) -> (&str, &str, &str, &str) {
        match i {
            0 => (
                &self.item1_direction,
                &self.item1_category,
                &self.item1_title,
                &self.item1_description,
            ),
            1 => (
                &self.item2_direction,
                &self.item2_category,
                &self.item2_title,
                &self.item2_description,
            ),
            _ => (
                &self.item3_direction,
                &self.item3_category,
                &self.item3_title,
                &self.item3_description,
            ),
        }
    }

    /// Check the form; `municipalities` is the list the administrator
    /// keeps, as (id, name).
    pub fn validate(&self, municipalities: &[(i64, String)]) -> Result<NewSignup, FieldErrors> {
        let mut e = FieldErrors::new();
        let municipality = self
            .municipality_id
            .parse::<i64>()
            .ok()
            .and_then(|id| municipalities.iter().find(|(m, _)| *m == id));
        if municipality.is_none() {
            e.add("municipality_id", crate::t("signup-choose-municipality"));
        }
        let org = OrganisationInput {
            org_name: self.org_name.clone(),
            kind: self.kind.clone(),
            municipality: municipality
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| "onbekend".into()),
            postcode: self.postcode.clone(),
            description: self.description.clone(),
            website: String::new(),
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
            contact_phone: self.contact_phone.clone(),
        }
        .validate();
        if self.contact_name.trim().is_empty() {
            e.add("contact_name", crate::t("signup-contact-name"));
        }
        if self.contact_email.trim().is_empty() {
            e.add("contact_email", crate::t("signup-contact-email"));
        }
        let kvk: String = self.kvk.chars().filter(|c| !c.is_whitespace()).collect();
        let kvk = if kvk.is_empty() {
            None
        } else if kvk.len() == 8 && kvk.chars().all(|c| c.is_ascii_digit()) {
            Some(kvk)
        } else {
            e.add("kvk", crate::t("signup-kvk"));
            None
        };
        let mut items = Vec::new();
        for (i, names) in ITEM_FIELDS.iter().enumerate() {
            let (direction, category, title, description) = self.row(i);
            if title.trim().is_empty() && description.trim().is_empty() {
                continue;
            }
            let input = ItemInput {
                direction: direction.to_string(),
                category: category.to_string(),
                title: title.to_string(),
                description: description.to_string(),
                ..ItemInput::default()
            };
            match input.validate() {
                Ok(item) => items.push(item),
                Err(errors) => {
                    for (field, message) in errors.iter() {
                        let at = match *field {
                            "direction" => names[0],
                            "category" => names[1],
                            "description" => names[3],
                            _ => names[2],
                        };
                        e.add(at, message.clone());
                    }
                }
            }
        }
        let organisation = match org {
            Ok(org) => Some(org),
            Err(errors) => {
                for (field, message) in errors.iter() {
                    if *field != "municipality" && e.get(field).is_none() {
                        e.add(field, message.clone());
                    }
                }
                None
            }
        };
        match (organisation, municipality) {
            (Some(organisation), Some((municipality_id, _))) if e.is_empty() => Ok(NewSignup {
                organisation,
                municipality_id: *municipality_id,
                kvk,
                items,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raalte() -> Vec<(i64, String)> {
        vec![(1, "Raalte".into()), (2, "Deventer".into())]
    }

    fn filled() -> SignupInput {
        SignupInput {
            org_name: "Taalmaatjes Raalte".into(),
            kind: "vrijwilligersorganisatie".into(),
            municipality_id: "1".into(),
            contact_name: "Tom de Vries".into(),
            contact_email: "tom@taalmaatjes.nl".into(),
            item1_direction: "request".into(),
            item1_category: "materiaal".into(),
            item1_title: "Laptops voor cursisten".into(),
            ..SignupInput::default()
        }
    }

    #[test]
    fn a_complete_signup_with_one_request_is_accepted() {
        let signup = filled().validate(&raalte()).unwrap();
        assert_eq!(signup.municipality_id, 1);
        assert_eq!(signup.items.len(), 1, "empty rows are skipped");
        assert_eq!(
            signup.organisation.contact_name.as_deref(),
            Some("Tom de Vries")
        );
    }

    #[test]
    fn errors_land_beside_their_field() {
        let mut input = filled();
        input.municipality_id = "99".into();
        input.contact_email.clear();
        input.kvk = "1234".into();
        input.item2_title = "xy".into();
        let errors = input.validate(&raalte()).unwrap_err();
        for field in [
            "municipality_id",
            "contact_email",
            "kvk",
            "item2_title",
            "item2_direction",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }
}
