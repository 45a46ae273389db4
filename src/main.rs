use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        assay::errln!("assay: {e}");
    }
    let cli = assay::cli::Cli::parse();
    match assay::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            assay::errln!("assay: {e}");
            ExitCode::FAILURE
        }
    }
}
