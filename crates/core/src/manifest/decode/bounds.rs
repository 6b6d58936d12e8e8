//! Every field against the bounds and values the schema declares for it, in one place.

use super::super::schema::{Field, Shape};
use super::super::yaml_tree::{Node, NodeValue};
use super::Decoder;

impl Decoder<'_> {
    /// Checks a value against its field's declared bounds and values; false after reporting each
    /// way it falls outside them. Values of the wrong type are left to the field's own decoding.
    pub(super) fn within(&mut self, field: &Field, node: &Node) -> bool {
        match (&field.shape, &node.value) {
            (
                Shape::List {
                    item,
                    min,
                    max,
                    outside,
                },
                NodeValue::Sequence(items),
            ) => {
                let mut fits = true;
                let count = items.len() as u64;
                if count < *min || max.is_some_and(|max| count > max) {
                    self.error(node.position, outside(field.name, items.len(), *min, *max));
                    fits = false;
                }
                if let Shape::OneOf(choice) = item {
                    for item in items {
                        let NodeValue::String(value) = &item.value else {
                            continue;
                        };
                        if !choice.values.contains(&value.as_str()) {
                            let (message, help) = (choice.refuse)(value, choice.values);
                            self.error_with_help(item.position, message, help);
                            fits = false;
                        }
                    }
                }
                fits
            }
            (Shape::OneOf(choice), NodeValue::String(value))
                if !choice.values.contains(&value.as_str()) =>
            {
                let (message, help) = (choice.refuse)(value, choice.values);
                self.error_with_help(node.position, message, help);
                false
            }
            (Shape::Integer { min, max, outside }, NodeValue::Integer(found))
                if !(min..=max).contains(&found) =>
            {
                self.error(node.position, outside(*found, *min, *max));
                false
            }
            _ => true,
        }
    }
}
