//! `Args<T>` parsing of a command's arguments, for the argument types handlers use.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxygram::extract::ParseArgs;

fn check<T: ParseArgs>(raw: &str) {
    if let Err(problem) = T::parse_args(raw) {
        // The usage reply echoes the bad argument: it must stay short whatever was sent.
        assert!(problem.chars().count() < 300, "{problem}");
    }
}

fuzz_target!(|raw: &str| {
    check::<String>(raw);
    check::<char>(raw);
    check::<bool>(raw);
    check::<f64>(raw);
    check::<u8>(raw);
    check::<i128>(raw);
    check::<(u8, u32)>(raw);
    check::<(i64, String)>(raw);
    check::<(String, u8)>(raw);
    check::<(bool, u8, i16, char, f32, String)>(raw);
});
