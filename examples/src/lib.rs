//! Examples are the `[[example]]` targets of this package.
