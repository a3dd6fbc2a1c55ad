//! `k8sc explain CODE` and `k8sc explain --list`.

use super::Status;
use super::args::ExplainArgs;
use crate::diagnostic::Code;

pub fn run(args: &ExplainArgs) -> Status {
    if args.list {
        for code in Code::ALL {
            // The rule that reports it (family/function); else the front end (syntax,
            // names, types, `@allow`) or what only a build needs (`check::build`).
            let source = match crate::check::rule_of(*code) {
                Some((family, rule)) => format!("{}/{}", family.name, rule.name),
                None if code.as_str().starts_with("E02") => "build".to_string(),
                None => "front end".to_string(),
            };
            println!("{}  {}  [{source}]", code.as_str(), code.summary());
        }
        return Status::Ok;
    }
    let wanted = args.code.as_deref().unwrap_or_default();
    match Code::parse(wanted) {
        Some(code) => {
            print!("{}", code.page());
            Status::Ok
        }
        None => {
            eprintln!("error: `{wanted}` is not a k8sc diagnostic code; `k8sc explain --list` lists them");
            Status::Trouble
        }
    }
}
