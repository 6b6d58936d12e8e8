//! The manifest's JSON Schema (draft 2020-12), for editors: `cors-sync schema`. Built from the
//! declarations the decoder reads (`manifest::schema`), so the two cannot drift.

use serde_json::{json, Map, Value};

use crate::manifest::schema::{Object, Shape, MANIFEST};

/// The JSON Schema of a manifest.
pub fn json_schema() -> Value {
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    if let Value::Object(body) = object_schema(&MANIFEST) {
        schema.extend(body);
    }
    Value::Object(schema)
}

fn object_schema(object: &Object) -> Value {
    let mut properties = Map::new();
    for field in object.fields {
        let mut property = shape_schema(&field.shape);
        if let Value::Object(map) = &mut property {
            map.insert("description".into(), json!(field.doc));
        }
        properties.insert(field.name.into(), property);
    }
    let required: Vec<&str> = object
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    json!({
        "title": object.title,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn shape_schema(shape: &Shape) -> Value {
    match shape {
        Shape::String => json!({ "type": "string" }),
        Shape::NullableString => json!({ "type": ["string", "null"] }),
        Shape::Integer { min, max, .. } => {
            json!({ "type": "integer", "minimum": min, "maximum": max })
        }
        Shape::Boolean => json!({ "type": "boolean" }),
        Shape::OneOf(choice) => json!({ "enum": choice.values }),
        Shape::List { item, min, max, .. } => {
            let mut list = json!({ "type": "array", "items": shape_schema(item), "minItems": min });
            if let (Some(max), Value::Object(map)) = (max, &mut list) {
                map.insert("maxItems".into(), json!(max));
            }
            list
        }
        Shape::Object(object) => object_schema(object),
        Shape::MapOf(object) => {
            json!({ "type": "object", "additionalProperties": object_schema(object) })
        }
        Shape::MapOfStrings => {
            json!({ "type": "object", "additionalProperties": { "type": "string", "minLength": 1 } })
        }
        Shape::Const(value) => json!({ "const": value }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::schema::RULE;

    #[test]
    fn the_schema_lists_every_field_the_decoder_knows() {
        let schema = json_schema();
        let rule = &schema["properties"]["buckets"]["items"]["properties"]["cors_rules"]["items"];
        let names: Vec<&str> = rule["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(names, RULE.field_names());
        assert_eq!(
            rule["required"],
            json!(["allowed_origins", "allowed_methods"])
        );
        assert_eq!(schema["properties"]["version"]["const"], json!(1));
        let rules = &schema["properties"]["buckets"]["items"]["properties"]["cors_rules"];
        assert_eq!(rules["maxItems"], json!(crate::s3_limits::MAX_RULES));
    }
}
