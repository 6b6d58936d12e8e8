//! Everything cors-sync prints about a plan or a manifest, built from the model in one place.

pub mod json_plan;
pub mod manifest_yaml;
pub mod text_plan;
