//! Compile-time behaviour of `#[handler]`: what compiles, and what each misuse reports.
//!
//! `pass/` cases compile and run (they check what got registered); `fail/` cases must fail
//! with exactly the diagnostics in their `.stderr` snapshot. After changing a message, run
//! `TRYBUILD=overwrite cargo test -p oxygram --test ui` and read every changed `.stderr`.

#[test]
fn handler_attribute() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
