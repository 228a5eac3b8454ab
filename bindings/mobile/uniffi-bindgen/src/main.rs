//! The uniffi bindings generator: `cargo run -p uniffi-bindgen -- generate --library <lib> ...`.
//!
//! It must run inside this cargo workspace: library mode reads cargo metadata to find
//! `bindings/mobile/uniffi.toml`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
