//! Reading names and SQL text: the words of an identifier, the identifiers of an
//! expression, and `current_setting(...)` calls. Heuristic by nature; each rule
//! documents what it looks for.

/// The words of a name, lower case: `password_hash` → `[password, hash]`,
/// `unitPrice` → `[unit, price]`.
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether `name` is lower-case snake_case: `[a-z_][a-z0-9_]*`, no `__`, no trailing `_`.
pub(crate) fn is_snake_case(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'_'))
        && name.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
        && !name.contains("__")
        && !(name.len() > 1 && name.ends_with('_'))
}

/// The identifiers of a SQL expression, outside string literals, folded to lower
/// case unless double-quoted: `id = current_setting('app.user_id')::bigint` →
/// `[id, current_setting, bigint]`. Qualified names give each part.
pub(crate) fn identifiers(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
        } else if c == '"' {
            let mut ident = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == '"' {
                    if chars.get(i + 1) == Some(&'"') {
                        ident.push('"');
                        i += 2;
                        continue;
                    }
                    break;
                }
                ident.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push(ident);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect::<String>().to_lowercase());
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '.' || chars[i] == '_') {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// One `current_setting(...)` call found in SQL text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SettingCall {
    /// The call as written (`current_setting('app.user_id')`).
    pub(crate) call: String,
    /// The first argument as written (`'app.user_id'`).
    pub(crate) setting: String,
    /// It passes `missing_ok = true`, so an absent setting gives NULL.
    pub(crate) missing_ok: bool,
    /// The type it is cast to directly (`::bigint`), if any, lower case.
    pub(crate) cast: Option<String>,
    /// The cast sits in the `THEN` branch of a `CASE WHEN` that checks the value first.
    pub(crate) guarded: bool,
}

/// Every `current_setting(...)` call in `sql`, outside string literals and
/// comments (an apostrophe in `-- the function's owner` opens no string).
pub(crate) fn setting_calls(sql: &str) -> Vec<SettingCall> {
    // ASCII lower-casing keeps byte offsets, so `sql` and `s` index alike.
    let lower = sql.to_ascii_lowercase();
    let s = lower.as_str();
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\'' {
            in_string = !in_string;
            i += 1;
            continue;
        }
        if !in_string {
            if let Some(end) = crate::validate::sql::comment_end(bytes, i) {
                i = end;
                continue;
            }
        }
        if in_string || !s[i..].starts_with("current_setting") {
            i += 1;
            continue;
        }
        let before_ok = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let mut j = i + "current_setting".len();
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if !before_ok || bytes.get(j) != Some(&b'(') {
            i += 1;
            continue;
        }
        // Arguments up to the matching parenthesis.
        let open = j;
        let (mut depth, mut quoted, mut commas, mut second_start, mut first_end) = (0usize, false, 0, None, None);
        let mut close = None;
        for (k, &c) in bytes.iter().enumerate().skip(open) {
            match c {
                b'\'' => quoted = !quoted,
                _ if quoted => {}
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(k);
                        first_end.get_or_insert(k);
                        break;
                    }
                }
                b',' if depth == 1 => {
                    commas += 1;
                    second_start = Some(k + 1);
                    first_end.get_or_insert(k);
                }
                _ => {}
            }
        }
        let Some(close) = close else { break };
        let missing_ok = commas == 1
            && second_start.is_some_and(|st| matches!(s[st..close].trim().trim_matches('\''), "true" | "t" | "on" | "yes" | "1"));
        let mut k = close + 1;
        while k < bytes.len() && bytes[k].is_ascii_whitespace() {
            k += 1;
        }
        let cast = s[k..].strip_prefix("::").map(|rest| {
            let rest = rest.trim_start();
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == ' ' || c == '"')).unwrap_or(rest.len());
            let mut ty = rest[..end].trim().to_owned();
            // `::bigint or ...` — keep only the type's own words.
            for stop in [" or ", " and ", " then ", " else ", " end", " is ", " from "] {
                if let Some(p) = format!("{ty} ").find(stop) {
                    ty.truncate(p);
                }
            }
            ty.trim().to_owned()
        });
        let prefix = s[..i].trim_end();
        let guarded = prefix.ends_with("then") && prefix.contains("case");
        let setting = sql[open + 1..first_end.unwrap_or(close)].trim().to_owned();
        out.push(SettingCall { call: sql[i..=close].to_owned(), setting, missing_ok, cast, guarded });
        i = close + 1;
    }
    out
}

