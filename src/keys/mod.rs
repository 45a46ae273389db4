//! The input vocabulary: every [`Action`] a user can take, and the [`Keymap`] that binds keys to them per
//! [`Context`]. It knows nothing of panes or screens, so every layer above may name keys and actions.

pub mod action;
pub mod keymap;

pub use action::Action;
pub use keymap::{Context, Key, Keymap};
