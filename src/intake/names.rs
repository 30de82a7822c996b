//! Splitting a whole name ("Jane Doe", "Doe, Jane", "Jane Doe Jr.") into first and last name.
//!
//! "Last, First" when a comma separates two parts (unless what follows the comma is a suffix);
//! otherwise the last word is the last name, keeping a suffix (Jr, Sr, II, III, IV, Esq) with
//! the word before it; one word is a first name alone. Compound first names stay together
//! ("Mary Ann Smith" → "Mary Ann" + "Smith"), which suits US CRMs better than the reverse.

const NAME_SUFFIXES: [&str; 6] = ["jr", "sr", "ii", "iii", "iv", "esq"];

fn is_name_suffix(word: &str) -> bool {
    let word = word.trim_matches(|c| c == '.' || c == ',');
    NAME_SUFFIXES
        .iter()
        .any(|suffix| suffix.eq_ignore_ascii_case(word))
}

/// Splits a cleaned full name (whitespace already folded) into (first, last).
pub fn split_full_name(name: &str) -> (String, Option<String>) {
    let name = name.trim_matches(|c| c == ',' || c == ' ');
    if let Some((before, after)) = name.split_once(',') {
        let (before, after) = (before.trim(), after.trim());
        if !before.is_empty() && !after.is_empty() && !is_name_suffix(after) {
            return (after.to_string(), Some(before.to_string()));
        }
    }
    let words: Vec<&str> = name.split(' ').filter(|word| !word.is_empty()).collect();
    let last_words = if words.len() >= 3 && words.last().is_some_and(|word| is_name_suffix(word)) {
        2
    } else {
        1
    };
    if words.len() <= last_words {
        return (name.to_string(), None);
    }
    let split = words.len() - last_words;
    (words[..split].join(" "), Some(words[split..].join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(name: &str) -> (String, Option<String>) {
        split_full_name(name)
    }

    #[test]
    fn names_split_at_the_last_word_or_at_a_comma() {
        assert_eq!(split("Jane Doe"), ("Jane".into(), Some("Doe".into())));
        assert_eq!(
            split("Mary Ann Smith"),
            ("Mary Ann".into(), Some("Smith".into()))
        );
        assert_eq!(split("Doe, Jane"), ("Jane".into(), Some("Doe".into())));
        assert_eq!(
            split("Garcia Lopez, Maria"),
            ("Maria".into(), Some("Garcia Lopez".into()))
        );
        assert_eq!(
            split("Jane Doe III"),
            ("Jane".into(), Some("Doe III".into()))
        );
        assert_eq!(split("Doe Jr."), ("Doe".into(), Some("Jr.".into())));
        assert_eq!(split("Cher"), ("Cher".into(), None));
        assert_eq!(split("Jane,"), ("Jane".into(), None));
    }
}