/// Whether a cast to `ty` can fail on a string (`text` and friends cannot).
pub(crate) fn cast_can_fail(ty: &str) -> bool {
    !matches!(ty, "text" | "varchar" | "character varying" | "name" | "citext" | "bpchar")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_snake_and_camel_case() {
        assert_eq!(words("password_hash"), ["password", "hash"]);
        assert_eq!(words("unitPrice"), ["unit", "price"]);
        assert_eq!(words("HTTPStatus"), ["httpstatus"]);
        assert_eq!(words("total2024_amount"), ["total2024", "amount"]);
        assert!(is_snake_case("user_id") && is_snake_case("_hidden") && is_snake_case("a1"));
        assert!(!is_snake_case("UserId") && !is_snake_case("user-id") && !is_snake_case("1a") && !is_snake_case("a__b") && !is_snake_case("a_"));
    }

    #[test]
    fn identifiers_skip_literals() {
        assert_eq!(identifiers("id = current_setting('app.user_id')::BIGINT"), ["id", "current_setting", "bigint"]);
        assert_eq!(identifiers(r#"t."Owner" = 'it''s' AND x1 > 2.5e3"#), ["t", "Owner", "and", "x1"]);
    }

    #[test]
    fn setting_calls_are_classified() {
        let calls = setting_calls("id = current_setting('app.user_id')::BIGINT OR current_user = 'admin'");
        assert_eq!(calls.len(), 1);
        assert!(!calls[0].missing_ok);
        assert_eq!(calls[0].cast.as_deref(), Some("bigint"));
        assert_eq!(calls[0].call, "current_setting('app.user_id')");
        assert_eq!(calls[0].setting, "'app.user_id'");

        let calls = setting_calls("tenant_id = current_setting('app.tenant', true)::uuid");
        assert!(calls[0].missing_ok && calls[0].cast.as_deref() == Some("uuid") && !calls[0].guarded);
        assert_eq!(calls[0].setting, "'app.tenant'");

        let calls = setting_calls("x = NULLIF(current_setting('a.b', true), '')::bigint");
        assert!(calls[0].missing_ok && calls[0].cast.is_none());

        let guarded = crate::model::session_setting_equals("user_id", &crate::SqlType::BigInt, "app.user_id");
        let calls = setting_calls(&guarded);
        assert_eq!(calls.len(), 2);
        assert!(calls.iter().all(|c| c.missing_ok));
        assert!(calls[1].guarded && calls[1].cast.as_deref() == Some("bigint"));

        assert!(setting_calls("'current_setting(''x'')'").is_empty());
        assert!(setting_calls("my_current_setting('x')").is_empty());
        assert_eq!(setting_calls("current_setting ( 'x' , 'true' )::text")[0].cast.as_deref(), Some("text"));
        assert!(setting_calls("current_setting ( 'x' , 'true' )")[0].missing_ok);

        // Comments open no string: the call after one is found, those in one are not.
        let body = "-- runs as the function's owner\n/* it's /* nested */ current_setting('c.x') */ v := current_setting('a.b');";
        assert_eq!(setting_calls(body).iter().map(|c| c.setting.as_str()).collect::<Vec<_>>(), ["'a.b'"]);
        assert_eq!(setting_calls("x -- current_setting('c.x')").len(), 0);
    }
}
