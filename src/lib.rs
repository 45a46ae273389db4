//! assay: an offline terminal workbench for assessing information security in ICT outsourcing.

// First, so that its printing macros are in scope everywhere below.
#[macro_use]
pub mod visible;

pub mod app;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod interchange;
pub mod keys;
pub mod private_fs;
pub mod report;
pub mod store;
pub mod team;
pub mod text;
pub mod theme;
pub mod tui;
pub mod ui;
pub mod widgets;
pub mod worker;
