use std::process::ExitCode;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        eprintln!("assay: {e}");
    }
    let cli = assay::cli::Cli::parse_args();
    match assay::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("assay: {e}");
            ExitCode::FAILURE
        }
    }
}
