//! Name case conversions: struct and enum idents to SQL names, variant renames.

use crate::ir::RenameRule;

/// Splits `HTTPRequestLog2`, `user_id`, `userId` into lowercase words.
fn words(ident: &str) -> Vec<String> {
    let chars: Vec<char> = ident.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' || c == '-' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // A new word starts at `aB`, and at the last capital of `HTTPRequest`.
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_is_lower) {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `PostTag` → `post_tag`, `HTTPRequest` → `http_request`.
pub fn snake_case(ident: &str) -> String {
    words(ident).join("_")
}

/// Applies a `rename_all` rule to a variant ident.
pub fn rename(ident: &str, rule: RenameRule) -> String {
    let w = words(ident);
    match rule {
        RenameRule::Lower => w.concat(),
        RenameRule::Upper => w.concat().to_uppercase(),
        RenameRule::Pascal => w.iter().map(|s| capitalize(s)).collect(),
        RenameRule::Camel => {
            let mut out = w.first().cloned().unwrap_or_default();
            out.extend(w.iter().skip(1).map(|s| capitalize(s)));
            out
        }
        RenameRule::Snake => w.join("_"),
        RenameRule::ScreamingSnake => w.join("_").to_uppercase(),
        RenameRule::Kebab => w.join("-"),
        RenameRule::ScreamingKebab => w.join("-").to_uppercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_of_idents() {
        assert_eq!(snake_case("User"), "user");
        assert_eq!(snake_case("PostTag"), "post_tag");
        assert_eq!(snake_case("HTTPRequestLog"), "http_request_log");
        assert_eq!(snake_case("OAuth2Token"), "o_auth2_token");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }

    #[test]
    fn rename_rules() {
        assert_eq!(rename("OnHold", RenameRule::Lower), "onhold");
        assert_eq!(rename("OnHold", RenameRule::Upper), "ONHOLD");
        assert_eq!(rename("OnHold", RenameRule::Snake), "on_hold");
        assert_eq!(rename("OnHold", RenameRule::ScreamingSnake), "ON_HOLD");
        assert_eq!(rename("OnHold", RenameRule::Kebab), "on-hold");
        assert_eq!(rename("OnHold", RenameRule::Camel), "onHold");
        assert_eq!(rename("OnHold", RenameRule::Pascal), "OnHold");
        assert_eq!(rename("OnHold", RenameRule::ScreamingKebab), "ON-HOLD");
    }
}
