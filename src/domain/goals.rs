//! A municipality's policy goals (beleidsdoelen) as its official types them on
//! one form: the goals with their order, and per theme the one goal it counts
//! towards. Kept as typed so the form can come back; checked into a plan.

use std::collections::BTreeMap;

use super::validation::{self as v, FieldErrors};

/// A municipality keeps its list short enough to report on.
pub const MAX_GOALS: usize = 20;
/// Empty rows the form offers for new goals.
pub const NEW_ROWS: usize = 2;
/// Rows and themes read from one form; the rest is ignored.
const MAX_ROWS: usize = 200;
pub const MAX_NAME: usize = 80;
pub const MAX_DESCRIPTION: usize = 200;
/// As long as an item's theme may be.
pub const MAX_THEME: usize = 40;

/// One goal row as sent: an existing goal (with its id) or a new one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoalRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub position: String,
    pub remove: bool,
}

/// A theme and the goal chosen for it: a goal id, or empty for none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThemeChoice {
    pub theme: String,
    pub goal: String,
}

/// What the official sent, kept as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoalsInput {
    pub goals: Vec<GoalRow>,
    pub themes: Vec<ThemeChoice>,
    /// a theme no item has yet, typed in
    pub new_theme: ThemeChoice,
}

/// A goal to keep or add, in its final order.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedGoal {
    /// `None`: a new goal
    pub id: Option<i64>,
    pub name: String,
    pub description: Option<String>,
}

/// A valid form, ready to store in one transaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GoalsPlan {
    /// kept and new goals, in order: position 1, 2, ...
    pub goals: Vec<PlannedGoal>,
    /// existing goals to remove
    pub removed: Vec<i64>,
    /// (theme, id of an existing kept goal); themes without goal are absent
    pub themes: Vec<(String, i64)>,
}

/// Messages keyed by the id of the field they belong to (`doel-2-naam`), in
/// the order of the form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoalErrors(Vec<(String, String)>);

impl GoalErrors {
    pub fn add(&mut self, field: String, message: impl Into<String>) {
        if self.get(&field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(f, m)| (f, m))
    }
}

/// A theme as the figures group it: trimmed, lower case.
pub fn theme_key(theme: &str) -> String {
    theme.trim().to_lowercase()
}

/// The field ids of goal row `i`.
pub fn goal_field(i: usize, part: &str) -> String {
    format!("doel-{i}-{part}")
}

/// The field id of theme row `j`'s choice.
pub fn theme_field(j: usize) -> String {
    format!("thema-{j}-doel")
}

impl GoalsInput {
    /// From the form's fields: `doel-{i}-id|naam|omschrijving|volgorde|verwijderen`,
    /// `thema-{j}` with `thema-{j}-doel`, and `nieuw-thema` with `nieuw-thema-doel`.
    pub fn from_pairs(pairs: &[(String, String)]) -> GoalsInput {
        let mut goals: BTreeMap<usize, GoalRow> = BTreeMap::new();
        let mut themes: BTreeMap<usize, ThemeChoice> = BTreeMap::new();
        let mut input = GoalsInput::default();
        for (key, value) in pairs {
            if let Some(rest) = key.strip_prefix("doel-") {
                let Some((i, part)) = indexed(rest) else {
                    continue;
                };
                if goals.len() >= MAX_ROWS && !goals.contains_key(&i) {
                    continue;
                }
                let row = goals.entry(i).or_default();
                match part {
                    "id" => row.id = value.clone(),
                    "naam" => row.name = value.clone(),
                    "omschrijving" => row.description = value.clone(),
                    "volgorde" => row.position = value.clone(),
                    "verwijderen" => row.remove = !value.is_empty(),
                    _ => {}
                }
            } else if key == "nieuw-thema" {
                input.new_theme.theme = value.clone();
            } else if key == "nieuw-thema-doel" {
                input.new_theme.goal = value.clone();
            } else if let Some(rest) = key.strip_prefix("thema-") {
                let (i, part) = match rest.parse::<usize>() {
                    Ok(i) => (i, ""),
                    Err(_) => match indexed(rest) {
                        Some(found) => found,
                        None => continue,
                    },
                };
                if themes.len() >= MAX_ROWS && !themes.contains_key(&i) {
                    continue;
                }
                let choice = themes.entry(i).or_default();
                match part {
                    "" => choice.theme = value.clone(),
                    "doel" => choice.goal = value.clone(),
                    _ => {}
                }
            }
        }
        input.goals = goals.into_values().collect();
        input.themes = themes.into_values().collect();
        input
    }

