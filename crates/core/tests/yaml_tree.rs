//! The positioned YAML tree the manifest decoder and `convert cloudformation` read.

use cors_sync_core::manifest::yaml_tree::*;

fn at(line: usize, column: usize) -> Position {
    Position { line, column }
}

#[test]
fn positions_are_one_based_lines_and_columns() {
    let root = parse("version: 1\nbuckets:\n  - name: a\n").unwrap();
    let NodeValue::Mapping(entries) = root.value else {
        panic!("root is not a mapping")
    };
    assert_eq!(entries[0].0.position, at(1, 1));
    assert_eq!(entries[0].1.position, at(1, 10));
    let NodeValue::Sequence(items) = &entries[1].1.value else {
        panic!("buckets is not a list")
    };
    let NodeValue::Mapping(bucket) = &items[0].value else {
        panic!("bucket is not a mapping")
    };
    assert_eq!(bucket[0].0.position, at(3, 5));
    assert_eq!(bucket[0].1.value, NodeValue::String("a".into()));
}

#[test]
fn plain_scalars_resolve_by_the_core_schema_and_quoted_ones_stay_strings() {
    let root = parse("[1, -2, 1.5, true, null, ~, '1', \"true\", GET, !!str 7]").unwrap();
    let NodeValue::Sequence(items) = root.value else {
        panic!("not a list")
    };
    let values: Vec<NodeValue> = items.into_iter().map(|n| n.value).collect();
    assert_eq!(
        values,
        vec![
            NodeValue::Integer(1),
            NodeValue::Integer(-2),
            NodeValue::Float(1.5),
            NodeValue::Bool(true),
            NodeValue::Null,
            NodeValue::Null,
            NodeValue::String("1".into()),
            NodeValue::String("true".into()),
            NodeValue::String("GET".into()),
            NodeValue::String("7".into()),
        ]
    );
}

#[test]
fn aliases_expand_to_their_anchor() {
    let root = parse("a: &x [GET, PUT]\nb: *x\n").unwrap();
    let NodeValue::Mapping(entries) = root.value else {
        panic!("not a mapping")
    };
    assert_eq!(entries[0].1.value, entries[1].1.value);
    assert_eq!(entries[1].1.position, at(2, 4));
}

#[test]
fn an_alias_bomb_is_refused_not_expanded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let prev = level - 1;
        text.push_str(&format!(
            "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    let error = parse(&text).unwrap_err();
    assert!(error.message.contains("document too large"), "{error:?}");
}

#[test]
fn deep_nesting_is_refused() {
    let text = "[".repeat(200) + &"]".repeat(200);
    let error = parse(&text).unwrap_err();
    assert!(error.message.contains("nesting deeper"), "{error:?}");
}

#[test]
fn syntax_errors_carry_a_position() {
    let error = parse("a: [1, 2\nb: 3\n").unwrap_err();
    assert!(error.position.line >= 1);
    assert!(!error.message.is_empty());
}

#[test]
fn empty_document_is_null() {
    assert_eq!(parse("").unwrap().value, NodeValue::Null);
    assert_eq!(parse("# only a comment\n").unwrap().value, NodeValue::Null);
}

#[test]
fn cloudformation_short_form_tags_read_as_their_long_form() {
    let root = parse_cloudformation("a: !Ref Bucket\nb: !Join ['-', [x, y]]\nc: plain\n").unwrap();
    let NodeValue::Mapping(entries) = root.value else {
        panic!("root is not a mapping")
    };
    let call = |node: &Node| match &node.value {
        NodeValue::Mapping(inner) => match &inner[0].0.value {
            NodeValue::String(name) => name.clone(),
            other => panic!("{other:?}"),
        },
        other => panic!("not an intrinsic call: {other:?}"),
    };
    assert_eq!(call(&entries[0].1), "Ref");
    assert_eq!(call(&entries[1].1), "Fn::Join");
    assert_eq!(entries[2].1.value, NodeValue::String("plain".into()));
    // The manifest reader keeps ignoring such tags.
    let plain = parse("a: !Ref Bucket\n").unwrap();
    let NodeValue::Mapping(entries) = plain.value else {
        panic!("root is not a mapping")
    };
    assert_eq!(entries[0].1.value, NodeValue::String("Bucket".into()));
}
