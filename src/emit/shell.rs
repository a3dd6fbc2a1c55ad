//! The one way a value gets into a shell script: as one single-quoted word.
//!
//! Every script k8sc writes (keepalived's check and notify scripts, `harbor/apply.sh`,
//! `etcd/make-certs.sh`, the init containers' `sh -c`) takes each value it did not write
//! itself through [`quote`], or as a positional argument of a constant script. Inside
//! single quotes the shell gives no character a meaning; a `'` in the value ends the
//! quotes, is written as `\'`, and opens them again.

/// `value` as one POSIX shell word that expands to exactly `value`.
pub fn quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"@%+=:,./-_".contains(&byte));
    if plain {
        // Nothing in it means anything to the shell: written as it is, for readable scripts.
        return value.to_string();
    }
    let mut word = String::with_capacity(value.len() + 2);
    word.push('\'');
    for ch in value.chars() {
        if ch == '\'' {
            word.push_str("'\\''");
        } else {
            word.push(ch);
        }
    }
    word.push('\'');
    word
}

/// The minijinja filter `sh`: `{{ value | sh }}` in a script template.
pub fn filter(value: minijinja::Value) -> String {
    match value.as_str() {
        Some(text) => quote(text),
        None => quote(&value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn every_value_is_one_word_of_itself() {
        assert_eq!(quote("eth0"), "eth0");
        assert_eq!(quote("/dev/drbd0"), "/dev/drbd0");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("$(id)`id`;\n"), "'$(id)`id`;\n'");
        // The shell reads each back as it was.
        for value in [
            "a b",
            "it's",
            "$(touch /nonexistent)",
            "\"'\\",
            "-n",
            "*",
            "~root",
            "a\nb",
        ] {
            let output = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", quote(value)))
                .output()
                .expect("sh runs");
            assert_eq!(String::from_utf8_lossy(&output.stdout), value);
        }
    }
}
