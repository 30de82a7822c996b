//! Text clean-up shared by every lead field: trimming, whitespace folding, control characters,
//! and cutting to AccuLynx's length limits.
//!
//! AccuLynx is a .NET service and counts string length in UTF-16 code units (an emoji counts as
//! two), so limits here are UTF-16 lengths. A cut never splits a user-perceived character
//! (an extended grapheme cluster: an emoji with its skin tone, a letter with its combining
//! accent), and the cut text is trimmed again so it never ends in a space.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;

/// Length as .NET counts it (UTF-16 code units).
pub fn utf16_len(text: &str) -> usize {
    // A UTF-8 sequence is never shorter than its UTF-16 form, so short text needs no count.
    if text.len() <= 1 || text.is_ascii() {
        return text.len();
    }
    text.chars().map(char::len_utf16).sum()
}

/// Whether `text` fits in `max` UTF-16 code units.
pub fn fits_utf16(text: &str, max: usize) -> bool {
    text.len() <= max || utf16_len(text) <= max
}

/// One line of text: trimmed, control characters dropped, every run of whitespace (line breaks
/// included) folded into one space. Borrows when the text is already clean.
pub fn clean_line(text: &str) -> Cow<'_, str> {
    if is_clean_line(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if !c.is_control() {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_clean_line(text: &str) -> bool {
    let mut previous_space = true; // so a leading space counts as unclean
    for byte in text.bytes() {
        match byte {
            b' ' if previous_space => return false,
            b' ' => previous_space = true,
            0..=0x1f | 0x7f => return false,
            0x80.. => return is_clean_line_slow(text),
            _ => previous_space = false,
        }
    }
    !previous_space || text.is_empty()
}

fn is_clean_line_slow(text: &str) -> bool {
    let mut previous_space = true;
    for c in text.chars() {
        if c == ' ' && !previous_space {
            previous_space = true;
        } else if c.is_whitespace() || c.is_control() {
            return false;
        } else {
            previous_space = false;
        }
    }
    !previous_space || text.is_empty()
}

/// Free text that keeps its line breaks (notes): `\r\n`, `\r` and the Unicode line and
/// paragraph separators become `\n`, tabs become spaces, other control characters are dropped,
/// and the whole is trimmed.
pub fn clean_multiline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    let end = out.trim_end().len();
    out.truncate(end);
    let start = out.len() - out.trim_start().len();
    out.drain(..start);
    out
}

/// Cuts `text` so its UTF-16 length is at most `max`, at a grapheme boundary, then trims the
/// end. Returns whether anything was cut. When even the first grapheme is longer than `max`
/// (a pathological stack of combining marks), the cut falls back to a character boundary so
/// the value is not lost entirely.
pub fn cut_to_utf16(text: &mut String, max: usize) -> bool {
    if fits_utf16(text, max) {
        return false;
    }
    let mut used = 0;
    let mut end = 0;
    for (index, grapheme) in text.grapheme_indices(true) {
        let len = utf16_len(grapheme);
        if used + len > max {
            break;
        }
        used += len;
        end = index + grapheme.len();
    }
    if end == 0 {
        for (index, c) in text.char_indices() {
            if used + c.len_utf16() > max {
                break;
            }
            used += c.len_utf16();
            end = index + c.len_utf8();
        }
    }
    text.truncate(end);
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    true
}

/// `text` with its first character in upper case ("work type" → "Work type").
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Shortens `text` for quoting inside a warning: at most `max` characters, with `…` when cut.
pub fn excerpt(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((end, _)) => {
            let mut cut = text[..end].to_string();
            // Re-cut at a grapheme boundary so an excerpt never ends in half an emoji.
            let keep = cut
                .grapheme_indices(true)
                .next_back()
                .map_or(0, |(index, _)| index);
            cut.truncate(keep);
            cut.push('…');
            Cow::Owned(cut)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_line_trims_folds_whitespace_and_drops_control_characters() {
        assert_eq!(clean_line("  Jane \t\n  Mary\u{0}  Doe  "), "Jane Mary Doe");
        assert_eq!(clean_line("Ja\u{7}ne"), "Jane");
        assert_eq!(clean_line("\u{a0}José\u{3000}Núñez\u{a0}"), "José Núñez");
        assert!(matches!(clean_line("Jane Doe"), Cow::Borrowed(_)));
        assert!(matches!(clean_line("Zoë Ångström"), Cow::Borrowed(_)));
        assert_eq!(clean_line("   "), "");
        assert_eq!(clean_line(""), "");
    }

    #[test]
    fn clean_multiline_keeps_line_breaks_and_drops_other_controls() {
        assert_eq!(
            clean_multiline("\r\n Roof leak\r\nover garage\rcall\tafter 5\u{1b}pm \n"),
            "Roof leak\nover garage\ncall after 5pm"
        );
    }

    #[test]
    fn utf16_length_counts_emoji_as_two() {
        assert_eq!(utf16_len("Jane"), 4);
        assert_eq!(utf16_len("Zoë"), 3);
        assert_eq!(utf16_len("😀"), 2);
        assert!(fits_utf16(&"😀".repeat(25), 50));
        assert!(!fits_utf16(&"😀".repeat(26), 50));
    }

    #[test]
    fn cutting_never_splits_an_emoji_or_a_combining_mark() {
        // 49 ASCII letters then an emoji: the emoji would need units 50 and 51.
        let mut text = format!("{}😀", "a".repeat(49));
        assert!(cut_to_utf16(&mut text, 50));
        assert_eq!(text, "a".repeat(49));

        // "e" + combining acute: cutting between them would leave a bare "e".
        let mut text = format!("{}e\u{301}", "a".repeat(49));
        assert!(cut_to_utf16(&mut text, 50));
        assert_eq!(text, "a".repeat(49));

        // A thumbs-up with a skin tone is one character of four UTF-16 units.
        let mut text = format!("{}👍🏽", "a".repeat(47));
        assert!(cut_to_utf16(&mut text, 50));
        assert_eq!(text, "a".repeat(47));

        let mut text = "Jane".to_string();
        assert!(!cut_to_utf16(&mut text, 50));
        assert_eq!(text, "Jane");
    }

    #[test]
    fn a_cut_ending_in_a_space_is_trimmed() {
        let mut text = format!("{} tail", "a".repeat(49));
        assert!(cut_to_utf16(&mut text, 50));
        assert_eq!(text, "a".repeat(49));
    }

    #[test]
    fn a_single_overlong_grapheme_is_cut_at_a_character_boundary() {
        let mut text = format!("e{}", "\u{301}".repeat(60));
        assert!(cut_to_utf16(&mut text, 50));
        assert_eq!(utf16_len(&text), 50);
        assert!(text.starts_with('e'));
    }

    #[test]
    fn excerpts_end_with_an_ellipsis_only_when_cut() {
        assert_eq!(excerpt("Jane", 10), "Jane");
        assert_eq!(excerpt("abcdefghijkl", 5), "abcd…");
    }
}
