//! A saved plan across declared accounts: the accounts its changes are in, as declared when it
//! was made.

use super::{PlanFileError, SavedPlan};
use crate::manifest::Account;

impl SavedPlan {
    /// The accounts its changes are in, in plan order, each as declared when the plan was made.
    /// `[None]` when no accounts are declared. A change in an account the file does not declare
    /// is an edited file.
    pub fn accounts_in_play(&self) -> Result<Vec<Option<&Account>>, PlanFileError> {
        self.plan
            .account_names()
            .into_iter()
            .map(|name| match name {
                None => Ok(None),
                Some(name) => self
                    .accounts
                    .iter()
                    .find(|a| a.name == name)
                    .map(Some)
                    .ok_or_else(|| {
                        PlanFileError::Body(format!(
                            "a change is in account `{name}`, which the file does not declare"
                        ))
                    }),
            })
            .collect()
    }
}
