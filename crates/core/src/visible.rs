//! Characters a reader cannot see, made visible: control characters (a newline in a value could
//! forge an extra line of plan or error output) and Unicode's invisible formatting characters
//! (zero-width spaces, bidirectional overrides) that make two different values look the same.

use std::borrow::Cow;

/// Whether `c` takes no visible space, reorders the text around it, or looks like a plain space
/// while being another character (a value holding one never equals the one a reader retypes).
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00A0}'                      // no-break space
        | '\u{00AD}'                    // soft hyphen
        | '\u{034F}'                    // combining grapheme joiner
        | '\u{115F}' | '\u{1160}'       // Hangul fillers
        | '\u{17B4}' | '\u{17B5}'       // Khmer inherent vowels
        | '\u{2000}'..='\u{200A}'       // en quad to hair space
        | '\u{061C}'                    // Arabic letter mark
        | '\u{180E}'                    // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'       // zero-width space, joiners, LRM, RLM
        | '\u{2028}'..='\u{202E}'       // line and paragraph separators, bidi embeddings, overrides
        | '\u{202F}'                    // narrow no-break space
        | '\u{205F}'                    // medium mathematical space
        | '\u{2060}'..='\u{206F}'       // word joiner, invisible operators, bidi isolates
        | '\u{3000}'                    // ideographic space
        | '\u{3164}' | '\u{FFA0}'       // Hangul fillers
        | '\u{FEFF}'                    // zero-width no-break space (byte-order mark)
        | '\u{FFF9}'..='\u{FFFB}') // interlinear annotation
}

/// Whether `c` must be escaped to be seen: a control character or an invisible one.
pub fn is_hidden(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// `text` with every hidden character written as an escape (`\n`, `\t`, `\u{200b}`), so that
/// what is printed is what a reader sees. Borrowed when there is nothing to escape.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_written_out() {
        assert_eq!(visible("https://a.example"), "https://a.example");
        assert_eq!(
            visible("https://a\u{200b}.example"),
            "https://a\\u{200b}.example"
        );
        assert_eq!(visible("GET\nerror: forged"), "GET\\nerror: forged");
        assert_eq!(visible("x\u{0}y\u{202e}z"), "x\\u{0000}y\\u{202e}z");
        assert_eq!(visible("café"), "café");
        assert_eq!(
            visible("a\u{a0}b\u{7f}c\u{85}"),
            "a\\u{00a0}b\\u{007f}c\\u{0085}"
        );
    }
}
