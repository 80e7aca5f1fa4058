//! `oxygram-testkit`: run the local Telegram from the command line.

fn main() {
    eprintln!("usage: oxygram-testkit serve [--listen ADDR] [--world FILE] [--session PATH]...");
    std::process::exit(2);
}
