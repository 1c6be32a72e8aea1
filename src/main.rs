//! The `gdcert` binary: parses the command line and calls the library.
fn main() {
    // Die quietly of SIGPIPE when the reader of standard output goes away (`gdcert list | head`),
    // as command-line tools do, instead of panicking on a failed write.
    #[cfg(unix)]
    // SAFETY: resetting a signal disposition to its default at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(gdcert::cli::main());
}
