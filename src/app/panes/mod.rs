//! The tabs, each a [`Pane`](super::pane::Pane) in a module of its own. Adding a tab is one module here and one line
//! in [`registry`].

pub mod assets;
pub mod risks;
pub mod scorecard;
pub mod vetting;

use super::Tab;
use super::pane::Pane;

/// Every pane built as a component, with its tab.
pub fn registry() -> Vec<(Tab, Box<dyn Pane>)> {
    vec![
        // One line per tab, in any order: the tab bar follows the order of `Tab`.
        (Tab::Risks, Box::new(risks::RiskPane::default())),
        (Tab::Scorecard, Box::new(scorecard::ScorecardPane::default())),
        (Tab::Vetting, Box::new(vetting::VettingPane::default())),
        (Tab::Assets, Box::new(assets::AssetPane::default())),
    ]
}
