use std::process::ExitCode;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        assay::errln!("assay: {e}");
    }
    // clap's messages quote what was typed: they are printed through `visible` like everything else.
    let cli = match assay::cli::Cli::try_parse_args() {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            if e.use_stderr() {
                assay::out_err!("{text}");
            } else {
                assay::out!("{text}");
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match assay::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            assay::errln!("assay: {e}");
            ExitCode::from(assay::commands::exit_code(&e))
        }
    }
}
