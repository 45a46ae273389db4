//! assay: an offline terminal workbench for assessing information security in ICT outsourcing.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod interchange;
pub mod store;
pub mod tui;
pub mod ui;
