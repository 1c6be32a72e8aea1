//! The `gdcert` binary: parses the command line and calls the library.
fn main() {
    std::process::exit(gdcert::cli::main());
}
