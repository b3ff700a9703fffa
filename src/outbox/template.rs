//! The email's subject and body, from a text template in `config/`
//! (`config/email/voicemail.txt`): a `Subject:` line, a blank line, the
//! body. Placeholders in braces are filled per message; an unknown one is
//! refused at start, so a typo never reaches the team as `{dat}`.

/// What a template may say. `{number}` is the caller's number only when
/// they agreed to a call back; otherwise it reads "nicht übermittelt".
pub const PLACEHOLDERS: &[&str] = &[
    "hotline",
    "date",
    "time",
    "duration",
    "recording",
    "callback",
    "number",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    subject: String,
    body: String,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        let text = text.replace("\r\n", "\n");
        let (head, body) = text
            .split_once("\n\n")
            .ok_or("needs a `Subject: …` line, a blank line, then the body")?;
        let subject = head
            .strip_prefix("Subject:")
            .filter(|_| !head.contains('\n'))
            .ok_or("the first line must be `Subject: …`, followed by a blank line")?
            .trim()
            .to_owned();
        for name in placeholders(&text) {
            if !PLACEHOLDERS.contains(&name) {
                return Err(format!(
                    "unknown placeholder {{{name}}}; known: {}",
                    PLACEHOLDERS.join(", ")
                ));
            }
        }
        Ok(Template {
            subject,
            body: body.trim_end().to_owned() + "\n",
        })
    }

    /// Subject and body with every placeholder replaced by `value(name)`.
    pub fn render(&self, value: impl Fn(&str) -> String) -> (String, String) {
        (fill(&self.subject, &value), fill(&self.body, &value))
    }
}

fn placeholders(text: &str) -> Vec<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn fill(text: &str, value: &impl Fn(&str) -> String) -> String {
    let mut out = text.to_owned();
    for name in placeholders(text) {
        out = out.replace(&format!("{{{name}}}"), &value(name));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_template_parses_and_fills() {
        let t = Template::parse(crate::config::BUILT_IN_TEMPLATE).unwrap();
        let (subject, body) = t.render(|n| format!("<{n}>"));
        assert!(
            subject.contains("<date>") && !subject.contains('\n'),
            "{subject}"
        );
        assert!(body.contains("Rufnummer: <number>"), "{body}");
    }

    /// The hotline's name is a proper noun German cannot decline ("der
    /// starke Stelle" would be wrong): the template quotes it after a noun.
    #[test]
    fn built_in_template_never_declines_the_name() {
        let t = Template::parse(crate::config::BUILT_IN_TEMPLATE).unwrap();
        let (subject, body) = t.render(|n| match n {
            "hotline" => "starke Stelle".into(),
            other => format!("<{other}>"),
        });
        assert!(body.contains("der Hotline „starke Stelle“"), "{body}");
        assert!(subject.contains("Hotline „starke Stelle“"), "{subject}");
        assert!(!body.contains("der starke"), "{body}");
    }

    #[test]
    fn mistakes_are_refused() {
        assert!(Template::parse("no subject\n\nbody").is_err());
        assert!(Template::parse("Subject: x").is_err());
        let err = Template::parse("Subject: {dat}\n\nbody").unwrap_err();
        assert!(err.contains("{dat}"), "{err}");
    }
}