    /// The form for goals as they are, with `NEW_ROWS` empty rows after them.
    pub fn from_stored(
        goals: impl IntoIterator<Item = (i64, String, Option<String>)>,
        themes: impl IntoIterator<Item = (String, Option<i64>)>,
    ) -> GoalsInput {
        let mut rows: Vec<GoalRow> = goals
            .into_iter()
            .enumerate()
            .map(|(n, (id, name, description))| GoalRow {
                id: id.to_string(),
                name,
                description: description.unwrap_or_default(),
                position: (n + 1).to_string(),
                remove: false,
            })
            .collect();
        rows.extend((0..NEW_ROWS).map(|_| GoalRow::default()));
        GoalsInput {
            goals: rows,
            themes: themes
                .into_iter()
                .map(|(theme, goal)| ThemeChoice {
                    theme,
                    goal: goal.map(|g| g.to_string()).unwrap_or_default(),
                })
                .collect(),
            new_theme: ThemeChoice::default(),
        }
    }

    /// Check every field; `known` are the ids of the municipality's goals now.
    pub fn validate(&self, known: &[i64]) -> Result<GoalsPlan, GoalErrors> {
        let mut errors = GoalErrors::default();
        let mut plan = GoalsPlan::default();
        // (position, row, goal) of the goals that stay or come
        let mut kept: Vec<(i32, usize, PlannedGoal)> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for (i, row) in self.goals.iter().enumerate() {
            let id = match row.id.trim() {
                "" => None,
                raw => match raw.parse::<i64>() {
                    Ok(id) if known.contains(&id) => Some(id),
                    _ => {
                        errors.add(
                            goal_field(i, "naam"),
                            crate::t("goals-error-gone").to_string(),
                        );
                        continue;
                    }
                },
            };
            let blank = row.name.trim().is_empty() && row.description.trim().is_empty();
            match id {
                None if blank || row.remove => continue,
                Some(id) if row.remove => {
                    plan.removed.push(id);
                    continue;
                }
                _ => {}
            }
            let mut scratch = FieldErrors::new();
            let name = v::text(
                &mut scratch,
                "naam",
                crate::t("goals-field-name"),
                &row.name,
                2,
                MAX_NAME,
            );
            let description = v::optional_text(
                &mut scratch,
                "omschrijving",
                crate::t("goals-field-description"),
                &row.description,
                MAX_DESCRIPTION,
            );
            let position = v::optional_number(
                &mut scratch,
                "volgorde",
                crate::t("goals-field-position"),
                &row.position,
                1000,
            );
            for (field, message) in scratch.iter() {
                errors.add(goal_field(i, field), message.clone());
            }
            let key = name.to_lowercase();
            if scratch.get("naam").is_none() {
                if names.contains(&key) {
                    errors.add(
                        goal_field(i, "naam"),
                        crate::t("goals-error-duplicate").to_string(),
                    );
                } else if id.is_none() && kept.len() >= MAX_GOALS {
                    errors.add(
                        goal_field(i, "naam"),
                        crate::tr("goals-error-too-many")
                            .arg("max", MAX_GOALS)
                            .to_string(),
                    );
                }
            }
            names.push(key);
            let order = position.unwrap_or(1000);
            kept.push((
                order,
                i,
                PlannedGoal {
                    id,
                    name,
                    description,
                },
            ));
        }
        kept.sort_by_key(|(order, row, _)| (*order, *row));
        plan.goals = kept.into_iter().map(|(_, _, g)| g).collect();

        let staying: Vec<i64> = plan.goals.iter().filter_map(|g| g.id).collect();
        let mut seen: Vec<String> = Vec::new();
        let mut choose = |errors: &mut GoalErrors, field: String, choice: &ThemeChoice| {
            let theme = theme_key(&choice.theme);
            if theme.is_empty() || seen.contains(&theme) {
                return;
            }
            seen.push(theme.clone());
            match choice.goal.trim() {
                "" => {}
                raw => match raw.parse::<i64>() {
                    Ok(id) if staying.contains(&id) => plan.themes.push((theme, id)),
                    Ok(id) if plan.removed.contains(&id) => {
                        errors.add(field, crate::t("goals-error-theme-removed").to_string())
                    }
                    _ => errors.add(field, crate::t("goals-error-theme-choice").to_string()),
                },
            }
        };
        for (j, choice) in self.themes.iter().enumerate() {
            if choice.theme.chars().count() > MAX_THEME {
                errors.add(
                    theme_field(j),
                    crate::t("goals-error-theme-choice").to_string(),
                );
                continue;
            }
            choose(&mut errors, theme_field(j), choice);
        }
        let new_theme = theme_key(&self.new_theme.theme);
        if !new_theme.is_empty() {
            let mut scratch = FieldErrors::new();
            v::text(
                &mut scratch,
                "nieuw-thema",
                crate::t("goals-field-new-theme"),
                &new_theme,
                1,
                MAX_THEME,
            );
            if let Some(message) = scratch.get("nieuw-thema") {
                errors.add("nieuw-thema".into(), message);
            } else if self.themes.iter().any(|c| theme_key(&c.theme) == new_theme) {
                errors.add(
                    "nieuw-thema".into(),
                    crate::t("goals-error-theme-listed").to_string(),
                );
            } else if self.new_theme.goal.trim().is_empty() {
                errors.add(
                    "nieuw-thema-doel".into(),
                    crate::t("goals-error-new-theme-goal").to_string(),
                );
            } else {
                choose(&mut errors, "nieuw-thema-doel".into(), &self.new_theme);
            }
        }
        if errors.is_empty() {
            Ok(plan)
        } else {
            Err(errors)
        }
    }
}

