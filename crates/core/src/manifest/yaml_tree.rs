//! A YAML document as a tree of nodes that remember where they came from.
//!
//! serde-based YAML readers stop at the first error and forget the position of every value that
//! parsed, but `validate` must report every problem at once with its line and column. So the
//! manifest is first read into this tree (one pass of yaml-rust2's event parser), and the typed
//! decoder walks the tree, collecting diagnostics as it goes.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

pub use crate::diagnostic::Position;

impl Position {
    fn from_marker(mark: Marker) -> Self {
        // yaml-rust2 counts lines from 1 and columns from 0.
        Position {
            line: mark.line(),
            column: mark.col() + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub position: Position,
    pub value: NodeValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    String(String),
    Sequence(Vec<Node>),
    /// Entries in document order; duplicate keys are kept so the decoder can report them.
    Mapping(Vec<(Node, Node)>),
}

impl NodeValue {
    /// How a value is described in a "wrong type" message.
    pub fn kind(&self) -> &'static str {
        match self {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Integer(_) => "an integer",
            NodeValue::Float(_) => "a number",
            NodeValue::String(_) => "a string",
            NodeValue::Sequence(_) => "a list",
            NodeValue::Mapping(_) => "a mapping",
        }
    }
}

/// A YAML syntax error, with the position the parser stopped at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub position: Position,
    pub message: String,
    /// What to write instead, when the mistake is a common one.
    pub help: Option<String>,
}

/// Bounds that keep a hostile document (alias bombs, absurd nesting) from exhausting memory or
/// the stack. Real manifests are orders of magnitude below both.
const MAX_NODES: usize = 2_000_000;
const MAX_DEPTH: usize = 64;

/// Parses one YAML document. An empty document is `Null`. A second document (after `---`) is an
/// error at its start: reading only the first would silently drop the rest of the file.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    build(text, TreeBuilder::default())
}

/// As `parse`, reading CloudFormation's short-form intrinsic functions as their long form:
/// `!Ref X` is `{Ref: X}`, `!Sub s` is `{Fn::Sub: s}`, `!GetAtt A.B` is `{Fn::GetAtt: A.B}`.
pub fn parse_cloudformation(text: &str) -> Result<Node, SyntaxError> {
    build(
        text,
        TreeBuilder {
            intrinsics: true,
            ..TreeBuilder::default()
        },
    )
}

fn build(text: &str, mut builder: TreeBuilder) -> Result<Node, SyntaxError> {
    // Checked first: yaml-rust2 reads a NUL as the end of the text, so the rest of the file (even
    // after a NUL in a comment) would be silently dropped.
    if let Some((position, c)) = crate::input::first_unprintable(text) {
        return Err(SyntaxError {
            position,
            message: format!(
                "the character {} is not allowed in YAML (of the control characters, only tab, line feed and carriage return are); remove it",
                crate::input::describe_unprintable(c)
            ),
            help: None,
        });
    }
    let mut parser = Parser::new_from_str(text);
    let outcome = parser.load(&mut builder, true);
    if let Some(error) = builder.error {
        return Err(error);
    }
    if let Err(scan) = outcome {
        let position = Position::from_marker(*scan.marker());
        return Err(
            bare_wildcard(text, scan.marker().index(), position).unwrap_or(SyntaxError {
                position,
                message: scan.info().to_string(),
                help: None,
            }),
        );
    }
    Ok(builder.root.unwrap_or(Node {
        position: Position { line: 1, column: 1 },
        value: NodeValue::Null,
    }))
}

/// An unquoted `*` (or `*.example.com`) where the parser stopped: YAML reads it as an alias
/// (`*name` refers to an `&name` anchor), but CORS means the wildcard, which must be quoted.
fn bare_wildcard(text: &str, char_index: usize, position: Position) -> Option<SyntaxError> {
    let rest: String = text.chars().skip(char_index).collect();
    if !rest.starts_with('*') {
        return None;
    }
    let written: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}' | '#'))
        .collect();
    Some(SyntaxError {
        position,
        message: format!("`{written}` unquoted is a YAML alias (`*name` refers to an `&name` anchor), not a wildcard"),
        help: Some(format!("quote it: `\"{written}\"`")),
    })
}

enum Open {
    Sequence(Position, usize, Vec<Node>),
    Mapping(Position, usize, Vec<(Node, Node)>, Option<Node>),
}

#[derive(Default)]
struct TreeBuilder {
    stack: Vec<Open>,
    root: Option<Node>,
    anchors: std::collections::HashMap<usize, Node>,
    node_count: usize,
    documents: usize,
    error: Option<SyntaxError>,
    /// Read `!Name` tags as CloudFormation intrinsic functions.
    intrinsics: bool,
    /// The intrinsic each open collection was tagged with, if any.
    open_intrinsics: Vec<Option<String>>,
}

