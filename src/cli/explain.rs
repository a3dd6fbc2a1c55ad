//! `k8sc explain CODE` and `k8sc explain --list`.

use super::Status;
use super::args::ExplainArgs;
use crate::diagnostic::Code;

pub fn run(args: &ExplainArgs) -> Status {
    if args.list {
        for code in Code::ALL {
            println!("{}  {}", code.as_str(), code.summary());
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