/// "3-naam" -> (3, "naam").
fn indexed(rest: &str) -> Option<(usize, &str)> {
    let (i, part) = rest.split_once('-')?;
    Some((i.parse().ok()?, part))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn goals_are_kept_in_the_order_typed() {
        let input = GoalsInput::from_pairs(&pairs(&[
            ("doel-0-id", "7"),
            ("doel-0-naam", "Sociale samenhang"),
            ("doel-0-volgorde", "2"),
            ("doel-1-id", ""),
            ("doel-1-naam", "Mantelzorg"),
            ("doel-1-volgorde", "1"),
            ("doel-2-id", ""),
            ("doel-2-naam", ""),
            ("thema-0", "Sport"),
            ("thema-0-doel", "7"),
            ("thema-1", "zorg"),
            ("thema-1-doel", ""),
        ]));
        let plan = input.validate(&[7]).unwrap();
        let names: Vec<&str> = plan.goals.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["Mantelzorg", "Sociale samenhang"]);
        assert_eq!(plan.goals[1].id, Some(7));
        assert_eq!(plan.themes, vec![("sport".to_string(), 7)]);
    }

    #[test]
    fn a_removed_goal_goes_and_cannot_take_themes() {
        let input = GoalsInput::from_pairs(&pairs(&[
            ("doel-0-id", "7"),
            ("doel-0-naam", "Weg"),
            ("doel-0-verwijderen", "ja"),
            ("thema-0", "sport"),
            ("thema-0-doel", "7"),
        ]));
        let errors = input.validate(&[7]).unwrap_err();
        assert!(errors.get("thema-0-doel").is_some());
        let mut without_theme = input.clone();
        without_theme.themes.clear();
        let plan = without_theme.validate(&[7]).unwrap();
        assert_eq!(plan.removed, vec![7]);
        assert!(plan.goals.is_empty());
    }

    #[test]
    fn bad_names_get_a_message_beside_the_field() {
        let long = "x".repeat(MAX_NAME + 1);
        let input = GoalsInput::from_pairs(&pairs(&[
            ("doel-0-naam", "Wonen"),
            ("doel-1-naam", " wonen "),
            ("doel-2-naam", &long),
            ("doel-3-id", "7"),
            ("doel-3-naam", ""),
            ("doel-4-id", "99"),
            ("doel-4-naam", "Van een andere gemeente"),
        ]));
        let errors = input.validate(&[7]).unwrap_err();
        assert!(errors.get("doel-0-naam").is_none());
        assert!(errors.get("doel-1-naam").is_some());
        assert!(errors.get("doel-2-naam").is_some());
        assert!(errors.get("doel-3-naam").is_some());
        assert!(errors.get("doel-4-naam").is_some());
    }

    #[test]
    fn a_theme_counts_towards_one_goal_only() {
        let input = GoalsInput::from_pairs(&pairs(&[
            ("doel-0-id", "7"),
            ("doel-0-naam", "Een"),
            ("doel-1-id", "8"),
            ("doel-1-naam", "Twee"),
            ("thema-0", "sport"),
            ("thema-0-doel", "7"),
            ("thema-1", "Sport"),
            ("thema-1-doel", "8"),
        ]));
        let plan = input.validate(&[7, 8]).unwrap();
        assert_eq!(plan.themes, vec![("sport".to_string(), 7)]);
    }

    #[test]
    fn a_new_theme_needs_a_goal() {
        let mut input = GoalsInput::from_pairs(&pairs(&[
            ("doel-0-id", "7"),
            ("doel-0-naam", "Een"),
            ("nieuw-thema", "Buurt"),
        ]));
        let errors = input.validate(&[7]).unwrap_err();
        assert!(errors.get("nieuw-thema-doel").is_some());
        input.new_theme.goal = "7".into();
        let plan = input.validate(&[7]).unwrap();
        assert_eq!(plan.themes, vec![("buurt".to_string(), 7)]);
    }

    #[test]
    fn huge_row_numbers_do_not_make_rows() {
        let input = GoalsInput::from_pairs(&pairs(&[("doel-99999999999-naam", "x")]));
        assert_eq!(input.goals.len(), 1);
    }
}
