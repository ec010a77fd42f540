//! The engine's invariants, over generated seeds and lever settings.

mod invariants;