/// A node under an intrinsic function's name, as CloudFormation's long form writes it.
fn intrinsic_call(name: Option<String>, node: Node) -> Node {
    match name {
        None => node,
        Some(name) => Node {
            position: node.position,
            value: NodeValue::Mapping(vec![(
                Node {
                    position: node.position,
                    value: NodeValue::String(name),
                },
                node,
            )]),
        },
    }
}

impl TreeBuilder {
    fn intrinsic(&self, tag: Option<&yaml_rust2::parser::Tag>) -> Option<String> {
        let tag = tag.filter(|t| self.intrinsics && t.handle == "!")?;
        Some(match tag.suffix.as_str() {
            "Ref" | "Condition" => tag.suffix.clone(),
            other => format!("Fn::{other}"),
        })
    }

    fn fail(&mut self, position: Position, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(SyntaxError {
                position,
                message: message.into(),
                help: None,
            });
        }
    }

    fn count(&mut self, position: Position, nodes: usize) -> bool {
        self.node_count = self.node_count.saturating_add(nodes);
        if self.node_count > MAX_NODES {
            self.fail(
                position,
                format!(
                    "document too large: more than {MAX_NODES} values (alias expansion included)"
                ),
            );
            return false;
        }
        true
    }

    fn push_open(&mut self, position: Position, open: Open) {
        if self.stack.len() >= MAX_DEPTH {
            self.fail(position, format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        self.stack.push(open);
    }

    fn complete(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Sequence(_, _, items)) => items.push(node),
            Some(Open::Mapping(_, _, entries, pending_key)) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => {
                    let mut value = node;
                    // An empty value is marked at the next token, often lines later; point at its key.
                    if value.value == NodeValue::Null {
                        value.position = key.position;
                    }
                    entries.push((key, value));
                }
            },
        }
    }
}

fn node_size(node: &Node) -> usize {
    match &node.value {
        NodeValue::Sequence(items) => 1 + items.iter().map(node_size).sum::<usize>(),
        NodeValue::Mapping(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| node_size(k) + node_size(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let position = Position::from_marker(mark);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                if !self.count(position, 1) {
                    return;
                }
                let explicit_string = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == TScalarStyle::Plain && !explicit_string {
                    resolve_plain(text)
                } else {
                    NodeValue::String(text)
                };
                let call = self.intrinsic(tag.as_ref());
                self.complete(intrinsic_call(call, Node { position, value }), anchor);
            }
            Event::SequenceStart(anchor, tag) => {
                self.open_intrinsics.push(self.intrinsic(tag.as_ref()));
                self.push_open(position, Open::Sequence(position, anchor, Vec::new()))
            }
            Event::MappingStart(anchor, tag) => {
                self.open_intrinsics.push(self.intrinsic(tag.as_ref()));
                self.push_open(position, Open::Mapping(position, anchor, Vec::new(), None))
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Open::Sequence(start, anchor, items)) => {
                    let value = NodeValue::Sequence(items);
                    let call = self.open_intrinsics.pop().flatten();
                    self.complete(
                        intrinsic_call(
                            call,
                            Node {
                                position: start,
                                value,
                            },
                        ),
                        anchor,
                    );
                }
                Some(Open::Mapping(start, anchor, entries, _)) => {
                    // A block mapping's start event is marked after its first key; the key is
                    // where a reader sees the mapping begin.
                    let start = entries
                        .first()
                        .map_or(start, |(k, _)| start.min(k.position));
                    let value = NodeValue::Mapping(entries);
                    let call = self.open_intrinsics.pop().flatten();
                    self.complete(
                        intrinsic_call(
                            call,
                            Node {
                                position: start,
                                value,
                            },
                        ),
                        anchor,
                    );
                }
                None => self.fail(position, "unbalanced end of collection"),
            },
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(mut node) => {
                    if !self.count(position, node_size(&node)) {
                        return;
                    }
                    node.position = position;
                    self.complete(node, 0);
                }
                None => self.fail(position, "alias to an unknown anchor"),
            },
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(
                        position,
                        "a second YAML document (after `---`): a manifest file holds one document; put each in a file of its own in a manifest directory",
                    );
                }
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

/// YAML 1.2 core schema resolution of an unquoted scalar.
fn resolve_plain(text: String) -> NodeValue {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        _ => {}
    }
    if let Ok(integer) = text.parse::<i64>() {
        return NodeValue::Integer(integer);
    }
    let looks_numeric = text
        .trim_start_matches(['-', '+'])
        .starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if looks_numeric {
        if let Ok(float) = text.parse::<f64>() {
            return NodeValue::Float(float);
        }
    }
    NodeValue::String(text)
}
