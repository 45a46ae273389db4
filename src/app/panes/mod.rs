//! The tabs, each a [`Pane`](super::pane::Pane) in a module of its own. Adding a tab is one module here and one line
//! in [`registry`].

pub mod risks;
pub mod vetting;

use super::Tab;
use super::pane::Pane;

/// Every pane built as a component, with its tab.
pub fn registry() -> Vec<(Tab, Box<dyn Pane>)> {
    vec![(Tab::Risks, Box::new(risks::RiskPane::default())), (Tab::Vetting, Box::new(vetting::VettingPane::default()))]
}
