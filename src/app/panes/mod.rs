//! The tabs, each a [`Pane`](super::pane::Pane) in a module of its own. Adding a tab is one module here and one line
//! in [`registry`].

pub mod engagements;
pub mod overview;
pub mod risks;
pub mod workflow;

use super::Tab;
use super::pane::Pane;

/// Every pane built as a component, with its tab.
pub fn registry() -> Vec<(Tab, Box<dyn Pane>)> {
    vec![
        (Tab::Risks, Box::new(risks::RiskPane::default())),
        (Tab::Engagements, Box::new(engagements::EngagementsPane::default())),
        (Tab::Overview, Box::new(overview::OverviewPane::default())),
        (Tab::Workflow, Box::new(workflow::WorkflowPane::default())),
    ]
}
