//! `k8sc lab DIR [--fail HOST,...|--drill] [--format json]`, and the hidden stand-in.

use super::Status;
use super::args::{LabArgs, LabStandinArgs, SimulateFormat};
use crate::lab::drill::Report;

pub fn run(args: &LabArgs) -> Status {
    match crate::lab::run(&args.dir, &args.fail, args.drill, args.logs.as_deref()) {
        Ok(report) => {
            match args.format {
                SimulateFormat::Human => print!("{}", human(&report)),
                SimulateFormat::Json => println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default()),
            }
            if report.ok { Status::Ok } else { Status::Findings }
        }
        Err(trouble) => {
            eprintln!("error: {}", trouble.0);
            eprintln!("(everything the lab made is removed)");
            Status::Trouble
        }
    }
}

pub fn standin(args: &LabStandinArgs) -> Status {
    let result = match (&args.probe, &args.name, args.port) {
        (Some(target), _, _) => crate::lab::standin::probe(target).map(|name| println!("{name}")),
        (None, Some(name), Some(port)) => crate::lab::standin::serve(name, port),
        _ => Err("give --name and --port, or --probe".into()),
    };
    match result {
        Ok(()) => Status::Ok,
        Err(err) => {
            eprintln!("error: {err}");
            Status::Trouble
        }
    }
}

fn mark(ok: bool) -> &'static str {
    if ok { "up" } else { "DOWN" }
}

/// Where a VIP went when its host was lost, and how fast.
fn vip_moved(vip: &crate::lab::drill::VipMove) -> String {
    match (&vip.before, &vip.after, vip.seconds) {
        (before, after, Some(seconds)) if before == after => {
            format!("stays on {}", after.clone().unwrap_or_else(|| "no member".into()))
                + &(if before.is_none() {
                    String::new()
                } else {
                    format!(" ({seconds} s)")
                })
        }
        (before, Some(after), Some(seconds)) => format!(
            "{} -> {after} in {seconds} s (bound {} s)",
            before.clone().unwrap_or_else(|| "none".into()),
            vip.bound_seconds
        ),
        (_, None, Some(_)) => "held by no member (none is alive)".to_string(),
        (_, after, None) => format!(
            "not held by {} within the watch (now: {})",
            vip.expected.clone().unwrap_or_else(|| "nobody".into()),
            after.clone().unwrap_or_else(|| "nobody".into())
        ),
    }
}

fn human(report: &Report) -> String {
    let mut out = format!(
        "{}: the host layer of {} nodes, each in its own namespaces\n",
        report.source, report.nodes
    );
    for note in &report.notes {
        out.push_str(&format!("  note: {note}\n"));
    }
    out.push_str(&format!("\nsettled in {} s:\n", report.settled_seconds));
    for line in &report.steady {
        out.push_str(&format!("  {line}\n"));
    }
    for vip in &report.double_holders {
        out.push_str(&format!(
            "  FAIL VIP {vip} was held by two members at once on the healthy network\n"
        ));
    }
    for host in &report.hosts {
        let agree = host.verdicts.iter().all(|verdict| verdict.agree)
            && host.vips.iter().all(|vip| vip.ok)
            && host.restore_problem.is_none();
        out.push_str(&format!(
            "\nfail {} ({}): {}\n",
            host.host,
            host.nodes_down.join(", "),
            if agree { "as simulate says" } else { "DISAGREES" }
        ));
        for vip in &host.vips {
            let moved = vip_moved(vip);
            out.push_str(&format!(
                "  {} VIP {}: {moved}\n",
                if vip.ok { "ok  " } else { "LATE" },
                vip.vip
            ));
        }
        if let Some(problem) = &host.restore_problem {
            out.push_str(&format!(
                "  FAIL restoring {} did not bring the platform back: {problem}\n",
                host.host
            ));
        }
        for verdict in &host.verdicts {
            let lab = verdict.lab.map_or("not run", mark);
            out.push_str(&format!(
                "  {} {}: lab {lab} ({}); simulate {} ({})\n",
                if verdict.agree { "agree " } else { "DIFFER" },
                verdict.subject,
                verdict.lab_detail,
                mark(verdict.simulate),
                verdict.simulate_detail
            ));
        }
    }
    if !report.services.is_empty() {
        out.push_str("\ntracked services killed on their VIP's holder:\n");
        for run in &report.services {
            let moved = match (&run.moved_to, run.seconds) {
                (Some(to), Some(seconds)) => format!("VIP -> {to} in {seconds} s (bound {} s)", run.bound_seconds),
                _ => format!("the VIP stayed on {} (bound {} s)", run.holder, run.bound_seconds),
            };
            out.push_str(&format!(
                "  {} {} on {}, VIP {}: {moved}\n",
                if run.ok { "ok  " } else { "LATE" },
                run.service,
                run.holder,
                run.vip
            ));
        }
    }
    out.push_str(if report.ok {
        "\nreality agrees with simulate\n"
    } else {
        "\nreality DISAGREES with simulate or the declared bounds\n"
    });
    out
}
