use clap::Parser;

fn main() {
    let cli = vpcegen::cli::Cli::parse();
    let code = vpcegen::run(
        cli,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
